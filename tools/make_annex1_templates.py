"""Build the DOCX/XLSX templates of 附件1, 附件3 培养台账, the ledger index and
the city roll-up (issue 3).  Run after changing it:
    python tools/make_annex1_templates.py
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tools"))

from docx.enum.table import WD_TABLE_ALIGNMENT  # noqa: E402
from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: E402
from docx.shared import Mm, Pt  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from make_templates import (DOCX_DIR, XLSX_DIR, compact_lines, gongwen_document, header_table, loop_row,  # noqa: E402
                            paragraph, table_cell, thin_border)
from sp_docs.render import ooxml, xlsx_layout  # noqa: E402

HEAD = ["单  位", "骨干教师培养成共产党员数", "党员教师培养成教学骨干数"]


def _title(document):
    paragraph(document, "{{ label }}", "hei", 16)
    for field in ("title_line1", "title_line2"):
        para = paragraph(document, "{{ %s }}" % field, "title", 22, WD_ALIGN_PARAGRAPH.CENTER)
    para.paragraph_format.space_after = Pt(12)


def _table(document, headers, fields, widths, size=12, gap_index=None):
    table = header_table(document, headers, size)
    loop_row(table, fields[0])
    data = table.add_row()
    for cell, field in zip(data.cells, fields[1]):
        table_cell(cell, "{{ row.%s }}" % field if field else "", "fang", size)
    data.height = Mm(8)
    ooxml.cant_split_row(data)
    loop_row(table, "{%tr endfor %}")
    compact_lines([p for row in table.rows for cell in row.cells for p in cell.paragraphs], size * 1.35)
    if gap_index is not None:
        for row in table.rows:
            ooxml.clear_cell_borders(row.cells[gap_index], ("top", "bottom"))
    ooxml.set_column_widths(table, widths)
    return table


def annex1_docx() -> None:
    document = gongwen_document()
    _title(document)
    paragraph(document, "{%p if wide %}", "fang", 10)
    _table(document, HEAD + [""] + HEAD,
           ("{%tr for row in paired_rows %}",
            ["l_unit", "l_member", "l_backbone", None, "r_unit", "r_member", "r_backbone"]),
           [40, 17, 17, 4, 40, 17, 17], size=10.5, gap_index=3)
    paragraph(document, "{%p else %}", "fang", 10)
    _table(document, HEAD, ("{%tr for row in single_rows %}", ["unit", "to_member", "to_backbone"]),
           [62, 46, 46])
    paragraph(document, "{%p endif %}", "fang", 10)
    note = paragraph(document, "注：{{ note }}", "fang", 12, indent_chars=2)
    note.paragraph_format.space_before = Pt(6)
    paragraph(document, "{%p for s in shortfall_lines %}", "fang", 12)
    compact_lines([note, paragraph(document, "{{ s }}", "fang", 12, indent_chars=2)], 20)
    paragraph(document, "{%p endfor %}", "fang", 12)
    paragraph(document, "{%p if by_year %}", "fang", 10)
    sub = paragraph(document, "分年度计划表", "hei", 16, WD_ALIGN_PARAGRAPH.CENTER)
    ooxml.page_break_before(sub)
    _table(document, ["单  位", "年度", HEAD[1], HEAD[2]],
           ("{%tr for row in year_rows %}", ["unit", "year", "to_member", "to_backbone"]), [52, 22, 40, 40])
    paragraph(document, "{%p endif %}", "fang", 10)
    document.save(DOCX_DIR / "annex1.docx")


NUMERIC_FIELDS = {"to_member", "to_backbone", "l_member", "l_backbone", "r_member", "r_backbone", "year",
                  "seq", "first_page", "pages", "records"}


def _xlsx_header(ws, row, headers, widths):
    for col, name in enumerate(headers, start=1):
        cell = ws.cell(row=row, column=col, value=name)
        cell.font = xlsx_layout.font("header")
        cell.alignment = xlsx_layout.CENTER
        if name:
            cell.border = thin_border()
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[chr(64 + col)].width = width
    ws.row_dimensions[row].height = 45


def _xlsx_row(ws, row, fields):
    """The repeated row; numeric fields carry the format "0" so their values are numbers."""
    for col, field in enumerate(fields, start=1):
        cell = ws.cell(row=row, column=col, value=("{{ row.%s }}" % field) if field else None)
        cell.font = xlsx_layout.font("body")
        cell.alignment = xlsx_layout.CENTER
        if field:
            cell.border = thin_border()
            cell.number_format = xlsx_layout.INTEGER if field in NUMERIC_FIELDS else "General"
    ws.row_dimensions[row].height = 24


def _xlsx_page(ws, title_rows):
    first_body = int(title_rows.split(":")[1]) + 1
    xlsx_layout.page_setup(ws, landscape=False, title_rows=title_rows, freeze=f"A{first_body}")


def _annex1_sheet(ws, wide: bool):
    last = "G" if wide else "C"
    ws["A1"] = "{{ label }}"
    ws["A1"].font = xlsx_layout.font("label")
    for r, field in ((2, "title_line1"), (3, "title_line2")):
        ws.merge_cells(f"A{r}:{last}{r}")
        ws[f"A{r}"] = "{{ %s }}" % field
        ws[f"A{r}"].font = xlsx_layout.font("title")
        ws[f"A{r}"].alignment = xlsx_layout.CENTER
        ws.row_dimensions[r].height = 30
    if wide:
        _xlsx_header(ws, 4, HEAD + [""] + HEAD, [22, 13, 13, 3, 22, 13, 13])
        _xlsx_row(ws, 5, ["l_unit", "l_member", "l_backbone", None, "r_unit", "r_member", "r_backbone"])
    else:
        _xlsx_header(ws, 4, HEAD, [30, 18, 18])
        _xlsx_row(ws, 5, ["unit", "to_member", "to_backbone"])
    ws.merge_cells(f"A6:{last}6")
    ws["A6"] = "注：{{ note }}"
    ws["A6"].font = xlsx_layout.font("note")
    ws["A6"].alignment = xlsx_layout.TOP_LEFT
    ws.merge_cells(f"A7:{last}7")  # 计划缺口 lines, one per line of the cell (row grows with them)
    ws["A7"] = "{{ shortfall_text }}"
    ws["A7"].font = xlsx_layout.font("note")
    ws["A7"].alignment = xlsx_layout.TOP_LEFT
    _xlsx_page(ws, "4:4")


def annex1_xlsx() -> None:
    for wide, name in ((False, "annex1.xlsx"), (True, "annex1_wide.xlsx")):
        wb = Workbook()
        ws = wb.active
        ws.title = "附件1"
        _annex1_sheet(ws, wide)
        years = wb.create_sheet("分年度")
        years["A1"] = "{{ title_line2 }} 分年度"
        years["A1"].font = xlsx_layout.font("header", 12)
        _xlsx_header(years, 2, ["单位", "年度", HEAD[1], HEAD[2]], [30, 10, 18, 18])
        _xlsx_row(years, 3, ["unit", "year", "to_member", "to_backbone"])
        _xlsx_page(years, "2:2")
        wb.save(XLSX_DIR / name)


def _record_rows(table, loop: str, *, keep_with_next: bool):
    """The looped record row; returns it (its line heights are set after the table's)."""
    loop_row(table, loop)
    data = table.add_row()
    table_cell(data.cells[0], "{{ r.date }}", "fang", 10.5)
    para = data.cells[0].add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    ooxml.set_run_font(para.add_run("{{ r.form }}"), "fang", 10.5)
    text_cell = data.cells[1].merge(data.cells[3])
    text_cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    ooxml.set_run_font(text_cell.paragraphs[0].add_run(
        "{{ r.content }}{% if r.place %}（地点：{{ r.place }}）{% endif %}"
        "{% if r.mentor %}（培养人：{{ r.mentor }}）{% endif %}"), "fang", 12)
    ooxml.set_cell_vertical_center(text_cell)
    ooxml.cant_split_row(data)  # a record never splits across pages
    if keep_with_next:
        for cell in data.cells:
            for paragraph_ in cell.paragraphs:
                paragraph_.paragraph_format.keep_with_next = True
    loop_row(table, "{%tr endfor %}")
    return data


def ledger_docx() -> None:
    """One template for one ledger or many: ``ledgers`` is a list; each starts a page."""
    document = gongwen_document()
    section = document.sections[0]
    ooxml.set_page(section, margins_twips={"top": 1701, "bottom": 1361, "left": 1474, "right": 1361})
    # the page number inside the 24 mm bottom margin: a footer reaching above it would shorten the
    # page's text area (Word and LibreOffice both push the body up), and a ledger the PDF fits on
    # one page would take two
    section.footer_distance = Mm(10)
    # no 28.95 pt line grid on a form: LibreOffice fits the grid's whole lines into the text area
    # and moves the text down by the rest (2–4 mm), which the PDF does not do
    grid = section._sectPr.find(ooxml.qn("w:docGrid"))
    if grid is not None:
        section._sectPr.remove(grid)
    paragraph(document, "{%p for l in ledgers %}", "fang", 10)
    # the PDF's ledger.html: title 18 pt × 1.4 + 4 pt, unit line 12 pt × 1.5 + 6 pt, cells padded 4 pt × 5 pt
    title = paragraph(document, "{{ l.title }}", "title", 18, WD_ALIGN_PARAGRAPH.CENTER)
    ooxml.page_break_before(title)
    title.paragraph_format.space_after = Pt(4)
    unit = paragraph(document, "单位：{{ l.unit }}", "fang", 12)
    unit.paragraph_format.space_after = Pt(6)
    compact_lines([title], 25.2)
    compact_lines([unit], 18)
    # ledger.html's columns (20 % 30 % 19 % 31 % of the 160 mm type area); rows as tall as the PDF's:
    # the th height (22 pt) or the opinion's 38 mm plus 4 pt padding above and below and the rule
    widths = [32, 48, 30.4, 49.6]
    padding = 4 + 4 + 0.75
    table = document.add_table(rows=4, cols=4)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    ooxml.set_table_borders(table)
    head = [["培养人", "{{ l.mentors }}", "职务", "{{ l.positions }}"],
            ["培养对象", "{{ l.name }}", "培养建档时间", "{{ l.filed_on }}"]]
    for row, values in zip(table.rows[:2], head):
        for i, (cell, text) in enumerate(zip(row.cells, values)):
            table_cell(cell, text, "hei" if i % 2 == 0 else "fang", 12)
    row = table.rows[2]
    table_cell(row.cells[0], "“双培”类别", "hei", 12)
    merged = row.cells[1].merge(row.cells[3])
    table_cell(merged, "{{ l.track_line }}", "fang", 10.5)
    row = table.rows[3]
    table_cell(row.cells[0], "日期·形式", "hei", 12)
    table_cell(row.cells[1].merge(row.cells[3]), "培养记录", "hei", 12)
    for r in table.rows:
        ooxml.repeat_header_row(r)
        ooxml.cant_split_row(r)
        r.height = Pt(22 + padding)
    # 4 pt padding above and below, plus the quarter point by which a PDF row (its collapsed
    # 0.75 pt rule included) is taller than the same row in Word or LibreOffice
    ooxml.table_cell_margins(table, top_pt=4.15, bottom_pt=4.1, left_pt=5, right_pt=5)
    # every record but the last, then the last one kept with the opinion row: the opinion never
    # starts a page alone under the repeated 日期·形式／培养记录 header
    records = [_record_rows(table, "{%tr for r in l.records[:-1] %}", keep_with_next=False),
               _record_rows(table, "{%tr for r in l.records[-1:] %}", keep_with_next=True)]
    opinion = table.add_row()
    opinion.height = Mm(38) + Pt(padding)
    table_cell(opinion.cells[0], "培养人意见", "hei", 12)
    cell = opinion.cells[1].merge(opinion.cells[3])
    ooxml.set_run_font(cell.paragraphs[0].add_run("{{ l.opinion }}"), "fang", 12)
    sign = cell.add_paragraph()
    sign.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    sign.paragraph_format.space_before = Pt(60)
    ooxml.set_run_font(sign.add_run("培养人签名：　　　　　　　年　　月　　日"), "fang", 12)
    ooxml.cant_split_row(opinion)
    compact_lines([p for r in table.rows for c in r.cells for p in c.paragraphs], 18)
    for data in records:
        compact_lines(data.cells[1].paragraphs, 19.2)  # record text: 12 pt × 1.6
        compact_lines(data.cells[0].paragraphs, 14.7)  # date · form: 10.5 pt × 1.4
    ooxml.set_column_widths(table, widths)
    paragraph(document, "{%p endfor %}", "fang", 10)
    document.save(DOCX_DIR / "ledger.docx")


def ledger_index_xlsx() -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "目录"
    ws.merge_cells("A1:G1")
    ws["A1"] = "{{ title }}"
    ws["A1"].font = xlsx_layout.font("title", 16)
    ws["A1"].alignment = xlsx_layout.CENTER
    _xlsx_header(ws, 2, ["序号", "单位", "姓名", "“双培”类别", "起始页", "页数", "培养记录条数"],
                 [6, 26, 12, 24, 8, 8, 12])
    ws.row_dimensions[2].height = 24
    _xlsx_row(ws, 3, ["seq", "unit", "name", "track_label", "first_page", "pages", "records"])
    _xlsx_page(ws, "2:2")
    wb.save(XLSX_DIR / "ledger_index.xlsx")


BUILDERS = [annex1_docx, annex1_xlsx, ledger_docx, ledger_index_xlsx]

if __name__ == "__main__":
    for build in BUILDERS:
        build()
        print("built", build.__name__)
