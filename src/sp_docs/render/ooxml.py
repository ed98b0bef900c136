"""Low-level OOXML for Word files: fonts by role, GB/T 9704 page geometry,
page-number footers, repeating table headers.  The only place that touches
raw WordprocessingML; documents and template builders call these helpers."""
from __future__ import annotations

from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips

from .fonts import ROLES
from .wordml import AMBIGUOUS_WIDTH

# GB/T 9704-2012 page in twips (see shared reference): top 37 mm, bottom 35, left 28, right 26.
GONGWEN_MARGINS = {"top": 2098, "bottom": 1984, "left": 1588, "right": 1474}
GONGWEN_LINE_PITCH = 579  # 22 lines in the 225 mm type area
SIZES = {"二号": 22, "三号": 16, "四号": 14, "小四": 12, "五号": 10.5}


# ECMA-376 (transitional) child order of the elements these helpers add children to.
_SEQUENCES = {
    "pPr": ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
            "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
            "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
            "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
            "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"),
    "rPr": ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
            "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w",
            "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign",
            "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath"),
    "tblPr": ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
              "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook",
              "tblCaption", "tblDescription", "tblPrChange"),
    "trPr": ("cnfStyle", "divId", "gridBefore", "gridAfter", "wBefore", "wAfter", "cantSplit", "trHeight",
             "tblHeader", "tblCellSpacing", "jc", "hidden", "ins", "del", "trPrChange"),
    "tcPr": ("cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
             "textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns", "cellDel", "cellMerge",
             "tcPrChange"),
    "sectPr": ("headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz", "pgMar",
               "paperSrc", "pgBorders", "lnNumType", "pgNumType", "cols", "formProt", "vAlign", "noEndnote",
               "titlePg", "textDirection", "bidi", "rtlGutter", "docGrid", "printerSettings", "sectPrChange"),
    "pBdr": ("top", "left", "bottom", "right", "between", "bar"),
    "tblBorders": ("top", "left", "bottom", "right", "insideH", "insideV"),
    "tcBorders": ("top", "left", "bottom", "right", "insideH", "insideV", "tl2br", "tr2bl"),
}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def insert_ordered(parent, element):
    """Add ``element`` to ``parent`` at its place in the schema's sequence (_SEQUENCES):
    before the first child that must follow it; returns ``element``."""
    sequence = _SEQUENCES[_local(parent.tag)]
    successors = {qn(f"w:{name}") for name in sequence[sequence.index(_local(element.tag)) + 1:]}
    for child in parent:
        if child.tag in successors:
            child.addprevious(element)
            return element
    parent.append(element)
    return element


def get_or_add(parent, tag: str):
    """The child ``w:<tag>`` of ``parent``, added in schema order when missing."""
    child = parent.find(qn(f"w:{tag}"))
    return child if child is not None else insert_ordered(parent, OxmlElement(f"w:{tag}"))


def apply_font(rpr, role_key: str) -> None:
    """Name the official font of ``role_key`` for East Asian and Latin text."""
    role = ROLES[role_key]
    fonts = rpr.get_or_add_rFonts()
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
    grid = get_or_add(section._sectPr, "docGrid")
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
        document.settings.odd_and_even_pages_header_footer = True
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
    get_or_add(row._tr.get_or_add_trPr(), "tblHeader")


def cant_split_row(row) -> None:
    get_or_add(row._tr.get_or_add_trPr(), "cantSplit")


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
    insert_ordered(tbl_pr, borders)


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
    borders = get_or_add(cell._tc.get_or_add_tcPr(), "tcBorders")
    for edge in edges:
        element = get_or_add(borders, edge)
        element.set(qn("w:val"), "nil")


def page_break_before(paragraph) -> None:
    """Start ``paragraph`` on a new page."""
    paragraph.paragraph_format.page_break_before = True


# -- certificates: page border and a fast docxtpl-free batch path ---------------

def set_page_border(section, *, color: str = "A8191C", size_eighths: int = 24, space_pt: int = 20,
                    style: str = "double", offset_from: str = "text") -> None:
    """A border round every page of ``section`` (w:pgBorders), ``space_pt`` from the text or the
    page's edge (``offset_from``)."""
    sect_pr = section._sectPr
    for old in sect_pr.findall(qn("w:pgBorders")):
        sect_pr.remove(old)
    borders = OxmlElement("w:pgBorders")
    borders.set(qn("w:offsetFrom"), offset_from)
    for side in ("top", "left", "bottom", "right"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:val"), style)
        element.set(qn("w:sz"), str(size_eighths))
        element.set(qn("w:space"), str(space_pt))
        element.set(qn("w:color"), color)
        borders.append(element)
    insert_ordered(sect_pr, borders)


PAGE_BREAK_PARAGRAPH = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'


def split_document_body(document_xml: str) -> tuple[str, str, str]:
    """``word/document.xml`` (or a lone <w:body> element) → (everything up to and
    including the <w:body …> tag, the body content, the final <w:sectPr> and what
    follows) so bodies of several renders can be joined."""
    start = document_xml.index(">", document_xml.index("<w:body")) + 1
    sect = document_xml.rfind("<w:sectPr")
    end = document_xml.rindex("</w:body>")
    if sect < start:
        sect = end
    return document_xml[:start], document_xml[start:sect], document_xml[sect:]


def docx_with_parts(template: bytes, parts: dict[str, bytes]) -> bytes:
    """A copy of the DOCX package ``template`` with ``parts`` (zip names) replaced."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=3) as target:
        for item in source.infolist():
            data = parts.get(item.filename)
            target.writestr(item, data if data is not None else source.read(item.filename),
                            compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


# --- a floating picture (a seal over the 署名 and 成文日期) ------------------------------------


def float_picture_behind(run, *, offset_x_emu: int = 0, offset_y_emu: int = 0, relative_to: str = "") -> None:
    """Turn the run's inline picture into one floating in front of the text, positioned
    relative to the paragraph (a seal over the 署名 and 成文日期)."""
    drawing = run._element.find(qn("w:drawing"))
    inline = drawing.find(qn("wp:inline"))
    anchor = OxmlElement("wp:anchor")
    for name, value in (("distT", "0"), ("distB", "0"), ("distL", "0"), ("distR", "0"), ("simplePos", "0"),
                        ("relativeHeight", "251659264"), ("behindDoc", "0"), ("locked", "0"),
                        ("layoutInCell", "1"), ("allowOverlap", "1")):
        anchor.set(name, value)
    simple = OxmlElement("wp:simplePos")
    simple.set("x", "0")
    simple.set("y", "0")
    anchor.append(simple)
    horizontal, vertical = (relative_to, relative_to) if relative_to else ("column", "paragraph")
    for axis, relative, offset in (("wp:positionH", horizontal, offset_x_emu), ("wp:positionV", vertical, offset_y_emu)):
        pos = OxmlElement(axis)
        pos.set("relativeFrom", relative)
        off = OxmlElement("wp:posOffset")
        off.text = str(int(offset))
        pos.append(off)
        anchor.append(pos)
    anchor.append(inline.find(qn("wp:extent")))
    effect = OxmlElement("wp:effectExtent")
    for side in ("l", "t", "r", "b"):
        effect.set(side, "0")
    anchor.append(effect)
    anchor.append(OxmlElement("wp:wrapNone"))
    for tag in ("wp:docPr", "wp:cNvGraphicFramePr", "a:graphic"):
        child = inline.find(qn(tag))
        if child is not None:
            anchor.append(child)
    drawing.remove(inline)
    drawing.append(anchor)


def char_grid(section, line_pitch: int = GONGWEN_LINE_PITCH, char_space: int = -849) -> None:
    """22 lines × 28 characters: line pitch 579 twips, characters pitched to 156 mm / 28."""
    set_line_grid(section, line_pitch, char_space)


def set_style_char_spacing(style, twentieths_pt: int) -> None:
    """Condense/expand characters (w:spacing in the style's run properties); −5 = −0.25 pt
    puts 28 characters of 3号 type on a 156 mm line."""
    set_char_spacing(style.element.get_or_add_rPr(), twentieths_pt)


def set_style_char_scale(style, percent: int) -> None:
    """Characters of the style set ``percent`` % wide (w:w)."""
    get_or_add(style.element.get_or_add_rPr(), "w").set(qn("w:val"), str(percent))


def set_char_spacing(rpr, twentieths_pt: int) -> None:
    """w:spacing (character spacing in twentieths of a point) of run properties ``rpr``."""
    get_or_add(rpr, "spacing").set(qn("w:val"), str(twentieths_pt))


def no_grid_snap(target) -> None:
    """Let a paragraph (or every paragraph of a paragraph style) keep its own line spacing
    instead of snapping to the document's line grid (w:snapToGrid w:val="0"): table cells
    and spacers on a GB/T 9704 grid page would otherwise grow to whole grid lines."""
    element = target._p if hasattr(target, "_p") else target.element
    get_or_add(element.get_or_add_pPr(), "snapToGrid").set(qn("w:val"), "0")


# --- a seal picture for docx templates rendered without python-docx (certificates) ----------

SEAL_X_MARK = "918273645"  # stand-ins the caller replaces in the run XML for each document
SEAL_ID_MARK = "918273"


def floating_picture_run(package: bytes, image, width_mm: float, offset_y_emu: int) -> tuple[bytes, str]:
    """``package`` (a .docx) with ``image`` added as a part and related from the main document,
    and the XML of one run holding that picture ``width_mm`` wide, floating in front of the
    text (float_picture_behind), ``offset_y_emu`` below the top of its paragraph.  The
    horizontal offset from the column (SEAL_X_MARK) and the drawing id (SEAL_ID_MARK) are
    placeholders for the caller to fill in for each document."""
    import io

    from docx import Document
    from lxml import etree

    document = Document(io.BytesIO(package))
    run = document.add_paragraph().add_run()
    run.add_picture(str(image), width=Mm(width_mm))
    float_picture_behind(run, offset_x_emu=int(SEAL_X_MARK), offset_y_emu=offset_y_emu)
    doc_pr = run._element.find(".//" + qn("wp:docPr"))
    doc_pr.set("id", SEAL_ID_MARK)
    doc_pr.set("name", "印章")
    out = io.BytesIO()
    document.save(out)
    xml = etree.tostring(run._element, encoding="unicode")
    return out.getvalue(), xml


# --- full-width quotes ------------------------------------------------------------------------

# AMBIGUOUS_WIDTH (render.wordml): characters whose width depends on the script they are taken
# for (“ ” ‘ ’ — … ·): full width in a Chinese font, half width in a Latin one.


def east_asian_hints(element) -> int:
    """Mark every run under ``element`` whose text holds a quote, dash or ellipsis with
    ``w:rFonts w:hint="eastAsia"``, so Word takes them as East Asian characters and lays
    them out full width in the run's Chinese font, as the PDF does.  Returns the count."""
    marked = 0
    for text in element.iter(qn("w:t")):
        if not text.text or AMBIGUOUS_WIDTH.isdisjoint(text.text):
            continue
        run = text.getparent()
        if run.tag != qn("w:r"):
            continue
        run.get_or_add_rPr().get_or_add_rFonts().set(qn("w:hint"), "eastAsia")
        marked += 1
    return marked


def table_cell_margins(table, *, top_pt: float, bottom_pt: float, left_pt: float, right_pt: float) -> None:
    """Default cell margins of ``table`` (w:tblCellMar), like the PDF's cell padding."""
    margins = get_or_add(table._tbl.tblPr, "tblCellMar")
    for edge, value in (("top", top_pt), ("left", left_pt), ("bottom", bottom_pt), ("right", right_pt)):
        element = margins.find(qn(f"w:{edge}"))
        if element is None:
            element = OxmlElement(f"w:{edge}")
            margins.append(element)  # built in schema order: top, left, bottom, right
        element.set(qn("w:w"), str(int(value * 20)))
        element.set(qn("w:type"), "dxa")


def frame_at(paragraph, *, x_mm: float, y_mm: float, width_mm: float, height_mm: float) -> None:
    """Put ``paragraph`` in a frame (w:framePr) at (x, y) from the page's top-left corner,
    ``width_mm`` wide and exactly ``height_mm`` high, text around it unaffected."""
    frame = get_or_add(paragraph._p.get_or_add_pPr(), "framePr")
    for name, value in (("w", Mm(width_mm).twips), ("h", Mm(height_mm).twips), ("hRule", "exact"),
                        ("hSpace", 0), ("vSpace", 0), ("wrap", "around"), ("hAnchor", "page"),
                        ("vAnchor", "page"), ("x", Mm(x_mm).twips), ("y", Mm(y_mm).twips)):
        frame.set(qn(f"w:{name}"), str(int(value)) if not isinstance(value, str) else value)
