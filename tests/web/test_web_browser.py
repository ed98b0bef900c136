"""End to end in Debian's Chromium (Playwright): the service runs once for the module
(`sp-docs serve` in a subprocess, real worker processes); an admin creates two units, a
unit uploads, checks, generates 附件2, ledgers (with progress), the 实施方案; the other
unit gets 404 on every copied link; XSS, CSRF and password guessing fail; the pages fit
1366×768 and 390 px and can be used by keyboard."""
from __future__ import annotations

import http.server
import re
import threading
import time
from functools import partial

import pytest

from helpers import docx_text, pdf_text
from webhelpers import ROOT, chromium, new_page, require_chromium, serve_in_subprocess

CITY = ROOT / "data_examples" / "city.xlsx"
MISTAKES = ROOT / "tests" / "fixtures" / "mistakes.xlsx"
PASSWORDS = {"admin": "browser-admin-1", "yizhong": "browser-unit-a1", "erzhong": "browser-unit-b1"}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    yield from serve_in_subprocess(tmp_path_factory.mktemp("service"), ("admin", PASSWORDS["admin"]))


@pytest.fixture(scope="module")
def browser(server):
    yield from chromium()


def _login(page, username, password=None):
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password or PASSWORDS[username])
    page.get_by_role("button", name="登录").click()


def _download(page, link):
    with page.expect_download() as info:
        link.click()
    return info.value.path().read_bytes(), info.value.suggested_filename


STATE: dict = {}


def test_admin_creates_two_units(browser, server):
    page = new_page(browser, server)
    _login(page, "admin")
    assert page.get_by_role("button", name="退出").is_visible()
    page.goto("/admin")
    for username, unit in (("yizhong", "青川市第一中学"), ("erzhong", "青川市第二中学")):
        page.get_by_label("新账号用户名").fill(username)
        page.get_by_label("所属单位").fill(unit)
        page.get_by_label("初始密码").fill(PASSWORDS[username])
        page.get_by_role("button", name="新建账号").click()
        assert page.get_by_text(f"已创建账号“{username}”").is_visible()
    rows = page.locator("table").last.inner_text()
    assert "yizhong" in rows and "青川市第一中学" in rows and "erzhong" in rows
    page.get_by_role("button", name="退出").click()
    assert page.url.endswith("/login")
    assert not page.errors


def test_unit_uploads_checks_and_generates(browser, server):
    page = new_page(browser, server)
    _login(page, "yizhong")
    assert page.url.endswith("/data")
    page.get_by_label("数据工作簿").set_input_files(str(MISTAKES))
    page.get_by_role("button", name="上传并检查").click()
    table = page.get_by_role("table").first
    headers = table.locator("thead th").all_inner_texts()
    assert headers == ["工作表", "行", "列", "问题"]
    row = table.locator("tbody tr", has_text="1985年13月")
    assert row.locator("td").all_inner_texts()[:3] == ["教师", "15", "出生年月（如1985.03）"]
    assert page.get_by_role("alert").first.inner_text().startswith("发现")
    STATE["links"] = {page.url.replace(server, "")}
    page.get_by_label("数据工作簿").set_input_files(str(CITY))
    page.get_by_role("button", name="上传并检查").click()
    assert page.get_by_text("没有错误", exact=False).first.is_visible()
    STATE["links"].add(page.url.replace(server, ""))

    page.get_by_role("link", name="文档").click()
    page.get_by_label("年度").select_option("2025")
    page.get_by_role("button", name="生成附件2").click()
    pdf_link = page.get_by_role("link", name=re.compile(r"附件2_.*_2025\.pdf$"))
    pdf_link.wait_for()
    for suffix in (".docx", ".xlsx", ".zip"):
        assert page.get_by_role("link", name=re.compile(re.escape(suffix) + "$")).count() >= 1
    pdf, name = _download(page, pdf_link)
    assert name == "附件2_实施情况汇总表_青川市第一中学_2025.pdf"
    text = pdf_text(pdf)
    assert "实施情况汇总表" in text and "2025" in text
    STATE["annex2_names"] = re.findall(r"^\d+ (\S+)", text, re.M)
    STATE["links"] |= {page.url.replace(server, "")} | {
        a.get_attribute("href") for a in page.locator("a[href^='/files/']").all()}
    docx, _ = _download(page, page.get_by_role("link", name=re.compile(r"附件2_.*\.docx$")))
    assert "实施情况汇总表" in docx_text(docx)
    assert not page.errors


def test_ledgers_show_live_progress_that_survives_a_reload(browser, server):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page = new_page(browser, server)
    _login(page, "yizhong")
    page.goto("/documents")
    page.get_by_label("培养对象").select_option("")
    page.get_by_role("button", name="生成培养台账").click()
    assert "/jobs/" in page.url
    progress = page.locator("#job-progress")
    seen = set()
    deadline = time.time() + 240
    reloaded = False
    while time.time() < deadline:
        status = page.locator("#job-status").inner_text()
        if status == "已完成":
            break
        if progress.count():
            try:
                now = (page.locator("#job-stage").inner_text(timeout=2000),
                       progress.get_attribute("value", timeout=2000), progress.get_attribute("max", timeout=2000))
            except PlaywrightTimeout:  # the job ended and the page reloaded itself in between
                continue
            seen.add(now)
            if not reloaded and now[0]:  # running, at a named stage (counts may jump straight to the end)
                page.reload()  # the progress is the job's, not the page's
                reloaded = True
                try:
                    shown = (page.locator("#job-status").inner_text(timeout=2000),
                             page.locator("#job-stage").inner_text(timeout=2000))
                except PlaywrightTimeout:  # finished (and reloaded) right then: nothing to compare
                    continue
                assert shown[0] == "已完成" or shown[1] in ("合订 PDF", "Word 文件"), shown
        page.wait_for_timeout(250)
    assert page.locator("#job-status").inner_text() == "已完成"
    assert reloaded and len(seen) >= 2, seen
    pdf, name = _download(page, page.get_by_role("link", name="培养台账_青川市第一中学.pdf"))
    assert "培养台账" in pdf_text(pdf)
    STATE["links"].add(page.url.replace(server, ""))
    assert not page.errors


def test_questionnaire_to_implementation_plan(browser, server):
    from sp_docs.questionnaire.schema import question

    page = new_page(browser, server)
    _login(page, "yizhong")
    page.get_by_role("link", name="实施方案问卷").click()
    page.get_by_label(question("school_name").title, exact=True).fill("青川市第一中学")
    page.get_by_label(question("staff_count").title, exact=True).fill("120")
    page.get_by_label(question("school_type").title, exact=True).select_option("高中")
    page.locator("#autosave-status", has_text="草稿已自动保存").wait_for()
    page.get_by_role("button", name="生成实施方案").click()
    page.get_by_role("img", name="实施方案 第1页").wait_for(timeout=180_000)
    assert page.get_by_role("img", name=re.compile("实施方案 第")).count() > 2
    assert page.locator("img").first.evaluate("img => img.naturalWidth") > 100
    pdf, name = _download(page, page.get_by_role("link", name=re.compile(r"实施方案\.pdf$")))
    assert name == "青川市第一中学“双培”工程实施方案.pdf"
    text = pdf_text(pdf)
    assert "青川市第一中学" in text and "实施方案" in text
    docx, _ = _download(page, page.get_by_role("link", name=re.compile(r"实施方案\.docx$")))
    assert "青川市第一中学" in docx_text(docx)
    yaml_text, _ = _download_href(page, "/questionnaire/answers.yaml")
    assert "school_name: 青川市第一中学" in yaml_text.decode("utf-8") and "staff_count: 120" in yaml_text.decode()
    STATE["links"] |= {page.url.replace(server, "")} | {
        a.get_attribute("href") for a in page.locator("a[href^='/files/']").all()}
    STATE["links"] |= {i.get_attribute("src") for i in page.locator("img").all()}
    assert not page.errors


def _download_href(page, href):
    with page.expect_download() as info:
        page.evaluate("href => { const a = document.createElement('a'); a.href = href; a.download = '';"
                      " document.body.appendChild(a); a.click(); }", href)
    return info.value.path().read_bytes(), info.value.suggested_filename


def test_other_unit_gets_404_on_every_copied_link(browser, server):
    links = STATE["links"]
    assert len([link for link in links if link.startswith("/files/")]) >= 6
    page = new_page(browser, server)
    _login(page, "erzhong")
    for link in sorted(links):
        response = page.request.get(server + link)
        assert response.status == 404, link
        assert "找不到" in response.text()
    owner = new_page(browser, server)
    _login(owner, "yizhong")
    assert all(owner.request.get(server + link).status == 200 for link in sorted(links))


def test_xss_csrf_and_guessing_fail(browser, server, tmp_path):
    admin = new_page(browser, server)
    _login(admin, "admin")
    admin.goto("/admin")
    admin.get_by_label("单位名称").fill("<img src=x onerror=alert(1)>{{ 7*7 }}")
    admin.get_by_role("button", name="新建单位").click()
    assert admin.get_by_text("<img src=x onerror=alert(1)>{{ 7*7 }}", exact=True).count() >= 1
    admin.reload()
    assert not admin.dialogs and admin.locator("img").count() == 0

    # a page of another origin (same site) posts a form to the service: no token, nothing happens
    (tmp_path / "attack.html").write_text(
        f'<form id="f" method="post" action="{server}/documents/annex2"><input name="year" value="2025"></form>',
        encoding="utf-8")
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    attacker = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=attacker.serve_forever, daemon=True).start()
    try:
        victim = new_page(browser, server)
        _login(victim, "yizhong")
        before = victim.goto("/documents") and victim.locator("tbody tr").count()
        victim.goto(f"http://localhost:{attacker.server_address[1]}/attack.html")
        with victim.expect_navigation():
            victim.evaluate("document.getElementById('f').submit()")
        assert "安全校验未通过" in victim.content() or victim.url.endswith("/login")
        victim.goto(server + "/documents")
        assert victim.locator("tbody tr").count() == before
    finally:
        attacker.shutdown()

    guesser = new_page(browser, server)
    for _ in range(5):
        _login(guesser, "erzhong", "not-the-password")
        assert "用户名或密码不正确" in guesser.get_by_role("alert").inner_text()
    _login(guesser, "erzhong")
    assert "锁定" in guesser.get_by_role("alert").inner_text()
    assert guesser.get_by_role("button", name="退出").count() == 0


@pytest.mark.parametrize("width,height", [(1366, 768), (390, 844)])
def test_pages_fit_the_screen_and_work_by_keyboard(browser, server, width, height):
    page = new_page(browser, server, width, height)
    page.goto("/login")
    assert page.evaluate("document.activeElement.id") == "username"  # autofocus: type at once
    page.keyboard.type("yizhong")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORDS["yizhong"])
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "登录"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/data$"))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到正文"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    for path in ("/data", "/documents", "/questionnaire", "/help"):
        page.goto(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (path, width, overflow)
