"""Normalisation of what people really type into Excel cells.

Every function here is pure (no I/O, no global state). Parsers raise
:class:`NormalizeError` whose message (``str(e)``, also ``e.expected``) is a
Simplified-Chinese sentence telling the user what the cell should contain.

Important for callers: pass the *raw* cell value (as read by openpyxl) to the
``parse_*`` functions, not ``clean_text(value)``.  A numeric cell ``1985.1``
means October (Excel drops the trailing zero of ``1985.10``), whereas the text
``"1985.1"`` means January; converting to text first loses that distinction.
"""

from __future__ import annotations

import functools

import numbers
import re
from decimal import Decimal

# cell-text cleaning and print formatting live in sp_docs.text (shared with the
# documents); re-exported here for the readers and for old importers.
from ..model import TRACK_LABELS  # noqa: F401  (re-exported)
from ..text import CJK as _CJK
from ..text import WS_RE as _WS_RE
from ..text import chinese_date, chinese_year_month, clean_name, clean_text, format_year_month, gongwen_date  # noqa: F401
from ..text import MonthDate, format_date, month_date  # noqa: F401  (re-exported)
from ..text import drop_invisible as _drop_invisible
from ..text import is_nan as _is_nan
from ..text import to_halfwidth
from ..values import (BOOL_EXPECTED, DATE_EXPECTED, INT_EXPECTED, TRACK_EXPECTED,  # noqa: F401
                      YEAR_EXPECTED, YEAR_MONTH_EXPECTED, NormalizeError, compact_text, parse_date,
                      parse_year, parse_year_month, whole_number)
from .people import (POLITICAL_STATUS_EXPECTED, POLITICAL_STATUSES, id_birth_date, is_full_member,  # noqa: F401
                     is_party_member, make_id_number, parse_id_number, parse_political_status)

__all__ = [
    "NormalizeError",
    "to_halfwidth",
    "clean_text",
    "clean_name",
    "parse_year_month",
    "parse_date",
    "parse_year",
    "parse_int",
    "parse_bool",
    "POLITICAL_STATUSES",
    "parse_political_status",
    "is_party_member",
    "is_full_member",
    "parse_track",
    "TRACK_LABELS",
    "parse_id_number",
    "id_birth_date",
    "make_id_number",
    "normalize_header",
    "format_year_month",
    "chinese_date",
    "chinese_year_month",
    "gongwen_date",
]


# ---------------------------------------------------------------------------
# Numbers and booleans
# ---------------------------------------------------------------------------

_INT_STR_RE = re.compile(rf"^([+-]?\d+)(?:\.0+)?([{_CJK}]{{1,4}})?$")
_THOUSANDS_RE = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?=\D|$)")


def parse_int(v: object, *, min: int | None = None, max: int | None = None) -> int:  # noqa: A002
    """Parse an integer (``12``, ``12.0``, ``'１２'``, ``'12人'``, ``'1,200'``).

    Rejects non-integral numbers and free text. ``min``/``max`` are inclusive.
    """
    exp = INT_EXPECTED
    if v is None or _is_nan(v):
        raise NormalizeError(f"不能为空，{exp}", v)
    if isinstance(v, bool):
        raise NormalizeError(exp, v)
    if isinstance(v, (numbers.Real, Decimal)):
        n = whole_number(v, exp)
    elif isinstance(v, str):
        s = compact_text(v, exp)
        t = _THOUSANDS_RE.match(s)
        if t:
            s = t.group(0).replace(",", "") + s[t.end():]
        m = _INT_STR_RE.match(s)
        if not m:
            raise NormalizeError(exp, v)
        n = int(m.group(1))
    else:
        raise NormalizeError(exp, v)
    if (min is not None and n < min) or (max is not None and n > max):
        if min is not None and max is not None:
            msg = f"应为{min}至{max}之间的整数（当前为{n}）"
        elif min is not None:
            msg = f"应为不小于{min}的整数（当前为{n}）"
        else:
            msg = f"应为不大于{max}的整数（当前为{n}）"
        raise NormalizeError(msg, v)
    return n


_TRUE_WORDS = frozenset(
    ["是", "是的", "√", "✓", "✔", "☑", "y", "yes", "true", "t", "1", "有", "对"]
)
_FALSE_WORDS = frozenset(
    ["否", "不是", "×", "✗", "✘", "☒", "n", "no", "false", "f", "0", "无", "没有", "错"]
)


def parse_bool(v: object) -> bool:
    """Parse 是/否, √/×, ✓/✗, Y/N, yes/no, true/false, 1/0, 有/无, 对/错.

    Case-insensitive, full-width ok. Empty → NormalizeError (callers decide
    on a default for empty cells before calling).
    """
    exp = BOOL_EXPECTED
    if v is None or _is_nan(v):
        raise NormalizeError(f"不能为空，{exp}", v)
    if isinstance(v, bool):
        return v
    if isinstance(v, (numbers.Real, Decimal)):
        if v == 1:
            return True
        if v == 0:
            return False
        raise NormalizeError(exp, v)
    if isinstance(v, str):
        s = _WS_RE.sub("", to_halfwidth(_drop_invisible(v))).lower()
        if s in _TRUE_WORDS:
            return True
        if s in _FALSE_WORDS:
            return False
        if not s:
            raise NormalizeError(f"不能为空，{exp}", v)
    raise NormalizeError(exp, v)


# ---------------------------------------------------------------------------
# Training track (双培 category)
# ---------------------------------------------------------------------------


_TRACK_NUMBER_RE = re.compile(r"^[(\[]?([12一二①②])(?:\.0+)?[)\]]?[.、:]?$")
_TRACK_NUMBERS = {"1": 1, "2": 2, "一": 1, "二": 2, "①": 1, "②": 2}


def parse_track(v: object) -> int:
    """Parse the 双培 track: 1 = 骨干教师培养成共产党员, 2 = 党员教师培养成教学骨干."""
    exp = TRACK_EXPECTED
    if v is None or _is_nan(v) or isinstance(v, bool):
        raise NormalizeError(exp, v)
    if isinstance(v, (numbers.Real, Decimal)):
        if v == 1:
            return 1
        if v == 2:
            return 2
        raise NormalizeError(exp, v)
    if not isinstance(v, str):
        raise NormalizeError(exp, v)
    s = _WS_RE.sub("", to_halfwidth(_drop_invisible(v)))
    s = s.replace("【", "[").replace("】", "]")
    m = _TRACK_NUMBER_RE.match(s)
    if m:
        return _TRACK_NUMBERS[m.group(1)]
    for verb in ("培养成", "培养为"):
        if verb in s:
            tail = s.split(verb, 1)[1]
            if "党员" in tail:
                return 1
            if "骨干" in tail:
                return 2
    raise NormalizeError(exp, v)


# ---------------------------------------------------------------------------
# Headers
# ---------------------------------------------------------------------------

_BRACKET_TABLE = str.maketrans({"【": "[", "】": "]", "〔": "(", "〕": ")",
                                "〖": "[", "〗": "]", "［": "[", "］": "]",
                                "（": "(", "）": ")"})
_TRAILING_HINT_RE = re.compile(r"(?:\([^()]*\)|\[[^\[\]]*\])$")


def normalize_header(s: object) -> str:
    """Key for matching column headers: ``'*出生年月（如1985.03）'`` → ``'出生年月'``."""
    if isinstance(s, str) and len(s) <= 200:
        return _header_key(s)  # the same few dozen headers, in every sheet of every workbook
    return _header_key.__wrapped__(s)


@functools.lru_cache(maxsize=4096)
def _header_key(s: object) -> str:
    t = to_halfwidth(clean_text(s)).translate(_BRACKET_TABLE)
    t = _WS_RE.sub("", t)
    while True:
        before = t
        t = t.strip("*").rstrip(":")
        hint = _TRAILING_HINT_RE.search(t)
        if hint and hint.start() > 0:
            t = t[: hint.start()]
        if t == before:
            break
    return t.lower()
