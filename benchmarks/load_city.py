"""The load benchmark's city: N units 单位01…单位NN, each with a workbook of its own.

Each unit is a copy of one school of the example city (``data_examples/city.xlsx``,
cycling through its schools) restricted to that school's rows, renamed to 单位NN,
with every person renamed so that nobody appears in two units (the roll-up would
otherwise count a person reported twice only once) and ID numbers left out (the
column is optional; a copied number would repeat across units).  ``city_workbook``
holds all N units at once (the admin imports its 单位 sheet)."""
from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook, load_workbook

ROOT = Path(__file__).resolve().parent.parent
CITY = ROOT / "data_examples" / "city.xlsx"
UNIT_CHARS = ("春夏秋冬东南西北金木水火山川河海天云雨雪风雷星月日光明清华文武德仁义礼智信忠孝诚和平安康乐福寿喜庆吉祥瑞"
              "宁远泰")
GIVEN_CHARS = "伟芳娜敏静丽强磊军洋勇艳杰娟涛超秀霞刚桂英玉兰萍红梅琳燕飞鹏辉宇晨婷雯佳悦颖欣怡然浩博"
# the columns naming a unit / a person, per sheet
UNIT_COLUMNS = {"单位": ("单位名称",), "教师": ("所在单位",), "双培对象": ("所在单位",), "培养记录": ("所在单位",),
                "三年计划": ("单位",), "表彰": ("所在单位",), "成果": ("所在单位",)}
PERSON_COLUMNS = {"教师": ("姓名",), "双培对象": ("姓名", "培养人", "第二培养人"), "培养记录": ("培养对象", "培养人"),
                  "表彰": ("姓名",), "成果": ("姓名",)}
DROPPED = {"教师": ("身份证号",), "表彰": ("证书编号",)}


def unit_name(number: int) -> str:
    return f"单位{number:02d}"


def _sheets() -> dict[str, tuple[list[str], list[tuple]]]:
    wb = load_workbook(CITY)
    sheets = {}
    for ws in wb:
        rows = [r for r in ws.iter_rows(values_only=True)]
        header = [str(h) if h is not None else "" for h in rows[0]]
        sheets[ws.title] = (header, [r for r in rows[1:] if any(v not in (None, "") for v in r)])
    return sheets


def source_schools(sheets) -> list[str]:
    """The example city's schools (units with trainees and no sub-units)."""
    header, rows = sheets["单位"]
    parents = {r[header.index("上级单位")] for r in rows}
    theader, trainees = sheets["双培对象"]
    with_trainees = {r[theader.index("所在单位")] for r in trainees}
    return [r[0] for r in rows if r[0] not in parents and r[0] in with_trainees]


def _unit_rows(sheets, source: str, number: int) -> dict[str, list[list]]:
    """The source school's rows of every sheet, renamed to unit ``number``."""
    new_unit = unit_name(number)
    theader, teachers = sheets["教师"]
    names = [r[theader.index("姓名")] for r in teachers if r[theader.index("所在单位")] == source]
    people = {name: name[0] + UNIT_CHARS[number - 1] + GIVEN_CHARS[i] for i, name in enumerate(names)}
    result = {}
    for title, (header, rows) in sheets.items():
        unit_cols = [header.index(c) for c in UNIT_COLUMNS.get(title, ()) if c in header]
        person_cols = [header.index(c) for c in PERSON_COLUMNS.get(title, ()) if c in header]
        dropped = [header.index(c) for c in DROPPED.get(title, ()) if c in header]
        kept = []
        for row in rows:
            if not unit_cols or row[unit_cols[0]] != source:
                continue
            row = list(row)
            for c in unit_cols:
                row[c] = new_unit
            for c in person_cols:
                row[c] = people.get(row[c], row[c])
            for c in dropped:
                row[c] = None
            if title == "单位":
                row[header.index("上级单位")] = None
            kept.append(row)
        result[title] = kept
    return result


def build_city(count: int) -> tuple[dict[str, bytes], bytes]:
    """({unit name: its workbook}, the workbook of all ``count`` units)."""
    sheets = _sheets()
    schools = source_schools(sheets)
    per_unit = {unit_name(n): _unit_rows(sheets, schools[(n - 1) % len(schools)], n) for n in range(1, count + 1)}
    headers = {title: header for title, (header, _rows) in sheets.items()}
    books = {name: _workbook(headers, rows) for name, rows in per_unit.items()}
    merged = {title: [r for rows in per_unit.values() for r in rows[title]] for title in headers}
    return books, _workbook(headers, merged)


def _workbook(headers: dict[str, list[str]], rows: dict[str, list[list]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for title, header in headers.items():
        ws = wb.create_sheet(title)
        ws.append(header)
        for row in rows[title]:
            ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
