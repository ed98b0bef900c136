"""The 实施方案 PDF set on the DOCX's character grid, so that Word, WPS, LibreOffice and the PDF
break the same lines.

The DOCX lays its body on a 22 × 28 character grid (w:docGrid linesAndChars).  On that grid the
office suites give every Chinese character one cell and every run of half-width text (digits,
Latin letters, ASCII punctuation, and the — … “ ” that follow them) a whole number of cells,
centred; and at the end of a line they let 。，、；：！？ hang past the margin (their default;
the DOCX names no other).  The PDF breaks its lines in the same places: each half-width run is
padded to its cells (``grid_markup``), and where the office suites hang a mark the PDF keeps the
mark on the line by setting the line's last characters a little closer (GB/T 9704: nothing past
the type area).  Those lines are found in the PDF's own layout (``hang_spots``) and squeezed in a
new layout, until no line changes."""
from __future__ import annotations

import math
import re

from markupsafe import Markup, escape

HANGING = "，。、；：！？．,.;:!?"
_WEAK = "—…“”‘’·"  # general punctuation: LibreOffice sets it in the script of the text before it
_HALF_RUN = re.compile(r"[!-~](?:[!-~]|[%s])*" % re.escape(_WEAK))
OFFICE_CELL_PT = 15.75  # LibreOffice's grid cell: 315 twips (16 pt less the grid's 0.21 pt)
OFFICE_SCALE = 0.98  # the DOCX sets 3号 characters 98 % wide (w:w), so that each takes one cell
BODY_PT = 16.0
LETTER_SPACING_PT = -0.22  # plan.html's body
PDF_CELL_PT = BODY_PT + LETTER_SPACING_PT
HANG_ID = "hp"


def _advance(char: str, role: str) -> float:
    """Advance of ``char`` in em in the PDF's font for ``role`` (0.5 when unknown)."""
    from . import fonts

    face = fonts.face_for(ord(char), fonts.role_faces(role))
    found = face.advance(ord(char)) if face is not None else None
    return 0.5 if found is None else found


def run_padding(run: str, role: str = "fang") -> float:
    """Points to add around a half-width ``run`` in the PDF so that it takes as many character
    cells as the office suites give it (a whole number of cells of its width there)."""
    natural = sum(_advance(c, role) for c in run) * BODY_PT
    office_cells = max(1, math.ceil(natural * OFFICE_SCALE / OFFICE_CELL_PT - 1e-6))
    return max(0.0, office_cells * PDF_CELL_PT - (natural + LETTER_SPACING_PT * len(run)))


class Marker:
    """Numbers the punctuation marks that may end a line, in the order the context is built, and
    knows which lines end in one of them and must be squeezed in this layout: (pt to squeeze out,
    characters of the line up to the mark)."""

    def __init__(self, squeeze: dict[int, tuple[float, int]] | None = None):
        self.squeeze = squeeze or {}
        self.count = 0

    def mark(self, char: str) -> tuple[Markup, tuple[float, int] | None]:
        n = self.count
        self.count += 1
        return Markup('<span id="%s%d">%s</span>') % (HANG_ID, n, char), self.squeeze.get(n)


def _tokens(text: str, role: str | None):
    """(text, is a half-width run) pieces of ``text``: single characters and half-width runs."""
    pos = 0
    for match in (_HALF_RUN.finditer(text) if role else ()):
        yield from ((c, False) for c in text[pos:match.start()])
        yield match.group(), True
        pos = match.end()
    yield from ((c, False) for c in text[pos:])


def grid_markup(text, marker: Marker, *, role: str | None = "fang"):
    """``text`` as HTML: each half-width run padded to its grid cells (unless ``role`` is None:
    text off the grid); each punctuation mark that may end a line numbered by ``marker``, and the
    line it ends squeezed where the office suites let it hang past the margin."""
    if not isinstance(text, str) or not text:
        return text
    pieces: list[Markup] = []
    sizes: list[int] = []  # characters in each piece
    squeezed: list[tuple[int, tuple[float, int]]] = []  # (index of the mark's piece, squeeze)
    for token, half in _tokens(text, role):
        sizes.append(len(token))
        if half:
            pad = run_padding(token, role)
            inner = Markup("").join(escape(c) if c not in HANGING else marker.mark(c)[0] for c in token)
            pieces.append(Markup('<span class="hw" style="margin: 0 %.2fpt">%s</span>') % (pad / 2, inner)
                          if pad > 0.05 else inner)
        elif token in HANGING:
            markup, squeeze = marker.mark(token)
            pieces.append(markup)
            if squeeze:
                squeezed.append((len(pieces) - 1, squeeze))
        else:
            pieces.append(escape(token))
    for end, (points, chars) in reversed(squeezed):
        start, count = end + 1, 0
        while start > 0 and count + sizes[start - 1] <= chars:
            start -= 1
            count += sizes[start]
        spacing = LETTER_SPACING_PT - points / max(count, 1)
        pieces[start:end + 1] = [Markup('<span class="squeeze" style="letter-spacing: %.2fpt">%s</span>')
                                 % (spacing, Markup("").join(pieces[start:end + 1]))]
    return Markup("").join(pieces)


# -- finding the marks that hang in a layout ---------------------------------------------------

def _hang_id(box) -> int | None:
    element = getattr(box, "element", None)
    ident = element.get("id") if element is not None and hasattr(element, "get") else None
    if ident and ident.startswith(HANG_ID) and ident[len(HANG_ID):].isdigit():
        return int(ident[len(HANG_ID):])
    return None


def _leaves(box, hang: int | None = None):
    """(leaf box, hang id of the mark it draws or None) in line order."""
    children = getattr(box, "children", None)
    if not children:
        yield box, hang
        return
    for child in children:
        yield from _leaves(child, _hang_id(child) if _hang_id(child) is not None else hang)


def _boxes(box):
    """Every box inside ``box`` (with the hang id of the mark it belongs to, or None)."""
    for child in getattr(box, "children", None) or []:
        yield child, _hang_id(child)
        yield from _boxes(child)


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


def _text_length(line) -> int:
    return sum(len(getattr(leaf, "text", "") or "") for leaf, _ in _leaves(line))


def hang_spots(document) -> dict[int, tuple[float, int]]:
    """Marks that the office suites would hang in this layout (the next line of the paragraph
    starts with text that fits on this line, followed by a mark that may hang): by how much (pt)
    the line must be squeezed to hold that text and the mark, and its characters up to the mark."""
    found: dict[int, tuple[float, int]] = {}
    done = set()  # a paragraph's later lines move once one mark hangs: one mark a paragraph a round
    lines = [line for page in document.pages for line in _paragraph_lines(page._page_box)]
    for (element, block, line), (next_element, _, following) in zip(lines, lines[1:]):
        if element is None or element is not next_element or id(element) in done:
            continue
        right = block.content_box_x() + block.width
        end = max((box.position_x + box.margin_width() for box, _ in _boxes(line)), default=right)
        carried = 0  # characters of the next line before the mark
        for leaf, hang in _leaves(following):
            if hang is not None:
                width = leaf.position_x - following.position_x
                room = right - end
                if 0 < width <= room + 0.5:
                    found[hang] = (width + leaf.margin_width() - room + 0.3, _text_length(line) + carried + 1)
                    done.add(id(element))
                break
            carried += len(getattr(leaf, "text", "") or "")
    return found
