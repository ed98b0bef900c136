"""实施方案: clause library over random answers, GB/T 9704 geometry of the PDF, the DOCX's
section/styles/fonts, the `plan` command (with --data), LibreOffice round trip."""
from __future__ import annotations

import io
import random
import re
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn

import helpers
from sp_docs.cli import main
from sp_docs.documents import implementation_plan as ip
from sp_docs.questionnaire import answers as answers_mod
from sp_docs.questionnaire.schema import questions
from sp_docs.render import ooxml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "data_examples"
MM = 72 / 25.4


def random_raw(rng: random.Random) -> dict:
    raw: dict = {}
    for q in questions():
        if rng.random() < 0.25:
            continue  # leave it to the default
        if q.type == "number":
            low = q.min or 0
            high = max(low, min(q.max or 100, low + 300))
            raw[q.id] = rng.randint(low, high)
        elif q.type == "choice":
            raw[q.id] = rng.choice(q.choices)
        elif q.type == "multi":
            raw[q.id] = rng.sample(q.choices, rng.randint(1, len(q.choices)))
        elif q.type == "bool":
            raw[q.id] = rng.random() < 0.5
        elif q.type == "text" and q.optional:
            raw[q.id] = rng.choice([None, "", "某某"])
    raw.pop("seal_image", None)
    staff = raw.get("staff_count") or 60
    for key in ("party_teacher_count", "backbone_count", "reserve_count"):
        if key in raw:
            raw[key] = min(raw[key], staff)
    for key in [k for k in raw if k.startswith("target")]:
        raw[key] = rng.choice([0, 0, 1, 3, 12])
    return raw


def test_random_answer_sets_read_cleanly():
    rng = random.Random(4)
    seen_levels, seen_titles = Counter(), set()
    for _ in range(300):
        answers = answers_mod.complete(random_raw(rng))
        view = ip.build(answers)
        lines = view.text_lines() + view.attachments + [view.annex1.title, view.annex2.title]
        assert ip.scan_text_problems(lines) == [], answers
        # no empty heading: every heading is followed by text or by a lower-level heading
        blocks = view.blocks
        for i, block in enumerate(blocks):
            if block.kind == "heading" and block.level < 3:
                following = blocks[i + 1] if i + 1 < len(blocks) else None
                assert following is not None and (following.kind == "para" or following.level > block.level)
            if block.kind == "heading":
                seen_levels[block.level] += 1
                seen_titles.add(block.title)
        # numbering by the program: 一、二、… in order
        tops = [b.label for b in blocks if b.kind == "heading" and b.level == 1]
        assert tops == [f"{ip.cn_number(n)}、" for n in range(1, len(tops) + 1)]
    assert set(seen_levels) == {1, 2, 3}
    assert {"树立先进典型和党建品牌", "实行“双评议”", "用好线上党建平台"} <= seen_titles


def test_answers_change_the_text():
    base = answers_mod.complete({"variant": "双培育", "one_shoulder": True, "border_area": True,
                                 "measures": ["青蓝结对"], "pair_lessons": 17, "target1_y1": 0,
                                 "target1_y2": 0, "target1_y3": 0})
    text = "\n".join(ip.build(base).text_lines())
    assert "“双培育”工程" in text and "培育成教学骨干" in text
    assert "由党组织书记、校长任组长" in text and "边境地区" in text
    assert "不少于17节" in text and "骨干教师培育成共产党员0名" not in text
    headings = [b.plain for b in ip.build(base).blocks if b.kind == "heading"]
    assert "（二）开展青蓝结对帮带" in headings


@pytest.fixture(scope="module")
def example_view():
    return ip.build(answers_mod.load(EXAMPLES / "answers.yaml"), seal_path=str(EXAMPLES / "plan_seal.png"))


@pytest.fixture(scope="module")
def pdf_bytes(example_view):
    from sp_docs.render.plan_pdf import render_plan_pdf

    return render_plan_pdf(example_view)


@pytest.fixture(scope="module")
def docx_bytes(example_view):
    from sp_docs.render.plan_docx import render_plan_docx

    return render_plan_docx(example_view)


def _lines(chars, size):
    rows: dict[float, list] = {}
    for c in chars:
        if abs(c["size"] - size) < 0.3 and c["text"].strip():
            rows.setdefault(round(c["top"], 0), []).append(c)
    return [sorted(v, key=lambda c: c["x0"]) for _, v in sorted(rows.items())]


def test_pdf_geometry_follows_gbt9704(pdf_bytes, example_view):
    pages = helpers.pdf_chars(pdf_bytes)
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        assert all(abs(p.width - 210 * MM) < 1 and abs(p.height - 297 * MM) < 1 for p in pdf.pages)
        edges = [[e for e in p.edges if e["orientation"] == "h"] for p in pdf.pages]
    texts = helpers.pdf_pages_text(pdf_bytes)
    annex_start = next(i for i, t in enumerate(texts) if t.lstrip().startswith("附件1"))
    body_pages = range(1, annex_start)
    last_slots, pitches, full_lines = [], [], 0
    for n in body_pages:
        lines = _lines(pages[n], 16)
        assert lines
        tops = [line[0]["top"] for line in lines]
        pitches += [b - a for a, b in zip(tops, tops[1:])]
        # every line sits on the 22-line grid of the type area (slot 0 … 21)
        slots = [(top - (28.95 - 16) / 2 - 37 * MM) / 28.95 for top in tops]
        assert all(abs(s - round(s)) < 0.2 for s in slots), slots
        last_slots.append(round(slots[-1]))
        x0 = min(c["x0"] for line in lines for c in line)
        x1 = max(c["x1"] for line in lines for c in line)
        assert abs(x0 - 28 * MM) < 1 * MM and abs(x1 - 184 * MM) < 1 * MM  # left 28, right 26 mm
        first_box_top = tops[0] - (28.95 - 16) / 2
        if n > 1:  # page 2 starts with the 22 pt title
            assert abs(first_box_top - 37 * MM) < 1 * MM
        # 28 characters on a full line of Chinese text
        for line in lines:
            text = "".join(c["text"] for c in line)
            if line[-1]["x1"] > 183 * MM and all(ord(ch) > 0x2E80 for ch in text) and line[0]["x0"] < 29 * MM:
                assert len(text) == 28, text
                full_lines += 1
    assert full_lines >= 10
    assert max(last_slots) == 21  # a full page holds 22 lines, the 22nd on the bottom of the type area
    assert Counter(round(p, 1) for p in pitches if p < 30).most_common(1)[0][0] == pytest.approx(28.95, abs=0.1)
    # body 16 pt (3号), title 22 pt (2号) on the plan's first page
    sizes = Counter(round(c["size"]) for n in body_pages for c in pages[n] if c["text"].strip())
    assert sizes.most_common(1)[0][0] == 16
    title = "".join(c["text"] for c in pages[1] if round(c["size"]) == 22)
    assert title == example_view.plan_title
    # red 发文机关标志 35 mm below the top of the type area; red rule across the type area
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        first = pdf.pages[0]
        mark = [c for c in first.chars if c["non_stroking_color"] == (1.0, 0.0, 0.0) and c["text"].strip()]
        assert "".join(c["text"] for c in mark) == example_view.mark_text
        assert abs(min(c["top"] for c in mark) - 72 * MM) < 1.5 * MM
        red = [r for r in first.rects + first.lines if r.get("non_stroking_color") == (1.0, 0.0, 0.0)
               or r.get("stroking_color") == (1.0, 0.0, 0.0)]
        assert red and abs(red[0]["x0"] - 28 * MM) < 1 and abs(red[0]["x1"] - 184 * MM) < 1
    # page numbers: — N — in 4号, odd right / even left, indented one character, 7 mm below the type area
    for n, chars in enumerate(pages, start=1):
        foot = sorted((c for c in chars if abs(c["size"] - 14) < 0.3 and c["top"] > 262 * MM), key=lambda c: c["x0"])
        assert re.fullmatch(rf"—\s*{n}\s*—", "".join(c["text"] for c in foot))
        if n % 2:
            assert abs(foot[-1]["x1"] - (184 * MM - 14)) < 1 * MM
        else:
            assert abs(foot[0]["x0"] - (28 * MM + 14)) < 1 * MM
        assert abs(foot[0]["top"] - 269 * MM) < 1.5 * MM
    # 版记: its last rule on the bottom of the last page's type area
    assert abs(max(e["top"] for e in edges[-1]) - 262 * MM) < 1 * MM
    assert "印发" in texts[-1] and "抄送" in texts[-1]


def test_pdf_and_docx_carry_the_same_text(pdf_bytes, docx_bytes, example_view):
    squash = lambda s: re.sub(r"\s+", "", s)  # noqa: E731
    pdf_text = re.sub(r"—\d+—", "", squash(helpers.pdf_text(pdf_bytes)))  # page numbers interrupt paragraphs
    docx_text = squash(helpers.docx_text(docx_bytes))
    for line in example_view.text_lines() + example_view.attachments:
        assert squash(line) in docx_text, line
        assert squash(line) in pdf_text, line
    for row in example_view.annex1.rows:
        assert squash("".join(row)) in squash(helpers.docx_text(docx_bytes).replace("\t", ""))



def test_pdf_breaks_before_opening_and_after_closing_quotes(pdf_bytes):
    """Chinese rules (and Word/WPS/LibreOffice): a line may end before “ or start after ”, never
    end with “ or start with ”; Pango needs a zero-width space for it, kept out of the text layer."""
    from sp_docs.render.linebreak import quote_breaks

    assert quote_breaks("实施以“双培”工程，“好”。（“甲”）") == "实施以\u200b“双培”\u200b工程，\u200b“好”。（“甲”）"
    text = helpers.pdf_text(pdf_bytes)
    assert "\u200b" not in text
    lines = [line.replace(" ", "") for line in text.splitlines() if line.strip()]
    assert not [line for line in lines if line[0] in "”’" or line[-1] in "“‘"]
    # the line before a quote runs to the full 28 characters instead of stopping short of it
    assert "宣传实施\n“双培双树”工程的重要意义" in "\n".join(lines)

def test_docx_section_styles_and_fonts(docx_bytes):
    document = helpers.docx_document(docx_bytes)
    section = document.sections[0]
    assert section.top_margin.twips == ooxml.GONGWEN_MARGINS["top"]
    assert section.bottom_margin.twips == ooxml.GONGWEN_MARGINS["bottom"]
    assert section.left_margin.twips == ooxml.GONGWEN_MARGINS["left"]
    assert section.right_margin.twips == ooxml.GONGWEN_MARGINS["right"]
    assert abs(section.page_width.mm - 210) < 0.5 and abs(section.page_height.mm - 297) < 0.5
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579"
    assert document.settings.element.find(qn("w:evenAndOddHeaders")) is not None
    for footer in (section.footer, section.even_page_footer):
        xml = footer._element.xml
        assert "PAGE" in xml and "— " in xml
    assert section.footer.paragraphs[0].alignment == 2 and section.even_page_footer.paragraphs[0].alignment == 0
    expected = {"公文正文": ("仿宋_GB2312", 16), "公文标题": ("方正小标宋简体", 22), "一级标题": ("黑体", 16),
                "二级标题": ("楷体_GB2312", 16), "三级标题": ("仿宋_GB2312", 16), "版记": ("仿宋_GB2312", 14)}
    for name, (font, size) in expected.items():
        style = document.styles[name]
        fonts = style.element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == font, name
        assert style.font.size.pt == size
    used = Counter(p.style.name for p in document.paragraphs)
    assert used["一级标题"] >= 4 and used["二级标题"] >= 5 and used["公文正文"] >= 10
    for p in document.paragraphs:
        if p.style.name == "一级标题":
            assert re.match(r"[一二三四五六七八九十]+、", p.text)
        if p.style.name == "二级标题":
            assert re.match(r"（[一二三四五六七八九十]+）", p.text)
    mark = next(p for p in document.paragraphs if p.style.name == "发文机关标志")
    assert mark.runs[0].font.color.rgb is None or str(mark.style.font.color.rgb) == "FF0000"
    assert any("〔" in p.text for p in document.paragraphs if p.style.name == "发文字号")
    assert document.inline_shapes or "wp:anchor" in document.element.xml  # the seal


def test_plan_command_with_data_workbook(tmp_path):
    result = CliRunner().invoke(main, ["plan", str(EXAMPLES / "answers.yaml"), "--data", str(EXAMPLES / "school.xlsx"),
                                       "-o", str(tmp_path), "--format", "docx"])
    assert result.exit_code == 0, result.output
    [docx] = list(tmp_path.glob("*.docx"))
    tables = helpers.docx_tables(docx)
    annex1 = next(t for t in tables if t[0][0].replace(" ", "") == "年度")
    assert annex1[-1][0].replace(" ", "") == "合计" and int(annex1[-1][3]) > 0
    annex2 = next(t for t in tables if t[0][0] == "序号")
    assert any(row[1] for row in annex2[1:])  # trainees' names from the workbook
    again = CliRunner().invoke(main, ["plan", str(EXAMPLES / "answers.yaml"), "-o", str(tmp_path), "--format", "docx"])
    assert again.exit_code == 1 and "已存在" in again.output


def test_plan_command_reports_bad_answers(tmp_path):
    bad = tmp_path / "a.yaml"
    bad.write_text("staff_count: 十\nschool_type: 大学\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["plan", str(bad), "-o", str(tmp_path)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert not list(tmp_path.glob("*.pdf"))


@pytest.mark.slow
@pytest.mark.skipif(not helpers.libreoffice_available(), reason="LibreOffice 未安装")
def test_docx_opens_in_libreoffice(tmp_path, docx_bytes, example_view):
    path = tmp_path / "plan.docx"
    path.write_bytes(docx_bytes)
    pdf = helpers.libreoffice_to_pdf(path, tmp_path)
    texts = helpers.pdf_pages_text(pdf)
    assert len(texts) >= 6
    joined = re.sub(r"\s+", "", "".join(texts))
    assert re.sub(r"\s+", "", example_view.plan_title) in joined
    assert "—1—" in joined and "印发" in re.sub(r"\s+", "", texts[-1])
