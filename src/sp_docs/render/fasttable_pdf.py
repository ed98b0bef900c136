"""The PDF of the direct writers (render/fasttable.py, render/fastplan/): text with PDF operators
in subset Type0 fonts (``fonts.embed``, as render/fastpdf.py writes certificates), rules as
stroked paths, images (PNG: alpha → SMask) with their opacity.  Pages are ``fastpage.Page``."""
from __future__ import annotations


def _num(value: float) -> bytes:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return (text if text not in ("-0", "") else "0").encode()


def pdf_bytes(pages, *, title: str, width: float, height: float, rule: float) -> bytes:
    """``pages`` (texts, rules and images, pt from the top left) as one PDF of ``width`` ×
    ``height`` pt: each font embedded once (subset), each image once, one content stream a page;
    ``rule``: the width of a rule that names none."""
    from pydyf import Array, Dictionary

    from .fastpdf import PdfFile, pdf_string_literal
    from .fonts.embed import embed_font, font_objects

    used, text_of = _codes(pages)
    pdf = PdfFile()
    pdf.next_id = 3  # 1 catalog, 2 page tree
    embedded = {}
    for n, (face, codes) in enumerate(sorted(used.items(), key=lambda kv: (kv[0].path, kv[0].index)), start=1):
        font = embed_font(face, sorted(codes), f"F{n}")
        font.text_of = text_of.get(face, {})
        embedded[face] = (font, font_objects(pdf, font))
    images = _image_objects(pdf, pages)
    states = {opacity: f"GS{n}" for n, opacity in enumerate(sorted({i.opacity for p in pages for i in p.images}))}
    resources = pdf.allocate()
    entries = {"ProcSet": Array(["/PDF", "/Text", "/ImageC"] if images else ["/PDF", "/Text"]),
               "Font": Dictionary({font.resource: f"{ref} 0 R" for font, ref in embedded.values()})}
    if images:
        entries["XObject"] = Dictionary({name: f"{ref} 0 R" for name, ref in images.values()})
        entries["ExtGState"] = Dictionary({name: Dictionary({"Type": "/ExtGState", "ca": _num(o).decode(),
                                                             "CA": _num(o).decode()})
                                           for o, name in states.items()})
    pdf.write(resources, Dictionary(entries).data)
    media = b"[0 0 " + _num(width) + b" " + _num(height) + b"]"
    fonts_by_face = {face: font for face, (font, _) in embedded.items()}
    kids = []
    for page in pages:
        content, page_id = pdf.allocate(), pdf.allocate()
        ops = _rules(page, height, rule) + _images(page, height, images, states) + _texts(page, fonts_by_face, height)
        pdf.stream(content, b"", b"\n".join(ops))
        pdf.write(page_id, b"<</Type/Page/Parent 2 0 R/MediaBox" + media + b"/Resources %d 0 R/Contents %d 0 R>>"
                  % (resources, content))
        kids.append(page_id)
    pdf.write(2, Dictionary({"Type": "/Pages", "Count": len(kids), "Kids": Array(f"{k} 0 R" for k in kids)}).data)
    pdf.write(1, Dictionary({"Type": "/Catalog", "Pages": "2 0 R"}).data)
    info = pdf.allocate()
    pdf.write(info, Dictionary({"Title": pdf_string_literal(title), "Producer": "(sp-docs)"}).data)
    return pdf.finish(1, info).getvalue()


def _codes(pages) -> tuple[dict, dict]:
    """The code points to embed for each face, and per face the code points drawn for another
    character's localized glyph (``Text.drawn``) → that character, unless the code point is also
    shown as itself (its glyph then reads as itself)."""
    used: dict = {}  # Face → code points
    shown: dict = {}  # Face → code points shown as themselves
    text_of: dict = {}  # Face → {drawn code point: the character}
    for page in pages:
        for item in page.texts:
            item.faces = item.style.faces_of(item.text)
            for i, (char, face) in enumerate(zip(item.text, item.faces)):
                code = (item.drawn or {}).get(i)
                if code is None:
                    shown.setdefault(face, set()).add(ord(char))
                else:
                    text_of.setdefault(face, {})[code] = ord(char)
                used.setdefault(face, set()).add(ord(char) if code is None else code)
    for face, aliases in text_of.items():
        for code in list(aliases):
            if code in shown.get(face, ()):
                del aliases[code]
    return used, text_of


def _image_objects(pdf, pages) -> dict[str, tuple[str, int]]:
    """Each image file once: path → (resource name, object id)."""
    from .fastpdf import image_object

    found: dict[str, tuple[str, int]] = {}
    for page in pages:
        for image in page.images:
            if image.path not in found:
                found[image.path] = (f"Im{len(found) + 1}", image_object(pdf, image.path))
    return found


def _color(rgb, operator: bytes) -> bytes:
    return b" ".join(_num(c) for c in rgb) + b" " + operator


def _rules(page, height: float, rule: float) -> list[bytes]:
    """The page's rules, one stroked path for each width and colour."""
    groups: dict[tuple, list[bytes]] = {}
    for item in page.rules:
        x0, y0, x1, y1 = item[:4]
        width, rgb = (item[4], item[5]) if len(item) > 4 else (rule, None)
        groups.setdefault((width, rgb), []).append(
            b"%s %s m %s %s l" % (_num(x0), _num(height - y0), _num(x1), _num(height - y1)))
    ops = []
    for (width, rgb), paths in groups.items():
        ops.append(_num(width) + b" w " + (_color(rgb, b"RG") if rgb else b"0 G"))
        ops.extend(paths)
        ops.append(b"S")
    return ops


def _images(page, height: float, images: dict, states: dict) -> list[bytes]:
    ops = []
    for image in page.images:
        ops.append(b"q /%s gs %s 0 0 %s %s %s cm /%s Do Q" % (
            states[image.opacity].encode(), _num(image.width), _num(image.height), _num(image.x),
            _num(height - image.top - image.height), images[image.path][0].encode()))
    return ops


def _texts(page, fonts_by_face: dict, height: float) -> list[bytes]:
    ops = [b"BT 0 g"]
    black = True
    for item in page.texts:
        if item.color or not black:
            ops.append(_color(item.color, b"rg") if item.color else b"0 g")
            black = not item.color
        ops.append(b"1 0 0 1 %s %s Tm" % (_num(item.x), _num(height - item.baseline)))
        ops.extend(_show(item, fonts_by_face))
    ops.append(b"ET")
    return ops


def _show(item, fonts_by_face: dict) -> list[bytes]:
    """The text of ``item`` in runs of one face; with ``xs``, each character moved to its x
    (TJ adjustments: thousandths of the font size, positive to the left)."""
    size = item.style.size
    ops, run_face, parts, pen = [], None, [], item.x
    for i, (char, face) in enumerate(zip(item.text + "\0", item.faces + [None])):
        if face is not run_face and parts:
            font = fonts_by_face[run_face]
            ops.append(b"/%s %s Tf [%s] TJ" % (font.resource.encode(), _num(size), b"".join(parts)))
            parts = []
        if face is not None:
            cid, width = fonts_by_face[face].glyphs[(item.drawn or {}).get(i, ord(char))]
            if item.xs is not None:  # the pen moves by the font's W width (1/1000 em)
                shift = item.xs[i] - pen
                if abs(shift) > 1e-4:
                    parts.append(_num(-shift * 1000 / size))
                pen = item.xs[i] + width * size / 1000
            parts.append(b"<%04X>" % cid)
        run_face = face
    return ops
