"""How much room text takes in a worksheet, without openpyxl: column-width units of
Chinese and Latin characters, the width a column needs, the lines wrapped text takes
and the row height that shows them (``render.xlsx_layout``, ``render.xlsx_direct``)."""
from __future__ import annotations

import math
import unicodedata

DEFAULT_SIZE = 11.0  # openpyxl's default font (Calibri 11): the unit of column widths
LINE_FACTOR = 1.5  # line height / font size of the CJK fonts office suites pick (Noto CJK: 1.45)
ROW_PADDING = 4.0  # pt above and below the text of a row
CELL_PADDING = 1.0  # column-width units lost to the cell's left and right padding
SAFETY = 1.03  # text measured this much wider than estimated (fonts differ between office suites)


def char_units(char: str, size: float = DEFAULT_SIZE) -> float:
    """Width of one character in Excel column-width units (the width of “0” in
    Calibri 11, 7 px) at ``size`` pt: a Chinese character is one em wide, a
    Latin letter or digit about half."""
    em = size * 96 / 72 / 7
    wide = unicodedata.east_asian_width(char) in ("W", "F")
    return em if wide else em * 0.5


def text_units(text, size: float = DEFAULT_SIZE) -> float:
    """Width of the longest line of ``text`` in column-width units."""
    if text is None:
        return 0.0
    return max((sum(char_units(c, size) for c in line) for line in str(text).split("\n")), default=0.0)


def width_for(texts, size: float = DEFAULT_SIZE, minimum: float = 6, maximum: float = 60) -> float:
    """A column width that holds the widest of ``texts`` on one line (within bounds)."""
    widest = max((text_units(t, size) for t in texts), default=0.0)
    return round(min(maximum, max(minimum, widest * SAFETY + CELL_PADDING + 0.5)), 1)


def lines_needed(text, width: float, size: float = DEFAULT_SIZE) -> int:
    """Lines ``text`` takes when wrapped in a column ``width`` units wide
    (characters wrap one by one, as Chinese text does; with a safety margin)."""
    if text is None or text == "":
        return 1
    usable = max(1.0, width - CELL_PADDING)
    total = 0
    for line in str(text).split("\n"):
        total += max(1, math.ceil(text_units(line, size) * SAFETY / usable))
    return total


def height_for(lines: int, size: float = DEFAULT_SIZE) -> float:
    """Row height (pt) that shows ``lines`` lines of ``size`` pt text."""
    return round(lines * size * LINE_FACTOR + ROW_PADDING, 1)
