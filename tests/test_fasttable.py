"""附件2 written directly (render/fasttable.py) against the same page through WeasyPrint:
same pages, same text on every line, positions within 1 mm, one font per role."""
import io
import os
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest

from sp_docs.documents import annex2 as doc
from sp_docs.jobs.annex2 import annex2 as make_annex2
from sp_docs.render import fasttable
from sp_docs.render.pdf import render_pdf as weasy_pdf
from sp_docs.units import PT_PER_MM

MM = PT_PER_MM
SCHOOL, CITY = "青川市第一中学", "青川市教育工委"
LONG_NOTES = ("培养期间参加市级骨干研修班，获“优秀教师”称号；2024年9月起任教研组长",
              "已列为入党积极分子（2023年）", "曾赴边境学校支教一年——见《青川教育》2024年第3期",
              "Word 2016、PPT 课件获奖 3 项；网址 http://example.cn/a/b", "")
LONG_NAMES = ("高雅彤", "欧阳晓岚", "阿依古丽·买买提", "王喆", "喆王", "李堃")


def both(context: dict) -> tuple[bytes, bytes]:
    """(WeasyPrint's PDF, the direct writer's PDF) of the built-in template for ``context``."""
    context = fasttable.builtin_context(context)
    return (weasy_pdf("annex2.html", context),
            fasttable.write_pdf(fasttable.layout(context), title=context["title"]))


def long_view() -> doc.Annex2View:
    """60 rows with long 备注 (quotes, Latin, digits, a URL, 生僻字 from a fallback font)."""
    rows = [doc.Annex2Row(seq=n, name=LONG_NAMES[n % len(LONG_NAMES)], birth=f"19{80 + n % 20}.0{1 + n % 9}",
                          track=str(1 + n // 30), year="2025",
                          note="；".join(LONG_NOTES[(n + k) % len(LONG_NOTES)] for k in range(n % 4)))
            for n in range(1, 61)]
    notes = doc.NOTES + ("本表“备注”栏填写所在单位及培养期间的主要情况，" * 4,)
    return doc.Annex2View(label="附件2", title="某某省某某市某某区教育系统“双培”工程实施情况汇总表", unit_name=SCHOOL,
                          year=2025, date_line="2025年　　月　　日", columns=doc.COLUMNS, rows=rows, notes=notes)


def lines(data: bytes) -> list[list[tuple[str, list[dict]]]]:
    """Per page, its lines (characters on one baseline, ±1 pt) in reading order."""
    pages = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            chars = [dict(c, base=page.height - c["matrix"][5]) for c in page.chars if c["text"] != "\u200b"]
            chars.sort(key=lambda c: (c["base"], c["x0"]))
            groups: list[list[dict]] = []
            for char in chars:
                if groups and char["base"] - groups[-1][0]["base"] <= 1.0:
                    groups[-1].append(char)
                else:
                    groups.append([char])
            found = []
            for group in groups:
                group.sort(key=lambda c: c["x0"])
                found.append(("".join(c["text"] for c in group).rstrip(), [c for c in group if c["text"].strip()]))
            pages.append(found)
    return pages


def rules(data: bytes) -> list[list[tuple[float, ...]]]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [sorted((round(line["x0"], 2), round(line["top"], 2), round(line["x1"], 2), round(line["bottom"], 2))
                       for line in page.lines) for page in pdf.pages]


def assert_alike(reference: bytes, fast: bytes) -> dict[str, str]:
    """Same pages, lines, characters (within 1 mm) and rules; returns WeasyPrint font → fast font."""
    expected, got = lines(reference), lines(fast)
    assert len(got) == len(expected), "page count"
    fonts: dict[str, str] = {}
    for number, (want_page, got_page) in enumerate(zip(expected, got), start=1):
        assert [text for text, _ in got_page] == [text for text, _ in want_page], f"page {number}: lines"
        for (text, want), (_, have) in zip(want_page, got_page):
            for a, b in zip(want, have):
                assert abs(a["x0"] - b["x0"]) < MM and abs(a["base"] - b["base"]) < MM, (number, text, a["text"])
                assert round(a["size"], 1) == round(b["size"], 1), (number, text)
                name_a, name_b = a["fontname"].split("+")[-1], b["fontname"].split("+")[-1]
                assert fonts.setdefault(name_a, name_b) == name_b, f"{name_a}: one font in one, two in the other"
    assert len(set(fonts.values())) == len(fonts), "two fonts of one PDF drawn in one font of the other"
    for number, (want, have) in enumerate(zip(rules(reference), rules(fast)), start=1):
        assert len(have) == len(want), f"page {number}: rules"
        assert all(abs(p - q) < MM for a, b in zip(want, have) for p, q in zip(a, b)), f"page {number}: rules"
    return fonts


def role_font(role: str) -> str:
    return fasttable.chain(role)[0].name


def assert_roles(fast: bytes, view: doc.Annex2View) -> None:
    """附件2 and the header in 黑体, the title in 小标宋 (regular face), the rest in 仿宋, the
    page number in 宋体 — as the fonts resolve on this machine."""
    first = lines(fast)[0]
    by_text = {text: chars for text, chars in first}
    assert {c["fontname"].split("+")[-1] for c in by_text[view.label]} == {role_font("hei")}
    title = next(chars for text, chars in first if text and text in view.title)
    assert {c["fontname"].split("+")[-1] for c in title} == {role_font("title")}
    assert round(title[0]["size"]) == 22
    header = next(chars for text, chars in first if text.startswith("序号"))
    assert {c["fontname"].split("+")[-1] for c in header} == {role_font("hei")}
    assert {round(c["size"]) for c in header} == {14}
    unit = next(chars for text, chars in first if text.startswith("单位名称"))
    assert {c["fontname"].split("+")[-1] for c in unit} == {role_font("fang")}
    number = next(chars for text, chars in first if text.replace(" ", "") == "—1—")
    assert {c["fontname"].split("+")[-1] for c in number} == {role_font("song")}


@pytest.mark.parametrize("unit", [SCHOOL, CITY])
def test_example_data_matches_weasyprint(city, unit):
    view = doc.build(city, unit, 2025)
    reference, fast = both(view.context())
    assert_alike(reference, fast)
    assert_roles(fast, view)
    pages = len(lines(fast))
    assert (pages == 1) if unit == SCHOOL else (pages >= 3)
    with pdfplumber.open(io.BytesIO(fast)) as pdf:
        assert pdf.metadata["Title"] == view.title
        for page in pdf.pages:  # A4, as the built-in template prints
            assert (round(page.width / MM), round(page.height / MM)) == (210, 297)


def test_long_rows_and_notes_over_several_pages():
    view = long_view()
    reference, fast = both(view.context())
    assert_alike(reference, fast)
    pages = lines(fast)
    assert len(pages) >= 5
    for number, page in enumerate(pages, start=1):
        texts = [text for text, _ in page]
        assert any(t.startswith("序号") for t in texts) or (number == len(pages) and texts[0] == "注："), \
            "the header row repeats on every page of the table"
        assert texts[-1].replace(" ", "") == f"—{number}—"
    text = "\n".join(t for page in pages for t, _ in page)
    assert "“1”填前，“2”填后" in text and "称号；2024年9月起" in text.replace("\n", "")


NOTE_LINES = {1: "", 2: "已列为入党积极分子", 3: "已列为入党积极分子已列为入党积", 4: "已列为入党积极分子" * 2 + "已列为入"}


@pytest.mark.parametrize("heights", [
    (1, 2) + (3,) * 6 + (1, 1),  # the 8th row's bottom rule ends 0.12 pt above the type area's foot: it stays
    (1,) * 5 + (3,) + (4,) * 3 + (1, 1),  # the 9th row's would end 0.13 pt below it: the row moves on
    (1,) * 2 + (2,) * 6 + (3,),  # the notes' first paragraph ends 0.11 pt below the foot: it moves on
    (1,) * 6 + (3,) * 4,  # “注：” ends 0.24 pt above the foot, the paragraph after it does not fit
], ids=["row-stays", "row-moves", "paragraph-moves", "note-label-stays"])
def test_page_breaks_at_the_edge_of_the_type_area(heights):
    """Rows of 1–4 lines stacked so that a row or a note ends within 0.3 pt of the foot."""
    view = long_view()
    view.rows = [doc.Annex2Row(seq=n, name="王五", birth="1986.08", track="1", year="2025", note=NOTE_LINES[h])
                 for n, h in enumerate(heights, start=1)]
    view.title, view.notes = "青川市教育系统“双培”工程实施情况汇总表", doc.NOTES
    reference, fast = both(view.context())
    assert_alike(reference, fast)


def test_header_and_notes_break_at_chinese_rules(city):
    """The header “双培”类别 breaks after the closing quote (not “双 / 培”类别), in both paths."""
    reference, fast = both(doc.build(city, SCHOOL, 2025).context())
    for data in (reference, fast):
        texts = [t for t, _ in lines(data)[0]]
        assert "“双培”" in texts and "类别" in texts


def test_job_writes_the_fast_pdf_and_weasyprint_when_asked(city_workbook, tmp_path, monkeypatch):
    (fast,) = make_annex2(city_workbook, SCHOOL, tmp_path / "a", year=2025, formats=["pdf"]).written
    monkeypatch.setenv("SP_DOCS_FAST_TABLE", "off")
    (slow,) = make_annex2(city_workbook, SCHOOL, tmp_path / "b", year=2025, formats=["pdf"]).written
    with pdfplumber.open(fast) as a, pdfplumber.open(slow) as b:
        assert a.metadata["Producer"] == "sp-docs" and "WeasyPrint" in b.metadata["Producer"]
    assert_alike(slow.read_bytes(), fast.read_bytes())


def test_a_user_template_uses_weasyprint(city_workbook, tmp_path):
    from sp_docs.render import templates

    folder = tmp_path / "tpl" / "html"
    folder.mkdir(parents=True)
    source = (templates.builtin_dir() / "html" / "annex2.html").read_text(encoding="utf-8")
    (folder / "annex2.html").write_text(source.replace("<p>注：</p>", "<p>注（自定义模板）：</p>"), encoding="utf-8")
    (pdf,) = make_annex2(city_workbook, SCHOOL, tmp_path / "out", year=2025, formats=["pdf"],
                         template_dir=tmp_path / "tpl").written
    with pdfplumber.open(pdf) as opened:
        assert "WeasyPrint" in opened.metadata["Producer"]
        assert "注（自定义模板）：" in opened.pages[0].extract_text()


def test_what_the_layout_does_not_model_goes_to_weasyprint(city):
    view = doc.build(city, SCHOOL, 2025)
    view.unit_name = "某某省某某市某某县某某镇某某村某某某某某某某某某某某某中心学校"
    context = fasttable.builtin_context(view.context())
    with pytest.raises(fasttable.Unsupported):
        fasttable.layout(context)
    data = fasttable.render_pdf(view.context())
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert "WeasyPrint" in pdf.metadata["Producer"]
        assert "单位名称：某某省" in pdf.pages[0].extract_text() and "中心学校" in pdf.pages[0].extract_text()


def test_the_fast_path_does_not_import_weasyprint(city_workbook, tmp_path):
    code = ("import sys; from pathlib import Path; from sp_docs.jobs.annex2 import annex2; "
            f"annex2(Path({str(city_workbook)!r}), {SCHOOL!r}, Path({str(tmp_path)!r}), year=2025, formats=['pdf']); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'weasyprint'))")
    env = {k: v for k, v in os.environ.items() if k != "SP_DOCS_FAST_TABLE"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
    assert out.strip() == "[]", out
    assert len(list(Path(tmp_path).glob("*.pdf"))) == 1
