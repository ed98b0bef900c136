"""Tables with collapsed borders as WeasyPrint lays out and draws plan.html's ``table.grid``
(render/fastplan/annexes.py): fixed column widths, cells that span columns and rows, text lines
centred both ways, rows never split and a ``thead`` repeated on each page.

The rules are drawn as WeasyPrint's ``draw_collapsed_borders`` draws them: for each slot of the
grid, the segment of its left edge (first column), right edge and bottom edge (top edge: first
row) — none inside a cell that spans — each stretched at both ends by half the width of the
rules that meet it there.  Cells are 0.75 pt rules, 3 pt × 4 pt padding (gongwen.css)."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from .. import fasttable, fonts, linebreak
from ..fastpage import Page, Text
from ..fasttable import FOOT, PAD_H, PAD_V, RULE, TOP, Style, Unsupported

EPSILON = 0.01
# Pango shapes the zh-CN text with the fonts' ``locl`` feature: Noto CJK and Source Han set the
# em dash (and the 2-em and 3-em dashes) a whole em (two, three) wide there, less in the glyph
# their cmap gives — in a run of a script they have language systems for (a text with a letter or
# an ideograph; digits and punctuation alone are script Common: no ``locl``).  Lines are measured
# at the localized advances and each character drawn at its x; the em dash in its localized glyph
# (``localized_glyphs``), the 2- and 3-em dashes in their cmap glyphs, short of their cells.
LOCALIZED = {0x2014: 1.0, 0x2E3A: 2.0, 0x2E3B: 3.0}


def _localizes(face) -> bool:
    return "CJK" in face.name or face.name.startswith("SourceHan")


def advances(style: Style, text: str) -> list[float]:
    """The advance of each character of a line as Pango sets it (``LOCALIZED``), pt."""
    widths = style.widths(text)
    if not any(ord(c) in LOCALIZED for c in text) or not any(unicodedata.category(c)[0] == "L" for c in text):
        return widths
    return [style.size * LOCALIZED[ord(c)] if ord(c) in LOCALIZED and _localizes(face) else w
            for c, face, w in zip(text, style.faces_of(text), widths)]


def localized_glyphs(style: Style, text: str, widths: list[float]) -> dict[int, int] | None:
    """The em dashes set a whole em wide (``advances``) drawn in their zh-CN form: in Noto CJK and
    Source Han, ``locl`` turns the em dash into the glyph of U+2015 (HORIZONTAL BAR)."""
    natural = style.widths(text)
    found = {i: 0x2015 for i, (c, face) in enumerate(zip(text, style.faces_of(text)))
             if c == "\u2014" and widths[i] > natural[i] + 0.01 and face.has(0x2015)
             and abs((face.advance(0x2015) or 0) * style.size - widths[i]) < 0.01}
    return found or None


def line_width(style: Style, text: str) -> float:
    return sum(advances(style, text))


def wrap(style: Style, text: str, room: float) -> list[str]:
    """``text`` broken into lines as WeasyPrint breaks it in a box ``room`` pt wide."""
    return linebreak.wrap(linebreak.collapse(text), lambda t: advances(style, t), style.hyphen, room)


def put_line(page: Page, style: Style, x: float, top: float, room: float, text: str, align: str,
             box: tuple[float, float] | None = None) -> float:
    """One line box at ``top`` (``align`` in [x, x + room]); returns its height."""
    height, baseline = box or style.box(text)
    drawn = text.replace(linebreak.ZWSP, "")
    if drawn.strip(" "):
        widths = advances(style, drawn)
        if align != "left":  # WeasyPrint: no offset when the line is as wide as the box or wider
            free = max(0.0, room - sum(widths[:len(drawn.rstrip(" "))]))
            x += free / 2 if align == "center" else free
        xs = glyphs = None
        if any(ord(c) in LOCALIZED for c in drawn):
            xs = [x + sum(widths[:i]) for i in range(len(drawn))]
            glyphs = localized_glyphs(style, drawn, widths)
        page.texts.append(Text(style, x, top + baseline, drawn, xs=xs, drawn=glyphs))
    return height


# -- the bold face of ``th`` -------------------------------------------------------------------

_BOLD: dict[str, tuple] = {}


def bold_chain(role: str) -> tuple:
    """The faces a ``th`` (font-weight: bold) of ``role`` is drawn in: the bold face of the role's
    family when fontconfig knows one, else the role's own faces (Pango 1.50 with HarfBuzz < 7
    neither measures nor draws a synthetic bold: WeasyPrint sets the regular face then)."""
    faces = fonts.role_faces(role)
    known = _BOLD.get(role)
    if known is not None and known[0] is faces:
        return known[1]
    resolved = fonts.resolve(role)
    found = fonts.installed_families().get(resolved.candidate.family + ":bold") \
        if resolved is not None and resolved.candidate.family else None
    face = fonts.faces.face(*found) if found else None
    chain = (face,) if face is not None else fasttable.chain(role)
    _BOLD[role] = (faces, chain, face is not None)
    return chain


def has_bold(role: str) -> bool:
    """``role`` has a bold face of its own (``bold_chain``)."""
    bold_chain(role)
    return _BOLD[role][2]


@dataclass(eq=False)
class BoldStyle(Style):
    """A style in the bold face of its role (``bold_chain``)."""

    @property
    def faces(self) -> tuple:
        return bold_chain(self.role)

    def check(self, text: str) -> None:
        """Every visible character of ``text`` drawn by the bold face (no bold fallback modelled)."""
        if not has_bold(self.role):  # the role's own chain, with its fallbacks
            return
        face = self.faces[0]
        for char in text:
            if unicodedata.category(char)[0] not in "ZC" and not face.has(ord(char)):
                raise Unsupported(f"bold {char}")


# -- cells and rows ----------------------------------------------------------------------------

@dataclass
class Cell:
    col: int
    parts: list[str]  # the text, in the lines <br> forces
    colspan: int = 1
    rowspan: int = 1
    minimum: float = 0.0  # CSS height (content box), pt
    lines: list[str] = field(default_factory=list)
    boxes: list[tuple[float, float]] = field(default_factory=list)

    @property
    def height(self) -> float:
        return sum(h for h, _ in self.boxes)


@dataclass
class Row:
    cells: list[Cell]
    style: Style
    height: float = 0.0  # content height

    @property
    def pitch(self) -> float:
        """From the centre of its top rule to the centre of its bottom rule."""
        return self.height + 2 * PAD_V + RULE


def set_rows(rows: list[Row], edges: list[float]) -> None:
    """Break each cell's text into lines and give each row its height; a cell spanning rows must
    fit in them (WeasyPrint would grow the last one)."""
    for row in rows:
        heights = [0.0]
        for cell in row.cells:
            width = edges[cell.col + cell.colspan] - edges[cell.col] - RULE - 2 * PAD_H
            cell.lines = []
            for part in cell.parts:
                if not linebreak.collapse(part):
                    if len(cell.parts) > 1:
                        raise Unsupported("an empty line in a cell")
                    continue
                cell.lines += wrap(row.style, part, width)
            cell.boxes = [row.style.box(line) for line in cell.lines]
            if cell.rowspan == 1:
                heights.append(max(cell.minimum, cell.height))
        row.height = max(heights)
    for index, row in enumerate(rows):
        for cell in row.cells:
            spanned = rows[index:index + cell.rowspan]
            if len(spanned) < cell.rowspan:
                raise Unsupported("rowspan past the table")
            room = sum(r.pitch for r in spanned) - 2 * PAD_V - RULE
            if cell.rowspan > 1 and max(cell.minimum, cell.height) > room + EPSILON:
                raise Unsupported("a cell taller than the rows it spans")


# -- drawing -----------------------------------------------------------------------------------

def _owners(rows: list[Row], width: int) -> list[list[int]]:
    """owners[r][c]: an id of the cell covering grid slot (r, c) (-1: none)."""
    owners = [[-1] * width for _ in rows]
    for r, row in enumerate(rows):
        for cell in row.cells:
            for rr in range(r, r + cell.rowspan):
                for cc in range(cell.col, cell.col + cell.colspan):
                    if owners[rr][cc] != -1:
                        raise Unsupported("overlapping cells")
                    owners[rr][cc] = id(cell)
    if any(-1 in line for line in owners):
        raise Unsupported("a slot without a cell")
    return owners


def draw(page: Page, rows: list[Row], top: float, edges: list[float]) -> float:
    """``rows`` as one table whose top rule's centre is at ``top``; returns its bottom rule's centre."""
    ys = [top]
    for row in rows:
        ys.append(ys[-1] + row.pitch)
    for r, row in enumerate(rows):
        for cell in row.cells:
            left, right = edges[cell.col], edges[cell.col + cell.colspan]
            room = ys[r + cell.rowspan] - ys[r] - RULE - 2 * PAD_V
            y = ys[r] + RULE / 2 + PAD_V + (room - cell.height) / 2
            for line, box in zip(cell.lines, cell.boxes):
                y += put_line(page, row.style, left + RULE / 2 + PAD_H, y, right - left - RULE - 2 * PAD_H,
                              line, "center", box)
    _borders(page, _owners(rows, len(edges) - 1), ys, edges)
    return ys[-1]


def _borders(page: Page, owners: list[list[int]], ys: list[float], edges: list[float]) -> None:
    height, width = len(owners), len(edges) - 1

    def vertical(y: int, x: int) -> bool:  # a rule left of slot (y, x)
        return 0 <= y < height and 0 <= x <= width and (x in (0, width) or owners[y][x - 1] != owners[y][x])

    def horizontal(y: int, x: int) -> bool:  # a rule above slot (y, x)
        return 0 <= y <= height and 0 <= x < width and (y in (0, height) or owners[y - 1][x] != owners[y][x])

    def half(found: bool) -> float:
        return RULE / 2 if found else 0.0

    for y in range(height + 1):
        for x in range(width):
            if horizontal(y, x):
                x0 = edges[x] - half(vertical(y - 1, x) or vertical(y, x))
                x1 = edges[x + 1] + half(vertical(y - 1, x + 1) or vertical(y, x + 1))
                page.rules.append((x0, ys[y], x1, ys[y]))
    for y in range(height):
        for x in range(width + 1):
            if vertical(y, x):
                y0 = ys[y] - half(horizontal(y, x - 1) or horizontal(y, x))
                y1 = ys[y + 1] + half(horizontal(y + 1, x - 1) or horizontal(y + 1, x))
                page.rules.append((edges[x], y0, edges[x], y1))


def paginate(pages: list[Page], top: float, head: list[Row], body: list[Row], edges: list[float]) -> float:
    """A table from ``top`` (its top rule's outer edge) on the last page, its ``head`` rows
    repeated on each page it continues on (rows never split, none spanning rows); returns the
    outer edge of its last bottom rule."""
    if any(cell.rowspan > 1 for row in head + body for cell in row.cells):
        raise Unsupported("rowspan in a table that may split")
    head_pitch = sum(row.pitch for row in head)
    start, y, on_page = top + RULE / 2, top + RULE / 2 + head_pitch, []
    for row in body:  # a row fits when its bottom rule's centre does (WeasyPrint's collapsed borders)
        if y + row.pitch > FOOT + EPSILON:
            if not on_page or TOP + RULE / 2 + head_pitch + row.pitch > FOOT + EPSILON:
                raise Unsupported("row taller than a page")
            draw(pages[-1], head + on_page, start, edges)
            pages.append(Page())
            start, y, on_page = TOP + RULE / 2, TOP + RULE / 2 + head_pitch, []
        on_page.append(row)
        y += row.pitch
    if y > FOOT + EPSILON:
        raise Unsupported("table head past the page")
    return draw(pages[-1], head + on_page, start, edges) + RULE / 2
