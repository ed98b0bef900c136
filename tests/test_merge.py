"""Roll-up of returned 附件2 workbooks: as written by annex 2 and as edited by
hand (blank rows, re-sorted, fuzzy unit name, extra columns, a second sheet,
duplicates, a row without 类别, an unreadable file) — every row accounted for."""
from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from helpers import xlsx_rows
from sp_docs.cli import main
from sp_docs.jobs.annex2 import annex2
from sp_docs.jobs.merge import merge

UNITS = ["东湖区教育局", "西岭县教育局", "青川师范学院"]
YEAR = 2025


@pytest.fixture(scope="module")
def returns(tmp_path_factory, city_workbook):
    """Our own 附件2 for three units, then hand edits on two of them."""
    folder = tmp_path_factory.mktemp("returns")
    written = {}
    for unit in UNITS:
        paths, view = annex2(city_workbook, unit, folder, year=YEAR, formats=["xlsx"])
        written[unit] = (paths[0], view)
    # 西岭县: unit typed differently, blank rows, re-sorted, an extra column, a second sheet,
    # a row without 类别, a duplicate of a 东湖区 person
    path, view = written["西岭县教育局"]
    wb = load_workbook(path)
    ws = wb.active
    ws["A3"] = "单位名称：西岭县 教育局"
    header_row = 4
    ws.cell(row=header_row, column=7, value="联系电话")
    data_rows = list(range(header_row + 1, header_row + 1 + len(view.rows)))
    values = [[ws.cell(row=r, column=c).value for c in range(1, 7)] for r in data_rows]
    values.reverse()  # re-sorted
    for r, row in zip(data_rows, values):
        for c, v in enumerate(row, start=1):
            ws.cell(row=r, column=c, value=v)
        ws.cell(row=r, column=7, value="13800000000")
    ws.insert_rows(header_row + 2, 2)  # blank rows inside the table
    last = header_row + len(view.rows) + 2
    ws.insert_rows(last + 1, 2)
    ws.cell(row=last + 1, column=1, value=99)
    ws.cell(row=last + 1, column=2, value="无类别人")
    ws.cell(row=last + 1, column=3, value="1990.01")
    dongh = written["东湖区教育局"][1].rows[0]
    ws.cell(row=last + 2, column=1, value=100)
    ws.cell(row=last + 2, column=2, value=dongh.name)
    ws.cell(row=last + 2, column=3, value=dongh.birth)
    ws.cell(row=last + 2, column=4, value=dongh.track)
    ws.cell(row=last + 2, column=5, value=dongh.year)
    extra = wb.create_sheet("说明")
    extra["A1"] = "本表由学校党支部填报"
    wb.save(path)
    # 青川师范学院: a second sheet holding more rows in the same layout
    path2, view2 = written["青川师范学院"]
    wb = load_workbook(path2)
    more = wb.create_sheet("补报")
    more.append(["单位名称：青川师范学院"])
    more.append(["序号", "姓名", "出生年月", "“双培”类别", "完成年度", "备注"])
    more.append([1, "补报甲", "1988.05", "2", YEAR, ""])
    wb.save(path2)
    (folder / "坏文件.xlsx").write_bytes(b"not a workbook")
    return folder, written


def test_every_row_accounted_and_problems_listed(returns, city_workbook, tmp_path):
    folder, written = returns
    out = tmp_path / "city.xlsx"
    path, rolled, comparison = merge([folder], out, plan=city_workbook)
    expected_rows = sum(len(v.rows) for _, v in written.values()) + 3  # + 无类别人, duplicate, 补报甲
    assert rolled.rows_read == expected_rows
    assert rolled.accounted()
    assert len(rolled.rows) == expected_rows - 2
    table = xlsx_rows(out, "汇总表")[2:]
    problems = xlsx_rows(out, "问题")[2:]
    assert len(table) == len(rolled.rows)
    messages = [r[4] for r in problems]
    assert any("没有填写“双培”类别" in m for m in messages)
    assert any("同一人重复上报" in m for m in messages)
    assert any("文件无法读取" in m and r[1] == "坏文件.xlsx" for r, m in zip(problems, messages))
    assert any("西岭县 教育局" in m and "西岭县教育局" in m for m in messages)  # fuzzy unit, said so
    assert any("联系电话" in m for m in messages)  # extra column noticed
    excluded = [r for r in problems if r[6] == "否"]
    assert len(excluded) == 2 and all(r[3] for r in excluded)  # with file and row
    # every person of every return is in the city table (or the problems sheet)
    names = {(r[1], r[2]) for r in table}
    for unit, (_, view) in written.items():
        for row in view.rows:
            assert (unit, row.name) in names
    assert ("青川师范学院", "补报甲") in names
    assert all(r[1] in UNITS for r in table)
    # track 1 before 2 within each unit, units in unit-list order
    for unit in UNITS:
        tracks = [r[4] for r in table if r[1] == unit]
        assert tracks == sorted(tracks)
    order = [r[1] for r in table]
    assert order == sorted(order, key=UNITS.index)


def test_plan_comparison_sheet(returns, city_workbook, tmp_path):
    folder, written = returns
    out = tmp_path / "city.xlsx"
    _, rolled, comparison = merge([folder], out, plan=city_workbook)
    rows = xlsx_rows(out, "计划对比")[2:]
    assert len(rows) == len(comparison)
    dongh = [r for r in rows if r[0] == "东湖区教育局" and r[1] == YEAR]
    done = sum(r[4] for r in dongh)
    assert done == sum(1 for r in rolled.rows if r.unit == "东湖区教育局" and r.year == YEAR)
    wb = load_workbook(out)
    ws = wb["计划对比"]
    for index, row in enumerate(rows, start=3):
        planned, completed = row[3], row[4]
        red = ws.cell(row=index, column=1).fill.fgColor.rgb
        assert (completed < planned) == (red.endswith("FFC7CE"))
        if planned:
            assert row[5] == pytest.approx(completed / planned)


def test_cli_prints_counts(returns, tmp_path, runner):
    folder, _ = returns
    result = runner.invoke(main, ["merge", str(folder), "-o", str(tmp_path / "c.xlsx")])
    assert result.exit_code == 0, result.output
    assert "全部对上" in result.output and "数据行" in result.output
    again = runner.invoke(main, ["merge", str(folder), "-o", str(tmp_path / "c.xlsx")])
    assert again.exit_code == 1 and "--force" in again.output


def test_no_files(tmp_path, runner):
    result = runner.invoke(main, ["merge", str(tmp_path), "-o", str(tmp_path / "c.xlsx")])
    assert result.exit_code == 1 and "没有找到" in result.output
