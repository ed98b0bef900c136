"""The cell values of an .xlsx workbook as a user sees them (saved formula results), read with openpyxl.

Used by ``workbooks.read_sheets`` (every workbook format) and re-exported from ``tables``.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Collection

from .. import limits
from ..errors import InputError, Location


@dataclass(frozen=True)
class UnsavedFormula:
    """A formula cell whose workbook holds no calculated result (never opened in Excel)."""

    formula: str

    def __str__(self) -> str:
        return self.formula


def read_sheet_values(path: Path, prefer: Collection[str] = ()) -> dict[str, list[tuple]]:
    """Each sheet's rows of cell values, as a user sees them: a formula gives the
    result Excel saved with it, or ``UnsavedFormula`` when there is none.  The
    workbook is read a second time (for saved results) only when it has formulas.
    When a sheet is titled as one of ``prefer``, only such sheets are read."""
    from openpyxl import load_workbook

    def load(data_only: bool):
        # from bytes: openpyxl refuses a workbook by name when it ends in .xls
        with open(path, "rb") as handle:
            return load_workbook(io.BytesIO(handle.read()), read_only=True, data_only=data_only)

    try:
        workbook = load(data_only=False)
        try:
            chosen = [ws for ws in workbook.worksheets if ws.title.strip() in prefer] or workbook.worksheets
            sheets = {ws.title: _all_rows(ws, path) for ws in chosen}
        finally:
            workbook.close()
        if any(isinstance(v, str) and v.startswith("=") for rows in sheets.values() for row in rows for v in row):
            workbook = load(data_only=True)
            try:
                saved = {ws.title: _all_rows(ws, path) for ws in workbook.worksheets if ws.title in sheets}
            finally:
                workbook.close()
            sheets = {title: [_resolve_formulas(row, saved[title][i] if i < len(saved[title]) else ())
                              for i, row in enumerate(rows)] for title, rows in sheets.items()}
    except InputError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for broken parts
        raise InputError(f"工作簿无法打开（{_reason(exc)}），请在 Excel/WPS 中打开后另存为 .xlsx",
                         Location(str(path))) from None
    return sheets


PROGRESS_EVERY = 20_000


def _all_rows(ws, path: Path) -> list[tuple]:
    """Every row of a read-only sheet, padded to the widest one.  The sheet's
    ``<dimension>`` is not trusted (programs other than Excel often write it
    wrong and openpyxl would stop there); long sheets report progress (rows
    with content; the empty rows of a sparse sheet share one blank tuple)."""
    ws.reset_dimensions()
    rows: list = []
    filled = 0
    for row in ws.iter_rows(values_only=True):
        rows.append(row)
        if row:
            filled += 1
            if filled % PROGRESS_EVERY == 0:
                limits.report_progress(f"正在读取 {Path(path).name} 工作表“{ws.title}”：已读 {filled:,} 行…")
    width = max((len(row) for row in rows), default=0)
    blank = (None,) * width
    return [tuple(row) + (None,) * (width - len(row)) if row else blank for row in rows]


def _reason(exc: Exception) -> str:
    """A Chinese reason for openpyxl's many (English) failures."""
    text = str(exc).lower()
    if "entit" in text or "dtd" in text or "forbidden" in text:
        return "含有 DTD/实体声明，为安全起见已拒绝读取"
    if isinstance(exc, KeyError) or "no item named" in text:
        return "缺少工作簿必需的部件"
    if isinstance(exc, MemoryError):
        return "内容过大，内存不足"
    if type(exc).__name__ in ("XMLSyntaxError", "ParseError", "ExpatError") or "xml" in text:
        return "内部的 XML 内容损坏"
    return "文件结构不符合 xlsx 格式，可能已损坏"


def _resolve_formulas(row: tuple, saved: tuple) -> tuple:
    def value(col: int, cell):
        if isinstance(cell, str) and cell.startswith("="):
            result = saved[col] if col < len(saved) else None
            return UnsavedFormula(cell) if result is None else result
        return cell

    return tuple(value(col, cell) for col, cell in enumerate(row))
