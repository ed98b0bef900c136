"""实施方案 印发通知: 署名 and 成文日期 stay on the notice's page with the text (GB/T 9704),
never a page holding only the date — short and long school names, with and without seal,
in the PDF (page text) and the DOCX (keep-with-next chain; LibreOffice pages)."""
from __future__ import annotations

from pathlib import Path

import pytest

import helpers
from sp_docs.documents import implementation_plan as ip
from sp_docs.questionnaire import answers as answers_mod
from sp_docs.render.plan_docx import render_plan_docx
from sp_docs.render.plan_pdf import render_plan_pdf

SEAL = Path(__file__).resolve().parents[1] / "data_examples" / "plan_seal.png"
LONG = "青川市云溪县高新技术产业开发区第一实验学校（集团）东城校区"
CASES = {
    "short": {"school_name": "云溪县第二小学", "party_org_type": "党支部"},
    "long": {"school_name": LONG, "party_org_type": "党总支"},
}


def _view(case: str, sealed: bool):
    raw = dict(CASES[case], sign_date="2026-11-21", doc_number="云二小党发〔2026〕1号")
    answers = answers_mod.complete(raw)
    return ip.build(answers, seal_path=str(SEAL) if sealed else None)


@pytest.mark.parametrize("sealed", [False, True], ids=["no-seal", "seal"])
@pytest.mark.parametrize("case", list(CASES))
def test_pdf_signature_and_date_on_the_notice_page(case, sealed):
    view = _view(case, sealed)
    pages = helpers.pdf_pages_text(render_plan_pdf(view))
    squash = [p.replace(" ", "").replace("\n", "") for p in pages]
    date_page = next(i for i, p in enumerate(squash) if view.sign_date in p)
    here = squash[date_page]
    assert view.issuer in here
    assert view.notice_body[-1][-8:] in here  # the text ends above the signature on the same page
    if case == "short":  # the notice is exactly one page: the plan starts on page 2
        assert date_page == 0 and view.plan_title_lines[0] in squash[1]
    for page in squash:  # never a page holding only the date (plus its page number)
        rest = page.replace(view.sign_date, "").strip("—0123456789")
        assert rest, "a page holds only the 成文日期"


@pytest.mark.parametrize("sealed", [False, True], ids=["no-seal", "seal"])
def test_docx_keeps_text_signature_and_date_together(sealed):
    view = _view("long", sealed)
    document = helpers.docx_document(render_plan_docx(view))
    paragraphs = document.paragraphs
    date_index = next(i for i, p in enumerate(paragraphs) if p.text == view.sign_date)
    issuer_index = date_index - 1
    assert paragraphs[issuer_index].text.startswith(view.issuer)
    last_body = next(i for i in range(issuer_index, -1, -1) if paragraphs[i].text == view.notice_body[-1])
    blanks = issuer_index - last_body - 1
    assert blanks == (2 if sealed else 1)  # GB/T 9704: unsealed 署名 one line below the text
    for p in paragraphs[last_body:date_index]:
        assert p.paragraph_format.keep_with_next, p.text
    assert paragraphs[last_body].paragraph_format.keep_together


@pytest.mark.skipif(not helpers.libreoffice_available(), reason="LibreOffice not installed")
def test_docx_signature_page_in_libreoffice(tmp_path):
    view = _view("long", False)
    path = tmp_path / "plan.docx"
    path.write_bytes(render_plan_docx(view))
    pages = helpers.pdf_pages_text(helpers.libreoffice_to_pdf(path, tmp_path))
    squash = [p.replace(" ", "").replace("\n", "") for p in pages]
    date_page = next(i for i, p in enumerate(squash) if view.sign_date in p)
    assert view.issuer in squash[date_page]
    assert view.notice_body[-1][-8:] in squash[date_page]


def test_long_issuer_wraps_and_the_date_stays_on_one_line():
    from sp_docs.documents.signature import signature_indents

    view = _view("long", False)
    name_indent, date_indent = signature_indents(view.issuer, view.sign_date, False)
    assert name_indent == 2 and 0 < date_indent < 28 - 7.5
    text = helpers.pdf_pages_text(render_plan_pdf(view))
    assert any(view.sign_date in line.replace(" ", "") for page in text for line in page.splitlines())
