"""The 实施方案 PDF set on the DOCX's character grid, so that Word, WPS, LibreOffice and the PDF
break the same lines.

The DOCX lays its body on a 22 × 28 character grid (w:docGrid linesAndChars).  On that grid
LibreOffice 7.4 gives every Chinese character one cell and every run of half-width text (digits,
Latin letters, ASCII punctuation, and the — … “ ” that follow them) a whole number of cells,
centred (measured; Word and WPS lay out on the same grid); and at the end of a line Word, WPS and
LibreOffice let 。，、；：！？ hang past the margin (their default; the DOCX names no other).  The PDF breaks its lines in the same places: each half-width run is
padded to its cells (``grid_markup``), and where the office suites hang a mark the PDF keeps the
mark on the line by setting the line's last characters a little closer (GB/T 9704: nothing past
the type area).  Those lines are worked out on the grid before layout (render/plan_lines.py);
``hang_spots`` finds them in a layout (the check and the fallback: render/plan_pdf.py)."""
from __future__ import annotations

import math
import re

from markupsafe import Markup, escape

from ..text import ems

HANGING = "，。、；：！？．,.;:!?"
_WEAK = "—…“”‘’·"  # general punctuation: LibreOffice sets it in the script of the text before it
_HALF_RUN = re.compile(r"[!-~](?:[!-~]|[%s])*" % re.escape(_WEAK))
OFFICE_CELL_PT = 15.75  # LibreOffice's grid cell: 315 twips (16 pt less the grid's 0.21 pt)
OFFICE_SCALE = 0.98  # the DOCX sets 3号 characters 98 % wide (w:w), so that each takes one cell
BODY_PT = 16.0
LETTER_SPACING_PT = -0.22  # plan.html's body
PDF_CELL_PT = BODY_PT + LETTER_SPACING_PT


def char_advance(char: str, role: str) -> float:
    """Advance of ``char`` in em in the PDF's font for ``role`` (0.5 when unknown)."""
    from . import fonts

    face = fonts.face_for(ord(char), fonts.role_faces(role))
    found = face.advance(ord(char)) if face is not None else None
    return 0.5 if found is None else found


def run_padding(run: str, role: str = "fang") -> float:
    """Points to add around a half-width ``run`` in the PDF so that it takes as many character
    cells as the office suites give it (a whole number of cells of its width there)."""
    natural = sum(char_advance(c, role) for c in run) * BODY_PT
    office_cells = max(1, math.ceil(natural * OFFICE_SCALE / OFFICE_CELL_PT - 1e-6))
    return max(0.0, office_cells * PDF_CELL_PT - (natural + LETTER_SPACING_PT * len(run)))


class Marker:
    """Numbers the punctuation marks that may end a line, in the order the context is built, and
    knows which lines end in one of them and must be squeezed in this layout: (pt to squeeze out,
    characters of the line up to the mark, the paragraph's first mark) as ``hang_spots`` finds them.
    With ``record``, it keeps each paragraph that holds a mark: (first mark number, marks, text,
    role, the template's box for it) for render/plan_lines.py."""

    def __init__(self, squeeze: dict[int, tuple] | None = None, *, start: int = 0, record: bool = False):
        self.squeeze = squeeze or {}
        self.count = start
        self.paragraphs: list[tuple] | None = [] if record else None

    def mark(self) -> tuple | None:
        n = self.count
        self.count += 1
        return self.squeeze.get(n)


def _tokens(text: str, role: str | None):
    """(text, False / "pad" / "run") pieces of ``text``: single characters, and half-width runs to
    pad or not.  A run that ends the paragraph is not padded (LibreOffice pads a run when the text
    goes on after it)."""
    pos = 0
    for match in (_HALF_RUN.finditer(text) if role else ()):
        yield from ((c, False) for c in text[pos:match.start()])
        yield match.group(), "pad" if match.end() < len(text) else "run"
        pos = match.end()
    yield from ((c, False) for c in text[pos:])


def pieces(text: str, marker: Marker, role: str | None):
    """``text`` as (token, half-width?, pt of padding around it) — single characters and half-width
    runs — with its marks numbered by ``marker``; and the stretches of tokens squeezed to hold a
    mark that the office suites hang: (first token, the mark's token, letter-spacing in pt)."""
    tokens: list[tuple[str, bool, float]] = []
    squeezed: list[tuple[int, tuple]] = []  # (index of the mark's token, squeeze)
    for token, half in _tokens(text, role):
        if half:
            for _ in range(sum(c in HANGING for c in token)):
                marker.mark()  # numbered, never squeezed: a mark inside a run stays with the run
            pad = run_padding(token, role) if half == "pad" else 0.0
            tokens.append((token, True, pad if pad > 0.05 else 0.0))
        else:
            squeeze = marker.mark() if token in HANGING else None
            tokens.append((token, False, 0.0))
            if squeeze:
                squeezed.append((len(tokens) - 1, squeeze))
    spans = []
    for end, (points, chars, *_) in reversed(squeezed):
        start, count = end + 1, 0
        while start > 0 and count + len(tokens[start - 1][0]) <= chars:
            start -= 1
            count += len(tokens[start][0])
        spans.append((start, end, LETTER_SPACING_PT - points / max(count, 1)))
    return tokens, spans


def grid_markup(text, marker: Marker, *, role: str | None = "fang", box=None):
    """``text`` as HTML: each half-width run padded to its grid cells (unless ``role`` is None:
    text off the grid); the punctuation marks that may end a line numbered by ``marker`` (an empty
    span before the text holds the first number and the count), and each line that ends in a mark
    the office suites hang past the margin squeezed to hold it.  ``box``: the paragraph's place in
    the template (render/plan_lines.Box), kept with the paragraph when the marker records."""
    if not isinstance(text, str) or not text:
        return text
    first = marker.count
    tokens, spans = pieces(text, marker, role)
    parts = [str(escape(token)) if not pad else '<span class="hw" style="margin: 0 %.2fpt">%s</span>'
             % (pad / 2, escape(token)) for token, _, pad in tokens]
    for start, end, spacing in spans:  # last first: the earlier indices stay valid
        parts[start:end + 1] = ['<span class="squeeze" style="letter-spacing: %.2fpt">%s</span>'
                                % (spacing, "".join(parts[start:end + 1]))]
    if marker.count == first:
        return Markup("".join(parts))
    if marker.paragraphs is not None:
        marker.paragraphs.append((first, marker.count - first, text, role, box))
    return Markup('<span data-m="%d" data-n="%d"></span>%s' % (first, marker.count - first, "".join(parts)))


# -- finding the marks that hang in a layout ---------------------------------------------------

def _anchor(box) -> tuple[int, int] | None:
    """(first mark number, marks) of a paragraph's anchor span, else None."""
    element = getattr(box, "element", None)
    get = getattr(element, "get", None)
    found = get("data-m") if get else None
    return (int(found), int(get("data-n"))) if found and found.isdigit() else None


def _leaves(box):
    """The boxes of a line in order: text boxes and anchors (empty inline boxes)."""
    children = getattr(box, "children", None)
    if not children or _anchor(box) is not None:
        yield box
        return
    for child in children:
        yield from _leaves(child)


def _paragraph_lines(page_box):
    """(paragraph element, its block box, line box) for each line of text on a page, in order."""
    from weasyprint.formatting_structure.boxes import LineBox

    def walk(box):
        for child in getattr(box, "children", []) or []:
            if isinstance(child, LineBox):
                yield box.element, box, child
            else:
                yield from walk(child)
    yield from walk(page_box)


def _line_end(line) -> float:
    def boxes(box):
        for child in getattr(box, "children", None) or []:
            yield child
            yield from boxes(child)
    return max((b.position_x + b.margin_width() for b in boxes(line)), default=line.position_x)


class _Paragraph:
    """What the lines seen so far tell about one paragraph: its first mark number and count,
    the marks before the current line."""

    def __init__(self):
        self.first: int | None = None
        self.marks = 0
        self.seen = 0
        self.done = False

    def count(self, line) -> None:
        for leaf in _leaves(line):
            anchor = _anchor(leaf)
            if anchor is not None:
                self.first, self.marks = anchor
            elif self.first is not None:
                self.seen += sum(c in HANGING for c in getattr(leaf, "text", "") or "")


def _spot(paragraph: _Paragraph, room: float, line_chars: int, following):
    """(mark number, squeeze) when ``following`` starts with text that fits in ``room`` and then
    a mark that may hang; else None."""
    carried = 0
    for leaf in _leaves(following):
        text = getattr(leaf, "text", "") or ""
        hit = next((i for i, c in enumerate(text) if c in HANGING), None)
        if hit is None:
            carried += len(text)
            continue
        total = ems(text) or 1
        width = leaf.position_x - following.position_x + leaf.width * ems(text[:hit]) / total
        mark = leaf.width * ems(text[hit]) / total
        number = paragraph.seen
        if 0 < width <= room + 0.5 and paragraph.first is not None and number < paragraph.marks:
            return paragraph.first + number, (width + mark - room + 0.3, line_chars + carried + hit + 1,
                                              paragraph.first)
        return None
    return None


def hang_spots(document) -> dict[int, tuple[float, int, int]]:
    """Marks that the office suites would hang in this layout (the next line of the paragraph
    starts with text that fits on this line, followed by a mark that may hang): by how much (pt)
    the line must be squeezed to hold that text and the mark, its characters up to the mark, and
    the paragraph's first mark number.  One mark a paragraph: its later lines move once it is
    squeezed.  A paragraph's last line on a page and its first on the next are consecutive lines
    (the page's margin boxes, walked in between, are no paragraph's)."""
    found: dict[int, tuple[float, int, int]] = {}
    paragraphs: dict[int, _Paragraph] = {}
    last_line: dict[int, tuple] = {}  # id(element) → (its block box, its line so far)
    for element, block, line in (item for page in document.pages for item in _paragraph_lines(page._page_box)):
        paragraph = paragraphs.setdefault(id(element), _Paragraph())
        previous = last_line.get(id(element)) if element is not None else None
        if previous is not None and not paragraph.done:
            last_block, last = previous
            room = last_block.content_box_x() + last_block.width - _line_end(last)
            chars = sum(len(getattr(leaf, "text", "") or "") for leaf in _leaves(last))
            spot = _spot(paragraph, room, chars, line)
            if spot is not None:
                found[spot[0]] = spot[1]
                paragraph.done = True
        paragraph.count(line)
        last_line[id(element)] = (block, line)
    return found


def laid_out_lines(document) -> dict[int, list[str]]:
    """The text of each line of each paragraph that holds a numbered mark, by the paragraph's first
    mark number (to check the lines render/plan_lines.py predicts)."""
    found: dict[int, list[str]] = {}
    current: dict[int, list[str]] = {}  # id(element) → its lines
    for element, _, line in (item for page in document.pages for item in _paragraph_lines(page._page_box)):
        leaves = list(_leaves(line))
        anchor = next((_anchor(leaf) for leaf in leaves if _anchor(leaf) is not None), None)
        if anchor is not None:
            current[id(element)] = found.setdefault(anchor[0], [])
        lines = current.get(id(element))
        if lines is not None:
            lines.append("".join(getattr(leaf, "text", "") or "" for leaf in leaves))
    return found
