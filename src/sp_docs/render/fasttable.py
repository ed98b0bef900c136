"""A direct PDF writer for the built-in 附件2 table (the fast path of ``annex 2``).

The built-in ``templates/html/annex2.html`` + ``gongwen.css`` through WeasyPrint
costs 1.2–1.5 s of CPU in a new process and ~0.3 s in a warm one.  This module
lays the same page out itself and writes it with PDF operators, like
``render/fastpdf.py`` does for certificates:

- the page, margins, sizes and line heights are those of the CSS (A4, GB/T 9704
  margins 37/26/35/28 mm; 附件2 in 黑体 16 pt, the title in 小标宋 22 pt centred,
  the 单位名称/date line in 仿宋 14 pt, the table with 0.75 pt rules, padding
  3 pt × 4 pt, header 黑体 14 pt, cells 仿宋 14 pt at line height 1.35, data rows
  at least 22 pt high, notes 仿宋 12 pt at line height 1.6 with a 2 em indent,
  the page number “— N —” in 宋体 14 pt, right on odd and left on even pages);
- column widths are the spec's percentages (``tables.ANNEX2``, through
  ``context["table"]``) of the table width less one rule, as WeasyPrint's fixed
  table layout with collapsed borders computes them;
- lines are broken where Pango breaks them (``render.linebreak``), measured with
  the fonts the PDF embeds (``render.fonts``: each character from the first face
  of its role's chain that draws it); baselines are placed as WeasyPrint places
  them (half-leading around the fonts' ascent and descent);
- rows are never split: a row that does not fit goes to the next page, under a
  repeated header row; the notes follow the table (a paragraph of 4+ lines may
  split, 2 lines at least on each side — CSS orphans/widows);
- fonts are embedded once each as subset Type0 fonts (``fonts.embed``).

Anything the layout does not model (a user's annex2.html, a row taller than a
page, a unit line too long for one line, column widths that do not add up to
100 %) returns None and the caller uses WeasyPrint.  ``SP_DOCS_FAST_TABLE=off``
always uses WeasyPrint.  The page is portrait: annex2.html does not ask for the
CSS's ``landscape`` page.
"""
from __future__ import annotations

import functools
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..units import PT_PER_MM
from . import fonts, linebreak
from .fastpage import Page, Text, lines_kept
from .fonts import Face

PAGE_W, PAGE_H = 210 * PT_PER_MM, 297 * PT_PER_MM
TOP, RIGHT, BOTTOM, LEFT = 37 * PT_PER_MM, 26 * PT_PER_MM, 35 * PT_PER_MM, 28 * PT_PER_MM
WIDTH = PAGE_W - LEFT - RIGHT  # 156 mm
FOOT = PAGE_H - BOTTOM  # the end of the type area
ROOT_LINE = 28.95  # html { line-height }
TITLE_MARGINS = (28.95, 14.0)
UNIT_MARGIN = 6.0
RULE, PAD_V, PAD_H, CELL_SIZE, CELL_MIN = 0.75, 3.0, 4.0, 14.0, 22.0
NOTES_SIZE, NOTES_MARGIN = 12.0, 8.0
NUMBER_SIZE, NUMBER_PAD_TOP, NUMBER_PAD_SIDE = 14.0, 7 * PT_PER_MM, 14.0
_EPSILON = 0.01


class Unsupported(Exception):
    """The page needs something this layout does not model: use WeasyPrint."""


# --------------------------------------------------------------------------
# Which path
# --------------------------------------------------------------------------

def switched_off() -> bool:
    return os.environ.get("SP_DOCS_FAST_TABLE", "").strip().lower() in ("off", "0", "no", "false")


def builtin_template(user_dir: Path | None) -> bool:
    """No user annex2.html in ``user_dir`` (its includes come from the built-in folder then)."""
    if user_dir is None:
        return True
    from . import templates  # (Jinja2: only when there is a folder to look in)

    return templates.find("html", "annex2.html", user_dir) == templates.find("html", "annex2.html", None)


def builtin_context(context: dict) -> dict:
    """The context the built-in template gets: Chinese break opportunities at quotes
    (``linebreak.quote_breaks``) in the header cells, the data cells and the notes."""
    quoted = linebreak.quote_breaks
    return {**context,
            "table": [{**c, "header": quoted(c["header"])} for c in context["table"]],
            "rows": [{k: quoted(v) for k, v in row.items()} for row in context["rows"]],
            "notes": [quoted(note) for note in context["notes"]]}


def render_pdf(context: dict, *, user_dir: Path | None = None) -> bytes:
    """The 附件2 PDF: written directly for the built-in template, else (a user's
    template, ``SP_DOCS_FAST_TABLE=off``, a page this layout does not model) by WeasyPrint."""
    builtin = builtin_template(user_dir)
    if builtin:
        context = builtin_context(context)
        if not switched_off() and linebreak.available():
            try:
                return write_pdf(layout(context), title=str(context["title"]))
            except Unsupported:
                pass
    from .pdf import render_pdf as weasy_pdf

    return weasy_pdf("annex2.html", context, user_dir=user_dir)


# --------------------------------------------------------------------------
# Text styles: fonts, widths, line boxes
# --------------------------------------------------------------------------

_CHAINS: dict[str, tuple[tuple[Face, ...], tuple[Face, ...]]] = {}


def chain(role: str) -> tuple[Face, ...]:
    """The faces of ``role`` as the CSS uses them: ``h1.doc-title`` sets the 小标宋 role at
    normal weight, so a bold fallback family (Noto Serif CJK SC) is drawn in its regular face.
    (Recomputed when ``fonts.forget()`` has dropped the faces.)"""
    faces = fonts.role_faces(role)
    known = _CHAINS.get(role)
    if known is not None and known[0] is faces:
        return known[1]
    if not faces:
        raise Unsupported(role)
    found = faces
    resolved = fonts.resolve(role)
    if role == "title" and resolved is not None and resolved.candidate.weight >= 700:
        regular = fonts.installed_families().get(resolved.candidate.family)
        face = fonts.faces.face(*regular) if regular else None
        if face is not None:
            found = (face,) + tuple(f for f in faces[1:] if f is not face)
    _CHAINS[role] = (faces, found)
    return found


_GRAPHIC: dict[str, bool] = {}


def _graphic(char: str) -> bool:
    """GLib's ``g_unichar_isgraph`` (Pango picks no font for other characters)."""
    found = _GRAPHIC.get(char)
    if found is None:
        found = _GRAPHIC[char] = unicodedata.category(char) not in ("Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Cn")
    return found


@dataclass(eq=False)
class Style:
    role: str
    size: float
    line: float  # line-height, pt
    chosen: dict = field(default_factory=dict)  # char → Face ("" → the chain it was chosen from)
    advances: dict = field(default_factory=dict)  # (char, Face) → pt

    @property
    def faces(self) -> tuple[Face, ...]:
        return chain(self.role)

    def _choices(self) -> dict:
        faces = self.faces
        if self.chosen.get("") is not faces:  # (the faces were read again: forget the choices)
            self.chosen.clear()
            self.advances.clear()
            self.chosen[""] = faces
        return self.chosen

    def _choose(self, char: str) -> Face:
        faces = self.chosen[""]
        face = self.chosen[char] = fonts.face_for(ord(char), faces) or faces[0]
        return face

    def face(self, char: str) -> Face:
        """The face of a visible character: the first of the chain that draws it."""
        return self._choices().get(char) or self._choose(char)

    def faces_of(self, text: str) -> list[Face]:
        """The face of each character of a line as Pango chooses (seen with Pango 1.50): a
        space (or another character that is not graphic) takes the face of the next graphic
        character when that one is punctuation, a symbol or a digit (Unicode's Common script),
        else stays in the face of the run it follows; at the start of a line, the next one's."""
        chosen = self._choices()
        out: list[Face | None] = []
        for char in text:
            out.append((chosen.get(char) or self._choose(char)) if _graphic(char) else None)
        following = None
        for i in range(len(text) - 1, -1, -1):
            if out[i] is not None:
                following = i
            elif following is not None and _common(text[following]):
                out[i] = out[following]
        previous = next((f for f in out if f is not None), chosen[""][0])
        for i, face in enumerate(out):
            if face is None:
                out[i] = previous
            else:
                previous = face
        return out

    def widths(self, text: str) -> list[float]:
        """Advance of each character of a line, pt (zero-width space: 0)."""
        faces = self.faces_of(text)
        advances = self.advances
        out = []
        for char, face in zip(text, faces):
            width = advances.get((char, face))
            if width is None:
                em = 0.0 if char == linebreak.ZWSP else face.advance(ord(char))
                width = advances[(char, face)] = (1.0 if em is None else em) * self.size
            out.append(width)
        return out

    def width(self, text: str) -> float:
        return sum(self.widths(text))

    def hyphen(self, char: str) -> float:
        """Width Pango reserves for a hyphen it may insert after ``char``: U+2010, else '-'."""
        face = self.face(char)
        em = face.advance(0x2010) if face.has(0x2010) else face.advance(0x2D)
        return (em or 0.0) * self.size

    def wrap(self, text: str, width: float, first_width: float | None = None) -> list[str]:
        return linebreak.wrap(linebreak.collapse(text), self.widths, self.hyphen, width, first_width)

    def box(self, text: str) -> tuple[float, float]:
        """(height, baseline below the top) of a line box holding ``text``: the strut of the
        first face, and the text's own extents — the union of its faces' extents, each face
        after the first shifted so that its ideographic face bottom (``icfb``) meets the first
        one's, as Pango 1.50 aligns the runs of a Han line (the glyphs are drawn on one baseline
        all the same)."""
        size, strut = self.size, self.faces[0]
        used = list(dict.fromkeys(f for c, f in zip(text, self.faces_of(text)) if _graphic(c))) or [strut]
        shifts = [0.0] * len(used)
        if len(used) > 1 and _han_line(text):
            bottoms = [ideographic_bottom(face) for face in used]
            if None in bottoms:
                raise Unsupported("baselines")
            shifts = [(bottoms[0] - bottom) * size for bottom in bottoms]
        ascent = max(f.ascent * size + shift for f, shift in zip(used, shifts))
        descent = max(f.descent * size - shift for f, shift in zip(used, shifts))
        text_top = (self.line - ascent - descent) / 2 + ascent
        strut_top = (self.line - (strut.ascent + strut.descent) * size) / 2 + strut.ascent * size
        top = max(text_top, strut_top)
        return top + self.line - min(text_top, strut_top), top


_HAN = re.compile("[\u2e80-\u2fff\u3005-\u3007\u3021-\u3029\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
                  "\uf900-\ufaff\U00020000-\U0003ffff]")


def _common(char: str) -> bool:
    """Not a letter nor an ideograph: punctuation, symbols, digits (script Common)."""
    return not (_HAN.match(char) or unicodedata.category(char).startswith("L"))


def _han_line(text: str) -> bool:
    """Pango itemizes the line's first run as Han (punctuation and digits take the script
    of the first letter or ideograph that follows them)."""
    for char in text:
        if _HAN.match(char):
            return True
        if unicodedata.category(char).startswith("L"):
            return False
    return False


@functools.lru_cache(maxsize=None)
def ideographic_bottom(face: Face) -> float | None:
    """The face's ideographic face bottom (BASE ``icfb`` for Han, or HarfBuzz's fallback), em."""
    from .fonts import harfbuzz

    hb_face = harfbuzz.face(face.path, face.index)
    value = harfbuzz.baseline(hb_face, b"icfb", b"hani") if hb_face is not None else None
    return None if value is None else value / face.upem


@functools.lru_cache(maxsize=1)
def styles() -> dict[str, Style]:
    return {"label": Style("hei", 16, ROOT_LINE), "title": Style("title", 22, 22 * 1.45),
            "unit": Style("fang", 14, ROOT_LINE), "head": Style("hei", CELL_SIZE, CELL_SIZE * 1.35),
            "cell": Style("fang", CELL_SIZE, CELL_SIZE * 1.35), "notes": Style("fang", NOTES_SIZE, NOTES_SIZE * 1.6),
            "number": Style("song", NUMBER_SIZE, ROOT_LINE)}


# --------------------------------------------------------------------------
# Layout
# --------------------------------------------------------------------------

@dataclass
class Cell:
    lines: list[str]
    boxes: list[tuple[float, float]]  # (height, baseline) per line

    @property
    def height(self) -> float:
        return sum(h for h, _ in self.boxes)


@dataclass
class Row:
    cells: list[Cell]
    height: float  # content height

    @property
    def pitch(self) -> float:
        """From one horizontal rule's centre to the next."""
        return self.height + 2 * PAD_V + RULE


def columns(table: list[dict]) -> list[float]:
    """x of each vertical rule's centre for the spec's columns (``column_edges``)."""
    return column_edges([float(c["width_percent"]) for c in table])


def column_edges(percents: list[float]) -> list[float]:
    """x of each vertical rule's centre: the percentages of the table width less one rule."""
    if abs(sum(percents) - 100) > 1e-6:
        raise Unsupported("column widths")
    inner = WIDTH - RULE
    edges = [LEFT + RULE / 2]
    for percent in percents:
        edges.append(edges[-1] + inner * percent / 100)
    return edges


def make_row(texts: list[str], edges: list[float], style: Style, minimum: float) -> Row:
    cells = []
    for i, text in enumerate(texts):
        width = edges[i + 1] - edges[i] - RULE - 2 * PAD_H
        lines = style.wrap(text, width) if linebreak.collapse(text) else []  # an empty cell has no line
        cells.append(Cell(lines, [style.box(line) for line in lines]))
    return Row(cells, max([minimum] + [c.height for c in cells]))


def draw_line(page: Page, style: Style, x: float, top: float, width: float, text: str, align: str,
              box: tuple[float, float] | None = None) -> float:
    """One line box at ``top`` (``align`` in [x, x + width]); returns its height."""
    height, baseline = box or style.box(text)
    drawn = text.replace(linebreak.ZWSP, "")
    if drawn.strip(" "):
        if align != "left":  # WeasyPrint: no offset when the line is as wide as the box or wider
            free = max(0.0, width - style.width(drawn.rstrip(" ")))
            x += free / 2 if align == "center" else free
        page.texts.append(Text(style, x, top + baseline, drawn))
    return height


def draw_row(page: Page, row: Row, top: float, edges: list[float], style: Style, first: bool) -> None:
    """The row whose top rule's centre is ``top``: its cells' text (centred both ways)
    and the rules WeasyPrint draws for it (each cell its right and bottom side, the
    first cell its left side, the first row on a page the top sides)."""
    bottom = top + row.pitch
    for i, cell in enumerate(row.cells):
        left, right = edges[i], edges[i + 1]
        y = top + RULE / 2 + PAD_V + (row.height - cell.height) / 2
        for line, box in zip(cell.lines, cell.boxes):
            y += draw_line(page, style, left + RULE / 2 + PAD_H, y, right - left - RULE - 2 * PAD_H, line,
                           "center", box)
        if first:
            page.rules.append((left - RULE / 2, top, right + RULE / 2, top))
        if i == 0:
            page.rules.append((left, top - RULE / 2, left, bottom + RULE / 2))
        page.rules.append((right, top - RULE / 2, right, bottom + RULE / 2))
        page.rules.append((left - RULE / 2, bottom, right + RULE / 2, bottom))


def head(page: Page, context: dict) -> float:
    """附件2, the title and the 单位名称/date line; returns where the table starts."""
    s = styles()
    y = TOP + draw_line(page, s["label"], LEFT, TOP, WIDTH, str(context["label"]), "left")
    y += TITLE_MARGINS[0]
    for line in s["title"].wrap(str(context["title"]), WIDTH):
        y += draw_line(page, s["title"], LEFT, y, WIDTH, line, "center")
    y += max(TITLE_MARGINS[1], UNIT_MARGIN)
    unit, date = (linebreak.collapse(f"单位名称：{context['unit_name']}"),
                  linebreak.collapse(str(context["date_line"])))
    if s["unit"].width(unit) + s["unit"].width(date) > WIDTH - _EPSILON:
        raise Unsupported("unit line")
    draw_line(page, s["unit"], LEFT, y, WIDTH, unit, "left")
    y += draw_line(page, s["unit"], LEFT, y, WIDTH, date, "right")
    return y + UNIT_MARGIN


def table(pages: list[Page], top: float, context: dict) -> float:
    """The table from ``top`` of the last page; returns the bottom of its last rule."""
    s = styles()
    edges = columns(context["table"])
    header = make_row([str(c["header"]) for c in context["table"]], edges, s["head"], 0.0)
    fields = [c["field"] for c in context["table"]]
    rows = [make_row([str(r[f]) for f in fields], edges, s["cell"], CELL_MIN) for r in context["rows"]]
    page, y = pages[-1], top + RULE / 2
    draw_row(page, header, y, edges, s["head"], True)
    y += header.pitch
    on_page = 0
    for row in rows:  # a row fits when its bottom rule's centre does (WeasyPrint's collapsed borders)
        if y + row.pitch > FOOT + _EPSILON:
            if on_page == 0 or TOP + RULE / 2 + header.pitch + row.pitch > FOOT + _EPSILON:
                raise Unsupported("row taller than a page")
            page = Page()
            pages.append(page)
            y = TOP + RULE / 2
            draw_row(page, header, y, edges, s["head"], True)
            y += header.pitch
            on_page = 0
        draw_row(page, row, y, edges, s["cell"], False)
        y += row.pitch
        on_page += 1
    return y + RULE / 2


def notes(pages: list[Page], top: float, context: dict) -> None:
    """注： and the numbered notes (2 em indent) after the table."""
    style = styles()["notes"]
    indent = 2 * NOTES_SIZE
    paragraphs = ["注："] + [f"{n}. {note}" for n, note in enumerate(context["notes"], start=1)]
    y = top + NOTES_MARGIN
    for paragraph in paragraphs:
        lines = style.wrap(paragraph, WIDTH, WIDTH - indent)
        boxes = [style.box(line) for line in lines]
        for i, (page, line_top) in enumerate(paragraph_places(pages, y, [h for h, _ in boxes])):
            y = line_top + draw_line(page, style, LEFT + (indent if i == 0 else 0), line_top, WIDTH, lines[i], "left",
                                     boxes[i])


def paragraph_places(pages: list[Page], y: float, heights: list[float]) -> list[tuple[Page, float]]:
    """Where each line of a paragraph goes, from ``y`` on the last of ``pages``: (page, top); a page
    is added where the paragraph breaks, two lines at least on each side (CSS orphans and widows)."""
    places: list[tuple[Page, float]] = []
    start = 0
    while start < len(heights):
        fits = lines_kept(len(heights) - start, fitting(heights[start:], y))
        if fits == 0:
            if y <= TOP + _EPSILON:
                raise Unsupported("notes taller than a page")
            pages.append(Page())
            y = TOP
            continue
        for height in heights[start:start + fits]:
            places.append((pages[-1], y))
            y += height
        start += fits
    return places


def fitting(heights, y: float) -> int:
    """How many lines of these ``heights``, from ``y`` down, fit above the foot of the type area."""
    count = 0
    for height in heights:
        if y + height > FOOT + _EPSILON:
            break
        y += height
        count += 1
    return count


def page_numbers(pages: list[Page], style: Style | None = None) -> None:
    """“— N —”: in the bottom margin, 7 mm down, 14 pt in from the right (odd pages) or left;
    ``style``: the number's line (宋体 14 pt; the margin box's line-height, 28.95 pt unless given)."""
    style = style or styles()["number"]
    for number, page in enumerate(pages, start=1):
        text = f"— {number} —"
        left = number % 2 == 0
        x = LEFT + NUMBER_PAD_SIDE if left else PAGE_W - RIGHT - NUMBER_PAD_SIDE - style.width(text)
        draw_line(page, style, x, FOOT + NUMBER_PAD_TOP, 0, text, "left")


def _check_ink(context: dict) -> None:
    """Characters the HTML path sets in a fallback family (a font lists them with an empty
    glyph: ``fonts.ink_fallback_html``) become inline boxes of their own there, which WeasyPrint
    breaks differently: such a page is left to WeasyPrint."""
    texts = [str(context[k]) for k in ("label", "title", "unit_name", "date_line")]
    texts += [str(c["header"]) for c in context["table"]] + [str(n) for n in context["notes"]]
    texts += [str(v) for row in context["rows"] for v in row.values()]
    if fonts.ink_fallback_html("\n".join(texts).replace("<", " ")) != "\n".join(texts).replace("<", " "):
        raise Unsupported("ink fallback")


def layout(context: dict) -> list[Page]:
    """The pages of the built-in 附件2 for ``context`` (``builtin_context`` applied)."""
    _check_ink(context)
    pages = [Page()]
    bottom = table(pages, head(pages[0], context), context)
    notes(pages, bottom, context)
    page_numbers(pages)
    return pages


def write_pdf(pages: list[Page], *, title: str) -> bytes:
    """The laid-out pages as one PDF (render/fasttable_pdf.py)."""
    from .fasttable_pdf import pdf_bytes

    return pdf_bytes(pages, title=title, width=PAGE_W, height=PAGE_H, rule=RULE)
