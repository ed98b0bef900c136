"""Every spreadsheet format an office hands in, read the same way: .xlsx/.xlsm
(openpyxl), old .xls and OpenDocument .ods (python-calamine), and .csv (UTF-8,
UTF-8 with BOM, or GBK) for inputs that hold one table.  The format is told by
the file's content first (a renamed file is read as what it is), then by its
extension, whatever its case.  Each format passes its safety checks before a
parser sees it."""
from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Collection

from ..errors import InputError, Location
from .safety import OLE_MAGIC
from .xlsx_cells import read_sheet_values

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
TABLE_SUFFIXES = WORKBOOK_SUFFIXES + (".csv",)
CSV_ENCODINGS = ("utf-8-sig", "gbk", "gb18030")
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"


def kind_of(path: Path) -> str:
    """``xlsx``, ``xls``, ``ods``, ``csv``, ``yaml`` or ``""`` (not a table file)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(80)
    except OSError:
        head = b""
    if head.startswith(OLE_MAGIC):
        return "xls"
    if head.startswith(b"PK\x03\x04"):
        if ODS_MIME in head or path.suffix.lower() == ".ods":
            return "ods"
        return "xlsx"
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return "csv"
    if suffix in (".yaml", ".yml"):
        return "yaml"
    if suffix in WORKBOOK_SUFFIXES:
        return suffix[1:].replace("xlsm", "xlsx")
    return ""


def check_file(path: Path) -> list[str]:
    """The safety checks for the file's format; warnings returned, ``InputError`` raised."""
    from .safety import check_ods, check_xls, check_xlsx

    where = Location(str(path))
    if not path.exists():
        raise InputError(f"找不到文件：{path}", where)
    if path.is_dir():
        raise InputError(f"这是一个文件夹，不是工作簿：{path}", where)
    if path.stat().st_size == 0:
        raise InputError("文件是空的（0 字节），请重新保存或重新下载", where)
    from ..output import protect_input

    protect_input(path)
    kind = kind_of(path)
    if kind == "xls":
        return check_xls(path)
    if kind == "ods":
        return check_ods(path)
    if kind == "csv":
        return []
    return check_xlsx(path)


def read_sheets(path: Path, prefer: Collection[str] = ()) -> tuple[dict[str, list[tuple]], list[str]]:
    """Each sheet's rows of cell values (a CSV file is one sheet named after the file),
    after the format's safety checks, and the checks' warnings.  Empty cells are
    ``None``; dates are datetimes.  When a sheet is titled as one of ``prefer``,
    only such sheets are read."""
    try:
        return _read_sheets(path, prefer)
    except OSError as exc:  # no permission, a disk or network share failing…
        from ..fsfaults import fault

        raise fault(exc, path, writing=False) from None


def _read_sheets(path: Path, prefer: Collection[str]) -> tuple[dict[str, list[tuple]], list[str]]:
    warnings = check_file(path)
    kind = kind_of(path)
    if kind in ("csv", "xls", "ods"):
        from .. import limits

        sheets = {path.stem: read_csv_rows(path)} if kind == "csv" else _read_calamine(path, kind, prefer)
        limits.check_table_size(sheets, path)
        return sheets, warnings
    if kind == "yaml":
        raise InputError("这里需要工作簿（.xlsx/.xls/.ods）或 CSV 文件，不是 YAML", Location(str(path)))
    return read_sheet_values(path, prefer), warnings


def _read_calamine(path: Path, kind: str, prefer: Collection[str] = ()) -> dict[str, list[tuple]]:
    from python_calamine import CalamineWorkbook

    try:
        with open(path, "rb") as handle:
            workbook = CalamineWorkbook.from_filelike(io.BytesIO(handle.read()))
        sheets = {}
        names = [n for n in workbook.sheet_names if n.strip() in prefer] or workbook.sheet_names
        for name in names:
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            sheets[name] = [tuple(_calamine_value(v) for v in row) for row in rows]
    except Exception as exc:  # noqa: BLE001 - calamine raises its own error kinds for broken files
        if kind == "xls":
            message = ("旧版 .xls 工作簿无法读取（可能设置了打开密码，或文件已损坏）："
                       "请在 Excel/WPS 中打开，取消密码后另存为 .xlsx")
        else:
            message = "ODS 工作簿无法读取（文件可能已损坏），请在 WPS/LibreOffice 中打开后另存为 .xlsx"
        raise InputError(f"{message}（{type(exc).__name__}：{str(exc)[:120]}）", Location(str(path))) from None
    return sheets


def _calamine_value(value):
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def read_csv_rows(path: Path) -> list[tuple]:
    """The rows of a CSV file saved by Excel/WPS or a survey platform: UTF-8 (with or
    without BOM) or GBK; comma, tab or semicolon separated.  Blank cells are ``None``."""
    where = Location(str(path))
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"无法读取文件：{exc.strerror or exc}", where) from None
    text = None
    for encoding in CSV_ENCODINGS:
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        raise InputError("CSV 文件编码无法识别，请另存为 UTF-8 或 GBK 编码的 CSV，或另存为 .xlsx", where)
    if "\x00" in text:
        raise InputError("这不是文本格式的 CSV 文件（可能是改了扩展名的其他文件），请另存为 .xlsx 或 CSV", where)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;，")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = list(csv.reader(io.StringIO(text), dialect))
    except csv.Error as exc:
        raise InputError(f"CSV 文件格式有误：{exc}", where) from None
    return [tuple(c if c.strip() else None for c in row) for row in rows]
