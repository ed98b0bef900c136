"""Questionnaire defaults: no fictional example values; derived answers (党组织全称, 发文机关,
标志, 印发机关) follow the school name given; `plan` warns when identity answers stay at defaults."""
from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from sp_docs.cli import main
from sp_docs.questionnaire import answers as answers_mod
from sp_docs.questionnaire.schema import QUESTIONS_FILE, questions

EXAMPLE = Path(__file__).resolve().parents[1] / "data_examples" / "answers.yaml"
NAME = "云溪县第二小学"


def test_no_example_answers_among_the_defaults():
    example = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    schema_text = QUESTIONS_FILE.read_text(encoding="utf-8")
    assert "青川" not in schema_text
    for key in ("school_name", "party_org_name", "issuer", "mark_text", "doc_number", "cc", "printer"):
        assert str(example[key]) not in schema_text, key
    blank = answers_mod.defaults()
    for key, value in blank.items():
        assert "青川" not in str(value) and "实验小学" not in str(value), key


def test_identity_answers_derived_from_the_school_name():
    got = answers_mod.complete({"school_name": NAME})
    assert got["party_org_name"] == f"中共{NAME}支部委员会"
    assert got["issuer"] == got["printer"] == got["party_org_name"]
    assert got["mark_text"] == f"中共{NAME}支部委员会文件"
    assert got.get("cc") is None
    assert got["doc_number"].startswith("××党发〔")  # neutral: the user completes it
    got = answers_mod.complete({"school_name": NAME, "party_org_type": "党委"})
    assert got["party_org_name"] == f"中共{NAME}委员会" and got["printer"] == f"中共{NAME}委员会办公室"
    got = answers_mod.complete({"school_name": NAME, "party_org_type": "党总支"})
    assert got["issuer"] == f"中共{NAME}总支部委员会"


def test_ask_with_only_the_school_name(tmp_path):
    path = tmp_path / "a.yaml"
    lines = [NAME] + [""] * (len(questions()) + 5)
    result = CliRunner().invoke(main, ["questionnaire", "ask", str(path)], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    got = answers_mod.load(path)
    assert got["issuer"] == got["party_org_name"] == f"中共{NAME}支部委员会"
    assert got["mark_text"] == f"中共{NAME}支部委员会文件" and not got.get("cc")
    # asked again with another name: the untouched suggestions follow it
    lines = ["云溪县第三小学"] + [""] * (len(questions()) + 5)
    result = CliRunner().invoke(main, ["questionnaire", "ask", str(path)], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    assert answers_mod.load(path)["issuer"] == "中共云溪县第三小学支部委员会"


def test_new_file_with_only_the_school_name_edited(tmp_path):
    path = tmp_path / "n.yaml"
    assert CliRunner().invoke(main, ["questionnaire", "new", str(path)]).exit_code == 0
    text = path.read_text(encoding="utf-8")
    assert "school_name: ××学校" in text
    path.write_text(text.replace("school_name: ××学校", f"school_name: {NAME}"), encoding="utf-8")
    got = answers_mod.load(path)
    assert got["issuer"] == f"中共{NAME}支部委员会" and got["printer"] == f"中共{NAME}支部委员会"


def test_plan_warns_on_untouched_workbook(tmp_path):
    book = tmp_path / "问卷.xlsx"
    runner = CliRunner()
    assert runner.invoke(main, ["questionnaire", "xlsx", str(book)]).exit_code == 0
    result = runner.invoke(main, ["plan", str(book), "-o", str(tmp_path / "o"), "--format", "docx"])
    assert result.exit_code == 0, result.output
    for title in ("学校（单位）全称", "发文机关（署名）", "发文字号"):
        assert f"警告：“{title}”" in result.output
    assert "青川" not in result.output


def test_plan_on_complete_answers_has_no_identity_warning(tmp_path):
    result = CliRunner().invoke(main, ["plan", str(EXAMPLE), "-o", str(tmp_path / "o"), "--format", "docx"])
    assert result.exit_code == 0, result.output
    assert "警告" not in result.output
