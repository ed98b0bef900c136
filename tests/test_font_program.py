"""render/fonts/sfnt.py reads a subset program as fontTools reads it: for every face the PDF
writers use (each role's chain), the embedded font (CIDs, widths, bounding box, the bare CFF
table) is the same either way; a program it cannot read goes to fontTools."""
from __future__ import annotations

import pytest

from sp_docs.render import fonts
from sp_docs.render.fonts import embed, sfnt

TEXT = "中共青川市实验小学总支部委员会“双培双树”工程实施方案（2025—2027）：，。、ABCxyz0123 — 1 —荣誉证书"


def _faces():
    seen = {}
    for role in ("fang", "hei", "kai", "title", "song"):
        for face in fonts.role_faces(role):
            seen[(face.path, face.index)] = face
    return list(seen.values())


@pytest.mark.parametrize("face", _faces(), ids=lambda f: f"{f.path.rsplit('/', 1)[-1]}#{f.index}")
def test_embedded_font_equals_fonttools_reading(face):
    codes = sorted({ord(c) for c in TEXT if face.has(ord(c))})
    fast = embed.embed_font(face, codes, "F1")
    program = embed._hb_subset(face.path, face.index, codes) or embed._fonttools_subset(face.path, face.index, codes)
    slow = embed.embed_with_fonttools(face, codes, "F1", program)
    read = sfnt.read(program)  # read here, not left to fontTools
    assert (read.cff is not None) == ("CFF " in program[:400].decode("latin-1"))
    assert fast.glyphs == slow.glyphs
    assert fast.bbox == slow.bbox
    assert fast.bare_cff == slow.bare_cff
    assert bytes(fast.program) == bytes(slow.program)


def test_unreadable_program_is_refused():
    with pytest.raises(ValueError):
        sfnt.read(b"not a font at all")
    with pytest.raises(ValueError):
        sfnt.read(b"OTTO" + b"\x00" * 8)
