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
            if q.form == "name" or value.rstrip("".join(END_MARKS)) == core:
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
    assert answers["brand_name"] == "“红烛”与“先锋”"
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
