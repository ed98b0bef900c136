"""The ASGI application: services, security headers, error pages, routes."""
from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.staticfiles import StaticFiles

from .common import BadForm, Forbidden, LoginRequired, NotFound, render
from .config import Settings

log = logging.getLogger("sp_docs.web")
STATIC = Path(__file__).with_name("static")
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")


class Services:
    """One service's database, file store and job runner."""

    def __init__(self, settings: Settings, runner=None, recover: bool = True):
        from .db import Database
        from .checks import CheckProcess
        from .storage import FileStore
        from .tasks import Worker, interrupted_on_start

        settings.prepare()
        self.settings = settings
        self.db = Database(settings.db_url)
        self.db.migrate()
        self.store = FileStore(settings.files_dir)
        self.checks = CheckProcess(settings.files_dir, settings.check_process)
        self.worker = Worker(self.db, self.store, settings)
        # the service starting: jobs left running are interrupted, before any worker can claim a job
        # (not for a command that only opens the database while the service runs: recover=False)
        queued = interrupted_on_start(self.db, settings.work_dir) if recover else []
        self.runner = runner(self.worker) if runner else self._process_runner()
        for job_id in queued:
            self.runner.submit(job_id)
        self.data_cache: dict[int, object] = {}

    def _process_runner(self):
        from functools import partial

        from .runner import ProcessRunner
        from .tasks import mark_lost

        return ProcessRunner(self.settings, partial(mark_lost, self.db, self.settings))

    def close(self) -> None:
        self.runner.shutdown()
        self.checks.close()
        self.db.dispose()


def create_app(settings: Settings, runner=None) -> FastAPI:
    services = Services(settings, runner)

    @asynccontextmanager
    async def lifespan(_app):
        yield
        services.close()

    app = FastAPI(title="sp-docs", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.services = services
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    _add_security_headers(app, settings)
    _add_error_handlers(app)
    _include_routes(app)
    return app


def _add_security_headers(app: FastAPI, settings: Settings) -> None:
    app.add_middleware(SecurityHeaders, max_upload=settings.max_upload)


_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"same-origin")]


class SecurityHeaders:
    """Every answer's security headers, and uploads refused by their stated length before a
    byte is read.  A plain ASGI middleware: Starlette's ``@app.middleware("http")`` runs each
    request through an extra task and streams (~1 ms of CPU a request, which 50 units at once
    pay a thousand times over)."""

    def __init__(self, app, max_upload: int):
        self.app, self.max_upload = app, max_upload

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        refused = self._refused(scope)
        if refused is not None:
            return await refused(scope, receive, send)
        static = scope["path"].startswith("/static/")

        async def with_headers(message):
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _REPLACED]
                present = {k.lower() for k, _ in headers}
                headers += _HEADERS
                if b"content-security-policy" not in present:
                    headers.append((b"content-security-policy", CSP.encode()))
                if not static and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)

    def _refused(self, scope) -> Response | None:
        if scope["method"] != "POST":
            return None
        headers = {k.lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        length = headers.get(b"content-length")
        request = Request(scope)
        if length is None and "multipart" in headers.get(b"content-type", ""):
            return _error(request, 411, "上传请求缺少长度信息，请用浏览器的上传按钮重新上传。")
        if length is not None and (not length.isdigit() or int(length) > self.max_upload + 256 * 1024):
            return _error(request, 413, f"文件太大：上传的文件不能超过 {self.max_upload // (1024 * 1024)} MB。"
                          "请删去工作簿中的图片或多余的工作表后再上传。")
        return None


_REPLACED = {k for k, _ in _HEADERS}


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotFound)
    async def not_found(request: Request, _exc):
        return _error(request, 404, "找不到这个页面或文件。可能是链接有误，或者它不属于您的单位。请从左侧菜单重新进入。")

    @app.exception_handler(404)
    async def not_found_route(request: Request, _exc):
        return _error(request, 404, "找不到这个页面或文件。可能是链接有误，或者它不属于您的单位。请从左侧菜单重新进入。")

    @app.exception_handler(405)
    async def wrong_method(request: Request, _exc):
        return _error(request, 405, "这个地址不能这样打开，请从菜单重新进入。")

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _exc):
        if request.url.path.endswith("/status") or request.method != "GET":
            return _error(request, 401, "登录已过期，请重新登录。")
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, _exc):
        return _error(request, 403, "您的账号不能进行这项操作。")

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception):
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return _error(request, 500, "服务器内部错误，这次操作没有完成。请稍后重试；如果一再出现，请把操作步骤和时间告诉管理员"
                      "（服务日志中有详细记录）。")

    @app.exception_handler(BadForm)
    async def bad_form(request: Request, _exc):
        return _error(request, 400, "表单已过期或来源不明（安全校验未通过），未做任何修改。请返回后刷新页面，再提交一次。")

    from fastapi.exceptions import RequestValidationError

    from .routes_api import ApiError, api_error_response

    app.add_exception_handler(ApiError, api_error_response)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        where = "；".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}" for e in exc.errors()[:5])
        return JSONResponse({"detail": f"请求参数不正确或缺少：{where}。请对照 /api/openapi.json 修改后重试。"},
                            status_code=422)


def _include_routes(app: FastAPI) -> None:
    from . import (routes_admin, routes_api, routes_auth, routes_bureau, routes_certificates, routes_documents,
                   routes_questionnaire, routes_submissions, routes_unit)

    for module in (routes_auth, routes_unit, routes_documents, routes_questionnaire, routes_certificates,
                   routes_submissions, routes_bureau, routes_admin, routes_api):
        app.include_router(module.router)


def _error(request: Request, status: int, message: str) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": message}, status_code=status)
    return render(request, "error.html", status_code=status, message=message, status=status)
