"""The PDF of the direct 附件2 writer (render/fasttable.py): text with PDF operators in
subset Type0 fonts (``fonts.embed``, as render/fastpdf.py writes certificates), the table's
rules as one stroked path a page."""
from __future__ import annotations


def _num(value: float) -> bytes:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return (text if text not in ("-0", "") else "0").encode()


def pdf_bytes(pages, *, title: str, width: float, height: float, rule: float) -> bytes:
    """``pages`` (``fasttable.Page``: texts and rules, pt from the top left) as one PDF of
    ``width`` × ``height`` pt: each font embedded once (subset), one content stream a page."""
    from pydyf import Array, Dictionary

    from .fastpdf import PdfFile, pdf_string_literal
    from .fonts.embed import embed_font, font_objects

    used: dict = {}  # Face → code points
    for page in pages:
        for item in page.texts:
            item.faces = item.style.faces_of(item.text)
            for char, face in zip(item.text, item.faces):
                used.setdefault(face, set()).add(ord(char))
    pdf = PdfFile()
    pdf.next_id = 3  # 1 catalog, 2 page tree
    embedded = {}
    for n, (face, codes) in enumerate(sorted(used.items(), key=lambda kv: (kv[0].path, kv[0].index)), start=1):
        font = embed_font(face, sorted(codes), f"F{n}")
        embedded[face] = (font, font_objects(pdf, font))
    resources = pdf.allocate()
    pdf.write(resources, Dictionary({
        "ProcSet": Array(["/PDF", "/Text"]),
        "Font": Dictionary({font.resource: f"{ref} 0 R" for font, ref in embedded.values()})}).data)
    media = b"[0 0 " + _num(width) + b" " + _num(height) + b"]"
    kids = []
    for page in pages:
        content, page_id = pdf.allocate(), pdf.allocate()
        pdf.stream(content, b"", _content(page, {face: font for face, (font, _) in embedded.items()}, height, rule))
        pdf.write(page_id, b"<</Type/Page/Parent 2 0 R/MediaBox" + media + b"/Resources %d 0 R/Contents %d 0 R>>"
                  % (resources, content))
        kids.append(page_id)
    pdf.write(2, Dictionary({"Type": "/Pages", "Count": len(kids), "Kids": Array(f"{k} 0 R" for k in kids)}).data)
    pdf.write(1, Dictionary({"Type": "/Catalog", "Pages": "2 0 R"}).data)
    info = pdf.allocate()
    pdf.write(info, Dictionary({"Title": pdf_string_literal(title), "Producer": "(sp-docs)"}).data)
    return pdf.finish(1, info).getvalue()


def _content(page, fonts_by_face: dict, height: float, rule: float) -> bytes:
    ops = []
    if page.rules:
        ops.append(_num(rule) + b" w 0 G")
        for x0, y0, x1, y1 in page.rules:
            ops.append(b"%s %s m %s %s l" % (_num(x0), _num(height - y0), _num(x1), _num(height - y1)))
        ops.append(b"S")
    ops.append(b"BT 0 g")
    for item in page.texts:
        ops.append(b"1 0 0 1 %s %s Tm" % (_num(item.x), _num(height - item.baseline)))
        run_face, cids = None, []
        for char, face in zip(item.text + "\0", item.faces + [None]):
            if face is not run_face and cids:
                font = fonts_by_face[run_face]
                ops.append(b"/%s %s Tf <%s> Tj" % (font.resource.encode(), _num(item.style.size), b"".join(cids)))
                cids = []
            if face is not None:
                cids.append(b"%04X" % fonts_by_face[face].glyphs[ord(char)][0])
            run_face = face
    ops.append(b"ET")
    return b"\n".join(ops)
