"""Built-in XLSX templates filled and written directly, without openpyxl (issue 14:
importing openpyxl takes about 0.2 s of a one-school 附件2 run).

``render_builtin(name, context)`` returns the workbook ``render.xlsx.render_xlsx`` writes
for the same template and context — the same cells, values, styles, column widths, row
heights (``xlsx_measure``), merged cells, page set-up, print titles and shared strings —
for a template of the plain form the tool's own builders write with openpyxl
(``tools/make_templates.py``: one sheet, inline strings and numbers, no formulas).  It
returns None for anything else — a user's template, a 合计 row (SUM formulas), text that
would need a quote prefix (starts with = + - @), a value that is neither text nor a
number — and the caller then renders through openpyxl.  ``tests/test_xlsx_direct.py``
reads both writers' files with openpyxl and compares them cell by cell.

A parsed template is kept per file (``user_cache.file_key``); ``SP_DOCS_CACHE=off``
parses it every time.
"""
from __future__ import annotations

import io
import math
import re
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from ..user_cache import FileMemo
from . import templates
from .xlsx_fill import FORMULA_PREFIXES, ILLEGAL_CHARACTERS_RE, ROW_PLACEHOLDER, filled, format_kind, is_total
from .xlsx_measure import DEFAULT_SIZE, height_for, lines_needed

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS = f"{{{MAIN}}}"
DECLARATION = b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
SHEET = "xl/worksheets/sheet1.xml"
# the package openpyxl writes, in its order (sharedStrings.xml is added by render.xlsx_layout.save)
PARTS = ("docProps/app.xml", "docProps/core.xml", "xl/theme/theme1.xml", SHEET, "xl/styles.xml", "_rels/.rels",
         "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml")
SHARED = "xl/sharedStrings.xml"
_SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
# built-in number formats a template may use (openpyxl.styles.numbers.BUILTIN_FORMATS)
BUILTIN_FORMATS = {0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%", 49: "@"}
# CT_Font's children in the order of the schema (as render.xlsx_layout writes them)
FONT_ORDER = ("b", "i", "strike", "condense", "extend", "outline", "shadow", "u", "vertAlign", "sz", "color",
              "name", "family", "charset", "scheme")
MAX_TEXT = 32767  # characters of a cell (openpyxl truncates longer text)
_INVALID_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})


class Declined(Exception):
    """The template or the data needs openpyxl."""


@dataclass
class Styles:
    xml: bytes  # styles.xml as written (font children in schema order)
    sizes: list[float]  # per cell format (xf): its font size
    formats: list[str]  # per xf: its number format
    wraps: list[bool]  # per xf: wrapped text


@dataclass
class Sheet:
    head: str  # the worksheet XML before <sheetData>, "{dimension}" where the dimension goes
    tail: str  # after </sheetData>, without <mergeCells>
    cells: dict[tuple[int, int], tuple]  # (row, column) → (value, xf)
    heights: dict[int, float | None]
    merges: list[tuple[int, int, int, int]]  # min row, min column, max row, max column
    widths: dict[int, float]


@dataclass
class Template:
    parts: dict[str, bytes]
    sheet: Sheet
    styles: Styles


@dataclass
class _Work:
    """A filled sheet: cells [value, xf], row heights and merged ranges."""
    cells: dict[tuple[int, int], list]
    heights: dict[int, float | None]
    merges: list[tuple[int, int, int, int]]
    max_col: int = 0
    strings: dict[str, int] = field(default_factory=dict)  # shared strings → index
    strings_count: int = 0  # cells that use one


_TEMPLATES = FileMemo(8)  # file_key → parsed template (read-only once kept)


def render_builtin(template_name: str, context: dict, *, user_dir: Path | None = None) -> bytes | None:
    """The filled built-in ``xlsx/<template_name>``; None when a user's copy replaces it
    or when the template or the data needs openpyxl (see the module's doc)."""
    path = templates.find("xlsx", template_name, user_dir)
    if not path.resolve().is_relative_to(templates.builtin_dir().resolve()):
        return None
    try:
        template = _template(path)
        work = _fill_sheet(template, context, template_name)
        _fit_rows(work, template)
        return _package(template, work)
    except Declined:
        return None


def _template(path: Path) -> Template:
    return _TEMPLATES.get(path, lambda: parse_template(path.read_bytes()))


def parse_template(data: bytes) -> Template:
    """A template package of the plain form (else ``Declined``)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = {name: archive.read(name) for name in archive.namelist()}
    except (zipfile.BadZipFile, OSError, KeyError) as error:
        raise Declined(str(error)) from error
    if set(parts) != set(PARTS) or parts["xl/workbook.xml"].count(b"<sheet ") != 1:
        raise Declined("not a one-sheet workbook of the plain form")
    try:
        styles = _styles(parts["xl/styles.xml"])
        sheet = _sheet(parts[SHEET].decode("utf-8"), len(styles.sizes))
    except (ElementTree.ParseError, ValueError, IndexError, KeyError, UnicodeDecodeError) as error:
        raise Declined(str(error)) from error
    return Template(parts, sheet, styles)


def _styles(xml: bytes) -> Styles:
    root = ElementTree.fromstring(xml)
    custom = {int(f.get("numFmtId")): f.get("formatCode") for f in root.iterfind(f"{_NS}numFmts/{_NS}numFmt")}
    fonts = []
    for font in root.iterfind(f"{_NS}fonts/{_NS}font"):
        size = font.find(f"{_NS}sz")
        fonts.append(float(size.get("val")) if size is not None and size.get("val") else DEFAULT_SIZE)
    xfs = list(root.iterfind(f"{_NS}cellXfs/{_NS}xf"))
    raw = [ElementTree.tostring(xf) for xf in xfs]
    if not xfs or len(set(raw)) != len(raw):
        raise Declined("repeated cell formats")
    sizes, formats, wraps = [], [], []
    for xf in xfs:
        if xf.get("quotePrefix") not in (None, "0") or xf.get("pivotButton") not in (None, "0"):
            raise Declined("quote prefix")
        number = int(xf.get("numFmtId", "0"))
        if number not in custom and number not in BUILTIN_FORMATS:
            raise Declined(f"number format {number}")
        sizes.append(fonts[int(xf.get("fontId", "0"))])
        formats.append(custom.get(number) or BUILTIN_FORMATS[number])
        alignment = xf.find(f"{_NS}alignment")
        wraps.append(alignment is not None and alignment.get("wrapText") in ("1", "true"))
    return Styles(_ordered_fonts(xml.decode("utf-8")), sizes, formats, wraps)


def _ordered_fonts(xml: str) -> bytes:
    """styles.xml with each font's children in the schema's order."""
    fonts = re.findall(r"<font>(.*?)</font>", xml)
    if len(fonts) != len(set(fonts)):
        raise Declined("repeated fonts")
    rank = {name: i for i, name in enumerate(FONT_ORDER)}

    def order(match: re.Match) -> str:
        children = re.findall(r"<(\w+)(?:\s[^<>]*)?/>", match.group(1))
        pieces = re.findall(r"<\w+(?:\s[^<>]*)?/>", match.group(1))
        if "".join(pieces) != match.group(1):
            raise Declined("font with nested elements")
        ranked = sorted(zip(children, pieces), key=lambda p: rank.get(p[0], len(rank)))
        return "<font>" + "".join(piece for _, piece in ranked) + "</font>"

    body = re.sub(r"<\?xml[^>]*\?>\s*", "", xml)
    return DECLARATION + re.sub(r"<font>(.*?)</font>", order, body).encode("utf-8")


def _sheet(xml: str, xf_count: int) -> Sheet:
    head, rest = xml.split("<sheetData>", 1)
    body, tail = rest.split("</sheetData>", 1)
    head = re.sub(r"<\?xml[^>]*\?>\s*", "", head)
    head, found = re.subn(r'<dimension ref="[^"]*"\s*/>', "{dimension}", head.replace("{", "{{").replace("}", "}}"))
    tail, merged = re.subn(r"^<mergeCells[^>]*>.*?</mergeCells>", "", tail, flags=re.S)
    if found != 1 or "<mergeCells" in tail or not _page_setup_complete(head, tail):
        raise Declined("sheet layout")
    root = ElementTree.fromstring(xml)
    cells, heights = _cells(root.find(f"{_NS}sheetData"), xf_count)
    merges = [_bounds(m.get("ref")) for m in root.iterfind(f"{_NS}mergeCells/{_NS}mergeCell")]
    widths = {}
    for col in root.iterfind(f"{_NS}cols/{_NS}col"):
        for c in range(int(col.get("min")), int(col.get("max")) + 1):
            widths[c] = float(col.get("width") or 0) or 8.43
    used = {c for _, c in cells} | {c for m in merges for c in range(m[1], m[3] + 1)}
    if not cells or not used <= set(widths) or (heights and max(heights) > max(r for r, _ in cells)):
        raise Declined("columns without a width")
    return Sheet(head, tail, cells, heights, merges, widths)


def _page_setup_complete(head: str, tail: str) -> bool:
    """The template sets what ``xlsx_layout.ensure_page_setup`` would complete."""
    setup = re.search(r"<pageSetup\b[^>]*>", tail)
    footer = re.search(r"<oddFooter>([^<]*)</oddFooter>", tail)
    return bool(setup and re.search(r'\bpaperSize="[1-9]', setup.group(0))
                and re.search(r'\borientation="(portrait|landscape)"', setup.group(0))
                and re.search(r'<pageSetUpPr\b[^>]*fitToPage="(1|true)"', head)
                and footer and re.search(r"&amp;C(?!&amp;[LR])\S", footer.group(1)))


def _cells(sheet_data, xf_count: int) -> tuple[dict, dict]:
    cells: dict[tuple[int, int], tuple] = {}
    heights: dict[int, float | None] = {}
    for row in sheet_data:
        if row.tag != f"{_NS}row" or set(row.attrib) - {"r", "ht", "customHeight"}:
            raise Declined("row attributes")
        r = int(row.get("r"))
        heights[r] = float(row.get("ht")) if row.get("ht") else None
        for c in row:
            if c.tag != f"{_NS}c" or set(c.attrib) - {"r", "s", "t"}:
                raise Declined("cell attributes")
            row_number, column = _coordinate(c.get("r"))
            xf = int(c.get("s", "0"))
            if row_number != r or not 0 <= xf < xf_count:
                raise Declined("cell reference")
            cells[(r, column)] = (_value(c), xf)
    return cells, heights


def _value(c):
    kind, children = c.get("t", "n"), list(c)
    if not children:
        return None
    if kind == "inlineStr" and len(children) == 1 and children[0].tag == f"{_NS}is" \
            and [t.tag for t in children[0]] == [f"{_NS}t"] and children[0][0].text:
        return children[0][0].text
    if kind == "n" and len(children) == 1 and children[0].tag == f"{_NS}v" and children[0].text:
        text = children[0].text
        return float(text) if any(ch in text for ch in ".eE") else int(text)
    raise Declined("cell value")


def _coordinate(ref: str) -> tuple[int, int]:
    match = re.fullmatch(r"([A-Z]{1,3})([1-9]\d*)", ref or "")
    if not match:
        raise ValueError(ref)
    column = 0
    for letter in match.group(1):
        column = column * 26 + ord(letter) - 64
    return int(match.group(2)), column


def _bounds(ref: str) -> tuple[int, int, int, int]:
    first, _, last = ref.partition(":")
    (r1, c1), (r2, c2) = _coordinate(first), _coordinate(last or first)
    return r1, c1, r2, c2


def column_letter(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- filling (render.xlsx.render_xlsx, step by step) --------------------------------------------

def _fill_sheet(template: Template, context: dict, template_name: str) -> _Work:
    sheet = template.sheet
    work = _Work({k: list(v) for k, v in sheet.cells.items()}, dict(sheet.heights), list(sheet.merges))
    work.max_col = max(c for _, c in work.cells)
    repeat = next((key[0] for key in sorted(work.cells) if isinstance(work.cells[key][0], str)
                   and "{{" in work.cells[key][0] and ROW_PLACEHOLDER.search(work.cells[key][0])), None)
    if repeat is not None:
        rows = context.get("rows", []) or []
        if any(is_total(item) for item in rows):
            raise Declined("合计 rows become formulas")
        _insert_copies(work, repeat, len(rows) - 1)
        for offset, item in enumerate(rows):
            row_context = {**context, "row": item}
            for column in range(1, work.max_col + 1):
                _fill(work, template, (repeat + offset, column), row_context, template_name)
        if not rows:
            for column in range(1, work.max_col + 1):
                if (repeat, column) in work.cells:
                    work.cells[(repeat, column)][0] = None
    for key in sorted(work.cells):
        _fill(work, template, key, context, template_name)
    return work


def _insert_copies(work: _Work, repeat: int, count: int) -> None:
    """``count`` copies of row ``repeat`` below it; the rows and merges below move down."""
    if count <= 0:
        return
    work.merges = [(r1 + count, c1, r2 + count, c2) if r1 > repeat else (r1, c1, r2, c2)
                   for r1, c1, r2, c2 in work.merges]
    last = max(r for r, _ in work.cells)
    heights = {r: work.heights.get(r) for r in range(repeat + 1, last + 1)}
    work.cells = {((r + count) if r > repeat else r, c): cell for (r, c), cell in work.cells.items()}
    for r, height in heights.items():
        work.heights[r + count] = height
    for offset in range(1, count + 1):
        work.heights[repeat + offset] = work.heights.get(repeat)
        for column in range(1, work.max_col + 1):
            source = work.cells.get((repeat, column))
            if source is not None:
                work.cells[(repeat + offset, column)] = list(source)
    work.heights = {r: h for r, h in work.heights.items() if h is not None}


def _fill(work: _Work, template: Template, key: tuple[int, int], context: dict, template_name: str) -> None:
    cell = work.cells.get(key)
    if cell is None or not isinstance(cell[0], str) or "{{" not in cell[0]:
        return
    kind = format_kind(template.styles.formats[cell[1]])
    changed, value = filled(cell[0], context, template_name, kind)
    if changed:
        cell[0] = _safe(value)


def _safe(value):
    """What ``render.xlsx.set_text_safe`` stores, or ``Declined``."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith(FORMULA_PREFIXES) or len(value) > MAX_TEXT or _INVALID_XML.search(value):
            raise Declined("text openpyxl stores differently")
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise Declined("a value that is neither text nor a number")
    return value


def _fit_rows(work: _Work, template: Template) -> None:
    """``xlsx_layout.fit_rows``: each row the height its wrapped text needs (never less than it has)."""
    styles, widths = template.styles, template.sheet.widths
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    for r1, c1, r2, c2 in work.merges:
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                spans[(r, c)] = (0, 0)
        spans[(r1, c1)] = (c2 - c1 + 1, r2 - r1 + 1)
    needed: dict[int, float] = {}
    for (r, c), (value, xf) in work.cells.items():
        if value is None or value == "":
            continue
        cols, rows = spans.get((r, c), (1, 1))
        if cols == 0 or rows > 1:
            continue
        size = styles.sizes[xf]
        text = value if isinstance(value, str) else _shown(value, styles.formats[xf])
        if styles.wraps[xf]:
            lines = lines_needed(text, sum(widths[c + i] for i in range(cols)), size)
        else:
            lines = str(text).count("\n") + 1
        needed[r] = max(needed.get(r, 0.0), height_for(lines, size))
    for r, height in needed.items():
        if height:
            work.heights[r] = max(height, work.heights.get(r) or 0)


def _shown(value, number_format: str) -> str:
    if isinstance(value, float) and "%" in number_format:
        return f"{value * 100:.1f}%"
    return str(value)


# --- writing ------------------------------------------------------------------------------------

def _package(template: Template, work: _Work) -> bytes:
    sheet_xml = _sheet_xml(template.sheet, work)
    parts = dict(template.parts)
    parts[SHEET] = DECLARATION + sheet_xml.encode("utf-8")
    parts["xl/styles.xml"] = template.styles.xml
    parts["docProps/core.xml"] = _modified_now(parts["docProps/core.xml"])
    names = list(PARTS)
    if work.strings:
        parts[SHARED] = DECLARATION + _shared_strings(work).encode("utf-8")
        parts["[Content_Types].xml"] = _with_shared_type(parts["[Content_Types].xml"])
        parts["xl/_rels/workbook.xml.rels"] = _with_shared_relation(parts["xl/_rels/workbook.xml.rels"])
        names.append(SHARED)
    out = io.BytesIO()
    stamp = time.localtime()[:6]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            archive.writestr(info, parts[name])
    return out.getvalue()


def _sheet_xml(sheet: Sheet, work: _Work) -> str:
    last = max(r for r, _ in work.cells)
    out = [sheet.head.format(dimension=f'<dimension ref="A1:{column_letter(work.max_col)}{last}"/>'),
           "<sheetData>"]
    count = 0
    for r in range(1, max(last, max(work.heights, default=0)) + 1):
        height = work.heights.get(r)
        out.append(f'<row r="{r}" ht="{height:.16g}" customHeight="1">' if height is not None else f'<row r="{r}">')
        for c in range(1, work.max_col + 1):
            cell = work.cells.get((r, c))
            if cell is None or (cell[0] is None and not cell[1]):
                continue
            ref, (value, xf) = f"{column_letter(c)}{r}", cell
            style = f' s="{xf}"' if xf else ""
            if value is None or value == "":
                out.append(f'<c r="{ref}"{style}/>')
            elif isinstance(value, str):
                index = work.strings.setdefault(value, len(work.strings))
                count += 1
                out.append(f'<c r="{ref}"{style} t="s"><v>{index}</v></c>')
            else:
                out.append(f'<c r="{ref}"{style} t="n"><v>{value:.16g}</v></c>')
        out.append("</row>")
    out.append("</sheetData>")
    if work.merges:
        refs = "".join(f'<mergeCell ref="{column_letter(c1)}{r1}:{column_letter(c2)}{r2}"/>'
                       for r1, c1, r2, c2 in work.merges)
        out.append(f'<mergeCells count="{len(work.merges)}">{refs}</mergeCells>')
    work.strings_count = count
    out.append(sheet.tail)
    return "".join(out)


def _shared_strings(work: _Work) -> str:
    items = []
    for text in work.strings:
        space = ' xml:space="preserve"' if text != text.strip() else ""  # as openpyxl's lxml writer
        items.append(f"<si><t{space}>{text.translate(_ESCAPES)}</t></si>")
    return (f'<sst xmlns="{MAIN}" count="{work.strings_count}" uniqueCount="{len(work.strings)}">'
            + "".join(items) + "</sst>")


def _modified_now(core: bytes) -> bytes:
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()).encode()
    updated, found = re.subn(rb"(<dcterms:modified\b[^>]*>)[^<]*(</dcterms:modified>)",
                             lambda m: m.group(1) + now + m.group(2), core)
    if found != 1:
        raise Declined("core properties")
    return updated


def _with_shared_type(types: bytes) -> bytes:
    override = f'<Override PartName="/{SHARED}" ContentType="{_SST_TYPE}"/>'.encode()
    body = re.sub(rb"<\?xml[^>]*\?>\s*", b"", types)
    return DECLARATION + body.replace(b"</Types>", override + b"</Types>")


def _with_shared_relation(rels: bytes) -> bytes:
    ids = set(re.findall(rb'\bId="([^"]+)"', rels))
    new_id = next(f"rId{n}" for n in range(len(ids) + 1, len(ids) + 100) if f"rId{n}".encode() not in ids)
    relation = f'<Relationship Type="{_SST_REL}" Target="sharedStrings.xml" Id="{new_id}"/>'.encode()
    body = re.sub(rb"<\?xml[^>]*\?>\s*", b"", rels)
    return DECLARATION + body.replace(b"</Relationships>", relation + b"</Relationships>")
