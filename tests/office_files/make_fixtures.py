"""Build the office-file fixtures: files the way Chinese offices make them.

    python tests/office_files/make_fixtures.py

Writes next to this script (committed, so tests need no office suite):

* ``returns/`` — five returned 附件2 tables of five units, saved as .xlsx,
  upper-case .XLSX, old .xls, OpenDocument .ods and a GBK .csv (the way a
  county folder arrives), plus ``说明.docx`` (not a table);
* ``school.xls`` / ``school.ods`` — data_examples/school.xlsx saved in the old
  and the OpenDocument format;
* ``awards.xls`` — an award list in the old format.

The .xls/.ods files are converted by LibreOffice (headless, own profile).  The
expected content is ``RETURNS`` / ``AWARDS`` below: tests import them.
"""
from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
YEAR = 2025

# unit → (file name, rows: 姓名, 出生年月, 类别, 完成年度)
RETURNS = {
    "东湖区教育局": ("东湖区.xlsx", [("赵一", "1985.03", 1, YEAR), ("钱二", "1979.11", 2, YEAR)]),
    "西岭县教育局": ("西岭县.XLSX", [("孙三", "1990.01", 1, YEAR)]),
    "南山县教育局": ("南山县.xls", [("李四", "1988.07", 1, YEAR), ("周五", "1983.02", 2, YEAR),
                                   ("吴六", "1992.12", 1, YEAR)]),
    "北塘区教育局": ("北塘区.csv", [("郑七", "1986.05", 2, YEAR)]),
    "青川师范学院": ("师范学院.ods", [("王八", "1981.09", 1, YEAR), ("冯九", "1987.04", 2, YEAR)]),
}
AWARDS = [("张三", "青川市第一中学", "优秀教师"), ("李四", "青川市第二中学", "党员教师先锋")]
HEADER = ["序号", "姓名", "出生年月", "“双培”类别", "完成年度", "备注"]


def return_rows(unit: str) -> list[list]:
    rows = [["“双培”工程实施情况汇总表"], [f"单位名称：{unit}    {YEAR}年12月20日"], HEADER]
    for seq, (name, birth, track, year) in enumerate(RETURNS[unit][1], start=1):
        rows.append([seq, name, birth, str(track), year, ""])
    return rows


def xlsx_bytes(sheets: dict[str, list[list]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def convert(sources: list[Path], fmt: str, outdir: Path) -> None:
    """LibreOffice headless: ``fmt`` is the target filter, e.g. ``xls`` or ``ods``."""
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([binary, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", fmt,
                        "--outdir", str(outdir), *map(str, sources)], check=True, capture_output=True, timeout=300)


def main() -> None:
    returns = HERE / "returns"
    shutil.rmtree(returns, ignore_errors=True)
    returns.mkdir()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for unit, (name, _) in RETURNS.items():
            target = returns / name
            suffix = target.suffix.lower()
            if suffix == ".csv":
                text = io.StringIO()
                csv.writer(text).writerows(return_rows(unit))
                target.write_bytes(text.getvalue().encode("gbk"))
            elif suffix == ".xlsx":
                target.write_bytes(xlsx_bytes({"附件2": return_rows(unit)}))
            else:
                source = tmp / f"{target.stem}.xlsx"
                source.write_bytes(xlsx_bytes({"附件2": return_rows(unit)}))
                convert([source], suffix[1:], returns)
        awards = tmp / "awards.xlsx"
        awards.write_bytes(xlsx_bytes({"表彰": [["姓名", "所在单位", "荣誉称号", "颁发单位", "颁发日期"]]
                                               + [[*a, "中共青川市教育工作委员会", "2025-09-10"] for a in AWARDS]}))
        school = tmp / "school.xlsx"
        shutil.copy(ROOT / "data_examples" / "school.xlsx", school)
        convert([awards, school], "xls", HERE)
        convert([school], "ods", HERE)
    from docx import Document

    document = Document()
    document.add_paragraph("各单位报表说明：请于12月20日前报回附件2。")
    document.save(returns / "说明.docx")
    print("written:", *sorted(p.name for p in HERE.rglob("*") if p.is_file() and p.suffix != ".py"), file=sys.stderr)


if __name__ == "__main__":
    main()


# --- workbooks as offices lay them out (built into a test's tmp folder) -----------------------

SCHOOL = ROOT / "data_examples" / "school.xlsx"


def two_row_header_workbook(target: Path) -> None:
    """school.xlsx with the 双培对象 sheet laid out by hand: a 序号 column, 培养人 and
    第二培养人 merged over 姓名 | 职务, every other header merged over both rows, a
    month-only 建档时间 (2024年3月) on the first trainee, and footer rows."""
    from openpyxl import load_workbook

    wb = load_workbook(SCHOOL)
    ws = wb["双培对象"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    ws.delete_rows(1, ws.max_row)
    header = rows[0]
    top, below = ["序号"], [None]
    for name in header:
        if name in ("培养人", "第二培养人"):
            top.append(name)
            below.append("姓名")
        elif name in ("培养人职务", "第二培养人职务"):
            top.append(None)
            below.append("职务")
        else:
            top.append(name)
            below.append(None)
    ws.append(top)
    ws.append(below)
    for col, (upper, lower) in enumerate(zip(top, below), start=1):
        if lower is None:
            ws.merge_cells(start_row=1, start_column=col, end_row=2, end_column=col)
        elif upper is not None:
            ws.merge_cells(start_row=1, start_column=col, end_row=1, end_column=col + 1)
    filed = header.index("建档时间")
    for seq, values in enumerate(rows[1:], start=1):
        values = list(values)
        if seq == 1:
            values[filed] = "2024年3月"
        ws.append([seq, *values])
    ws.append([])
    ws.append(["合计", f"{len(rows) - 1}人"])
    ws.append(["填表人：王芳", None, None, "审核人：李明"])
    ws.append(["备注说明：培养人职务填写党内职务或行政职务。"])
    wb.save(target)


def award_list_as_typed(target: Path, duplicates: int = 20) -> None:
    """An award list with the headers people type (获奖人, 工作单位, 称号, 发证单位,
    发证日期), a 序号 column, ``duplicates`` exact copies of one row, and a long 备注…"""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["序号", "获奖人", "工作单位", "称号", "发证单位", "发证日期"])
    people = [("张三", "青川市第一中学", "优秀教师"), ("李四", "青川市第二中学", "党员教师先锋")]
    people += [("王五", "青川市实验小学", "优秀党务工作者")] * duplicates
    for seq, person in enumerate(people, start=1):
        ws.append([seq, *person, "中共青川市教育工作委员会", "2025年9月10日"])
    wb.save(target)


# closed lists: (column header in 教师/培养记录/双培对象, as typed, as read) — tests/test_list_variants.py
LIST_VARIANTS = [
    ("骨干层级", "市级骨干", "市级"), ("骨干层级", "市骨干", "市级"), ("骨干层级", "市级骨干教师", "市级"),
    ("骨干层级", "市学科带头人", "市级"), ("骨干层级", "省级骨干", "省级"), ("骨干层级", "省骨干教师", "省级"),
    ("骨干层级", "区级骨干", "县级"), ("骨干层级", "县骨干", "县级"), ("骨干层级", "区县级", "县级"),
    ("骨干层级", "校级骨干教师", "校级"), ("骨干层级", "校骨干", "校级"), ("骨干层级", "市 级", "市级"),
    ("年度考核", "优", "优秀"), ("年度考核", "优秀等次", "优秀"), ("年度考核", "称职", "合格"),
    ("年度考核", "基本称职", "基本合格"), ("年度考核", "不称职", "不合格"),
    ("性别", "男性", "男"), ("性别", "女性", "女"),
    ("政治面貌", "党员", "中共党员"), ("政治面貌", "预备党员", "中共预备党员"), ("政治面貌", "团员", "共青团员"),
    ("形式", "谈心", "谈心谈话"), ("形式", "谈话", "谈心谈话"), ("形式", "听课", "听课指导"),
    ("形式", "听评课", "听课指导"), ("形式", "督导", "业务督导"), ("形式", "教研活动", "专题教研"),
    ("形式", "主题党日活动", "主题党日"), ("形式", "党课", "党课学习"), ("形式", "集体备课活动", "集体备课"),
    ("形式", "其它", "其他"), ("形式", "公开课", "公开课"),
    ("完成情况", "在培", "培养中"), ("完成情况", "进行中", "培养中"), ("完成情况", "完成", "已完成"),
    ("完成情况", "已结束", "已完成"), ("完成情况", "中止", "终止"),
]


# --- a survey-platform export: 30 schools, numbered question headers ---------------------------

SURVEY_SCHOOLS = 30
SURVEY_META = ["序号", "提交答卷时间", "所用时间", "来源", "来自IP"]  # columns a platform adds


def survey_answers() -> list[dict]:
    """Each school's answers: data_examples/answers.yaml with its own name, size and targets
    (the answers derived from the school name — 党组织全称, 发文机关… — left to the tool)."""
    import yaml

    from sp_docs.questionnaire.schema import questions

    base = yaml.safe_load((ROOT / "data_examples" / "answers.yaml").read_text(encoding="utf-8"))
    derived = {q.id for q in questions() if q.derived_text} | {"school_short", "cc", "seal_image"}
    schools = []
    for n in range(1, SURVEY_SCHOOLS + 1):
        answers = {k: v for k, v in base.items() if k not in derived}
        answers.update(school_name=f"青川市第{n}小学", staff_count=40 + n, party_teacher_count=10 + n % 7,
                       backbone_count=8 + n % 5, target1_y1=1 + n % 4, reserve_count=5 + n % 6,
                       brand_name=f"育苗{n}号", doc_number=f"青{n}小党发〔2025〕{n}号")
        schools.append(answers)
    return schools


def _cell_text(value) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "┋".join(value)
    return "" if value is None else str(value)


def survey_table(per_option: bool = False) -> list[list]:
    """Header ``N. 题目`` per question (as 问卷星 numbers them) after the platform's own
    columns; a multiple-choice question one ┋-joined column, or (``per_option``) for
    工作要求 a column per option ``题目:选项`` holding 1/0."""
    from sp_docs.questionnaire.schema import questions

    schools = survey_answers()
    header, getters = list(SURVEY_META), []
    for number, q in enumerate(questions(), start=1):
        if per_option and q.id == "requirements":
            for option in q.choices:
                header.append(f"{number}. {q.title}:{option}")
                getters.append(lambda a, q=q, o=option: "1" if o in (a.get(q.id) or []) else "0")
            continue
        header.append(f"{number}. {q.title}")
        getters.append(lambda a, q=q: _cell_text(a.get(q.id)) if q.id in a else "(跳过)")
    rows = [header]
    for n, answers in enumerate(schools, start=1):
        meta = [n, f"2025/3/{n % 28 + 1} 10:{n:02d}:00", f"{300 + n}秒", "手机提交", "10.0.0.1"]
        rows.append(meta + [get(answers) for get in getters])
    return rows


def survey_csv(target: Path) -> None:
    text = io.StringIO()
    csv.writer(text).writerows(survey_table())
    target.write_bytes(text.getvalue().encode("gbk"))


def survey_xlsx(target: Path) -> None:
    target.write_bytes(xlsx_bytes({"Sheet1": survey_table(per_option=True)}))
