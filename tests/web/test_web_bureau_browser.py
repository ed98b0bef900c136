"""The city bureau's side end to end in Debian's Chromium (Playwright; issue 12): two units
submit their 附件2 (报送), a third does not; the admin's 报送情况 shows 已报送 twice and 未报送
once; the roll-up made with 生成全市汇总表 and downloaded from the page holds every submitted
row; a returned submission (退回 with a comment) reaches the unit with the comment; a city
certificate list becomes a batch whose progress shows and whose ZIP holds one PDF per person.

The service runs once for the module (`sp-docs serve` in a subprocess, real worker processes);
elements are found by their accessible names, which are the interface the bureau uses."""
from __future__ import annotations

import io
import re
import time
import zipfile

import pytest

from helpers import pdf_text, xlsx_rows
from webhelpers import ROOT, chromium, new_page, require_chromium, serve_in_subprocess

CITY = ROOT / "data_examples" / "city.xlsx"
YEAR = 2025
ADMIN = ("admin", "bureau-admin-1")
# two units that submit, one that does not (it makes the certificates)
UNITS = {"yizhong": ("青川市第一中学", "bureau-unit-a1"), "shixiao": ("青川市实验小学", "bureau-unit-b1"),
         "dongsan": ("东湖区第三中学", "bureau-unit-c1")}
SUBMITTING = ("yizhong", "shixiao")
PEOPLE = 120  # the certificate list: the first teachers of the example city

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    yield from serve_in_subprocess(tmp_path_factory.mktemp("bureau"), ADMIN)


@pytest.fixture(scope="module")
def browser(server):
    yield from chromium()


def _login(browser, server, username):
    page = new_page(browser, server)
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(ADMIN[1] if username == ADMIN[0] else UNITS[username][1])
    page.get_by_role("button", name="登录").click()
    page.get_by_role("button", name="退出").wait_for()
    return page


def _download(page, link) -> tuple[bytes, str]:
    with page.expect_download() as info:
        link.click()
    return info.value.path().read_bytes(), info.value.suggested_filename


def _open_year(page, menu: str):
    """The 报送 / 报送情况 page of the year (its own 年度 selector)."""
    page.get_by_role("link", name=menu, exact=True).click()
    page.get_by_label("年度").first.select_option(str(YEAR))  # the page's own year selector comes first
    page.get_by_role("button", name="查看").first.click()
    page.wait_for_url(re.compile(rf"year={YEAR}"))


def _board(page) -> dict[str, str]:
    """报送情况: {unit: status}, read from the table named by its caption."""
    table = page.get_by_role("table", name="报送情况")
    rows = {}
    for row in table.get_by_role("row").all()[1:]:
        cells = row.get_by_role("cell").all_inner_texts()
        rows[cells[0].strip()] = cells[1].strip()
    return rows


def _annex2_names(city, unit: str) -> list[str]:
    from sp_docs.documents import annex2

    return sorted(r.name for r in annex2.build(city, unit, YEAR).rows)


STATE: dict = {}


def test_admin_creates_three_unit_accounts(browser, server):
    page = _login(browser, server, ADMIN[0])
    page.get_by_role("link", name="账号与单位").click()
    for username, (unit, password) in UNITS.items():
        page.get_by_label("新账号用户名").fill(username)
        page.get_by_label("所属单位").fill(unit)
        page.get_by_label("初始密码").fill(password)
        page.get_by_role("button", name="新建账号").click()
        page.get_by_text(f"已创建账号“{username}”").wait_for()
    assert not page.errors


def test_two_units_submit_and_one_does_not(browser, server, city):
    for username in UNITS:
        page = _login(browser, server, username)
        page.get_by_label("数据工作簿").set_input_files(str(CITY))
        page.get_by_role("button", name="上传并检查").click()
        page.get_by_role("status").filter(has_text="没有错误").wait_for()
        _open_year(page, "报送")
        assert page.locator("strong", has_text="未报送").is_visible()
        if username in SUBMITTING:
            page.get_by_role("button", name="报送", exact=True).click()
            status = page.get_by_text(re.compile(r"^状态：已报送"))
            status.wait_for()
            expected = _annex2_names(city, UNITS[username][0])
            assert expected and f"{len(expected)} 人" in status.inner_text()
            assert page.get_by_role("button", name="撤回").is_visible()
            STATE.setdefault("submitted", {})[UNITS[username][0]] = expected
        assert not page.errors
    assert len(STATE["submitted"]) == 2


def test_dashboard_shows_status_and_rollup_holds_every_submitted_row(browser, server):
    page = _login(browser, server, ADMIN[0])
    _open_year(page, "报送情况")
    board = _board(page)
    assert sorted(board.values()) == ["已报送", "已报送", "未报送"], board
    assert board[UNITS["dongsan"][0]] == "未报送"
    table = page.get_by_role("table", name="报送情况")
    assert table.get_by_role("cell", name="已报送", exact=True).count() == 2
    assert table.get_by_role("cell", name="未报送", exact=True).count() == 1

    page.get_by_role("button", name="生成全市汇总表").click()
    link = page.get_by_role("link", name=f"全市汇总表_{YEAR}.xlsx")
    link.wait_for()
    assert page.locator("#job-status").inner_text() == "已完成"
    content, name = _download(page, link)
    assert name == f"全市汇总表_{YEAR}.xlsx"
    rows = xlsx_rows(content, "汇总表")
    header_at = next(i for i, r in enumerate(rows) if "单位" in r and "姓名" in r)
    unit_col, name_col = rows[header_at].index("单位"), rows[header_at].index("姓名")
    rolled: dict[str, list[str]] = {}
    for row in rows[header_at + 1:]:
        if row[name_col]:
            rolled.setdefault(str(row[unit_col]), []).append(str(row[name_col]))
    assert {unit: sorted(names) for unit, names in rolled.items()} == STATE["submitted"]
    problems = "\n".join(" ".join(str(c) for c in r if c) for r in xlsx_rows(content, "问题"))
    assert "同一人重复上报" not in problems
    assert not page.errors


def test_returned_submission_reaches_the_unit_with_its_comment(browser, server):
    unit = UNITS["shixiao"][0]
    comment = "请核对2025年完成人员的出生年月后重新报送"
    admin = _login(browser, server, ADMIN[0])
    _open_year(admin, "报送情况")
    row = admin.get_by_role("table", name="报送情况").get_by_role("row").filter(has_text=unit)
    row.get_by_label("退回意见").fill(comment)
    row.get_by_role("button", name="退回").click()
    row.get_by_role("cell", name="已退回", exact=True).wait_for()  # the page after the return
    board = _board(admin)
    assert board[unit] == "已退回" and board[UNITS["yizhong"][0]] == "已报送"
    assert comment in admin.get_by_role("table", name="报送情况").get_by_role("row").filter(has_text=unit).inner_text()

    page = _login(browser, server, "shixiao")
    _open_year(page, "报送")
    status = page.get_by_text(re.compile(r"^状态：已退回"))
    assert status.is_visible() and comment in status.inner_text()
    assert page.get_by_role("button", name="报送", exact=True).is_visible()  # it can submit again
    assert not (admin.errors or page.errors)


def _award_list(path, count: int) -> list[str]:
    """The city's certificate list: the first ``count`` teachers of the example city."""
    from openpyxl import Workbook, load_workbook

    teachers = list(load_workbook(CITY, read_only=True)["教师"].iter_rows(min_row=2, values_only=True))[:count]
    wb = Workbook()
    ws = wb.active
    ws.title = "表彰"
    ws.append(["姓名", "所在单位", "荣誉称号"])
    for name, unit in ((t[0], t[5]) for t in teachers):
        ws.append([name, unit, "优秀教师"])
    wb.save(path)
    return [t[0] for t in teachers]


def test_city_certificate_batch_shows_progress_and_zips_one_pdf_per_person(browser, server, tmp_path):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    names = _award_list(tmp_path / "全市表彰名单.xlsx", PEOPLE)
    page = _login(browser, server, "dongsan")
    page.get_by_role("link", name="荣誉证书").click()
    page.get_by_label("表彰名单").set_input_files(str(tmp_path / "全市表彰名单.xlsx"))
    page.get_by_label("颁发单位").fill("中共青川市委教育工作委员会")
    page.get_by_label("证书编号前缀").fill("青教工委证")
    page.get_by_role("checkbox", name=re.compile("每人生成单独的 PDF")).check()
    page.get_by_role("button", name="生成荣誉证书").click()
    page.wait_for_url(re.compile(r"/jobs/"))
    status = page.get_by_role("status")
    seen = set()
    deadline = time.time() + 180
    while time.time() < deadline and status.inner_text() != "已完成":
        progress = page.locator("#job-progress")
        if progress.count():
            try:
                seen.add((status.inner_text(timeout=2000), page.locator("#job-stage").inner_text(timeout=2000),
                          progress.get_attribute("value", timeout=2000), progress.get_attribute("max", timeout=2000)))
            except PlaywrightTimeout:  # the job ended and the page reloaded itself in between
                continue
        page.wait_for_timeout(150)
    assert status.inner_text() == "已完成", page.content()[-2000:]
    assert any(value not in (None, "0") and stage for _s, stage, value, _m in seen), seen

    zip_link = page.get_by_role("link", name=re.compile(r"全部文件\.zip$"))
    content, _name = _download(page, zip_link)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        pdfs = {n: archive.read(n) for n in archive.namelist() if n.endswith(".pdf")}
    combined = [n for n in pdfs if n.startswith("荣誉证书_")]
    assert combined == ["荣誉证书_全市表彰名单.pdf"], sorted(pdfs)[:5]
    singles = {n: data for n, data in pdfs.items() if n not in combined}
    assert len(singles) == PEOPLE
    shown = []
    for file_name, data in singles.items():  # 青教工委证〔2025〕001号_姓名.pdf
        person = file_name.rsplit("_", 1)[-1].removesuffix(".pdf")
        text = pdf_text(data).replace(" ", "")
        assert person in text and "中共青川市委教育工作委员会" in text and "荣誉证书" in text, file_name
        shown.append(person)
    assert sorted(shown) == sorted(names)  # one PDF per person, each person once
    assert not page.errors
