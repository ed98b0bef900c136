"""Low-level OOXML for Word files: fonts by role, GB/T 9704 page geometry,
page-number footers, repeating table headers.  The only place that touches
raw WordprocessingML; documents and template builders call these helpers."""
from __future__ import annotations

from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips

from .fonts import ROLES

# GB/T 9704-2012 page in twips (see shared reference): top 37 mm, bottom 35, left 28, right 26.
GONGWEN_MARGINS = {"top": 2098, "bottom": 1984, "left": 1588, "right": 1474}
GONGWEN_LINE_PITCH = 579  # 22 lines in the 225 mm type area
SIZES = {"二号": 22, "三号": 16, "四号": 14, "小四": 12, "五号": 10.5}


def _rfonts(rpr):
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    return fonts


def apply_font(rpr, role_key: str) -> None:
    """Name the official font of ``role_key`` for East Asian and Latin text."""
    role = ROLES[role_key]
    fonts = _rfonts(rpr)
    fonts.set(qn("w:eastAsia"), role.official)
    fonts.set(qn("w:ascii"), role.ascii)
    fonts.set(qn("w:hAnsi"), role.ascii)
    fonts.set(qn("w:cs"), role.ascii)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)


def set_run_font(run, role_key: str, size_pt: float | None = None, bold: bool | None = None) -> None:
    apply_font(run._element.get_or_add_rPr(), role_key)
    if size_pt is not None:
        run.font.size = Pt(size_pt)
    if bold is not None:
        run.font.bold = bold


def set_style_font(style, role_key: str, size_pt: float | None = None) -> None:
    apply_font(style.element.get_or_add_rPr(), role_key)
    if size_pt is not None:
        style.font.size = Pt(size_pt)


def set_page(section, *, width_mm: float = 210, height_mm: float = 297, landscape: bool = False,
             margins_twips: dict[str, int] | None = None) -> None:
    margins = margins_twips or GONGWEN_MARGINS
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(height_mm), Mm(width_mm)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(width_mm), Mm(height_mm)
    section.top_margin = Twips(margins["top"])
    section.bottom_margin = Twips(margins["bottom"])
    section.left_margin = Twips(margins["left"])
    section.right_margin = Twips(margins["right"])
    section.footer_distance = Mm(28 - 7)  # page number 7 mm below the type area


def set_line_grid(section, line_pitch: int = GONGWEN_LINE_PITCH, char_space: int | None = None) -> None:
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    grid.set(qn("w:type"), "linesAndChars" if char_space is not None else "lines")
    grid.set(qn("w:linePitch"), str(line_pitch))
    if char_space is not None:
        grid.set(qn("w:charSpace"), str(char_space))


def _field(paragraph, instruction: str, role_key: str, size_pt: float) -> None:
    def run_with(child):
        run = paragraph.add_run()
        set_run_font(run, role_key, size_pt)
        run._element.append(child)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    number = paragraph.add_run("1")
    set_run_font(number, role_key, size_pt)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def _page_number_paragraph(paragraph, align: str, indent_chars: int, size_pt: float) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paragraph.alignment = {"right": WD_ALIGN_PARAGRAPH.RIGHT, "left": WD_ALIGN_PARAGRAPH.LEFT,
                           "center": WD_ALIGN_PARAGRAPH.CENTER}[align]
    if indent_chars:
        if align == "right":
            paragraph.paragraph_format.right_indent = Pt(size_pt * indent_chars)
        else:
            paragraph.paragraph_format.left_indent = Pt(size_pt * indent_chars)
    for text in ("— ",):
        set_run_font(paragraph.add_run(text), "song", size_pt)
    _field(paragraph, "PAGE", "song", size_pt)
    set_run_font(paragraph.add_run(" —"), "song", size_pt)


def add_page_numbers(document, section=None, *, gongwen: bool = True, size_pt: float = 14) -> None:
    """``— 1 —`` in 4号 宋体: odd pages right, even pages left (GB/T 9704), or centred."""
    section = section or document.sections[-1]
    if gongwen:
        settings = document.settings.element
        if settings.find(qn("w:evenAndOddHeaders")) is None:
            settings.append(OxmlElement("w:evenAndOddHeaders"))
        section.footer.is_linked_to_previous = False
        section.even_page_footer.is_linked_to_previous = False
        odd = section.footer.paragraphs[0]
        odd.text = ""
        _page_number_paragraph(odd, "right", 1, size_pt)
        even = section.even_page_footer.paragraphs[0]
        even.text = ""
        _page_number_paragraph(even, "left", 1, size_pt)
    else:
        footer = section.footer.paragraphs[0]
        footer.text = ""
        _page_number_paragraph(footer, "center", 0, size_pt)


def repeat_header_row(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    if tr_pr.find(qn("w:tblHeader")) is None:
        header = OxmlElement("w:tblHeader")
        header.set(qn("w:val"), "true")
        tr_pr.append(header)


def cant_split_row(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    if tr_pr.find(qn("w:cantSplit")) is None:
        tr_pr.append(OxmlElement("w:cantSplit"))


def set_table_borders(table, size_eighths: int = 4) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "single")
        element.set(qn("w:sz"), str(size_eighths))
        element.set(qn("w:space"), "0")
        element.set(qn("w:color"), "000000")
        borders.append(element)
    existing = tbl_pr.find(qn("w:tblBorders"))
    if existing is not None:
        tbl_pr.remove(existing)
    tbl_pr.append(borders)


def set_cell_vertical_center(cell) -> None:
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT

    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def set_column_widths(table, widths_mm: list[float]) -> None:
    table.autofit = False
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_mm):
        col.set(qn("w:w"), str(int(Mm(width).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm):
            cell.width = Mm(width)


def set_line_spacing_exact(paragraph, points: float) -> None:
    from docx.enum.text import WD_LINE_SPACING

    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(points)


def clear_cell_borders(cell, edges=("top", "bottom")) -> None:
    """Remove the named borders of one table cell (e.g. the gap between column groups)."""
    tc_pr = cell._tc.get_or_add_tcPr()
    borders = tc_pr.find(qn("w:tcBorders"))
    if borders is None:
        borders = OxmlElement("w:tcBorders")
        tc_pr.append(borders)
    for edge in edges:
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)


def page_break_before(paragraph) -> None:
    """Start ``paragraph`` on a new page."""
    p_pr = paragraph._p.get_or_add_pPr()
    if p_pr.find(qn("w:pageBreakBefore")) is None:
        p_pr.append(OxmlElement("w:pageBreakBefore"))
