"""报送 (issue 12, first part): units submit their 附件2 for a year, withdraw, get a return with
a comment; the dashboard 报送情况 shows 已报送 / 未报送 / 已退回; the roll-up holds every row."""
from __future__ import annotations

import re
from html import unescape

from helpers import xlsx_rows
from webhelpers import ROOT, csrf_of, upload

CITY = ROOT / "data_examples" / "city.xlsx"


def _board(html: str) -> dict[str, list[str]]:
    table = html.split("<caption>报送情况</caption>", 1)[1].split("</table>", 1)[0]
    rows = {}
    for row in re.findall(r"<tr><td>(.*?)</tr>", table.split("<tbody>", 1)[1], re.S):
        cells = [unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td>(.*?)</td>", "<td>" + row, re.S)]
        rows[cells[0]] = cells
    return rows


def test_submit_withdraw_return_dashboard_and_rollup(sqlite_site, city):
    from sp_docs.documents import annex2
    from sp_docs.web.accounts import add_account

    with sqlite_site.app.state.services.db.session() as db:
        add_account(db, "sanzhong", "unit-pass-c1", unit_name="青川市实验小学")
    a, b = sqlite_site.client("yizhong"), sqlite_site.client("erzhong")
    upload(a, CITY)
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
