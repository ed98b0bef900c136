"""The system HarfBuzz (the library WeasyPrint and Pango already load), through cffi.

Only the calls sp-docs needs: a face's code points, nominal glyphs, advances,
glyph extents (the glyph-ink check), font extents, names, and the subsetter.
"""
from __future__ import annotations

import functools

_CDEF = """
typedef struct hb_blob_t hb_blob_t;
typedef struct hb_face_t hb_face_t;
typedef struct hb_font_t hb_font_t;
typedef struct hb_set_t hb_set_t;
typedef struct hb_subset_input_t hb_subset_input_t;
typedef struct hb_language_impl_t *hb_language_t;
typedef uint32_t hb_codepoint_t;
typedef uint32_t hb_tag_t;
typedef int32_t hb_position_t;
typedef int hb_bool_t;
typedef struct { hb_position_t x_bearing, y_bearing, width, height; } hb_glyph_extents_t;
typedef struct { hb_position_t ascender, descender, line_gap, r9, r8, r7, r6, r5, r4, r3, r2, r1; } hb_font_extents_t;
hb_blob_t *hb_blob_create_from_file_or_fail(const char *file_name);
void hb_blob_destroy(hb_blob_t *blob);
unsigned int hb_blob_get_length(hb_blob_t *blob);
const char *hb_blob_get_data(hb_blob_t *blob, unsigned int *length);
hb_face_t *hb_face_create(hb_blob_t *blob, unsigned int index);
void hb_face_destroy(hb_face_t *face);
unsigned int hb_face_get_upem(hb_face_t *face);
hb_blob_t *hb_face_reference_blob(hb_face_t *face);
hb_blob_t *hb_face_reference_table(hb_face_t *face, hb_tag_t tag);
void hb_face_collect_unicodes(hb_face_t *face, hb_set_t *out);
hb_tag_t hb_tag_from_string(const char *str, int len);
hb_set_t *hb_set_create(void);
void hb_set_destroy(hb_set_t *set);
void hb_set_add(hb_set_t *set, hb_codepoint_t codepoint);
unsigned int hb_set_get_population(const hb_set_t *set);
unsigned int hb_set_next_many(const hb_set_t *set, hb_codepoint_t codepoint, hb_codepoint_t *out, unsigned int size);
hb_font_t *hb_font_create(hb_face_t *face);
void hb_font_destroy(hb_font_t *font);
unsigned int hb_font_get_nominal_glyphs(hb_font_t *font, unsigned int count, const hb_codepoint_t *first_unicode,
    unsigned int unicode_stride, hb_codepoint_t *first_glyph, unsigned int glyph_stride);
void hb_font_get_glyph_h_advances(hb_font_t *font, unsigned int count, const hb_codepoint_t *first_glyph,
    unsigned glyph_stride, hb_position_t *first_advance, unsigned advance_stride);
hb_bool_t hb_font_get_glyph_extents(hb_font_t *font, hb_codepoint_t glyph, hb_glyph_extents_t *extents);
hb_bool_t hb_font_get_h_extents(hb_font_t *font, hb_font_extents_t *extents);
hb_language_t hb_language_from_string(const char *str, int len);
unsigned int hb_ot_name_get_utf8(hb_face_t *face, unsigned int name_id, hb_language_t language,
    unsigned int *text_size, char *text);
void hb_ot_layout_get_baseline_with_fallback(hb_font_t *font, int baseline_tag, int direction, hb_tag_t script_tag,
    hb_tag_t language_tag, hb_position_t *coord);
hb_subset_input_t *hb_subset_input_create_or_fail(void);
void hb_subset_input_destroy(hb_subset_input_t *input);
hb_set_t *hb_subset_input_unicode_set(hb_subset_input_t *input);
hb_set_t *hb_subset_input_set(hb_subset_input_t *input, int set_type);
void hb_subset_input_set_flags(hb_subset_input_t *input, unsigned value);
hb_face_t *hb_subset_or_fail(hb_face_t *source, const hb_subset_input_t *input);
"""


@functools.lru_cache(maxsize=1)
def library():
    """(ffi, libharfbuzz, libharfbuzz-subset or None), or None without HarfBuzz."""
    try:
        import cffi
    except ImportError:
        return None
    ffi = cffi.FFI()
    ffi.cdef(_CDEF)
    hb = _open(ffi, ("libharfbuzz.so.0", "harfbuzz", "libharfbuzz-0.dll", "libharfbuzz.0.dylib"))
    if hb is None:
        return None
    subset = _open(ffi, ("libharfbuzz-subset.so.0", "harfbuzz-subset", "libharfbuzz-subset-0.dll",
                         "libharfbuzz-subset.0.dylib"))
    return ffi, hb, subset


def _open(ffi, names):
    for name in names:
        try:
            return ffi.dlopen(name)
        except OSError:
            continue
    return None


_FACES: dict[tuple[str, int], object] = {}


def face(path: str, index: int):
    """A HarfBuzz face of the file (memory-mapped by HarfBuzz, kept for the process), or None."""
    lib = library()
    if lib is None:
        return None
    ffi, hb, _ = lib
    found = _FACES.get((path, index))
    if found is None:
        blob = hb.hb_blob_create_from_file_or_fail(path.encode())
        if blob == ffi.NULL:
            return None
        found = hb.hb_face_create(blob, index)
        hb.hb_blob_destroy(blob)
        if hb.hb_face_get_upem(found) == 0 or _table_length(found, b"head") == 0:
            hb.hb_face_destroy(found)  # not a font (or no such face index)
            return None
        _FACES[(path, index)] = found
    return found


def _table_length(hb_face, tag: bytes) -> int:
    _, hb, _ = library()
    blob = hb.hb_face_reference_table(hb_face, hb.hb_tag_from_string(tag, 4))
    try:
        return hb.hb_blob_get_length(blob)
    finally:
        hb.hb_blob_destroy(blob)


def has_table(hb_face, tag: bytes) -> bool:
    return _table_length(hb_face, tag) > 0


def postscript_name(hb_face) -> str:
    ffi, hb, _ = library()
    for name_id in (6, 4):
        size = ffi.new("unsigned int *", 128)
        text = ffi.new("char[]", 128)
        hb.hb_ot_name_get_utf8(hb_face, name_id, ffi.NULL, size, text)
        if size[0]:
            return ffi.string(text).decode("utf-8", "replace")
    return ""


def baseline(hb_face, tag: bytes, script: bytes) -> int | None:
    """A baseline of the face (``hb_ot_layout_get_baseline_with_fallback``: its BASE table,
    else derived from its metrics) in font units, horizontal; None before HarfBuzz 4.0."""
    ffi, hb, _ = library()
    font = hb.hb_font_create(hb_face)
    coord = ffi.new("hb_position_t *")
    try:
        hb.hb_ot_layout_get_baseline_with_fallback(font, hb.hb_tag_from_string(tag, 4), 4,  # HB_DIRECTION_LTR
                                                   hb.hb_tag_from_string(script, 4), 0, coord)
    except AttributeError:  # the symbol is missing: HarfBuzz < 4.0
        return None
    finally:
        hb.hb_font_destroy(font)
    return coord[0]


def close_faces() -> None:
    """Forget the open faces (HarfBuzz unmaps the files)."""
    lib = library()
    if lib is None:
        return
    for found in _FACES.values():
        lib[1].hb_face_destroy(found)
    _FACES.clear()
