"""What the PDF writers need from a subset font program, read straight from its bytes.

After HarfBuzz has subset a face (render/fonts/embed.py), the program is a few kilobytes; the
writers need its character map, advances, em size and bounding box, and for CFF outlines the
bare CFF table and, for a CID-keyed CFF, each glyph's CID (its charset).  Reading those with
fontTools costs about 0.15 s of imports in a new process; these few tables are read here.  A
program this reader does not understand raises ``ValueError`` (the caller uses fontTools)."""
from __future__ import annotations

import struct
from dataclasses import dataclass


@dataclass
class Program:
    cmap: dict[int, int]  # code point → glyph id
    advances: list[int]  # by glyph id, font units
    upem: int
    bbox: tuple[int, int, int, int]  # head xMin, yMin, xMax, yMax
    cff: bytes | None  # the CFF table, when the outlines are CFF
    cids: list[int] | None  # glyph id → CID, for a CID-keyed CFF


def read(data: bytes) -> Program:
    try:
        return _read(data)
    except (struct.error, IndexError, KeyError, TypeError, OverflowError, ZeroDivisionError) as exc:
        raise ValueError(f"font program: {exc}") from None


def _read(data: bytes) -> Program:
    tables = _tables(data)
    head = tables[b"head"]
    upem = struct.unpack_from(">H", data, head + 18)[0]
    if not upem:
        raise ValueError("unitsPerEm 0")
    bbox = struct.unpack_from(">4h", data, head + 36)
    metrics_count = struct.unpack_from(">H", data, tables[b"hhea"] + 34)[0]
    glyph_count = struct.unpack_from(">H", data, tables[b"maxp"] + 4)[0]
    hmtx = tables[b"hmtx"]
    advances = [struct.unpack_from(">H", data, hmtx + 4 * min(g, metrics_count - 1))[0] for g in range(glyph_count)]
    cff = cids = None
    if b"CFF " in tables:
        start, length = tables[b"CFF "], _lengths(data)[b"CFF "]
        cff = data[start:start + length]
        cids = _cff_cids(cff, glyph_count)
    return Program(_cmap(data, tables[b"cmap"]), advances, upem, bbox, cff, cids)


def _directory(data: bytes):
    if data[:4] not in (b"\x00\x01\x00\x00", b"OTTO", b"true"):
        raise ValueError("not an sfnt")
    count = struct.unpack_from(">H", data, 4)[0]
    for n in range(count):
        tag, _, offset, length = struct.unpack_from(">4sIII", data, 12 + 16 * n)
        yield tag, offset, length


def _tables(data: bytes) -> dict[bytes, int]:
    return {tag: offset for tag, offset, _ in _directory(data)}


def _lengths(data: bytes) -> dict[bytes, int]:
    return {tag: length for tag, _, length in _directory(data)}


# the subtables fontTools' getBestCmap prefers, in its order
_PREFERRED = ((3, 10), (0, 6), (0, 4), (3, 1), (0, 3), (0, 2), (0, 1), (0, 0))


def _cmap(data: bytes, cmap: int) -> dict[int, int]:
    count = struct.unpack_from(">H", data, cmap + 2)[0]
    found = {}
    for n in range(count):
        platform, encoding, offset = struct.unpack_from(">HHI", data, cmap + 4 + 8 * n)
        found.setdefault((platform, encoding), cmap + offset)
    for key in _PREFERRED:
        if key in found:
            return _subtable(data, found[key])
    raise ValueError("no Unicode cmap")


def _subtable(data: bytes, at: int) -> dict[int, int]:
    form = struct.unpack_from(">H", data, at)[0]
    if form == 4:
        return _format4(data, at)
    if form == 12:
        groups = struct.unpack_from(">I", data, at + 12)[0]
        out = {}
        for n in range(groups):
            first, last, glyph = struct.unpack_from(">III", data, at + 16 + 12 * n)
            out.update((code, glyph + code - first) for code in range(first, last + 1))
        return out
    raise ValueError(f"cmap format {form}")


def _format4(data: bytes, at: int) -> dict[int, int]:
    segments = struct.unpack_from(">H", data, at + 6)[0] // 2
    ends = struct.unpack_from(f">{segments}H", data, at + 14)
    starts = struct.unpack_from(f">{segments}H", data, at + 16 + 2 * segments)
    deltas = struct.unpack_from(f">{segments}h", data, at + 16 + 4 * segments)
    ranges_at = at + 16 + 6 * segments
    ranges = struct.unpack_from(f">{segments}H", data, ranges_at)
    out = {}
    for n in range(segments):
        for code in range(starts[n], ends[n] + 1):
            if code == 0xFFFF:
                continue
            if ranges[n]:
                glyph = struct.unpack_from(">H", data, ranges_at + 2 * n + ranges[n] + 2 * (code - starts[n]))[0]
                glyph = (glyph + deltas[n]) & 0xFFFF if glyph else 0
            else:
                glyph = (code + deltas[n]) & 0xFFFF
            if glyph:
                out[code] = glyph
    return out


# -- CFF: is it CID-keyed, and each glyph's CID ------------------------------------------------

def _index(cff: bytes, at: int) -> tuple[list[bytes], int]:
    """The items of the CFF INDEX at ``at`` and where it ends."""
    count = struct.unpack_from(">H", cff, at)[0]
    if count == 0:
        return [], at + 2
    size = cff[at + 2]
    offsets = [int.from_bytes(cff[at + 3 + size * n:at + 3 + size * (n + 1)], "big") for n in range(count + 1)]
    base = at + 2 + size * (count + 1)
    return [cff[base + offsets[n]:base + offsets[n + 1]] for n in range(count)], base + offsets[-1]


def _dict(data: bytes) -> dict[int, list]:
    """A CFF DICT: operator (escaped ones as 1200 + n) → operands."""
    out, operands, i = {}, [], 0
    while i < len(data):
        b = data[i]
        if b <= 21:
            op = 1200 + data[i + 1] if b == 12 else b
            i += 2 if b == 12 else 1
            out[op], operands = operands, []
        elif b == 28:
            operands.append(struct.unpack_from(">h", data, i + 1)[0])
            i += 3
        elif b == 29:
            operands.append(struct.unpack_from(">i", data, i + 1)[0])
            i += 5
        elif b == 30:  # a real: nibbles up to 0xf (its value is never needed here)
            i += 1
            while data[i] & 0x0F != 0x0F and data[i] >> 4 != 0x0F:
                i += 1
            i += 1
            operands.append(0.0)
        elif b <= 246:
            operands.append(b - 139)
            i += 1
        elif b <= 250:
            operands.append((b - 247) * 256 + data[i + 1] + 108)
            i += 2
        elif b <= 254:
            operands.append(-(b - 251) * 256 - data[i + 1] - 108)
            i += 2
        else:
            raise ValueError("CFF DICT")
    return out


def _cff_cids(cff: bytes, glyph_count: int) -> list[int] | None:
    """Glyph id → CID of a CID-keyed CFF (its charset), else None."""
    _, at = _index(cff, cff[2])  # Name INDEX after the header
    tops, _ = _index(cff, at)
    top = _dict(tops[0])
    if 1230 not in top:  # no ROS: name-keyed
        return None
    at = top[15][0]  # charset (a CID-keyed font has its own, never a predefined one: 0–2)
    if not isinstance(at, int) or not 4 <= at < len(cff):
        raise ValueError("CFF charset offset")
    form, cids = cff[at], [0]
    if form not in (0, 1, 2):
        raise ValueError(f"charset format {form}")
    at += 1
    while len(cids) < glyph_count:
        if form == 0:
            cids.append(struct.unpack_from(">H", cff, at)[0])
            at += 2
            continue
        first = struct.unpack_from(">H", cff, at)[0]
        left = cff[at + 2] if form == 1 else struct.unpack_from(">H", cff, at + 2)[0]
        at += 3 if form == 1 else 4
        cids.extend(range(first, first + left + 1))
    return cids[:glyph_count]
