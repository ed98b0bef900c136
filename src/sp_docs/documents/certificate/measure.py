"""Text measurement and line breaking with the fonts the PDF embeds (render/fonts):
each character's advance from the first face of the role's chain that draws it."""
from __future__ import annotations

import functools
import re

from ...units import PT_PER_MM  # noqa: F401  (re-exported)
from .paper import Box

_CJK_RE = re.compile(r"^[\u3400-\u9fff\U00020000-\U0003134f\uf900-\ufaff]+$")


def display_name(name: str, pad: bool = True) -> str:
    """``张三`` → ``张　三`` (a full-width space) when ``pad``; other names as they are."""
    if pad and len(name) == 2 and _CJK_RE.match(name):
        return name[0] + "\u3000" + name[1]
    return name


class Metrics:
    """Advance widths for one font role: each character from the first face of the
    role's chain that draws it (the face the PDF will use; render/fonts)."""

    def __init__(self, role: str):
        from ...render import fonts

        self.role = role
        self.chain = fonts.role_faces(role)
        self.cache: dict[str, float] = {}

    def advance(self, char: str) -> float:
        """Width of ``char`` in em (characters no face draws count as 1 em)."""
        width = self.cache.get(char)
        if width is None:
            width = 1.0
            code = ord(char)
            for face in self.chain:
                if face.has(code):
                    width = face.advance(code)
                    break
            self.cache[char] = width
        return width

    def width(self, text: str, size: float) -> float:
        """Width in pt of ``text`` set at ``size`` pt."""
        return sum(self.advance(c) for c in text) * size


@functools.lru_cache(maxsize=None)
def metrics(role: str) -> Metrics:
    return Metrics(role)


SAFETY = 0.98  # keep 2 % of every box free: renderers round, fonts hint
LINE_FACTOR = 1.25  # a single line needs this × size of height


class FitError(ValueError):
    pass


def fit_line(text: str, box: Box) -> float:
    """The largest size ≤ box.size at which ``text`` fits in one line of ``box``."""
    width_pt = box.width * PT_PER_MM * SAFETY
    height_pt = box.height * PT_PER_MM
    em = metrics(box.role).width(text, 1.0)
    size = min(box.size, width_pt / em if em else box.size, height_pt / LINE_FACTOR)
    size = int(size * 4) / 4  # quarter points
    if size < box.floor:
        raise FitError(size)
    return size


_CLOSING = set("，。、；：！？）》」』”’…—,.;:!?)%")
_OPENING = set("（《「『“‘(")
ATOM_START, ATOM_END = "\ue000", "\ue001"


def _tokens(paragraph: str) -> list[str]:
    """Unbreakable pieces: CJK characters, Latin words/numbers, marked atoms
    (a 荣誉称号), with closing punctuation glued before and opening after."""
    pieces: list[str] = []
    i = 0
    while i < len(paragraph):
        char = paragraph[i]
        if char == ATOM_START:
            end = paragraph.find(ATOM_END, i)
            end = len(paragraph) if end < 0 else end
            pieces.append(paragraph[i + 1:end])
            i = end + 1
            continue
        if char.isascii() and char.isalnum():
            j = i
            while j < len(paragraph) and paragraph[j].isascii() and (paragraph[j].isalnum() or paragraph[j] in "-_./"):
                j += 1
            pieces.append(paragraph[i:j])
            i = j
            continue
        pieces.append(char)
        i += 1
    tokens: list[str] = []
    pending_open = ""
    for piece in pieces:
        if piece in _OPENING:
            pending_open += piece
            continue
        if piece in _CLOSING and tokens and not pending_open:
            tokens[-1] += piece
            continue
        tokens.append(pending_open + piece)
        pending_open = ""
    if pending_open:
        tokens.append(pending_open)
    # leading full-width indent spaces stay with the first word
    while len(tokens) > 1 and tokens[0].strip("\u3000 ") == "":
        tokens[1] = tokens[0] + tokens[1]
        tokens.pop(0)
    return tokens


def break_lines(paragraphs: list[str], box: Box, size: float) -> list[str] | None:
    """Greedy line breaking at ``size``; None when a piece is wider than the box."""
    m = metrics(box.role)
    limit = box.width * PT_PER_MM * SAFETY
    lines: list[str] = []
    for paragraph in paragraphs:
        current, current_width = "", 0.0
        for token in _tokens(paragraph):
            width = m.width(token, size)
            if width > limit:
                return None
            if current and current_width + width > limit:
                lines.append(current)
                current, current_width = token, width
            else:
                current += token
                current_width += width
        lines.append(current)
    return lines


def fit_block(paragraphs: list[str], box: Box) -> tuple[float, list[str]]:
    """The largest size (½ pt steps) at which the paragraphs fit in ``box``."""
    height_pt = box.height * PT_PER_MM
    size = box.size
    while size >= box.floor:
        lines = break_lines(paragraphs, box, size)
        if lines is not None and len(lines) * size * box.line_height <= height_pt + 0.01:
            return size, lines
        size -= 0.5
    raise FitError(size)


