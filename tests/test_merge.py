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
from sp_docs.sources import load_dataset


def _city():
    return load_dataset(Path(__file__).resolve().parents[1] / "data_examples" / "city.xlsx")[0]


def _units(unit: str) -> list[str]:
    return _city().subtree(unit)

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
    for merged in list(ws.merged_cells.ranges):  # openpyxl's insert_rows does not move merged ranges
        if merged.min_row > 4:
            ws.unmerge_cells(str(merged))
    ws["A3"] = "单位名称：西岭县 教育局"
    header_row = 4
    ws.cell(row=header_row, column=7, value="联系电话")
    data_rows = list(range(header_row + 1, header_row + 1 + len(view.rows)))
    values = [[ws.cell(row=r, column=c).value for c in range(1, 7)] for r in data_rows]
    values.reverse()  # re-sorted
    for r, row in zip(data_rows, values):
        for c, v in enumerate(row, start=1):
            ws.cell(row=r, column=c).value = v  # cell(value=None) would keep the old value
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
    # every person of every return is in the city table, credited to the unit 备注 names
    names = {(r[1], r[2]) for r in table}
    for unit, (_, view) in written.items():
        for row in view.rows:
            assert (row.unit, row.name) in names
    assert ("青川师范学院", "补报甲") in names
    subtree = [n for u in UNITS for n in _units(u)]
    assert all(r[1] in subtree for r in table)
    # track 1 before 2 within each unit, units in unit-list order
    for unit in subtree:
        tracks = [r[4] for r in table if r[1] == unit]
        assert tracks == sorted(tracks)
    order = [r[1] for r in table]
    all_units = [u.name for u in _city().units]
    assert order == sorted(order, key=all_units.index)


def test_plan_comparison_sheet(returns, city_workbook, tmp_path):
    folder, written = returns
    out = tmp_path / "city.xlsx"
    _, rolled, comparison = merge([folder], out, plan=city_workbook)
    rows = xlsx_rows(out, "计划对比")[2:]
    assert len(rows) == len(comparison)
    dongh = [r for r in rows if r[0] == "东湖区教育局" and r[1] == YEAR]
    done = sum(r[4] for r in dongh)
    assert done == sum(1 for r in rolled.rows if r.unit in _units("东湖区教育局") and r.year == YEAR)
    wb = load_workbook(out)
    ws = wb["计划对比"]
    for index, row in enumerate(rows, start=3):
        planned, completed = row[3], row[4]
        red = ws.cell(row=index, column=1).fill.fgColor.rgb
        if completed == "未上报":
            assert not red.endswith("FFC7CE") and row[5] in (None, "")
            continue
        assert (completed < planned) == (red.endswith("FFC7CE"))
        if planned:
            assert row[5] == pytest.approx(completed / planned)


def test_cli_prints_counts(returns, tmp_path, runner):
    folder, _ = returns
    result = runner.invoke(main, ["merge", str(folder), "-o", str(tmp_path / "c.xlsx")])
    # 坏文件.xlsx cannot be read: named, the summary does not claim all is well, exit status 2
    assert result.exit_code == 2, result.output
    assert "坏文件.xlsx" in result.output and "数据行" in result.output
    assert "全部对上" not in result.output and "1 个文件未读取" in result.output
    again = runner.invoke(main, ["merge", str(folder), "-o", str(tmp_path / "c.xlsx")])
    assert again.exit_code == 1 and "--force" in again.output


def test_no_files(tmp_path, runner):
    result = runner.invoke(main, ["merge", str(tmp_path), "-o", str(tmp_path / "c.xlsx")])
    assert result.exit_code == 1 and "没有找到" in result.output


# --- a parent's return among the inputs, a data workbook, missing 完成年度, output suffix, 未上报 ---

ROOT_UNIT = "青川市教育工委"
OWN = ["青川市第一中学", "青川师范学院"]


@pytest.fixture(scope="module")
def with_parent(tmp_path_factory, city_workbook):
    """The root's 附件2 (every person of the city, sub-unit in 备注) and two schools' own returns."""
    folder = tmp_path_factory.mktemp("with_parent")
    paths, root_view = annex2(city_workbook, ROOT_UNIT, folder, year=YEAR, formats=["xlsx"])
    own = {}
    for unit in OWN:
        p, view = annex2(city_workbook, unit, folder, year=YEAR, formats=["xlsx"])
        own[unit] = (p[0], view)
    return folder, paths[0], root_view, own


def _table(path):
    return [r for r in xlsx_rows(path, "汇总表")[2:] if r[2]]


def test_parent_return_credited_to_real_units_once(with_parent, city_workbook, tmp_path):
    folder, root_file, root_view, own = with_parent
    files = [root_file] + [p for p, _ in own.values()]
    results = []
    for n, order in enumerate((files, list(reversed(files)))):
        out = tmp_path / f"c{n}.xlsx"
        _, rolled, comparison = merge(order, out, plan=city_workbook)
        assert rolled.accounted()
        table = _table(out)
        # each person once, under the unit the parent's 备注 names (never the parent itself)
        assert len(table) == len(root_view.rows)
        assert sorted((r[1], r[2]) for r in table) == sorted((r.unit, r.name) for r in root_view.rows)
        assert not any(r[1] == ROOT_UNIT for r in table if any(v.name == r[2] and v.unit != ROOT_UNIT
                                                                   for v in root_view.rows))
        # the school's own row is kept, the parent's copy is listed as 重复上报 naming both files
        for unit, (path, view) in own.items():
            for r in table:
                if r[1] == unit:
                    assert r[7] == path.name
        dup = [r for r in xlsx_rows(out, "问题")[2:] if "重复上报" in str(r[4])]
        assert len(dup) == sum(len(v.rows) for _, v in own.values())
        assert all(r[1] == root_file.name and root_file.name in r[4] and r[6] == "否" for r in dup)
        # the schools are not shown as 0 completed
        for p in comparison:
            if p.unit in OWN and p.year == YEAR:
                assert p.completed == sum(1 for v in own[p.unit][1].rows if int(v.track) == int(p.track))
        results.append([r[1:] for r in table])
    assert results[0] == results[1]  # independent of the order of the files


def test_parent_return_without_plan_also_deduplicated(with_parent, tmp_path):
    folder, root_file, root_view, own = with_parent
    _, rolled, _ = merge([folder], tmp_path / "c.xlsx")
    assert rolled.accounted() and len(rolled.rows) == len(root_view.rows)
    assert {r.unit for r in rolled.rows if r.name in {v.name for _, w in own.values() for v in w.rows}} == set(OWN)


def test_data_workbook_and_junk_rejected_whole(with_parent, city_workbook, tmp_path):
    folder, root_file, root_view, own = with_parent
    mix = tmp_path / "mix"
    mix.mkdir()
    for p, _ in own.values():
        (mix / p.name).write_bytes(p.read_bytes())
    (mix / "数据.xlsx").write_bytes(city_workbook.read_bytes())
    (mix / "fake.xlsx").write_bytes(b"PK not really")
    out = tmp_path / "c.xlsx"
    _, rolled, _ = merge([mix], out, plan=city_workbook)
    assert rolled.accounted()
    assert len(rolled.rows) == sum(len(v.rows) for _, v in own.values())
    assert all(Path(r.file).name != "数据.xlsx" for r in rolled.rows)
    problems = xlsx_rows(out, "问题")[2:]
    data_rows = [r for r in problems if r[1] == "数据.xlsx"]
    assert len(data_rows) == 1 and "不是附件2 汇总表" in data_rows[0][4] and data_rows[0][6].startswith("否")
    fake = [r for r in problems if r[1] == "fake.xlsx"]
    assert len(fake) == 1 and "无法读取" in fake[0][4] and fake[0][6].startswith("否")
    assert rolled.files_rejected == 1 and rolled.files_failed == 1
    assert "不是附件2 1 个" in rolled.summary() and "全部对上" not in rolled.summary()
    assert "有 2 个文件未读取" in rolled.summary()


def test_sheet_without_year_column_rejected_and_blank_year_flagged(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append(["单位名称：青川市第一中学"])
    ws.append(["姓名", "双培类别", "备注"])
    ws.append(["甲", "1", ""])
    good = wb.create_sheet("附件2")
    good.append(["单位名称：青川市第一中学"])
    good.append(["序号", "姓名", "出生年月", "“双培”类别", "完成年度", "备注"])
    good.append([1, "乙", "1990.01", "1", "", ""])
    good.append([2, "丙", "1991.01", "2", YEAR, ""])
    wb.save(tmp_path / "r.xlsx")
    out = tmp_path / "c.xlsx"
    _, rolled, _ = merge([tmp_path / "r.xlsx"], out)
    assert [r.name for r in rolled.rows] == ["乙", "丙"] and rolled.accounted()
    problems = xlsx_rows(out, "问题")[2:]
    sheet = [r for r in problems if r[2] == "名单"]
    assert len(sheet) == 1 and "完成年度" in sheet[0][4] and sheet[0][6].startswith("否")
    blank = [r for r in problems if r[2] == "附件2" and r[3] == 3]
    assert len(blank) == 1 and "没有填写完成年度" in blank[0][4] and blank[0][6] == "是"


def test_output_must_be_xlsx(with_parent, tmp_path, runner):
    folder, *_ = with_parent
    result = runner.invoke(main, ["merge", str(folder), "-o", str(tmp_path / "汇总.pdf")])
    assert result.exit_code == 1 and ".xlsx" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "汇总.pdf").exists()


def test_years_without_returns_marked_not_reported(with_parent, city_workbook, tmp_path):
    folder, root_file, root_view, own = with_parent
    out = tmp_path / "c.xlsx"
    _, _, comparison = merge([p for p, _ in own.values()], out, plan=city_workbook)
    rows = xlsx_rows(out, "计划对比")[2:]
    ws = load_workbook(out)["计划对比"]
    for index, (row, p) in enumerate(zip(rows, comparison), start=3):
        covered = p.unit in OWN and p.year == YEAR
        assert (row[4] == "未上报") == (not covered)
        red = ws.cell(row=index, column=1).fill.fgColor.rgb.endswith("FFC7CE")
        assert red == (covered and p.completed < p.planned)


# --- sp-docs all on a folder holding one data workbook of any name ---

def test_example_workbook_lookup(tmp_path, city_workbook):
    from sp_docs.errors import SpDocsError
    from sp_docs.jobs import example_file, example_workbook

    folder = tmp_path / "d"
    folder.mkdir()
    with pytest.raises(SpDocsError, match="没有数据工作簿"):
        example_workbook(folder)
    (folder / "answers.yaml").write_text("school_name: 甲\n", encoding="utf-8")
    (folder / "笔记.xlsx").write_bytes(b"junk")
    data = folder / "双培数据.xlsx"
    data.write_bytes(city_workbook.read_bytes())
    assert example_workbook(folder) == data
    assert example_workbook(data) == data  # a workbook path directly
    assert example_file(data, "answers.yaml") == folder / "answers.yaml"
    assert example_file(folder, "rules.yaml") is None
    (folder / "另一个.xlsx").write_bytes(city_workbook.read_bytes())
    with pytest.raises(SpDocsError, match="2 个数据工作簿"):
        example_workbook(folder)
    (folder / "city.xlsx").write_bytes(city_workbook.read_bytes())
    assert example_workbook(folder) == folder / "city.xlsx"


def test_all_on_folder_with_any_workbook_name(tmp_path, runner):
    folder = tmp_path / "我的数据"
    folder.mkdir()
    school = Path(__file__).resolve().parents[1] / "data_examples" / "school.xlsx"
    (folder / "双培数据.xlsx").write_bytes(school.read_bytes())
    result = runner.invoke(main, ["all", str(folder), "-o", str(tmp_path / "out")])
    flat = result.output.replace("\n", "")  # the console wraps long lines
    assert "找不到文件" not in flat and "city.xlsx" not in flat
    assert "双培数据.xlsx" in flat
    assert flat.count("answers.yaml") == 1  # the plan step skipped once, naming the file it needs
    assert "失败" not in flat, result.output
    assert result.exit_code == 0
    assert any((tmp_path / "out" / "附件1").glob("*青川市实验小学*.xlsx"))
    help_text = runner.invoke(main, ["all", "--help"]).output
    assert "city.xlsx" in help_text and "answers.yaml" in help_text and "双培数据.xlsx" in help_text


def test_a_unit_name_differing_in_its_number_is_another_unit_not_a_misspelling():
    # 单位01's return checked against a list holding only 单位11 (a close match by letters) once
    # credited 单位01's rows to 单位11; a different number is a different unit
    from sp_docs.sources.returns import UnitMatcher

    matcher = UnitMatcher(["单位11", "青川市第一中学", "青川市实验小学"])
    assert matcher.match("单位01") == ("单位01", False)
    assert matcher.match("青川市第二中学") == ("青川市第二中学", False)
    assert matcher.match("青川市第1中学") == ("青川市第一中学", True)  # 1 and 一 alike
    assert matcher.match("青川市 第一中学") == ("青川市第一中学", True)
    assert matcher.match("青川实验小学") == ("青川市实验小学", True)  # a real misspelling still matches
