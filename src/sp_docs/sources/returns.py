"""Reading the units' returned 附件2 汇总表 for the city roll-up: each workbook as
this tool writes it and as people edit it by hand (blank rows, re-sorted rows, a
unit name typed slightly differently, extra columns, a second sheet).  Every data
row read is returned or listed as an issue (``RollUp.accounted()`` proves it);
``documents/rollup.py`` makes the city table from the rows."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, SpDocsError
from ..tables import ANNEX2
from . import normalize as norm

# header → field: the 附件2 table's own headers (sp_docs.tables.ANNEX2), and the other
# names units give the same columns
FIELD_ALIASES = {"类别": "track", "单位": "unit", "所在单位": "unit", "单位名称": "unit"}
UNIT_LINE = re.compile(r"单位(?:名称)?[:：]\s*(.*?)\s*(?:\d{4}\s*年.*)?$")
DATE_LINE = re.compile(r"((?:19|20)\d{2})\s*年")
NOTE_ROW = re.compile(r"^\s*(注|说明|备注)\s*[:：]|^\s*\d\s*[.、．]\s*\S{8,}")
# sheets of the programme's data workbook (sp-docs init): such a file is input, not a return
DATA_SHEETS = {"单位", "教师", "双培对象", "培养记录", "三年计划"}


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
    reporter: str = ""  # the unit whose return this is (the sheet's 单位名称)


@dataclass
class Issue:
    level: str  # 问题 (row not in the city table) / 提示 (notice, row kept)
    file: str
    sheet: str
    row: int | str
    message: str
    content: str = ""
    excluded: bool = False  # the row is listed here instead of the city table
    counted: str = ""  # 是否计入汇总表 for issues about a whole file or sheet

    @property
    def counted_text(self) -> str:
        if self.counted:
            return self.counted
        return "否" if self.excluded else "是"


@dataclass
class RollUp:
    rows: list[ReturnRow] = field(default_factory=list)  # city table, ordered
    issues: list[Issue] = field(default_factory=list)
    files_read: int = 0
    files_failed: int = 0
    files_rejected: int = 0  # readable workbooks that are not a 附件2 return
    rows_read: int = 0
    reported: set[tuple[str, int]] = field(default_factory=set)  # (unit, year) some return covers

    @property
    def excluded(self) -> int:
        return sum(1 for i in self.issues if i.excluded)

    def accounted(self) -> bool:
        return self.rows_read == len(self.rows) + self.excluded

    @property
    def files_skipped(self) -> int:
        """Files given (or found in a folder) whose rows are not in the city table."""
        return self.files_failed + self.files_rejected

    def add_issue(self, *args, **kwargs) -> None:
        self.issues.append(Issue(*args, **kwargs))

    def summary(self) -> str:
        if not self.accounted():
            verdict = "，【不一致！】"
        elif self.files_skipped:
            verdict = f"，【有 {self.files_skipped} 个文件未读取，汇总不完整，见问题表】"
        else:
            verdict = "，全部对上"
        return (f"读取文件 {self.files_read} 个（无法读取 {self.files_failed} 个，不是附件2 {self.files_rejected} 个），"
                f"数据行 {self.rows_read} 行 = 汇总表 {len(self.rows)} 行 + 问题表 {self.excluded} 行"
                + verdict
                + f"；提示 {sum(1 for i in self.issues if not i.excluded and i.level == '提示')} 条")


def _key(text: str) -> str:
    return norm.normalize_header(text).replace("“", "").replace("”", "").replace('"', "")


FIELDS = {**{_key(c.header): c.field for c in ANNEX2.columns}, **FIELD_ALIASES}


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


_NUMERALS = str.maketrans("0123456789", "〇一二三四五六七八九")


def _numerals(name: str) -> str:
    """The numbers in a unit name (第一中学 → 一, 单位01 → 〇一; 1 and 一 alike): two names that
    differ only there are two units (第一中学 / 第二中学), never a misspelling of one another."""
    return "".join(ch for ch in name.translate(_NUMERALS) if ch in "〇零一二三四五六七八九十百")


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
        alike = [k for k in self.normalised if _numerals(k) == _numerals(key)]
        close = difflib.get_close_matches(key, alike, n=1, cutoff=0.75)
        if close:
            return self.normalised[close[0]], True
        contains = [self.normalised[k] for k in alike if key and (key in k or k in key)]
        if len(contains) == 1:
            return contains[0], True
        return typed, False

    def exact(self, typed: str) -> str | None:
        """The unit when ``typed`` is its name (up to spaces, full-width forms and 中共)."""
        if typed in self.names:
            return typed
        return self.normalised.get(_norm_unit(typed))


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


def _date_year(rows: list[tuple], header: int) -> int | None:
    """The year of the return's date line (“2025年　月　日”) above the table."""
    for row in rows[:header]:
        for value in row:
            match = DATE_LINE.search(_cell(value))
            if match and "汇总表" not in _cell(value):
                return int(match.group(1))
    return None


def read_return(path: Path, matcher: UnitMatcher, result: RollUp) -> list[ReturnRow]:
    """The data rows of one returned workbook; problems go to ``result.issues``."""
    from ..sources.workbooks import read_sheets

    file = str(path)
    try:
        found_sheets, _ = read_sheets(path)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is reported, not fatal
        if isinstance(exc, InputError):  # the file is already named in the row
            message = "；".join(p.message for p in exc.problems.errors) or str(exc)
        else:
            message = str(exc) if isinstance(exc, SpDocsError) else f"{type(exc).__name__}: {exc}"
        result.issues.append(Issue("问题", file, "", "", f"文件无法读取：{message}", counted="否（整个文件未读取）"))
        result.files_failed += 1
        return []
    from ..sources.tables import UnsavedFormula

    sheets = [(title, [tuple(None if isinstance(v, UnsavedFormula) else v for v in r) for r in rows])
              for title, rows in found_sheets.items()]
    if DATA_SHEETS <= {title for title, _ in sheets}:
        result.files_rejected += 1
        result.issues.append(Issue(
            "问题", file, "", "",
            "不是附件2 汇总表：这是“双培”数据工作簿（含“单位”“教师”“双培对象”等工作表），未读取。"
            "汇总的输入应是各单位报回的附件2；数据工作簿请用 --plan 指定", counted="否（整个文件未读取）"))
        return []
    located = []
    skipped: list[Issue] = []
    for title, rows in sheets:
        found = _header(rows)
        if found is not None and "year" in found[1].values():
            located.append((title, rows, found))
        elif found is not None:
            skipped.append(Issue("问题", file, title, found[0] + 1,
                                 "工作表有“姓名”“双培类别”但没有“完成年度”列，不是附件2 汇总表，未读取",
                                 counted="否（该工作表未读取）"))
        elif any(_cell(v) for r in rows for v in r):
            skipped.append(Issue("提示", file, title, "", "工作表没有“姓名”“双培类别”“完成年度”表头，未读取",
                                 counted="否（该工作表未读取）"))
    if not located:
        result.files_rejected += 1
        names = "、".join(f"“{title}”" for title, _ in sheets)
        result.issues.append(Issue(
            "问题", file, "", "",
            f"不是附件2 汇总表：没有一个工作表含“姓名”“双培类别”“完成年度”列（工作表：{names}），整个文件未读取",
            counted="否（整个文件未读取）"))
        return []
    result.files_read += 1
    result.issues += skipped
    found_rows: list[ReturnRow] = []
    for title, rows, (header, mapping) in located:
        found_rows += _read_sheet(file, path, title, rows, header, mapping, matcher, result)
    return found_rows


def _read_sheet(file, path, title, rows, header, mapping, matcher, result) -> list[ReturnRow]:
    found: list[ReturnRow] = []
    typed_unit = _unit_line(rows, header)
    unit, changed = matcher.match(typed_unit) if typed_unit else ("", False)
    if changed:
        result.issues.append(Issue("提示", file, title, "", f"单位名称“{typed_unit}”按单位名单识别为“{unit}”"))
    if not unit:
        unit = path.stem
        result.issues.append(Issue("提示", file, title, "", f"没有找到“单位名称”，按文件名记为“{unit}”"))
    sheet_year = _date_year(rows, header)
    if sheet_year:
        result.reported.add((unit, sheet_year))
    extra = [_cell(rows[header][c]) for c in range(len(rows[header]))
             if c not in mapping and _cell(rows[header][c])]
    if extra:
        result.issues.append(Issue("提示", file, title, header + 1, f"多出的列未读取：{'、'.join(extra)}"))
    if "birth" not in mapping.values():
        result.issues.append(Issue("提示", file, title, header + 1, "没有“出生年月”列：查找重复上报时只按姓名和单位比对"))
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
                result.issues.append(Issue("提示", file, title, index + 1,
                                           f"单位名称“{cells['unit']}”按单位名单识别为“{row_unit}”"))
        item = ReturnRow(file, title, index + 1, row_unit, norm.clean_text(cells.get("name", "")),
                         cells.get("birth", ""), None, None, cells.get("note", ""), raw, reporter=unit)
        if not item.name:
            result.issues.append(Issue("问题", file, title, index + 1, "没有姓名", raw, True))
            continue
        if not cells.get("track"):
            result.issues.append(Issue("问题", file, title, index + 1, "没有填写“双培”类别", raw, True))
            continue
        try:
            item.track = norm.parse_track(cells["track"])
        except Exception:  # noqa: BLE001 - the normaliser's own error type
            result.issues.append(Issue("问题", file, title, index + 1,
                                       f"“双培”类别应为 1 或 2，填写的是“{cells['track']}”", raw, True))
            continue
        if cells.get("year"):
            try:
                item.year = norm.parse_year(cells["year"])
            except Exception:  # noqa: BLE001
                result.issues.append(Issue("提示", file, title, index + 1,
                                           f"完成年度无法识别：“{cells['year']}”，计入汇总表，但计划对比中不计入", raw))
        else:
            result.issues.append(Issue("提示", file, title, index + 1,
                                       "没有填写完成年度：计入汇总表，但计划对比中不计入；请补填", raw))
        found.append(item)
    return found


def collect_files(paths: list[Path], result: RollUp | None = None) -> list[Path]:
    """The files to read: those given, and every file in the folders given (any
    extension, any case).  A file in a folder that is not a table is reported in
    ``result`` as not read (it counts as a failed file); Excel's lock files
    (``~$…``) and hidden files as a notice only."""
    from ..sources.workbooks import TABLE_SUFFIXES

    files: list[Path] = []
    for p in paths:
        if not p.is_dir():
            files.append(p)
            continue
        for f in sorted(x for x in p.rglob("*") if x.is_file()):
            if f.name.startswith(("~$", ".")):
                if result is not None:
                    result.issues.append(Issue("提示", str(f), "", "", "临时文件或隐藏文件（如 Excel 打开时的 ~$ 锁文件），未读取",
                                               counted="否（不是报表）"))
            elif f.suffix.lower() in TABLE_SUFFIXES:
                files.append(f)
            elif result is not None:
                result.files_failed += 1
                result.issues.append(Issue(
                    "问题", str(f), "", "",
                    f"不是表格文件（扩展名“{f.suffix or '无'}”），未读取：附件2 应为 .xlsx、.xls、.ods 或 .csv；"
                    "如是报表，请在 Excel/WPS 中另存为 .xlsx 后重新汇总", counted="否（整个文件未读取）"))
    return list(dict.fromkeys(files))


def _earlier_output(path: Path, output: Path | None, given: list[Path]) -> bool:
    """``path`` is the city workbook an earlier run wrote at ``output`` (not read again).
    A return at that place — named on the command line, or not a city workbook — is an
    input: it is never written over."""
    from ..errors import OutputIsInputError

    if output is None or not output.exists() or path.resolve() != output.resolve():
        return False
    if any(p.resolve() == path.resolve() for p in given if not p.is_dir()):
        raise OutputIsInputError(output)
    try:  # only the sheet names (reading it as a return would make it an input)
        from openpyxl import load_workbook

        from .safety import check_xlsx

        check_xlsx(path)
        workbook = load_workbook(path, read_only=True)
        sheets = set(workbook.sheetnames)
        workbook.close()
    except Exception:  # noqa: BLE001 - unreadable: certainly not our workbook
        sheets = set()
    if not {"汇总表", "问题"} <= sheets:
        raise OutputIsInputError(output)
    return True


def read_returns(paths: list[Path], units: list[str] | None = None, *,
                 output: Path | None = None) -> tuple[list[ReturnRow], UnitMatcher, RollUp]:
    """Every data row of the returns found in ``paths`` (files or folders; ``output`` is
    skipped), the unit names to match 备注 against, and the tally of what was read.
    ``units`` (the unit list, in order) comes from the --plan workbook when given."""
    result = RollUp()
    matcher = UnitMatcher(units or [])
    files = [f for f in collect_files(paths, result) if not _earlier_output(f, output, paths)]
    if not files:
        raise SpDocsError("没有找到要汇总的附件2 文件（.xlsx、.xls、.ods 或 .csv）")
    rows: list[ReturnRow] = []
    for f in files:
        rows += read_return(f, matcher, result)
    # without a unit list, the units that sent returns are the known ones
    known = matcher if units else UnitMatcher(sorted({r.reporter for r in rows}))
    return rows, known, result
