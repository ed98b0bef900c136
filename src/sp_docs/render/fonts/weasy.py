"""Two changes to how WeasyPrint handles fonts when it writes a PDF — less
memory and CPU, the same PDF (``tests/test_weasy_fonts.py`` compares the bytes).

* **No whole-font copy.**  ``weasyprint.pdf.fonts.Font`` copies the entire font
  file into a Python ``bytes`` as soon as a font is used (Noto CJK collections
  are 16–26 MB; a 实施方案 uses 6 fonts, so ~120 MB of copies).  The subsetter
  works on the HarfBuzz face, not on that copy, which is only read when a font
  is embedded whole or must be rewritten by fontTools (variable fonts, colour
  glyphs).  Here the copy is made on first read instead.
* **No C parsing per array length.**  WeasyPrint asks cffi for
  ``hb_codepoint_t[<n>]`` arrays with a new ``n`` for each font; cffi runs its C
  parser (pycparser, with every typedef of WeasyPrint's declarations) for each
  new type string, ~12 ms each — 0.15–0.25 s per document.  Here ``T[n]`` is
  allocated as the open array type ``T[]`` of length ``n`` (parsed once), which
  cffi defines to be the same thing.

Both are applied once per process by ``apply()`` (``render.pdf.load_weasyprint``
calls it); if WeasyPrint's internals are not what this module expects, nothing
is changed.  ``SP_DOCS_WEASY_PATCH=off`` switches both off (for comparisons).
"""
from __future__ import annotations

import os
import re
import threading

_ARRAY_RE = re.compile(r"^\s*([A-Za-z_][\w ]*?)\s*\[\s*(\d+)\s*\]\s*$")
_APPLIED: list[bool] = []


class _Deferred:
    """Marker: the font's bytes are read from its HarfBuzz face when first used."""


_DEFERRED = _Deferred()
_constructing = threading.local()


def fast_new(original_new):
    """``ffi.new`` that allocates ``T[n]`` as ``T[]`` of length ``n``."""

    def new(cdecl, init=None):
        if isinstance(cdecl, str) and cdecl.endswith("]"):
            match = _ARRAY_RE.match(cdecl)
            if match:
                length = int(match.group(2))
                if init is None:
                    return original_new(match.group(1) + "[]", length)
                if isinstance(init, (list, tuple)) and len(init) == length:
                    return original_new(match.group(1) + "[]", init)
        return original_new(cdecl, init)

    new.sp_docs_fast = True
    return new


def _object_data(original):
    """``get_hb_object_data`` that returns the marker for the face copy made by ``Font.__init__``."""

    def get_hb_object_data(hb_object, ot_color=None, glyph=None):
        if ot_color is None and getattr(_constructing, "active", False):
            return _DEFERRED
        return original(hb_object, ot_color, glyph)

    return get_hb_object_data


def lazy_font_class(base, original_data):
    """A subclass of WeasyPrint's ``Font`` whose ``file_content`` is read on first use."""

    class LazyFont(base):
        def __init__(self, *args, **kwargs):
            _constructing.active = True
            try:
                super().__init__(*args, **kwargs)
            finally:
                _constructing.active = False

        @property
        def file_content(self):
            content = self.__dict__.get("_sp_file_content", _DEFERRED)
            if content is _DEFERRED:
                content = original_data(self.hb_face)
                self.__dict__["_sp_file_content"] = content
            return content

        @file_content.setter
        def file_content(self, value):
            self.__dict__["_sp_file_content"] = value

    LazyFont.__name__ = LazyFont.__qualname__ = "Font"
    return LazyFont


def _expected(ffi_module, fonts_module, stream_module) -> bool:
    """WeasyPrint's internals look as this module assumes (else: change nothing)."""
    font = getattr(fonts_module, "Font", None)
    return (callable(getattr(fonts_module, "get_hb_object_data", None))
            and isinstance(font, type) and getattr(stream_module, "Font", None) is font
            and "file_content" not in vars(font)
            and callable(getattr(getattr(ffi_module, "ffi", None), "new", None)))


def apply() -> bool:
    """Apply both changes (once per process); False when they are off or not applicable."""
    if _APPLIED:
        return _APPLIED[0]
    if os.environ.get("SP_DOCS_WEASY_PATCH", "").lower() in ("off", "0", "no"):
        _APPLIED.append(False)
        return False
    from weasyprint.pdf import fonts as fonts_module
    from weasyprint.pdf import stream as stream_module
    from weasyprint.text import ffi as ffi_module

    if not _expected(ffi_module, fonts_module, stream_module):
        _APPLIED.append(False)
        return False
    original_data = fonts_module.get_hb_object_data
    ffi_module.ffi.new = fast_new(ffi_module.ffi.new)
    fonts_module.get_hb_object_data = _object_data(original_data)
    lazy = lazy_font_class(fonts_module.Font, original_data)
    fonts_module.Font = stream_module.Font = lazy
    _APPLIED.append(True)
    return True
