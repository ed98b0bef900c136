"""One table specification per tabular document: every format of 附件2 follows documents.annex2.TABLE."""
from __future__ import annotations

import re

import pytest

from helpers import docx_document, docx_tables, pdf_tables, xlsx_rows
from sp_docs.documents import annex2
from sp_docs.sources import returns
from sp_docs.documents.tables import Column, TableSpec
from sp_docs.jobs.annex2 import annex2 as make_annex2

ROOT_UNIT = "青川市教育工委"
SPEC = annex2.TABLE


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, city_workbook):
    out = tmp_path_factory.mktemp("spec")
    result = make_annex2(city_workbook, ROOT_UNIT, out, year=2025)
    return {p.suffix[1:]: p for p in result.written}, result.view


def _flat(text) -> str:
    return re.sub(r"\s", "", str(text or ""))


def test_three_formats_have_the_spec_headers_and_fields(rendered):
    files, view = rendered
    expected_rows = [SPEC.cells(r) for r in view.rows]
    assert len(SPEC.columns) == len(SPEC.headers) == 6
    # XLSX: header row, then one row per view row with the spec's fields in order
    rows = xlsx_rows(files["xlsx"])
    header = next(i for i, r in enumerate(rows) if r and r[0] == SPEC.headers[0])
    assert tuple(rows[header][:len(SPEC.columns)]) == SPEC.headers
    assert [[str(c) for c in r[:6]] for r in rows[header + 1:header + 1 + len(expected_rows)]] == expected_rows
    # DOCX: the table's first row holds the headers; every row has one cell per column
    table = docx_tables(files["docx"])[0]
    assert tuple(table[0]) == SPEC.headers and all(len(r) == len(SPEC.columns) for r in table)
    assert table[1:] == expected_rows
    # PDF: the table pdfplumber finds has the headers and the same cells
    prows = pdf_tables(files["pdf"])
    assert [_flat(c) for c in prows[0]] == [_flat(h) for h in SPEC.headers]
    assert [[_flat(c) for c in r] for r in prows if r and r[0].isdigit()] == \
        [[_flat(c) for c in r] for r in expected_rows]


def test_pdf_column_widths_follow_the_spec(rendered):
    import pdfplumber

    files, _ = rendered
    with pdfplumber.open(files["pdf"]) as pdf:
        table = pdf.pages[0].find_tables()[0]
        xs = sorted({round(c[0], 1) for c in table.cells} | {round(c[2], 1) for c in table.cells})
    widths = [b - a for a, b in zip(xs, xs[1:])]
    shares = [round(100 * w / sum(widths)) for w in widths]
    assert all(abs(a - b) <= 1 for a, b in zip(shares, SPEC.width_percents())), (shares, SPEC.width_percents())


def test_plan_blank_annex_and_roll_up_use_the_spec():
    from sp_docs.documents import implementation_plan as ip
    from sp_docs.questionnaire import answers as answers_mod
    from sp_docs.render.plan_docx import render_plan_docx

    view = ip.build(answers_mod.defaults())
    assert view.annex2.columns == list(SPEC.headers) and view.annex2.widths_mm == SPEC.widths_mm
    assert all(len(r) == len(SPEC.columns) for r in view.annex2.rows)
    document = docx_document(render_plan_docx(view))
    table = next(t for t in document.tables if tuple(c.text for c in t.rows[0].cells) == SPEC.headers)
    widths = [round(c.width.mm) for c in table.rows[0].cells]
    assert widths == [round(w) for w in SPEC.widths_mm]
    for column in SPEC.columns:  # the roll-up reads a returned workbook by the spec's headers
        assert returns.FIELDS[returns._key(column.header)] == column.field


def test_html_follows_a_changed_spec(monkeypatch, city):
    """The HTML is built from the spec alone: a renamed or re-ordered column shows at once."""
    from sp_docs.render import pdf

    changed = TableSpec("附件2", (Column("姓名", "name", 30, 14), Column("出生年月", "birth", 30, 12),
                                   Column("说明", "note", 40, 28)))
    monkeypatch.setattr(annex2, "TABLE", changed)
    view = annex2.build(city, ROOT_UNIT, 2025)
    html, _ = pdf.render_html("annex2.html", view.context())
    assert re.findall(r"<th>(.*?)</th>", html) == ["姓名", "出生年月", "说明"]
    assert re.findall(r'<col style="width: (\d+)%">', html) == ["30", "30", "40"]
    first = view.rows[0]
    assert f"<td>{first.name}</td><td>{first.birth}</td><td>{first.note}</td>" in html.replace("\n", "")
