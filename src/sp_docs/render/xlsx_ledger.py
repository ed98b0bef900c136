"""附件3 培养台账 as a workbook: one sheet per trainee, laid out as the 台账 form
(title, 单位, the bordered header block, the records, 培养人意见 with the signature
line), one A4 page wide, the form's header rows repeated on every printed page."""
from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment

from . import xlsx_layout as layout
from .xlsx import set_text_safe

# 日期 · 形式 · 培养记录 · 培养人 · 地点: the record table's columns (the header block spans them)
WIDTHS = (12, 11, 46, 10, 13)
LAST = "E"
HEADER_ROWS = "3:6"  # 培养人 … the record table's header: repeated on every printed page
OPINION_LINES = 5  # the opinion box holds at least this many lines (room to write by hand)
SIGNATURE = "培养人签名：　　　　　　　　年　　月　　日"
SIGNATURE_ALIGN = Alignment(horizontal="right", vertical="bottom", wrap_text=True)


def ledger_workbook(views) -> bytes:
    """``views``: ``documents.ledger.LedgerView`` objects → workbook bytes."""
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for v in views:
        ws = wb.create_sheet(_sheet_title(v, used))
        ledger_sheet(ws, v)
    if not views:
        wb.create_sheet("台账")
    return layout.save(wb)


def _sheet_title(v, used: set[str]) -> str:
    from ..output import safe_filename

    base = safe_filename(f"{v.seq}_{v.name}", 31).replace("[", "(").replace("]", ")")
    title, n = base, 2
    while title in used:
        title = f"{base[:27]}_{n}"
        n += 1
    used.add(title)
    return title


def _put(ws, ref: str, value, *, role: str = "body", alignment=layout.LEFT, size: float | None = None,
         border: bool = True) -> None:
    first = ref.split(":")[0]
    if ":" in ref:
        ws.merge_cells(ref)
    set_text_safe(ws[first], value)
    layout.style_range(ws, ref, role=role, size=size, alignment=alignment, border=border)


def ledger_sheet(ws, v) -> None:
    for col, width in zip("ABCDE", WIDTHS):
        ws.column_dimensions[col].width = width
    _put(ws, f"A1:{LAST}1", v.title, role="title", alignment=layout.CENTER, border=False)
    _put(ws, f"A2:{LAST}2", f"单位：{v.unit}", size=12, border=False)
    _put(ws, "A3", "培养人", role="header", alignment=layout.CENTER)
    _put(ws, "B3:C3", v.mentors)
    _put(ws, "D3", "职务", role="header", alignment=layout.CENTER)
    _put(ws, "E3", v.positions)
    _put(ws, "A4", "培养对象", role="header", alignment=layout.CENTER)
    _put(ws, "B4:C4", v.name)
    _put(ws, "D4", "培养建档时间", role="header", alignment=layout.CENTER)
    _put(ws, "E4", v.filed_on)
    _put(ws, "A5", "“双培”类别", role="header", alignment=layout.CENTER)
    _put(ws, f"B5:{LAST}5", v.context()["track_line"])
    for col, name in zip("ABCDE", ("日期", "形式", "培养记录", "培养人", "地点")):
        _put(ws, f"{col}6", name, role="header", alignment=layout.CENTER)
    row = 7
    for r in v.records:
        for col, value in zip("ABCDE", (r.date, r.form, r.content, r.mentor, r.place)):
            _put(ws, f"{col}{row}", value, alignment=layout.LEFT if col == "C" else layout.CENTER)
        row += 1
    if not v.records:
        _put(ws, f"A{row}:{LAST}{row}", "（暂无培养记录）", alignment=layout.CENTER)
        row += 1
    _opinion(ws, row, v.opinion or "")
    layout.fit_rows(ws)
    layout.page_setup(ws, landscape=False, title_rows=HEADER_ROWS, freeze="A7")


def _opinion(ws, row: int, text: str) -> None:
    """培养人意见 over two rows: the opinion (room for a handwritten one) and the
    signature line at the right, inside one ruled box."""
    from openpyxl.styles import Border

    _put(ws, f"A{row}:A{row + 1}", "培养人意见", role="header", alignment=layout.CENTER)
    _put(ws, f"B{row}:{LAST}{row}", text, alignment=layout.TOP_LEFT)
    _put(ws, f"B{row + 1}:{LAST}{row + 1}", SIGNATURE, alignment=SIGNATURE_ALIGN)
    for col in "BCDE":
        top, bottom = ws[f"{col}{row}"], ws[f"{col}{row + 1}"]
        top.border = Border(left=top.border.left, right=top.border.right, top=layout.THIN)
        bottom.border = Border(left=bottom.border.left, right=bottom.border.right, bottom=layout.THIN)
    width = sum(WIDTHS[1:])
    lines = max(OPINION_LINES, layout.lines_needed(text, width, layout.FONT_ROLES["body"][1]))
    ws.row_dimensions[row].height = layout.height_for(lines, layout.FONT_ROLES["body"][1])
