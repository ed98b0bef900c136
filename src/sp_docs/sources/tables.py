"""Raw tables out of a workbook or a YAML file: sheet name, header cells and
rows of cell values with their row numbers.  No interpretation yet."""
from __future__ import annotations

import datetime as dt
import reprlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Collection


from .. import limits
from ..errors import InputError, Location, Problems
from .xlsx_cells import UnsavedFormula, read_sheet_values  # noqa: F401  (re-exported)


@dataclass
class RawTable:
    name: str
    header_row: int
    headers: list[str]
    rows: list[tuple[int, list]] = field(default_factory=list)
    row_label: str = "行"  # YAML entries are numbered 条


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_xlsx_tables(path: Path, problems: Problems, expected_headers: dict[str, set[str]],
                     prefer: Collection[str] = ()) -> list[RawTable]:
    """Every non-empty sheet of the workbook (only the sheets titled as one of
    ``prefer`` when there are such).  ``expected_headers`` (normalised headers per
    sheet) helps find the header row under a title row."""
    from .headers import two_row_header
    from .normalize import normalize_header
    from .workbooks import read_sheets

    sheets, warnings = read_sheets(path, prefer)
    for warning in warnings:
        problems.warning(warning, Location(str(path)))
    tables = []
    for title, rows in sheets.items():
        wanted = expected_headers.get(title.strip(), set())
        header_index = _find_header_row(rows, wanted, normalize_header)
        if header_index is None:
            continue
        headers = ["" if v is None else str(v).strip() for v in rows[header_index]]
        first_data = header_index + 1
        merged = two_row_header(rows, header_index, wanted, normalize_header)
        if merged is not None:  # 培养人 over 姓名 | 职务 → 培养人, 培养人职务
            headers, first_data = merged
        table = RawTable(title, header_index + 1, headers)
        for index in range(first_data, len(rows)):
            cells = []
            for col, value in enumerate(rows[index]):
                if isinstance(value, UnsavedFormula):
                    header = headers[col] if col < len(headers) else f"第{col + 1}列"
                    problems.error("单元格是公式且没有保存计算结果", Location(str(path), title, index + 1, header),
                                   value.formula, "请在 Excel/WPS 中打开并保存，或把公式“粘贴为数值”")
                    value = None
                elif isinstance(value, str) and "_x" in value:
                    from openpyxl.utils.escape import unescape as xml_unescape  # rare: imported when needed

                    value = xml_unescape(value)  # Excel's _xHHHH_ escapes (ST_Xstring)
                cells.append(value)
            if all(_is_blank(v) for v in cells):
                continue
            table.rows.append((index + 1, cells))
        tables.append(table)
    return tables


def _find_header_row(rows: list[tuple], wanted: set[str], normalize) -> int | None:
    """The header is the row (among the first ten) matching most expected headers,
    or for an unknown sheet the first non-empty row."""
    best, best_score = None, 0
    for index, row in enumerate(rows[:10]):
        names = {normalize(str(v)) for v in row if not _is_blank(v)}
        score = len(names & wanted) if wanted else (1 if names else 0)
        if score > best_score:
            best, best_score = index, score
        if not wanted and score:
            break
    return best


def read_yaml_tables(path: Path) -> list[RawTable]:
    import yaml  # only YAML input needs it (cold start of a workbook run, issue 14)

    where = Location(str(path))
    if not path.exists():
        raise InputError(f"找不到文件：{path}", where)
    from ..output import protect_input

    protect_input(path)
    try:
        text = limits.read_yaml_text(path, "utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("YAML 文件不是 UTF-8 编码，请用 UTF-8 保存", where) from None
    try:
        data = limits.load_yaml(text, path)
    except yaml.YAMLError as exc:
        raise InputError(f"YAML 语法错误：{exc}", where) from None
    if data is None:
        raise InputError("YAML 文件是空的", where)
    if not isinstance(data, dict):
        raise InputError("YAML 顶层应为“工作表名: 列表”的映射，如 教师: [...]", where)
    tables = []
    for sheet, entries in data.items():
        sheet = str(sheet)
        if entries is None:
            entries = []
        if not isinstance(entries, list):
            raise InputError(f"“{sheet}”下应为列表（每条以 - 开头）", Location(str(path), sheet))
        headers: list[str] = []
        for entry in entries:
            if isinstance(entry, dict):
                for key in entry:
                    if str(key) not in headers:
                        headers.append(str(key))
        table = RawTable(sheet, 0, headers, row_label="条")
        for number, entry in enumerate(entries, start=1):
            if not isinstance(entry, dict):
                found = Problems()
                found.error(f"第{number}条应为“列名: 值”的映射", Location(str(path), sheet, number),
                            _SHORT.repr(entry), "每条写成“列名: 值”，如 - 姓名: 张三")
                raise InputError(found)
            cells = [_yaml_value(entry.get(h)) for h in headers]
            table.rows.append((number, cells))
        tables.append(table)
    return tables


# bounded text of a nested YAML value (an alias "billion laughs" must not expand)
_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxlist, _SHORT.maxdict, _SHORT.maxstring, _SHORT.maxother = 2, 6, 4, 60, 60


def _yaml_value(value):
    if isinstance(value, (dict, list)):
        return _SHORT.repr(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value
