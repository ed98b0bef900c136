"""``sp-docs accounts`` from a script, and the migrations that create the database."""
from __future__ import annotations

from sp_docs.cli import main


def test_accounts_add_list_reset(tmp_path, runner):
    data = str(tmp_path / "svc")
    result = runner.invoke(main, ["accounts", "add", "--data", data, "--username", "admin", "--admin",
                                  "--password-stdin"], input="first-admin-pass\n")
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["accounts", "add", "--data", data, "--username", "yizhong", "--unit",
                                  "青川市第一中学", "--password-stdin"], input="unit-pass-123\n")
    assert result.exit_code == 0 and "单位“青川市第一中学”" in result.output
    listed = runner.invoke(main, ["accounts", "list", "--data", data])
    assert listed.exit_code == 0
    assert "admin\t管理员" in listed.output and "yizhong\t单位账号\t青川市第一中学" in listed.output
    again = runner.invoke(main, ["accounts", "add", "--data", data, "--username", "yizhong", "--unit", "x",
                                 "--password-stdin"], input="another-pass-1\n")
    assert again.exit_code == 1 and "已存在" in again.output and "Traceback" not in again.output
    short = runner.invoke(main, ["accounts", "reset-password", "--data", data, "--username", "yizhong",
                                 "--password-stdin"], input="short\n")
    assert short.exit_code == 1 and "至少 8 位" in short.output
    reset = runner.invoke(main, ["accounts", "reset-password", "--data", data, "--username", "yizhong",
                                 "--password-stdin"], input="new-unit-pass-1\n")
    assert reset.exit_code == 0
    both = runner.invoke(main, ["accounts", "add", "--data", data, "--username", "x", "--password-stdin"], input="p\n")
    assert both.exit_code == 2 and "--admin" in both.output

    from sp_docs.web.accounts import verify_password
    from sp_docs.web.db import Database
    from sp_docs.web.models import Account

    db = Database(f"sqlite:///{tmp_path / 'svc' / 'sp-docs.sqlite3'}")
    with db.session() as s:
        account = s.query(Account).filter_by(username="yizhong").one()
        assert account.password_hash.startswith("$argon2id$")
        assert verify_password(account.password_hash, "new-unit-pass-1")
    db.dispose()


def test_database_is_sqlite_in_wal_mode_with_the_newest_revision(tmp_path):
    from sqlalchemy import text

    from webhelpers import make_app

    app = make_app(tmp_path / "svc")
    try:
        with app.state.services.db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0004"  # the newest revision
    finally:
        app.state.services.close()
    assert (tmp_path / "svc" / "sp-docs.sqlite3").is_file() and (tmp_path / "svc" / "files").is_dir()


def test_serve_help_is_chinese(runner):
    result = runner.invoke(main, ["serve", "--help"])
    assert result.exit_code == 0 and "--demo" in result.output and "数据文件夹" in result.output


def test_demo_loads_the_example_city_once(tmp_path):
    from webhelpers import CSRF, ROOT, make_app

    from sp_docs.sources import load_dataset
    from sp_docs.web.demo import load_demo

    app = make_app(tmp_path / "demo")
    try:
        created = load_demo(app.state.services)
        data, _ = load_dataset(ROOT / "data_examples" / "city.xlsx")
        assert [c[1] for c in created[1:]] == [u.name for u in data.units]
        assert created[0][0] == "admin" and len({c[2] for c in created}) == len(created)  # distinct passwords
        assert load_demo(app.state.services) == []  # passwords are printed once only
        from webhelpers import login
        from starlette.testclient import TestClient

        client = TestClient(app)
        username, _unit, password = created[[c[1] for c in created].index("西岭县教育局")]
        assert login(client, username, password).status_code == 200
        page = client.get("/documents").text
        assert "使用的数据：city.xlsx" in page and '<option value="2025"' in page and CSRF.search(page)
    finally:
        app.state.services.close()


def test_the_web_commands_help_pages_are_in_chinese(runner):
    for args in (["serve"], ["accounts"], ["accounts", "add"], ["accounts", "token"]):
        page = runner.invoke(main, [*args, "--help"]).output
        assert "显示帮助并退出" in page and "Show this message" not in page, (args, page)
    assert "[默认：check-process]" in runner.invoke(main, ["serve", "-h"]).output
