"""The direct 实施方案 writer (render/fastplan/) lays the notice and the plan's text out as
WeasyPrint lays out plan.html: the same characters on the same pages, each within 0.5 pt, the
same red line and seal — for the example and for questionnaires whose page breaks fall
differently (short and long names, with and without seal and 发文机关标志, fewer measures)."""
from __future__ import annotations

from pathlib import Path

import pytest

import helpers
from sp_docs.documents import implementation_plan as ip
from sp_docs.questionnaire import answers as answers_mod
from sp_docs.render import fastplan, fasttable, plan_context, plan_pdf
from sp_docs.render.fastplan import flow, texts
from sp_docs.render.fasttable import PAGE_H, PAGE_W
from sp_docs.render.fasttable_pdf import pdf_bytes

SEAL = helpers.EXAMPLES / "plan_seal.png"
LONG = "青川市云溪县高新技术产业开发区第一实验学校（集团）东城校区"
MEASURES = ["双培养联系人", "青蓝结对", "党员示范岗", "示范课公开课", "谈心谈话", "主题党日吸纳", "专题教研", "线上党建平台"]
CASES = {  # chosen so that the breaks differ: a long 署名 that wraps, the 附件 list pulling lines, …
    "short-seal": dict(school_name="云溪县第二小学", party_org_type="党支部", measures=MEASURES[:2], print_mark=False),
    "long-seal": dict(school_name=LONG, party_org_type="党总支", measures=MEASURES[:4], requirements=["加强组织领导"]),
    "long-plain": dict(school_name=LONG, party_org_type="党总支", measures=MEASURES[2:5]),
    # the 附件 list does not fit under the text: it takes the last two lines of a long paragraph
    "pulls-lines": dict(measures=["线上党建平台", "示范课公开课", "主题党日吸纳", "青蓝结对", "谈心谈话", "党员示范岗",
                                  "双培养联系人", "专题教研"], requirements=["加强组织领导"]),
    # … or a short last paragraph whole, with its heading
    "pulls-paragraph": dict(measures=["示范课公开课"], requirements=["强化督查考核", "落实经费保障", "加强组织领导", "营造良好氛围"],
                            print_mark=False),
}


@pytest.fixture(scope="module")
def example_view():
    return ip.build(answers_mod.load(helpers.EXAMPLES / "answers.yaml"), seal_path=str(SEAL))


def _view(case: str):
    raw = dict(CASES[case], sign_date="2026-11-21", doc_number="云二小党发〔2026〕1号")
    return ip.build(answers_mod.complete(raw), seal_path=str(SEAL) if "seal" in case else None)


def _text_pages(view) -> bytes:
    context = plan_context.raw_context(view)
    pages = flow.text_pages(context, texts.placed_texts(context))
    fastplan.page_numbers(pages)
    return pdf_bytes(pages, title="t", width=PAGE_W, height=PAGE_H, rule=0.75)


def _assert_same_pages(fast: bytes, reference: bytes) -> None:
    import pdfplumber

    pairs: set[tuple[str, str]] = set()  # (WeasyPrint's font, ours) of each character
    with pdfplumber.open(helpers._open(fast)) as a, pdfplumber.open(helpers._open(reference)) as b:
        assert "附件" in (b.pages[len(a.pages)].extract_text() or "")[:4]  # the text ends where WeasyPrint's does
        for number, (page, ref) in enumerate(zip(a.pages, b.pages), start=1):
            chars = [c for c in page.chars if c["text"].strip()]
            expected = [c for c in ref.chars if c["text"].strip()]
            assert "".join(c["text"] for c in chars) == "".join(c["text"] for c in expected), number
            for got, want in zip(chars, expected):
                assert abs(got["x0"] - want["x0"]) < 0.5 and abs(got["top"] - want["top"]) < 0.5, (number, got, want)
                assert abs(got["size"] - want["size"]) < 0.05
                pairs.add((_face(want), _face(got)))
            _assert_near([(i["x0"], i["top"], i["width"], i["height"]) for i in page.images],
                         [(i["x0"], i["top"], i["width"], i["height"]) for i in ref.images])
            _assert_near(sorted((r["x0"], (r["top"] + r["bottom"]) / 2, r["x1"]) for r in page.lines + page.rects),
                         sorted((r["x0"], (r["top"] + r["bottom"]) / 2, r["x1"]) for r in ref.lines + ref.rects))
    # the same faces: one of ours for each of WeasyPrint's and the other way round (the names are
    # spelled differently: WeasyPrint names a font file by its @font-face family)
    assert len({w for w, _ in pairs}) == len({g for _, g in pairs}) == len(pairs), sorted(pairs)


def _face(char: dict) -> str:
    return char["fontname"].split("+")[-1]


def _assert_near(got: list[tuple], want: list[tuple]) -> None:
    assert len(got) == len(want)
    for a, b in zip(got, want):
        assert max(abs(x - y) for x, y in zip(a, b)) < 0.5, (a, b)


@pytest.mark.parametrize("case", sorted(CASES))
def test_text_pages_as_weasyprint_lays_them_out(case):
    view = _view(case)
    _assert_same_pages(_text_pages(view), plan_pdf.weasyprint_plan_pdf(view))


def test_example_text_pages(example_view):
    _assert_same_pages(_text_pages(example_view), plan_pdf.weasyprint_plan_pdf(example_view))


def test_switched_off_and_user_templates_use_weasyprint(example_view, monkeypatch, tmp_path):
    monkeypatch.setenv("SP_DOCS_FAST_PLAN", "off")
    assert fastplan.render_pdf(example_view) is None
    monkeypatch.delenv("SP_DOCS_FAST_PLAN")
    (tmp_path / "plan.html").write_text("<p>{{ plan_title }}</p>", encoding="utf-8")
    assert fastplan.render_pdf(example_view, user_dir=tmp_path) is None
    assert helpers.pdf_text(plan_pdf.render_plan_pdf(example_view, user_dir=tmp_path)).strip() == example_view.plan_title


@pytest.mark.parametrize("case", ["long-seal", "pulls-lines"])
def test_squeezes_worked_out_while_placing_equal_the_whole_texts(case):
    """Placing paragraph by paragraph finds the squeezes ``grid_squeeze`` finds for the whole text."""
    view = _view(case)
    squeeze, _ = plan_context.grid_squeeze(view)
    assert squeeze
    context = plan_context.raw_context(view)
    assert texts.placed_texts(context) == texts.placed_texts(context, squeeze)


WHOLE = {  # other school types and variants (their clauses differ), a long 抄送, with and without seal
    "bureau": dict(school_name="青川市教育局", school_type="教育局", party_org_type="党委", variant="双培育",
                   cc="青川市委教育工委组织部，青川市教育局人事科，云溪县教育局", print_mark=True),
    "kindergarten": dict(school_name="云溪县城关镇中心幼儿园", school_type="幼儿园", variant="双培", print_mark=False),
}


@pytest.mark.parametrize("case", sorted(WHOLE))
@pytest.mark.parametrize("sealed", [False, True], ids=["no-seal", "seal"])
def test_whole_plan_as_weasyprint_lays_it_out(case, sealed):
    """The whole document, 附件 pages included, through ``render_plan_pdf`` (the direct writer)."""
    raw = dict(WHOLE[case], sign_date="2026-11-21", doc_number="青教党发〔2026〕2号")
    view = ip.build(answers_mod.complete(raw), seal_path=str(SEAL) if sealed else None)
    fast = fastplan.render_pdf(view)
    assert fast is not None and plan_pdf.render_plan_pdf(view) == fast
    reference = plan_pdf.weasyprint_plan_pdf(view)
    assert len(helpers.pdf_pages_text(fast)) == len(helpers.pdf_pages_text(reference))
    chars, expected = helpers.pdf_chars(fast), helpers.pdf_chars(reference)
    for page, ref in zip(chars, expected):
        page = [c for c in page if c["text"].strip()]
        ref = [c for c in ref if c["text"].strip()]
        assert [c["text"] for c in page] == [c["text"] for c in ref]
        assert max((abs(a["x0"] - b["x0"]) + abs(a["top"] - b["top"]) for a, b in zip(page, ref)), default=0) < 0.6


ISSUERS = ["中共青川市云溪县高新技术产业开发区第一实验学校东城、总支部委员会",
           "中共青川市云溪县高新技术产业开发区第一实验学校东、总支部委员会",
           "中共青川市云溪县高新技术产业开发区第一实验学校东城区、总支部委员会"]


def test_a_long_issuer_breaks_as_weasyprint_breaks_it():
    """plan.html prints the 署名 off the grid: a line ending in a mark is not squeezed (these issuers
    would break one character later if it were)."""
    from sp_docs.render.plan_lines import Box, Placer

    differs = 0
    for issuer in ISSUERS:
        for sealed in (False, True):
            raw = dict(school_name="青川市云溪县高新技术产业开发区第一实验学校", issuer=issuer, printer=issuer,
                       sign_date="2026-11-21", doc_number="云二小党发〔2026〕1号")
            view = ip.build(answers_mod.complete(raw), seal_path=str(SEAL) if sealed else None)
            assert view.issuer == issuer
            box = Box(width_pt=PAGE_W - 54 * 72 / 25.4 - plan_context.raw_context(view)["name_indent_pt"])
            differs += [t for t, _ in Placer().place(issuer, None, box)] != [t for t, _ in Placer({}).place(issuer, None, box)]
            fast, reference = helpers.pdf_pages_text(_text_pages(view)), helpers.pdf_pages_text(plan_pdf.weasyprint_plan_pdf(view))
            assert fast[0] == reference[0]
    assert differs  # at least one of them tells the two apart


@pytest.mark.parametrize("case, branch", [("pulls-lines", "lines"), ("pulls-paragraph", "paragraph"), ("long-seal", "tight")])
def test_cases_reach_their_branch(case, branch, monkeypatch):
    """The cases above keep covering what they were chosen for, whatever the clauses say."""
    taken = []
    step_back, notice = flow._step_back, flow.notice_blocks

    def spy_step_back(blocks, i, on_page, pages):
        first, start = step_back(blocks, i, on_page, pages)
        if blocks[i].keep_with_previous:
            taken.append("lines" if start else "paragraph")
        return first, start

    def spy_notice(context, placed, *, tight):
        taken.append("tight" if tight else "normal")
        return notice(context, placed, tight=tight)
    monkeypatch.setattr(flow, "_step_back", spy_step_back)
    monkeypatch.setattr(flow, "notice_blocks", spy_notice)
    _text_pages(_view(case))
    assert branch in taken


def _lines(n: int) -> list:
    return [flow.blank(28.95) for _ in range(n)]


def test_headings_move_with_the_paragraph_they_head():
    """一级、二级 headings never end a page: a paragraph that cannot start here takes them along."""
    pages = flow.Pages()
    blocks = [flow.Block(_lines(18)), flow.Block(_lines(1), keep_with_next=True),
              flow.Block(_lines(1), keep_with_next=True), flow.Block(_lines(3))]
    flow.flow(blocks, pages)  # 18 + 1 + 1 fit; the paragraph's 2 first lines do not
    assert len(pages.pages) == 2
    assert abs(pages.y - (flow.TOP + 5 * 28.95)) < 0.01  # both headings and the paragraph on page 2


def test_what_the_direct_layout_does_not_model_goes_to_weasyprint(monkeypatch, example_view):
    """A 附件 list after a paragraph continued from the page before with fewer than four lines here,
    and a block taller than a page, raise Unsupported; ``render_pdf`` then answers None."""
    pages = flow.Pages()
    with pytest.raises(fasttable.Unsupported):
        # 2 lines of the paragraph on page 1, 3 on page 2; the list (20 lines) does not fit under them
        flow.flow([flow.Block(_lines(20)), flow.Block(_lines(5)), flow.Block(_lines(20), whole=True, keep_with_previous=True)],
                  pages)
    with pytest.raises(fasttable.Unsupported):
        flow.flow([flow.Block(_lines(30), whole=True)], flow.Pages())

    def unsupported(*args):
        raise fasttable.Unsupported("test")
    monkeypatch.setattr(flow, "text_pages", unsupported)
    assert fastplan.render_pdf(example_view) is None


def test_a_character_no_face_draws_goes_to_weasyprint():
    """WeasyPrint asks fontconfig for any font that has a character; the direct writer only knows
    the roles' faces, so a plan holding one they lack is WeasyPrint's."""
    from dataclasses import replace

    view = _view("short-seal")
    assert fastplan.render_pdf(view) is not None
    odd = replace(view, recipients=view.recipients + "\ue000")
    odd.signature, odd.mark_size = view.signature, view.mark_size
    assert fastplan.render_pdf(odd) is None
    assert "各" in helpers.pdf_text(plan_pdf.render_plan_pdf(odd))


def test_em_dash_in_its_chinese_form(example_view):
    """Noto CJK sets “—” in zh-CN text as its localized glyph, a whole em wide (the one U+2015 maps
    to); the direct writer draws that glyph too, and the text layer still reads “—”."""
    fast, reference = helpers.pdf_chars(fastplan.render_pdf(example_view)), helpers.pdf_chars(plan_pdf.weasyprint_plan_pdf(example_view))
    dashes = [(c, r) for page, ref in zip(fast, reference) for c, r in zip(page, ref) if r["text"] == "—"]
    assert any(r["x1"] - r["x0"] > 0.95 * r["size"] for _, r in dashes)  # the title's, in 附件1
    for ours, theirs in dashes:
        assert ours["text"] == "—" and abs(ours["x1"] - theirs["x1"]) < 0.5, (ours, theirs)


def test_the_ledger_sample_leaves_room_for_the_colophon():
    """A three-line 附件3 title, a two-line 抄送 and a two-line 印发 row take room from the 台账
    sample's 培养记录 rows, so the sample ends above the 版记 (it ran under it before) — in the
    direct writer, in WeasyPrint and in the DOCX alike."""
    import office_layout as L
    from sp_docs.render.plan_docx import render_plan_docx

    raw = dict(school_name=LONG, school_type="教育局", party_org_type="党支部", sign_date="2026-11-21",
               doc_number="云二小党发〔2026〕1号", cc="青川市委教育工委组织部，青川市教育局人事科，云溪县教育局")
    view = ip.build(answers_mod.complete(raw))
    assert len(view.annex3["title_lines"]) == 3 and view.annex3["record_rows"] < 6
    assert ip.build(answers_mod.load(helpers.EXAMPLES / "answers.yaml")).annex3["record_rows"] == 6
    fast = fastplan.render_pdf(view)
    assert fast is not None
    for pdf in (fast, plan_pdf.weasyprint_plan_pdf(view)):
        path = helpers.ROOT / "out-test-ledger.pdf"
        try:
            path.write_bytes(pdf)
            last = L.page_count(path) - 1
            rules = L.rules(path, last, min_width=40)  # (the table's rules come in one piece a column)
            opinion = L.line_top(path, last, "培养人意见")
        finally:
            path.unlink(missing_ok=True)
        colophon_top = rules[-3][0]
        assert opinion < rules[-4][1] < colophon_top  # the sample's last rule above the 版记's first
    ledger = next(t for t in helpers.docx_tables(render_plan_docx(view)) if t[0][0] == "培养人")
    assert [row[0] for row in ledger].count("培养记录") == view.annex3["record_rows"]
