"""荣誉证书 as a Word file built from the certificate view-model.

The view-model (``documents.certificate.sheet_view`` → ``SheetView``) says where every field goes, at which size and broken
into which lines; the fast PDF writer draws exactly that.  Here each field becomes a frame
(``w:framePr``, positioned from the page's top-left corner) holding the same lines, so the
Word file and the PDF come from the same positions and cannot drift apart: the 荣誉称号 stays
on the line the view-model fitted it to, with its quotes.  The design's frame is a page
border, its title 荣誉证书 a frame like the fields, the seal a picture floating over the 颁发单位.
"""
from __future__ import annotations

import io
from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt, RGBColor

from . import ooxml
from .docx_base import new_document

_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
          "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}
# the designs' title (certificate_formal.css / certificate_plain.css): colour, letter spacing (em)
TITLE_STYLE = {"formal": ("B3141B", 0.35), "plain": ("111111", 0.5)}
BORDER = {"formal": ("A8191C", "double", 18), "plain": ("A8191C", "single", 12)}


def _frame(document, field, text_lines: list[str], *, first_on_page: bool, align: str | None = None,
           colour: str | None = None, letter_spacing_em: float = 0.0):
    """One field: a frame at the field's box holding its lines, one exact line of the view-model's
    line pitch each (LibreOffice, like the PDF, centres the glyphs in an exact line)."""
    size, line_pt = field.size, field.line_pt
    paragraph = document.add_paragraph()
    if first_on_page:
        paragraph.paragraph_format.page_break_before = True
    fmt = paragraph.paragraph_format
    fmt.alignment = _ALIGN.get(align or field.align, WD_ALIGN_PARAGRAPH.LEFT)
    fmt.space_before = fmt.space_after = Pt(0)
    ooxml.set_line_spacing_exact(paragraph, line_pt)
    ooxml.no_grid_snap(paragraph)
    ooxml.frame_at(paragraph, x_mm=field.x, y_mm=field.y, width_mm=field.width,
                   height_mm=max(field.height, line_pt * len(text_lines) * 25.4 / 72))
    for n, line in enumerate(text_lines):
        run = paragraph.add_run(line)
        ooxml.set_run_font(run, field.role, size)
        if colour:
            run.font.color.rgb = RGBColor.from_string(colour)
        if letter_spacing_em:
            ooxml.set_char_spacing(run._element.get_or_add_rPr(), int(letter_spacing_em * size * 20))
        if n < len(text_lines) - 1:
            run.add_break()
    return paragraph


def _seal(paragraph, seal, path: Path) -> None:
    run = paragraph.add_run()
    run.add_picture(str(path), width=Mm(seal.size))
    ooxml.float_picture_behind(run, offset_x_emu=int(Mm(seal.x)), offset_y_emu=int(Mm(seal.y)), relative_to="page")


def render_certificates_docx(sheet, seal_path: Path | None = None, title: str = "荣誉证书") -> bytes:
    """All pages of ``sheet`` (documents.certificate.SheetView) as one DOCX."""
    document = new_document()
    section = document.sections[0]
    ooxml.set_page(section, width_mm=sheet.page_width, height_mm=sheet.page_height,
                   margins_twips={"top": 567, "bottom": 567, "left": 567, "right": 567})
    design = sheet.design
    if design in BORDER:
        colour, style, size = BORDER[design]
        ooxml.set_page_border(section, color=colour, style=style, size_eighths=size,
                              space_pt=int(min(31, sheet.frame_inset * 72 / 25.4)), offset_from="page")
    seal = sheet.seal
    for n, page in enumerate(sheet.pages):
        first = n > 0
        if design in TITLE_STYLE:
            colour, spacing = TITLE_STYLE[design]
            _frame(document, sheet.title_box, [title], first_on_page=first, align="center", colour=colour,
                   letter_spacing_em=spacing)
            first = False
        for field in page.fields:
            paragraph = _frame(document, field, field.lines, first_on_page=first)
            first = False
            if field.key == "issuer" and seal and seal_path:
                _seal(paragraph, seal, seal_path)
        # a plain paragraph after the page's frames: the anchor LibreOffice gives them
        anchor = document.add_paragraph()
        ooxml.set_line_spacing_exact(anchor, 1)
        ooxml.no_grid_snap(anchor)
    from .docx import finish_document

    finish_document(document, author=_issuer(sheet), title=title)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _issuer(sheet) -> str:
    for page in sheet.pages[:1]:
        for field in page.fields:
            if field.key == "issuer":
                return "".join(field.lines)
    return ""
