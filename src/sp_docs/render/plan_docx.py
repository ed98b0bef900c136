"""The 实施方案 with its 印发通知 as one GB/T 9704 Word file.

The template (templates/docx/plan.docx, built by tools/make_plan_templates.py) carries the
page set-up, document grid, odd/even page-number footers and one paragraph style per text
role; this module appends the view-model's content using those styles, so a user restyles a
heading level once in Word and every heading of that level follows.

The body is written directly as WordprocessingML (render.wordml) into the template package
read once per process (render.docx_package): no python-docx on this path, each element
written whole and in order.  The document is the one the earlier python-docx writer made
(tests/test_plan_docx_speed.py compares every part with its output)."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from ..errors import InputError, TemplateError
from ..units import (CHAR_PT, COLOPHON_COLUMNS_MM, COLOPHON_INDENT_PT, SEAL_MM, TYPE_AREA_HEIGHT_PT, TYPE_AREA_WIDTH_MM,
                     pt_to_mm)
from . import docx_package, templates
from .wordml import (GONGWEN_RED, bottom_border, cell, exact_line, font_attrs, lines_runs, mm_twips, paragraph,
                     pt_twips, row, run, table_borders, table_start)

BODY_PT = 16
LINE_PT = 28.95
COLOPHON_ROW_PT = 28
# plan.html: table.grid cells are padded 3 pt × 4 pt; the td heights (30/20 pt) exclude it
CELL_PADDING_PT = {"top": 3, "bottom": 3, "left": 4, "right": 4}
ROW_EXTRA_PT = 6 + 0.75
NOTE_PT, NOTE_LINE_PT = 12, 12 * 1.6  # .notes: 12 pt, line-height 1.6, indent 2 em, 8 pt above
AFTER_REDLINE_PT = 24.7 + 9  # plan.html's .after-redline, plus the glyph's drop in an exact 22 pt line
TYPE_AREA_PT = TYPE_AREA_HEIGHT_PT
GRID_BORDERS = {edge: 4 for edge in ("top", "left", "bottom", "right", "insideH", "insideV")}
# The body styles snap to the template's 22 × 28 character grid (w:docGrid linesAndChars,
# tools/make_plan_templates.py).  LibreOffice gives each character a whole number of grid cells
# (315 twips: 16 pt less the grid's 0.21 pt, in its own rounding), so a 3号 character is set 98 %
# wide (15.68 pt) to take one cell, and indents are whole cells.  On the grid LibreOffice adds no
# space between Chinese and digits (it ignores w:autoSpaceDE/DN="0", which Word follows).
GRID_CELL_TWIPS = 315
GRID_STYLES = ("公文正文", "主送机关", "一级标题", "二级标题", "三级标题", "四级标题", "署名日期", "附件说明",
               "附件标识")
BODY_CHAR_SCALE = 98


def cell_twips(n: float) -> int:
    """``n`` character cells of the grid, in twips."""
    return round(GRID_CELL_TWIPS * n)


def cells(n: float):
    """``n`` character cells of the grid as a python-docx indent (template builder)."""
    from docx.shared import Twips

    return Twips(cell_twips(n))


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


def define_styles(document) -> None:
    """Create the paragraph styles (used by the template builder)."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Pt, RGBColor

    from . import ooxml

    align_of = {"justify": WD_ALIGN_PARAGRAPH.JUSTIFY, "center": WD_ALIGN_PARAGRAPH.CENTER,
                "left": WD_ALIGN_PARAGRAPH.LEFT, "right": WD_ALIGN_PARAGRAPH.RIGHT}
    for name, (role, size, align, indent) in STYLES.items():
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = document.styles["Normal"]
        style.quick_style = True
        ooxml.set_style_font(style, role, size)
        fmt = style.paragraph_format
        fmt.alignment = align_of[align]
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(0)
        # the other styles keep their exact line heights, off the page's grid: LibreOffice would
        # give a line of a tall font (Noto CJK: 1.45 em) two grid lines
        if name not in GRID_STYLES:
            ooxml.no_grid_snap(style)
        if name == "表格文字":  # the PDF's table cells: line-height 1.35
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = Pt(12 * 1.35)
        elif name == "发文机关标志":
            fmt.line_spacing = Pt(48)
        else:
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = Pt(LINE_PT)
        if indent:
            fmt.first_line_indent = cells(indent)
        if name == "发文机关标志":
            style.font.color.rgb = RGBColor.from_string(GONGWEN_RED)
        if name in GRID_STYLES:
            ooxml.set_style_char_scale(style, BODY_CHAR_SCALE)
        elif size == 16:
            ooxml.set_style_char_spacing(style, -5)
        if name in ("一级标题", "二级标题"):
            fmt.keep_with_next = True



class _Body:
    """The document's body as WordprocessingML, appended piece by piece."""

    def __init__(self, package: docx_package.TemplatePackage):
        self.parts: list[str] = []
        self.package = package
        self.ids = package.style_ids
        from .fonts import ROLES

        self.fonts = {key: font_attrs(role.official, role.ascii) for key, role in ROLES.items()}

    def para(self, style: str | None, text: str = "", *, runs: str = "", **props) -> None:
        """A paragraph of ``style`` holding ``text`` (none when empty) and ``runs``."""
        self.parts.append(paragraph(self.ids[style] if style else None, (run(text) if text else "") + runs, **props))

    def title(self, lines: list[str], **props) -> None:
        """A 公文标题 paragraph with the view-model's title lines as explicit line breaks, so Word
        breaks the title where GB/T 9704 wants it (trapezoid/diamond, no word split)."""
        self.para("公文标题", runs=lines_runs(lines), **props)

    def cell_para(self, runs: str, style: str = "表格文字", **props) -> str:
        return paragraph(self.ids[style], runs, **props)


def render_plan_docx(view, *, user_dir: Path | None = None) -> bytes:
    path = templates.find("docx", "plan.docx", user_dir)
    package = docx_package.load(path)
    missing = [name for name in STYLES if name not in package.style_ids]
    if missing:
        raise TemplateError(f"模板 {path} 缺少段落样式：{'、'.join(missing)}")
    body = _Body(package)
    seal = _seal(package, view.seal_path) if view.seal_path else None
    _notice(body, view, seal)
    body.title(view.plan_title_lines, page_break=True)
    _plan_body(body, view)
    _attachment_list(body, view.attachments)
    _annex1(body, view.annex1)
    _annex2(body, view.annex2)
    used = _annex3(body, view)
    _colophon_spacer(body, view, used)
    _colophon(body, view)
    body.para(None, snap=False, spacing=exact_line(1))  # a body must not end with a table
    # what render.docx.finish_document gives every DOCX: the issuer as author, the title, now
    now = datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None)
    return docx_package.write(package, "".join(body.parts), author=view.issuer or "sp-docs",
                              title="".join(view.plan_title_lines), now=now, image=seal and seal[0])


def _seal(package, seal_path: str):
    """((image, relationship id, part name), shape id) of the seal picture."""
    try:
        image = docx_package.read_image(Path(seal_path))
    except InputError:
        raise
    except Exception:
        raise InputError(f"印章图片无法读取（应为 PNG 或 JPG）：{seal_path}") from None
    rel_id, name = docx_package.image_slot(package, image)
    return (image, rel_id, name), docx_package.next_shape_id(package)


def _seal_run(seal, view) -> str:
    from .wordml import floating_picture

    (image, rel_id, _), shape_id = seal
    width = int(SEAL_MM * 36000)
    centre_mm = TYPE_AREA_WIDTH_MM - pt_to_mm(view.signature.seal_centre_chars * CHAR_PT)
    drawing = floating_picture(rel_id, image.filename, width, image.height_emu(width), shape_id=shape_id,
                               offset_x=int((centre_mm - SEAL_MM / 2) * 36000), offset_y=int(-14 * 36000))
    return run(extra=drawing)


def _notice(body: _Body, view, seal) -> None:
    if view.mark_text:
        size = view.mark_size
        # GB/T 9704: the 发文机关标志 35 mm below the top of the type area; an exact line of the
        # mark's size holds the glyph's top about 2 mm lower than the PDF's line box does
        body.para("发文机关标志", runs=run(view.mark_text, fonts=body.fonts["title"], size_pt=size),
                  spacing=exact_line(size, before=mm_twips(37)))
        # the blank line under it, less the part of the glyph a CSS line box of height 1 lets
        # hang below the line (the PDF's mark-to-rule distance)
        body.para("发文字号", spacing=exact_line(LINE_PT - 10))
    body.para("发文字号", view.doc_number, border=bottom_border(12, GONGWEN_RED, 11))
    # two blank lines between the red rule and the title (plan.html: .after-redline + .blank)
    body.para("公文正文", snap=False, spacing=exact_line(AFTER_REDLINE_PT))
    body.para("公文正文")
    body.title(view.notice_title_lines)
    body.para("公文正文")
    body.para("主送机关", f"{view.recipients}：")
    for n, text in enumerate(view.notice_body):
        # GB/T 9704: 署名 and 成文日期 stay with the text; the last paragraph moves with them
        last = n == len(view.notice_body) - 1
        body.para("公文正文", text, keep_next=True if last else None, keep_lines=last)
    # unsealed: 署名 one line below the text; sealed: room for the seal's upper part
    for _ in range(2 if seal is not None else 1):
        body.para("公文正文", keep_next=True)
    signature = view.signature
    body.para("署名日期", view.issuer, runs=_seal_run(seal, view) if seal else "", keep_next=True,
              ind={"right": cell_twips(signature.name_indent)})
    body.para("署名日期", view.sign_date, ind={"right": cell_twips(signature.date_indent)})


def _plan_body(body: _Body, view) -> None:
    """The 实施方案's paragraphs and headings (level 3 and below run into their text); the last
    keeps with the attachment list."""
    blocks = view.blocks
    body.para("公文正文", keep_next=True if not blocks else None)
    for n, block in enumerate(blocks):
        keep = True if n == len(blocks) - 1 else None
        if block.kind == "para":
            body.para("公文正文", block.text, keep_next=keep)
        elif block.level >= 3:
            body.para(HEADING_STYLES[block.level], runs=run(f"{block.label}{block.title}。") + run(block.text),
                      keep_next=keep)
        else:
            body.para(HEADING_STYLES[block.level], f"{block.label}{block.title}", keep_next=keep)


def _attachment_list(body: _Body, attachments) -> None:
    """附件：1.… 2.… after a blank line, never split from the text's end nor across pages."""
    body.para("公文正文", keep_next=True)
    for n, name in enumerate(attachments, start=1):
        prefix = "附件：" if n == 1 else ""
        # the list is never split
        body.para("附件说明", f"{prefix}{n}.{name}", keep_next=n < len(attachments), keep_lines=True,
                  ind={"left": cell_twips(6), "hanging": cell_twips(4 if n == 1 else 1)})


def _table(body: _Body, columns, rows, widths_mm, *, row_height=None) -> None:
    """A table of the annexes as plan.html draws it: cells padded 3 pt × 4 pt, rows at least
    ``row_height`` (the td height plus its padding) and growing with their text; header row
    in 黑体 repeated on each page."""
    widths = _widths(body, widths_mm, len(columns))
    head = "".join(cell(w, body.cell_para(run(text, fonts=body.fonts["hei"], size_pt=12)))
                   for w, text in zip(widths, columns))
    out = [table_start(widths, table_borders(GRID_BORDERS), centred=True, cell_margins_pt=CELL_PADDING_PT),
           row(head, header=True)]
    for values in rows:
        texts = [str(v) for v in values][:len(widths)]
        cells_xml = [cell(w, body.cell_para(run(t))) for w, t in zip(widths, texts)]
        cells_xml += [cell(w, "<w:p/>", centred=False) for w in widths[len(texts):]]  # as python-docx left them
        out.append(row("".join(cells_xml), cant_split=True, height_pt=row_height))
    out.append("</w:tbl>")
    body.parts.append("".join(out))


def _widths(body: _Body, widths_mm, columns: int) -> list[int]:
    """Column widths in twips; columns without one keep python-docx's share of the type area."""
    default = round((body.package.block_twips * 635 // columns) / 635)
    return [mm_twips(widths_mm[i]) if i < len(widths_mm) else default for i in range(columns)]


def _annex_head(body: _Body, label: str, title_lines: list[str]) -> None:
    body.para("附件标识", label, page_break=True)
    body.para("公文正文")
    body.title(title_lines)


def _annex1(body: _Body, a1) -> None:
    _annex_head(body, a1.label, a1.title_lines)
    body.para("公文正文")
    # table-layout: fixed with no column widths → four equal columns, as in the PDF
    _table(body, a1.columns, a1.rows, [TYPE_AREA_WIDTH_MM / 4] * 4, row_height=30 + ROW_EXTRA_PT)
    for n, note in enumerate(a1.notes):
        _note(body, f"注：{note}", first=n == 0)


def _annex2(body: _Body, a2) -> None:
    _annex_head(body, a2.label, a2.title_lines)
    body.para("版记", f"{a2.subtitle_left}\t{a2.subtitle_right}", tabs=f'<w:tab w:val="right" w:pos="{mm_twips(156)}"/>')
    _table(body, a2.columns, a2.rows, a2.widths_mm, row_height=20 + ROW_EXTRA_PT)
    _note(body, "注：", first=True)
    for n, note in enumerate(a2.notes, start=1):
        _note(body, f"{n}.{note}")


def _note(body: _Body, text: str, *, first: bool = False) -> None:
    """A note under an annex's table as plan.html's .notes: 12 pt, 1.6 lines, indented 2 em."""
    body.para("表格文字", runs=run(text), spacing=exact_line(NOTE_LINE_PT, before=pt_twips(8 if first else 0)),
              ind={"firstLine": pt_twips(2 * NOTE_PT)}, jc="justify")


def _annex3(body: _Body, view) -> float:
    """The ledger form: 4 columns, the track options, record rows merged down the first column."""
    a3 = view.annex3
    _annex_head(body, a3["label"], a3["title_lines"])
    widths = _widths(body, [30, 50, 32, 44], 4)
    default = _widths(body, [], 4)[0]  # a merged-away cell keeps the width it was made with
    out = [table_start(widths, table_borders(GRID_BORDERS), centred=True)]
    used = [LINE_PT * (2 + len(a3["title_lines"]))]

    def text_para(text) -> str:
        return body.cell_para(lines_runs(text if isinstance(text, list) else [text]) if text else "")

    def add(cells_xml: list[str], height: float) -> None:
        out.append(row("".join(cells_xml), height_pt=height))  # grows with its text
        used.append(height)

    add([cell(w, text_para(t)) for w, t in zip(widths, ["培养人", "", "职务", ""])], 26)
    add([cell(w, text_para(t)) for w, t in zip(widths, ["培养对象", "", "培养建档时间", ""])], 26)
    # one option a line, as plan.html breaks them: the options cell is just under 29 characters wide,
    # and LibreOffice fills it with one character fewer than the PDF (“……教学 / 骨干” against “……教学骨 / 干”)
    wide = widths[3]  # the merged cell takes the width set last, the last column's
    add([cell(widths[0], text_para(a3["track_label"])), cell(wide, text_para(a3["tracks"].split("　　")), span=3)], 46)
    records = a3["record_rows"]
    for i in range(records):
        merge = None if records < 2 else ("restart" if i == 0 else "")
        first = cell(widths[0] if i == 0 else default, text_para("培养记录" if i == 0 else ""), v_merge=merge,
                     direction="tbRlV" if i == 0 else "")
        add([first, cell(wide, text_para(""), span=3)], 44)
    add([cell(widths[0], text_para("培养人意见")), cell(wide, text_para(""), span=3)], 56)
    out.append("</w:tbl>")
    body.parts.append("".join(out))
    return sum(used)


def _colophon_spacer(body: _Body, view, used: float) -> None:
    """The 版记 ends on the bottom of the last page's type area: a spacer of the remaining height
    (less 4 pt for the rules and the closing 1 pt paragraph)."""
    spacer = TYPE_AREA_PT - used - sum(lines for *_, lines in view.colophon) * COLOPHON_ROW_PT - 4
    if spacer > 2:
        body.para("表格文字", snap=False, spacing=exact_line(spacer))


def _colophon(body: _Body, view) -> None:
    """The 版记: 抄送 and 印发机关/印发日期 between rules, 14 pt in from the edges; each row as many
    lines high as the view-model says (a 抄送 too long for the left cell across the row)."""
    widths = _widths(body, list(COLOPHON_COLUMNS_MM), 2)
    out = [table_start(widths, table_borders({"top": 8, "bottom": 8, "insideH": 6}), centred=False)]
    indent = pt_twips(COLOPHON_INDENT_PT)
    for left, right, lines in view.colophon:
        across = right is None
        cells_xml = cell(sum(widths) if across else widths[0],
                         body.cell_para(run(left), "版记", ind={"left": indent, **({"right": indent} if across else {})},
                                        jc="left"), centred=False, span=2 if across else 1)
        if not across:
            cells_xml += cell(widths[1], body.cell_para(run(right), "版记", ind={"right": indent}, jc="right"),
                              centred=False)
        out.append(row(cells_xml, height_pt=lines * COLOPHON_ROW_PT, rule="exact"))
    out.append("</w:tbl>")
    body.parts.append("".join(out))
