"""The 实施方案 with its 印发通知 as one GB/T 9704 Word file.

The template (templates/docx/plan.docx, built by tools/make_plan_templates.py) carries the
page set-up, document grid, odd/even page-number footers and one paragraph style per text
role; this module appends the view-model's content using those styles, so a user restyles a
heading level once in Word and every heading of that level follows."""
from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt, RGBColor, Twips

from ..errors import InputError, TemplateError
from ..units import CHAR_PT, SEAL_MM, TYPE_AREA_HEIGHT_PT, TYPE_AREA_WIDTH_MM, pt_to_mm
from . import ooxml, templates

BODY_PT = 16
LINE_PT = 28.95
COLOPHON_ROW_PT = 28
# plan.html: table.grid cells are padded 3 pt × 4 pt; the td heights (30/20 pt) exclude it
CELL_PADDING_PT = {"top_pt": 3, "bottom_pt": 3, "left_pt": 4, "right_pt": 4}
ROW_EXTRA_PT = 6 + 0.75
NOTE_PT, NOTE_LINE_PT = 12, 12 * 1.6  # .notes: 12 pt, line-height 1.6, indent 2 em, 8 pt above
AFTER_REDLINE_PT = 24.7 + 9  # plan.html's .after-redline, plus the glyph's drop in an exact 22 pt line
TYPE_AREA_PT = TYPE_AREA_HEIGHT_PT
# The body styles snap to the template's 22 × 28 character grid (w:docGrid linesAndChars,
# tools/make_plan_templates.py).  LibreOffice gives each character a whole number of grid cells
# (315 twips: 16 pt less the grid's 0.21 pt, in its own rounding), so a 3号 character is set 98 %
# wide (15.68 pt) to take one cell, and indents are whole cells.  On the grid LibreOffice adds no
# space between Chinese and digits (it ignores w:autoSpaceDE/DN="0", which Word follows).
GRID_CELL_TWIPS = 315
GRID_STYLES = ("公文正文", "主送机关", "一级标题", "二级标题", "三级标题", "四级标题", "署名日期", "附件说明",
               "附件标识")
BODY_CHAR_SCALE = 98


def cells(n: float) -> Twips:
    """``n`` character cells of the grid as an indent."""
    return Twips(round(GRID_CELL_TWIPS * n))


def _title(document, lines: list[str], **fmt):
    """A 公文标题 paragraph with the view-model's title lines as explicit line breaks, so Word
    breaks the title where GB/T 9704 wants it (trapezoid/diamond, no word split)."""
    return _add_lines(_para(document, "公文标题", **fmt), lines)


def _add_lines(paragraph, lines: list[str]):
    """``lines`` as runs joined by explicit line breaks (w:br)."""
    for n, line in enumerate(lines):
        run = paragraph.add_run(line)
        if n < len(lines) - 1:
            run.add_break()
    return paragraph

# style name → (font role, size pt, alignment, first-line indent in characters)
STYLES = {
    "公文正文": ("fang", 16, "justify", 2),
    "公文标题": ("title", 22, "center", 0),
    "发文机关标志": ("title", 36, "center", 0),
    "发文字号": ("fang", 16, "center", 0),
    "主送机关": ("fang", 16, "left", 0),
    "一级标题": ("hei", 16, "justify", 2),
    "二级标题": ("kai", 16, "justify", 2),
    "三级标题": ("fang", 16, "justify", 2),
    "四级标题": ("fang", 16, "justify", 2),
    "署名日期": ("fang", 16, "right", 0),
    "附件说明": ("fang", 16, "left", 0),
    "附件标识": ("hei", 16, "left", 0),
    "表格文字": ("fang", 12, "center", 0),
    "版记": ("fang", 14, "left", 0),
}
HEADING_STYLES = {1: "一级标题", 2: "二级标题", 3: "三级标题", 4: "四级标题"}
_ALIGN = {"justify": WD_ALIGN_PARAGRAPH.JUSTIFY, "center": WD_ALIGN_PARAGRAPH.CENTER,
          "left": WD_ALIGN_PARAGRAPH.LEFT, "right": WD_ALIGN_PARAGRAPH.RIGHT}


def define_styles(document) -> None:
    """Create the paragraph styles (used by the template builder)."""
    from docx.enum.style import WD_STYLE_TYPE

    for name, (role, size, align, indent) in STYLES.items():
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = document.styles["Normal"]
        style.quick_style = True
        ooxml.set_style_font(style, role, size)
        fmt = style.paragraph_format
        fmt.alignment = _ALIGN[align]
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(0)
        # the other styles keep their exact line heights, off the page's grid: LibreOffice would
        # give a line of a tall font (Noto CJK: 1.45 em) two grid lines
        if name not in GRID_STYLES:
            ooxml.no_grid_snap(style)
        if name == "表格文字":  # the PDF's table cells: line-height 1.35
            from docx.enum.text import WD_LINE_SPACING

            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = Pt(12 * 1.35)
        elif name == "发文机关标志":
            fmt.line_spacing = Pt(48)
        else:
            from docx.enum.text import WD_LINE_SPACING

            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = Pt(LINE_PT)
        if indent:
            fmt.first_line_indent = cells(indent)
        if name == "发文机关标志":
            style.font.color.rgb = RGBColor.from_string(ooxml.GONGWEN_RED)
        if name in GRID_STYLES:
            ooxml.set_style_char_scale(style, BODY_CHAR_SCALE)
        elif size == 16:
            ooxml.set_style_char_spacing(style, -5)
        if name in ("一级标题", "二级标题"):
            fmt.keep_with_next = True


def _set_style(paragraph, style) -> None:
    """``paragraph.style = style`` without python-docx's check against the default
    style, which scans every style of the template on each call (~2 ms; 0.4 s a plan)."""
    paragraph._p.get_or_add_pPr().style = style.style_id


def _para(document, style: str, text: str = "", **fmt):
    paragraph = document.add_paragraph(text)
    _set_style(paragraph, document.styles[style])
    for key, value in fmt.items():
        setattr(paragraph.paragraph_format, key, value)
    return paragraph


def _notice(document, view, seal: Path | None) -> None:
    if view.mark_text:
        size = view.mark_size
        # GB/T 9704: the 发文机关标志 35 mm below the top of the type area; an exact line of the
        # mark's size holds the glyph's top about 2 mm lower than the PDF's line box does
        mark = _para(document, "发文机关标志", space_before=Mm(37))
        ooxml.set_line_spacing_exact(mark, size)
        ooxml.set_run_font(mark.add_run(view.mark_text), "title", size)
        # the blank line under it, less the part of the glyph a CSS line box of height 1 lets
        # hang below the line (the PDF's mark-to-rule distance)
        ooxml.set_line_spacing_exact(_para(document, "发文字号"), LINE_PT - 10)
    number = _para(document, "发文字号", view.doc_number)
    ooxml.paragraph_border(number, "bottom", size_eighths=12, color=ooxml.GONGWEN_RED, space_pt=11)
    # two blank lines between the red rule and the title (plan.html: .after-redline + .blank)
    gap = _para(document, "公文正文")
    ooxml.set_line_spacing_exact(gap, AFTER_REDLINE_PT)
    ooxml.no_grid_snap(gap)
    _para(document, "公文正文")
    _title(document, view.notice_title_lines)
    _para(document, "公文正文")
    _para(document, "主送机关", f"{view.recipients}：")
    for n, text in enumerate(view.notice_body):
        # GB/T 9704: 署名 and 成文日期 stay with the text; the last paragraph moves with them
        last = n == len(view.notice_body) - 1
        _para(document, "公文正文", text, **({"keep_with_next": True, "keep_together": True} if last else {}))
    # unsealed: 署名 one line below the text; sealed: room for the seal's upper part
    for _ in range(2 if seal is not None else 1):
        _para(document, "公文正文", keep_with_next=True)
    name_indent, date_indent = view.signature.name_indent, view.signature.date_indent
    name = _para(document, "署名日期", view.issuer, right_indent=cells(name_indent), keep_with_next=True)
    _para(document, "署名日期", view.sign_date, right_indent=cells(date_indent))
    if seal is not None:
        run = name.add_run()
        try:
            run.add_picture(str(seal), width=Mm(SEAL_MM))
        except Exception:
            raise InputError(f"印章图片无法读取（应为 PNG 或 JPG）：{seal}") from None
        centre_mm = TYPE_AREA_WIDTH_MM - pt_to_mm(view.signature.seal_centre_chars * CHAR_PT)
        ooxml.float_picture_behind(run, offset_x_emu=Mm(centre_mm - SEAL_MM / 2), offset_y_emu=Mm(-14))


def _table(document, columns, rows, widths_mm, *, header_role="hei", row_height=None):
    """A table of the annexes as plan.html draws it: cells padded 3 pt × 4 pt, rows at least
    ``row_height`` (the td height plus its padding) and growing with their text."""
    table = document.add_table(rows=1, cols=len(columns))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    ooxml.set_table_borders(table)
    ooxml.table_cell_margins(table, **CELL_PADDING_PT)
    for cell, text in zip(table.rows[0].cells, columns):
        _set_style(cell.paragraphs[0], document.styles["表格文字"])
        ooxml.set_run_font(cell.paragraphs[0].add_run(text), header_role, 12)
        ooxml.set_cell_vertical_center(cell)
    ooxml.repeat_header_row(table.rows[0])
    for values in rows:
        row = table.add_row()
        ooxml.cant_split_row(row)
        if row_height:
            ooxml.row_height_at_least(row, row_height)
        for cell, text in zip(row.cells, values):
            _set_style(cell.paragraphs[0], document.styles["表格文字"])
            cell.paragraphs[0].add_run(str(text))
            ooxml.set_cell_vertical_center(cell)
    ooxml.set_column_widths(table, widths_mm)
    return table


def _annex_head(document, label: str, title_lines: list[str]) -> None:
    _para(document, "附件标识", label, page_break_before=True)
    _para(document, "公文正文")
    _title(document, title_lines)


def _annex3(document, view) -> float:
    a3 = view.annex3
    _annex_head(document, a3["label"], a3["title_lines"])
    table = document.add_table(rows=0, cols=4)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    ooxml.set_table_borders(table)

    used = [LINE_PT * (2 + len(a3["title_lines"]))]

    def row(values, height=26):
        r = table.add_row()
        ooxml.row_height_at_least(r, height)  # grows with its text
        used.append(height)
        for cell, text in zip(r.cells, values):
            _set_style(cell.paragraphs[0], document.styles["表格文字"])
            if text:
                _add_lines(cell.paragraphs[0], text if isinstance(text, list) else [text])
            ooxml.set_cell_vertical_center(cell)
        return r

    row(["培养人", "", "职务", ""])
    row(["培养对象", "", "培养建档时间", ""])
    # one option a line, as plan.html breaks them: the options cell is just under 29 characters wide,
    # and LibreOffice fills it with one character fewer than the PDF (“……教学 / 骨干” against “……教学骨 / 干”)
    tracks = row([a3["track_label"], a3["tracks"].split("　　"), "", ""], height=46)
    tracks.cells[1].merge(tracks.cells[3])
    first = None
    for i in range(a3["record_rows"]):
        r = row(["培养记录" if i == 0 else "", "", "", ""], height=44)
        r.cells[1].merge(r.cells[3])
        first = first or r
        if i:
            first.cells[0].merge(r.cells[0])
    ooxml.cell_text_direction(first.cells[0])
    opinion = row(["培养人意见", "", "", ""], height=56)
    opinion.cells[1].merge(opinion.cells[3])
    ooxml.set_column_widths(table, [30, 50, 32, 44])
    return sum(used)


def _colophon(document, view) -> None:
    rows = []
    if view.cc:
        rows.append([f"抄送：{view.cc}。".replace("。。", "。"), ""])
    rows.append([view.printer, f"{view.print_date}印发"])
    table = document.add_table(rows=0, cols=2)
    for values in rows:
        r = table.add_row()
        ooxml.row_height_exact(r, COLOPHON_ROW_PT)
        for cell, text, align in zip(r.cells, values, ("left", "right")):
            p = cell.paragraphs[0]
            _set_style(p, document.styles["版记"])
            p.alignment = _ALIGN[align]
            if align == "left":
                p.paragraph_format.left_indent = Pt(14)
            else:
                p.paragraph_format.right_indent = Pt(14)
            p.add_run(text)
        if view.cc and r is table.rows[0]:
            r.cells[0].merge(r.cells[1])
            r.cells[0].paragraphs[0].paragraph_format.right_indent = Pt(14)
    ooxml.table_edge_borders(table, {"top": 8, "bottom": 8, "insideH": 6})
    ooxml.set_column_widths(table, [88, 68])
    return table


def render_plan_docx(view, *, user_dir: Path | None = None) -> bytes:
    document = _empty_document(templates.find("docx", "plan.docx", user_dir))
    seal = Path(view.seal_path) if view.seal_path else None
    _notice(document, view, seal)
    _title(document, view.plan_title_lines, page_break_before=True)
    _plan_body(document, view)
    _attachment_list(document, view.attachments)
    _annex1(document, view.annex1)
    _annex2(document, view.annex2)
    used = _annex3(document, view)
    _colophon_spacer(document, view, used)
    _colophon(document, view)
    end = document.add_paragraph()  # a body must not end with a table
    end.paragraph_format.line_spacing = Pt(1)
    ooxml.no_grid_snap(end)
    from .docx import finish_document

    finish_document(document, author=view.issuer, title="".join(view.plan_title_lines))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _empty_document(path: Path):
    """The template with its styles checked and its body emptied (only the section properties kept)."""
    document = Document(str(path))
    missing = [name for name in STYLES if name not in [s.name for s in document.styles]]
    if missing:
        raise TemplateError(f"模板 {path} 缺少段落样式：{'、'.join(missing)}")
    body = document.element.body
    for child in list(body):  # keep only the section properties of the template
        if not child.tag.endswith("sectPr"):
            body.remove(child)
    return document


def _plan_body(document, view) -> None:
    """The 实施方案's paragraphs and headings (level 3 and below run into their text)."""
    _para(document, "公文正文")
    for block in view.blocks:
        if block.kind == "para":
            _para(document, "公文正文", block.text)
        elif block.level >= 3:
            p = _para(document, HEADING_STYLES[block.level])
            p.add_run(f"{block.label}{block.title}。")
            p.add_run(block.text)
        else:
            _para(document, HEADING_STYLES[block.level], f"{block.label}{block.title}")
    if document.paragraphs:
        document.paragraphs[-1].paragraph_format.keep_with_next = True  # the list keeps the text's end


def _attachment_list(document, attachments) -> None:
    """附件：1.… 2.… after a blank line, never split from the text's end nor across pages."""
    _para(document, "公文正文").paragraph_format.keep_with_next = True
    for n, name in enumerate(attachments, start=1):
        prefix = "附件：" if n == 1 else ""
        item = _para(document, "附件说明", f"{prefix}{n}.{name}", left_indent=cells(6),
                     first_line_indent=cells(-(4 if n == 1 else 1)))
        item.paragraph_format.keep_together = True
        item.paragraph_format.keep_with_next = n < len(attachments)  # the list is never split


def _annex1(document, a1) -> None:
    _annex_head(document, a1.label, a1.title_lines)
    _para(document, "公文正文")
    # table-layout: fixed with no column widths → four equal columns, as in the PDF
    _table(document, a1.columns, a1.rows, [TYPE_AREA_WIDTH_MM / 4] * 4, row_height=30 + ROW_EXTRA_PT)
    for n, note in enumerate(a1.notes):
        _note(document, f"注：{note}", first=n == 0)


def _annex2(document, a2) -> None:
    _annex_head(document, a2.label, a2.title_lines)
    line = _para(document, "版记", f"{a2.subtitle_left}\t{a2.subtitle_right}")
    line.paragraph_format.tab_stops.add_tab_stop(Mm(156), alignment=2)
    _table(document, a2.columns, a2.rows, a2.widths_mm, row_height=20 + ROW_EXTRA_PT)
    _note(document, "注：", first=True)
    for n, note in enumerate(a2.notes, start=1):
        _note(document, f"{n}.{note}")


def _note(document, text: str, *, first: bool = False) -> None:
    """A note under an annex's table as plan.html's .notes: 12 pt, 1.6 lines, indented 2 em."""
    note = _para(document, "表格文字", alignment=WD_ALIGN_PARAGRAPH.JUSTIFY, first_line_indent=Pt(2 * NOTE_PT),
                 space_before=Pt(8 if first else 0))
    ooxml.set_line_spacing_exact(note, NOTE_LINE_PT)
    note.add_run(text)


def _colophon_spacer(document, view, used: float) -> None:
    """The 版记 ends on the bottom of the last page's type area: a spacer of the remaining height
    (less 4 pt for the rules and the closing 1 pt paragraph)."""
    rows = 2 if view.cc else 1
    spacer = TYPE_AREA_PT - used - rows * COLOPHON_ROW_PT - 4
    if spacer > 2:
        gap = document.add_paragraph(style="表格文字")
        ooxml.set_line_spacing_exact(gap, spacer)
        ooxml.no_grid_snap(gap)
