"""报送 (issue 12, first part): units submit their 附件2 for a year, withdraw, get a return with
a comment; the dashboard 报送情况 shows 已报送 / 未报送 / 已退回; the roll-up holds every row."""
from __future__ import annotations

import re
from html import unescape

from helpers import xlsx_rows
from webhelpers import ROOT, csrf_of, upload
from webhelpers import database_url, site, sqlite_site  # noqa: F401 - fixtures

CITY = ROOT / "data_examples" / "city.xlsx"


def _board(html: str) -> dict[str, list[str]]:
    table = html.split("<caption>报送情况</caption>", 1)[1].split("</table>", 1)[0]
    rows = {}
    for row in re.findall(r"<tr><td>(.*?)</tr>", table.split("<tbody>", 1)[1], re.S):
        cells = [unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", "<td>" + row, re.S)]
        rows[cells[0]] = cells
    return rows


def test_submit_withdraw_return_dashboard_and_rollup(sqlite_site, city):
    from sp_docs.documents import annex2
    from sp_docs.web.accounts import add_account, get_or_create_unit

    with sqlite_site.app.state.services.db.session() as db:
        add_account(db, "sanzhong", "unit-pass-c1", unit_name="青川市实验小学")
        add_account(db, "shiju", "unit-pass-s1", unit_name="青川市教育工委")
        get_or_create_unit(db, "青川市第二中学", "青川市教育工委")
    a, b = sqlite_site.client("yizhong"), sqlite_site.client("erzhong")
    upload(a, CITY)
    upload(sqlite_site.client("shiju", "unit-pass-s1"), CITY)  # the city's own data: the unit list and plans
    upload(sqlite_site.client("sanzhong", "unit-pass-c1"), CITY)
    page = a.post("/submissions/submit", data={"csrf_token": csrf_of(a, "/submissions"), "year": "2025"})
    assert "已报送" in page.text and ">撤回</button>" in page.text
    link = re.search(r'<a href="(/files/[^"]+)" download>(附件2_[^<]+\.xlsx)</a>', page.text)
    assert link.group(2) == "附件2_实施情况汇总表_青川市第一中学_2025.xlsx"
    assert b.get(unescape(link.group(1))).status_code == 404  # another unit cannot open it

    c = sqlite_site.client("sanzhong", "unit-pass-c1")
    c.post("/submissions/submit", data={"csrf_token": csrf_of(c, "/submissions"), "year": "2025"})
    withdraw = re.search(r'action="(/submissions/[^/]+/withdraw)"', c.get("/submissions?year=2025").text).group(1)
    assert b.post(withdraw, data={"csrf_token": csrf_of(b, "/submissions")}).status_code == 404
    c.post(withdraw, data={"csrf_token": csrf_of(c, "/submissions")})
    c.post("/submissions/submit", data={"csrf_token": csrf_of(c, "/submissions"), "year": "2025"})

    admin = sqlite_site.client("admin")
    board = _board(admin.get("/submissions?year=2025").text)
    assert board["青川市第一中学"][1] == "已报送" and board["青川市实验小学"][1] == "已报送"
    assert board["青川市第二中学"][1] == "未报送"
    back = re.search(r'action="(/submissions/[^/]+/return)"',
                     admin.get("/submissions?year=2025").text.split("<td>青川市实验小学</td>", 1)[1]).group(1)
    admin.post(back, data={"csrf_token": csrf_of(admin, "/submissions"), "comment": "请补充完成时间"})
    board = _board(admin.get("/submissions?year=2025").text)
    assert board["青川市实验小学"][1] == "已退回" and "请补充完成时间" in board["青川市实验小学"][-1]
    assert "已退回" in c.get("/submissions?year=2025").text and "请补充完成时间" in c.get("/submissions?year=2025").text

    job = admin.post("/submissions/rollup", data={"csrf_token": csrf_of(admin, "/submissions"), "year": "2025"})
    assert "已完成" in job.text, job.text[-1500:]
    rolled = re.search(r'<a href="(/files/[^"]+)" download>全市汇总表_2025\.xlsx</a>', job.text).group(1)
    names = {str(cell) for row in xlsx_rows(admin.get(unescape(rolled)).content) for cell in row if cell}
    expected = annex2.build(city, "青川市第一中学", 2025).rows
    assert expected and all(r.name in names for r in expected)
    returned_only = annex2.build(city, "青川市实验小学", 2025).rows  # returned: not in the roll-up
    assert not any(r.name in names for r in returned_only if r.name not in {e.name for e in expected})
    assert a.get(unescape(rolled)).status_code == 404
    # the admin's data (the upload of 青川市教育工委, a unit with sub-units) gives the plans: 计划对比
    compared = xlsx_rows(admin.get(unescape(rolled)).content, "计划对比")
    done = [r[4] for r in compared if r[0] == "青川市第一中学" and r[1] == 2025]
    assert "计划对比" in job.text and len(done) == 2 and sum(done) == len(expected)


def _post(client, path: str, **data):
    return client.post(path, data={"csrf_token": csrf_of(client, "/submissions"), **data})


def test_closing_a_year_stops_submit_withdraw_and_upload_until_reopened(site):
    from sp_docs.web.accounts import add_account, get_or_create_unit

    with site.app.state.services.db.session() as db:
        get_or_create_unit(db, "西岭县第一中学", "西岭县教育局")
        add_account(db, "xiling", "unit-pass-x1", unit_name="西岭县教育局")
        add_account(db, "xlyz", "unit-pass-x2", unit_name="西岭县第一中学")
    a, b = site.client("yizhong"), site.client("erzhong")
    upload(a, CITY)
    upload(b, CITY)
    _post(a, "/submissions/submit", year="2025")
    admin = site.client("admin")
    assert ">关闭年度</button>" in admin.get("/submissions?year=2025").text
    assert _post(a, "/submissions/close", year="2025").status_code == 404  # a unit without sub-units
    _post(admin, "/submissions/close", year="2025")
    board = admin.get("/submissions?year=2025").text
    assert "2025年的报送已关闭" in board and ">重新开放</button>" in board and ">退回</button>" not in board

    page = a.get("/submissions?year=2025").text
    assert "2025年的报送已由管理员关闭" in page and ">撤回</button>" not in page and ">报送</button>" not in page
    withdraw = re.search(r'action="(/submissions/[^/]+/withdraw)"', admin.get("/submissions?year=2025").text)
    assert withdraw is None  # nothing to withdraw from the admin's page either
    own = _own_submission(site, "青川市第一中学")
    refused = _post(a, f"/submissions/{own}/withdraw")
    assert refused.status_code == 409 and "2025年的报送已由管理员关闭，不能再报送、撤回或上传附件2" in refused.text
    refused = _post(b, "/submissions/submit", year="2025")
    assert refused.status_code == 409 and "已由管理员关闭" in refused.text
    refused = _upload_own(b, CITY.read_bytes())
    assert refused.status_code == 409 and "已由管理员关闭" in refused.text
    assert _post(admin, f"/submissions/{own}/return", comment="改").status_code == 409
    assert "已报送" in a.get("/submissions?year=2025").text  # nothing changed
    assert ">报送</button>" in b.get("/submissions?year=2024").text  # another year stays open

    # a parent unit closes for its sub-units; it cannot lift the admin's closure
    county, school = site.client("xiling", "unit-pass-x1"), site.client("xlyz", "unit-pass-x2")
    assert _post(county, "/submissions/reopen", year="2025").status_code == 409
    board = county.get("/submissions?year=2025").text
    assert "2025年的报送已由管理员关闭" in board and ">关闭年度</button>" not in board
    _post(county, "/submissions/close", year="2024")
    assert "由上级单位“西岭县教育局”关闭" in school.get("/submissions?year=2024").text
    own_page = county.get("/submissions?year=2024").text  # the county itself still reports upwards
    assert ">报送</button>" in own_page and ">重新开放</button>" in own_page
    assert ">报送</button>" in b.get("/submissions?year=2024").text  # not under 西岭县教育局
    _post(county, "/submissions/reopen", year="2024")
    assert ">报送</button>" in school.get("/submissions?year=2024").text

    _post(admin, "/submissions/reopen", year="2025")
    assert ">撤回</button>" in a.get("/submissions?year=2025").text
    assert _post(a, f"/submissions/{own}/withdraw").status_code == 200
    assert "未报送" in a.get("/submissions?year=2025").text
    actions = [e for e in _audit(site) if e[0] in ("关闭年度", "重新开放年度")]
    assert actions == [("关闭年度", "2025年报送"), ("关闭年度", "2024年报送"), ("重新开放年度", "2024年报送"),
                       ("重新开放年度", "2025年报送")]


def _own_submission(site, unit: str) -> str:
    from sqlalchemy import select

    from sp_docs.web.models import Submission, Unit

    with site.app.state.services.db.session() as db:
        unit_id = db.scalar(select(Unit.id).where(Unit.name == unit))
        return db.scalars(select(Submission.public_id).where(Submission.unit_id == unit_id)
                          .order_by(Submission.id.desc())).first()


def _audit(site) -> list[tuple[str, str]]:
    from sqlalchemy import select

    from sp_docs.web.models import AuditEntry

    with site.app.state.services.db.session() as db:
        return [(e.action, e.detail) for e in db.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def _own_annex2(tmp_path, unit="青川市第一中学", year=2025, edit=None) -> bytes:
    """The 附件2 the CLI makes, optionally edited by hand (openpyxl) like a unit would."""
    import io

    from openpyxl import load_workbook

    from sp_docs.jobs.annex2 import annex2

    written, _view = annex2(CITY, unit, tmp_path / f"a2_{unit}_{year}", year=year, formats=["xlsx"], force=True)
    if edit is None:
        return written[0].read_bytes()
    wb = load_workbook(written[0])
    edit(wb.active)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _upload_own(client, content: bytes, year="2025", name="我们自己的附件2.xlsx"):
    return client.post("/submissions/upload", data={"csrf_token": csrf_of(client, "/submissions"), "year": year},
                       files={"annex2": (name, content)})


def _problems(html: str) -> list[list[str]]:
    table = html.split('id="upload-problems"', 1)[1].split("</table>", 1)[0].split("<tbody>", 1)[1]
    return [[unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)]


def test_a_unit_uploads_its_own_annex2_checked_like_merge_and_kept_exactly(sqlite_site, city, tmp_path):
    from sp_docs.documents import annex2

    a = sqlite_site.client("yizhong")
    page = a.get("/submissions?year=2025").text
    assert ">自填的附件2 工作簿</label>" in page and ">上传并报送</button>" in page

    def bad_track(ws):
        ws["D6"] = 3

    refused = _upload_own(a, _own_annex2(tmp_path, edit=bad_track))
    assert refused.status_code == 400 and "“我们自己的附件2.xlsx”未能报送" in refused.text
    assert ["附件2", "6", "D6", "“双培”类别应为 1 或 2，填写的是“3”"] in _problems(refused.text)

    def no_unit_line(ws):
        ws["A3"] = None

    problems = _problems(_upload_own(a, _own_annex2(tmp_path, edit=no_unit_line)).text)
    assert any("请在表头上方加一行“单位名称：青川市第一中学”" in p[3] for p in problems)
    other = _problems(_upload_own(a, _own_annex2(tmp_path, unit="青川市实验小学")).text)
    assert any("“单位名称”写的是“青川市实验小学”，不是本单位“青川市第一中学”" in p[3] for p in other)
    wrong_year = _problems(_upload_own(a, _own_annex2(tmp_path), year="2024").text)
    assert ["附件2", "5", "E5", f"“完成年度”为 2025，而报送的是 2024 年的附件2：请改正或删去这一行（"
            f"{annex2.build(city, '青川市第一中学', 2025).rows[0].name}）"] in wrong_year
    data_workbook = _problems(_upload_own(a, CITY.read_bytes(), name="city.xlsx").text)
    assert any("不是附件2 汇总表" in p[3] for p in data_workbook)
    renamed = _problems(_upload_own(a, b"just some text, not a workbook").text)
    assert any("不是有效的 xlsx 文件" in p[3] for p in renamed)
    csv = _upload_own(a, b"a,b\n", name="附件2.csv")
    assert csv.status_code == 400 and "只能上传 .xlsx 工作簿" in csv.text
    assert "未报送" in a.get("/submissions?year=2025").text and not _stored_submission_files(sqlite_site)

    good = _own_annex2(tmp_path)
    sent = _upload_own(a, good)
    assert sent.status_code == 200 and "已报送" in sent.text and "（自填）" in sent.text
    link = re.search(r'<a href="(/files/[^"]+)" download>我们自己的附件2\.xlsx</a>', sent.text).group(1)
    assert a.get(unescape(link)).content == good  # the exact file
    assert sqlite_site.client("erzhong").get(unescape(link)).status_code == 404
    again = _upload_own(a, good)
    assert again.status_code == 409 and "请先“撤回”" in again.text

    admin = sqlite_site.client("admin")
    assert _board(admin.get("/submissions?year=2025").text)["青川市第一中学"][1] == "已报送"
    job = _post(admin, "/submissions/rollup", year="2025")
    rolled = re.search(r'<a href="(/files/[^"]+)" download>全市汇总表_2025\.xlsx</a>', job.text).group(1)
    rows = xlsx_rows(admin.get(unescape(rolled)).content)
    expected = annex2.build(city, "青川市第一中学", 2025).rows
    table = [r for r in rows if r and r[1] == "青川市第一中学"]
    assert [r[2] for r in table] == [e.name for e in expected]


def _stored_submission_files(site) -> list:
    from sqlalchemy import select

    from sp_docs.web.models import StoredFile

    with site.app.state.services.db.session() as db:
        return list(db.scalars(select(StoredFile.id).where(StoredFile.role == "submission")))


RULES = ROOT / "data_examples" / "rules.yaml"


def _findings_table(html: str) -> dict[str, int]:
    table = html.split("<caption>规则检查", 1)[1].split("</table>", 1)[0].split("<tbody>", 1)[1]
    rows = re.findall(r"<tr><td>([^<]*)</td><td>(\d+)</td>", table)
    return {unescape(unit): int(count) for unit, count in rows}


def _files(html: str) -> dict[str, str]:
    return {unescape(t): unescape(h) for h, t in re.findall(r'<a href="(/files/[^"]+)" download>([^<]+)</a>', html)}


def test_dashboard_rule_findings_report_and_annex1_of_the_city_data(sqlite_site, city):
    import io
    import zipfile

    from helpers import pdf_text
    from sp_docs.documents import annex1
    from sp_docs.jobs.annex1 import read_minimum
    from sp_docs.rules.config import load_settings
    from sp_docs.rules.programme import run_rules
    from sp_docs.web.accounts import add_account, get_or_create_unit

    with sqlite_site.app.state.services.db.session() as db:
        add_account(db, "shiju", "unit-pass-s1", unit_name="青川市教育工委")
        get_or_create_unit(db, "青川市第二中学", "青川市教育工委")  # the city's account oversees schools
    admin, a = sqlite_site.client("admin"), sqlite_site.client("yizhong")
    page = admin.get("/submissions").text
    assert "还没有可用的数据" in page and "默认规则" in page
    assert _post(admin, "/bureau/jobs/report").status_code == 409
    assert _post(a, "/bureau/jobs/report").status_code == 404 and a.get("/bureau/findings.xlsx").status_code == 404
    upload(sqlite_site.client("shiju", "unit-pass-s1"), CITY)
    bad = admin.post("/bureau/rules", data={"csrf_token": csrf_of(admin, "/submissions")},
                     files={"rules": ("规则.yaml", b"quarterly_talks:\n  per_quarter: many\n")})
    assert bad.status_code == 400 and "规则设置无法使用" in bad.text and "per_quarter" in bad.text
    admin.post("/bureau/rules", data={"csrf_token": csrf_of(admin, "/submissions")},
               files={"rules": ("rules.yaml", RULES.read_bytes())})

    page = admin.get("/submissions").text
    assert "使用的数据：<strong>city.xlsx</strong>" in page and ">rules.yaml</a>" in page
    report = run_rules(city, load_settings(RULES))
    expected = {unit: sum(len(f) for _, f in rules) for unit, rules in report.by_unit(city)}
    assert expected and _findings_table(page) == expected
    first = report.findings[0]
    assert unescape(first.message) in unescape(page)
    workbook = admin.get("/bureau/findings.xlsx")
    rows = xlsx_rows(workbook.content, "问题清单")
    assert sorted((r[0], r[6]) for r in rows[1:]) == sorted((f.unit, f.message) for f in report.findings)

    job = _post(admin, "/bureau/jobs/report")
    assert "已完成" in job.text, job.text[-1500:]
    files = _files(job.text)
    assert set(files) >= {"统计报告_青川市.pdf", "统计报告_青川市_数据.xlsx"}
    text = pdf_text(admin.get(files["统计报告_青川市.pdf"]).content)
    assert "青川市“双培”工程统计报告" in text and f"{len(city.trainees)} 人" in text
    assert re.search(r'alt="统计报告 第1页"', job.text)
    zipped = next(n for n in files if n.endswith(".zip"))
    assert sorted(zipfile.ZipFile(io.BytesIO(admin.get(files[zipped]).content)).namelist()) == \
        sorted(n for n in files if not n.endswith(".zip"))
    assert a.get(files["统计报告_青川市.pdf"]).status_code == 404

    job = _post(admin, "/bureau/jobs/annex1")
    assert "已完成" in job.text, job.text[-1500:]
    lines = annex1.build(city, None, minimum=read_minimum(RULES), by_year=True).shortfall_lines
    assert lines and all(unescape(line) in unescape(job.text) for line in lines)
    xlsx = next(h for n, h in _files(job.text).items() if n.endswith(".xlsx"))
    cells = {str(c) for row in xlsx_rows(admin.get(xlsx).content) for c in row if c}
    assert any(lines[0] in c for c in cells)


def test_a_parent_unit_sees_its_own_sub_units_findings(sqlite_site, city):
    from sp_docs.rules.programme import run_rules
    from sp_docs.web.accounts import add_account, get_or_create_unit

    with sqlite_site.app.state.services.db.session() as db:
        for school in ("东湖区实验小学", "东湖区第三中学"):
            get_or_create_unit(db, school, "东湖区教育局")
        add_account(db, "donghu", "unit-pass-d1", unit_name="东湖区教育局")
    county = sqlite_site.client("donghu", "unit-pass-d1")
    upload(county, CITY)
    page = county.get("/submissions").text
    report = run_rules(city, None)
    expected = {unit: sum(len(f) for _, f in rules) for unit, rules in report.by_unit(city)
                if unit in {"东湖区教育局", "东湖区实验小学", "东湖区第三中学"}}
    assert _findings_table(page) == expected and "青川市第一中学" not in _findings_table(page)
    assert set(_board(page)) == {"东湖区实验小学", "东湖区第三中学"}
    job = _post(county, "/bureau/jobs/report")
    assert "统计报告_东湖区教育局.pdf" in _files(job.text)


def test_the_admin_makes_certificates_for_a_whole_city_list(sqlite_site, city):
    import io
    import zipfile

    from helpers import pdf_text

    admin = sqlite_site.client("admin")
    page = admin.get("/certificates")
    assert page.status_code == 200 and ">表彰名单</label>" in page.text
    assert 'href="/certificates"' in admin.get("/submissions").text
    data = {"csrf_token": csrf_of(admin, "/certificates"), "issuer": "中共青川市委教育工作委员会", "date": "2025-09-10",
            "year": "", "prefix": "", "design": "正式", "paper": "A4横向"}
    job = admin.post("/certificates", data=data, files={"award_list": ("全市表彰名单.xlsx", CITY.read_bytes())})
    assert "已完成" in job.text, job.text[-1500:]
    files = _files(job.text)
    text = pdf_text(admin.get(files["荣誉证书_全市表彰名单.pdf"]).content).replace(" ", "")
    assert city.awards and all(a.name.replace(" ", "") in text for a in city.awards)
    zipped = zipfile.ZipFile(io.BytesIO(admin.get(next(h for n, h in files.items() if n.endswith(".zip"))).content))
    assert "荣誉证书_全市表彰名单.pdf" in zipped.namelist()
    assert sqlite_site.client("yizhong").get(files["荣誉证书_全市表彰名单.pdf"]).status_code == 404


def test_migration_0004_keeps_earlier_submissions_and_goes_back(tmp_path, database_url):
    from alembic import command
    from sqlalchemy import text

    from sp_docs.web.db import alembic_config, make_engine

    engine = make_engine(database_url or f"sqlite:///{tmp_path / 'old.sqlite3'}")
    now = "2025-01-02 03:04:05+00:00"
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0003")
        conn.execute(text("INSERT INTO units (id, name, created_at) VALUES (1, '青川市第一中学', :t)"), {"t": now})
        conn.execute(text("INSERT INTO accounts (id, username, password_hash, is_admin, unit_id, created_at) "
                          "VALUES (1, 'yizhong', 'x', false, 1, :t)"), {"t": now})
        conn.execute(text("INSERT INTO files (id, public_id, unit_id, role, name, stored_name, size, created_at) "
                          "VALUES (1, 'f1', 1, 'submission', 'a.xlsx', 'a', 1, :t)"), {"t": now})
        conn.execute(text("INSERT INTO submissions (id, public_id, unit_id, account_id, year, file_id, rows, status, "
                          "comment, created_at, decided_by) VALUES (1, 's1', 1, 1, 2025, 1, 3, 'submitted', '', :t, '')"),
                     {"t": now})
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
        assert conn.execute(text("SELECT source FROM submissions")).scalar() == "generated"
        conn.execute(text("INSERT INTO year_closures (year, unit_id, closed_by, closed_at) VALUES (2025, NULL, 'admin', :t)"),
                     {"t": now})
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0003")
        assert conn.execute(text("SELECT rows FROM submissions")).scalar() == 3
    engine.dispose()


def _own_return_with_unit_column(tmp_path, unit_in_column: str) -> bytes:
    import io

    from openpyxl import load_workbook

    from sp_docs.jobs.annex2 import annex2

    written, _ = annex2(ROOT / "data_examples" / "city.xlsx", "青川市第一中学", tmp_path / "a2", year=2025,
                        formats=["xlsx"], force=True)
    book = load_workbook(written[0])
    sheet = book.active
    header = next(r for r in range(1, 10) if sheet.cell(r, 2).value == "姓名")
    column = sheet.max_column + 1
    sheet.cell(header, column, "单位")
    for r in range(header + 1, sheet.max_row + 1):
        if sheet.cell(r, 2).value:
            sheet.cell(r, column, unit_in_column)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_own_return_cannot_credit_rows_to_another_unit(sqlite_site, tmp_path):
    client = sqlite_site.client("yizhong")
    upload(client, ROOT / "data_examples" / "city.xlsx")
    content = _own_return_with_unit_column(tmp_path, "青川市实验小学")
    sent = client.post("/submissions/upload", data={"csrf_token": csrf_of(client, "/submissions"), "year": "2025"},
                       files={"annex2": ("附件2.xlsx", content)})
    text = unescape(sent.text)
    assert "“单位”写的是“青川市实验小学”，不是本单位或下属单位" in text
    from sp_docs.web.models import Submission

    with sqlite_site.app.state.services.db.session() as db:
        assert db.query(Submission).count() == 0  # nothing submitted
    own = _own_return_with_unit_column(tmp_path, "青川市第一中学")  # its own name in the column is fine
    accepted = client.post("/submissions/upload", data={"csrf_token": csrf_of(client, "/submissions"), "year": "2025"},
                           files={"annex2": ("附件2.xlsx", own)})
    assert "已报送" in accepted.text


def test_a_bad_rules_file_is_explained_in_chinese(sqlite_site):
    from sp_docs.web.accounts import add_account, get_or_create_unit

    with sqlite_site.app.state.services.db.session() as db:
        add_account(db, "county", "unit-pass-k1", unit_name="西岭县教育局")
        get_or_create_unit(db, "西岭县第一中学", "西岭县教育局")
    client = sqlite_site.client("county", "unit-pass-k1", raise_server_exceptions=False)
    for content, expected in (("a: [1,\n b: c: d\n", "第2行第6列附近格式有误"),
                              ("as_of: 2025-13-45\n", "有无法识别的日期或数值")):
        answer = client.post("/bureau/rules", data={"csrf_token": csrf_of(client, "/submissions")},
                             files={"rules": ("规则.yaml", content.encode())})
        text = unescape(answer.text)
        assert answer.status_code == 400 and expected in text, text[-800:]
        assert "while parsing" not in text and "month must be" not in text
    stored = list((sqlite_site.app.state.services.settings.files_dir).rglob("*.yaml"))
    assert stored == []  # refused files are not kept


def test_a_school_at_the_top_of_a_flat_unit_list_is_not_the_city(sqlite_site):
    # with every unit top-level (no bureau account), the admin's "city data" was the newest upload of
    # any of them: one school's workbook became the roll-up's unit list and plans
    from sp_docs.web.accounts import add_account

    with sqlite_site.app.state.services.db.session() as db:
        add_account(db, "shixiao", "unit-pass-x1", unit_name="青川市实验小学")
    a = sqlite_site.client("yizhong")
    upload(a, CITY)
    upload(sqlite_site.client("shixiao", "unit-pass-x1"), ROOT / "data_examples" / "school.xlsx")
    a.post("/submissions/submit", data={"csrf_token": csrf_of(a, "/submissions"), "year": "2025"})
    admin = sqlite_site.client("admin")
    assert "还没有可用的数据" in admin.get("/submissions").text
    job = _post(admin, "/submissions/rollup", year="2025")
    assert "已完成" in job.text and "计划对比" not in job.text, job.text[-1500:]
