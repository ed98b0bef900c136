"""The 实施方案's 附件 pages written directly (render/fastplan/annexes.py) against the same pages
laid out by WeasyPrint (plan.html): the same characters on each page in the same order, each
within 0.5 pt (x0, top) at the same size, in a bold face where WeasyPrint's is bold; the same
rules (stroked lines and WeasyPrint's filled borders, as bands of ink) within 0.5 pt."""
import io
from pathlib import Path

import pdfplumber
import pytest

from sp_docs.render import fasttable, plan_pdf
from sp_docs.render.fasttable_pdf import pdf_bytes

ROOT = Path(__file__).resolve().parents[1]
TOLERANCE = 0.5


def _context(view) -> dict:
    context = view.context()
    context["annex1"] = vars(view.annex1)
    context["annex2"] = vars(view.annex2)
    return context


def fast_pdf(view) -> bytes:
    from sp_docs.render.fastplan.annexes import annex_pages
    from sp_docs.render.fastplan.texts import placed_texts

    squeeze, _ = plan_pdf.grid_squeeze(view)
    context = _context(view)
    pages = annex_pages(context, placed_texts(context, squeeze))
    return pdf_bytes(pages, title=view.plan_title, width=fasttable.PAGE_W, height=fasttable.PAGE_H, rule=0.75)


def weasyprint_pdf(view) -> bytes:
    layout = getattr(plan_pdf, "weasyprint_plan_pdf", plan_pdf.render_plan_pdf)  # (the lead's fast path aside)
    return layout(view)


def _chars(page) -> list[dict]:
    """The page's characters above the page number's margin, without zero-width spaces."""
    return [c for c in page.chars if c["text"] != "\u200b" and c["top"] < fasttable.FOOT]


def _bands(page) -> list[tuple[float, float, float, float]]:
    """Ink of the page's rules as rectangles (x0, top, x1, bottom): a stroked line its width
    around it; WeasyPrint's borders are filled pairs of rectangles (outer, inner: even-odd)."""
    bands = set()
    for line in page.lines:
        half = line["linewidth"] / 2
        if abs(line["top"] - line["bottom"]) < 1e-3:
            bands.add((line["x0"], line["top"] - half, line["x1"], line["top"] + half))
        else:
            bands.add((line["x0"] - half, line["top"], line["x0"] + half, line["bottom"]))
    rects = page.rects
    assert len(rects) % 2 == 0
    for a, b in zip(rects[::2], rects[1::2]):
        outer, inner = sorted((a, b), key=lambda r: -(r["x1"] - r["x0"]) * (r["bottom"] - r["top"]))
        sides = ((outer["x0"], outer["top"], outer["x1"], inner["top"]),
                 (outer["x0"], inner["bottom"], outer["x1"], outer["bottom"]),
                 (outer["x0"], outer["top"], inner["x0"], outer["bottom"]),
                 (inner["x1"], outer["top"], outer["x1"], outer["bottom"]))
        bands.update(s for s in sides if s[2] - s[0] > 0.01 and s[3] - s[1] > 0.01)
    return sorted(tuple(round(v, 3) for v in band) for band in bands)


def compare(reference: bytes, fast: bytes) -> float:
    """Assert the annex pages alike; returns the largest position difference found (pt)."""
    worst = 0.0
    with pdfplumber.open(io.BytesIO(reference)) as ref, pdfplumber.open(io.BytesIO(fast)) as got:
        first = next(i for i, p in enumerate(ref.pages) if "".join(c["text"] for c in p.chars[:3]) == "附件1")
        assert len(ref.pages) - first == len(got.pages), "page count"
        for number, (want_page, have_page) in enumerate(zip(ref.pages[first:], got.pages), start=1):
            want, have = _chars(want_page), _chars(have_page)
            assert "".join(c["text"] for c in have) == "".join(c["text"] for c in want), f"page {number}: text"
            for a, b in zip(want, have):
                worst = max(worst, abs(a["x0"] - b["x0"]), abs(a["top"] - b["top"]))
                assert abs(a["x0"] - b["x0"]) <= TOLERANCE and abs(a["top"] - b["top"]) <= TOLERANCE, \
                    (number, a["text"], a["x0"], b["x0"], a["top"], b["top"])
                assert round(a["size"], 2) == round(b["size"], 2), (number, a["text"])
                assert ("Bold" in a["fontname"]) == ("Bold" in b["fontname"]), (number, a["text"], a["fontname"])
            want_bands, have_bands = _bands(want_page), _bands(have_page)
            assert len(have_bands) == len(want_bands), f"page {number}: rules"
            unmatched = list(have_bands)
            for band in want_bands:
                match = next((b for b in unmatched if max(abs(u - v) for u, v in zip(band, b)) <= TOLERANCE), None)
                assert match is not None, (number, band)
                worst = max(worst, max(abs(u - v) for u, v in zip(band, match)))
                unmatched.remove(match)
    return worst


@pytest.fixture(scope="module")
def view():
    from sp_docs.jobs.plan import build_view

    return build_view(ROOT / "data_examples" / "answers.yaml")


def test_example_annexes_as_weasyprint_lays_them_out(view):
    fast = fast_pdf(view)
    with pdfplumber.open(io.BytesIO(fast)) as pdf:
        assert len(pdf.pages) == 3
        text = [page.extract_text() for page in pdf.pages]
    assert text[0].startswith("附件1") and "合 计" in text[0]
    assert "单位名称：青川市实验小学" in text[1] and "注：" in text[1]
    assert "培养人意见" in text[2] and "抄送：青川市委教育工委组织部。" in text[2] and view.printer in text[2]
    assert compare(weasyprint_pdf(view), fast) <= TOLERANCE


LONG_NOTE = ("2027年在数据工作簿“三年计划”中没有本单位的计划数字，表中留空，请补充；"
             "各年度计划数以上级党组织核定的为准——未核定的年度按答卷中的逐年目标填写。")


def test_long_tables_split_under_their_header_and_notes_follow(view):
    """More 附件1 rows than a page holds, notes under it, 附件2 rows with long entries over two
    pages, a long 抄送 on two lines; a unit name and an issuing body too long for one line with
    the date (the flex items shrink, their text on two lines)."""
    import copy

    long = copy.deepcopy(view)
    long.annex1.rows = [[f"{2025 + n}年", str(n), "" if n % 3 else "6", str(n + 6)] for n in range(22)]
    # em dashes: a whole em in Noto CJK in a run with letters or ideographs (locl), not with digits alone
    long.annex1.columns = ["年  度", "骨干—教师", "2025—2027", "小  计"]
    long.annex1.rows[:2] = [["2025—2026", "—", "3—4", "7"], ["合计—调整", "Plan—B", "", "1"]]
    long.annex1.notes = [LONG_NOTE, "合计不含调整前的数字。"]
    long.annex2.rows = [[str(n), "欧阳晓岚" if n % 2 else "王喆", "1985.03", "1" if n % 3 else "2", "2026年",
                         "已列为入党积极分子（2023年），获“优秀教师”称号" * (n % 3)] for n in range(1, 26)]
    long.annex2.subtitle_left = "单位名称：青川市青川区第一实验小学教育集团（东校区）"
    long.printer = "中共青川市青川区第一实验小学教育集团总支部委员会"
    long.cc = "青川市委教育工委组织部，青川市教育局人事科，青川市青川区教育局，各学区党总支，本校各党支部，各教研组"
    fast = fast_pdf(long)
    with pdfplumber.open(io.BytesIO(fast)) as pdf:
        assert len(pdf.pages) > 3
    assert compare(weasyprint_pdf(long), fast) <= TOLERANCE


def test_what_is_not_modelled_is_left_to_weasyprint(view):
    import copy

    from sp_docs.render.fastplan.annexes import annex_pages
    from sp_docs.render.fastplan.texts import PlacedTexts

    crowded = copy.deepcopy(view)
    crowded.annex3 = {**crowded.annex3, "record_rows": 40}  # the 台账 runs into the 版记
    with pytest.raises(fasttable.Unsupported):
        annex_pages(_context(crowded), PlacedTexts())
    wide = copy.deepcopy(view)
    wide.annex2.widths_mm = [1, 1, 1]  # not one width a column
    with pytest.raises(fasttable.Unsupported):
        annex_pages(_context(wide), PlacedTexts())


def test_long_school_name_three_title_lines_no_cc():
    """A questionnaire with a long school name: titles on three lines, the 单位名称 and 印发 lines
    shrunk and broken, no 抄送 row (the 版记 then has no rule between rows)."""
    from sp_docs.documents import implementation_plan as ip
    from sp_docs.questionnaire import answers as answers_mod

    raw = dict(school_name="青川市云溪县高新技术产业开发区第一实验学校（集团）东城校区", party_org_type="党总支",
               measures=["党员示范岗", "示范课公开课", "谈心谈话"], sign_date="2026-11-21", doc_number="云二小党发〔2026〕1号")
    view = ip.build(answers_mod.complete(raw))
    assert not view.cc
    fast = fast_pdf(view)
    with pdfplumber.open(io.BytesIO(fast)) as pdf:
        assert "抄送" not in pdf.pages[-1].extract_text()
    assert compare(weasyprint_pdf(view), fast) <= TOLERANCE
