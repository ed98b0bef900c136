"""Cells about a person: political status (政治面貌) and the resident identity number."""
from __future__ import annotations

import datetime as _dt
import numbers
import re

from ..text import WS_RE as _WS_RE
from ..text import clean_text, to_halfwidth
from ..text import drop_invisible as _drop_invisible
from ..text import is_nan as _is_nan
from .cell_errors import NormalizeError

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
