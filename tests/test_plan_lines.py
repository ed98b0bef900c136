"""The 实施方案 PDF's hanging-mark lines worked out on the grid (render/plan_lines.py) against the
probes that find them in WeasyPrint's own layout (plan_pdf._probe_spots, plan_grid.hang_spots):
the same marks squeezed by the same amount — hence the same HTML and the same PDF — for the
example and for generated answer sets (school names short, long, with digits, Latin words, spaces
and quotes; brand names; random numbers and measures); the lines predicted are the lines laid out;
the PDF costs one layout; a paragraph whose lines differ from the prediction is probed."""
from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml

import helpers
from sp_docs.documents import implementation_plan as ip
from sp_docs.questionnaire import answers as answers_mod
from sp_docs.render import pdf, plan_grid, plan_lines, plan_pdf
from test_plan import random_raw

EXAMPLES = Path(__file__).resolve().parents[1] / "data_examples"
SEAL = EXAMPLES / "plan_seal.png"
SCHOOLS = ["青川No.1中学", "青川市St.Mary's学校", "青川市International School", "青川市3.5中学", "青川A-B学校",
           "青川县第一百二十三中学2025级实验部", "青川市实验小学", "青川县第3中学", "青川市ABC国际学校",
           "青川市第十二中学附属实验小学（东校区）", "西部新区第一初级中学", "青川·明德中学", "Q1学校", "青川市“红星”小学"]
BRANDS = ["3.14", "GO!GO!", "e.g.先锋", "红烛…先锋", "Red Candle", "红烛先锋", "先锋2025", "ABC党建", "红色引擎·匠心育人", "初心"]
SEEDS = [2, 10, 17, 22, 29, 30, 39, 47, 53, 61]  # 17, 30: a hanging mark at a page break; 10, 29, 39: spaces


def _variant(seed: int) -> dict:
    rng = random.Random(seed)
    raw = yaml.safe_load((EXAMPLES / "answers.yaml").read_text(encoding="utf-8")) if seed % 2 else {}
    raw.update(random_raw(rng))
    raw.pop("seal_image", None)
    staff = raw.get("staff_count") or 60
    for key in ("party_teacher_count", "backbone_count", "reserve_count"):
        if key in raw:
            raw[key] = min(raw[key], staff)
    school = rng.choice(SCHOOLS)
    raw.update(school_name=school, school_short=rng.choice([None, school[-4:], f"实验{seed}"]))
    if rng.random() < 0.6:
        raw.update(variant="双培双树", brand_name=rng.choice(BRANDS))
    raw["report_to"] = rng.choice(["上级党组织", "县委教育工委组织部", "XX教育局"])
    raw["recipients"] = rng.choice(["各党支部，各处室，各年级组", "全体教职工",
                                    "各科室、各年级组、各党小组、工会、团委、少先队大队部、后勤服务中心"])
    for key in ("party_org_name", "issuer", "printer", "mark_text", "doc_number"):
        raw.pop(key, None)
    return raw


def _view(case):
    if case == "example":
        return ip.build(answers_mod.load(EXAMPLES / "answers.yaml"), seal_path=str(SEAL))
    return ip.build(answers_mod.complete(_variant(case)))


def _html(view, squeeze) -> str:
    context = plan_pdf.pdf_context(view, squeeze)
    context["tight"] = False
    return pdf.render_html("plan.html", context)[0]


@pytest.mark.parametrize("case", ["example", *SEEDS])
def test_grid_spots_are_the_probed_spots(case):
    view = _view(case)
    squeeze, predicted = plan_pdf.grid_squeeze(view)
    settings = dict(tight=False, user_dir=None, allowed={str(SEAL.resolve())})
    probed = plan_pdf._probe_spots(view, {}, True, **settings)
    assert squeeze and set(squeeze) == set(probed), (sorted(squeeze), sorted(probed))
    for number, (points, chars, first) in squeeze.items():
        assert (chars, first) == probed[number][1:] and abs(points - probed[number][0]) < 0.01, number
    assert _html(view, squeeze) == _html(view, probed)  # so the PDF is the one the probes give
    # the lines predicted are those WeasyPrint lays out (the running text, without the tables)
    laid_out = plan_grid.laid_out_lines(plan_pdf._layout(view, squeeze, probe=True, **settings))
    assert laid_out and plan_lines.mismatched(predicted, laid_out) == set()
    assert set(laid_out) <= set(predicted)


def _counting_layouts(monkeypatch) -> list:
    calls: list = []
    original = pdf.html_to_document

    def counted(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)
    monkeypatch.setattr(pdf, "html_to_document", counted)
    return calls


def test_plan_pdf_takes_one_layout(monkeypatch):
    view = _view("example")
    calls = _counting_layouts(monkeypatch)
    pages = helpers.pdf_pages_text(plan_pdf.weasyprint_plan_pdf(view))  # (the fallback: render/fastplan/ lays out none)
    assert len(calls) == 1
    # the same text as the document laid out with the probed squeezes
    settings = dict(tight=False, user_dir=None, allowed={str(SEAL.resolve())})
    probed = plan_pdf._probe_spots(view, {}, True, **settings)
    assert pages == helpers.pdf_pages_text(plan_pdf._layout(view, probed, **settings).write_pdf())


def test_a_paragraph_laid_out_otherwise_than_predicted_is_probed(monkeypatch):
    view = _view(17)
    expected = plan_pdf.render_plan_pdf(view)
    squeeze, predicted = plan_pdf.grid_squeeze(view)
    wrong = next(iter({spot[2] for spot in squeeze.values()}))
    spoiled = {n: spot for n, spot in squeeze.items() if spot[2] != wrong}
    monkeypatch.setattr(plan_pdf, "grid_squeeze", lambda _: (spoiled, {**predicted, wrong: ["?"]}))
    calls = _counting_layouts(monkeypatch)
    assert helpers.pdf_pages_text(plan_pdf.weasyprint_plan_pdf(view)) == helpers.pdf_pages_text(expected)
    assert len(calls) >= 3  # the layout, a probe of that paragraph, the layout again


def test_a_mark_hanging_at_a_page_break_is_squeezed():
    """Seed 17: a paragraph's line that ends in “，” on the office suites' grid is the last of its
    page; the PDF squeezes it there too (the earlier probes missed it: the page's margin boxes came
    between the two lines)."""
    view = _view(17)
    squeeze, _ = plan_pdf.grid_squeeze(view)
    document = plan_pdf._layout(view, squeeze, tight=False, user_dir=None, allowed=set())
    pages = []  # (element, text) of each paragraph line, page by page
    for page in document.pages:
        pages.append([(element, "".join(getattr(leaf, "text", "") or "" for leaf in plan_grid._leaves(line)))
                      for element, _, line in plan_grid._paragraph_lines(page._page_box)
                      if element is not None and element.tag == "p"])
    across = [(this[-1][1], following[0][1]) for this, following in zip(pages, pages[1:])
              if this and following and this[-1][0] is following[0][0]]  # a paragraph going on overleaf
    assert any(len(text.replace("\u200b", "")) == 29 and text[-1] == "，" for text, _ in across), across
