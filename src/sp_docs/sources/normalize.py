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

import datetime as _dt
import math
import numbers
import re
import unicodedata
from decimal import Decimal

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

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_LATIN_RE = re.compile(r"[A-Za-z]")
_WS_RE = re.compile(r"\s+")
_HSPACE_RE = re.compile(r"[^\S\t\n]+")  # whitespace except tab and newline
_XML_CR_RE = re.compile(r"_x000[dD]_")  # openpyxl sometimes leaves this escape


def to_halfwidth(s: str) -> str:
    """Convert full-width ASCII forms (U+FF01–U+FF5E) and U+3000 to ASCII.

    Chinese punctuation outside that block (“”、。 etc.) is left alone.
    """
    return s.translate(_HALFWIDTH_TABLE)


def _drop_invisible(s: str) -> str:
    """Remove control / format / surrogate characters that are not whitespace."""
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


def _is_nan(v: object) -> bool:
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
    s = _drop_invisible(s)
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
_NAME_DOT_RE = re.compile(rf"(?<=[{_CJK}])\s*[{re.escape(_DOTS)}]\s*(?=[{_CJK}])")


def clean_name(v: object) -> str:
    """Normalise a person's name.

    Chinese names lose every space (``张 三`` → ``张三``). Names containing
    Latin letters keep single spaces. Middle-dot variants between two CJK
    characters become U+00B7 (``阿依古丽•买买提`` → ``阿依古丽·买买提``).
    """
    s = clean_text(v)
    if not _LATIN_RE.search(s):
        s = _WS_RE.sub("", s)
    return _NAME_DOT_RE.sub("\u00b7", s)


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


def parse_year(v: object) -> int:
    """Parse a year (``2021``, ``2021年``, ``2021.0``, full-width; 1950–2100)."""
    exp = YEAR_EXPECTED
    if v is None or _is_nan(v):
        raise NormalizeError(f"不能为空，{exp}", v)
    if isinstance(v, bool):
        raise NormalizeError(exp, v)
    if isinstance(v, _dt.date):
        y = v.year
    elif isinstance(v, numbers.Integral):
        y = int(v)
    elif isinstance(v, (numbers.Real, Decimal)):
        f = float(v)
        if not (math.isfinite(f) and f.is_integer()):
            raise NormalizeError(exp, v)
        y = int(f)
    elif isinstance(v, str):
        s = _WS_RE.sub("", to_halfwidth(_drop_invisible(v)))
        if not s:
            raise NormalizeError(f"不能为空，{exp}", v)
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
    if isinstance(v, numbers.Integral):
        n = int(v)
    elif isinstance(v, (numbers.Real, Decimal)):
        f = float(v)
        if not (math.isfinite(f) and f.is_integer()):
            raise NormalizeError(exp, v)
        n = int(f)
    elif isinstance(v, str):
        s = _WS_RE.sub("", to_halfwidth(_drop_invisible(v)))
        if not s:
            raise NormalizeError(f"不能为空，{exp}", v)
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
# Political status
# ---------------------------------------------------------------------------

POLITICAL_STATUSES: tuple[str, ...] = (
    "中共党员",
    "中共预备党员",
    "共青团员",
    "群众",
    "民主党派",
    "无党派人士",
)

POLITICAL_STATUS_EXPECTED = "应为以下之一：" + "、".join(POLITICAL_STATUSES)

_POLITICAL_SYNONYMS: dict[str, str] = {
    "中共党员": "中共党员",
    "党员": "中共党员",
    "共产党员": "中共党员",
    "中国共产党党员": "中共党员",
    "中国共产党员": "中共党员",
    "正式党员": "中共党员",
    "中共正式党员": "中共党员",
    "中共预备党员": "中共预备党员",
    "预备党员": "中共预备党员",
    "中共预备": "中共预备党员",
    "中国共产党预备党员": "中共预备党员",
    "共青团员": "共青团员",
    "团员": "共青团员",
    "共青团": "共青团员",
    "中国共产主义青年团团员": "共青团员",
    "群众": "群众",
    "普通群众": "群众",
    "无": "群众",
    "民主党派": "民主党派",
    "民主党派人士": "民主党派",
    "民主党派成员": "民主党派",
    "无党派人士": "无党派人士",
    "无党派": "无党派人士",
    "无党派民主人士": "无党派人士",
}

# Prefixes of the eight democratic parties (short and full names); a status
# such as 民盟盟员 or 九三学社社员 starts with one of them.
_DEMOCRATIC_PARTY_PREFIXES = (
    "民革", "民盟", "民建", "民进", "农工党", "农工民主党", "致公党", "九三学社", "台盟",
    "中国国民党革命委员会", "中国民主同盟", "中国民主建国会", "中国民主促进会",
    "中国农工民主党", "中国致公党", "台湾民主自治同盟",
)


def parse_political_status(v: object) -> str:
    """Map a political-status cell to one of :data:`POLITICAL_STATUSES`.

    Empty input returns ``''`` (the caller decides whether it is required).
    """
    s = _WS_RE.sub("", to_halfwidth(clean_text(v)))
    if not s:
        return ""
    canonical = _POLITICAL_SYNONYMS.get(s)
    if canonical:
        return canonical
    if s.startswith(_DEMOCRATIC_PARTY_PREFIXES):
        return "民主党派"
    raise NormalizeError(POLITICAL_STATUS_EXPECTED, v)


def _status(status: str) -> str:
    if status in POLITICAL_STATUSES:
        return status
    try:
        return parse_political_status(status)
    except NormalizeError:
        return ""


def is_party_member(status: str) -> bool:
    """True for 中共党员 and 中共预备党员 (synonyms accepted)."""
    return _status(status) in ("中共党员", "中共预备党员")


def is_full_member(status: str) -> bool:
    """True only for a full (not probationary) CPC member."""
    return _status(status) == "中共党员"


# ---------------------------------------------------------------------------
# Training track (双培 category)
# ---------------------------------------------------------------------------

TRACK_LABELS: dict[int, str] = {1: "骨干教师培养成共产党员", 2: "党员教师培养成教学骨干"}

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
# PRC resident identity number (GB 11643-1999)
# ---------------------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"  # index = weighted sum mod 11
_ID_RE = re.compile(r"^\d{17}[\dX]$")


def _id_check_char(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS))
    return _ID_CHECK_CHARS[total % 11]


def parse_id_number(v: object) -> str:
    """Validate and normalise an 18-character resident ID number.

    Strips spaces, converts full-width to half-width and a trailing x to X,
    then checks length, format, the birth date and the check digit.
    """
    if v is None or _is_nan(v):
        raise NormalizeError("身份证号不能为空", v)
    if isinstance(v, bool):
        raise NormalizeError("身份证号格式错误，应为18位数字（最后一位可为X）", v)
    if isinstance(v, float) or (isinstance(v, numbers.Real) and not isinstance(v, numbers.Integral)):
        raise NormalizeError(
            "身份证号被 Excel 存成了数字，末几位可能已丢失；请把单元格设为文本后重新输入", v
        )
    s = str(v) if isinstance(v, numbers.Integral) else (v if isinstance(v, str) else str(v))
    s = _WS_RE.sub("", to_halfwidth(_drop_invisible(s))).upper()
    s = s.replace("-", "")
    if not s:
        raise NormalizeError("身份证号不能为空", v)
    if len(s) != 18:
        raise NormalizeError(f"身份证号长度应为18位（当前为{len(s)}位）", v)
    if not _ID_RE.match(s):
        raise NormalizeError("身份证号格式错误，前17位应为数字，最后一位应为数字或X", v)
    ymd = s[6:14]
    try:
        birth = _dt.date(int(ymd[:4]), int(ymd[4:6]), int(ymd[6:]))
    except ValueError:
        birth = None
    if birth is None or birth.year < 1900:
        raise NormalizeError(f"身份证号中的出生日期无效（{ymd}）", v)
    expected_check = _id_check_char(s[:17])
    if s[17] != expected_check:
        raise NormalizeError(f"身份证号校验码错误，应为 {expected_check}", v)
    return s


def id_birth_date(id: str) -> _dt.date:  # noqa: A002
    """Birth date encoded in a (validated) 18-character ID number."""
    s = parse_id_number(id)
    return _dt.date(int(s[6:10]), int(s[10:12]), int(s[12:14]))


def make_id_number(region: str, birth: _dt.date, seq: int) -> str:
    """Build a valid ID number: 6-digit region code, birth date, 3-digit
    sequence (odd = male, even = female) and the computed check character."""
    if not (len(region) == 6 and region.isdigit() and region.isascii()):
        raise ValueError("region must be 6 ASCII digits")
    if not 0 <= seq <= 999:
        raise ValueError("seq must be in 0..999")
    if not 0 <= birth.year <= 9999:
        raise ValueError("birth year out of range")
    first17 = f"{region}{birth.year:04d}{birth.month:02d}{birth.day:02d}{seq:03d}"
    return first17 + _id_check_char(first17)


# ---------------------------------------------------------------------------
# Headers
# ---------------------------------------------------------------------------

_BRACKET_TABLE = str.maketrans({"【": "[", "】": "]", "〔": "(", "〕": ")",
                                "〖": "[", "〗": "]", "［": "[", "］": "]",
                                "（": "(", "）": ")"})
_TRAILING_HINT_RE = re.compile(r"(?:\([^()]*\)|\[[^\[\]]*\])$")


def normalize_header(s: object) -> str:
    """Key for matching column headers: ``'*出生年月（如1985.03）'`` → ``'出生年月'``."""
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


# ---------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------

_CN_NUMERALS = "〇一二三四五六七八九"


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


def _cn_number(n: int) -> str:
    """1..31 in Chinese: 一, 十, 十一, 二十, 二十一, 三十一."""
    if n < 10:
        return _CN_NUMERALS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_NUMERALS[tens]) + "十" + (_CN_NUMERALS[ones] if ones else "")


def _cn_year(y: int) -> str:
    return "".join(_CN_NUMERALS[int(c)] for c in str(y))


def chinese_date(d: _dt.date, with_day: bool = True) -> str:
    """``date(2025, 9, 10)`` → ``'二〇二五年九月十日'`` (zero is 〇 U+3007)."""
    s = f"{_cn_year(d.year)}年{_cn_number(d.month)}月"
    if with_day and not isinstance(d, MonthDate):
        s += f"{_cn_number(d.day)}日"
    return s


def chinese_year_month(d: _dt.date) -> str:
    """``date(2025, 9, 1)`` → ``'二〇二五年九月'``."""
    return chinese_date(d, with_day=False)


def gongwen_date(d: _dt.date) -> str:
    """``date(2019, 4, 15)`` → ``'2019年4月15日'`` (no zero padding)."""
    if isinstance(d, MonthDate):
        return f"{d.year}年{d.month}月"
    return f"{d.year}年{d.month}月{d.day}日"
