"""Table shapes offices make around the data: a two-row header (培养人 merged
over 姓名 | 职务), footer rows (填表人：…, 合计, 备注说明…) and a 序号 column."""
from __future__ import annotations

import re
from typing import Callable

# a column people number the rows in: expected, never read, never warned about
SEQ_HEADERS = {"序号", "编号", "行号", "no", "no.", "№", "序"}
# a child label that names the parent itself (培养人 + 姓名 → 培养人)
SELF_CHILDREN = {"姓名", "名称", "名字"}
MAX_LABEL = 12
FOOTER = re.compile(
    r"^\s*(?:(?:填表人|填报人|制表人|审核人|审批人|负责人|单位负责人|分管领导|联系人|联系电话|经办人|"
    r"填表日期|填报日期|填表时间|报送日期|制表日期)\s*[:：]?"
    r"|(?:合\s*计|总\s*计|小\s*计|共\s*计)\s*(?:[:：].*)?$"
    r"|(?:备注说明|填表说明|说明|注|备注)\s*[:：]"
    r"|单位\s*[（(]?\s*盖章)")


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _is_label(value) -> bool:
    return isinstance(value, str) and 0 < len(value.strip()) <= MAX_LABEL and not re.search(r"\d{3}", value)


def _combine(top: list[str], below: list, wanted: set[str], normalize: Callable) -> tuple[list[str], int]:
    """Headers from a parent row and a child row; how many of them are known."""
    headers, known, parent = [], 0, ""
    width = max(len(top), len(below))
    for col in range(width):
        upper = top[col] if col < len(top) else ""
        lower = _text(below[col]) if col < len(below) else ""
        if upper:
            parent = upper
        if not lower:
            headers.append(upper)  # one cell over both rows (merged vertically)
            known += normalize(upper) in wanted
            continue
        group = upper or parent
        candidates = [group + lower] + ([group] if lower in SELF_CHILDREN else []) + [lower]
        chosen = next((c for c in candidates if normalize(c) in wanted), group + lower if group else lower)
        known += normalize(chosen) in wanted
        headers.append(chosen)
    return headers, known


def two_row_header(rows: list[tuple], index: int, wanted: set[str], normalize: Callable) -> tuple[list[str], int] | None:
    """When row ``index`` and the row below form one header (a label merged over
    several columns, their own labels underneath), the combined headers and the
    index of the first data row; else None."""
    if not wanted or index + 1 >= len(rows):
        return None
    top = [_text(v) for v in rows[index]]
    below = rows[index + 1]
    filled = [v for v in below if _text(v)]
    if not filled or not all(_is_label(v) for v in filled):
        return None
    # a group: a child label under an empty cell of the top row (the merged parent's span),
    # or under a top label that is not a known header itself
    spans = [col for col, v in enumerate(below) if _text(v) and (col >= len(top) or not top[col]
                                                                    or normalize(top[col]) not in wanted)]
    if not spans:
        return None
    headers, known = _combine(top, below, wanted, normalize)
    single = sum(1 for t in top if t and normalize(t) in wanted)
    return (headers, index + 2) if known > single else None


def is_footer(cells: list) -> bool:
    """A row under the table that is not data: 填表人：…, 合计, 备注说明：…"""
    first = next((_text(v) for v in cells if _text(v)), "")
    return bool(first) and isinstance(first, str) and bool(FOOTER.match(first))
