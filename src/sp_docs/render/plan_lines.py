"""Where the lines of the 实施方案 PDF's running text end, worked out on the character grid before
any layout, and so which lines end in a mark that the office suites hang past the margin.

Each paragraph that holds a numbered mark (plan_grid.Marker) is set here as WeasyPrint sets it:
every character its font's advance plus the letter-spacing (Pango's units), each padded half-width
run its margins, the line breaks where Pango allows one (``pango_get_log_attrs``: UAX #14 with the
zero-width spaces of plan_pdf.quote_breaks) and fills each line with as much as fits.  On those
lines the same rule as ``plan_grid.hang_spots`` (which reads a laid-out document) finds the marks
to squeeze, one a paragraph at a time, each time on the paragraph set again with the squeezes so
far — as the probe layouts did, without laying anything out.  The layout that follows is checked
against the lines predicted here (``mismatched``); where one differs, the caller probes."""
from __future__ import annotations

from dataclasses import dataclass

from ..text import ems
from . import linebreak, plan_grid

PX = 4 / 3  # CSS px a pt: WeasyPrint lays out in px
UNITS = 1024  # Pango units a px
MM_PT = 72 / 25.4
TYPE_WIDTH_PT = 156 * MM_PT  # GB/T 9704: the type area is 156 mm wide
MAX_ROUNDS = 12  # squeezes a paragraph at most (as the probes: plan_pdf)
ZWSP = "\u200b"


@dataclass(frozen=True)
class Box:
    """A paragraph of the template: its content width, first-line indent (pt), type and the text
    the template writes before and after the grid text."""
    width_pt: float = TYPE_WIDTH_PT
    indent_pt: float = 0.0
    size_pt: float = plan_grid.BODY_PT
    spacing_pt: float = plan_grid.LETTER_SPACING_PT
    font: str = "fang"
    prefix: str = ""
    suffix: str = ""
    justify: bool = False  # text-align: justify (a line with a space then fills the width)


def _spacing_px(pt: float) -> float:
    """letter-spacing as Pango applies it: WeasyPrint truncates it to whole Pango units."""
    return int(pt * PX * UNITS) / UNITS


_ADVANCES: dict = {}
_ADVANCES_FACES: list = [None]


def advances_memo() -> dict:
    """Advances (px) by (character, font, size) for the process; dropped when ``fonts.forget()``
    has dropped the faces they were read from."""
    from . import fonts

    faces = fonts.role_faces("fang")
    if _ADVANCES_FACES[0] is not faces:
        _ADVANCES.clear()
        _ADVANCES_FACES[0] = faces
    return _ADVANCES


def _advance_px(char: str, font: str, size_pt: float, memo: dict) -> float:
    """Advance of ``char`` in px (fonts read once a run: ``memo``)."""
    key = (char, font, size_pt)
    found = memo.get(key)
    if found is None:
        size_px = int(size_pt * PX * UNITS) / UNITS
        found = memo[key] = 0.0 if char == ZWSP else plan_grid.char_advance(char, font) * size_px
    return found


def available() -> bool:
    return linebreak.available()


def _breaks(text: str) -> list[bool]:
    """``breaks[i]``: a line may end before character ``i`` (Pango's rules on the whole text)."""
    attrs = linebreak.opportunities(text)
    return [False] + [attrs[i][0] for i in range(1, len(text))] + [True]


class _Set:
    """One paragraph as WeasyPrint sets it: per character its width (px), the margins before and
    after it (a padded run's), the text box it is in, and whether a line may end before it."""

    def __init__(self, text: str, role, box: Box, marker, memo: dict):
        tokens, spans = plan_grid.pieces(text, marker, role)
        spacing, group = [None] * len(tokens), [-1] * (len(tokens) + 1)  # group: the squeezed span
        for n, (start, end, points) in enumerate(spans):
            spacing[start:end + 1] = [_spacing_px(float("%.2f" % points))] * (end + 1 - start)
            group[start:end + 1] = [n] * (end + 1 - start)
        self.box, self.memo = box, memo
        self.text = box.prefix + "".join(t for t, *_ in tokens) + box.suffix
        self.widths, self.before, self.after, self.leaf = [], [], [], []
        plain = _spacing_px(box.spacing_pt)
        leaf = 0
        self._add(box.prefix, plain, leaf)
        self.anchor = len(box.prefix)  # the anchor: an empty box before the grid text
        leaf += 1
        for i, (token, half, pad) in enumerate(tokens):
            squeezed = spacing[i] is not None
            if half and pad or (squeezed and (i == 0 or group[i - 1] != group[i])):
                leaf += 1  # a padded run or a squeezed stretch starts a box
            start = len(self.widths)
            self._add(token, plain if spacing[i] is None else spacing[i], leaf)
            if half and pad:
                margin = float("%.2f" % (pad / 2)) * PX
                self.before[start] += margin
                self.after[-1] += margin
                leaf += 1
            if squeezed and group[i + 1] != group[i]:
                leaf += 1
        self._add(box.suffix, plain, leaf)
        self.breaks = _breaks(self.text)

    def _add(self, text: str, spacing: float, leaf: int) -> None:
        for char in text:
            self.widths.append(_advance_px(char, self.box.font, self.box.size_pt, self.memo) + spacing)
            self.before.append(0.0)
            self.after.append(0.0)
            self.leaf.append(leaf)

    def lines(self) -> list[tuple[int, int, int]]:
        """(start, end, next line's start) of each line: as much as fits, ended where a line may
        end; spaces at the end of a line neither count nor show (CSS white-space: normal)."""
        width = self.box.width_pt * PX
        lines, start, n = [], 0, len(self.text)
        while start < n:
            room = width - (self.box.indent_pt * PX if not lines else 0.0)
            used, trail, end, last_fit = 0.0, 0.0, start, None
            while end < n:
                step = self.before[end] + self.widths[end] + self.after[end]
                used += step
                trail = trail + step if self.text[end] == " " else 0.0
                if used - trail > room + 1e-3:
                    break
                end += 1
                if self.breaks[end]:
                    last_fit = end
            if end == n:
                last_fit = n
            elif last_fit is None:  # nothing fits: the line overflows to the next break
                last_fit = next(i for i in range(end + 1, n + 1) if self.breaks[i])
            shown = last_fit
            while shown > start and self.text[shown - 1] == " ":
                shown -= 1
            lines.append((start, shown, last_fit))
            start = last_fit
        return lines

    def leaves(self, start: int, end: int, x: float):
        """(text, x, width, end of its box incl. margin) of each text box of a line from ``x``."""
        out, i = [], start
        while i < end:
            j = i
            while j < end and self.leaf[j] == self.leaf[i]:
                j += 1
            left = x + self.before[i]
            width = sum(self.widths[i:j])
            out.append((self.text[i:j], left, width, left + width + self.after[j - 1]))
            x = out[-1][3]
            i = j
        return out


def _first_spot(setting: _Set, lines, first: int, marks: int):
    """The first line that ends where the office suites hang a mark, as plan_grid.hang_spots
    finds it in a layout: (mark number, (px to squeeze out, characters up to the mark, first))."""
    box, width = setting.box, setting.box.width_pt * PX
    seen = 0
    for k, (start, end, _) in enumerate(lines[:-1]):
        leaves = setting.leaves(start, end, box.indent_pt * PX if k == 0 else 0.0)
        room = width - max((leaf[3] for leaf in leaves), default=0.0)
        if box.justify and " " in setting.text[start:end]:
            room = 0.0  # justified: the spaces stretch to fill the line
        seen += sum(c in plan_grid.HANGING for c in setting.text[max(start, setting.anchor):end])
        carried = 0
        for text, x, leaf_width, _ in setting.leaves(*lines[k + 1][:2], 0.0):
            hit = next((i for i, c in enumerate(text) if c in plan_grid.HANGING), None)
            if hit is None:
                carried += len(text)
                continue
            total = ems(text) or 1
            before = x + leaf_width * ems(text[:hit]) / total
            mark = leaf_width * ems(text[hit]) / total
            if 0 < before <= room + 0.5 and seen < marks:
                return first + seen, (before + mark - room + 0.3, end - start + carried + hit + 1, first)
            break
    return None


def paragraph_spots(record, memo: dict | None = None) -> tuple[dict, list[str]]:
    """The squeezes of one paragraph (a Marker record) and its lines once squeezed."""
    squeeze, setting, lines = _squeezed(record, advances_memo() if memo is None else memo)
    return squeeze, [setting.text[start:end] for start, end, _ in lines]


def _squeezed(record, memo: dict) -> tuple[dict, _Set, list]:
    """The squeezes of one paragraph, and the paragraph set with them and its lines."""
    first, marks, text, role, box = record
    squeeze: dict = {}
    for _ in range(MAX_ROUNDS):
        setting = _Set(text, role, box, plan_grid.Marker(squeeze, start=first), memo)
        lines = setting.lines()
        spot = _first_spot(setting, lines, first, marks)
        if spot is None or spot[0] in squeeze:
            break
        squeeze[spot[0]] = spot[1]
    else:
        setting = _Set(text, role, box, plan_grid.Marker(squeeze, start=first), memo)
        lines = setting.lines()
    return squeeze, setting, lines


def grid_spots(records) -> tuple[dict, dict[int, list[str]]]:
    """The squeezes of every recorded paragraph, and each paragraph's predicted lines (by its
    first mark number)."""
    squeeze, predicted, memo = {}, {}, advances_memo()
    for record in records:
        found, lines = paragraph_spots(record, memo)
        squeeze.update(found)
        predicted[record[0]] = lines
    return squeeze, predicted


def mismatched(predicted: dict[int, list[str]], laid_out: dict[int, list[str]]) -> set[int]:
    """The paragraphs (first mark numbers) whose lines in the layout are not the predicted ones."""
    return {first for first, lines in laid_out.items() if predicted.get(first) != lines}


class Placer:
    """Sets paragraphs as WeasyPrint sets them in plan.html, numbering their marks in call order
    (the order of ``plan_context.pdf_context``) and squeezing the lines in ``squeeze`` (None: the
    lines each paragraph squeezes, worked out as for ``grid_spots``): each line as
    its characters and their x (pt from the box's left edge; the first line starts at the indent).
    Zero-width spaces are left out, as WeasyPrint leaves them out of the page."""

    def __init__(self, squeeze: dict | None = None):
        self.squeeze = squeeze  # None: each paragraph's squeezes are worked out as it is placed
        self.marker = plan_grid.Marker(squeeze)
        self.memo = advances_memo()

    def place(self, text: str, role, box: Box) -> list[tuple[str, list[float]]]:
        if self.squeeze is None:
            first, marks = self.marker.count, sum(c in plan_grid.HANGING for c in text)  # as ``pieces`` numbers them
            self.marker.count += marks
            _, setting, lines = _squeezed((first, marks, text, role, box), self.memo)
        else:
            setting = _Set(text, role, box, self.marker, self.memo)
            lines = setting.lines()
        out = []
        for k, (start, end, _) in enumerate(lines):
            x = box.indent_pt * PX if k == 0 else 0.0
            extra = _justified(setting, start, end, x) if box.justify and k < len(lines) - 1 else 0.0
            chars, xs = [], []
            for i in range(start, end):
                x += setting.before[i]
                char = setting.text[i]
                if char != ZWSP:
                    chars.append(char)
                    xs.append(x / PX)
                x += setting.widths[i] + setting.after[i] + (extra if char == " " else 0.0)
            out.append(("".join(chars), xs))
        return out


def _justified(setting: _Set, start: int, end: int, indent: float) -> float:
    """px each space of a justified line grows by (0 without spaces: WeasyPrint stretches spaces)."""
    spaces = setting.text.count(" ", start, end)
    if not spaces:
        return 0.0
    used = indent + sum(setting.before[i] + setting.widths[i] + setting.after[i] for i in range(start, end))
    return max(0.0, setting.box.width_pt * PX - used) / spaces
