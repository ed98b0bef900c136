"""登录 / 退出 / 首页 / 使用说明."""
from __future__ import annotations

import secrets

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse

from .auth import COOKIE, LOGIN_CSRF_COOKIE, audit, check_login, end_session, same_token, start_session
from .common import BadForm, client_address, posted_form, remember, render, require_login, services, session_of

router = APIRouter()


def _cookie_secure(request: Request) -> bool:
    return request.url.scheme == "https"  # behind a proxy only when --trusted-proxy names it


@router.get("/")
async def home(request: Request):
    with services(request).db.session() as db:
        _row, account = session_of(request, db)
        if account is None:
            return RedirectResponse("/login", status_code=303)
        return RedirectResponse("/admin" if account.is_admin else "/data", status_code=303)


def _login_page(request: Request, message: str = "", username: str = "", status_code: int = 200):
    token = secrets.token_urlsafe(32)
    response = render(request, "login.html", status_code=status_code, login_csrf=token, message=message,
                      username=username, account=None)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=_cookie_secure(request),
                        path="/login")
    return response


@router.get("/login")
async def login_form(request: Request):
    return _login_page(request)


def _check_and_start(svc, username: str, password: str, address: str) -> tuple[str, str]:
    """(session token, "") or ("", the Chinese reason): Argon2 and every write of the login in
    one short transaction of its own, in a worker thread (a write lock held across an await
    on the event loop made other logins wait for SQLite's busy timeout)."""
    with svc.db.session() as db:
        account, reason = check_login(db, username, password, address, failures=svc.settings.throttle_failures,
                                      minutes=svc.settings.throttle_minutes)
        if account is None:
            audit(db, None, "登录失败", reason, address, username=username[:64])
            return "", reason
        token, _row = start_session(db, account, svc.settings.session_hours)
        audit(db, account, "登录", "", address)
    return token, ""


@router.post("/login")
async def login(request: Request):
    form = await request.form(max_files=0, max_fields=10)
    if not same_token(request.cookies.get(LOGIN_CSRF_COOKIE), form.get("csrf_token")):
        raise BadForm()
    svc = services(request)
    username = str(form.get("username") or "").strip()
    token, reason = await run_in_threadpool(  # Argon2 takes a while: keep serving others
        _check_and_start, svc, username, str(form.get("password") or ""), client_address(request))
    if not token:
        return _login_page(request, reason, username, status_code=429 if "锁定" in reason else 401)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(COOKIE, token, httponly=True, samesite="lax", secure=_cookie_secure(request),
                        max_age=svc.settings.session_hours * 3600, path="/")
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
async def logout(request: Request):
    svc = services(request)
    with svc.db.session() as db:
        row, account, _form = await posted_form(request, db)
        audit(db, account, "退出", "", client_address(request))
        end_session(db, request.cookies.get(COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/help")
async def help_page(request: Request):
    with services(request).db.session() as db:
        remember(request, *session_of(request, db))
        return render(request, "help.html")


@router.get("/account/token")
async def token_page(request: Request):
    from .auth import api_token_of

    with services(request).db.session() as db:
        _row, account = require_login(request, db)
        return render(request, "api_token.html", existing=api_token_of(db, account), token="")


@router.post("/account/token")
async def token_create(request: Request):
    from .auth import create_api_token

    with services(request).db.session() as db:
        row, account, _form = await posted_form(request, db)
        token = create_api_token(db, account)
        audit(db, account, "创建API令牌", "网页", client_address(request))
        return render(request, "api_token.html", existing=None, token=token)
