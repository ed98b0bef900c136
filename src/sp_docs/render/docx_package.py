"""A DOCX template read once and written again with a new body, without python-docx.

``load(path)`` reads a template package — its parts, the main document split round its body
content, the paragraph styles by name, the type area's width — and keeps it while the file is
unchanged (``user_cache.file_key``), so a long-running process reads each template once.
``write`` puts a body (WordprocessingML text) into it, sets the core properties, adds an
image if one is given and writes the zip: what python-docx's open / add / save gives, as the
golden parts in tests/test_plan_docx_speed.py check."""
from __future__ import annotations

import io
import re
import struct
import zipfile
from datetime import datetime
from pathlib import Path

from ..errors import InputError, TemplateError
from ..user_cache import FileMemo

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
IMAGE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
CORE_REL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
CORE_TYPE = "application/vnd.openxmlformats-package.core-properties+xml"
DOCUMENT, DOCUMENT_RELS, CORE, TYPES = ("word/document.xml", "word/_rels/document.xml.rels",
                                        "docProps/core.xml", "[Content_Types].xml")
_PRINTER = "application/vnd.openxmlformats-officedocument.{}.printerSettings"
# python-docx (docx.opc.spec.default_content_types): these extensions get a Default entry
DEFAULT_TYPES = {
    ("bin", _PRINTER.format("presentationml")), ("bin", _PRINTER.format("spreadsheetml")),
    ("bin", _PRINTER.format("wordprocessingml")), ("bmp", "image/bmp"), ("emf", "image/x-emf"),
    ("fntdata", "application/x-fontdata"), ("gif", "image/gif"), ("jpe", "image/jpeg"), ("jpeg", "image/jpeg"),
    ("jpg", "image/jpeg"), ("png", "image/png"), ("rels", "application/vnd.openxmlformats-package.relationships+xml"),
    ("tif", "image/tiff"), ("tiff", "image/tiff"), ("wdp", "image/vnd.ms-photo"), ("wmf", "image/x-wmf"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("xml", "application/xml"),
}
_CACHE = FileMemo(8)  # file_key → TemplatePackage


class TemplatePackage:
    """A template's parts (read-only once made; shared by the renders of a process)."""
    __slots__ = ("entries", "types", "head", "tail", "style_ids", "block_twips")

    def __init__(self, entries, types, head, tail, style_ids, block_twips):
        self.entries: tuple[tuple[str, bytes], ...] = entries  # the zip's members in order, less [Content_Types].xml
        self.types: dict[str, str] = types  # part name → content type
        self.head: str = head  # word/document.xml up to and including <w:body>, body content removed
        self.tail: str = tail  # the body's w:sectPr and what follows
        self.style_ids: dict[str, str] = style_ids  # paragraph style name → w:styleId (the first of that name)
        self.block_twips: int = block_twips  # the last section's width between its margins


class Image:
    """A picture's bytes and what python-docx reads from its header."""
    __slots__ = ("data", "filename", "ext", "content_type", "px_width", "px_height", "dpi")

    def __init__(self, data, filename, ext, content_type, px_width, px_height, dpi):
        self.data: bytes = data
        self.filename: str = filename
        self.ext: str = ext  # python-docx's: png, jpg
        self.content_type: str = content_type
        self.px_width, self.px_height = px_width, px_height
        self.dpi: tuple[int, int] = dpi

    def height_emu(self, width_emu: int) -> int:
        """python-docx's ``scaled_dimensions(width)``: the height keeping the proportions."""
        native_width = int(self.px_width / self.dpi[0] * 914400)
        native_height = int(self.px_height / self.dpi[1] * 914400)
        return round(native_height * (float(width_emu) / float(native_width)))


def _parser():
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=False)


def load(path: Path) -> TemplatePackage:
    """The template at ``path``, read once while the file is unchanged (every time with
    ``SP_DOCS_CACHE=off``)."""
    return _CACHE.get(path, lambda: _checked_read(path))


def _checked_read(path: Path) -> TemplatePackage:
    from ..sources.safety import check_docx_template

    check_docx_template(path)
    try:
        return _read(Path(path).read_bytes())
    except (KeyError, ValueError, SyntaxError, AttributeError, zipfile.BadZipFile):  # lxml's errors are SyntaxErrors
        raise TemplateError(f"DOCX 模板 {path} 已损坏或不完整，请在 Word/WPS 中打开后另存为 .docx") from None


def _read(data: bytes) -> TemplatePackage:
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = tuple((name, archive.read(name)) for name in archive.namelist()
                        if name != TYPES and not name.endswith("/"))
        types = _part_types(etree.fromstring(archive.read(TYPES), _parser()), [n for n, _ in entries])
    parts = dict(entries)
    root = etree.fromstring(parts[DOCUMENT], _parser())
    body = root.find(f"{{{W_NS}}}body")
    for child in list(body):  # python-docx's Document: only the body's section properties kept
        if not child.tag.endswith("sectPr"):
            body.remove(child)
    head, tail = _split(etree.tostring(root, encoding="unicode"))
    styles = etree.fromstring(parts["word/styles.xml"], _parser()) if "word/styles.xml" in parts else None
    return TemplatePackage(entries, types, head, tail, _style_ids(styles), _block_twips(body))


def _split(xml: str) -> tuple[str, str]:
    if "<w:body/>" in xml:
        xml = xml.replace("<w:body/>", "<w:body></w:body>")
    start = xml.index(">", xml.index("<w:body")) + 1
    sect = xml.find("<w:sectPr", start)
    end = sect if sect >= 0 else xml.rindex("</w:body>")
    return xml[:start], xml[end:]


def _part_types(root, names: list[str]) -> dict[str, str]:
    defaults = {e.get("Extension", "").lower(): e.get("ContentType") for e in root if e.tag.endswith("Default")}
    overrides = {e.get("PartName", "").lstrip("/"): e.get("ContentType") for e in root if e.tag.endswith("Override")}
    types = {}
    for name in names:
        found = overrides.get(name) or defaults.get(name.rsplit(".", 1)[-1].lower())
        if found and not name.endswith(".rels"):
            types[name] = found
    return types


def _style_ids(styles) -> dict[str, str]:
    ids: dict[str, str] = {}
    if styles is None:
        return ids
    for style in styles.iterfind(f"{{{W_NS}}}style"):
        name = style.find(f"{{{W_NS}}}name")
        if name is not None:
            ids.setdefault(name.get(f"{{{W_NS}}}val"), style.get(f"{{{W_NS}}}styleId"))
    return ids


def _block_twips(body) -> int:
    sect = body.find(f"{{{W_NS}}}sectPr")
    size = sect.find(f"{{{W_NS}}}pgSz") if sect is not None else None
    margins = sect.find(f"{{{W_NS}}}pgMar") if sect is not None else None

    def twips(element, name: str, default: int) -> int:
        value = element.get(f"{{{W_NS}}}{name}") if element is not None else None
        return int(value) if value and value.lstrip("-").isdigit() else default

    return twips(size, "w", 11906) - twips(margins, "left", 1588) - twips(margins, "right", 1474)


def read_image(path: Path) -> Image:
    """A PNG or JPEG picture's size and resolution, as python-docx reads them."""
    data = Path(path).read_bytes()
    name = Path(path).name
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        width, height = struct.unpack(">II", data[16:24])
        return Image(data, name, "png", "image/png", width, height, _png_dpi(data))
    if data[:3] == b"\xff\xd8\xff":
        from docx.image.image import Image as DocxImage  # JPEG headers (JFIF, EXIF): python-docx reads them

        found = DocxImage.from_blob(data)
        return Image(data, name, found.ext, "image/jpeg", found.px_width, found.px_height,
                     (found.horz_dpi, found.vert_dpi))
    raise InputError(f"印章图片无法读取（应为 PNG 或 JPG）：{path}")


def _png_dpi(data: bytes) -> tuple[int, int]:
    at = 8
    while at + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        if kind == b"pHYs" and length >= 9:
            horz, vert, unit = struct.unpack(">IIB", data[at + 8:at + 17])
            if unit == 1:
                return (int(round(horz * 0.0254)) or 72, int(round(vert * 0.0254)) or 72)
            return 72, 72
        if kind in (b"IDAT", b"IEND"):
            break
        at += 12 + length
    return 72, 72


# --- writing ------------------------------------------------------------------------------------

_PREFIXES = {"cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
             "dc": "http://purl.org/dc/elements/1.1/", "dcterms": "http://purl.org/dc/terms/",
             "xsi": "http://www.w3.org/2001/XMLSchema-instance"}
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def image_slot(package: TemplatePackage, image: Image) -> tuple[str, str]:
    """The relationship id and part name ``image`` gets in the written package (python-docx's
    choice: the first free ``rId<n>`` and ``word/media/image<n>.<ext>``)."""
    rel_id = _next_rel_id(dict(package.entries).get(DOCUMENT_RELS))
    images = [name for name in package.types if package.types[name].startswith("image/")]
    used = {int(m.group(1)) for name in images if (m := re.search(r"(\d+)\.\w+$", name))}
    number = next(n for n in range(1, len(images) + 2) if n not in used)
    return rel_id, f"word/media/image{number}.{image.ext}"


def next_shape_id(package: TemplatePackage) -> int:
    """python-docx's id for a new drawing: one more than the largest ``id`` attribute in the
    main document (its body holds none before the seal)."""
    used = [int(found) for found in re.findall(r'\sid="(\d+)"', package.head + package.tail)]
    return max(used) + 1 if used else 1


def write(package: TemplatePackage, body: str, *, author: str, title: str, now: datetime,
          image: tuple[Image, str, str] | None = None) -> bytes:
    """The package with ``body`` as the main document's content, the core properties of
    ``render.docx.finish_document`` and ``image`` (image, relationship id, part name) added."""
    parts = dict(package.entries)
    types = dict(package.types)
    parts[DOCUMENT] = (XML_DECLARATION + package.head + body + package.tail).encode("utf-8")
    if image is not None:
        picture, rel_id, name = image
        parts[DOCUMENT_RELS] = _add_relationship(parts.get(DOCUMENT_RELS), rel_id, IMAGE_REL,
                                                 name.removeprefix("word/"))
        parts[name] = picture.data
        types[name] = picture.content_type
    if CORE not in parts:
        rels = parts.get("_rels/.rels")
        parts["_rels/.rels"] = _add_relationship(rels, _next_rel_id(rels), CORE_REL, CORE)
        types[CORE] = CORE_TYPE
    parts[CORE] = core_xml(parts.get(CORE), author=author, title=title, now=now)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(TYPES, content_types_xml(types))
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def _next_rel_id(rels: bytes | None) -> str:
    """python-docx's choice of a new relationship id: the first free ``rId<n>``."""
    ids = set(re.findall(r'\bId="([^"]+)"', rels.decode("utf-8") if rels else ""))
    return next(f"rId{n}" for n in range(1, len(ids) + 2) if f"rId{n}" not in ids)


def _add_relationship(rels: bytes | None, rel_id: str, kind: str, target: str) -> bytes:
    text = rels.decode("utf-8") if rels else (XML_DECLARATION + f'<Relationships xmlns="{PKG_RELS_NS}"></Relationships>')
    text = re.sub(r"<Relationships([^>]*)/>", r"<Relationships\1></Relationships>", text)
    entry = f'<Relationship Id="{rel_id}" Type="{kind}" Target="{target}"/>'
    at = text.rindex("</Relationships>")
    return (text[:at] + entry + text[at:]).encode("utf-8")


def content_types_xml(types: dict[str, str]) -> bytes:
    """[Content_Types].xml as python-docx writes it: a Default for rels, xml and each known
    extension, an Override for every other part."""
    from .wordml import esc

    defaults = {"rels": "application/vnd.openxmlformats-package.relationships+xml", "xml": "application/xml"}
    overrides = {}
    for name, kind in types.items():
        ext = name.rsplit(".", 1)[-1]
        if (ext.lower(), kind) in DEFAULT_TYPES:
            defaults[ext] = kind
        else:
            overrides["/" + name] = kind
    entries = [f'<Default Extension="{esc(e)}" ContentType="{esc(k)}"/>' for e, k in sorted(defaults.items())]
    entries += [f'<Override PartName="{esc(p)}" ContentType="{esc(k)}"/>' for p, k in sorted(overrides.items())]
    return (XML_DECLARATION + f'<Types xmlns="{TYPES_NS}">' + "".join(entries) + "</Types>").encode("utf-8")


def core_xml(template: bytes | None, *, author: str, title: str, now: datetime) -> bytes:
    """docProps/core.xml of ``template`` with the properties ``finish_document`` sets, each
    changed in place or appended in python-docx's order."""
    from lxml import etree

    if template:
        root = etree.fromstring(template, _parser())
    else:
        root = etree.Element(f"{{{_PREFIXES['cp']}}}coreProperties", nsmap=_PREFIXES)
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    for prefix, name, value in (("dc", "creator", author), ("cp", "lastModifiedBy", author), ("dc", "title", title),
                                ("dcterms", "created", stamp), ("dcterms", "modified", stamp),
                                ("cp", "revision", "1"), ("dc", "language", "zh-CN"), ("dc", "description", "")):
        tag = f"{{{_PREFIXES[prefix]}}}{name}"
        element = root.find(tag)
        if element is None:
            element = etree.SubElement(root, tag, nsmap={prefix: _PREFIXES[prefix]})
        element.text = value[:255]
        if prefix == "dcterms":
            element.set(f"{{{_PREFIXES['xsi']}}}type", "dcterms:W3CDTF")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
