"""Text shared by the readers and the documents: cleaning cell text, and the
formats dates and numbers are printed in (公文 dates, Chinese numerals).

It imports nothing from sp_docs: ``sources`` uses it to normalise what it
reads, ``documents`` to format what they print.
"""
from __future__ import annotations

import datetime as _dt
import math
import numbers
import re
import unicodedata
from decimal import Decimal
from functools import lru_cache

# ---------------------------------------------------------------------------
# Character-level helpers
# ---------------------------------------------------------------------------

_HALFWIDTH_TABLE = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_HALFWIDTH_TABLE[0x3000] = 0x20

# Only digits and Latin letters (used by clean_text, which keeps punctuation).
_ALNUM_HALFWIDTH_TABLE = {
    c: c - 0xFEE0
    for rng in ((0xFF10, 0xFF1A), (0xFF21, 0xFF3B), (0xFF41, 0xFF5B))
    for c in range(*rng)
}

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
LATIN_RE = re.compile(r"[A-Za-z]")
WS_RE = re.compile(r"\s+")
_HSPACE_RE = re.compile(r"[^\S\t\n]+")  # whitespace except tab and newline
_XML_CR_RE = re.compile(r"_x000[dD]_")  # openpyxl sometimes leaves this escape


def to_halfwidth(s: str) -> str:
    """Convert full-width ASCII forms (U+FF01–U+FF5E) and U+3000 to ASCII.

    Chinese punctuation outside that block (“”、。 etc.) is left alone.
    """
    return s.translate(_HALFWIDTH_TABLE)


def drop_invisible(s: str) -> str:
    """Remove control / format / surrogate characters that are not whitespace."""
    if s.isprintable():  # nearly every cell: nothing to remove, found in one C-level scan
        return s
    out = []
    for ch in s:
        if ch.isspace() or ch.isprintable():
            out.append(ch)
            continue
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cf", "Cs", "Co", "Cn"):
            if cat in ("Co", "Cn"):
                # Private-use / unassigned: keep (may be a rare name glyph).
                out.append(ch)
            continue
        out.append(ch)
    return "".join(out)


def is_nan(v: object) -> bool:
    return isinstance(v, float) and math.isnan(v)


def _number_to_text(v: numbers.Number) -> str:
    if isinstance(v, Decimal):
        if v.is_finite() and v == v.to_integral_value():
            return str(int(v))
        return str(v)
    if isinstance(v, numbers.Integral):
        return str(int(v))
    if isinstance(v, numbers.Real):
        f = float(v)
        if math.isnan(f):
            return ""
        if math.isfinite(f) and f.is_integer():
            return str(int(f))
        return repr(f)
    return str(v)


def clean_text(v: object, multiline: bool = False) -> str:
    """Normalise a cell value to clean text.

    * ``None`` / NaN → ``''``; numbers → text (``12.0`` → ``'12'``);
      dates → ISO text (``1985-03-01``).
    * Control and zero-width characters are removed.
    * Full-width digits and Latin letters become half-width; punctuation such
      as （）：，is kept.
    * Single-line mode (default): every whitespace run, newlines included,
      becomes one space and the ends are stripped.
    * ``multiline=True``: newlines are kept, each line is stripped, runs of
      blanks inside a line collapse to one space (tabs inside a line are
      kept), consecutive empty lines collapse to one, and leading/trailing
      empty lines are dropped.
    """
    if v is None:
        return ""
    if isinstance(v, bool):
        s = str(v)
    elif isinstance(v, str):
        s = v
    elif isinstance(v, _dt.datetime):
        s = v.date().isoformat() if v.time() == _dt.time(0) else v.isoformat(sep=" ")
    elif isinstance(v, _dt.date):
        s = v.isoformat()
    elif isinstance(v, numbers.Number):
        s = _number_to_text(v)
    else:
        s = str(v)

    s = _XML_CR_RE.sub("\r", s)
    s = drop_invisible(s)
    s = s.translate(_ALNUM_HALFWIDTH_TABLE)

    if not multiline:
        return " ".join(s.split())

    s = s.replace("\r\n", "\n").replace("\r", "\n")
    s = s.replace("\u2028", "\n").replace("\u2029", "\n")
    s = s.replace("\x0b", "\n").replace("\x0c", "\n")
    s = s.replace("\x1c", "\n").replace("\x1d", "\n").replace("\x1e", "\n")
    s = s.replace("\x85", "\n")
    lines: list[str] = []
    for raw in s.split("\n"):
        line = _HSPACE_RE.sub(" ", raw).strip()
        if not line and (not lines or not lines[-1]):
            continue  # drop leading and repeated empty lines
        lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


# Middle-dot look-alikes people use in transliterated names.
_DOTS = "\u00b7\u2022\u2027\u30fb\uff65\u2219\u22c5\u0387\u318d.\uff0e"
_NAME_DOT_RE = re.compile(rf"(?<=[{CJK}])\s*[{re.escape(_DOTS)}]\s*(?=[{CJK}])")


def clean_name(v: object) -> str:
    """Normalise a person's name.

    Chinese names lose every space (``张 三`` → ``张三``). Names containing
    Latin letters keep single spaces. Middle-dot variants between two CJK
    characters become U+00B7 (``阿依古丽•买买提`` → ``阿依古丽·买买提``).
    """
    s = clean_text(v)
    if not LATIN_RE.search(s):
        s = WS_RE.sub("", s)
    return _NAME_DOT_RE.sub("\u00b7", s)


# ---------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------

CN_NUMERALS = "〇一二三四五六七八九"  # zero is 〇 (U+3007), as in 公文 dates: 二〇二五年


class MonthDate(_dt.date):
    """A date written with a year and a month only (“2024年3月”, “2024.3”): the first
    of the month for ordering and arithmetic, but printed without a day — formats
    such as ``%Y.%m.%d`` drop their day part, so no document shows a day nobody wrote."""

    _DAY = re.compile(r"[./\-]?%d日?")

    def __format__(self, spec: str) -> str:
        return super().__format__(self._DAY.sub("", spec) if "%d" in spec else spec)

    def strftime(self, spec: str) -> str:
        return super().strftime(self._DAY.sub("", spec))

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def __repr__(self) -> str:
        return f"MonthDate({self.year}, {self.month})"

    def __reduce__(self):
        return (MonthDate, (self.year, self.month, 1))

    def _plain(self) -> _dt.date:
        return _dt.date(self.year, self.month, self.day)

    # arithmetic gives a real day: a plain date
    def __add__(self, other):
        return self._plain() + other

    __radd__ = __add__

    def __sub__(self, other):
        return self._plain() - other

    def replace(self, *args, **kwargs):
        return self._plain().replace(*args, **kwargs)


def month_date(d: _dt.date) -> MonthDate:
    return MonthDate(d.year, d.month, 1)


def format_date(d: _dt.date | None, sep: str = ".") -> str:
    """``2024.03.05``; a ``MonthDate`` as ``2024.03``; ``""`` for None."""
    if d is None:
        return ""
    if isinstance(d, MonthDate):
        return f"{d.year:04d}{sep}{d.month:02d}"
    return f"{d.year:04d}{sep}{d.month:02d}{sep}{d.day:02d}"


def format_year_month(d: _dt.date) -> str:
    """``date(1985, 3, 1)`` → ``'1985.03'``."""
    return f"{d.year:04d}.{d.month:02d}"


def cn_number(n: int) -> str:
    """0..99 in Chinese as counted and numbered: 〇, 一, 十, 十一, 二十, 二十一, 九十九
    (months, days, heading numbers 一、（二）)."""
    if n < 10:
        return CN_NUMERALS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_NUMERALS[tens]) + "十" + (CN_NUMERALS[ones] if ones else "")


def cn_year(y: int) -> str:
    """A year digit by digit: 2025 → 二〇二五."""
    return "".join(CN_NUMERALS[int(c)] for c in str(y))


def chinese_date(d: _dt.date, with_day: bool = True) -> str:
    """``date(2025, 9, 10)`` → ``'二〇二五年九月十日'`` (zero is 〇 U+3007)."""
    s = f"{cn_year(d.year)}年{cn_number(d.month)}月"
    if with_day and not isinstance(d, MonthDate):
        s += f"{cn_number(d.day)}日"
    return s


def chinese_year_month(d: _dt.date) -> str:
    """``date(2025, 9, 1)`` → ``'二〇二五年九月'``."""
    return chinese_date(d, with_day=False)


def gongwen_date(d: _dt.date) -> str:
    """``date(2019, 4, 15)`` → ``'2019年4月15日'`` (no zero padding)."""
    if isinstance(d, MonthDate):
        return f"{d.year}年{d.month}月"
    return f"{d.year}年{d.month}月{d.day}日"


# ---------------------------------------------------------------------------
# Pinyin order
# ---------------------------------------------------------------------------

@lru_cache(maxsize=20000)
def pinyin_key(name: str) -> "PinyinKey":
    """Sort key for Chinese names in pinyin order (ties broken by the characters):
    orders as ``(pypinyin TONE3 syllables, name)`` does, working the syllables
    out only when two different names must be ordered (``PinyinKey``)."""
    return PinyinKey(name)


class PinyinKey:
    """Compares as ``(tuple(lazy_pinyin(name, style=TONE3)), name)``.  Equal names are
    equal keys without any pinyin, so a sort whose earlier key parts already differ
    (another unit, another track) never loads pypinyin (~0.3 s)."""

    __slots__ = ("name", "_full")

    def __init__(self, name: str):
        self.name = name
        self._full: tuple | None = None

    def full(self) -> tuple:
        if self._full is None:
            self._full = (pinyin_syllables(self.name), self.name)
        return self._full

    def __eq__(self, other):
        return self.name == other.name if isinstance(other, PinyinKey) else NotImplemented

    def __hash__(self):
        return hash(self.name)

    def __lt__(self, other: "PinyinKey"):
        return self.name != other.name and self.full() < other.full()

    def __gt__(self, other: "PinyinKey"):
        return self.name != other.name and self.full() > other.full()

    def __le__(self, other: "PinyinKey"):
        return self.name == other.name or self.full() < other.full()

    def __ge__(self, other: "PinyinKey"):
        return self.name == other.name or self.full() > other.full()

    def __repr__(self) -> str:
        return f"PinyinKey({self.name!r})"


@lru_cache(maxsize=20000)
def pinyin_syllables(name: str) -> tuple:
    """``tuple(lazy_pinyin(name, style=Style.TONE3, errors="default"))``; a name of
    characters none of whose neighbours begins a pypinyin phrase is read from the
    per-user table of ``pinyin_table`` without importing pypinyin."""
    from .pinyin_table import table_syllables

    found = table_syllables(name)
    if found is not None:
        return found
    from pypinyin import Style, lazy_pinyin

    return tuple(lazy_pinyin(name, style=Style.TONE3, errors="default"))


def ems(text: str) -> float:
    """Width of ``text`` in em, roughly: a printable ASCII character half, a zero-width space
    nothing, anything else one."""
    return sum(0 if c == "\u200b" else 0.5 if ord(c) < 0x7F else 1 for c in text)


def lines_needed(text: str, chars_per_line: float) -> int:
    """Lines ``text`` takes in a box of ``chars_per_line`` em, a character short of full (lines end
    at break opportunities): an estimate for a row's height, one line at least."""
    return max(1, math.ceil(ems(text) / (chars_per_line - 1) - 1e-9))
