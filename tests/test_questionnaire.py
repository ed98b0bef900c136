"""The questionnaire: schema, defaults, validation and the three front-ends
(YAML from `new`, interactive `ask`, the Excel workbook) giving identical answers."""
from __future__ import annotations

import datetime as dt

import pytest
import yaml
from click.testing import CliRunner
from openpyxl import load_workbook

from sp_docs.cli import main
from sp_docs.errors import InputError
from sp_docs.questionnaire import answers as answers_mod
from sp_docs.questionnaire.schema import format_value, question, questions

TARGET_CHANGES = {
    "school_name": "青川市第二中学", "school_short": "二中", "school_type": "高中", "party_org_type": "党委",
    "party_org_name": "中共青川市第二中学委员会", "one_shoulder": True, "staff_count": 120,
    "party_teacher_count": 40, "backbone_count": 30, "border_area": True, "variant": "双培双树",
    "start_year": 2025, "target1_y2": 5, "model_count": 4, "brand_name": "青松先锋",
    "measures": ["青蓝结对", "名师工作室", "线上党建平台", "双评议"], "pair_years": 3,
    "studio_count": 2, "online_channels": ["学习强国", "微信公众号"], "review_cycle": "每学期",
    "requirements": ["加强组织领导", "落实经费保障"], "print_mark": False,
    "doc_number": "二中党发〔2025〕7号", "sign_date": dt.date(2025, 4, 15), "cc": None,
}


@pytest.fixture(scope="module")
def target() -> dict:
    raw = dict(answers_mod.defaults())
    raw.update(TARGET_CHANGES)
    return answers_mod.complete({k: v for k, v in raw.items()})


def test_schema_covers_types_topics_and_measures():
    types = {q.type for q in questions()}
    assert types == {"text", "number", "date", "choice", "multi", "bool"}
    assert set(question("school_type").choices) >= {"小学", "初中", "高中", "九年一贯制", "职业学校", "高校",
                                                    "幼儿园", "特殊教育学校", "教育局"}
    assert question("party_org_type").choices == ("党委", "党总支", "党支部")
    assert set(question("variant").choices) == {"双培", "双培双树", "双培育"}
    measures = question("measures").choices
    assert len(measures) >= 12
    # every measure has at least one parameter question of its own
    for measure in measures:
        assert any(("measures", (measure,)) in q.when for q in questions()), measure
    ids = {q.id for q in questions()}
    assert {"issuer", "doc_number", "recipients", "sign_date", "cc", "printer", "print_mark", "seal_image"} <= ids


def test_defaults_suggested_from_counts():
    answers = answers_mod.complete({"staff_count": 95})
    assert answers["reserve_count"] >= 0.1 * 95
    assert answers["target1_y1"] >= 1 and answers["target2_y1"] >= 1
    assert "model_count" not in answers  # applies only to 双培双树
    twin = answers_mod.complete({"variant": "双培双树"})
    assert twin["model_count"] >= 1 and twin["brand_name"]


def test_bad_answers_are_all_reported_with_their_question():
    with pytest.raises(InputError) as info:
        answers_mod.complete({"school_type": "大学", "staff_count": "很多", "measures": ["飞行"],
                              "sign_date": "2025-13-40", "nonsense": 1, "party_teacher_count": 10 ** 4}, "a.yaml")
    text = str(info.value)
    for fragment in ("school_type", "staff_count", "measures", "sign_date", "nonsense", "学校类型"):
        assert fragment in text
    assert len(info.value.problems.errors) >= 5


def test_doc_number_brackets_normalised():
    answers = answers_mod.complete({"doc_number": "实小党发[2025]03号"})
    assert answers["doc_number"] == "实小党发〔2025〕3号"
    with pytest.raises(InputError):
        answers_mod.complete({"doc_number": "实小党发2025年3号"})


def _fill_yaml(tmp_path, target) -> dict:
    path = tmp_path / "answers.yaml"
    result = CliRunner().invoke(main, ["questionnaire", "new", str(path)])
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    assert "# 学校类型（单选：小学、初中" in text  # questions as comments above the answers
    data = yaml.safe_load(text)
    for key, value in target.items():
        data[key] = value.isoformat() if isinstance(value, dt.date) else value
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return answers_mod.load(path)


def _fill_xlsx(tmp_path, target) -> dict:
    path = tmp_path / "问卷.xlsx"
    result = CliRunner().invoke(main, ["questionnaire", "xlsx", str(path)])
    assert result.exit_code == 0, result.output
    wb = load_workbook(path)
    ws = wb["问卷"]
    for row in ws.iter_rows(min_row=3):
        key = row[0].value
        if not key:
            continue
        if ":" in key:
            qid, choice = key.split(":", 1)
            if qid in target:
                row[2].value = "是" if choice in (target[qid] or []) else "否"
        elif key in target and question(key).type != "multi":
            value = target[key]
            row[2].value = value if isinstance(value, int) and not isinstance(value, bool) else format_value(value)
    wb.save(path)
    return answers_mod.load(path)


def _ask_input(target) -> str:
    lines = []
    for q in questions():
        if q.id not in target:
            continue
        value = target[q.id]
        lines.append("-" if value is None else format_value(value))
    return "\n".join(lines) + "\n"


def _fill_ask(tmp_path, target) -> dict:
    path = tmp_path / "asked.yaml"
    result = CliRunner().invoke(main, ["questionnaire", "ask", str(path)], input=_ask_input(target))
    assert result.exit_code == 0, result.output
    return answers_mod.load(path)


def test_three_front_ends_give_identical_answers(tmp_path, target):
    from_yaml = _fill_yaml(tmp_path, target)
    from_xlsx = _fill_xlsx(tmp_path, target)
    from_ask = _fill_ask(tmp_path, target)
    assert from_yaml == target
    assert from_xlsx == target
    assert from_ask == target


def test_workbook_has_dropdowns_on_a_hidden_options_sheet(tmp_path):
    path = tmp_path / "q.xlsx"
    CliRunner().invoke(main, ["questionnaire", "xlsx", str(path)])
    wb = load_workbook(path)
    assert wb["选项"].sheet_state == "hidden"
    validations = wb["问卷"].data_validations.dataValidation
    assert validations and all(v.type == "list" and v.formula1.startswith("=选项!") for v in validations)
    covered = " ".join(str(v.sqref) for v in validations)
    row_of = {r[0].value: r[0].row for r in wb["问卷"].iter_rows(min_row=3) if r[0].value}
    assert f"C{row_of['school_type']}" in covered and f"C{row_of['measures:青蓝结对']}" in covered


def test_ask_shows_choices_and_defaults_and_asks_again(tmp_path):
    path = tmp_path / "a.yaml"
    # first answer bad (not a choice), then good; the rest: Enter keeps the defaults
    answers = ["青川市第三小学", "", "大学", "3"] + [""] * 200
    result = CliRunner().invoke(main, ["questionnaire", "ask", str(path)], input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "1. 小学" in result.output and "[小学]" in result.output
    assert "输入有误" in result.output
    loaded = answers_mod.load(path)
    assert loaded["school_name"] == "青川市第三小学" and loaded["school_type"] == "高中"


def test_ask_uses_existing_answers_and_ctrl_c_writes_nothing(tmp_path, target):
    existing = tmp_path / "a.yaml"
    existing.write_text(answers_mod.dump_yaml(target), encoding="utf-8")
    before = existing.read_bytes()
    result = CliRunner().invoke(main, ["questionnaire", "ask", str(existing)], input="\n\n\n")  # then EOF = Ctrl-C
    assert result.exit_code == 130
    assert "[青川市第二中学]" in result.output  # the existing answer offered as default
    assert existing.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["a.yaml"]  # no temp file left behind
    fresh = tmp_path / "new.yaml"
    result = CliRunner().invoke(main, ["questionnaire", "ask", str(fresh)], input="x\n")
    assert result.exit_code == 130 and not fresh.exists()
    # Enter everywhere keeps every existing answer
    result = CliRunner().invoke(main, ["questionnaire", "ask", str(existing)], input="\n" * 200)
    assert result.exit_code == 0, result.output
    assert answers_mod.load(existing) == target
