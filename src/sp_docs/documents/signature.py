"""Where the 署名 (issuer), 成文日期 (date) and seal of a 公文 go — GB/T 9704-2012 7.3.5.

Positions are right indents counted in characters of the 28-character line; the
renderers (DOCX and PDF) turn them into their own units.  This is document
logic, so it lives with the documents and reaches the renderers through the
view-model (``SignaturePlacement``)."""
from __future__ import annotations

from dataclasses import dataclass

from ..units import CHAR_PT, CHARS_PER_LINE, SEAL_MM, mm_to_pt

MARK_MAX_PT = 36.0  # 发文机关标志: at most 36 pt, and never wider than 92 % of the 442 pt line
LINE_WIDTH_PT = 442.0


def width_chars(text: str) -> float:
    """Printed width in full-width characters (Latin letters and digits count half)."""
    return sum(0.5 if ord(c) < 0x2E80 else 1 for c in text)


def signature_indents(issuer: str, sign_date: str, sealed: bool) -> tuple[float, float]:
    """Right indents (in characters) of the 署名 and the 成文日期 (GB/T 9704 7.3.5). A 署名
    longer than the line wraps, so it counts as one full line (its width capped)."""
    date_w = width_chars(sign_date)
    if sealed:
        date_indent = 4
        name_w = min(width_chars(issuer), float(CHARS_PER_LINE))
        return max(0.0, date_indent + (date_w - name_w) / 2), date_indent
    name_indent = 2
    name_w = min(width_chars(issuer), CHARS_PER_LINE - name_indent)
    return name_indent, max(0.0, name_indent + name_w - 2 - date_w)


def mark_size(mark_text: str | None) -> float:
    """Font size (pt) of the 发文机关标志 so that it fits the line."""
    return min(MARK_MAX_PT, 0.92 * LINE_WIDTH_PT / max(width_chars(mark_text or "文"), 1))


@dataclass
class SignaturePlacement:
    """The signature block of a notice, in characters from the right margin."""

    name_indent: float
    date_indent: float
    date_width: float

    @property
    def seal_centre_chars(self) -> float:
        """The seal is centred on the date: its centre's distance from the right margin."""
        return self.date_indent + self.date_width / 2

    @property
    def seal_right_pt(self) -> float:
        """Distance (pt) from the right margin to the seal's right edge."""
        return self.seal_centre_chars * CHAR_PT - mm_to_pt(SEAL_MM) / 2


def place(issuer: str, sign_date: str, sealed: bool) -> SignaturePlacement:
    name_indent, date_indent = signature_indents(issuer, sign_date, sealed)
    return SignaturePlacement(name_indent, date_indent, width_chars(sign_date))
