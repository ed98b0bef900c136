"""The 附件2 XLSX written without openpyxl (render/xlsx_direct.py) is the workbook the openpyxl
template filler (render/xlsx.py) writes: both files read back with openpyxl, every cell's
value, type and style, the column widths, row heights, merged cells and page set-up compared."""
from __future__ import annotations

import copy
import io
import zipfile

import pytest
from openpyxl import load_workbook

from helpers import libreoffice_available, pdf_text, xlsx_rows
from sp_docs.documents import annex2 as doc
from sp_docs.jobs.annex2 import annex2
from sp_docs.render import xlsx_direct
from sp_docs.render.formats import render

UNIT = "青川市第一中学"


@pytest.fixture(scope="module")
def context(city):
    return doc.build(city, UNIT, 2025).context()


def _both(context: dict) -> tuple[bytes, bytes]:
    direct = xlsx_direct.render_builtin("annex2.xlsx", copy.deepcopy(context))
    assert direct is not None
    return direct, render("annex2", copy.deepcopy(context), "xlsx")


def _style(cell) -> tuple:
    f, a, b = cell.font, cell.alignment, cell.border
    return (f.name, f.sz, f.b, f.i, f.color.rgb if f.color is not None else None,
            a.horizontal, a.vertical, a.wrap_text, a.indent,
            tuple((s.style, s.color.rgb if s.color is not None else None) for s in (b.left, b.right, b.top, b.bottom)),
            cell.fill.fill_type, cell.number_format, cell.quotePrefix, cell.protection.locked)


def _sheet_facts(data: bytes) -> dict:
    wb = load_workbook(io.BytesIO(data))
    (ws,) = wb.worksheets
    cells = {c.coordinate: (c.value, c.data_type, _style(c)) for row in ws.iter_rows() for c in row
             if c.value is not None or c.has_style}
    setup, margins = ws.page_setup, ws.page_margins
    return {
        "title": ws.title, "cells": cells, "max": (ws.max_row, ws.max_column),
        "heights": {r: d.height for r, d in ws.row_dimensions.items() if d.height is not None},
        "widths": {k: d.width for k, d in ws.column_dimensions.items()},
        "merged": sorted(str(m) for m in ws.merged_cells.ranges),
        "setup": (setup.paperSize, setup.orientation, setup.fitToWidth, setup.fitToHeight,
                  ws.sheet_properties.pageSetUpPr.fitToPage, ws.print_options.horizontalCentered),
        "margins": (margins.left, margins.right, margins.top, margins.bottom, margins.header, margins.footer),
        "footer": (ws.oddFooter.center.text, ws.oddFooter.center.size),
        "print_titles": ws.print_title_rows, "freeze": ws.freeze_panes,
        "values": xlsx_rows(data),  # as a viewer that does not recalculate shows them
    }


def _assert_same(direct: bytes, reference: bytes) -> None:
    assert _sheet_facts(direct) == _sheet_facts(reference)
    a, b = zipfile.ZipFile(io.BytesIO(direct)), zipfile.ZipFile(io.BytesIO(reference))
    assert a.namelist() == b.namelist()
    for name in ("xl/styles.xml", "xl/sharedStrings.xml", "xl/workbook.xml", "[Content_Types].xml",
                 "xl/_rels/workbook.xml.rels"):
        assert a.read(name) == b.read(name), name  # byte for byte


def test_the_example_unit_is_written_as_openpyxl_writes_it(context):
    direct, reference = _both(context)
    _assert_same(direct, reference)
    rows = xlsx_rows(direct)
    assert rows[0][0] == "附件2" and rows[3][:6] == list(doc.COLUMNS)
    names = [r["name"] for r in context["rows"]]
    assert [row[1] for row in rows[4:4 + len(names)]] == names
    assert rows[4][0] == 1 and isinstance(rows[4][3], int) and rows[4][4] == 2025  # digit text stored as numbers


def test_every_unit_of_the_example_workbook(city):
    for unit in [u.name for u in city.units]:
        _assert_same(*_both(doc.build(city, unit, 2025).context()))


def _row(seq: int, **fields) -> dict:
    return {"seq": seq, "name": f"教师{seq}", "birth": "1990.01", "track": "1", "year": "2025", "note": "",
            "unit": UNIT, **fields}


@pytest.mark.parametrize("rows", [
    [],  # no trainee that year: the styled row stays, empty
    [_row(1)],
    [_row(i, track=str(1 + i % 2)) for i in range(1, 121)],  # several printed pages
    [_row(1, note="已列为入党积极分子；" * 12), _row(2, note="第一行\n第二行\n第三行")],  # rows grow
    [_row(1, name="A&B <c> \"d\" 'e'", note="  前后有空格  "), _row(2, note="　全角空格开头"),
     _row(3, name="欧阳\x07晓岚", birth="", year="")],  # escaped, preserved, control characters dropped
    [_row(1, name=" ", note="1986.08"), _row(2, track="x", year="二〇二五")],  # text in numeric columns stays text
])
def test_edge_rows_are_written_as_openpyxl_writes_them(context, rows):
    _assert_same(*_both({**context, "rows": rows}))


def test_long_titles_and_notes_grow_their_rows(context):
    longer = {**context, "title": "某某市" * 30 + "“双培”工程实施情况汇总表",
              "notes": [context["notes"][0] * 3, "第二条\n换行"]}
    direct, reference = _both(longer)
    _assert_same(direct, reference)
    heights = _sheet_facts(direct)["heights"]
    assert heights[2] > 36 and heights[len(context["rows"]) + 5] > 34


@pytest.mark.parametrize("name", ["=SUM(A1:A2)", "+1", "-", "@x"])
def test_formula_like_text_is_left_to_openpyxl(context, name, tmp_path):
    """A quote prefix needs a cell format the template lacks: openpyxl writes that workbook."""
    rows = [dict(context["rows"][0], name=name)]
    assert xlsx_direct.render_builtin("annex2.xlsx", {**context, "rows": rows}) is None
    assert render("annex2", {**context, "rows": rows}, "xlsx")  # the fallback still writes it


def test_total_rows_and_users_templates_are_left_to_openpyxl(context, tmp_path):
    assert xlsx_direct.render_builtin("annex2.xlsx", {**context, "rows": [dict(_row(1), total=True)]}) is None
    (tmp_path / "xlsx").mkdir()
    builtin = xlsx_direct.templates.find("xlsx", "annex2.xlsx")
    (tmp_path / "xlsx" / "annex2.xlsx").write_bytes(builtin.read_bytes())
    assert xlsx_direct.render_builtin("annex2.xlsx", context, user_dir=tmp_path) is None


def test_a_template_of_another_form_is_declined():
    with pytest.raises(xlsx_direct.Declined):
        xlsx_direct.parse_template(b"not a zip")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(xlsx_direct.Declined):
        xlsx_direct.parse_template(buffer.getvalue())


def test_the_job_writes_the_direct_workbook(city_workbook, tmp_path, monkeypatch):
    written, view = annex2(city_workbook, UNIT, tmp_path / "a", year=2025, formats=["xlsx"])
    direct = xlsx_direct.render_builtin("annex2.xlsx", view.context())
    _assert_same(written[0].read_bytes(), direct)
    monkeypatch.setattr(xlsx_direct, "render_builtin", lambda *a, **k: None)  # the openpyxl fallback
    again, _ = annex2(city_workbook, UNIT, tmp_path / "b", year=2025, formats=["xlsx"])
    _assert_same(written[0].read_bytes(), again[0].read_bytes())


@pytest.mark.skipif(not libreoffice_available(), reason="LibreOffice 未安装")
def test_libreoffice_opens_the_direct_workbook(context, tmp_path):
    from helpers import libreoffice_to_pdf

    path = tmp_path / "附件2.xlsx"
    path.write_bytes(xlsx_direct.render_builtin("annex2.xlsx", context))
    text = pdf_text(libreoffice_to_pdf(path, tmp_path)).replace(" ", "")
    assert "实施情况汇总表" in text and all(r["name"] in text for r in context["rows"])
