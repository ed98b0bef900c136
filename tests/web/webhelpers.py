"""The web service under Starlette's TestClient, on SQLite and on PostgreSQL: helpers and
fixtures (test modules import the fixtures they use: a second conftest.py would shadow
tests/conftest.py, both being imported as the module ``conftest``).

PostgreSQL: ``scripts/setup.sh --test`` (which CI runs) starts the local server and
creates the role/database below; ``SP_DOCS_TEST_POSTGRES`` may name another.  When no
server answers, the PostgreSQL cases are skipped locally and fail under CI."""
from __future__ import annotations

import os
import re
import warnings
from pathlib import Path

import pytest

warnings.filterwarnings("ignore", message=".*httpx.*")

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_URL = os.environ.get("SP_DOCS_TEST_POSTGRES",
                              "postgresql://spdocs_test:spdocs_test@127.0.0.1:5432/spdocs_test")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_pg_state: dict = {}


def postgres_available() -> bool:
    if "ok" not in _pg_state:
        try:
            import psycopg

            psycopg.connect(POSTGRES_URL, connect_timeout=3).close()
            _pg_state["ok"] = True
        except Exception as exc:  # noqa: BLE001 - any failure means: no server here
            _pg_state["ok"], _pg_state["why"] = False, str(exc)
    return _pg_state["ok"]


def fresh_postgres() -> str:
    """A URL whose search_path is a new, empty schema (runs and tests never share tables)."""
    if not postgres_available():
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL must run in CI (scripts/setup.sh --test starts it): {_pg_state['why']}")
        pytest.skip(f"no local PostgreSQL server: {_pg_state['why']}")
    import secrets

    import psycopg

    schema = f"t_{os.getpid()}_{secrets.token_hex(4)}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    _pg_state.setdefault("schemas", []).append(schema)
    separator = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"


def drop_schemas() -> None:
    import psycopg

    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        for schema in _pg_state.pop("schemas", []):
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def make_app(data_dir: Path, database_url: str | None = None, **settings):
    from sp_docs.web.app import create_app
    from sp_docs.web.config import Settings
    from sp_docs.web.runner import InlineRunner

    return create_app(Settings(data_dir, database_url, **settings), runner=InlineRunner)


class Site:
    """A service with an admin and two unit accounts (unit B is not A's sub-unit)."""

    def __init__(self, app):
        from sp_docs.web.accounts import add_account

        self.app = app
        with app.state.services.db.session() as db:
            add_account(db, "admin", "admin-pass-1", admin=True)
            add_account(db, "yizhong", "unit-pass-a1", unit_name="青川市第一中学")
            add_account(db, "erzhong", "unit-pass-b1", unit_name="青川市第二中学")

    def client(self, username: str | None = None, password: str | None = None, **kwargs):
        from starlette.testclient import TestClient

        client = TestClient(self.app, **kwargs)
        if username:
            response = login(client, username, password or {"admin": "admin-pass-1", "yizhong": "unit-pass-a1",
                                                             "erzhong": "unit-pass-b1"}[username])
            assert response.status_code == 200 and "退出" in response.text, response.text[:500]
        return client


def login(client, username: str, password: str):
    page = client.get("/login")
    token = CSRF.search(page.text).group(1)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


def csrf_of(client, path: str = "/data") -> str:
    return CSRF.search(client.get(path).text).group(1)


def upload(client, path: Path, name: str | None = None):
    token = csrf_of(client)
    return client.post("/data/upload", data={"csrf_token": token},
                       files={"workbook": (name or path.name, path.read_bytes())})


from sp_docs.web.accounts import use_cheap_hashes  # noqa: E402 - tests only: fast Argon2 settings

use_cheap_hashes()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request):
    if request.param == "sqlite":
        yield None
        return
    yield fresh_postgres()
    drop_schemas()


@pytest.fixture()
def site(tmp_path, database_url):
    app = make_app(tmp_path / "data", database_url)
    yield Site(app)
    app.state.services.close()


@pytest.fixture()
def sqlite_site(tmp_path):
    app = make_app(tmp_path / "data")
    yield Site(app)
    app.state.services.close()



# -- a real service and Debian's Chromium, for the browser tests -------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def require_chromium() -> None:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium must be installed in CI (scripts/setup.sh --test)")
        pytest.skip("chromium is not installed (bash scripts/setup.sh --test installs it)")


def serve_in_subprocess(data: Path, admin: tuple[str, str], workers: int = 1):
    """`sp-docs serve` on a free port with one admin account; yields the base URL, stops it after."""
    import subprocess
    import sys
    import time
    import urllib.request

    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    command = [sys.executable, "-c", "from sp_docs.cli import main; main()"]
    subprocess.run(command + ["accounts", "add", "--data", str(data), "--username", admin[0], "--admin",
                              "--password-stdin"], input=admin[1] + "\n", text=True, env=env, check=True,
                   capture_output=True)
    port = free_port()
    process = subprocess.Popen(command + ["serve", "--data", str(data), "--port", str(port), "--workers", str(workers)],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://localhost:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(base + "/login", timeout=1)
            break
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(process.stdout.read())
            time.sleep(0.1)
    yield base
    process.terminate()
    process.wait(timeout=20)


def chromium():
    """Debian's Chromium through Playwright (yields the browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_page(browser, server: str, width: int = 1366, height: int = 768):
    """A fresh browser context's page on ``server``, collecting script errors (``page.errors``)
    and dismissing any dialog (``page.dialogs``)."""
    context = browser.new_context(base_url=server, viewport={"width": width, "height": height}, accept_downloads=True,
                                  locale="zh-CN")
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on("console", lambda msg: page.errors.append(msg.text) if msg.type == "error" else None)
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    return page
