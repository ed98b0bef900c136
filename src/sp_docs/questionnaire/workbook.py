"""The questionnaire as an Excel workbook: one row per question, dropdowns for
choices (their options on a hidden sheet), one 是/否 row per option of a
multiple-choice question; and reading a filled workbook back."""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from ..errors import InputError, Location
from ..render import xlsx_layout as layout
from ..render.xlsx import set_text_safe
from .raw import DATA_FILE_MESSAGE, RawAnswers
from .schema import TYPE_LABELS, format_value, questions

SHEET = "问卷"
OPTIONS_SHEET = "选项"
HEADER = ("编号", "题目", "答案", "说明")
YES_NO = ("是", "否")


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


class _Dropdowns:
    """List validations of the 问卷 sheet; each list of choices stored once in the hidden sheet."""

    def __init__(self, ws, options):
        self.ws, self.options = ws, options
        self.lists: dict[tuple, str] = {}
        self.validations: dict[str, DataValidation] = {}

    def list_range(self, values: tuple[str, ...]) -> str:
        if values not in self.lists:
            column = len(self.lists) + 1
            for row, value in enumerate(values, start=1):
                set_text_safe(self.options.cell(row=row, column=column), value)
            col = _column_letter(column)
            self.lists[values] = f"{OPTIONS_SHEET}!${col}$1:${col}${len(values)}"
        return self.lists[values]

    def add(self, values: tuple[str, ...], cell: str) -> None:
        ref = self.list_range(values)
        if ref not in self.validations:
            dv = DataValidation(type="list", formula1=f"={ref}", allow_blank=True, showErrorMessage=True,
                                errorTitle="请从下拉列表选择", error="只能选择列表中的选项")
            self.ws.add_data_validation(dv)
            self.validations[ref] = dv
        self.validations[ref].add(cell)


def _note(q) -> str:
    return "；".join(filter(None, [TYPE_LABELS[q.type], q.help, ("可不填" if q.optional else ""),
                                   ("不填则按前面的答案自动生成" if q.derived_text else ""),
                                   (f"仅当{q.condition_text()}时填写" if q.when else "")]))


def _multi_rows(ws, q, answers: dict, dropdowns: _Dropdowns) -> None:
    """A multiple-choice question: a grey row, then one 是/否 row per choice."""
    grey = PatternFill("solid", fgColor="EEEEEE")
    ws.append([q.id, q.title, "", _note(q) + "；在下面各项后选“是”或“否”"])
    for cell in ws[ws.max_row]:
        cell.fill = grey
    chosen = answers.get(q.id) or []
    for choice in q.choices:
        row = ws.max_row + 1
        set_text_safe(ws.cell(row=row, column=1), f"{q.id}:{choice}")
        set_text_safe(ws.cell(row=row, column=2), f"　　{choice}")
        ws.cell(row=row, column=3, value="是" if choice in chosen else "否")
        dropdowns.add(YES_NO, f"C{row}")


def _question_row(ws, q, answers: dict, dropdowns: _Dropdowns) -> None:
    row = ws.max_row + 1
    set_text_safe(ws.cell(row=row, column=1), q.id)
    set_text_safe(ws.cell(row=row, column=2), q.title)
    value = answers.get(q.id)
    if q.type == "number":
        ws.cell(row=row, column=3, value=value)
    else:
        set_text_safe(ws.cell(row=row, column=3), format_value(value) if value is not None else None)
    set_text_safe(ws.cell(row=row, column=4), _note(q))
    if q.type == "choice":
        dropdowns.add(q.choices, f"C{row}")
    elif q.type == "bool":
        dropdowns.add(YES_NO, f"C{row}")
    elif q.type == "number":
        ws.cell(row=row, column=3).number_format = "0"
    else:
        ws.cell(row=row, column=3).number_format = "@"


def build_workbook(answers: dict) -> bytes:
    """A workbook pre-filled with ``answers`` (usually the defaults); derived answers equal to
    their derivation are left blank, as in an answers file."""
    from .derived import for_storage

    answers = for_storage(answers)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    options = wb.create_sheet(OPTIONS_SHEET)
    options.sheet_state = "hidden"
    dropdowns = _Dropdowns(ws, options)
    ws["A1"] = "“双培”工程实施方案问卷（在“答案”列填写或从下拉列表选择；灰色行为说明，不用填写）"
    ws["A1"].font = layout.font("label", 13)
    ws.append(list(HEADER))
    for cell in ws[2]:
        layout.stamp(cell, "header", alignment=layout.CENTER)
    current = None
    for q in questions():
        if q.section != current:
            current = q.section
            ws.append(["", f"【{q.section}】"])
            ws.cell(row=ws.max_row, column=2).font = layout.font("header")
        (_multi_rows if q.type == "multi" else _question_row)(ws, q, answers, dropdowns)
    for col, width in zip("ABCD", (18, 52, 30, 60)):
        ws.column_dimensions[col].width = width
    section_font = layout.font("header").name
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            if not (cell.font and cell.font.name == section_font):
                cell.font = layout.font("body")
    layout.fit_rows(ws)
    layout.page_setup(ws, landscape=True, title_rows="2:2", freeze="C3")
    return layout.save(wb)


def read_workbook(path: Path):
    """Raw answers from a filled questionnaire workbook (validated later by ``complete``), each
    located by sheet/row; a formula without a saved result is an error, never the default."""
    from ..errors import Problems
    from ..sources.tables import UnsavedFormula
    from ..sources.workbooks import read_sheets
    from ..sources.schema import SHEETS_BY_NAME

    sheets, _ = read_sheets(path)
    if SHEET not in sheets:
        if any(name.strip() in SHEETS_BY_NAME for name in sheets):
            raise InputError(DATA_FILE_MESSAGE, Location(str(path)))
        raise InputError(f"工作簿中没有“{SHEET}”工作表（请用 sp-docs questionnaire xlsx 生成的问卷填写）",
                         Location(str(path)))
    raw = RawAnswers()
    problems = Problems()
    multi: dict[str, list[str]] = {}
    multi_ids = {q.id for q in questions() if q.type == "multi"}
    titles = {q.id: q.title for q in questions()}
    for number, row in enumerate(sheets[SHEET][2:], start=3):
        if not row or row[0] is None:
            continue
        key = str(row[0]).strip()
        value = row[2] if len(row) > 2 else None
        qid = key.split(":", 1)[0] if ":" in key else key
        where = Location(str(path), SHEET, number, "答案")
        if isinstance(value, UnsavedFormula):
            title = titles.get(qid, key) + (f"（{key.split(':', 1)[1]}）" if ":" in key else "")
            problems.error(f"“{title}”的答案是公式且没有保存计算结果", where, value.formula,
                           "请在 Excel/WPS 中打开并保存，或把公式“粘贴为数值”")
            raw.failed.add(qid)
            raw.locations.setdefault(qid, where)
            continue
        if ":" in key and qid in multi_ids:
            choice = key.split(":", 1)[1]
            multi.setdefault(qid, [])
            raw.locations.setdefault(qid, where)
            if value is not None and str(value).strip() in ("是", "√", "✓", "1", "Y", "y"):
                multi[qid].append(choice)
            continue
        if key in multi_ids:
            continue
        if isinstance(value, str):
            value = value.strip()
        if hasattr(value, "date") and not isinstance(value, str):  # a date cell
            value = value.date() if hasattr(value, "hour") else value
        raw[key] = value if value not in ("",) else None
        raw.locations[key] = where
    for qid, chosen in multi.items():
        if qid not in raw.failed:
            raw[qid] = chosen
    raw.problems = problems
    return raw
