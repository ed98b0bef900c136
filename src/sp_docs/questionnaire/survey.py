"""Survey-platform exports (问卷星, 金数据, 腾讯问卷): one Excel or CSV table, a row
per school, the question texts (often numbered: ``1. 学校（单位）全称``) or the
question ids as column headers.  Columns are mapped to questions by their text
with numbering, punctuation, spacing and platform tags ignored; a multiple-choice
question may be one column (options separated by ┋ ; 、 …) or a column per option
(``题目:选项``, 1/0).  Also the question list a platform imports (``export_*``)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, Location, Problems
from ..sources import normalize as norm
from .schema import questions

NUMBERING = re.compile(r"^\s*(?:第?\s*\d+\s*(?:题|[.、．:：)）\]]|\s)|[(（]\s*\d+\s*[)）]|Q\s*\d+\s*[.:：、]?)\s*",
                       re.I)
TAGS = re.compile(r"[【\[（(](?:必填|单选|多选|单选题|多选题|填空|填空题|选填|可多选|请选择)[】\]）)]|\*")
PUNCT = re.compile(r"[\s\u3000“”\"'‘’「」『』《》〈〉【】\[\]（）()，,。.、:：;；!！?？·…\-—_/]")
OPTION_SPLIT = re.compile(r"\s*[┋|;；,，、\n]\s*")
OPTION_LETTER = re.compile(r"^[A-Z]\s*[.、．:：]\s*")
TRUE_MARKS = {"1", "是", "√", "✓", "y", "yes", "true", "选中", "已选"}
MIN_MATCHED = 3  # question columns a table needs to be read as a survey export


def key(text: object) -> str:
    """A header or question text without numbering, tags, punctuation or spacing."""
    text = norm.to_halfwidth(str(text or "")).strip()
    text = NUMBERING.sub("", text, count=1)
    return PUNCT.sub("", TAGS.sub("", text)).lower()


@dataclass
class Column:
    index: int
    header: str
    qid: str
    option: str = ""  # a per-option column of a multiple-choice question


@dataclass
class SurveyRow:
    row: int
    school: str
    raw: dict
    problems: Problems = field(default_factory=Problems)


@dataclass
class SurveyExport:
    source: str
    sheet: str
    header_row: int
    columns: list[Column]
    unmapped: list[str]
    rows: list[SurveyRow]

    @property
    def missing(self) -> list:
        """Questions no column answers (each row then gets the question's default, if any)."""
        mapped = {c.qid for c in self.columns}
        return [q for q in questions() if q.id not in mapped]


def _lookup() -> tuple[dict[str, str], dict[str, str]]:
    by_key, by_id = {}, {}
    for q in questions():
        by_key[key(q.title)] = q.id
        by_id[q.id.lower()] = q.id
    return by_key, by_id


def match_header(header: str) -> Column | None:
    """The question (and option) a header names, or None."""
    by_key, by_id = _lookup()
    text = str(header).strip()
    if text.lower() in by_id:
        return Column(-1, text, by_id[text.lower()])
    k = key(text)
    if k in by_key:
        return Column(-1, text, by_key[k])
    for q in questions():  # 题目:选项 / 题目（选项） / 题目—选项 of a multiple-choice question
        if q.type != "multi":
            continue
        title = key(q.title)
        if k.startswith(title) and len(k) > len(title):
            rest = k[len(title):]
            option = next((c for c in q.choices if key(c) == rest), None)
            if option:
                return Column(-1, text, q.id, option)
    # a title the platform cut short (or lengthened): unique containment, long enough to mean it
    near = [qid for title, qid in by_key.items() if len(k) >= 6 and (k in title or title in k)]
    return Column(-1, text, near[0]) if len(set(near)) == 1 else None


def _header_row(rows: list[tuple]) -> tuple[int, list[Column], list[str]]:
    best = (-1, [], [])
    for index, row in enumerate(rows[:5]):
        columns, unmapped = [], []
        for col, value in enumerate(row):
            if value is None or not str(value).strip():
                continue
            found = match_header(str(value))
            if found is None:
                unmapped.append(str(value).strip())
            else:
                found.index = col
                columns.append(found)
        if len(columns) > len(best[1]):
            best = (index, columns, unmapped)
    return best


def looks_like_export(sheets: dict[str, list[tuple]]) -> bool:
    return any(len(_header_row(rows)[1]) >= MIN_MATCHED for rows in sheets.values())


def read_export(path: Path, sheets: dict[str, list[tuple]] | None = None) -> SurveyExport:
    from ..sources.workbooks import read_sheets

    if sheets is None:
        sheets, _ = read_sheets(path)
    best = None
    for title, rows in sheets.items():
        header, columns, unmapped = _header_row(rows)
        if best is None or len(columns) > len(best[2]):
            best = (title, header, columns, unmapped, rows)
    if best is None or len(best[2]) < MIN_MATCHED:
        raise InputError("不是问卷导出表：表头中认不出问卷的题目（至少要有 3 列是题目原文或题目编号，"
                         "如“1. 学校（单位）全称”）。可用 sp-docs questionnaire export 导出题目清单导入问卷平台",
                         Location(str(path)))
    title, header, columns, unmapped, rows = best
    export = SurveyExport(str(path), title, header + 1, columns, unmapped, [])
    for index in range(header + 1, len(rows)):
        values = rows[index]
        if not any(v is not None and str(v).strip() for v in values):
            continue
        export.rows.append(_row(export, index + 1, values))
    if not export.rows:
        raise InputError("问卷导出表里没有答卷（表头下面没有数据行）", Location(str(path), title))
    return export


SKIPPED = {"(跳过)", "（跳过）", "(空)", "（空）", "-", "—", "/"}  # how platforms mark a question not shown


def _cell(value):
    if isinstance(value, str):
        value = value.strip()
        return None if not value or value in SKIPPED else value
    return value


def _row(export: SurveyExport, number: int, values: tuple) -> SurveyRow:
    from .answers import RawAnswers
    from .schema import question

    raw = RawAnswers()
    chosen: dict[str, list[str]] = {}
    for column in export.columns:
        value = _cell(values[column.index]) if column.index < len(values) else None
        where = Location(export.source, export.sheet, number, column.header)
        raw.locations.setdefault(column.qid, where)
        q = question(column.qid)
        if column.option:
            chosen.setdefault(column.qid, [])
            if value is not None and str(value).strip().lower() in TRUE_MARKS | {key(column.option)}:
                chosen[column.qid].append(column.option)
            continue
        if value is None:
            continue
        if q.type == "multi" and isinstance(value, str):
            value = [OPTION_LETTER.sub("", v) for v in OPTION_SPLIT.split(value) if v.strip()]
        elif q.type in ("choice", "bool") and isinstance(value, str):
            value = OPTION_LETTER.sub("", value)
        if hasattr(value, "hour") and q.type == "date":
            value = value.date()
        raw[column.qid] = value
    for qid, options in chosen.items():
        if qid not in raw:
            raw[qid] = options
    school = str(raw.get("school_name") or "").strip()
    return SurveyRow(number, school, raw)


# --- the question list a survey platform imports ------------------------------------------------

PLATFORM_TYPES = {"choice": "单选题", "bool": "单选题", "multi": "多选题", "text": "填空题", "number": "填空题",
                  "date": "填空题"}


def _options(q) -> tuple[str, ...]:
    return ("是", "否") if q.type == "bool" else tuple(q.choices)


def _note(q) -> str:
    parts = []
    if q.type == "number":
        parts.append("填数字" + (f"（{q.min}–{q.max}）" if q.min is not None and q.max is not None else ""))
    if q.type == "date":
        parts.append("填日期，如 2025-03-05")
    if q.when:
        parts.append(f"仅当{q.condition_text()}时回答")
    if q.optional:
        parts.append("可不填")
    return "；".join(parts)


def export_text() -> str:
    """The plain question list of 问卷星/腾讯问卷 “批量导入题目”: a numbered title with its
    type in brackets, then one option a line, a blank line between questions (no other
    lines: an import would take them for options; the notes are in the workbook)."""
    blocks = []
    for number, q in enumerate(questions(), start=1):
        lines = [f"{number}. {q.title}[{PLATFORM_TYPES[q.type]}]"]
        lines += [f"{chr(ord('A') + i)}. {option}" for i, option in enumerate(_options(q))]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def export_workbook() -> bytes:
    """The same list as a table (金数据 and others import a sheet): a row per question."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from ..render.xlsx import set_text_safe

    wb = Workbook()
    ws = wb.active
    ws.title = "题目清单"
    widest = max(len(_options(q)) for q in questions())
    header = ["题号", "题目", "题型", "是否必答", "说明", "题目编号"] + [f"选项{i}" for i in range(1, widest + 1)]
    ws.append(header)
    for number, q in enumerate(questions(), start=1):
        values = [number, q.title, PLATFORM_TYPES[q.type], "否" if q.optional or q.when else "是", _note(q), q.id,
                  *_options(q)]
        for col, value in enumerate(values, start=1):
            set_text_safe(ws.cell(row=number + 1, column=col), value)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEF", (6, 46, 8, 8, 30, 20)):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
