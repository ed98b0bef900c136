"""The cell values of an .xlsx workbook as a user sees them (saved formula results).

Read by the direct reader ``xlsx_fast`` (zipfile + expat); a workbook it does
not read exactly as openpyxl would (``Unsupported``: array formulas, odd cell
references, other namespaces …) or cannot read at all is read with openpyxl,
which also gives the Chinese reason a broken workbook cannot be opened.
``SP_DOCS_XLSX_READER=openpyxl`` always uses openpyxl.  Used by
``workbooks.read_sheets`` (every workbook format) and re-exported from ``tables``.
"""
from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Collection

from .. import limits
from ..errors import InputError, Location
from .xlsx_fast import read_values
from .xlsx_fast_values import UnsavedFormula

__all__ = ["UnsavedFormula", "read_sheet_values", "read_sheet_values_openpyxl"]


def read_sheet_values(path: Path, prefer: Collection[str] = ()) -> dict[str, list[tuple]]:
    """Each sheet's rows of cell values, as a user sees them: a formula gives the
    result Excel saved with it, or ``UnsavedFormula`` when there is none.
    When a sheet is titled as one of ``prefer``, only such sheets are read."""
    if os.environ.get("SP_DOCS_XLSX_READER", "").strip().lower() != "openpyxl":
        try:
            return read_values(path, prefer, _progress_for(path), PROGRESS_EVERY)
        except Exception:  # noqa: BLE001 - Unsupported or broken: openpyxl reads it or names the problem
            pass
    return read_sheet_values_openpyxl(path, prefer)


def _progress_for(path: Path):
    def report(title: str, filled: int) -> None:
        limits.report_progress(f"正在读取 {Path(path).name} 工作表“{title}”：已读 {filled:,} 行…")

    return report


def read_sheet_values_openpyxl(path: Path, prefer: Collection[str] = ()) -> dict[str, list[tuple]]:
    """``read_sheet_values`` by openpyxl (read-only).  The workbook is read a second
    time (for saved results) only when it has formulas."""
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
                _progress_for(path)(ws.title, filled)
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
