"""Changes to how WeasyPrint handles fonts when it writes a PDF — less memory and
CPU, the same pages (``tests/test_latency_caches.py`` compares every character's
font, size and position, and the pages drawn by pdftoppm).

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

* **fontTools' subsetter and variable-font instancer imported when used.**
  WeasyPrint imports both at start (0.12–0.15 s of CPU of a cold start) but calls
  them only without HarfBuzz's subsetter, for variable fonts and for colour
  glyphs.  ``defer_font_tools()``, run before WeasyPrint is imported, puts
  stand-ins in their place that import the real modules on first use.

* **One subsetting pass instead of two** (``one_pass_subset``): ~35 ms less per
  CJK face, 0.2–0.3 s per 实施方案.  The embedded subsets are not byte for byte
  WeasyPrint's (one Noto face comes out larger, the PDF ~7 %); the pages are.

``apply()`` (after the import) and ``defer_font_tools()`` (before it) are called
by ``render.pdf.load_weasyprint``; if WeasyPrint's internals are not what this
module expects, nothing is changed.  ``SP_DOCS_WEASY_PATCH=off`` switches all
of them off (for comparisons).
"""
from __future__ import annotations

import importlib
import importlib.util
import os
import re
import sys
import threading
import types

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
            _constructing.active = False  # only the first call: ``self.file_content = ...``
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

        def _harfbuzz_subset(self, to_unicode, hinting):
            if not one_pass_subset(self, to_unicode, hinting, original_data):
                super()._harfbuzz_subset(to_unicode, hinting)

    LazyFont.__name__ = LazyFont.__qualname__ = "Font"
    return LazyFont


_KEPT_OUT = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH", b"PCLT", b"SVG ")


def one_pass_subset(font, to_unicode, hinting: bool, object_data) -> bool:
    """WeasyPrint's HarfBuzz subset in one pass instead of two.  Its second pass keeps
    every glyph up to the last one used, which the first (glyph ids retained) already
    did, only to drop hinting: for a Noto CJK face that pass costs ~35 ms of the ~48.
    Here hinting is dropped in the one pass.  False when HarfBuzz refuses (the caller
    then runs WeasyPrint's own)."""
    from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset

    if harfbuzz_subset is None or not harfbuzz.hb_version_atleast(4, 1, 0):
        return False
    subset_input = harfbuzz_subset.hb_subset_input_create_or_fail()
    if subset_input == ffi.NULL:
        return False
    try:
        glyphs = harfbuzz_subset.hb_subset_input_glyph_set(subset_input)
        used = sorted(to_unicode)
        harfbuzz.hb_set_add_sorted_array(glyphs, ffi.new("hb_codepoint_t[]", used), len(used))
        flags = (harfbuzz_subset.HB_SUBSET_FLAGS_RETAIN_GIDS | harfbuzz_subset.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED
                 | harfbuzz_subset.HB_SUBSET_FLAGS_DESUBROUTINIZE)
        if not hinting:
            flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NO_HINTING
        if font.missing:
            flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NOTDEF_OUTLINE
        harfbuzz_subset.hb_subset_input_set_flags(subset_input, flags)
        drop = harfbuzz_subset.hb_subset_input_set(subset_input, harfbuzz_subset.HB_SUBSET_SETS_DROP_TABLE_TAG)
        tags = sorted(harfbuzz.hb_tag_from_string(tag, -1) for tag in _KEPT_OUT)
        harfbuzz.hb_set_add_sorted_array(drop, ffi.new("hb_codepoint_t[]", tags), len(tags))
        face = harfbuzz_subset.hb_subset_or_fail(font.hb_face, subset_input)
        if face == ffi.NULL:
            return False
        try:
            content = object_data(face)
        finally:
            harfbuzz.hb_face_destroy(face)
    finally:
        harfbuzz_subset.hb_subset_input_destroy(subset_input)
    if not content:
        return False
    font.file_content = content
    return True


def _expected(ffi_module, fonts_module, stream_module) -> bool:
    """WeasyPrint's internals look as this module assumes (else: change nothing)."""
    font = getattr(fonts_module, "Font", None)
    return (callable(getattr(fonts_module, "get_hb_object_data", None))
            and isinstance(font, type) and getattr(stream_module, "Font", None) is font
            and "file_content" not in vars(font)
            and callable(getattr(getattr(ffi_module, "ffi", None), "new", None)))


def _switched_off() -> bool:
    return os.environ.get("SP_DOCS_WEASY_PATCH", "").strip().lower() in ("off", "0", "no", "false")


INSTANCER = "fontTools.varLib.instancer"


def real_instancer():
    """The real ``fontTools.varLib.instancer`` (imported now if only the stand-in is there)."""
    found = sys.modules.get(INSTANCER)
    if found is not None and getattr(found, "sp_docs_stand_in", False):
        del sys.modules[INSTANCER]
        try:
            return importlib.import_module(INSTANCER)
        except BaseException:
            sys.modules.setdefault(INSTANCER, found)
            raise
    return importlib.import_module(INSTANCER)


def _instancer_stand_in() -> types.ModuleType:
    stand_in = types.ModuleType(INSTANCER, "Imports fontTools.varLib.instancer when first used (sp-docs).")

    def instantiateVariableFont(*args, **kwargs):  # noqa: N802  (fontTools' name)
        return real_instancer().instantiateVariableFont(*args, **kwargs)

    stand_in.instantiateVariableFont = instantiateVariableFont
    def __getattr__(name: str):  # noqa: N807  (module-level __getattr__, PEP 562)
        if name.startswith("__"):  # the import system asks for __path__ etc.: not a reason to load
            raise AttributeError(name)
        return getattr(real_instancer(), name)

    stand_in.__getattr__ = __getattr__
    stand_in.sp_docs_stand_in = True
    return stand_in


def defer_font_tools() -> None:
    """Before WeasyPrint is imported: ``fontTools.subset`` loads on first attribute
    use (``importlib.util.LazyLoader``), ``fontTools.varLib.instancer`` on the first
    call of ``instantiateVariableFont`` (the one name WeasyPrint imports from it)."""
    if _switched_off() or "weasyprint.pdf.fonts" in sys.modules:
        return
    if "fontTools.subset" not in sys.modules:
        spec = importlib.util.find_spec("fontTools.subset")
        if spec is not None and spec.loader is not None:
            spec.loader = importlib.util.LazyLoader(spec.loader)
            module = importlib.util.module_from_spec(spec)
            sys.modules["fontTools.subset"] = module
            spec.loader.exec_module(module)
            sys.modules["fontTools"].subset = module
    if INSTANCER not in sys.modules:
        sys.modules[INSTANCER] = _instancer_stand_in()


def apply() -> bool:
    """Apply the changes to WeasyPrint's fonts (once per process); False when they are
    off or not applicable."""
    if _APPLIED:
        return _APPLIED[0]
    if _switched_off():
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
