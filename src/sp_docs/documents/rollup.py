"""The city roll-up of the units' returned 附件2 汇总表: read each workbook as
this tool writes it and as people edit it by hand (blank rows, re-sorted rows,
a unit name typed slightly differently, extra columns, a second sheet), then
one city table, a list of problems, and the plan comparison.

Every data row read ends up either in the city table or in the problems list
(``RollUp.accounted()`` proves it); notices (e.g. a unit name matched) do not
remove rows."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import SpDocsError
from ..model import Dataset, Track
from ..sources import normalize as norm
from .common import pinyin_key

FIELDS = {"序号": "seq", "姓名": "name", "出生年月": "birth", "双培类别": "track", "类别": "track",
          "完成年度": "year", "备注": "note", "单位": "unit", "所在单位": "unit", "单位名称": "unit"}
UNIT_LINE = re.compile(r"单位(?:名称)?[:：]\s*(.*?)\s*(?:\d{4}\s*年.*)?$")
NOTE_ROW = re.compile(r"^\s*(注|说明|备注)\s*[:：]|^\s*\d\s*[.、．]\s*\S{8,}")


@dataclass
class ReturnRow:
    file: str
    sheet: str
    row: int
    unit: str
    name: str
    birth: str
    track: int | None
    year: int | None
    note: str
    raw: str = ""  # the row as typed, for the problems sheet


@dataclass
class Issue:
    level: str  # 问题 (row not in the city table) / 提示 (notice, row kept)
    file: str
    sheet: str
    row: int | str
    message: str
    content: str = ""
    excluded: bool = False  # the row is listed here instead of the city table


@dataclass
class RollUp:
    rows: list[ReturnRow] = field(default_factory=list)  # city table, ordered
    issues: list[Issue] = field(default_factory=list)
    files_read: int = 0
    files_failed: int = 0
    rows_read: int = 0

    @property
    def excluded(self) -> int:
        return sum(1 for i in self.issues if i.excluded)

    def accounted(self) -> bool:
        return self.rows_read == len(self.rows) + self.excluded

    def summary(self) -> str:
        return (f"读取文件 {self.files_read} 个（无法读取 {self.files_failed} 个），数据行 {self.rows_read} 行 = "
                f"汇总表 {len(self.rows)} 行 + 问题表 {self.excluded} 行"
                + ("，全部对上" if self.accounted() else "，【不一致！】")
                + f"；提示 {sum(1 for i in self.issues if not i.excluded)} 条")


def _key(text: str) -> str:
    return norm.normalize_header(text).replace("“", "").replace("”", "").replace('"', "")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "year") and hasattr(value, "month"):
        return f"{value.year}.{value.month:02d}"
    return norm.clean_text(value)


def _norm_unit(name: str) -> str:
    return re.sub(r"\s", "", norm.to_halfwidth(name)).removeprefix("中共")


class UnitMatcher:
    """Match typed unit names to the unit list (exact, then normalised, then close)."""

    def __init__(self, names: list[str]):
        self.names = names
        self.normalised = {_norm_unit(n): n for n in names}

    def match(self, typed: str) -> tuple[str, bool]:
        """(unit name, whether it differs from what was typed)."""
        if not self.names or typed in self.names:
            return typed, False
        key = _norm_unit(typed)
        if key in self.normalised:
            return self.normalised[key], True
        close = difflib.get_close_matches(key, list(self.normalised), n=1, cutoff=0.75)
        if close:
            return self.normalised[close[0]], True
        contains = [n for k, n in self.normalised.items() if key and (key in k or k in key)]
        if len(contains) == 1:
            return contains[0], True
        return typed, False


def _header(rows: list[tuple]) -> tuple[int, dict[int, str]] | None:
    for index, row in enumerate(rows[:15]):
        mapping = {}
        for col, value in enumerate(row):
            field_name = FIELDS.get(_key(_cell(value)))
            if field_name and field_name not in mapping.values():
                mapping[col] = field_name
        if "name" in mapping.values() and "track" in mapping.values():
            return index, mapping
    return None


def _unit_line(rows: list[tuple], header: int) -> str:
    for row in rows[:header]:
        for value in row:
            text = _cell(value)
            match = UNIT_LINE.search(text) if "单位" in text else None
            if match and match.group(1).strip():
                return match.group(1).strip()
    return ""


def read_return(path: Path, matcher: UnitMatcher, result: RollUp) -> list[ReturnRow]:
    """The data rows of one returned workbook; problems go to ``result.issues``."""
    from openpyxl import load_workbook

    from ..sources.safety import check_xlsx

    file = str(path)
    try:
        check_xlsx(path)
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is reported, not fatal
        message = str(exc) if isinstance(exc, SpDocsError) else f"{type(exc).__name__}: {exc}"
        result.issues.append(Issue("问题", file, "", "", f"文件无法读取：{message}"))
        result.files_failed += 1
        return []
    result.files_read += 1
    found: list[ReturnRow] = []
    data_sheets = 0
    try:
        for ws in wb.worksheets:
            rows = [tuple(r) for r in ws.iter_rows(values_only=True)]
            located = _header(rows)
            if located is None:
                if any(_cell(v) for r in rows for v in r):
                    result.issues.append(Issue("提示", file, ws.title, "", "工作表没有“姓名”“双培类别”表头，未读取"))
                continue
            data_sheets += 1
            header, mapping = located
            typed_unit = _unit_line(rows, header)
            unit, changed = matcher.match(typed_unit) if typed_unit else ("", False)
            if changed:
                result.issues.append(Issue("提示", file, ws.title, "", f"单位名称“{typed_unit}”按单位名单识别为“{unit}”"))
            if not unit:
                unit = path.stem
                result.issues.append(Issue("提示", file, ws.title, "", f"没有找到“单位名称”，按文件名记为“{unit}”"))
            extra = [_cell(rows[header][c]) for c in range(len(rows[header]))
                     if c not in mapping and _cell(rows[header][c])]
            if extra:
                result.issues.append(Issue("提示", file, ws.title, header + 1, f"多出的列未读取：{'、'.join(extra)}"))
            for index in range(header + 1, len(rows)):
                values = rows[index]
                cells = {f: _cell(values[c]) if c < len(values) else "" for c, f in mapping.items()}
                texts = [_cell(v) for v in values]
                if not any(texts):
                    continue  # blank row
                first = next(t for t in texts if t)
                if not cells.get("name") and not cells.get("track") and NOTE_ROW.search(first):
                    continue  # the notes under the table
                result.rows_read += 1
                raw = " | ".join(t for t in texts if t)
                row_unit = unit
                if cells.get("unit"):
                    row_unit, row_changed = matcher.match(cells["unit"])
                    if row_changed:
                        result.issues.append(Issue("提示", file, ws.title, index + 1,
                                                   f"单位名称“{cells['unit']}”按单位名单识别为“{row_unit}”"))
                item = ReturnRow(file, ws.title, index + 1, row_unit, norm.clean_text(cells.get("name", "")),
                                 cells.get("birth", ""), None, None, cells.get("note", ""), raw)
                if not item.name:
                    result.issues.append(Issue("问题", file, ws.title, index + 1, "没有姓名", raw, True))
                    continue
                if not cells.get("track"):
                    result.issues.append(Issue("问题", file, ws.title, index + 1, "没有填写“双培”类别", raw, True))
                    continue
                try:
                    item.track = norm.parse_track(cells["track"])
                except Exception:  # noqa: BLE001 - the normaliser's own error type
                    result.issues.append(Issue("问题", file, ws.title, index + 1,
                                               f"“双培”类别应为 1 或 2，填写的是“{cells['track']}”", raw, True))
                    continue
                if cells.get("year"):
                    try:
                        item.year = norm.parse_year(cells["year"])
                    except Exception:  # noqa: BLE001
                        result.issues.append(Issue("提示", file, ws.title, index + 1,
                                                   f"完成年度无法识别：“{cells['year']}”，计划对比中不计入", raw))
                found.append(item)
        if not data_sheets:
            result.issues.append(Issue("问题", file, "", "", "没有找到附件2表格（需要“姓名”和“双培类别”列）"))
    finally:
        wb.close()
    return found


def collect_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files += sorted(f for f in p.rglob("*.xlsx") if not f.name.startswith(("~$", ".")))
        else:
            files.append(p)
    return list(dict.fromkeys(files))


def roll_up(paths: list[Path], units: list[str] | None = None, *, output: Path | None = None) -> RollUp:
    result = RollUp()
    matcher = UnitMatcher(units or [])
    files = [f for f in collect_files(paths) if output is None or f.resolve() != output.resolve()]
    if not files:
        raise SpDocsError("没有找到要汇总的 .xlsx 文件")
    rows: list[ReturnRow] = []
    for f in files:
        rows += read_return(f, matcher, result)
    seen: dict[tuple[str, str], ReturnRow] = {}
    kept = []
    for r in rows:
        key = (r.name, r.birth) if r.birth else (r.name, r.unit)
        if key in seen:
            first = seen[key]
            result.issues.append(Issue(
                "问题", r.file, r.sheet, r.row,
                f"同一人重复上报：已在 {Path(first.file).name} 第{first.row}行（{first.unit}）", r.raw, True))
            continue
        seen[key] = r
        kept.append(r)
    order = {name: i for i, name in enumerate(units or [])}
    kept.sort(key=lambda r: (order.get(r.unit, len(order)), r.unit, r.track or 9, pinyin_key(r.name)))
    result.rows = kept
    return result


def completed_counts(rolled: RollUp) -> dict[tuple[str, int, Track], int]:
    counts: dict[tuple[str, int, Track], int] = {}
    for r in rolled.rows:
        if r.year and r.track:
            key = (r.unit, r.year, Track(r.track))
            counts[key] = counts.get(key, 0) + 1
    return counts


def plan_comparison(data: Dataset, rolled: RollUp):
    from ..rules.plans import plan_vs_actual

    roots = data.roots()
    parent = roots[0].name if len(roots) == 1 else None
    return plan_vs_actual(data, completed=completed_counts(rolled), roll_up_to=parent)
