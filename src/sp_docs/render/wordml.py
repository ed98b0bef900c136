"""WordprocessingML as text: runs, paragraphs, table rows and a floating picture written
straight into a body's XML, for writers that build a whole document at once (the 实施方案).

Each element is written complete, its children in the schema's order, so nothing is
searched or re-ordered afterwards; the values are python-docx's (``Pt``, ``Mm``, half
points), so a document is the one python-docx would build.  No python-docx import."""
from __future__ import annotations

import re

EMU_PER_PT, EMU_PER_MM, EMU_PER_TWIP = 12700, 36000, 635
GONGWEN_RED = "FF0000"  # the 发文机关标志 and the rule under the 发文字号
# characters taken as East Asian when the run says so (render.ooxml.east_asian_hints)
AMBIGUOUS_WIDTH = frozenset("‘’“”—…·")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPLIT = re.compile(r"([\t\r\n])")
JC = {"justify": "both", "center": "center", "left": "left", "right": "right"}


def esc(text: str) -> str:
    """``text`` for an XML text node or a double-quoted attribute (characters XML cannot
    hold are left out)."""
    text = str(text)
    if _NOT_XML.search(text):
        text = _NOT_XML.sub("", text)
    return text.translate(_ESCAPES)


def pt_twips(points: float) -> int:
    """``Pt(points)`` in twips, rounded as python-docx writes it."""
    return round(int(points * EMU_PER_PT) / EMU_PER_TWIP)


def mm_twips(mm: float) -> int:
    return round(int(mm * EMU_PER_MM) / EMU_PER_TWIP)


def half_points(points: float) -> int:
    """A font size in half points (w:sz) as python-docx writes ``Pt(points)``."""
    return int(int(points * EMU_PER_PT) / EMU_PER_PT * 2)


def font_attrs(official: str, latin: str) -> str:
    """w:rFonts attributes naming a font for East Asian and for Latin text."""
    official, latin = esc(official), esc(latin)
    return f'w:eastAsia="{official}" w:ascii="{latin}" w:hAnsi="{latin}" w:cs="{latin}"'


def _content(text: str) -> str:
    """A run's text as python-docx's ``run.text = text`` writes it: tabs → w:tab, line ends
    → w:br, the rest in w:t (space preserved when it starts or ends with white space)."""
    if "\t" not in text and "\r" not in text and "\n" not in text:
        return _t(text) if text else ""
    out = []
    for piece in _SPLIT.split(text):
        if piece == "\t":
            out.append("<w:tab/>")
        elif piece in ("\r", "\n"):
            out.append("<w:br/>")
        elif piece:
            out.append(_t(piece))
    return "".join(out)


def _t(text: str) -> str:
    space = ' xml:space="preserve"' if len(text.strip()) < len(text) else ""
    return f"<w:t{space}>{esc(text)}</w:t>"


def run(text: str = "", *, fonts: str = "", size_pt: float | None = None, extra: str = "") -> str:
    """A w:r holding ``text``; ``fonts`` (font_attrs) and ``size_pt`` as its run properties.
    A run with a quote, dash or ellipsis gets ``w:hint="eastAsia"`` (full width, as the PDF).
    ``extra``: XML appended after the text (a w:br, a drawing)."""
    hint = not AMBIGUOUS_WIDTH.isdisjoint(text)
    props = ""
    if fonts or hint:
        attrs = " ".join(a for a in (fonts, 'w:hint="eastAsia"' if hint else "") if a)
        props = f"<w:rFonts {attrs}/>"
    if size_pt is not None:
        props += f'<w:sz w:val="{half_points(size_pt)}"/>'
    props = f"<w:rPr>{props}</w:rPr>" if props else ""
    body = _content(text) + extra
    return f"<w:r>{props}{body}</w:r>" if props or body else "<w:r/>"


def lines_runs(lines: list[str]) -> str:
    """``lines`` as runs, each but the last ending in a line break (w:br)."""
    last = len(lines) - 1
    return "".join(run(line, extra="<w:br/>" if n < last else "") for n, line in enumerate(lines))


def _attrs(values: dict) -> str:
    return " ".join(f'w:{name}="{value}"' for name, value in values.items())


def paragraph(style_id: str | None, runs: str = "", *, keep_next: bool | None = None, keep_lines: bool = False,
              page_break: bool = False, border: str = "", tabs: str = "", snap: bool = True,
              spacing: dict | None = None, ind: dict | None = None, jc: str = "") -> str:
    """A w:p with its properties in schema order: ``spacing``/``ind`` as twips by attribute
    name (before, line, lineRule; left, right, firstLine, hanging), ``jc`` a JC key;
    ``keep_next=False`` writes an explicit ``w:keepNext w:val="0"``."""
    props = [f'<w:pStyle w:val="{esc(style_id)}"/>' if style_id else ""]
    if keep_next is not None:
        props.append("<w:keepNext/>" if keep_next else '<w:keepNext w:val="0"/>')
    props += ["<w:keepLines/>" if keep_lines else "", "<w:pageBreakBefore/>" if page_break else "",
              border, f"<w:tabs>{tabs}</w:tabs>" if tabs else "", "" if snap else '<w:snapToGrid w:val="0"/>',
              f"<w:spacing {_attrs(spacing)}/>" if spacing else "", f"<w:ind {_attrs(ind)}/>" if ind else "",
              f'<w:jc w:val="{JC[jc]}"/>' if jc else ""]
    props = "".join(props)
    return f"<w:p>{'<w:pPr>' + props + '</w:pPr>' if props else ''}{runs}</w:p>"


def exact_line(points: float, **before) -> dict:
    """w:spacing of an exact line ``points`` high (``before=`` twips above)."""
    return {**before, "lineRule": "exact", "line": pt_twips(points)}


def bottom_border(size_eighths: int, color: str, space_pt: int) -> str:
    return (f'<w:pBdr><w:bottom w:val="single" w:sz="{size_eighths}" w:space="{space_pt}" '
            f'w:color="{color}"/></w:pBdr>')


# --- tables -----------------------------------------------------------------------------------

_TBL_LOOK = ('<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" w:noHBand="0" '
             'w:noVBand="1" w:val="04A0"/>')
EDGES = ("top", "left", "bottom", "right", "insideH", "insideV")


def table_borders(sizes: dict[str, int]) -> str:
    """w:tblBorders: single black rules of the given sizes (eighths of a point), nil elsewhere."""
    edges = (f'<w:{e} w:val="single" w:sz="{sizes[e]}" w:space="0" w:color="000000"/>' if sizes.get(e)
             else f'<w:{e} w:val="nil"/>' for e in EDGES)
    return f"<w:tblBorders>{''.join(edges)}</w:tblBorders>"


def table_start(widths_twips: list[int], borders: str, *, centred: bool, cell_margins_pt: dict | None = None) -> str:
    """The opening of a w:tbl of fixed layout (w:tblPr, w:tblGrid) — rows follow, then ``</w:tbl>``."""
    margins = ""
    if cell_margins_pt:
        margins = "".join(f'<w:{edge} w:w="{int(cell_margins_pt[edge] * 20)}" w:type="dxa"/>'
                          for edge in ("top", "left", "bottom", "right"))
        margins = f"<w:tblCellMar>{margins}</w:tblCellMar>"
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths_twips)
    jc = '<w:jc w:val="center"/>' if centred else ""
    return (f'<w:tbl><w:tblPr><w:tblW w:type="auto" w:w="0"/>{jc}'
            f'{borders}<w:tblLayout w:type="fixed"/>{margins}{_TBL_LOOK}</w:tblPr>'
            f"<w:tblGrid>{grid}</w:tblGrid>")


def row(cells: str, *, cant_split: bool = False, height_pt: float | None = None, rule: str = "atLeast",
        header: bool = False) -> str:
    """A w:tr of ``cells`` (cell XML)."""
    props = "<w:cantSplit/>" if cant_split else ""
    if height_pt is not None:
        props += f'<w:trHeight w:val="{pt_twips(height_pt)}" w:hRule="{rule}"/>'
    props += "<w:tblHeader/>" if header else ""
    return f"<w:tr>{'<w:trPr>' + props + '</w:trPr>' if props else ''}{cells}</w:tr>"


def cell(width_twips: int, content: str, *, span: int = 1, v_merge: str | None = None, direction: str = "",
         centred: bool = True) -> str:
    """A w:tc ``width_twips`` wide holding ``content`` (its paragraphs); ``v_merge`` "restart"
    or "" (continued), ``direction`` a w:textDirection value."""
    props = f'<w:tcW w:type="dxa" w:w="{width_twips}"/>'
    props += f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    if v_merge is not None:
        props += f'<w:vMerge w:val="{v_merge}"/>' if v_merge else "<w:vMerge/>"
    props += f'<w:textDirection w:val="{direction}"/>' if direction else ""
    props += '<w:vAlign w:val="center"/>' if centred else ""
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{content}</w:tc>"


# --- a floating picture -------------------------------------------------------------------------

_NS = ('xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
       'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
       'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')


def floating_picture(rel_id: str, filename: str, cx: int, cy: int, *, shape_id: int, offset_x: int,
                     offset_y: int) -> str:
    """A w:drawing of the related image ``rel_id`` (EMU size ``cx``×``cy``) floating in front
    of the text, offset from the column and the paragraph (ooxml.float_picture_behind)."""
    return (f'<w:drawing><wp:anchor {_NS} distT="0" distB="0" distL="0" distR="0" simplePos="0" '
            'relativeHeight="251659264" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">'
            '<wp:simplePos x="0" y="0"/>'
            f'<wp:positionH relativeFrom="column"><wp:posOffset>{int(offset_x)}</wp:posOffset></wp:positionH>'
            f'<wp:positionV relativeFrom="paragraph"><wp:posOffset>{int(offset_y)}</wp:posOffset></wp:positionV>'
            f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>'
            f'<wp:docPr id="{shape_id}" name="Picture {shape_id}"/>'
            '<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>'
            '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
            f'<pic:pic><pic:nvPicPr><pic:cNvPr id="0" name="{esc(filename)}"/><pic:cNvPicPr/></pic:nvPicPr>'
            f'<pic:blipFill><a:blip r:embed="{rel_id}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
            f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
            '<a:prstGeom prst="rect"/></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:anchor></w:drawing>')
