"""Questionnaire reading errors: located by 工作表/行 and 题目 (not question ids), one message
per bad answer (no option list twice, no cascade from a bad 教职工人数), formulas without a
saved result, data files passed where the answers belong."""
from __future__ import annotations

import re

from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from sp_docs.cli import main

CHOICES = "小学、初中、高中、九年一贯制、职业学校、高校、幼儿园、特殊教育学校、教育局"


def _filled(tmp_path, values: dict):
    book = tmp_path / "问卷.xlsx"
    assert CliRunner().invoke(main, ["questionnaire", "xlsx", str(book)]).exit_code == 0
    wb = load_workbook(book)
    ws = wb["问卷"]
    rows = {}
    for row in ws.iter_rows(min_row=3):
        if row[0].value in values:
            row[2].value = values[row[0].value]
            rows[row[0].value] = row[0].row
    wb.save(book)
    return book, rows


def _plan(tmp_path, path):
    return CliRunner().invoke(main, ["plan", str(path), "-o", str(tmp_path / "o"), "--format", "docx"])


def test_workbook_errors_located_by_sheet_row_and_title(tmp_path):
    book, rows = _filled(tmp_path, {"school_name": "云溪县第三中学", "school_type": "完全中学",
                                    "staff_count": "六十", "party_teacher_count": 20, "backbone_count": 15})
    result = _plan(tmp_path, book)
    assert result.exit_code == 2, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("错误：")]
    assert len(errors) == 2, result.output  # no “不超过 0” follow-ons from the bad count
    assert "不超过 0" not in result.output
    school_type = next(e for e in errors if "学校类型" in e)
    assert f"工作表“问卷” 第{rows['school_type']}行" in school_type
    assert school_type.count(CHOICES) == 1 and "“完全中学”不是可选项" in school_type
    staff = next(e for e in errors if "教职工人数" in e)
    assert f"第{rows['staff_count']}行" in staff
    for qid in ("school_type", "staff_count"):
        assert qid not in result.output


def test_formula_without_saved_result_is_an_error(tmp_path):
    book, rows = _filled(tmp_path, {"school_name": "云溪县第三中学", "start_year": "=2024+1"})
    result = _plan(tmp_path, book)
    assert result.exit_code == 2, result.output
    assert f"工作表“问卷” 第{rows['start_year']}行" in result.output
    assert "三年计划起始年度" in result.output and "公式且没有保存计算结果" in result.output
    assert not (tmp_path / "o").exists() or not list((tmp_path / "o").iterdir())


def test_yaml_errors_once_without_cascade(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text("school_name: 云溪县第三中学\nschool_type: 完全中学\nstaff_count: 六十\n"
                    "party_teacher_count: 20\n", encoding="utf-8")
    result = _plan(tmp_path, path)
    assert result.exit_code == 2
    assert len(re.findall(r"^错误：", result.output, flags=re.M)) == 2, result.output
    assert result.output.count(CHOICES) == 1


def test_data_files_are_named_as_such(tmp_path):
    data_yaml = tmp_path / "city.yaml"
    data_yaml.write_text("单位:\n- 单位名称: 云溪县第二小学\n教师: []\n", encoding="utf-8")
    wb = Workbook()
    wb.active.title = "单位"
    wb.create_sheet("三年计划")
    data_xls = tmp_path / "v5.xls"  # an xlsx under the old extension
    wb.save(data_xls)
    for path in (data_yaml, data_xls):
        result = _plan(tmp_path, path)
        assert result.exit_code == 2, result.output
        assert "这是数据文件，不是问卷答卷" in result.output and "--data" in result.output
        assert "请删除这一项" not in result.output
