"""Problems of a whole column or setting are said once, with the rows counted;
reading warnings are shown by every command that reads the workbook, once per
run (issue 13)."""
from __future__ import annotations

import csv
import shutil
from pathlib import Path

from openpyxl import Workbook, load_workbook

from sp_docs.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "data_examples"


def _award_list(path: Path, rows: int, issuer_rows: int = 0) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "表彰"
    ws.append(["姓名", "所在单位", "荣誉称号", "颁发单位"])
    for n in range(rows):
        ws.append([f"教师{n:03d}", "青川市第一中学", "优秀教师", "中共青川市教育工委" if n < issuer_rows else None])
    wb.save(path)


def test_certificates_without_issuer_and_date_said_once(tmp_path, runner):
    names = tmp_path / "名单.xlsx"
    _award_list(names, 200)
    result = runner.invoke(main, ["certificates", str(names), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    text = result.output.replace("\n", "")
    assert text.count("都没有“颁发单位”") == 1 and text.count("都没有“颁发日期”") == 1
    assert "200 行" in text and "new-settings" in text
    assert len(result.output.splitlines()) < 20  # not a complaint per row
    assert not (tmp_path / "out").exists()


def test_rows_sharing_a_problem_are_counted_in_one_line(tmp_path, runner):
    names = tmp_path / "名单.xlsx"
    _award_list(names, 30, issuer_rows=18)  # 12 rows without 颁发单位, the column exists
    settings = tmp_path / "设置.yaml"
    settings.write_text("颁发日期: 2025-09-10\n", encoding="utf-8")
    result = runner.invoke(main, ["certificates", str(names), "-o", str(tmp_path / "out"), "--settings",
                                  str(settings), "--format", "docx"])
    assert result.exit_code == 1, result.output
    text = result.output.replace("\n", "")
    assert text.count("没有颁发单位") == 1 and "共 12 行" not in text and "等 12 行" in text
    assert "第20行（教师018）" in text
    assert "成功 18 张" in text


def _flat_two_row_header(source: Path, target: Path) -> None:
    """A workbook whose 双培对象 sheet has an unknown column (warned about)."""
    wb = load_workbook(source)
    ws = wb["双培对象"]
    ws.cell(row=1, column=ws.max_column + 1, value="联系电话")
    ws.cell(row=2, column=ws.max_column, value="13800000000")
    wb.save(target)


def test_reading_warnings_shown_by_every_command_once(tmp_path, runner):
    data = tmp_path / "s.xlsx"
    _flat_two_row_header(EXAMPLES / "school.xlsx", data)
    commands = [
        ["annex", "2", str(data), "--unit", "青川市实验小学", "-o", str(tmp_path / "a2"), "--format", "xlsx"],
        ["ledgers", str(data), "-o", str(tmp_path / "l"), "--format", "docx", "--jobs", "1"],
        ["mentors", str(data), "-o", str(tmp_path / "m"), "--format", "xlsx"],
    ]
    for command in commands:
        result = runner.invoke(main, command)
        assert result.exit_code == 0, result.output
        assert result.output.count("未识别的列“联系电话”") == 1, (command, result.output)
