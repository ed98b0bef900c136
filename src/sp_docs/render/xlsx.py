"""XLSX templates → XLSX bytes.

A template is an ordinary workbook a user can restyle in Excel/WPS.  Cells may
hold ``{{ field }}`` placeholders (looked up in the view-model, never executed)
and one row per sheet may hold ``{{ row.field }}`` placeholders: that row is
repeated once per item of the sheet's row list, keeping its style.

The template workbook openpyxl reads is kept per file (pickled, ~1 ms to copy where
reading it again takes ~12 ms), keyed by the resolved path, the file's size,
modification and change times and inode; each render fills its own copy.
``SP_DOCS_CACHE=off`` reads the file every time.
"""
from __future__ import annotations

import copyreg
import io
import pickle
import re
import threading
from collections import OrderedDict
from copy import copy
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from . import templates
from . import xlsx_layout as layout
from ..user_cache import enabled, file_key
from .xlsx_fill import (FORMULA_PREFIXES, ILLEGAL_CHARACTERS_RE, PLACEHOLDER, ROW_PLACEHOLDER, filled, format_kind,
                        is_total, typed)


def set_text_safe(cell, value) -> None:
    """Write ``value``; text that looks like a formula stays text."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = value
        if value.startswith(FORMULA_PREFIXES):
            cell.data_type = "s"
            cell.quotePrefix = True
    else:
        cell.value = value


def _fill(cell, context: dict, template_name: str) -> None:
    if not isinstance(cell.value, str) or "{{" not in cell.value:
        return  # most cells: no number format looked up
    changed, value = filled(cell.value, context, template_name, format_kind(cell.number_format))
    if changed:
        set_text_safe(cell, value)


def _row_fields(ws, row: int) -> dict[int, str]:
    """Column → field of the ``{{ row.field }}`` cells of the repeated row."""
    fields = {}
    for cell in ws[row]:
        match = PLACEHOLDER.fullmatch(cell.value.strip()) if isinstance(cell.value, str) else None
        if match and match.group(1).startswith("row."):
            fields[cell.column] = match.group(1)[4:]
    return fields


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _total_formulas(ws, first: int, rows: list, fields: dict[int, str]) -> None:
    """合计 rows (items with ``total``) of a repeated block become formulas: the sum of
    the rows above since the previous 合计 row, or — when the rows carry a ``year``
    column — SUMIF of that year over the block's body.  A formula replaces a value only
    where it computes the same number."""
    year_col = next((c for c, f in fields.items() if f == "year"), None)
    body_end = next((first + i - 1 for i, item in enumerate(rows) if is_total(item)), None)
    previous = first - 1
    for offset, item in enumerate(rows):
        r = first + offset
        if not is_total(item):
            continue
        year = ws.cell(row=r, column=year_col).value if year_col else None
        for col, field in fields.items():
            cell = ws.cell(row=r, column=col)
            if col == year_col or not _number(cell.value):
                continue
            letter = get_column_letter(col)
            if _number(year) and body_end and body_end >= first:
                y = get_column_letter(year_col)
                formula = f"=SUMIF({y}{first}:{y}{body_end},{y}{r},{letter}{first}:{letter}{body_end})"
            elif r - 1 > previous:
                formula = f"=SUM({letter}{previous + 1}:{letter}{r - 1})"
            else:
                continue
            expected, cell.value = cell.value, formula
            if layout.formula_values_of(ws, cell) != expected:
                cell.value = expected
        if not _number(year):
            previous = r


def _repeat_row(ws: Worksheet) -> int | None:
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and "{{" in cell.value and ROW_PLACEHOLDER.search(cell.value):
                return cell.row
    return None


def _insert_copies(ws: Worksheet, row_index: int, count: int) -> None:
    """Insert ``count`` copies of row ``row_index``'s style below it, moving merges."""
    if count <= 0:
        return
    moved = []
    for merged in list(ws.merged_cells.ranges):
        if merged.min_row > row_index:
            moved.append(merged.coord)
            ws.unmerge_cells(merged.coord)
    heights = {r: ws.row_dimensions[r].height for r in range(row_index + 1, ws.max_row + 1)}
    ws.insert_rows(row_index + 1, count)
    for r, height in sorted(heights.items(), reverse=True):
        ws.row_dimensions[r + count].height = height
    template_height = ws.row_dimensions[row_index].height
    for offset in range(1, count + 1):
        target = row_index + offset
        ws.row_dimensions[target].height = template_height
        for source in ws[row_index]:
            cell = ws.cell(row=target, column=source.column)
            cell.value = source.value
            if source.has_style:
                cell._style = copy(source._style)
    from openpyxl.worksheet.cell_range import CellRange
    for coord in moved:
        rng = CellRange(coord)
        rng.shift(row_shift=count)
        ws.merge_cells(rng.coord)


def render_xlsx(template_name: str, context: dict, *, user_dir: Path | None = None,
                rows_by_sheet: dict[str, list] | None = None) -> bytes:
    """Fill ``xlsx/<template_name>``.  The first sheet repeats over ``context['rows']``
    unless ``rows_by_sheet`` names a list per sheet title.  Rows then grow to fit their
    wrapped text, 合计 rows become SUM formulas (saved with their values) and each sheet's
    page set-up is completed (A4, one page wide, page-number footer)."""
    path = templates.find("xlsx", template_name, user_dir)
    if user_dir and not path.resolve().is_relative_to(templates.builtin_dir().resolve()):
        from ..sources.safety import check_xlsx

        check_xlsx(path)  # a user's template: the zip, DTD and row checks of any workbook
    workbook = template_workbook(path)
    for position, ws in enumerate(workbook.worksheets):
        rows = (rows_by_sheet or {}).get(ws.title)
        if rows is None and position == 0:
            rows = context.get("rows", [])
        repeat = _repeat_row(ws)
        if repeat is not None:
            rows = rows or []
            fields = _row_fields(ws, repeat)
            _insert_copies(ws, repeat, len(rows) - 1)
            for offset, item in enumerate(rows):
                row_context = {**context, "row": item}
                for cell in ws[repeat + offset]:
                    _fill(cell, row_context, template_name)
            if not rows:
                for cell in ws[repeat]:
                    cell.value = None
            _total_formulas(ws, repeat, rows, fields)
        for row in ws.iter_rows():
            for cell in row:
                _fill(cell, context, template_name)
        layout.fit_rows(ws)
        layout.ensure_page_setup(ws)
    return layout.save(workbook)


_KEEP = 16
_KEEP_BYTES = 32 * 1024 * 1024
_WORKBOOKS: OrderedDict[tuple, bytes] = OrderedDict()
_LOCK = threading.Lock()




def template_workbook(path: Path):
    """``load_workbook(path)`` — or a copy of the workbook read from the same, unchanged file."""
    if not enabled():
        return load_workbook(path)
    key = file_key(path)
    with _LOCK:
        found = _WORKBOOKS.get(key) if key else None
        if found is not None:
            _WORKBOOKS.move_to_end(key)
    if found is not None:
        return pickle.loads(found)
    workbook = load_workbook(path)
    if key and file_key(path) == key:  # not changed while it was read
        try:
            copy_bytes = _pickled(workbook)
        except Exception:  # noqa: BLE001 - e.g. an embedded object pickle refuses: not kept, read each time
            return workbook
        with _LOCK:
            _WORKBOOKS[key] = copy_bytes
            while len(_WORKBOOKS) > 1 and (len(_WORKBOOKS) > _KEEP or sum(map(len, _WORKBOOKS.values())) > _KEEP_BYTES):
                _WORKBOOKS.popitem(last=False)
    return workbook


def _pickled(workbook) -> bytes:
    """The workbook pickled.  openpyxl's row and column dimension holders are ``defaultdict``
    subclasses whose attributes and factory ``defaultdict.__reduce__`` drops (unpickled,
    ``ws.row_dimensions[n]`` of a new row raises KeyError): they are pickled whole here."""
    from openpyxl.utils.bound_dictionary import BoundDictionary
    from openpyxl.worksheet.dimensions import DimensionHolder

    class Pickler(pickle.Pickler):
        dispatch_table = {**copyreg.dispatch_table, BoundDictionary: _reduce_bound, DimensionHolder: _reduce_bound}

    buffer = io.BytesIO()
    Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(workbook)
    return buffer.getvalue()


def _reduce_bound(holder):
    return (_new_bound, (type(holder),), (holder.default_factory, dict(vars(holder))), None,
            iter(holder.items()), _restore_bound)


def _new_bound(cls):
    return cls.__new__(cls)


def _restore_bound(holder, state) -> None:
    holder.default_factory, attributes = state
    holder.__dict__.update(attributes)


SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


NUMBER_FORMATS = {"int": layout.INTEGER, "percent": layout.PERCENT, "ratio": layout.RATIO}


def table_workbook(sheets: list[tuple[str, list[str], list[list]]], *, widths: dict[str, list[int]] | None = None,
                   kinds: dict[str, dict[str, str]] | None = None,
                   sums: dict[str, dict[str, list[str]]] | None = None) -> bytes:
    """A printable data workbook: one sheet per (title, headers, rows), laid out by
    ``write_table`` (header in row 1)."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, headers, rows in sheets:
        ws = workbook.create_sheet(SHEET_NAME.sub("_", title)[:31])
        write_table(ws, headers, rows, widths=(widths or {}).get(title), kinds=(kinds or {}).get(title),
                    sums=(sums or {}).get(title))
    return layout.save(workbook)


def write_table(ws, headers: list[str], rows: list[list], *, title: str | None = None,
                widths: list[float] | None = None, kinds: dict[str, str] | None = None,
                sums: dict[str, list[str]] | None = None, highlight: set[int] = frozenset(),
                landscape: bool | None = None) -> None:
    """A bordered table on ``ws``: an optional title row, the 黑体 header (repeated on
    every printed page and frozen), the rows (text through ``set_text_safe``).

    ``kinds`` (header → int/percent/ratio) stores digit text as numbers and ratios with
    a % format; ``sums`` (header → the headers it adds up) writes that column as SUM
    formulas (saved with their values) where they equal the given value; ``highlight``
    (row indexes) marks rows red.  Columns get the width of their text (``widths``
    overrides), rows the height of their wrapped text; A4, one page wide."""
    header_row = 1
    if title:
        header_row = 2
        ws.cell(row=1, column=1).value = title
        ws.cell(row=1, column=1).font = layout.font("title", 16)
        ws.cell(row=1, column=1).alignment = layout.CENTER
        if len(headers) > 1:
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    _table_body(ws, header_row, headers, rows, kinds or {}, sums or {}, highlight)
    given = list(widths or [])
    layout.fit_columns(ws, header_row, header_row + 1, maximum=60, skip=set(range(1, len(given) + 1)))
    for col, width in enumerate(given, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    layout.fit_rows(ws)
    layout.page_setup(ws, landscape=landscape, title_rows=f"{header_row}:{header_row}", freeze=f"A{header_row + 1}")


def _table_body(ws, header_row: int, headers: list[str], rows: list[list], kinds: dict[str, str],
                sums: dict[str, list[str]], highlight: set[int]) -> None:
    for col, header in enumerate(headers, start=1):
        cell = ws.cell(row=header_row, column=col)
        set_text_safe(cell, header)
        layout.stamp(cell, "header", alignment=layout.CENTER)
    column_kinds = [kinds.get(h) for h in headers]
    for index, row in enumerate(rows):
        r = header_row + 1 + index
        for col in range(1, len(headers) + 1):
            kind = column_kinds[col - 1]
            value = typed(row[col - 1], kind) if col <= len(row) else None
            cell = ws.cell(row=r, column=col)
            set_text_safe(cell, value)
            numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
            alignment = layout.CENTER if numeric else layout.LEFT
            if index in highlight:
                layout.stamp(cell, alignment=alignment, color=layout.HIGHLIGHT_TEXT)
                cell.fill = layout.HIGHLIGHT
            else:
                layout.stamp(cell, alignment=alignment)
            if numeric and kind in NUMBER_FORMATS:
                cell.number_format = NUMBER_FORMATS[kind]
        for target, sources in sums.items():
            _row_sum(ws, r, headers, target, sources)


def _row_sum(ws, row: int, headers: list[str], target: str, sources: list[str]) -> None:
    """Replace the ``target`` cell by =SUM(sources) when the sum equals its value."""
    cell = ws.cell(row=row, column=headers.index(target) + 1)
    parts = [ws.cell(row=row, column=headers.index(s) + 1) for s in sources]
    if not all(_number(p.value) for p in parts) or not _number(cell.value):
        return
    if abs(sum(p.value for p in parts) - cell.value) > 1e-9:
        return
    first, last = parts[0].coordinate, parts[-1].coordinate
    contiguous = [p.column for p in parts] == list(range(parts[0].column, parts[-1].column + 1))
    cell.value = f"=SUM({first}:{last})" if contiguous else f"=SUM({','.join(p.coordinate for p in parts)})"
