"""The list of people to receive a certificate: the 表彰 sheet of a workbook, or
any XLSX / CSV / YAML with at least 姓名, 所在单位, 荣誉称号 columns.

Unlike ``load_dataset`` a bad row does not stop the batch: every row comes back
with its own problems so the caller can render the good rows and report the rest.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, Location, Problem, Problems
from ..model import Award
from .rows import parse_rows
from .schema import AWARDS
from .tables import RawTable


@dataclass
class AwardRow:
    """One row of the list: the award when the row is usable, else its errors."""

    row: int
    location: Location
    award: Award | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.award is not None and not any(p.is_error for p in self.problems)

    def label(self) -> str:
        name = self.award.name if self.award else ""
        return f"{self.location.describe()}{('（' + name + '）') if name else ''}"


@dataclass
class AwardList:
    source: str
    rows: list[AwardRow]
    problems: Problems  # file-level problems (warnings about columns …)

    @property
    def good(self) -> list[AwardRow]:
        return [r for r in self.rows if r.ok]

    @property
    def bad(self) -> list[AwardRow]:
        return [r for r in self.rows if not r.ok]


def _required_headers() -> set[str]:
    from .normalize import normalize_header

    return {normalize_header(c.header) for c in AWARDS.columns}


def _pick_table(tables: list[RawTable], path: Path) -> RawTable:
    """The 表彰 sheet, else the first sheet with 姓名/所在单位/荣誉称号."""
    from .normalize import normalize_header

    required = [c for c in AWARDS.columns if c.required]
    for table in tables:
        if table.name.strip() in (AWARDS.name, *AWARDS.aliases):
            return table

    def missing(table: RawTable) -> list:
        found = {normalize_header(h) for h in table.headers if h}
        return [c for c in required if not {normalize_header(n) for n in (c.header, *c.aliases)} & found]

    for table in tables:
        if not missing(table):
            return table
    closest = min(tables, key=lambda t: len(missing(t)), default=None)
    hints = ""
    if closest is not None:
        from .rows import closest_column

        named = {normalize_header(n) for c in AWARDS.columns for n in (c.header, *c.aliases)}
        unknown = [h for h in closest.headers if h and normalize_header(h) not in named]
        guesses = [f"“{h}”是不是“{g}”" for h in unknown
                   if (g := closest_column(h, missing(closest)))]
        hints = (f"；工作表“{closest.name}”缺少：{'、'.join(c.header for c in missing(closest))}"
                 + (f"（{'；'.join(guesses)}？如是，请把表头改为后者）" if guesses else ""))
    raise InputError("找不到表彰名单：需要名为“表彰”的工作表，或包含“姓名”“所在单位”“荣誉称号”列的表"
                     f"（也认“获奖人”“工作单位”“称号”等常见写法）{hints}", Location(str(path)))


def read_csv_table(path: Path) -> RawTable:
    from .workbooks import read_csv_rows

    rows = read_csv_rows(path)
    header_index = next((i for i, r in enumerate(rows[:10]) if any(c for c in r)), None)
    if header_index is None:
        raise InputError("CSV 文件是空的", Location(str(path)))
    headers = [(c or "").strip() for c in rows[header_index]]
    table = RawTable(path.stem, header_index + 1, headers)
    for index in range(header_index + 1, len(rows)):
        if any(c is not None for c in rows[index]):
            table.rows.append((index + 1, list(rows[index])))
    return table


def read_award_list(path: Path | str) -> AwardList:
    """Read the list; raises ``InputError`` only when the file as a whole is unusable."""
    from .tables import read_xlsx_tables, read_yaml_tables

    path = Path(path)
    where = Location(str(path))
    if not path.is_file():
        raise InputError(f"找不到文件：{path}", where)
    problems = Problems()
    from .workbooks import kind_of

    kind = kind_of(path)
    if kind in ("xlsx", "xls", "ods"):
        # formula cells without values etc. are row problems, sorted out below
        tables = read_xlsx_tables(path, problems, {AWARDS.name: _required_headers()},
                                  prefer=(AWARDS.name, *AWARDS.aliases))  # a data workbook: its 表彰 sheet only
        table = _pick_table(tables, path)
    elif kind == "csv":
        table = read_csv_table(path)
    elif kind == "yaml":
        table = _pick_table(read_yaml_tables(path), path)
    else:
        raise InputError("不支持的名单文件类型，应为 .xlsx、.xls、.ods、.csv 或 .yaml", where)

    cell_problems = Problems()
    parsed = parse_rows(table, AWARDS, str(path), cell_problems)
    # parse_rows reports missing columns as a row-less error: the file is unusable
    header_errors = [p for p in cell_problems.errors if p.location.row in (None, table.header_row or None)]
    if not parsed and header_errors:
        raise InputError(Problems(header_errors + problems.errors))
    by_row: dict[int, list[Problem]] = {}
    for problem in list(problems) + list(cell_problems):
        if problem.location.row is not None and problem.location.row != (table.header_row or None):
            by_row.setdefault(problem.location.row, []).append(problem)
        else:
            if problem not in problems.items:
                problems.items.append(problem)
    rows = []
    for item in parsed:
        values = item.values
        row_problems = by_row.get(item.row, [])
        award = None
        if item.ok and values.get("name") and values.get("unit") and values.get("title"):
            award = Award(name=values["name"], unit=values["unit"], title=values["title"],
                          issuer=values.get("issuer") or "", issued_on=values.get("issued_on"),
                          year=values.get("year"), cert_no=values.get("cert_no") or "",
                          origin=item.location)
        rows.append(AwardRow(item.row, item.location, award, row_problems))
    # file-level problems that are row problems stay with their rows only
    problems.items = [p for p in problems.items if p.location.row is None
                      or p.location.row == (table.header_row or None)]
    return AwardList(str(path), rows, problems)
