"""Files as offices make them (issue 13): returns saved as .xls, .ods, .csv or
with an upper-case extension; data workbooks and award lists in the old and the
OpenDocument format.  Fixtures: tests/office_files/make_fixtures.py."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers import xlsx_rows
from office_files.make_fixtures import AWARDS, RETURNS
from sp_docs.cli import main
from sp_docs.sources import load_dataset

HERE = Path(__file__).resolve().parent / "office_files"
EXAMPLES = Path(__file__).resolve().parents[1] / "data_examples"


def test_merge_reads_every_format_and_names_the_rest(tmp_path, runner):
    out = tmp_path / "city.xlsx"
    result = runner.invoke(main, ["merge", str(HERE / "returns"), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert "说明.docx" in result.output and "不是表格文件" in result.output
    assert "全部对上" not in result.output and "1 个文件未读取" in result.output
    table = xlsx_rows(out, "汇总表")[2:]
    expected = {(unit, name) for unit, (_, rows) in RETURNS.items() for name, *_ in rows}
    assert {(r[1], r[2]) for r in table} == expected  # every unit, whatever its file's format
    sources = {r[7] for r in table}
    assert sources == {name for name, _ in RETURNS.values()}
    births = {r[2]: r[3] for r in table}
    assert births["李四"] == "1988.07" and births["郑七"] == "1986.05"  # .xls and GBK .csv cells as typed
    problems = xlsx_rows(out, "问题")[2:]
    assert any(r[1] == "说明.docx" and r[6].startswith("否") for r in problems)


def test_merge_of_tables_only_says_all_accounted(tmp_path, runner):
    folder = tmp_path / "returns"
    shutil.copytree(HERE / "returns", folder)
    (folder / "说明.docx").unlink()
    (folder / "~$东湖区.xlsx").write_bytes(b"lock")  # Excel's lock file while the workbook is open
    result = runner.invoke(main, ["merge", str(folder), "-o", str(tmp_path / "c.xlsx")])
    assert result.exit_code == 0, result.output
    assert "读取文件 5 个" in result.output and "全部对上" in result.output


def test_merge_names_an_unreadable_xls(tmp_path, runner):
    bad = tmp_path / "坏的.xls"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1000)
    good = HERE / "returns" / "南山县.xls"
    result = runner.invoke(main, ["merge", str(good), str(bad), "-o", str(tmp_path / "c.xlsx")])
    assert result.exit_code == 2, result.output
    assert "坏的.xls" in result.output and "全部对上" not in result.output


@pytest.mark.parametrize("name", ["school.xls", "school.ods"])
def test_data_workbook_in_old_and_open_formats(name):
    reference, problems = load_dataset(EXAMPLES / "school.xlsx")
    data, found = load_dataset(HERE / name)
    assert not found.errors, [p.describe() for p in found.errors]
    assert len(found.warnings) == len(problems.warnings)
    assert [(t.name, t.birth, t.political_status, t.joined_party) for t in data.teachers] == \
           [(t.name, t.birth, t.political_status, t.joined_party) for t in reference.teachers]
    assert [(t.name, t.filed_on, t.plan_year, [m.name for m in t.mentors]) for t in data.trainees] == \
           [(t.name, t.filed_on, t.plan_year, [m.name for m in t.mentors]) for t in reference.trainees]
    assert [(r.trainee, r.date, r.content) for r in data.records] == \
           [(r.trainee, r.date, r.content) for r in reference.records]


def test_upper_case_extension_and_xls_in_check(tmp_path, runner):
    upper = tmp_path / "SCHOOL.XLSX"
    shutil.copy(EXAMPLES / "school.xlsx", upper)
    for path in (upper, HERE / "school.xls"):
        result = runner.invoke(main, ["check", str(path)])
        assert result.exit_code == 0, result.output
        assert "双培对象 10 人" in result.output


def test_csv_data_workbook_gets_a_way_forward(tmp_path, runner):
    path = tmp_path / "教师.csv"
    path.write_bytes("姓名,所在单位\n张三,一中\n".encode("gbk"))
    result = runner.invoke(main, ["check", str(path)])
    assert result.exit_code == 2
    assert "CSV" in result.output and "多个工作表" in result.output and "Traceback" not in result.output


def test_award_list_as_xls(tmp_path, runner):
    from sp_docs.sources.award_list import read_award_list

    awards = read_award_list(HERE / "awards.xls")
    assert [(r.award.name, r.award.unit, r.award.title) for r in awards.rows] == AWARDS
    assert all(r.award.issued_on.isoformat().startswith("2025-09-10") for r in awards.rows)
