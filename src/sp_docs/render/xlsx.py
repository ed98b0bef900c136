"""XLSX templates → XLSX bytes.

A template is an ordinary workbook a user can restyle in Excel/WPS.  Cells may
hold ``{{ field }}`` placeholders (looked up in the view-model, never executed)
and one row per sheet may hold ``{{ row.field }}`` placeholders: that row is
repeated once per item of the sheet's row list, keeping its style.
"""
from __future__ import annotations

import io
import math
import re
from copy import copy
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..errors import TemplateError
from . import templates

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][\w.]*)\s*\}\}")
FORMULA_PREFIXES = ("=", "+", "-", "@")


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


def _lookup(context: dict, dotted: str, template_name: str):
    value = context
    for part in dotted.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, (list, tuple)) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        elif not isinstance(value, dict) and hasattr(value, part) and not part.startswith("_"):
            value = getattr(value, part)
        else:
            raise TemplateError(f"模板 {template_name} 使用了数据中没有的字段：{dotted}")
    return value


def _fill(cell, context: dict, template_name: str) -> None:
    text = cell.value
    if not isinstance(text, str) or "{{" not in text:
        return
    whole = PLACEHOLDER.fullmatch(text.strip())
    if whole:
        value = _lookup(context, whole.group(1), template_name)
        set_text_safe(cell, "" if value is None else value)
        if isinstance(value, str):
            _fit_lines(cell, value)
        return
    result = PLACEHOLDER.sub(lambda m: str(_lookup(context, m.group(1), template_name) or ""), text)
    set_text_safe(cell, result)
    _fit_lines(cell, result)


def _fit_lines(cell, text: str) -> None:
    """A cell filled with several lines gets a row tall enough to show them, each line
    wrapped at the cell's (merged) width: Excel does not grow the row of a merged cell."""
    if "\n" not in text:
        return
    ws = cell.parent
    size = (cell.font.sz if cell.font is not None and cell.font.sz else 11)
    columns = [cell.column_letter]
    for merged in ws.merged_cells.ranges:
        if cell.coordinate in merged:
            columns = [get_column_letter(c) for c in range(merged.min_col, merged.max_col + 1)]
    width = sum(ws.column_dimensions[c].width or 8.43 for c in columns) * 11 / size  # in digit widths
    lines = sum(max(1, math.ceil(sum(2 if ord(ch) > 0x2E7F else 1 for ch in line) / max(width, 1)))
                for line in text.split("\n"))
    needed = round(lines * size * 1.5, 1)
    dimension = cell.parent.row_dimensions[cell.row]
    if dimension.height is None or dimension.height < needed:
        dimension.height = needed


def _repeat_row(ws: Worksheet) -> int | None:
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and "{{" in cell.value and re.search(r"\{\{\s*row\.", cell.value):
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
    unless ``rows_by_sheet`` names a list per sheet title."""
    path = templates.find("xlsx", template_name, user_dir)
    workbook = load_workbook(path)
    for position, ws in enumerate(workbook.worksheets):
        rows = (rows_by_sheet or {}).get(ws.title)
        if rows is None and position == 0:
            rows = context.get("rows", [])
        repeat = _repeat_row(ws)
        if repeat is not None:
            rows = rows or []
            _insert_copies(ws, repeat, len(rows) - 1)
            for offset, item in enumerate(rows):
                row_context = {**context, "row": item}
                for cell in ws[repeat + offset]:
                    _fill(cell, row_context, template_name)
            if not rows:
                for cell in ws[repeat]:
                    cell.value = None
        for row in ws.iter_rows():
            for cell in row:
                _fill(cell, context, template_name)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table_workbook(sheets: list[tuple[str, list[str], list[list]]], *, widths: dict[str, list[int]] | None = None) -> bytes:
    """A plain workbook: one sheet per (title, headers, rows); bold frozen header,
    text through ``set_text_safe``.  For data tables (findings, figures, rankings)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, headers, rows in sheets:
        ws = workbook.create_sheet(re.sub(r"[\[\]:*?/\\]", "_", title)[:31])
        for col, header in enumerate(headers, start=1):
            cell = ws.cell(row=1, column=col)
            set_text_safe(cell, header)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for r, row in enumerate(rows, start=2):
            for col, value in enumerate(row, start=1):
                set_text_safe(ws.cell(row=r, column=col), value)
        given = (widths or {}).get(title)
        for col, header in enumerate(headers, start=1):
            width = given[col - 1] if given and col <= len(given) else None
            if width is None:
                longest = max([len(str(header))] + [len(str(row[col - 1])) for row in rows[:200]
                                                     if col <= len(row) and row[col - 1] is not None])
                width = min(60, max(8, longest * 2 + 2))
            ws.column_dimensions[ws.cell(row=1, column=col).column_letter].width = width
        ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
