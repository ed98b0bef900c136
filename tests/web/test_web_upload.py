"""Blank workbook, upload + check: the problems located in a table, history, current data,
the same safety checks as the CLI, generated storage names."""
from __future__ import annotations

import io
import re
from html import unescape

from openpyxl import load_workbook

from webhelpers import ROOT, upload
from webhelpers import database_url, site, sqlite_site  # noqa: F401 - fixtures

MISTAKES = ROOT / "tests" / "fixtures" / "mistakes.xlsx"
CITY = ROOT / "data_examples" / "city.xlsx"
BAD = ROOT / "tests" / "bad_inputs"


def _table_rows(html: str) -> list[list[str]]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [[unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def test_blank_workbook_is_inits(sqlite_site):
    from sp_docs.sources.schema import SHEETS

    response = sqlite_site.client("yizhong").get("/data/blank")
    assert response.status_code == 200
    assert "filename*=UTF-8''%E5%8F%8C%E5%9F%B9%E6%95%B0%E6%8D%AE.xlsx" in response.headers["content-disposition"]
    names = load_workbook(io.BytesIO(response.content)).sheetnames
    assert all(sheet.name in names for sheet in SHEETS)


def test_mistakes_are_located_like_check(site):
    from sp_docs.jobs.check import check_workbook

    client = site.client("yizhong")
    response = upload(client, MISTAKES)
    assert response.status_code == 200
    html = response.text
    assert re.search(r"<th[^>]*>工作表</th><th[^>]*>行</th><th[^>]*>列</th><th[^>]*>问题</th>", html)
    _, problems = check_workbook(MISTAKES)
    rows = _table_rows(html)
    assert len(rows) == len(problems.items)
    for row, problem in zip(rows, problems):
        assert row[0] == problem.location.sheet
        assert row[1] == ("" if problem.location.row is None else str(problem.location.row))
        assert row[2] == problem.location.column
        assert problem.message in row[3]
    assert ["教师", "15", "出生年月（如1985.03）"] == rows[[r[:2] for r in rows].index(["教师", "15"])][:3]
    assert "没有错误" not in html.split("上传记录")[0]
    assert f"发现 {len(problems.errors)} 处错误" in html
    assert "还没有检查通过的数据" in client.get("/data").text  # a workbook with errors is not current data


def test_good_workbook_becomes_current_data(site):
    client = site.client("yizhong")
    upload(client, MISTAKES)
    response = upload(client, CITY, "我的数据.xlsx")
    assert "没有错误" in response.text
    page = client.get("/data").text
    assert "当前使用的数据：我的数据.xlsx" in page
    history = _table_rows(page.split("上传记录")[1])
    assert [r[3] for r in history] == ["我的数据.xlsx", "mistakes.xlsx"]  # newest first, both kept
    assert history[0][2] == "yizhong" and history[0][4].startswith("没有错误")


def test_unsafe_files_are_refused_with_the_cli_messages(sqlite_site):
    client = sqlite_site.client("yizhong")
    cases = {"not_xlsx_text.xlsx": "不是有效的 xlsx 文件", "zip_bomb_declared.xlsx": "压缩炸弹",
             "ole_header.xls": "另存为", "empty_file.xlsx": "0 字节"}
    for name, expected in cases.items():
        html = upload(client, BAD / name).text
        assert expected in html, name
        assert "发现 1 处错误" in html
    assert "还没有检查通过的数据" in client.get("/data").text


def test_upload_size_limit(tmp_path):
    from webhelpers import Site, make_app

    app = make_app(tmp_path / "d", max_upload=50_000)
    try:
        client = Site(app).client("yizhong")
        response = upload(client, CITY)
        assert response.status_code == 413 and "文件太大" in response.text
    finally:
        app.state.services.close()


def test_user_file_name_is_never_a_path(sqlite_site):
    client = sqlite_site.client("yizhong")
    response = upload(client, CITY, "../../../etc/evil.xlsx")
    assert "没有错误" in response.text
    files = sorted(p.name for p in (sqlite_site.app.state.services.settings.files_dir).rglob("*") if p.is_file())
    # generated names only: the workbook and the dataset read from it (jobs.dataset_cache)
    assert files and all(re.fullmatch(r"[0-9a-f]{32}\.xlsx(\.[0-9a-f]{16}\.dataset)?", name) for name in files)
    assert "evil.xlsx" in client.get("/data").text  # shown as its base name only
    assert not (sqlite_site.app.state.services.settings.data_dir.parent / "etc").exists()


def test_checks_in_their_own_process_give_the_same_page_and_survive_a_killed_process(tmp_path):
    # sp-docs serve checks uploads in a process of its own (web/checks.py): the same results as the
    # thread, the dataset kept beside the stored file for the jobs, a new process after a crash
    import os
    import signal

    from webhelpers import Site, make_app

    from sp_docs.web.accounts import use_cheap_hashes

    use_cheap_hashes()
    app = make_app(tmp_path / "data", check_process=True)
    try:
        client = Site(app).client("yizhong")
        good = upload(client, ROOT / "data_examples" / "city.xlsx")
        assert "没有错误" in good.text and "双培对象" in good.text
        services = app.state.services
        assert list(services.settings.files_dir.rglob("*.dataset"))  # kept for the jobs that follow
        bad = upload(client, MISTAKES)
        thread = make_app(tmp_path / "thread")  # the same file checked in a thread of the web process
        try:
            expected = upload(Site(thread).client("yizhong"), MISTAKES)
        finally:
            thread.state.services.close()
        assert _table_rows(bad.text) == _table_rows(expected.text) and len(_table_rows(bad.text)) > 3
        (pid,) = services.checks._pool._processes  # one process, at normal priority
        os.kill(pid, signal.SIGKILL)
        again = upload(client, ROOT / "data_examples" / "city.xlsx")
        assert "没有错误" in again.text  # a new process took over
    finally:
        app.state.services.close()
    assert services.checks._pool is None
