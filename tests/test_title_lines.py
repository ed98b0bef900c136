"""GB/T 9704 title shaping: long titles break into a trapezoid or diamond at allowed points,
never inside a quoted term, the school's name or a Latin/digit run; the 实施方案's PDF and
DOCX carry the same lines, each centred."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pdfplumber
import pytest

import helpers
from sp_docs.documents import implementation_plan as ip
from sp_docs.documents.title_lines import (is_trapezoid_or_diamond, max_chars, text_width,
                                           title_lines)
from sp_docs.questionnaire import answers as answers_mod

ROOT = Path(__file__).resolve().parents[1]
MM = 72 / 25.4
VARIANTS = ["“双培”工程", "“双培双树”工程", "“双培育”工程"]
# school names of 4 … 20 characters, one with Latin letters and digits
SCHOOLS = ["青川小学", "青川市教育局", "青川市实验小学", "青川县职业中专", "青川市第十二中学",
           "Z市ABC国际学校", "青川市青川区实验学校", "青川市特殊教育学校附属幼儿园",
           "青川市职业技术教育中心学校", "青川市城东区第一实验小学教育集团",
           "新疆维吾尔自治区某某地区第一中学", "某某省某某市某某区第一实验小学教育集团"]


def titles_for(school: str) -> list[str]:
    out = []
    for variant in VARIANTS:
        out += [f"关于印发《{school}{variant}实施方案》的通知", f"{school}{variant}实施方案"]
    out += [f"{school}“双培”工程三年实施计划指导性任务表（2023—2025）", f"{school}“双培”工程实施情况汇总表",
            f"{school}“双培”对象培养台账（样表）"]
    return out


def _quoted(title: str) -> list[str]:
    return re.findall(r"“[^”]*”", title) + re.findall(r"《[^》]*》", title) + re.findall(r"（[^）]*）", title)


def test_width_from_sizes():
    assert max_chars() == 20  # 22 pt 小标宋 on the 156 mm line: 442.2 pt / 22 pt
    assert max_chars(size_pt=16) == 27  # 3号 without the body's condensed spacing
    assert text_width("“双培”ABC12") == 6.5


@pytest.mark.parametrize("school", SCHOOLS)
def test_titles_break_at_allowed_points_into_trapezoid_or_diamond(school):
    limit = max_chars()
    for title in titles_for(school):
        lines = title_lines(title, keep=(school,))
        assert "".join(lines) == title
        widths = [text_width(line) for line in lines]
        assert max(widths) <= limit, lines
        if text_width(title) <= limit:
            assert lines == [title]
            continue
        assert is_trapezoid_or_diamond(widths), lines
        # no quoted term (“双培”, 《…》, （2023—2025）) split when it fits on a line
        for term in _quoted(title):
            if text_width(term) <= limit:
                assert any(term in line for line in lines), (term, lines)
        # the school's name is not split when it can stand on a line (with an opening 《 if any)
        if text_width(school) + (1 if title.startswith("关于") else 0) <= limit:
            assert any(school in line for line in lines), (school, lines)
        # never inside a run of Latin letters or digits
        for a, b in zip(lines, lines[1:]):
            assert not (a[-1].isascii() and a[-1].isalnum() and b[0].isascii() and b[0].isalnum()), lines
            assert b[0] not in "》”），。、" and a[-1] not in "《“（", lines  # no stranded punctuation


def test_notice_title_example_breaks_between_words():
    lines = title_lines("关于印发《青川市实验小学“双培双树”工程实施方案》的通知", keep=("青川市实验小学",))
    assert lines == ["关于印发《青川市实验小学", "“双培双树”工程实施方案》的通知"]
    lines = title_lines("关于印发《青川市实验小学“双培”工程实施方案》的通知", keep=("青川市实验小学",))
    assert len(lines) >= 2 and "《青川市实验小学“双培”工程实施方案》" in "".join(lines[1:2])


def test_rules_for_odd_titles():
    assert title_lines("短标题") == ["短标题"]
    # a Latin run longer than the line is split only because nothing else fits
    long_latin = "A" * 50
    assert "".join(title_lines(long_latin)) == long_latin
    assert all(text_width(line) <= 20 for line in title_lines(long_latin))
    lines = title_lines("关于做好2025年度ABCD工程项目申报工作和相关材料报送事项的通知")
    for a, b in zip(lines, lines[1:]):
        assert not (a[-1].isalnum() and a[-1].isascii() and b[0].isascii() and b[0].isalnum())


def _view(school: str, variant: str):
    answers = answers_mod.load(ROOT / "data_examples" / "answers.yaml")
    answers.update(school_name=school, school_short=None, variant=variant)
    return ip.build(answers)


def _title_rows(chars) -> list[list[dict]]:
    rows: dict[int, list] = {}
    for c in chars:
        if abs(c["size"] - 22) < 0.3 and c["text"].strip():
            rows.setdefault(round(c["top"]), []).append(c)
    return [sorted(v, key=lambda c: c["x0"]) for _, v in sorted(rows.items())]


@pytest.mark.parametrize("school,variant", [("青川市实验小学", "双培双树"),
                                            ("青川市城东区第一实验小学教育集团", "双培育"),
                                            ("新疆维吾尔自治区某某地区第一中学", "双培")])
def test_pdf_and_docx_titles_set_in_computed_lines_each_centred(school, variant):
    from sp_docs.render.plan_docx import render_plan_docx
    from sp_docs.render.plan_pdf import render_plan_pdf

    view = _view(school, variant)
    assert view.notice_title_lines == title_lines(view.notice_title, keep=(school, school))
    pdf = render_plan_pdf(view)
    centre = (28 + 156 / 2) * MM
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        pages = [[{k: c[k] for k in ("text", "size", "x0", "x1", "top")} for c in p.chars] for p in doc.pages]
    expected = [view.notice_title_lines, view.plan_title_lines, view.annex1.title_lines,
                view.annex2.title_lines, view.annex3["title_lines"]]
    found = [rows for rows in map(_title_rows, pages) if rows]  # each title opens its own page
    assert [["".join(c["text"] for c in row) for row in rows] for rows in found] == expected
    for rows in found:
        for row in rows:
            middle = (row[0]["x0"] + row[-1]["x1"]) / 2
            assert abs(middle - centre) < 1.0, ("".join(c["text"] for c in row), middle, centre)
        tops = [row[0]["top"] for row in rows]
        assert all(abs((b - a) - 28.95) < 0.5 for a, b in zip(tops, tops[1:]))  # one grid line apart

    document = helpers.docx_document(render_plan_docx(view))
    titles = [p for p in document.paragraphs if p.style.name == "公文标题"]
    assert [p.text.split("\n") for p in titles] == expected
    assert all(p.alignment is None or p.alignment == 1 for p in titles)  # centred by the style
