"""What every route needs: the services, the logged-in account, CSRF checks,
page rendering (Jinja2, autoescaped) and the 404 every unseen object gets."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from .auth import COOKIE, find_session, same_token

TEMPLATES = Path(__file__).with_name("templates")
STATUS_LABELS = {"queued": "排队中", "running": "进行中", "done": "已完成", "failed": "失败", "interrupted": "已中断"}
CHINA = dt.timezone(dt.timedelta(hours=8))


def local_time(value) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S")


def _size(value: int) -> str:
    return f"{value / 1024 / 1024:.1f} MB" if value >= 1024 * 1024 else f"{max(1, round(value / 1024))} KB"


environment = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(default=True),
                          trim_blocks=True, lstrip_blocks=True)
environment.filters["time"] = local_time
environment.filters["size"] = _size
environment.filters["urlquote"] = lambda text: quote(str(text), safe="")
environment.globals["STATUS_LABELS"] = STATUS_LABELS


class NotFound(Exception):
    """Anything the account may not see answers exactly like something that does not exist."""


class LoginRequired(Exception):
    pass


class Forbidden(Exception):
    pass


class BadForm(Exception):
    """A form that failed its CSRF check."""


def services(request: Request):
    return request.app.state.services


def session_of(request: Request, db):
    """The (session, account) of the request, or (None, None)."""
    row = find_session(db, request.cookies.get(COOKIE))
    return (row, row.account) if row is not None else (None, None)


class Viewer:
    """Who is looking, as the pages show it (a plain copy: error pages render after a rollback)."""

    def __init__(self, account):
        self.username, self.is_admin, self.unit_id = account.username, account.is_admin, account.unit_id
        self.unit = type("UnitName", (), {"name": account.unit.name})() if account.unit else None


def remember(request: Request, row, account) -> None:
    request.state.viewer = Viewer(account) if account is not None else None
    request.state.csrf = row.csrf if row is not None else ""


def require_login(request: Request, db):
    row, account = session_of(request, db)
    if account is None:
        raise LoginRequired()
    remember(request, row, account)
    return row, account


def require_admin(request: Request, db):
    row, account = require_login(request, db)
    if not account.is_admin:
        raise NotFound()
    return row, account


async def checked_form(request: Request, session_row):
    """The posted form, after its CSRF token was compared with the session's."""
    form = await request.form(max_files=1, max_fields=400)
    token = form.get("csrf_token") or request.headers.get("x-csrf-token")
    if not same_token(session_row.csrf, token):
        raise BadForm()
    return form


async def posted_form(request: Request, db):
    """A form post by a logged-in account: its (session, account, form), the form's CSRF
    token compared with the session's (LoginRequired / BadForm otherwise)."""
    row, account = require_login(request, db)
    return row, account, await checked_form(request, row)


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


def render(request: Request, name: str, status_code: int = 200, **context) -> HTMLResponse:
    context.setdefault("account", getattr(request.state, "viewer", None))
    context.setdefault("csrf", getattr(request.state, "csrf", ""))
    context.setdefault("path", request.url.path)
    html = environment.get_template(name).render(**context)
    return HTMLResponse(html, status_code=status_code)


def download(data: bytes, name: str, media_type: str, inline: bool = False) -> Response:
    """A file response named ``name`` (RFC 5987 for Chinese names; an ASCII fallback)."""
    fallback = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in name) or "file"
    kind = "inline" if inline else "attachment"
    headers = {"Content-Disposition": f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"}
    return Response(data, media_type=media_type, headers=headers)


MEDIA_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".zip": "application/zip", ".png": "image/png", ".yaml": "text/yaml; charset=utf-8",
}
