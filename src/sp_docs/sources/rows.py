"""Typed records out of raw tables: headers matched to the schema, every cell
normalised, every failure recorded with its location."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..errors import Location, Problems
from . import normalize as norm
from .schema import Column, Sheet
from .headers import SEQ_HEADERS, is_footer
from .tables import RawTable

def _date_or_month(value):
    """A full date; a year and month alone (“2005.7”, “2024年4月”) is a ``MonthDate``:
    the first of that month for checks and order, printed as the month it is."""
    try:
        return norm.parse_date(value)
    except norm.NormalizeError as exc:
        try:
            return norm.month_date(norm.parse_year_month(value))  # printed as a month everywhere
        except norm.NormalizeError:
            raise exc from None


# kinds whose normaliser takes a cell value and returns the typed value
_PARSERS = {
    "text": lambda v: norm.clean_text(v),
    "multiline": lambda v: norm.clean_text(v, multiline=True),
    "name": norm.clean_name,
    "int": norm.parse_int,
    "bool": norm.parse_bool,
    "year": norm.parse_year,
    "year_month": norm.parse_year_month,
    "date": _date_or_month,
    "id_number": norm.parse_id_number,
    "political_status": norm.parse_political_status,
    "track": norm.parse_track,
}


@dataclass
class ParsedRow:
    row: int
    values: dict
    location: Location  # row-level; .at(header) for a cell
    headers: dict[str, str]  # field → header as the user typed it
    ok: bool

    def cell(self, field: str) -> Location:
        return self.location.at(self.headers.get(field, field))


def match_columns(table: RawTable, sheet: Sheet, file: str, problems: Problems) -> dict[int, Column] | None:
    """Map table column positions to schema columns; report missing/duplicate/unknown."""
    wanted: dict[str, Column] = {}
    for column in sheet.columns:
        wanted[norm.normalize_header(column.header)] = column
        for alias in column.aliases:
            wanted[norm.normalize_header(alias)] = column
    found: dict[int, Column] = {}
    seen: dict[str, int] = {}
    unknown: list[str] = []
    header_loc = Location(file, table.name, table.header_row or None)
    for index, header in enumerate(table.headers):
        if not header:
            continue
        column = wanted.get(norm.normalize_header(header))
        if column is None:
            if norm.normalize_header(header).lower() not in SEQ_HEADERS:  # 序号 is expected, not read
                unknown.append(header)
            continue
        if column.field in seen:
            problems.error(f"表头“{column.header}”出现了两次", header_loc.at(header), header,
                           "请删除或改名其中一列")
            continue
        seen[column.field] = index
        found[index] = column
    absent = [c for c in sheet.columns if c.field not in seen]
    guesses = {header: closest_column(header, absent) for header in unknown}
    for header in unknown:
        guess = guesses[header]
        hint = f"是不是“{guess}”？如是，请把表头改为“{guess}”" if guess else "列名应与空白模板一致"
        problems.warning(f"未识别的列“{header}”，其内容不参与生成（原文件不会被修改）", header_loc.at(header),
                         expected=hint)
    missing = [c.header for c in sheet.columns if c.required and c.field not in seen]
    if missing:
        typos = [f"“{h}”可能就是“{g}”" for h, g in guesses.items() if g in missing]
        expected = f"表头应包括：{'、'.join(c.header for c in sheet.columns)}"
        if typos:
            expected = f"{'；'.join(typos)}，请改正表头；{expected}"
        problems.error(f"缺少必填列：{'、'.join(missing)}（本表数据暂未读取）", header_loc, expected=expected)
        return None
    return found


def closest_column(header: str, columns: list[Column]) -> str:
    """The header of the column whose name or a common way of writing it
    (aliases: 获奖者 ~ 获奖人 → 姓名) is closest to ``header``, or ``""``."""
    import difflib

    names = {norm.normalize_header(n): c.header for c in columns for n in (c.header, *c.aliases)}
    close = difflib.get_close_matches(norm.normalize_header(header), list(names), n=1, cutoff=0.5)
    return names[close[0]] if close else ""


def parse_rows(table: RawTable, sheet: Sheet, file: str, problems: Problems) -> list[ParsedRow]:
    columns = match_columns(table, sheet, file, problems)
    if columns is None:
        return []
    headers = {column.field: table.headers[index] for index, column in columns.items()}
    table = _without_footers(table, file, problems)
    _warn_headerless(table, file, problems)
    _warn_duplicates(table, sheet, columns, file, problems)
    limit = cell_limit()
    parsed = []
    fields = [c.field for c in sheet.columns]
    for row_number, cells in table.rows:
        location = Location(file, table.name, row_number)
        values: dict = dict.fromkeys(fields)
        ok = True
        for index, column in columns.items():
            raw = cells[index] if index < len(cells) else None
            if raw is None or (isinstance(raw, str) and _blank_text(raw)):
                if column.required:
                    problems.error("必填项为空", location.at(table.headers[index]),
                                   expected=column.hint or f"请填写{column.header}")
                    ok = False
                continue
            try:
                value = _parse(column, raw)
            except norm.NormalizeError as exc:
                problems.error(f"{column.header}无法识别", location.at(table.headers[index]), _typed(raw), str(exc))
                ok = ok and not column.required
                continue
            _check_value(column, value, location, table.headers[index], limit, problems)
            values[column.field] = value
        parsed.append(ParsedRow(row_number, values, location, headers, ok))
    return parsed


def _blank_text(raw: str) -> bool:
    """``not clean_text(raw)``, without cleaning the common case: printable text with
    a character other than a space (and no ``_x000D_`` escape, which cleans to a blank)."""
    if raw.isprintable() and raw.strip(" ") and "_x" not in raw:
        return False
    return not norm.clean_text(raw)


def _without_footers(table: RawTable, file: str, problems: Problems) -> RawTable:
    """The table without its footer rows (填表人：…, 合计, 备注说明：…), said once."""
    footers = {row for row, cells in table.rows if is_footer(cells)}
    if not footers:
        return table
    problems.warning(f"{_rows_text(sorted(footers))}是表尾（填表人、审核人、合计、说明等），不是数据，未读取",
                     Location(file, table.name), expected="如确是数据，请删去行首的“填表人”“合计”等字样")
    return RawTable(table.name, table.header_row, table.headers,
                    [(row, cells) for row, cells in table.rows if row not in footers], table.row_label)


def _check_value(column: Column, value, row: Location, header: str, limit: int, problems: Problems) -> None:
    if column.kind not in ("text", "multiline", "choice"):
        return
    where = row.at(header)
    if column.kind in ("text", "multiline") and isinstance(value, str) and len(value) > limit:
        problems.warning(f"“{column.header}”有 {len(value)} 个字，超过 {limit} 字：文档会因此多出很多页",
                         where, value[:20],
                         f"请精简；确需这么长时可设置环境变量 {CELL_LIMIT_ENV} 调高上限（现为 {limit}）")
    if column.kind == "choice" and column.choices and value not in column.choices:
        problems.warning(f"{column.header}不在可选范围内", where, value, f"可选：{'、'.join(column.choices)}")


CELL_LIMIT_ENV = "SP_DOCS_CELL_LIMIT"
CELL_LIMIT = 1500  # characters of one text cell before a warning (a page of a table holds a few hundred)
# sheets where a repeated row is not already an error of the cross-checks
DUPLICATE_WARNED = ("records", "awards", "achievements")


def cell_limit() -> int:
    import os

    try:
        return max(1, int(os.environ.get(CELL_LIMIT_ENV, CELL_LIMIT)))
    except ValueError:
        return CELL_LIMIT


def _rows_text(rows: list[int]) -> str:
    shown = "、".join(str(r) for r in rows[:10])
    return f"第{shown}行" + (f"等 {len(rows)} 行" if len(rows) > 10 else "")


def _warn_duplicates(table: RawTable, sheet: Sheet, columns: dict[int, Column], file: str,
                     problems: Problems) -> None:
    """Rows repeated cell for cell (a list pasted twice): one warning per group, rows named."""
    if sheet.key not in DUPLICATE_WARNED:
        return
    groups: dict[tuple, list[int]] = {}
    for row, cells in table.rows:
        key = tuple(norm.clean_text(cells[i]) if i < len(cells) and cells[i] is not None else "" for i in columns)
        if any(key):
            groups.setdefault(key, []).append(row)
    for rows in groups.values():
        if len(rows) > 1:
            problems.warning(f"{_rows_text(rows)}内容完全相同（重复行），每行都会照常使用",
                             Location(file, table.name), expected="如是误复制，请删除多余的行")


def _warn_headerless(table: RawTable, file: str, problems: Problems) -> None:
    """Data in a column without a header (e.g. under a merged header cell) is not read: say so."""
    width = max((len(cells) for _, cells in table.rows), default=0)
    for index in range(width):
        if index < len(table.headers) and table.headers[index]:
            continue
        filled = [row for row, cells in table.rows
                  if index < len(cells) and cells[index] is not None and norm.clean_text(cells[index])]
        if filled:
            problems.warning(f"第{index + 1}列没有表头（可能是合并了表头单元格），该列 {len(filled)} 个单元格的内容未读取",
                             Location(file, table.name, filled[0], f"第{index + 1}列"),
                             expected="请给该列加上表头，或删除该列")


def _parse(column: Column, raw):
    if column.kind == "choice":
        from .variants import canonical

        return canonical(column.field, norm.clean_text(raw), column.choices)
    value = _PARSERS[column.kind](raw)
    if column.kind == "political_status" and not value:
        raise norm.NormalizeError("应为 中共党员、中共预备党员、共青团员、群众 等")
    return value


def _typed(raw) -> str:
    if isinstance(raw, dt.datetime):
        return raw.strftime("%Y-%m-%d")
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)
