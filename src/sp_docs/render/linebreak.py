"""Line breaking the way the HTML path breaks lines, without WeasyPrint.

WeasyPrint asks Pango where a line may end (``pango_get_log_attrs``: UAX #14 as
Pango implements it) and fills each line greedily: the last break opportunity
whose text fits (trailing spaces not counted); when not even the first word fits
and ``word-break: break-all`` is set, as many characters as fit (at least one).
Each next line is broken again from its own start.  Here the same Pango call
gives the break opportunities (libpango through cffi — the library WeasyPrint
loads, so the rules are exactly the same), and ``wrap`` fills lines the same way
with widths from the PDF's fonts (``render.fonts``).

``quote_breaks`` adds the Chinese breaks at quotes (GB/T 15834) that UAX #14
lacks, as zero-width spaces, for both renderers.
"""
from __future__ import annotations

import functools
import re
from typing import Callable

_CDEF = """
typedef struct _PangoLanguage PangoLanguage;
typedef struct {
    unsigned int is_line_break : 1;
    unsigned int is_mandatory_break : 1;
    unsigned int is_char_break : 1;
    unsigned int is_white : 1;
    unsigned int is_cursor_position : 1;
    unsigned int is_word_start : 1;
    unsigned int is_word_end : 1;
    unsigned int is_sentence_boundary : 1;
    unsigned int is_sentence_start : 1;
    unsigned int is_sentence_end : 1;
    unsigned int backspace_deletes_character : 1;
    unsigned int is_expandable_space : 1;
    unsigned int is_word_boundary : 1;
    unsigned int break_inserts_hyphen : 1;
    unsigned int break_removes_preceding : 1;
    unsigned int reserved : 17;
} PangoLogAttr;
PangoLanguage *pango_language_from_string(const char *language);
void pango_get_log_attrs(const char *text, int length, int level, PangoLanguage *language,
                         PangoLogAttr *attrs, int attrs_len);
"""
_NAMES = ("libpango-1.0.so.0", "libpango-1.0-0", "pango-1.0-0", "pango-1.0", "libpango-1.0.dylib",
          "libpango-1.0.0.dylib", "libpango-1.0-0.dll")

# Pango follows UAX #14, where the quotes “ ” ‘ ’ are class QU: no break before nor after them, so a
# line meeting “双培双树” stops one to seven characters short of the 28-character line.  Chinese
# rules (GB/T 15834, and Word/WPS/LibreOffice) break before an opening quote and after a closing one
# (never after “ nor before ”).  A zero-width space (U+200B, drawn as nothing and left out of the
# text layer by WeasyPrint) gives Pango those breaks; none where the other side must keep the quote:
# after an opening bracket, before closing punctuation or a dash/ellipsis.
_NO_LINE_END = "（《「『【〔〈([{“‘"
_NO_LINE_START = "，。、；：？！）》」』】〕〉…—,.;:?!)]}%”’"
_BEFORE_OPENING = re.compile(r"(?<=[^\s\u200b%s])(?=[“‘])" % re.escape(_NO_LINE_END))
_AFTER_CLOSING = re.compile(r"(?<=[”’])(?=[^\s\u200b%s])" % re.escape(_NO_LINE_START))
ZWSP = "\u200b"


def quote_breaks(text: str) -> str:
    """``text`` with a break opportunity before each opening and after each closing quote."""
    if not isinstance(text, str) or not any(q in text for q in "“”‘’"):
        return text
    return _AFTER_CLOSING.sub(ZWSP, _BEFORE_OPENING.sub(ZWSP, text))


@functools.lru_cache(maxsize=1)
def _pango():
    """(ffi, libpango, language zh-cn) or None without cffi or Pango."""
    try:
        import cffi
    except ImportError:
        return None
    ffi = cffi.FFI()
    ffi.cdef(_CDEF)
    for name in _NAMES:
        try:
            lib = ffi.dlopen(name)
        except OSError:
            continue
        return ffi, lib, lib.pango_language_from_string(b"zh-cn")
    return None


def available() -> bool:
    return _pango() is not None


def opportunities(text: str) -> list[tuple[bool, bool, bool, bool, bool]]:
    """Per position i in 0..len(text) (before text[i]): (a line may break here, a character
    break may, text[i] is white space, a break here inserts a hyphen, and removes the
    character before) — Pango's log attributes of ``text`` (the HTML's lang: zh-CN)."""
    ffi, lib, language = _pango()
    data = text.encode("utf-8")
    count = len(text) + 1
    attrs = ffi.new("PangoLogAttr[]", count)
    lib.pango_get_log_attrs(data, len(data), -1, language, attrs, count)
    return [(bool(a.is_line_break), bool(a.is_char_break), bool(a.is_white), bool(a.break_inserts_hyphen),
             bool(a.break_removes_preceding)) for a in attrs]


_SPACES = re.compile(r"[ \t\n\r\f]+")


def collapse(text: str) -> str:
    """``white-space: normal``: runs of spaces, tabs and newlines → one space, none at the ends."""
    return _SPACES.sub(" ", text).strip(" ")


Measure = Callable[[str], list[float]]


def wrap(text: str, measure: Measure, hyphen: Callable[[str], float], width: float,
         first_width: float | None = None) -> list[str]:
    """``text`` (spaces already collapsed) broken into lines no wider than ``width`` pt
    (``first_width`` for the first line: a text indent); ``measure(line)`` gives the advance
    of each character of a line in pt, ``hyphen(char)`` the width of a hyphen after ``char``.
    The lines keep their zero-width spaces; an empty text is one empty line."""
    lines: list[str] = []
    rest = text
    limit = width if first_width is None else first_width
    while rest:
        end = _first_line(rest, measure(rest), hyphen, limit)
        lines.append(rest[:end].rstrip(" "))
        rest = rest[end:].lstrip(" ")
        limit = width
    return lines or [""]


_EPSILON = 0.01  # pt: Pango measures in 1/1024 pt


def _first_line(text: str, widths: list[float], hyphen: Callable[[str], float], limit: float) -> int:
    """How many characters of ``text`` go on the first line: the last break opportunity
    that fits; when not even the first word fits (``word-break: break-all``), the last
    character break that fits; at least one character."""
    if sum(widths) <= limit + _EPSILON:
        return len(text)
    attrs = opportunities(text)
    return _last_fitting(text, widths, attrs, 0, hyphen, limit) or \
        _last_fitting(text, widths, attrs, 1, hyphen, limit) or 1


def _last_fitting(text: str, widths: list[float], attrs, kind: int, hyphen, limit: float) -> int:
    """Pango's scan (``process_item``): a break position fits when the text before it plus
    the extra width of breaking there fits — a hyphen Pango would insert inside a word
    (breaking by words only), less one white space character hanging over the end; the scan
    stops where the text (or the text less its hanging white space) no longer fits."""
    best, running = 0, 0.0
    for i in range(len(widths) + 1):
        if i > 0 and attrs[i][3] and kind == 0:
            extra = hyphen(text[i - 1]) - (widths[i - 1] if attrs[i][4] else 0.0)
        elif i > 0 and attrs[i - 1][2]:
            extra = -widths[i - 1]
        else:
            extra = 0.0
        if min(running + extra, running) > limit + _EPSILON:
            break
        if i > 0 and (i == len(widths) or attrs[i][kind]) and running + extra <= limit + _EPSILON:
            best = i
        if i < len(widths):
            running += widths[i]
    return best
