"""`plan --data` when the answers' plan period and the workbook's 三年计划 differ: a warning
naming both periods; 附件1 keeps the answers' period and says which years have no data."""
from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

import helpers
from sp_docs.cli import main
from sp_docs.documents import implementation_plan as ip
from sp_docs.jobs import load_valid
from sp_docs.questionnaire import answers as answers_mod

EXAMPLES = Path(__file__).resolve().parents[1] / "data_examples"
SCHOOL = "青川市实验小学"


def _answers_file(tmp_path, start_year: int) -> Path:
    text = (EXAMPLES / "answers.yaml").read_text(encoding="utf-8")
    text = re.sub(r"^start_year: \d+", f"start_year: {start_year}", text, flags=re.M)
    text = re.sub(r"^seal_image: .*$", "seal_image: ''", text, flags=re.M)
    path = tmp_path / "answers.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _planned_years() -> list[int]:
    data = load_valid(EXAMPLES / "school.xlsx")[0]
    return ip.annex1_from_data(data, SCHOOL, [])[2]


def test_shifted_period_warns_and_leaves_missing_years_blank(tmp_path):
    planned = _planned_years()
    start = planned[-1]  # overlaps one planned year only
    result = CliRunner().invoke(main, ["plan", str(_answers_file(tmp_path, start)), "--data",
                                       str(EXAMPLES / "school.xlsx"), "-o", str(tmp_path / "o"),
                                       "--format", "docx"])
    assert result.exit_code == 0, result.output
    warning = " ".join(result.output.split())
    assert f"{start}—{start + 2}年" in warning and f"{planned[0]}—{planned[-1]}年" in warning
    assert f"{start + 1}年、{start + 2}年没有计划数据" in warning
    docx = next((tmp_path / "o").glob("*.docx"))
    table = helpers.docx_tables(docx)[0]
    by_year = {row[0]: row[1:] for row in table[1:]}
    assert by_year[f"{start + 1}年"] == ["", "", ""] and by_year[f"{start + 2}年"] == ["", "", ""]
    assert by_year[f"{start}年"][0] != ""
    assert f"注：{start + 1}年、{start + 2}年在数据工作簿“三年计划”中没有本单位的计划数字" in helpers.docx_text(docx)


def test_no_overlap_falls_back_to_the_answers_with_a_warning():
    planned = _planned_years()
    answers = answers_mod.complete({"school_name": SCHOOL, "start_year": planned[-1] + 5,
                                    "target1_y1": 7})
    data = load_valid(EXAMPLES / "school.xlsx")[0]
    view = ip.build(answers, data=data)
    assert view.annex1.rows[0] == [f"{planned[-1] + 5}年", "7", view.annex1.rows[0][2], view.annex1.rows[0][3]]
    assert any("附件1按答卷中的逐年目标填写" in w for w in view.warnings)


def test_matching_period_has_no_warning():
    planned = _planned_years()
    answers = answers_mod.complete({"school_name": SCHOOL, "start_year": planned[0]})
    view = ip.build(answers, data=load_valid(EXAMPLES / "school.xlsx")[0])
    assert not view.warnings and not view.annex1.notes
    assert all(cell != "" for row in view.annex1.rows for cell in row)
