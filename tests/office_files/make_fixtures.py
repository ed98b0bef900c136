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
