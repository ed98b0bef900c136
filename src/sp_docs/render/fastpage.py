"""What the direct PDF writers put on a page (render/fasttable.py, render/fastplan/): text lines
at given positions, straight rules and images, in pt from the page's top left.  Written by
render/fasttable_pdf.py."""
from __future__ import annotations

from dataclasses import dataclass, field

RGB = tuple[float, float, float]


@dataclass
class Text:
    """One line of text in one style (``fasttable.Style``), its baseline ``baseline`` pt from the
    top.  ``xs``: the x of each character when they are not set at their natural advances (letter
    spacing, padded runs); ``color``: RGB 0–1, None for black."""
    style: object
    x: float
    baseline: float
    text: str
    faces: list = field(default_factory=list)  # per character, set when written
    xs: list[float] | None = None
    color: RGB | None = None
    # index → the code point whose glyph stands for that character (a localized form; the text
    # layer still gives the character)
    drawn: dict[int, int] | None = None


@dataclass
class Image:
    """A PNG drawn in the box whose top left corner is (``x``, ``top``)."""
    path: str
    x: float
    top: float
    width: float
    height: float
    opacity: float = 1.0


@dataclass
class Page:
    texts: list[Text] = field(default_factory=list)
    # (x0, y0, x1, y1) in the document's rule width, or (x0, y0, x1, y1, width, color)
    rules: list[tuple] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)


def lines_kept(remaining: int, fits: int) -> int:
    """How many of a paragraph's ``remaining`` lines stay on this page when ``fits`` of them fit:
    all when all fit, else two at least on each side of the break (CSS orphans and widows: 2),
    else none (the paragraph goes to the next page)."""
    if fits >= remaining:
        return remaining
    fits = min(fits, remaining - 2)
    return fits if fits >= 2 else 0
