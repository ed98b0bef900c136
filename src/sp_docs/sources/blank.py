"""The blank input workbook ``sp-docs init`` writes: the schema's sheets with
frozen headers, dropdowns fed from a hidden options sheet, and 填写说明."""
from __future__ import annotations


from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..render import xlsx_layout as layout
from .schema import SHEETS

OPTIONS_SHEET = "_选项"
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
EXAMPLE_ROWS = 500


def _points_items() -> tuple[tuple[str, ...], str]:
    """The 成果 sheet's 项目 choices and hint, taken from the built-in points table."""
    from .points_table import default_table

    items = tuple(i.item for i in default_table().items)
    examples = "、".join(items[i] for i in sorted({0, len(items) // 2, len(items) - 1}))
    return items, (f"默认积分表中的项目名称（下拉选择），如 {examples}；"
                   "用自定义积分表（sp-docs points --table）时按其中的名称填写")


def _dropdown(ws, options, option_col: int, label: str, choices, column, letter: str) -> None:
    """The column's choices in the hidden options sheet, and a list validation on the column."""
    opt_letter = get_column_letter(option_col)
    options.cell(row=1, column=option_col, value=label)
    for r, choice in enumerate(choices, start=2):
        options.cell(row=r, column=option_col, value=choice)
    ref = f"'{OPTIONS_SHEET}'!${opt_letter}$2:${opt_letter}${len(choices) + 1}"
    validation = DataValidation(type="list", formula1=f"={ref}", allow_blank=True,
                                showErrorMessage=column.kind in ("track", "bool"))
    validation.error = f"请从下拉列表中选择{column.header}"
    validation.errorTitle = "输入有误"
    ws.add_data_validation(validation)
    validation.add(f"{letter}2:{letter}{EXAMPLE_ROWS + 1}")


def _fill_guide(guide, guide_rows: list[tuple], head_rows: int) -> None:
    """The 填写说明 sheet: the notes, then one row per column of every sheet."""
    for row in guide_rows:
        guide.append(list(row))
    for row in guide.iter_rows():
        for cell in row:
            cell.font = layout.font("body")
            cell.alignment = layout.LEFT
    guide["A1"].font = layout.font("label")
    for cell in guide[head_rows]:
        cell.font = layout.font("header")
    for letter, width in zip("ABCD", (14, 22, 10, 60)):
        guide.column_dimensions[letter].width = width
    for r in range(2, head_rows):  # the numbered notes run across the table's width
        guide.merge_cells(f"A{r}:D{r}")
    layout.fit_rows(guide)
    layout.page_setup(guide, landscape=False, title_rows=f"{head_rows}:{head_rows}")


def blank_workbook() -> bytes:
    wb = Workbook()
    guide = wb.active
    guide.title = "填写说明"
    options = wb.create_sheet(OPTIONS_SHEET)
    options.sheet_state = "hidden"
    option_col = 0
    guide_rows = [("“双培”工程数据工作簿 填写说明", "", "", ""),
                  ("1. 每个工作表第一行是表头，请勿修改表头文字；带 * 的列为必填（表头底色为橙色）。", "", "", ""),
                  ("2. 日期可写 2024.03.15、2024-3-15、2024年3月15日，出生年月可写 1985.03 或 1985年3月。", "", "", ""),
                  ("3. 双培类别：1 = 骨干教师培养成共产党员；2 = 党员教师培养成教学骨干。", "", "", ""),
                  ("4. 填好后运行 sp-docs check 本文件.xlsx 检查，按提示逐条修改。", "", "", ""),
                  ("", "", "", ""), ("工作表", "列", "是否必填", "说明")]
    head_rows = len(guide_rows)  # the table of columns starts below its header row
    for sheet in SHEETS:
        ws = wb.create_sheet(sheet.name)
        for index, column in enumerate(sheet.columns, start=1):
            header = column.header + ("*" if column.required else "")
            cell = ws.cell(row=1, column=index, value=header)
            cell.font = layout.font("header")
            cell.fill = REQUIRED_FILL if column.required else HEADER_FILL
            cell.alignment = layout.CENTER
            cell.border = layout.BORDER
            if column.hint:
                cell.comment = Comment(column.hint, "sp-docs")
            letter = get_column_letter(index)
            ws.column_dimensions[letter].width = layout.width_for([header], minimum=10, maximum=30) + 2
            if column.kind in ("date", "year_month", "id_number", "text", "name"):
                for row in range(2, EXAMPLE_ROWS + 2):
                    ws.cell(row=row, column=index).number_format = "@" if column.kind in ("id_number",) else "General"
            choices = column.choices or (("是", "否") if column.kind == "bool" else ())
            hint = column.hint
            if (sheet.key, column.field) == ("achievements", "item"):
                choices, hint = _points_items()
                cell.comment = Comment(hint, "sp-docs")
                ws.column_dimensions[letter].width = 30
            if choices:
                option_col += 1
                _dropdown(ws, options, option_col, f"{sheet.name}.{column.header}", choices, column, letter)
            guide_rows.append((sheet.name, column.header, "是" if column.required else "", hint))
        layout.fit_rows(ws, 1, 1)
        layout.page_setup(ws, title_rows="1:1", freeze="A2")
    _fill_guide(guide, guide_rows, head_rows)
    wb.move_sheet(OPTIONS_SHEET, offset=len(wb.sheetnames))
    return layout.save(wb)
