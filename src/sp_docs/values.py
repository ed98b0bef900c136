"""Parsing the values people type: dates, year-months and years, from a cell or a settings file.

Every function here is pure.  Parsers raise :class:`NormalizeError` whose message is a
Simplified-Chinese sentence telling the user what the value should contain.  Shared by the
readers (``sources``, which re-export it from ``sources.normalize``) and the documents
(certificate settings); it imports only ``sp_docs.text``.
"""
from __future__ import annotations

import datetime as _dt
import math
import numbers
import re
from decimal import Decimal

from .text import WS_RE as _WS_RE
from .text import drop_invisible as _drop_invisible
from .text import is_nan as _is_nan
from .text import to_halfwidth


class NormalizeError(ValueError):
    """A cell value could not be normalised.

    ``str(e)`` is a Chinese message saying what is expected. ``e.value`` is the
    offending raw value (may be ``None``).
    """

    def __init__(self, message: str, value: object = None) -> None:
        super().__init__(message)
        self.expected = message
        self.value = value

    def __str__(self) -> str:
        return self.expected


# ---------------------------------------------------------------------------
# Expected-value messages (user facing, Simplified Chinese)
# ---------------------------------------------------------------------------

YEAR_MONTH_EXPECTED = "应为年月，如 1985.03"
DATE_EXPECTED = "应为完整日期，如 2021.03.05"
YEAR_EXPECTED = "应为年份，如 2021"
INT_EXPECTED = "应为整数，如 12"
BOOL_EXPECTED = "应为“是”或“否”（也可填 √/×、Y/N、1/0、有/无）"
TRACK_EXPECTED = "应为 1（骨干教师培养成共产党员）或 2（党员教师培养成教学骨干）"


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------

_MIN_YEAR = 1900
_MAX_YEAR = 2100
_MAX_SERIAL = 2958465  # 9999-12-31
_EXCEL_EPOCH = _dt.date(1899, 12, 30)

_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "三": 3,
              "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_DIGIT_CHARS = "〇零○一二三四五六七八九"
_CN_SMALL_CHARS = "一二三四五六七八九十"

_TIME_SUFFIX_RE = re.compile(r"[T\s]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*$")
_YMD_RE = re.compile(
    r"^(\d{4})(?:[./\-_]|年)(\d{1,2})"
    r"(?:(?:[./\-_]|月份?)(?:(\d{1,2})[日号]?)?)?$"
)
_YEAR_ONLY_RE = re.compile(r"^(\d{4})(?:年|年度)?$")
_CN_YMD_RE = re.compile(
    rf"^([{_CN_DIGIT_CHARS}]{{4}})年"
    rf"(?:([{_CN_SMALL_CHARS}]{{1,3}})月份?(?:([{_CN_SMALL_CHARS}]{{1,3}})[日号])?)?$"
)

_Parts = tuple[int, "int | None", "int | None"]


def _serial_parts(n: int, v: object) -> _Parts:
    """Excel 1900 date system, including the Lotus 1-2-3 leap-year bug."""
    if n == 60:
        raise NormalizeError("日期无效（Excel 序列号 60 对应不存在的 1900年2月29日）", v)
    if n < 60:
        d = _dt.date(1899, 12, 31) + _dt.timedelta(days=n)
    else:
        d = _EXCEL_EPOCH + _dt.timedelta(days=n)
    return d.year, d.month, d.day


def _check_year(y: int, v: object, expected: str) -> None:
    if not _MIN_YEAR <= y <= _MAX_YEAR:
        raise NormalizeError(f"年份超出范围（{y}），{expected}", v)


def _int_parts(n: int, v: object, expected: str) -> _Parts:
    if _MIN_YEAR <= n <= _MAX_YEAR:
        return n, None, None
    if 100000 <= n <= 999999 and _MIN_YEAR <= n // 100 <= _MAX_YEAR:
        return n // 100, n % 100, None
    if 10_000_000 <= n <= 99_999_999:
        y = n // 10000
        _check_year(y, v, expected)
        return y, n // 100 % 100, n % 100
    if 1 <= n <= _MAX_SERIAL:
        return _serial_parts(n, v)
    raise NormalizeError(expected, v)


def _cn_small(s: str) -> int:
    """一..九, 十, 十一, 二十, 二十一, 三十一 → int."""
    if "十" not in s:
        if len(s) != 1:
            raise ValueError(s)
        return _CN_DIGITS[s]
    head, _, tail = s.partition("十")
    if "十" in tail or len(head) > 1 or len(tail) > 1:
        raise ValueError(s)
    tens = _CN_DIGITS[head] if head else 1
    return tens * 10 + (_CN_DIGITS[tail] if tail else 0)


def _str_parts(s: str, v: object, expected: str) -> _Parts:
    s = to_halfwidth(_drop_invisible(s))
    s = _TIME_SUFFIX_RE.sub("", s)
    s = _WS_RE.sub("", s)
    if not s:
        raise NormalizeError(f"不能为空，{expected}", v)
    if s.isdigit() and s.isascii():
        if len(s) == 4:
            y, m, d = int(s), None, None
        elif len(s) == 6:
            y, m, d = int(s[:4]), int(s[4:]), None
        elif len(s) == 8:
            y, m, d = int(s[:4]), int(s[4:6]), int(s[6:])
        else:
            raise NormalizeError(expected, v)
        _check_year(y, v, expected)
        return y, m, d
    match = _YMD_RE.match(s) or _YEAR_ONLY_RE.match(s)
    if match:
        groups = match.groups() + (None, None)
        y = int(groups[0])
        m = int(groups[1]) if groups[1] else None
        d = int(groups[2]) if groups[2] else None
        _check_year(y, v, expected)
        return y, m, d
    match = _CN_YMD_RE.match(s)
    if match:
        try:
            y = int("".join(str(_CN_DIGITS[c]) for c in match.group(1)))
            m = _cn_small(match.group(2)) if match.group(2) else None
            d = _cn_small(match.group(3)) if match.group(3) else None
        except (KeyError, ValueError):
            raise NormalizeError(expected, v) from None
        _check_year(y, v, expected)
        return y, m, d
    raise NormalizeError(expected, v)


def _date_parts(v: object, expected: str) -> _Parts:
    """Split a raw cell value into (year, month or None, day or None)."""
    if v is None or _is_nan(v):
        raise NormalizeError(f"不能为空，{expected}", v)
    if isinstance(v, bool):
        raise NormalizeError(expected, v)
    if isinstance(v, _dt.date):  # includes datetime
        return v.year, v.month, v.day
    if isinstance(v, numbers.Integral):
        return _int_parts(int(v), v, expected)
    if isinstance(v, (numbers.Real, Decimal)):
        f = float(v)
        if not math.isfinite(f):
            raise NormalizeError(expected, v)
        if f.is_integer():
            return _int_parts(int(f), v, expected)
        if _MIN_YEAR <= f < _MAX_YEAR + 1:
            # A numeric cell typed as 1985.03 / 1985.3 / 1985.10 (stored 1985.1).
            y = int(f)
            m = round(f * 100) - y * 100
            if m > 12 and m % 10 == 0:
                m //= 10  # 1985.3 can only mean March (1985.30 is no month)
            return y, m, None
        if 1 <= f < _MAX_SERIAL + 1:
            return _serial_parts(int(f), v)  # date-time serial: drop the time
        raise NormalizeError(expected, v)
    if isinstance(v, str):
        return _str_parts(v, v, expected)
    raise NormalizeError(expected, v)


def _check_month(m: int, v: object, expected: str) -> None:
    if not 1 <= m <= 12:
        raise NormalizeError(f"月份无效（{m}），月份应为1至12，{expected}", v)


def _make_date(y: int, m: int, d: int, v: object, expected: str) -> _dt.date:
    try:
        return _dt.date(y, m, d)
    except ValueError:
        raise NormalizeError(f"日期无效（{y}年{m}月{d}日不存在），{expected}", v) from None


def parse_year_month(v: object) -> _dt.date:
    """Parse a year-month cell; returns the first day of that month.

    Accepts date/datetime cells, Excel serial numbers, numeric cells like
    1985.03 (1985.1 means October), ints like 198503 and strings such as
    ``1985.03``, ``1985-3``, ``1985/3``, ``1985年3月``, ``198503``,
    ``1985.03.15``, ``19850315``, ``一九八五年三月`` (full-width ok).
    A bare 4-digit year (int or text) is rejected, not read as a serial.
    """
    exp = YEAR_MONTH_EXPECTED
    y, m, d = _date_parts(v, exp)
    if m is None:
        raise NormalizeError(f"缺少月份，{exp}", v)
    _check_month(m, v, exp)
    if d is not None:
        _make_date(y, m, d, v, exp)  # a day was given: it must exist
    return _dt.date(y, m, 1)


def parse_date(v: object) -> _dt.date:
    """Parse a full date (``2021.3.5``, ``2021-03-05``, ``2021年3月5日``,
    ``20210305``, date cells, serial numbers …). Year-month only is an error."""
    exp = DATE_EXPECTED
    y, m, d = _date_parts(v, exp)
    if m is None or d is None:
        raise NormalizeError(f"缺少日，{exp}" if m is not None else exp, v)
    _check_month(m, v, exp)
    return _make_date(y, m, d, v, exp)


_YEAR_MIN = 1950
_YEAR_MAX = 2100
_YEAR_STR_RE = re.compile(r"^(\d{4})(?:\.0+)?(?:年度?)?$")
_CN_YEAR_RE = re.compile(rf"^([{_CN_DIGIT_CHARS}]{{4}})(?:年度?)?$")


def whole_number(v, expected: str) -> int:
    """A numeric cell that holds a whole number (12 or 12.0), else the error."""
    if isinstance(v, numbers.Integral):
        return int(v)
    f = float(v)
    if not (math.isfinite(f) and f.is_integer()):
        raise NormalizeError(expected, v)
    return int(f)


def compact_text(v: str, expected: str) -> str:
    """A text cell without spaces, invisible characters or full-width forms; empty is an error."""
    s = _WS_RE.sub("", to_halfwidth(_drop_invisible(v)))
    if not s:
        raise NormalizeError(f"不能为空，{expected}", v)
    return s


def parse_year(v: object) -> int:
    """Parse a year (``2021``, ``2021年``, ``2021.0``, full-width; 1950–2100)."""
    exp = YEAR_EXPECTED
    if v is None or _is_nan(v):
        raise NormalizeError(f"不能为空，{exp}", v)
    if isinstance(v, bool):
        raise NormalizeError(exp, v)
    if isinstance(v, _dt.date):
        y = v.year
    elif isinstance(v, (numbers.Real, Decimal)):
        y = whole_number(v, exp)
    elif isinstance(v, str):
        s = compact_text(v, exp)
        m = _YEAR_STR_RE.match(s)
        if m:
            y = int(m.group(1))
        else:
            mc = _CN_YEAR_RE.match(s)
            if not mc:
                raise NormalizeError(exp, v)
            y = int("".join(str(_CN_DIGITS[c]) for c in mc.group(1)))
    else:
        raise NormalizeError(exp, v)
    if not _YEAR_MIN <= y <= _YEAR_MAX:
        raise NormalizeError(f"年份应在{_YEAR_MIN}至{_YEAR_MAX}之间（当前为{y}），{exp}", v)
    return y
