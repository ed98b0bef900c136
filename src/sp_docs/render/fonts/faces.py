"""What sp-docs needs of one font face, read once and cached per user.

A face is read with HarfBuzz (the library WeasyPrint already loads): the code
points its cmap lists, the advance of each, its ascent/descent the way
HarfBuzz/Pango report them, its PostScript name, whether its outlines are CFF,
and which code points map to an EMPTY glyph (no contours / an empty CFF
charstring — AR PL UKai lists U+4DAE 䶮 but draws nothing).  An empty glyph
that is not a space counts as missing: ``Face.has`` says no, and the font
chain moves on to a font that really draws the character.

Reading a CJK face takes 5–300 ms (the ink check walks every glyph); the result
is kept in ``$XDG_CACHE_HOME/sp-docs/fonts`` (else ``~/.cache``) as a few kB of
JSON (code points as runs), keyed by the file's path, size, mtime and face
index, written atomically; an unreadable or stale cache file is rebuilt.
``SP_DOCS_CACHE=off`` turns the per-user cache off.
"""
from __future__ import annotations

import bisect
import functools
import hashlib
import json
import os
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ... import user_cache
from . import harfbuzz

CACHE_VERSION = 2
# default-ignorable or fill characters that are blank by design
_BLANK_BY_DESIGN = frozenset((0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800, 0x180E))


def blank_by_design(code: int) -> bool:
    """A character whose glyph is rightly empty (spaces, controls, format marks)."""
    if code in _BLANK_BY_DESIGN or chr(code).isspace():
        return True
    return unicodedata.category(chr(code)) in ("Zs", "Zl", "Zp", "Cc", "Cf")


@dataclass(eq=False)  # one object per face and process: compared and hashed by identity
class Face:
    """One face of one font file (path + index), as far as sp-docs needs it."""

    path: str
    index: int
    upem: int
    ascent: float  # em, as HarfBuzz/Pango report it
    descent: float  # em, positive
    cff: bool
    name: str  # PostScript name (letters, digits, - and _ only)
    coverage: tuple[tuple[int, int], ...]  # runs (first, last) of code points the cmap lists
    default_advance: int  # font units: the advance of most listed code points
    advances: tuple[tuple[int, int, int], ...]  # runs (first, last, advance) of the other code points
    empty: frozenset[int]  # listed code points whose glyph has no ink (not spaces)

    def __post_init__(self):
        self._starts = [first for first, _ in self.coverage]
        self._adv_starts = [first for first, _, _ in self.advances]
        self._drawn: dict[int, bool] = {}  # has(): a dict lookup once asked (pages ask for the same few)

    def lists(self, code: int) -> bool:
        """The cmap lists ``code`` (whether or not its glyph has ink)."""
        i = bisect.bisect_right(self._starts, code) - 1
        return i >= 0 and code <= self.coverage[i][1]

    def has(self, code: int) -> bool:
        """The face draws ``code``: listed, and its glyph has ink unless it is a space."""
        drawn = self._drawn.get(code)
        if drawn is None:
            drawn = self._drawn[code] = code not in self.empty and self.lists(code)
        return drawn

    def advance(self, code: int) -> float | None:
        """Advance of ``code`` in em, None when the cmap does not list it."""
        if not self.lists(code):
            return None
        i = bisect.bisect_right(self._adv_starts, code) - 1
        if i >= 0 and code <= self.advances[i][1]:
            return self.advances[i][2] / self.upem
        return self.default_advance / self.upem

    def to_json(self, stamp: dict) -> str:
        return json.dumps({"version": CACHE_VERSION, **stamp, "upem": self.upem, "ascent": self.ascent,
                           "descent": self.descent, "cff": self.cff, "name": self.name,
                           "coverage": self.coverage, "default_advance": self.default_advance, "advances": self.advances, "empty": sorted(self.empty)},
                          separators=(",", ":"))

    @classmethod
    def from_json(cls, path: str, index: int, data: dict) -> "Face":
        return cls(path, index, int(data["upem"]), float(data["ascent"]), float(data["descent"]),
                   bool(data["cff"]), str(data["name"]), tuple((int(a), int(b)) for a, b in data["coverage"]),
                   int(data["default_advance"]),
                   tuple((int(a), int(b), int(c)) for a, b, c in data["advances"]),
                   frozenset(int(c) for c in data["empty"]))


# -- reading a face with HarfBuzz ---------------------------------------------------

def _runs(codes: list[int], values: list[int] | None = None) -> tuple:
    """Consecutive code points (with equal values) as (first, last[, value]) runs."""
    runs: list[list[int]] = []
    for i, code in enumerate(codes):
        value = values[i] if values is not None else None
        if runs and code == runs[-1][1] + 1 and (values is None or runs[-1][2] == value):
            runs[-1][1] = code
        else:
            runs.append([code, code] if values is None else [code, code, value])
    return tuple(tuple(run) for run in runs)


def _other_advances(codes: list[int], advances: list[int], default: int) -> tuple:
    pairs = [(code, advance) for code, advance in zip(codes, advances) if advance != default]
    return _runs([code for code, _ in pairs], [advance for _, advance in pairs])


def read_face(path: str, index: int) -> Face | None:
    """Read the face from the font file (no cache); None when it is not a usable font."""
    lib = harfbuzz.library()
    hb_face = harfbuzz.face(path, index)
    if hb_face is None:
        return None
    ffi, hb, _ = lib
    font = hb.hb_font_create(hb_face)
    try:
        found = hb.hb_set_create()
        hb.hb_face_collect_unicodes(hb_face, found)
        count = hb.hb_set_get_population(found)
        codes = ffi.new("hb_codepoint_t[]", count)
        hb.hb_set_next_many(found, 0xFFFFFFFF, codes, count)  # HB_SET_VALUE_INVALID: from the start
        hb.hb_set_destroy(found)
        upem = hb.hb_face_get_upem(hb_face)
        glyphs = ffi.new("hb_codepoint_t[]", count)
        hb.hb_font_get_nominal_glyphs(font, count, codes, 4, glyphs, 4)
        advances = ffi.new("hb_position_t[]", count)
        hb.hb_font_get_glyph_h_advances(font, count, glyphs, 4, advances, 4)
        code_list, glyph_list, advance_list = list(codes), list(glyphs), list(advances)
        default = Counter(advance_list).most_common(1)[0][0] if advance_list else upem
        empty = _empty_glyphs(hb, ffi, font, code_list, glyph_list)
        extents = ffi.new("hb_font_extents_t *")
        hb.hb_font_get_h_extents(font, extents)
        name = "".join(c for c in harfbuzz.postscript_name(hb_face) if c.isascii() and (c.isalnum() or c in "-_"))
        return Face(path, index, upem, extents.ascender / upem, -extents.descender / upem,
                    harfbuzz.has_table(hb_face, b"CFF ") or harfbuzz.has_table(hb_face, b"CFF2"),
                    name[:60] or "Font", _runs(code_list), default,
                    _other_advances(code_list, advance_list, default), frozenset(empty))
    finally:
        hb.hb_font_destroy(font)


def _empty_glyphs(hb, ffi, font, codes: list[int], glyphs: list[int]) -> list[int]:
    """Code points (not spaces) whose glyph has no ink (zero-size extents)."""
    extents = ffi.new("hb_glyph_extents_t *")
    known: dict[int, bool] = {}
    empty = []
    for code, glyph in zip(codes, glyphs):
        blank = known.get(glyph)
        if blank is None:
            if not hb.hb_font_get_glyph_extents(font, glyph, extents):
                blank = False  # no extents available: trust the cmap
            else:
                blank = known[glyph] = extents.width == 0 or extents.height == 0
        if blank and not blank_by_design(code):
            empty.append(code)
    return empty


# -- the per-user cache ---------------------------------------------------------------

def file_stamp(path: str) -> dict | None:
    """What identifies the content of a font file without reading it."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return {"path": os.path.abspath(path), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _cache_file(folder: Path, path: str, index: int) -> Path:
    digest = hashlib.sha1(f"{os.path.abspath(path)}\0{index}".encode()).hexdigest()[:24]
    return folder / "fonts" / f"{digest}.json"


def _from_cache(target: Path, path: str, index: int, stamp: dict) -> Face | None:
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
        if data.get("version") != CACHE_VERSION or data.get("index") != index or \
                any(data.get(key) != value for key, value in stamp.items()):
            return None
        return Face.from_json(path, index, data)
    except (OSError, ValueError, KeyError, TypeError):
        return None  # missing, corrupt or from another version: rebuilt


@functools.lru_cache(maxsize=None)
def face(path: str, index: int = 0) -> Face | None:
    """The face (from the per-user cache when the file is unchanged), once per process."""
    stamp = file_stamp(path)
    if stamp is None:
        return None
    folder = user_cache.folder()
    target = _cache_file(folder, path, index) if folder is not None else None
    if target is not None:
        cached = _from_cache(target, path, index, stamp)
        if cached is not None:
            return cached
    found = read_face(path, index)
    if found is not None and target is not None:
        user_cache.write_atomically(target, found.to_json({**stamp, "index": index}).encode("utf-8"))
    return found


def forget() -> None:
    """Drop the faces read in this process (the per-user cache stays)."""
    face.cache_clear()
    harfbuzz.close_faces()
