"""Cell values of an .xlsx worksheet the way openpyxl 3.1 gives them, without
importing openpyxl (its import alone costs ~0.15 s of a one-document run).

The number-format tables and conversions below are copied from openpyxl
(``styles/numbers.py``, ``utils/datetime.py``, ``worksheet/_reader.py``) so that
the fast reader (``xlsx_fast``) types every cell exactly as the openpyxl path of
``xlsx_cells`` does: which formats make a number a date, the 1900/1904 date
systems, Excel's 1900 leap-year bug, times of day and durations.
``tests/test_xlsx_fast.py`` checks these copies against openpyxl itself.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Callable
from xml.parsers import expat

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SEP = "}"  # expat names an element ``namespace}name``


class Unsupported(Exception):
    """Something the fast reader does not read exactly as openpyxl: use openpyxl."""


@dataclass(frozen=True)
class UnsavedFormula:
    """A formula cell whose workbook holds no calculated result (never opened in Excel)."""

    formula: str

    def __str__(self) -> str:
        return self.formula


def make_parser(start: Callable, end: Callable | None = None, text: Callable | None = None):
    """An expat parser with namespaces (``uri}name``) that refuses any DTD."""
    parser = expat.ParserCreate(namespace_separator=SEP)
    parser.buffer_text = True
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text

    def refuse(*_args):
        raise Unsupported("DTD")  # openpyxl (defusedxml) refuses it with its own message

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    return parser


# -- number formats (openpyxl.styles.numbers) ---------------------------------

BUILTIN_FORMATS = {
    0: 'General', 1: '0', 2: '0.00', 3: '#,##0', 4: '#,##0.00',
    5: '"$"#,##0_);("$"#,##0)', 6: '"$"#,##0_);[Red]("$"#,##0)',
    7: '"$"#,##0.00_);("$"#,##0.00)', 8: '"$"#,##0.00_);[Red]("$"#,##0.00)',
    9: '0%', 10: '0.00%', 11: '0.00E+00', 12: '# ?/?', 13: '# ??/??',
    14: 'mm-dd-yy', 15: 'd-mmm-yy', 16: 'd-mmm', 17: 'mmm-yy', 18: 'h:mm AM/PM',
    19: 'h:mm:ss AM/PM', 20: 'h:mm', 21: 'h:mm:ss', 22: 'm/d/yy h:mm',
    37: '#,##0_);(#,##0)', 38: '#,##0_);[Red](#,##0)', 39: '#,##0.00_);(#,##0.00)',
    40: '#,##0.00_);[Red](#,##0.00)',
    41: r'_(* #,##0_);_(* \(#,##0\);_(* "-"_);_(@_)',
    42: r'_("$"* #,##0_);_("$"* \(#,##0\);_("$"* "-"_);_(@_)',
    43: r'_(* #,##0.00_);_(* \(#,##0.00\);_(* "-"??_);_(@_)',
    44: r'_("$"* #,##0.00_)_("$"* \(#,##0.00\)_("$"* "-"??_)_(@_)',
    45: 'mm:ss', 46: '[h]:mm:ss', 47: 'mmss.0', 48: '##0.0E+0', 49: '@',
}
LITERAL_GROUP = r'".*?"'  # anything in quotes
LOCALE_GROUP = r'\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]'  # square brackets, except hours, minutes, seconds
STRIP_RE = re.compile(f"{LITERAL_GROUP}|{LOCALE_GROUP}")
TIMEDELTA_RE = re.compile(r'\[hh?\](:mm(:ss(\.0*)?)?)?|\[mm?\](:ss(\.0*)?)?|\[ss?\](\.0*)?', re.I)
DATE_RE = re.compile(r"(?<![_\\])[dmhysDMHYS]")


def is_date_format(fmt: str | None) -> bool:
    if fmt is None:
        return False
    fmt = STRIP_RE.sub("", fmt.split(";")[0])  # only the first section counts
    return DATE_RE.search(fmt) is not None


def is_timedelta_format(fmt: str | None) -> bool:
    if fmt is None:
        return False
    return TIMEDELTA_RE.search(fmt.split(";")[0]) is not None


def style_kinds(num_fmt_ids: list[int], custom: dict[int, str]) -> tuple[set[int], set[int]]:
    """(date styles, duration styles): indexes of ``cellXfs`` whose number format
    shows a date or time, or a duration such as ``[h]:mm`` (openpyxl's
    ``Stylesheet._normalise_numbers``)."""
    dates, durations = set(), set()
    for index, num_fmt in enumerate(num_fmt_ids):
        fmt = custom[num_fmt] if num_fmt in custom else BUILTIN_FORMATS.get(num_fmt)
        if is_date_format(fmt):
            dates.add(index)
        if is_timedelta_format(fmt):
            durations.add(index)
    return dates, durations


# -- serial numbers and ISO dates (openpyxl.utils.datetime) --------------------

WINDOWS_EPOCH = datetime.datetime(1899, 12, 30)
MAC_EPOCH = datetime.datetime(1904, 1, 1)
SECS_PER_DAY = 86400


def from_excel(value, epoch=WINDOWS_EPOCH, timedelta=False):
    """An Excel serial number as a datetime (a time for 0 ≤ value < 1, a timedelta for durations)."""
    if timedelta:
        td = datetime.timedelta(days=value)
        if td.microseconds:  # round to millisecond precision
            td = datetime.timedelta(seconds=td.total_seconds() // 1, microseconds=round(td.microseconds, -3))
        return td
    day, fraction = divmod(value, 1)
    diff = datetime.timedelta(milliseconds=round(fraction * SECS_PER_DAY * 1000))
    if 0 <= value < 1 and diff.days == 0:
        mins, seconds = divmod(diff.seconds, 60)
        hours, mins = divmod(mins, 60)
        return datetime.time(hours, mins, seconds, diff.microseconds)
    if 0 < value < 60 and epoch == WINDOWS_EPOCH:
        day += 1  # Excel's 29 February 1900
    return epoch + datetime.timedelta(days=day) + diff


ISO_REGEX = re.compile(r'''
(?P<date>(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2}))?T?
(?P<time>(?P<hour>\d{2}):(?P<minute>\d{2})(:(?P<second>\d{2})(?P<microsecond>\.\d{1,3})?)?)?Z?''',
                       re.VERBOSE)
ISO_DURATION = re.compile(r'PT((?P<hours>\d+)H)?((?P<minutes>\d+)M)?((?P<seconds>\d+(\.\d{1,3})?)S)?')


def from_iso8601(text: str):
    """A ``t="d"`` cell (ISO 8601 date, time, datetime or duration)."""
    if not text:
        return None
    match = ISO_REGEX.match(text)
    if match and any(match.groups()):
        parts = match.groupdict(0)
        for key in ["year", "month", "day", "hour", "minute", "second"]:
            if parts[key]:
                parts[key] = int(parts[key])
        if parts["microsecond"]:
            parts["microsecond"] = int(float(parts['microsecond']) * 1_000_000)
        if not parts["date"]:
            return datetime.time(parts['hour'], parts['minute'], parts['second'], parts["microsecond"])
        if not parts["time"]:
            return datetime.date(parts['year'], parts['month'], parts['day'])
        del parts["time"]
        del parts["date"]
        return datetime.datetime(**parts)
    match = ISO_DURATION.match(text)
    if match and any(match.groups()):
        parts = match.groupdict(0)
        for key, val in parts.items():
            if val:
                parts[key] = float(val)
        return datetime.timedelta(**parts)
    raise Unsupported(f"invalid datetime value {text!r}")


# -- cells (openpyxl.worksheet._reader.WorkSheetParser.parse_cell) -------------

def cast_number(text: str):
    """Number text as an int or a float, as openpyxl does."""
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)


_COORDINATE = re.compile(r"([A-Za-z]{1,3})([0-9]+)")
_COLUMNS: dict[str, int] = {}


def column_of(coordinate: str) -> int:
    """The 1-based column of ``B7``, ``XFD1`` … (columns A to ZZZ, as openpyxl)."""
    match = _COORDINATE.fullmatch(coordinate)
    if match is None:
        raise Unsupported(f"cell reference {coordinate!r}")
    letters = match.group(1)
    column = _COLUMNS.get(letters)
    if column is None:
        column = 0
        for letter in letters.upper():
            column = column * 26 + ord(letter) - 64
        _COLUMNS[letters] = column
    return column


def typed_value(kind: str, text: str, style: int, book) -> object:
    """The value of a cell of type ``kind`` (the ``t`` attribute) whose ``<v>`` holds
    ``text`` (not empty); ``book`` gives shared strings, date styles and the epoch."""
    if kind == "n":
        number = cast_number(text)
        if style in book.date_styles:
            try:
                return from_excel(number, book.epoch, timedelta=style in book.duration_styles)
            except (OverflowError, ValueError):
                raise Unsupported("date out of range") from None  # openpyxl warns and gives #VALUE!
        return number
    if kind == "s":
        return book.strings[int(text)]
    if kind == "b":
        return bool(int(text))
    if kind == "d":
        return from_iso8601(text)
    return text  # "str" (a formula's text), "e" (#N/A …) and any other type: the text itself
