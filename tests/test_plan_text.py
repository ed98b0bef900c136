"""Text that must not go out wrong: answers cleaned where they enter (no doubled punctuation or
quotes), derived answers following their sources, one term per plan variant."""
from __future__ import annotations

import re

import pytest

import helpers
from sp_docs.documents import implementation_plan as ip
from sp_docs.questionnaire import answers as answers_mod
from sp_docs.questionnaire.schema import questions

END_MARKS = ["：", "。", "；", "，", "、", "！", "？", ":", ".", ";", ","]
QUOTES = [("“", "”"), ('"', '"'), ("「", "」"), ("『", "』"), ("‘", "’"), ("《", "》"), ("”", "”")]
CORES = {"doc_number": "青川党发〔2025〕3号"}
TWIN = {"variant": "双培双树"}
PLAIN_WITH_THEME = {"variant": "双培", "measures": ["双培养联系人", "党建品牌创建"], "cc": "青川教育局"}


def _typed_values(core: str) -> list[str]:
    values = [core + mark for mark in END_MARKS] + [core + "。。", core + "：；"]
    values += [o + core + c for o, c in QUOTES] + [o + core + c + "。" for o, c in QUOTES]
    values += [QUOTES[0][0] + core, core + QUOTES[0][1]]  # a lone quote at either end
    return values


def _plan_text(view) -> list[str]:
    return view.text_lines() + view.attachments + [view.annex1.title, view.annex2.title, view.annex3["title"]]


def test_every_text_answer_prints_without_doubled_marks():
    printed = 0
    for q in questions():
        if q.type != "text" or q.form == "path":
            continue
        core = CORES.get(q.id, "青川园丁")
        base = TWIN if q.id == "brand_name" else PLAIN_WITH_THEME
        for value in _typed_values(core):
            answers = answers_mod.complete({**base, q.id: value})
            if q.form in ("name", "quoted") or value.rstrip("".join(END_MARKS)) == core:
                assert answers[q.id] == core, (q.id, value, answers[q.id])
            else:  # a list keeps its quotes; only the end marks the template adds go
                assert answers[q.id] == value.rstrip("".join(END_MARKS)), (q.id, value, answers[q.id])
            lines = _plan_text(ip.build(answers))
            assert ip.scan_text_problems(lines) == [], (q.id, value)
            printed += any(core in line for line in lines)
    assert printed >= 10 * len(_typed_values("x"))  # the answers really reach the text


def test_marks_inside_an_answer_are_kept():
    answers = answers_mod.complete({**TWIN, "brand_name": "“红烛”与“先锋”", "school_name": "青川县第一中学（高中部）",
                                    "recipients": "各党支部，各处室", "cc": "“县教育局”"})
    assert answers["brand_name"] == "‘红烛’与‘先锋’"  # nested in the template's “ ”: single quotes
    lines = _plan_text(ip.build(answers))
    assert any("“‘红烛’与‘先锋’”" in line for line in lines) and ip.scan_text_problems(lines) == []
    assert answers_mod.complete({**TWIN, "brand_name": "红烛“先锋”"})["brand_name"] == "红烛‘先锋’"
    assert answers["school_name"] == "青川县第一中学（高中部）"
    assert answers["recipients"] == "各党支部，各处室" and answers["cc"] == "“县教育局”"
    with pytest.raises(answers_mod.InputError, match="只有标点符号"):
        answers_mod.complete({"school_name": "“。”"})


def test_issue_examples_render_once_in_pdf_and_docx(tmp_path):
    """The three examples as found: 主送机关 ending in “：”, 抄送 ending in “。”, a quoted brand name."""
    from sp_docs.render.plan_docx import render_plan_docx
    from sp_docs.render.plan_pdf import render_plan_pdf

    answers = answers_mod.complete({**TWIN, "recipients": "各党支部、各处室：", "cc": "县教育局党委。",
                                    "brand_name": "“园丁先锋”"})
    view = ip.build(answers)
    squash = lambda s: re.sub(r"\s+", "", s)  # noqa: E731
    for text in (squash(helpers.pdf_text(render_plan_pdf(view))), squash(helpers.docx_text(render_plan_docx(view)))):
        assert "各党支部、各处室：" in text and "：：" not in text
        assert "抄送：县教育局党委。" in text and "。。" not in text
        assert "“园丁先锋”" in text and "““" not in text and "””" not in text


# --- derived answers stay derived ---------------------------------------------------------

DERIVED_SHOWN = ("party_org_name", "issuer", "mark_text", "printer")


def test_ask_saves_derived_answers_blank_and_they_follow_an_edited_school_name(tmp_path):
    """As found: answers saved by `ask`, the school renamed in a text editor, the 标志 and 署名
    kept the old school. Now `ask` leaves them blank and they follow the new name."""
    import yaml
    from click.testing import CliRunner

    from sp_docs.cli import main
    from sp_docs.jobs.plan import build_view

    path = tmp_path / "答卷.yaml"
    typed = ["青川县第二小学", "", "", "党总支"] + [""] * 200
    result = CliRunner().invoke(main, ["questionnaire", "ask", str(path)], input="\n".join(typed) + "\n")
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    stored = yaml.safe_load(text)
    assert all(stored[qid] in (None, "") for qid in DERIVED_SHOWN), stored
    assert "现为“中共青川县第二小学总支部委员会文件”" in text  # what it is now, as a comment
    path.write_text(text.replace("school_name: 青川县第二小学", "school_name: 青川县第三小学"), encoding="utf-8")
    view = build_view(path)
    assert view.mark_text == "中共青川县第三小学总支部委员会文件"
    assert view.issuer == view.printer == "中共青川县第三小学总支部委员会"
    assert "青川县第三小学" in view.notice_title
    assert not [line for line in view.text_lines() if "第二小学" in line]
    assert not [w for w in view.warnings if "第二小学" in w]


OLD_FILE = {"school_name": "青川县第三小学", "party_org_type": "党总支",
            "party_org_name": "中共青川县第二小学总支部委员会", "issuer": "中共青川县第二小学总支部委员会",
            "mark_text": "中共青川县第二小学总支部委员会文件", "printer": "中共青川县第二小学总支部委员会",
            "doc_number": "二小党发〔2025〕1号"}


def test_old_answers_with_frozen_derived_names_are_derived_again_with_a_warning(tmp_path):
    import yaml

    from sp_docs.jobs.plan import build_view

    path = tmp_path / "旧答卷.yaml"
    path.write_text(yaml.safe_dump(OLD_FILE, allow_unicode=True), encoding="utf-8")
    view = build_view(path)
    assert view.mark_text == "中共青川县第三小学总支部委员会文件"
    assert view.issuer == view.printer == "中共青川县第三小学总支部委员会"
    notes = [w for w in view.warnings if "青川县第二小学" in w and "青川县第三小学" in w]
    assert len(notes) == 4, view.warnings  # 党组织全称, 发文机关, 标志, 印发机关: each named
    # the 党组织类型 changed after saving (党总支 → 党委): derived again, both types named
    answers = answers_mod.complete({**OLD_FILE, "school_name": "青川县第二小学", "party_org_type": "党委"})
    assert answers["mark_text"] == "中共青川县第二小学委员会文件"
    assert answers["printer"] == "中共青川县第二小学委员会办公室"
    assert len([n for n in answers.notes if "“党总支”" in n and "“党委”" in n]) == 4, answers.notes


def test_hand_typed_names_are_kept_and_warned_about_when_they_miss_the_school(tmp_path):
    import yaml
    from click.testing import CliRunner

    from sp_docs.cli import main

    raw = {"school_name": "青川县第三小学", "party_org_type": "党总支", "mark_text": "青川二小党总支文件",
           "issuer": "中共青川二小党总支", "doc_number": "三小党发〔2025〕1号"}
    path = tmp_path / "a.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(main, ["plan", str(path), "-o", str(tmp_path / "out"), "--format", "docx"])
    assert result.exit_code == 0, result.output
    squashed = result.output.replace("\n", "")
    assert "“发文机关标志文字”是手工填写的“青川二小党总支文件”" in squashed
    assert "“发文机关（署名）”是手工填写的“中共青川二小党总支”" in squashed
    assert squashed.count("青川县第三小学") >= 2
    [docx] = (tmp_path / "out").glob("*.docx")
    assert "青川二小党总支文件" in helpers.docx_text(docx)  # a hand-typed answer is printed as typed
    # a hand-typed name that names the school (or its short name) is not warned about
    fine = answers_mod.complete({"school_name": "青川县第三小学", "school_short": "三小", "party_org_type": "党支部",
                                 "party_org_name": "中共青川县第三小学联合支部委员会", "mark_text": "中共三小支部文件"})
    assert fine["party_org_name"] == "中共青川县第三小学联合支部委员会"
    assert fine["issuer"] == "中共青川县第三小学联合支部委员会" and fine.notes == []
    # the derivation's shape with the school's short name: kept once 学校简称 says it is ours
    short = {"school_name": "青川县第三小学", "party_org_type": "党总支", "issuer": "中共青川三小总支部委员会"}
    assert answers_mod.complete(short)["issuer"] == "中共青川县第三小学总支部委员会"
    kept = answers_mod.complete({**short, "school_short": "青川三小"})
    assert kept["issuer"] == "中共青川三小总支部委员会" and kept.notes == []


def test_questionnaire_workbook_leaves_derived_answers_blank(tmp_path):
    import io

    from openpyxl import load_workbook

    from sp_docs.questionnaire.workbook import build_workbook, read_workbook

    answers = answers_mod.complete({"school_name": "青川县第二小学", "party_org_type": "党委"})
    assert answers["printer"] == "中共青川县第二小学委员会办公室"
    wb = load_workbook(io.BytesIO(build_workbook(answers)))
    ws = wb["问卷"]
    cells = {row[0].value: row[2] for row in ws.iter_rows(min_row=3) if row[0].value}
    assert all(cells[qid].value in (None, "") for qid in DERIVED_SHOWN)
    cells["school_name"].value = "青川县第三小学"
    buffer = io.BytesIO()
    wb.save(buffer)
    path = tmp_path / "问卷.xlsx"
    path.write_bytes(buffer.getvalue())
    again = answers_mod.complete(read_workbook(path), str(path))
    assert again["printer"] == "中共青川县第三小学委员会办公室"
    assert again["mark_text"] == "中共青川县第三小学委员会文件"


# --- one term per plan variant ------------------------------------------------------------

ALL_TERM_MEASURES = ["双培养联系人", "示范课公开课", "名师工作室", "双评议", "专题教研", "党建品牌创建", "线上党建平台",
                     "考核激励"]


@pytest.mark.parametrize("variant", ip.VARIANTS)
def test_each_variant_names_the_programme_by_its_own_term_only(variant):
    """As found: 双培育 and 双培双树 plans said “双培” in the annex titles and in the clauses."""
    from sp_docs.render.plan_docx import render_plan_docx
    from sp_docs.render.plan_pdf import render_plan_pdf

    answers = answers_mod.complete({"variant": variant, "school_name": "青川县第三小学",
                                    "measures": ALL_TERM_MEASURES})
    view = ip.build(answers)
    own = f"“{variant}”"
    others = [f"“{v}”" for v in ip.VARIANTS if v != variant]
    squash = lambda s: re.sub(r"\s", "", s)  # noqa: E731
    texts = {"pdf": squash(helpers.pdf_text(render_plan_pdf(view))),
             "docx": squash(helpers.docx_text(render_plan_docx(view)))}
    for fmt, text in texts.items():
        for term in others:
            assert term not in text, (fmt, term, text[max(0, text.find(term) - 30):text.find(term) + 30])
        for phrase in ("工程三年实施计划指导性任务表", "工程实施情况汇总表", "对象培养台账（样表）", "储备人选库",
                       "工作的好做法" if variant == "双培双树" else "工作成效", "对象开展一次", "类别"):
            assert own + phrase in text, (fmt, own + phrase)
