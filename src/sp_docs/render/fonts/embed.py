"""Fonts embedded in a PDF as subsets (the direct certificate writer, render/fastpdf.py).

Each face is subset once per output file with HarfBuzz's subsetter (through
cffi: the library WeasyPrint already loads), or fontTools when that is not
available, and written as a Type0 font: CIDFontType2 for TrueType outlines,
CIDFontType0 + FontFile3 for CFF; a W array and a ToUnicode CMap.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field

from . import harfbuzz, sfnt
from .faces import Face

_DROP_TABLES = (b"GSUB", b"GPOS", b"BASE", b"JSTF", b"DSIG", b"VORG", b"vhea", b"vmtx", b"SVG ", b"EBDT",
                b"EBLC", b"EBSC", b"LTSH", b"PCLT", b"kern", b"hdmx", b"VDMX", b"FFTM", b"meta", b"gasp")


def _harfbuzz():  # (a function, so that tests can take HarfBuzz away)
    """(ffi, libharfbuzz, libharfbuzz-subset) or None."""
    lib = harfbuzz.library()
    return lib if lib is not None and lib[2] is not None else None


def _hb_subset(path: str, index: int, codepoints: list[int]) -> bytes | None:
    lib = _harfbuzz()
    if lib is None:
        return None
    ffi, hb, hs = lib
    face = harfbuzz.face(path, index)
    if face is None:
        return None
    subset_input = hs.hb_subset_input_create_or_fail()
    if subset_input == ffi.NULL:
        return None
    try:
        unicodes = hs.hb_subset_input_unicode_set(subset_input)
        for code in codepoints:
            hb.hb_set_add(unicodes, code)
        drop = hs.hb_subset_input_set(subset_input, 3)  # HB_SUBSET_SETS_DROP_TABLE_TAG
        for tag in _DROP_TABLES:
            hb.hb_set_add(drop, hb.hb_tag_from_string(tag, 4))
        hs.hb_subset_input_set_flags(subset_input, 0x1 | 0x4)  # NO_HINTING | DESUBROUTINIZE
        result = hs.hb_subset_or_fail(face, subset_input)
        if result == ffi.NULL:
            return None
        blob = hb.hb_face_reference_blob(result)
        length = ffi.new("unsigned int *")
        data = hb.hb_blob_get_data(blob, length)
        out = bytes(ffi.buffer(data, length[0])) if data != ffi.NULL else b""
        hb.hb_blob_destroy(blob)
        hb.hb_face_destroy(result)
        return out or None
    finally:
        hs.hb_subset_input_destroy(subset_input)


def _fonttools_subset(path: str, index: int, codepoints: list[int]) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options(retain_gids=False, desubroutinize=True, ignore_missing_glyphs=True, hinting=False,
                             notdef_outline=True, layout_features=[], name_IDs=[1, 2, 3, 4, 6])
    options.drop_tables += [t.decode().strip() for t in _DROP_TABLES] + ["SVG "]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints)
    font = TTFont(path, fontNumber=index, lazy=True)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


@dataclass
class EmbeddedFont:
    """One subset face of one output file: code point → (CID, width in 1/1000 em)."""

    info: Face
    resource: str  # /F1 …
    program: bytes
    glyphs: dict[int, tuple[int, int]]
    bbox: tuple[int, int, int, int]
    tag: str
    bare_cff: bool = False  # program is a bare CFF table (else a whole TrueType/OpenType file)
    # a code point drawn for another one's glyph → the one the text layer gives (a localized form)
    text_of: dict[int, int] = field(default_factory=dict)


def _tag(codepoints: list[int], info: Face) -> str:
    import hashlib

    digest = hashlib.md5((info.path + str(info.index) + "".join(map(chr, codepoints))).encode(),
                         usedforsecurity=False).digest()
    return "".join(chr(65 + b % 26) for b in digest[:6])


def embed_font(info: Face, codepoints: list[int], resource: str) -> EmbeddedFont:
    codepoints = sorted(set(codepoints))
    program = _hb_subset(info.path, info.index, codepoints) or _fonttools_subset(info.path, info.index, codepoints)
    try:
        read = sfnt.read(program)
    except ValueError:  # a program render/fonts/sfnt.py does not read: fontTools
        return embed_with_fonttools(info, codepoints, resource, program)
    cff = info.cff and read.cff is not None
    glyphs: dict[int, tuple[int, int]] = {}
    for code in codepoints:
        gid = read.cmap.get(code, 0)  # 0: .notdef (never happens: the view-model refuses missing glyphs)
        cid = read.cids[gid] if cff and read.cids is not None else gid
        glyphs[code] = (cid, round(read.advances[gid] * 1000 / read.upem))
    scale = 1000 / read.upem
    bbox = tuple(round(v * scale) for v in read.bbox)
    return EmbeddedFont(info, resource, read.cff if cff else program, glyphs, bbox, _tag(codepoints, info), cff)


def embed_with_fonttools(info: Face, codepoints: list[int], resource: str, program: bytes) -> EmbeddedFont:
    """``embed_font`` reading the subset ``program`` with fontTools."""
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(program), lazy=True)
    cmap = font.getBestCmap() or {}
    order = font.getGlyphOrder()
    hmtx = font["hmtx"].metrics
    upem = font["head"].unitsPerEm
    cid_keyed = bare = False
    if info.cff and "CFF " in font:
        top = font["CFF "].cff.topDictIndex[0]
        cid_keyed = hasattr(top, "ROS")
    glyphs: dict[int, tuple[int, int]] = {}
    for code in codepoints:
        name = cmap.get(code)
        if name is None:
            name = order[0]  # .notdef (never happens: the view-model refuses missing glyphs)
        gid = font.getGlyphID(name)
        # a CID-keyed CFF is addressed by CID (its charset maps CID → glyph); else CID = GID
        cid = int(name[3:]) if cid_keyed and name.startswith("cid") and name[3:].isdigit() else gid
        glyphs[code] = (cid, round(hmtx[name][0] * 1000 / upem))
    if info.cff and "CFF " in font:
        # the bare CFF program (FontFile3/CIDFontType0C): every reader then maps a
        # CID-keyed font's CIDs through its charset, and a name-keyed one by GID
        program = font.reader["CFF "]
        bare = True
    head = font["head"]
    scale = 1000 / upem
    bbox = (round(head.xMin * scale), round(head.yMin * scale), round(head.xMax * scale), round(head.yMax * scale))
    return EmbeddedFont(info, resource, bytes(program), glyphs, bbox, _tag(codepoints, info), bare)



# -- PDF objects (``pdf``: render.fastpdf.PdfFile — allocate, write, stream) ------------------

def font_objects(pdf, font: EmbeddedFont) -> int:
    """Write a Type0 font (descendant, descriptor, program, ToUnicode); returns its id.
    Dictionaries are pydyf's (WeasyPrint's PDF writer); streams go through
    ``pdf.stream`` (zlib level 6: pydyf's level 9 costs per-person files time)."""
    from pydyf import Array, Dictionary

    type0, cidfont, descriptor, program, tounicode = (pdf.allocate() for _ in range(5))
    info = font.info
    base = f"/{font.tag}+{info.name}"
    if info.cff:  # CFF outlines: the bare CFF program, or (CFF2) the whole OpenType file
        pdf.stream(program, b"/Subtype/CIDFontType0C" if font.bare_cff else b"/Subtype/OpenType", font.program)
    else:
        pdf.stream(program, b"/Length1 %d" % len(font.program), font.program)
    ascent, descent = round(info.ascent * 1000), -round(info.descent * 1000)
    pdf.write(descriptor, Dictionary({
        "Type": "/FontDescriptor", "FontName": base, "Flags": 4, "FontBBox": Array(font.bbox), "ItalicAngle": 0,
        "Ascent": ascent, "Descent": descent, "CapHeight": ascent, "StemV": 80,
        "FontFile3" if info.cff else "FontFile2": f"{program} 0 R"}).data)
    cid_font = Dictionary({
        "Type": "/Font", "Subtype": "/CIDFontType0" if info.cff else "/CIDFontType2", "BaseFont": base,
        "CIDSystemInfo": Dictionary({"Registry": "(Adobe)", "Ordering": "(Identity)", "Supplement": 0}),
        "FontDescriptor": f"{descriptor} 0 R", "DW": 1000, "W": Array(_widths(font))})
    if not info.cff:
        cid_font["CIDToGIDMap"] = "/Identity"
    pdf.write(cidfont, cid_font.data)
    pdf.stream(tounicode, b"", _to_unicode(font))
    pdf.write(type0, Dictionary({
        "Type": "/Font", "Subtype": "/Type0", "BaseFont": base, "Encoding": "/Identity-H",
        "DescendantFonts": Array([f"{cidfont} 0 R"]), "ToUnicode": f"{tounicode} 0 R"}).data)
    return type0


def _widths(font: EmbeddedFont) -> list:
    """The W array: runs of consecutive CIDs as ``first [w1 w2 …]``."""
    from pydyf import Array

    out: list = []
    for cid, width in sorted({cid: width for cid, width in font.glyphs.values()}.items()):
        if out and cid == out[-2] + len(out[-1]):
            out[-1].append(width)
        else:
            out += [cid, Array([width])]
    return out


def _to_unicode(font: EmbeddedFont) -> bytes:
    pairs = sorted((cid, font.text_of.get(code, code)) for code, (cid, _) in font.glyphs.items())
    lines = [b"/CIDInit/ProcSet findresource begin 12 dict begin begincmap",
             b"/CIDSystemInfo<</Registry(Adobe)/Ordering(UCS)/Supplement 0>>def",
             b"/CMapName/Adobe-Identity-UCS def/CMapType 2 def",
             b"1 begincodespacerange <0000><FFFF> endcodespacerange"]
    seen: set[int] = set()
    unique = [(cid, code) for cid, code in pairs if not (cid in seen or seen.add(cid))]
    for i in range(0, len(unique), 100):
        part = unique[i:i + 100]
        lines.append(b"%d beginbfchar" % len(part))
        for cid, code in part:
            lines.append(b"<%04X><%s>" % (cid, chr(code).encode("utf-16-be").hex().upper().encode()))
        lines.append(b"endbfchar")
    lines.append(b"endcmap CMapName currentdict/CMap defineresource pop end end")
    return b"\n".join(lines)


