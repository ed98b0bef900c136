"""Styling and page set-up shared by every workbook the tool writes.

Fonts by role (the official names of ``render.fonts``), thin borders, column
widths measured from Chinese text, row heights that fit wrapped text, A4 page
set-up (orientation, fit to one page wide, print titles, margins, a
“第 &P 页 共 &N 页” footer, frozen header rows), number formats, and
``save()``: SUM/SUMIF formulas written with their computed values (``<v>``),
so viewers that do not recalculate still show the totals.
"""
from __future__ import annotations

import io
import re
import zipfile

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, range_boundaries

from .fonts import ROLES
from .xlsx_measure import (CELL_PADDING, DEFAULT_SIZE, LINE_FACTOR, ROW_PADDING, SAFETY, char_units,  # noqa: F401
                           height_for, lines_needed, text_units, width_for)

# role → (font role of render.fonts, default size pt)
FONT_ROLES = {"title": ("title", 18), "label": ("hei", 14), "header": ("hei", 11),
              "body": ("fang", 11), "note": ("fang", 10)}
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
TOP_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)
HIGHLIGHT = PatternFill("solid", fgColor="FFC7CE")  # rows that need attention (light red)
HIGHLIGHT_TEXT = "9C0006"
PERCENT = "0%"
RATIO = "0.0%"
INTEGER = "0"
FOOTER = "第 &P 页 共 &N 页"
PORTRAIT_UNITS = 100  # wider than this (sum of column widths): landscape


def font(role: str, size: float | None = None, **kwargs) -> Font:
    """The font of a role: title (小标宋), label/header (黑体), body/note (仿宋)."""
    key, default = FONT_ROLES[role]
    return Font(name=ROLES[key].official, size=size or default, **kwargs)


def column_width(ws, column: int) -> float:
    width = ws.column_dimensions[get_column_letter(column)].width
    return width if width else 8.43  # Excel's default width


def _merged_spans(ws) -> dict[tuple[int, int], tuple[int, int]]:
    """Top-left cell of each merged range → (columns, rows) it spans; other cells of
    the range map to (0, 0)."""
    spans = {}
    for merged in ws.merged_cells.ranges:
        for row in range(merged.min_row, merged.max_row + 1):
            for col in range(merged.min_col, merged.max_col + 1):
                spans[(row, col)] = (0, 0)
        spans[(merged.min_row, merged.min_col)] = (merged.max_col - merged.min_col + 1,
                                                   merged.max_row - merged.min_row + 1)
    return spans


def fit_rows(ws, first: int = 1, last: int | None = None) -> None:
    """Give every row the height its text needs: wrapped cells are measured against
    their column (or merged columns) width.  A row keeps a larger height it already has
    (a template's space for a signature), never a smaller one that would cut text."""
    spans = _merged_spans(ws)
    last = last or ws.max_row
    for row in ws.iter_rows(min_row=first, max_row=last):
        needed = 0.0
        for cell in row:
            if cell.value is None or cell.value == "":
                continue
            cols, rows = spans.get((cell.row, cell.column), (1, 1))
            if cols == 0 or rows > 1:
                continue  # covered by a merge, or spread over several rows
            size = float(cell.font.sz or DEFAULT_SIZE) if cell.font else DEFAULT_SIZE
            if cell.data_type == "f":
                text = str(formula_values_of(ws, cell) or "")
            else:
                text = cell.value if isinstance(cell.value, str) else _shown(cell)
            if cell.alignment is not None and cell.alignment.wrap_text:
                width = sum(column_width(ws, cell.column + i) for i in range(cols))
                lines = lines_needed(text, width, size)
            else:
                lines = str(text).count("\n") + 1
            needed = max(needed, height_for(lines, size))
        if needed:
            dim = ws.row_dimensions[row[0].row]
            dim.height = max(needed, dim.height or 0)


def _shown(cell) -> str:
    value = cell.value
    if isinstance(value, float) and "%" in (cell.number_format or ""):
        return f"{value * 100:.1f}%"
    return str(value)


def fit_columns(ws, header_row: int, first_row: int, *, size: float = DEFAULT_SIZE, maximum: float = 50,
                minimum: float = 6, skip: set[int] = frozenset()) -> None:
    """Columns wide enough for their header (on up to two lines) and values (up to
    ``maximum``: longer text wraps and ``fit_rows`` grows the row)."""
    for col in range(1, ws.max_column + 1):
        if col in skip:
            continue
        header = ws.cell(row=header_row, column=col).value
        values = [ws.cell(row=r, column=col) for r in range(first_row, min(ws.max_row, first_row + 500) + 1)]
        head_units = text_units(header, size) / (2 if text_units(header, size) > 12 else 1)
        texts = [_shown(c) for c in values if c.value not in (None, "")]
        width = width_for(texts, size, minimum, maximum)
        width = max(width, min(maximum, head_units + CELL_PADDING + 1))
        ws.column_dimensions[get_column_letter(col)].width = width


def page_setup(ws, *, landscape: bool | None = None, title_rows: str | None = None, freeze: str | None = None,
               centered: bool = True) -> None:
    """A4, the orientation (``None``: landscape when the columns are wider than a
    portrait page), one page wide and as many pages tall as needed, print titles,
    margins, a page-number footer and frozen header rows."""
    if landscape is None:
        landscape = total_width(ws) > PORTRAIT_UNITS
    setup = ws.page_setup
    setup.paperSize = ws.PAPERSIZE_A4
    setup.orientation = "landscape" if landscape else "portrait"
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    margins = ws.page_margins
    margins.left = margins.right = 0.59  # 15 mm
    margins.top = 0.79  # 20 mm
    margins.bottom = 0.79
    margins.header = margins.footer = 0.3
    ws.print_options.horizontalCentered = centered
    ws.oddFooter.center.text = FOOTER
    ws.oddFooter.center.size = 10
    if title_rows:
        ws.print_title_rows = title_rows
    if freeze:
        ws.freeze_panes = freeze


def ensure_page_setup(ws) -> None:
    """Complete a template sheet's page set-up without overriding what its author set."""
    setup = ws.page_setup
    if not setup.paperSize:
        setup.paperSize = ws.PAPERSIZE_A4
    if not setup.orientation or setup.orientation == "default":
        setup.orientation = "landscape" if total_width(ws) > PORTRAIT_UNITS else "portrait"
    if not ws.sheet_properties.pageSetUpPr.fitToPage:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        setup.fitToWidth, setup.fitToHeight = 1, 0
    if not ws.oddFooter.center.text:
        ws.oddFooter.center.text = FOOTER
        ws.oddFooter.center.size = 10


def total_width(ws) -> float:
    return sum(column_width(ws, c) for c in range(1, ws.max_column + 1))


def style_range(ws, ref: str, *, role: str = "body", size: float | None = None, alignment=LEFT,
                border: bool = True, **font_kwargs) -> None:
    min_col, min_row, max_col, max_row = range_boundaries(ref)
    for row in ws.iter_rows(min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col):
        for cell in row:
            stamp(cell, role, size, alignment, border, **font_kwargs)


def stamp(cell, role: str = "body", size: float | None = None, alignment=LEFT, border: bool = True,
          **font_kwargs) -> None:
    """Give ``cell`` the font of ``role``, ``alignment`` and (optionally) the thin border.
    openpyxl looks every style up by hashing it; a style used again is copied from the
    workbook's cache instead (a 100-sheet ledger workbook: 8 s → under 1 s)."""
    from copy import copy

    cache = cell.parent.parent.__dict__.setdefault("_sp_styles", {})
    key = (role, size, id(alignment), border, tuple(sorted(font_kwargs.items())))
    if key in cache:
        cell._style = copy(cache[key])
        return
    cell.font = font(role, size, **font_kwargs)
    cell.alignment = alignment
    if border:
        cell.border = BORDER
    cache[key] = copy(cell._style)


# --- formulas with their values --------------------------------------------------------------

_FUNC = re.compile(r"^=\s*(SUM|SUMIF)\((.*)\)\s*$", re.IGNORECASE)


def _range_values(ws, ref: str, seen: set) -> list:
    min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
    return [_value(ws, ws.cell(row=r, column=c), seen)
            for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)]


def _value(ws, cell, seen: set):
    """A cell's value as a viewer shows it, computing SUM/SUMIF formulas."""
    value = cell.value
    if not (isinstance(value, str) and cell.data_type == "f"):
        return value
    key = (ws.title, cell.coordinate)
    if key in seen:
        return None  # circular
    seen = seen | {key}
    match = _FUNC.match(value)
    if not match:
        return None
    args = [a.strip() for a in match.group(2).split(",")]
    numbers = lambda vals: [v for v in vals if isinstance(v, (int, float)) and not isinstance(v, bool)]  # noqa: E731
    if match.group(1).upper() == "SUM":
        return sum(sum(numbers(_range_values(ws, a, seen))) for a in args)
    criteria_range, criteria, sum_range = args if len(args) == 3 else (*args, args[0])
    wanted = _criterion(ws, criteria, seen)
    keys = _range_values(ws, criteria_range, seen)
    values = _range_values(ws, sum_range, seen)
    return sum(numbers([v for k, v in zip(keys, values) if k == wanted or str(k) == str(wanted)]))


def _criterion(ws, text: str, seen: set):
    if text.startswith('"') and text.endswith('"'):
        return text[1:-1]
    if re.fullmatch(r"-?\d+(\.\d+)?", text):
        return float(text) if "." in text else int(text)
    return _value(ws, ws[text.replace("$", "")], seen)


def formula_values_of(ws, cell):
    """The value a SUM/SUMIF formula in ``cell`` computes (``None`` for other formulas)."""
    return _value(ws, cell, set())


def formula_values(workbook) -> dict[str, dict[str, float]]:
    """Sheet title → {cell: computed value} for every SUM/SUMIF formula cell."""
    result: dict[str, dict[str, float]] = {}
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f" and isinstance(cell.value, str):
                    value = _value(ws, cell, set())
                    if value is not None:
                        result.setdefault(ws.title, {})[cell.coordinate] = value
    return result


def save(workbook) -> bytes:
    """The workbook's bytes as Excel itself would write them: each SUM/SUMIF formula's
    value saved next to it, strings in a shared-string table (openpyxl writes them
    inline) and the font properties in styles.xml in the ECMA-376 schema order."""
    values = formula_values(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    return _package(data, values)


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title → the zip path of its worksheet part."""
    from lxml import etree

    book = etree.fromstring(archive.read("xl/workbook.xml"))
    rels = etree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{{{_PKG_REL}}}Relationship")}
    parts = {}
    for sheet in book.iter(f"{{{_MAIN}}}sheet"):
        target = targets[sheet.get(f"{{{_REL}}}id")]
        parts[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return parts


_SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
# CT_Font's children in the order of the schema (openpyxl writes name/charset/family first)
_FONT_ORDER = ("b", "i", "strike", "condense", "extend", "outline", "shadow", "u", "vertAlign", "sz", "color",
               "name", "family", "charset", "scheme")


def _tag(name: str) -> str:
    return f"{{{_MAIN}}}{name}"


def _cached_values(root, cells: dict) -> None:
    """Add ``<v>`` (the computed value) after the ``<f>`` of the given cells."""
    from lxml import etree

    for c in root.iter(_tag("c")):
        value = cells.get(c.get("r"))
        formula = c.find(_tag("f"))
        if value is None or formula is None:
            continue
        for old in c.findall(_tag("v")):
            c.remove(old)
        c.attrib.pop("t", None)  # a number
        v = etree.Element(_tag("v"))
        v.text = repr(float(value)) if isinstance(value, float) and not value.is_integer() else str(int(value))
        formula.addnext(v)


def _share_strings(root, table: dict[bytes, int], items: list) -> None:
    """``<c t="inlineStr"><is>…</is></c>`` → ``<c t="s"><v>index</v></c>``."""
    from lxml import etree

    for c in root.iter(_tag("c")):
        if c.get("t") != "inlineStr":
            continue
        inline = c.find(_tag("is"))
        if inline is None:  # an empty string: an empty (styled) cell
            del c.attrib["t"]
            continue
        key = b"".join(etree.tostring(child) for child in inline)
        if key not in table:
            table[key] = len(items)
            items.append(inline)
        c.remove(inline)
        c.set("t", "s")
        etree.SubElement(c, _tag("v")).text = str(table[key])


def _order_fonts(styles: bytes) -> bytes:
    from lxml import etree

    root = etree.fromstring(styles)
    rank = {_tag(n): i for i, n in enumerate(_FONT_ORDER)}
    for font_el in root.iter(_tag("font")):
        children = sorted(font_el, key=lambda e: rank.get(e.tag, len(rank)))
        for child in children:
            font_el.append(child)  # re-appending moves it to the end, in sorted order
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _shared_parts(archive, items: list, count: int) -> dict[str, bytes]:
    """sharedStrings.xml, and the content type and relationship that point to it."""
    from lxml import etree

    sst = etree.Element(_tag("sst"), nsmap={None: _MAIN}, count=str(count), uniqueCount=str(len(items)))
    for inline in items:
        si = etree.SubElement(sst, _tag("si"))
        si.extend(list(inline))
    types = etree.fromstring(archive.read("[Content_Types].xml"))
    if not any(o.get("PartName") == "/xl/sharedStrings.xml" for o in types):
        etree.SubElement(types, f"{{{_CT}}}Override", PartName="/xl/sharedStrings.xml", ContentType=_SST_TYPE)
    rels = etree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    if not any(r.get("Type") == _SST_REL for r in rels):
        ids = {r.get("Id") for r in rels}
        new_id = next(f"rId{n}" for n in range(len(ids) + 1, len(ids) + 100) if f"rId{n}" not in ids)
        etree.SubElement(rels, f"{{{_PKG_REL}}}Relationship", Type=_SST_REL, Target="sharedStrings.xml", Id=new_id)
    write = lambda el: etree.tostring(el, xml_declaration=True, encoding="UTF-8", standalone=True)  # noqa: E731
    return {"xl/sharedStrings.xml": write(sst), "[Content_Types].xml": write(types),
            "xl/_rels/workbook.xml.rels": write(rels)}


def _package(data: bytes, values: dict[str, dict[str, float]]) -> bytes:
    """Rewrite openpyxl's package: cached formula values, shared strings, font order."""
    from lxml import etree

    source = zipfile.ZipFile(io.BytesIO(data))
    names = set(source.namelist())
    if "xl/sharedStrings.xml" in names:  # a package openpyxl did not write: leave its strings
        return data
    patched: dict[str, bytes] = {}
    table: dict[bytes, int] = {}
    items: list = []
    count = 0
    for title, part in _sheet_parts(source).items():
        root = etree.fromstring(source.read(part))
        _cached_values(root, values.get(title, {}))
        _share_strings(root, table, items)
        count += sum(1 for c in root.iter(_tag("c")) if c.get("t") == "s")
        patched[part] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    if "xl/styles.xml" in names:
        patched["xl/styles.xml"] = _order_fonts(source.read("xl/styles.xml"))
    if items:
        patched.update(_shared_parts(source, items, count))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, patched.pop(info.filename, None) or source.read(info.filename))
        for name, payload in patched.items():  # new parts (sharedStrings.xml)
            target.writestr(name, payload)
    return out.getvalue()
