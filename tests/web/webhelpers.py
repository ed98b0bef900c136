"""The web service under Starlette's TestClient, on SQLite and on PostgreSQL.

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
    if not postgres_available():
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL must run in CI (scripts/setup.sh --test starts it): {_pg_state['why']}")
        pytest.skip(f"no local PostgreSQL server: {_pg_state['why']}")
    import psycopg

    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
    return POSTGRES_URL


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
