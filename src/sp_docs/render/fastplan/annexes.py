"""The 实施方案's three 附件 pages (plan.html's last three sections), laid out as WeasyPrint lays
them out, on ``fastpage.Page``s without page numbers (render/fastplan/__init__.py numbers them).

- each section starts a page: the 附件N label (黑体 16 pt, the body's letter-spacing −0.22 pt,
  line 28.95 pt), a blank line, the title's computed lines (小标宋 22 pt, centred, line 28.95 pt);
- 附件1: a blank line, the table (equal columns; ``th`` in the bold face of 黑体 12 pt, cells
  仿宋 12 pt at line height 1.35, rows at least 30 pt high), its notes;
- 附件2: the 单位名称/date line (仿宋 14 pt, a flex line: one item left, one right, both shrunk
  and broken when too long together), the table (the ``colgroup``'s whole percentages; rows at
  least 20 pt), “注：” and the numbered notes;
- 附件3: the 台账 (19/32/21/28 %; rows at least 20 pt, the 培养记录 rows 36 pt spanned by a cell
  of four stacked lines — WeasyPrint ignores its writing-mode — the 意见 row 48 pt), and the 版记
  (抄送 / 印发 rows, flex lines as the 单位名称 line: 仿宋 14 pt, line 28 pt, 14 pt in from each
  side, 0.35 mm rules above and below, 0.25 mm between the rows) set at the bottom of the
  section's 224.8 mm.

The notes under the tables come placed (render/fastplan/texts.py: lines and x of each character
from the notes' box, which starts 0.6 pt right of the type area); they follow the table directly
(``.notes`` sets its top margin to 0) and split between pages with two lines at least on each side.
A table longer than a page continues on the next one under its repeated header row.  Anything
else (a line wider than its box, a ledger or 版记 that does not fit its page) raises
``fasttable.Unsupported``."""
from __future__ import annotations

import functools

from ...units import PT_PER_MM
from ..fastpage import Page, Text
from ..fasttable import FOOT, LEFT, RULE, TOP, WIDTH, Style, Unsupported, column_edges, paragraph_places
from ..linebreak import collapse, quote_breaks
from ..plan_grid import Marker, pieces
from . import table
from .table import BoldStyle, Cell, Row, advances, line_width, put_line, wrap
from .texts import Paragraph, PlacedTexts

LINE = 28.95  # html { line-height }
CELL_SIZE = 12.0
NOTES_LEFT, NOTES_INDENT, NOTES_LINE = LEFT + 0.6, 24.0, 12.0 * 1.6
# letter-spacing as WeasyPrint hands it to Pango: truncated to whole Pango units (1/1024 px)
LABEL_SPACING = int(-0.22 * 4 / 3 * 1024) / 1024 * 3 / 4
ANNEX1_ROW, ANNEX2_ROW = 30.0, 20.0
LEDGER_PERCENTS = (19, 32, 21, 28)
LEDGER_ROW, RECORD_ROW, OPINION_ROW = 20.0, 36.0, 48.0
SECTION_HEIGHT = 224.8 * PT_PER_MM  # .last
COLOPHON_OUTER, COLOPHON_INNER = 0.35 * PT_PER_MM, 0.25 * PT_PER_MM
COLOPHON_PAD, COLOPHON_LINE = 14.0, 28.0
EPSILON = 0.01


@functools.lru_cache(maxsize=1)
def styles() -> dict[str, Style]:
    return {"label": Style("hei", 16, LINE), "title": Style("title", 22, LINE),
            "head": BoldStyle("hei", CELL_SIZE, CELL_SIZE * 1.35), "cell": Style("fang", CELL_SIZE, CELL_SIZE * 1.35),
            "sub": Style("fang", 14, LINE), "notes": Style("fang", 12, NOTES_LINE),
            "colophon": Style("fang", 14, COLOPHON_LINE)}


def annex_pages(context: dict, placed: PlacedTexts) -> list[Page]:
    """The pages of 附件1, 附件2 and 附件3 for the plan's ``context`` (``view.context()`` with
    ``annex1``/``annex2`` as dicts) and its placed notes."""
    return annex1_pages(context, placed) + annex2_pages(context, placed) + annex3_pages(context)


# -- the parts every section has ----------------------------------------------------------------

def head(page: Page, annex: dict) -> float:
    """The label, a blank line and the title's lines from the top of ``page``; returns the y under them."""
    s = styles()
    label = str(annex.get("label") or "")
    y = TOP
    if collapse(label):
        xs, end = label_xs(s["label"], label)
        if end > LEFT + WIDTH + EPSILON or label != collapse(label):
            raise Unsupported("annex label")
        height, baseline = s["label"].box(label)
        page.texts.append(Text(s["label"], xs[0], y + baseline, label, xs=xs))
        y += height
    y += LINE
    for line in annex.get("title_lines") or []:
        line = collapse(str(line))
        if line_width(s["title"], line) > WIDTH + EPSILON:
            raise Unsupported("title line")
        y += put_line(page, s["title"], LEFT, y, WIDTH, line, "center")
    return y


def label_xs(style: Style, label: str) -> tuple[list[float], float]:
    """x of each character of the label, set on the grid (plan_pdf: a half-width run in the
    middle padded to its cells, in a box of its own) with the body's letter-spacing as WeasyPrint
    writes it into the PDF: in each box, each glyph's advance in whole thousandths of an em, the
    letter-spacing's share truncated (draw/text.py: ``int(kerning)``); and where the line ends."""
    xs, x, pen = [], LEFT, LEFT  # x: the layout's (Pango's), pen: the PDF's within a box
    for token, _, pad in pieces(label, Marker(), "hei")[0]:
        if pad:
            x += pad / 2
            pen = x
        for advance in advances(style, token):
            xs.append(pen)
            logical = round(advance / style.size * 1000)
            pen += (logical - int(logical - (advance + LABEL_SPACING) / style.size * 1000)) * style.size / 1000
            x += advance + LABEL_SPACING
        if pad:
            x += pad / 2
            pen = x
    return xs, x - LABEL_SPACING


def _grid_table(pages: list[Page], top: float, annex: dict, percents: list[float], minimum: float) -> float:
    """附件1's or 附件2's table from ``top``; returns its bottom (the outer edge of its last rule)."""
    s = styles()
    headers = [str(c) for c in annex.get("columns") or []]
    if not headers:
        raise Unsupported("a table without columns")
    for text in headers:
        s["head"].check(collapse(text))
    edges = column_edges(percents)
    head_row = Row([Cell(i, [text]) for i, text in enumerate(headers)], s["head"])
    body = []
    for values in annex.get("rows") or []:
        if len(values) != len(headers):
            raise Unsupported("a row of another width")
        body.append(Row([Cell(i, [str(v if v is not None else "")], minimum=minimum) for i, v in enumerate(values)],
                        s["cell"]))
    table.set_rows([head_row] + body, edges)
    return table.paginate(pages, top, [head_row], body, edges)


def notes(pages: list[Page], top: float, paragraphs: list[Paragraph]) -> None:
    """The notes' paragraphs from ``top`` (placed lines: x from the notes' box), a paragraph split
    between pages with two lines at least on each side (CSS orphans and widows)."""
    style = styles()["notes"]
    y = top
    for paragraph in paragraphs:
        boxes = [style.box(text) for text, _ in paragraph]
        places = paragraph_places(pages, y, [height for height, _ in boxes])
        for (text, xs), (height, baseline), (page, line_top) in zip(paragraph, boxes, places):
            if text.strip():
                at = [NOTES_LEFT + x for x in xs]
                page.texts.append(Text(style, at[0], line_top + baseline, text, xs=at))
            y = line_top + height


# -- 附件1 and 附件2 -------------------------------------------------------------------------------

def annex1_pages(context: dict, placed: PlacedTexts) -> list[Page]:
    annex = context["annex1"]
    pages = [Page()]
    top = head(pages[0], annex) + LINE
    count = len(annex.get("columns") or []) or 1
    bottom = _grid_table(pages, top, annex, [100 / count] * count, ANNEX1_ROW)
    if annex.get("notes"):
        notes(pages, bottom, placed.annex1_notes)
    return pages


def annex2_percents(annex: dict) -> list[float]:
    """The colgroup's widths as plan.html writes them: whole percentages (Jinja's ``round``:
    Python's), or equal columns without widths."""
    widths = [float(w) for w in annex.get("widths_mm") or []]
    count = len(annex.get("columns") or [])
    if not widths:
        return [100 / count] * count if count else []
    if len(widths) != count or sum(widths) <= 0:
        raise Unsupported("column widths")
    return [float(int(round(100 * w / sum(widths)))) for w in widths]


Flex = list[tuple[float, list[str]]]  # each item: (x from the line's left, its lines)


def flex(style: Style, texts: list[str], room: float) -> Flex:
    """A flex line of items (``justify-content: space-between``) ``room`` pt wide: each item as
    wide as its text, the last set right; items wider together than the line shrink in
    proportion to their widths (``flex-shrink: 1``), their text broken in them."""
    texts = [collapse(t) for t in texts]
    bases = [line_width(style, t) for t in texts]
    total = sum(bases)
    if total > room + EPSILON:
        widths = [base * room / total for base in bases]
        for text, item in zip(texts, widths):  # no item below its longest character (min-content)
            if text and item < max(advances(style, text)) - EPSILON:
                raise Unsupported("a flex item below its minimum width")
    else:
        widths = bases
    free = max(0.0, room - sum(widths)) / (len(texts) - 1) if len(texts) > 1 else 0.0
    items, x = [], 0.0
    for text, item in zip(texts, widths):
        items.append((x, wrap(style, text, item) if text else []))
        x += item + free
    return items


def flex_height(style: Style, items: Flex) -> float:
    """The line's height: its tallest item's (an empty item has none)."""
    return max([sum(style.box(line)[0] for line in lines) for _, lines in items] + [0.0])


def put_flex(page: Page, style: Style, x: float, top: float, items: Flex) -> float:
    for dx, lines in items:
        y = top
        for line in lines:
            y += put_line(page, style, x + dx, y, WIDTH, line, "left")
    return flex_height(style, items)


def annex2_pages(context: dict, placed: PlacedTexts) -> list[Page]:
    annex = context["annex2"]
    pages = [Page()]
    top = head(pages[0], annex)
    sub = [str(annex.get("subtitle_left") or ""), str(annex.get("subtitle_right") or "")]
    top += put_flex(pages[0], styles()["sub"], LEFT, top, flex(styles()["sub"], sub, WIDTH))
    bottom = _grid_table(pages, top, annex, annex2_percents(annex), ANNEX2_ROW)
    style = styles()["notes"]
    heading = [("注：", [NOTES_INDENT + sum(advances(style, "注：")[:i]) for i in range(2)])]
    notes(pages, bottom, [heading] + list(placed.annex2_notes))
    return pages


# -- 附件3 ------------------------------------------------------------------------------------

def ledger_rows(annex: dict) -> list[Row]:
    """The 台账's rows (plan.html's table.ledger)."""
    cell = styles()["cell"]
    tracks = str(annex.get("tracks") or "").split("　　")
    rows = [Row([Cell(0, ["培养人"], minimum=LEDGER_ROW), Cell(1, [""], minimum=LEDGER_ROW),
                 Cell(2, ["职务"], minimum=LEDGER_ROW), Cell(3, [""], minimum=LEDGER_ROW)], cell),
            Row([Cell(0, ["培养对象"], minimum=LEDGER_ROW), Cell(1, [""], minimum=LEDGER_ROW),
                 Cell(2, ["培养建档时间"], minimum=LEDGER_ROW), Cell(3, [""], minimum=LEDGER_ROW)], cell),
            Row([Cell(0, [quote_breaks(str(annex.get("track_label") or ""))], minimum=LEDGER_ROW),
                 Cell(1, tracks, colspan=3, minimum=LEDGER_ROW)], cell)]
    count = int(annex.get("record_rows") or 0)
    for i in range(count):
        record = Cell(1, [""], colspan=3, minimum=RECORD_ROW)
        first = [Cell(0, list("培养记录"), rowspan=count, minimum=LEDGER_ROW)] if i == 0 else []
        rows.append(Row(first + [record], cell))
    rows.append(Row([Cell(0, ["培养人意见"], minimum=LEDGER_ROW), Cell(1, [""], colspan=3, minimum=OPINION_ROW)],
                    cell))
    return rows


def colophon_rows(context: dict) -> list[Flex]:
    """The 版记's rows: 抄送 (when there is one), 印发."""
    style, room = styles()["colophon"], WIDTH - 2 * COLOPHON_PAD
    rows = []
    if context.get("cc"):
        rows.append(flex(style, [f"抄送：{quote_breaks(str(context['cc']))}。"], room))
    rows.append(flex(style, [str(context.get("printer") or ""), f"{context.get('print_date') or ''}印发"], room))
    return rows


def colophon(page: Page, bottom: float, rows: list[Flex]) -> float:
    """The 版记 ending at ``bottom``; returns its top."""
    style = styles()["colophon"]
    heights = [flex_height(style, row) for row in rows]
    top = bottom - 2 * COLOPHON_OUTER - COLOPHON_INNER * (len(rows) - 1) - sum(heights)
    for y, width in ((top + COLOPHON_OUTER / 2, COLOPHON_OUTER), (bottom - COLOPHON_OUTER / 2, COLOPHON_OUTER)):
        page.rules.append((LEFT, y, LEFT + WIDTH, y, width, None))
    y = top + COLOPHON_OUTER
    for n, row in enumerate(rows):
        if n:
            page.rules.append((LEFT, y + COLOPHON_INNER / 2, LEFT + WIDTH, y + COLOPHON_INNER / 2, COLOPHON_INNER, None))
            y += COLOPHON_INNER
        y += put_flex(page, style, LEFT + COLOPHON_PAD, y, row)
    return top


def annex3_pages(context: dict) -> list[Page]:
    annex = context["annex3"]
    page = Page()
    top = head(page, annex)
    edges = column_edges([float(p) for p in LEDGER_PERCENTS])
    rows = ledger_rows(annex)
    table.set_rows(rows, edges)
    bottom = table.draw(page, rows, top + RULE / 2, edges) + RULE / 2
    if colophon(page, TOP + SECTION_HEIGHT, colophon_rows(context)) < bottom - EPSILON or bottom > FOOT + EPSILON:
        raise Unsupported("the 台账 and the 版记 do not fit one page")
    return [page]
