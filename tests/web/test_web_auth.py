"""Logging in and out, session cookie, CSRF, throttling, security headers — on SQLite and PostgreSQL."""
from __future__ import annotations

from webhelpers import CSRF, csrf_of, login
from webhelpers import database_url, site, sqlite_site  # noqa: F401 - fixtures


def test_login_page_has_the_contract_names(site):
    page = site.client().get("/login").text
    assert '<label for="username">用户名</label>' in page
    assert '<label for="password">密码</label>' in page
    assert '<button type="submit" class="primary">登录</button>' in page


def test_login_logout_and_cookie_flags(site):
    client = site.client()
    response = login(client, "yizhong", "unit-pass-a1")
    assert response.status_code == 200 and str(response.url).endswith("/data")
    cookie = next(h for k, h in response.history[0].headers.multi_items() if k == "set-cookie"
                  and h.startswith("spdocs_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    assert "退出" in response.text and "青川市第一中学" in response.text
    token = csrf_of(client)
    out = client.post("/logout", data={"csrf_token": token})
    assert str(out.url).endswith("/login")
    assert str(client.get("/data").url).endswith("/login")  # the session is gone


def test_cookie_is_secure_over_https(sqlite_site):
    client = sqlite_site.client(base_url="https://testserver")
    response = login(client, "yizhong", "unit-pass-a1")
    cookie = next(h for k, h in response.history[0].headers.multi_items() if k == "set-cookie"
                  and h.startswith("spdocs_session="))
    assert "Secure" in cookie


def test_wrong_password_says_what_to_do(site):
    response = login(site.client(), "yizhong", "wrong-password")
    assert response.status_code == 401
    assert "用户名或密码不正确" in response.text


def test_a_hash_made_with_older_settings_is_rewritten_at_login(sqlite_site):
    # argon2-cffi's default (64 MiB, 3 passes, 4 lanes), which the service used before
    from argon2 import PasswordHasher
    from sqlalchemy import select

    from sp_docs.web.accounts import needs_rehash
    from sp_docs.web.models import Account

    db_of = sqlite_site.app.state.services.db.session
    with db_of() as db:
        account = db.scalar(select(Account).where(Account.username == "yizhong"))
        account.password_hash = old = PasswordHasher(time_cost=1, memory_cost=64, parallelism=2).hash("unit-pass-a1")
    assert needs_rehash(old)
    assert login(sqlite_site.client(), "yizhong", "unit-pass-a1").status_code == 200
    with db_of() as db:
        now = db.scalar(select(Account).where(Account.username == "yizhong")).password_hash
    assert now != old and not needs_rehash(now) and now.startswith("$argon2id$")
    assert login(sqlite_site.client(), "yizhong", "unit-pass-a1").status_code == 200


def test_an_unknown_user_name_is_refused_like_a_wrong_password(site):
    response = login(site.client(), "nobody-here", "whatever-123")
    assert response.status_code == 401 and "用户名或密码不正确" in response.text


def test_login_is_throttled_after_five_failures(site):
    client = site.client()
    for _ in range(5):
        assert login(client, "yizhong", "wrong-password").status_code == 401
    locked = login(client, "yizhong", "unit-pass-a1")  # even the right password now
    assert locked.status_code == 429 and "锁定" in locked.text and "退出" not in locked.text
    assert login(site.client(), "erzhong", "unit-pass-b1").status_code == 200  # other accounts unaffected
    with site.app.state.services.db.session() as db:
        from sqlalchemy import select

        from sp_docs.web.models import AuditEntry

        actions = [e.action for e in db.scalars(select(AuditEntry).where(AuditEntry.username == "yizhong"))]
    assert actions.count("登录失败") == 6


def test_forms_without_csrf_token_change_nothing(site):
    client = site.client("yizhong")
    assert client.post("/logout").status_code == 400
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 400
    assert "退出" in client.get("/data").text  # still logged in
    admin = site.client("admin")
    response = admin.post("/admin/accounts", data={"username": "intruder", "role": "admin", "password": "x" * 12})
    assert response.status_code == 400 and "安全校验未通过" in response.text
    assert "intruder" not in admin.get("/admin").text


def test_login_form_needs_its_own_csrf_cookie(site):
    client = site.client()
    token = CSRF.search(client.get("/login").text).group(1)
    client.cookies.clear()  # a cross-site form post carries no SameSite=Strict cookie
    response = client.post("/login", data={"username": "yizhong", "password": "unit-pass-a1", "csrf_token": token})
    assert response.status_code == 400 and "退出" not in response.text


def test_security_headers_forbid_inline_scripts(site):
    client = site.client("yizhong")
    response = client.get("/data")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["x-frame-options"] == "DENY"
    assert "<script>" not in response.text and 'src="/static/app.js"' in response.text
    assert "http://" not in response.text.replace("http://testserver", "")  # nothing from the internet


def test_pages_need_a_login(site):
    client = site.client()
    for path in ("/data", "/documents", "/questionnaire", "/admin", "/admin/audit"):
        assert str(client.get(path).url).endswith("/login"), path


def test_unit_account_cannot_open_admin_pages(site):
    client = site.client("yizhong")
    assert client.get("/admin").status_code == 404
    assert client.get("/admin/audit").status_code == 404


def test_one_address_guessing_many_names_is_stopped(sqlite_site):
    client = sqlite_site.client()
    for number in range(20):
        assert login(client, f"guess{number}", "wrong-password").status_code == 401
    refused = login(client, "erzhong", "unit-pass-b1")
    assert refused.status_code == 429 and "这台电脑的登录失败次数过多" in refused.text


def test_an_unexpected_error_is_a_chinese_page_not_a_traceback(sqlite_site):
    def broken():
        raise RuntimeError("secret internal detail")

    sqlite_site.app.add_api_route("/test-broken", broken)
    sqlite_site.app.add_api_route("/api/test-broken", broken)
    client = sqlite_site.client(raise_server_exceptions=False)
    page = client.get("/test-broken")
    assert page.status_code == 500 and "服务器内部错误" in page.text
    assert "secret internal detail" not in page.text and "Traceback" not in page.text
    api = client.get("/api/test-broken")
    assert api.status_code == 500 and "服务器内部错误" in api.json()["detail"]
