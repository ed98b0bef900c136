"""Tables as offices lay them out (issue 13): two-row headers, footer rows, 序号
columns, the headers people type, duplicate rows, over-long cells, month-only
dates, and the ways people write the values of a closed list.
Fixtures: tests/office_files/make_fixtures.py."""
from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from office_files.make_fixtures import LIST_VARIANTS, SCHOOL, award_list_as_typed, two_row_header_workbook
from sp_docs.cli import main
from sp_docs.sources import load_dataset
from sp_docs.sources.award_list import read_award_list


@pytest.fixture(scope="module")
def two_rows(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("layouts") / "双培数据.xlsx"
    two_row_header_workbook(path)
    return path


def test_two_row_header_footer_and_seq_column(two_rows):
    reference, _ = load_dataset(SCHOOL)
    data, problems = load_dataset(two_rows)
    assert not problems.errors, [p.describe() for p in problems.errors]
    assert [(t.name, [(m.name, m.position) for m in t.mentors]) for t in data.trainees] == \
           [(t.name, [(m.name, m.position) for m in t.mentors]) for t in reference.trainees]
    assert all(t.mentors[0].position for t in data.trainees)  # 培养人职务 read, not blank
    warnings = [p.describe() for p in problems.warnings]
    assert len(warnings) == 1, warnings  # the footer notice only: 序号 is expected, the header understood
    assert "第14、15、16行是表尾" in warnings[0]


def test_month_only_date_stays_a_month_in_every_document(two_rows, tmp_path, runner):
    from docx import Document

    data, _ = load_dataset(two_rows)
    first = data.trainees[0]
    assert (first.filed_on.year, first.filed_on.month) == (2024, 3)
    out = tmp_path / "out"
    result = runner.invoke(main, ["ledgers", str(two_rows), "-o", str(out), "--format", "docx", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    ledger = next((out / "培养台账_Word").glob(f"*_{first.name}.docx"))
    document = Document(str(ledger))
    text = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "2024.03" in text and "2024.03.01" not in text
    result = runner.invoke(main, ["mentors", str(two_rows), "-o", str(tmp_path / "m"), "--format", "xlsx"])
    assert result.exit_code == 0, result.output
    cells = [str(c.value) for ws in load_workbook(next((tmp_path / "m").glob("*.xlsx"))) for row in ws.iter_rows()
             for c in row if c.value is not None]
    assert "2024.03" in cells and not any(c.startswith("2024.03.01") for c in cells)


def test_award_list_with_typed_headers_and_duplicates(tmp_path, runner):
    path = tmp_path / "表彰名单.xlsx"
    award_list_as_typed(path, duplicates=20)
    awards = read_award_list(path)
    assert len(awards.rows) == 22 and all(r.ok for r in awards.rows)
    assert awards.rows[0].award.name == "张三" and awards.rows[0].award.unit == "青川市第一中学"
    assert awards.rows[0].award.issuer == "中共青川市教育工作委员会"
    messages = [p.describe() for p in awards.problems]
    duplicate = [m for m in messages if "重复行" in m]
    assert len(duplicate) == 1 and "第4、5、6" in duplicate[0] and "等 20 行" in duplicate[0]
    assert not any("序号" in m for m in messages)
    result = runner.invoke(main, ["certificates", str(path), "-o", str(tmp_path / "out"), "--format", "docx"])
    assert result.exit_code == 0, result.output
    assert result.output.count("重复行") == 1


def test_award_list_near_miss_header_gets_a_hint(tmp_path, runner):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["获奖者", "所在单位", "荣誉称号"])
    wb.active.append(["张三", "一中", "优秀教师"])
    path = tmp_path / "名单.xlsx"
    wb.save(path)
    result = runner.invoke(main, ["certificates", str(path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    text = result.output.replace("\n", "")
    assert "找不到表彰名单" in text and "缺少：姓名" in text and "“获奖者”是不是“姓名”" in text


def test_over_long_cell_is_warned_with_its_length(tmp_path, monkeypatch):
    wb = load_workbook(SCHOOL)
    ws = wb["双培对象"]
    note = [c.value for c in ws[1]].index("备注") + 1
    ws.cell(row=3, column=note, value="很长的备注。" * 5334)
    path = tmp_path / "long.xlsx"
    wb.save(path)
    _, problems = load_dataset(path)
    long = [p for p in problems.warnings if "个字" in p.message]
    assert len(long) == 1 and long[0].location.row == 3 and long[0].location.column == "备注"
    assert "32004 个字" in long[0].message and "超过 1500 字" in long[0].message
    monkeypatch.setenv("SP_DOCS_CELL_LIMIT", "40000")
    _, problems = load_dataset(path)
    assert not [p for p in problems.warnings if "个字" in p.message]


@pytest.mark.parametrize("header, typed, expected", LIST_VARIANTS, ids=[f"{h}-{t}" for h, t, _ in LIST_VARIANTS])
def test_closed_list_variants(header, typed, expected):
    from sp_docs.sources.rows import _parse
    from sp_docs.sources.schema import RECORDS, TEACHERS, TRAINEES

    column = next(c for sheet in (TEACHERS, RECORDS, TRAINEES) for c in sheet.columns if c.header == header)
    assert _parse(column, typed) == expected
    assert not column.choices or expected in column.choices


def test_forty_teachers_written_as_people_write_them(tmp_path):
    wb = load_workbook(SCHOOL)
    ws = wb["教师"]
    level = [c.value for c in ws[1]].index("骨干层级") + 1
    typed = ["市级骨干", "市骨干", "市级骨干教师", "县级骨干", "校骨干", "省级骨干教师"]
    for row in range(2, ws.max_row + 1):
        ws.cell(row=row, column=level, value=typed[row % len(typed)])
    path = tmp_path / "teachers.xlsx"
    wb.save(path)
    data, problems = load_dataset(path)
    assert not [p for p in problems if "骨干层级" in p.message], [p.describe() for p in problems]
    assert {t.backbone_level for t in data.teachers} == {"市级", "县级", "校级", "省级"}
