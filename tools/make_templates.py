"""Build the built-in DOCX and XLSX templates under templates/.

The templates are committed; run this after changing it:
    python tools/make_templates.py
Users may instead edit the generated files in Word/WPS/Excel directly.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from docx.enum.table import WD_TABLE_ALIGNMENT  # noqa: E402
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT  # noqa: E402
from docx.shared import Mm, Pt  # noqa: E402
from openpyxl import Workbook  # noqa: E402
from openpyxl.styles import Alignment, Border  # noqa: E402

from sp_docs.render import ooxml, xlsx_layout  # noqa: E402
from sp_docs.render.docx_base import new_document  # noqa: E402
from sp_docs.tables import ANNEX2  # noqa: E402

DOCX_DIR = ROOT / "templates" / "docx"
XLSX_DIR = ROOT / "templates" / "xlsx"


def gongwen_document(landscape: bool = False):
    document = new_document()
    section = document.sections[0]
    ooxml.set_page(section, landscape=landscape)
    ooxml.set_line_grid(section)
    normal = document.styles["Normal"]
    ooxml.set_style_font(normal, "fang", 16)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    ooxml.add_page_numbers(document, section)
    return document


def paragraph(document, text: str, role: str, size: float, align=None, indent_chars: float = 0):
    para = document.add_paragraph()
    if align is not None:
        para.alignment = align
    if indent_chars:
        para.paragraph_format.first_line_indent = Pt(size * indent_chars)
    run = para.add_run(text)
    ooxml.set_run_font(run, role, size)
    return para


def table_cell(cell, text: str, role: str = "fang", size: float = 14, bold: bool = False):
    para = cell.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = para.add_run(text)
    ooxml.set_run_font(run, role, size, bold)
    ooxml.set_cell_vertical_center(cell)


def compact_lines(paragraphs, line_pt: float) -> None:
    """Exact ``line_pt`` spacing, not snapped to the page's 28.95 pt line grid (Word/LibreOffice
    would otherwise give every line of a table cell or note a whole grid line)."""
    for para in paragraphs:
        ooxml.set_line_spacing_exact(para, line_pt)
        ooxml.no_grid_snap(para)


def header_table(document, headers: list[str], size: float):
    """A bordered, centred table whose first row holds ``headers`` in 黑体 and
    repeats on every page; data rows are added by the caller."""
    table = document.add_table(rows=1, cols=len(headers))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    ooxml.set_table_borders(table)
    for cell, name in zip(table.rows[0].cells, headers):
        table_cell(cell, name, "hei", size)
    ooxml.repeat_header_row(table.rows[0])
    return table


def loop_row(table, tag: str):
    row = table.add_row()
    merged = row.cells[0].merge(row.cells[-1])
    run = merged.paragraphs[0].add_run(tag)
    ooxml.set_run_font(run, "fang", 10)


def annex2_docx() -> None:
    document = gongwen_document()
    paragraph(document, "{{ label }}", "hei", 16)
    title = paragraph(document, "{{ title }}", "title", 22, WD_ALIGN_PARAGRAPH.CENTER)
    title.paragraph_format.space_before = Pt(14)
    title.paragraph_format.space_after = Pt(14)
    line = document.add_paragraph()
    section = document.sections[0]
    width = section.page_width - section.left_margin - section.right_margin
    line.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
    ooxml.set_run_font(line.add_run("单位名称：{{ unit_name }}\t{{ date_line }}"), "fang", 14)
    table = header_table(document, list(ANNEX2.headers), 14)
    loop_row(table, "{%tr for row in rows %}")
    data = table.add_row()
    for cell, field in zip(data.cells, ANNEX2.fields):
        table_cell(cell, "{{ row.%s }}" % field)
    data.height = Mm(9)
    ooxml.cant_split_row(data)
    loop_row(table, "{%tr endfor %}")
    ooxml.set_column_widths(table, ANNEX2.widths_mm)
    compact_lines([p for row in table.rows for cell in row.cells for p in cell.paragraphs], 19)
    notes = paragraph(document, "注：", "fang", 12, indent_chars=2)
    notes.paragraph_format.space_before = Pt(6)
    paragraph(document, "{%p for note in notes %}", "fang", 12)
    note = paragraph(document, "{{ loop.index }}. {{ note }}", "fang", 12, indent_chars=2)
    paragraph(document, "{%p endfor %}", "fang", 12)
    compact_lines([notes, note], 20)
    document.save(DOCX_DIR / "annex2.docx")


def thin_border() -> Border:
    return xlsx_layout.BORDER


def annex2_xlsx() -> None:
    """附件2: title rows, a bordered table whose 序号/类别/年度 cells are numbers (format
    "0"), rows that grow with their text when filled, A4 portrait set-up."""
    wb = Workbook()
    ws = wb.active
    ws.title = "附件2"
    ws["A1"] = "{{ label }}"
    ws["A1"].font = xlsx_layout.font("label")
    ws.merge_cells("A2:F2")
    ws["A2"] = "{{ title }}"
    ws["A2"].font = xlsx_layout.font("title")
    ws["A2"].alignment = xlsx_layout.CENTER
    ws.row_dimensions[2].height = 36
    ws.merge_cells("A3:C3")
    ws["A3"] = "单位名称：{{ unit_name }}"
    ws.merge_cells("D3:F3")
    ws["D3"] = "{{ date_line }}"
    ws["D3"].alignment = Alignment(horizontal="right")
    for cell in ("A3", "D3"):
        ws[cell].font = xlsx_layout.font("body", 12)
    for col, name in enumerate(ANNEX2.headers, start=1):
        cell = ws.cell(row=4, column=col, value=name)
        cell.font = xlsx_layout.font("header", 12)
        cell.alignment = xlsx_layout.CENTER
        cell.border = thin_border()
    for col, column in enumerate(ANNEX2.columns, start=1):
        cell = ws.cell(row=5, column=col, value="{{ row.%s }}" % column.field)
        cell.font = xlsx_layout.font("body", 12)
        cell.alignment = xlsx_layout.LEFT if column.align == "left" else xlsx_layout.CENTER
        cell.border = thin_border()
        cell.number_format = column.number_format
    ws.merge_cells("A6:F6")
    ws["A6"] = "注：1. {{ notes.0 }}"
    ws.merge_cells("A7:F7")
    ws["A7"] = "　　2. {{ notes.1 }}"
    for cell in ("A6", "A7"):
        ws[cell].font = xlsx_layout.font("note")
        ws[cell].alignment = xlsx_layout.TOP_LEFT
    for col, column in zip("ABCDEF", ANNEX2.columns):
        ws.column_dimensions[col].width = column.xlsx_width
    xlsx_layout.page_setup(ws, landscape=False, title_rows="4:4", freeze="A5")
    wb.save(XLSX_DIR / "annex2.xlsx")


BUILDERS = [annex2_docx, annex2_xlsx]

if __name__ == "__main__":
    DOCX_DIR.mkdir(parents=True, exist_ok=True)
    XLSX_DIR.mkdir(parents=True, exist_ok=True)
    for build in BUILDERS:
        build()
        print("built", build.__name__)
