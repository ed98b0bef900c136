"""Every kind of workbook the tool writes prints as it is (issue 10): A4 with the
orientation set, one page wide, print titles, margins, a page-number footer,
frozen header rows; numbers stored as numbers, ratios with a % format, totals as
SUM formulas with their values saved; rows tall enough for their wrapped text.
LibreOffice (standing in for Excel/WPS) converts each kind to PDF and the PDF is
measured: one ledger per page width with its title and borders, 全市汇总表 on
landscape A4, long 备注 printed in full."""
from __future__ import annotations

import math
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest
from openpyxl import load_workbook

from helpers import libreoffice_available

EXAMPLES = Path(__file__).resolve().parents[1] / "data_examples"
LEDGER_UNIT = "青川市第一中学"
ROOT_UNIT = "青川市教育工委"
YEAR = 2025


@pytest.fixture(scope="session")
def workbooks(tmp_path_factory, city_workbook, city) -> dict[str, Path]:
    """One workbook of each kind, written by the jobs from the example data."""
    from sp_docs.jobs.annex1 import annex1, read_minimum
    from sp_docs.jobs.annex2 import annex2
    from sp_docs.jobs.ledgers import ledgers
    from sp_docs.jobs.mentors import mentors
    from sp_docs.jobs.merge import merge
    from sp_docs.jobs.points import points
    from sp_docs.documents import report as report_doc
    from sp_docs.jobs.report import figures_workbook
    from sp_docs.rules.config import load_settings
    from sp_docs.rules.programme import run_rules
    from sp_docs.jobs.rules import run_check, write_input_problems
    from sp_docs.sources import load_dataset
    from sp_docs.sources.blank import blank_workbook

    out = tmp_path_factory.mktemp("workbooks")
    found: dict[str, Path] = {}
    found["附件1"] = annex1(city_workbook, out / "a1", unit=ROOT_UNIT, by_year=True,
                          minimum=read_minimum(EXAMPLES / "rules.yaml"), formats=["xlsx"]).written[0]
    found["附件2"] = annex2(city_workbook, ROOT_UNIT, out / "a2", year=YEAR, formats=["xlsx"]).written[0]
    returns = [annex2(city_workbook, u.name, out / "returns", year=YEAR, formats=["xlsx"]).written[0]
               for u in city.children(ROOT_UNIT)]
    found["全市汇总表"] = merge(returns, out / "汇总" / "全市汇总表.xlsx", plan=city_workbook)[0]
    ledgers(city_workbook, out / "ledgers", unit=LEDGER_UNIT, formats=("xlsx",))
    found["培养台账"] = out / "ledgers" / f"培养台账_{LEDGER_UNIT}.xlsx"
    found["目录"] = out / "ledgers" / "目录.xlsx"
    found["结对帮带名单"] = mentors(city_workbook, LEDGER_UNIT, out / "mentors", formats=["xlsx"]).written[0]
    ranking, candidates = points(city_workbook, out / "points", achievements=EXAMPLES / "points_achievements.yaml",
                                 year=YEAR, top_percent=10)[0]
    found["党员积分"], found["推荐人选名单"] = ranking, candidates
    # the report's data workbook as the report job writes it (its PDF is tested in test_report)
    view = report_doc.build(city, None, run_rules(city, load_settings(None)))
    found["统计报告数据"] = out / "统计报告_数据.xlsx"
    found["统计报告数据"].write_bytes(figures_workbook(view))
    found["问题清单"] = run_check(city, EXAMPLES / "rules.yaml", out / "问题清单.xlsx")[1]
    _, problems = load_dataset(Path(__file__).parent / "fixtures" / "mistakes.xlsx")
    found["填写问题"] = write_input_problems(problems, out / "填写问题.xlsx")
    (out / "双培数据.xlsx").write_bytes(blank_workbook())
    found["数据工作簿"] = out / "双培数据.xlsx"
    from sp_docs.questionnaire.answers import defaults
    from sp_docs.questionnaire.workbook import build_workbook

    (out / "问卷.xlsx").write_bytes(build_workbook(defaults()))
    found["问卷"] = out / "问卷.xlsx"
    return found


KINDS = ["附件1", "附件2", "全市汇总表", "培养台账", "目录", "结对帮带名单", "党员积分", "推荐人选名单",
         "统计报告数据", "问题清单", "填写问题", "数据工作簿", "问卷"]


def _sheets(path: Path, data_only: bool = False):
    return [ws for ws in load_workbook(path, data_only=data_only).worksheets if ws.sheet_state == "visible"]


@pytest.mark.parametrize("kind", KINDS)
def test_every_sheet_prints_on_a4_one_page_wide(workbooks, kind):
    for ws in _sheets(workbooks[kind]):
        setup = ws.page_setup
        where = f"{kind} / {ws.title}"
        assert setup.paperSize == 9, where
        assert setup.orientation in ("portrait", "landscape"), where
        assert ws.sheet_properties.pageSetUpPr.fitToPage, where
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), where
        assert ws.print_title_rows, where
        assert "第 &P 页" in ws.oddFooter.center.text and "共 &N 页" in ws.oddFooter.center.text, where
        assert ws.page_margins.left >= 0.5 and ws.page_margins.top >= 0.5, where
        if ws.title != "填写说明":
            assert ws.freeze_panes, where
            header_row = int(ws.print_title_rows.split(":")[-1].strip("$"))
            assert int(ws.freeze_panes.lstrip("ABCDEFGHIJ")) == header_row + 1, where


def _column(ws, header: str, header_row: int | None = None) -> list:
    for row in ws.iter_rows(max_row=header_row or 8):
        for cell in row:
            if cell.value == header:
                found = []
                for r in range(cell.row + 1, ws.max_row + 1):
                    below = ws.cell(row=r, column=cell.column)
                    if below.coordinate in ws.merged_cells:  # the notes under the table
                        break
                    if below.value not in (None, ""):
                        found.append(below)
                return found
    raise AssertionError(f"{ws.title}: no column {header}")


@pytest.mark.parametrize("kind, sheet, headers", [
    ("附件2", "附件2", ["序号", "“双培”类别", "完成年度"]),
    ("全市汇总表", "汇总表", ["序号", "“双培”类别", "完成年度"]),
    ("全市汇总表", "计划对比", ["年度", "计划数"]),
    ("结对帮带名单", "结对帮带名单", ["序号", "“双培”类别"]),
    ("结对帮带名单", "培养人名单", ["类别"]),
    ("目录", "目录", ["序号", "培养记录条数"]),  # 起始页/页数 come with the PDF
    ("统计报告数据", "计划与完成", ["年度", "类别", "计划", "完成"]),
    ("党员积分", "总排名", ["总排名", "总分"]),
    ("附件1", "分年度", ["年度", "骨干教师培养成共产党员数"]),
])
def test_numbers_are_stored_as_numbers(workbooks, kind, sheet, headers):
    ws = load_workbook(workbooks[kind], data_only=True)[sheet]
    for header in headers:
        cells = _column(ws, header)
        assert cells, (kind, sheet, header)
        wrong = [(c.coordinate, c.value) for c in cells if not isinstance(c.value, (int, float))
                 and c.value != "未上报"]
        assert not wrong, (kind, sheet, header, wrong[:5])


@pytest.mark.parametrize("kind, sheet, header", [
    ("统计报告数据", "计划与完成", "完成率"),
    ("统计报告数据", "双培对象占教职工比例", "比例"),
    ("全市汇总表", "计划对比", "完成率"),
])
def test_ratios_are_numbers_with_a_percent_format(workbooks, kind, sheet, header):
    ws = load_workbook(workbooks[kind])[sheet]
    cells = _column(ws, header)
    assert cells
    for c in cells:
        assert isinstance(c.value, float | int) and 0 <= c.value <= 5, (c.coordinate, c.value)
        assert c.number_format.endswith("%"), (c.coordinate, c.number_format)


def _formula_cells(path: Path, sheet: str):
    formulas = load_workbook(path)[sheet]
    values = load_workbook(path, data_only=True)[sheet]
    return [(c.coordinate, c.value, values[c.coordinate].value) for row in formulas.iter_rows() for c in row
            if c.data_type == "f"]


def test_annex1_totals_are_sum_formulas_with_saved_values(workbooks, city):
    from sp_docs.documents.annex1 import build

    view = build(city, ROOT_UNIT, by_year=True)
    expected = sorted(v for g in view.groups for v in (g[-1].to_member, g[-1].to_backbone))
    cells = _formula_cells(workbooks["附件1"], "附件1")
    assert len(cells) == len(expected)
    assert all(f.startswith("=SUM(") for _, f, _ in cells)
    assert sorted(v for _, _, v in cells) == expected
    by_year = _formula_cells(workbooks["附件1"], "分年度")
    year_totals = sorted(v for r in view.year_rows if r.total for v in (r.to_member, r.to_backbone))
    assert all(f.startswith("=SUMIF(") for _, f, _ in by_year)
    assert sorted(v for _, _, v in by_year) == year_totals


def test_points_and_report_totals_are_formulas_with_saved_values(workbooks):
    ranking = _formula_cells(workbooks["党员积分"], "总排名")
    assert ranking and all(f.startswith("=SUM(") for _, f, _ in ranking)
    ws = load_workbook(workbooks["党员积分"], data_only=True)["总排名"]
    header = [c.value for c in ws[1]]
    first, last = header.index("教学业绩"), header.index("总分")
    for row in ws.iter_rows(min_row=2, values_only=True):
        assert row[last] == sum(row[first:last]), row
    status = _formula_cells(workbooks["统计报告数据"], "双培对象完成情况")
    assert len(status) == 2 and all(isinstance(v, int) and v > 0 for _, _, v in status)


def _needed_lines(text: str, width_units: float, size: float) -> int:
    """Lines the text needs, measured independently of the layout module: a Chinese
    character is ``size`` pt wide, a column-width unit is 7 px = 5.25 pt (Calibri 11)."""
    width_pt = width_units * 5.25 - 6
    lines = 0
    for part in str(text).split("\n"):
        text_pt = sum(size if ord(ch) > 0x2E80 else size * 0.5 for ch in part)
        lines += max(1, math.ceil(text_pt / width_pt))
    return lines


@pytest.mark.parametrize("kind", ["附件2", "全市汇总表", "培养台账", "结对帮带名单", "问题清单", "填写问题", "附件1", "问卷"])
def test_rows_are_tall_enough_for_their_wrapped_text(workbooks, kind):
    from openpyxl.utils import get_column_letter

    checked = 0
    for ws in _sheets(workbooks[kind]):
        merged = {(m.min_row, m.min_col): m for m in ws.merged_cells.ranges}
        covered = {(r, c) for m in ws.merged_cells.ranges for r in range(m.min_row, m.max_row + 1)
                   for c in range(m.min_col, m.max_col + 1)} - set(merged)
        for row in ws.iter_rows():
            for cell in row:
                if not isinstance(cell.value, str) or cell.data_type == "f" or not cell.alignment.wrap_text \
                        or (cell.row, cell.column) in covered:
                    continue
                span = merged.get((cell.row, cell.column))
                if span is not None and span.max_row > span.min_row:
                    continue
                cols = range(cell.column, (span.max_col if span else cell.column) + 1)
                width = sum(ws.column_dimensions[get_column_letter(c)].width or 8.43 for c in cols)
                size = cell.font.sz or 11
                height = ws.row_dimensions[cell.row].height
                need = _needed_lines(cell.value, width, size) * size * 1.2
                assert height is not None and height >= need, (kind, ws.title, cell.coordinate, cell.value, height, need)
                checked += 1
    assert checked


def test_long_notes_of_annex2_get_taller_rows(workbooks):
    ws = load_workbook(workbooks["附件2"])["附件2"]
    long_rows = [c.row for c in _column(ws, "备注") if len(c.value) > 14]
    short_rows = [c.row for c in _column(ws, "备注") if len(c.value) <= 6]
    assert long_rows
    assert all(ws.row_dimensions[r].height > 30 for r in long_rows)
    assert all(ws.row_dimensions[r].height <= 30 for r in short_rows)


def test_ledger_workbook_is_the_ledger_form(workbooks, city):
    wb = load_workbook(workbooks["培养台账"])
    trainees = [t for t in city.trainees if t.unit == LEDGER_UNIT]
    assert len(wb.worksheets) == len(trainees)
    for ws in wb.worksheets:
        assert ws["A1"].value.endswith("培养台账") and "A1:E1" in ws.merged_cells
        assert ws.page_setup.orientation == "portrait" and ws.print_title_rows == "$3:$6"
        assert [ws.cell(row=6, column=c).value for c in range(1, 6)] == ["日期", "形式", "培养记录", "培养人", "地点"]
        for row in ws.iter_rows(min_row=3, max_row=ws.max_row):
            for cell in row:
                if cell.coordinate not in ws.merged_cells or any(cell.coordinate == m.start_cell.coordinate
                                                                 for m in ws.merged_cells.ranges):
                    assert cell.border.left.style == "thin" or cell.border.top.style == "thin", \
                        (ws.title, cell.coordinate)
        assert ws.cell(row=ws.max_row, column=2).value.startswith("培养人签名")


# --- LibreOffice -----------------------------------------------------------------------------

@pytest.fixture(scope="session")
def printed(workbooks, tmp_path_factory) -> dict[str, Path]:
    """Every workbook converted to PDF by LibreOffice headless, in one run."""
    if not libreoffice_available():
        pytest.skip("LibreOffice 未安装")
    out = tmp_path_factory.mktemp("printed")
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    sources = []
    for kind in KINDS:
        target = out / f"{kind}.xlsx"
        shutil.copy(workbooks[kind], target)
        sources.append(str(target))
    subprocess.run([binary, f"-env:UserInstallation=file://{out / 'lo-profile'}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out), *sources], check=True, capture_output=True, timeout=600)
    return {kind: out / f"{kind}.pdf" for kind in KINDS}


@pytest.mark.parametrize("kind", KINDS)
def test_libreoffice_prints_each_kind_on_a4(printed, workbooks, kind):
    assert printed[kind].is_file(), kind
    with pdfplumber.open(printed[kind]) as pdf:
        assert pdf.pages
        for page in pdf.pages:
            size = sorted((round(page.width), round(page.height)))
            assert size == [595, 842], (kind, page.page_number, page.width, page.height)
        text = "".join((p.extract_text() or "") for p in pdf.pages)
    first = _sheets(workbooks[kind])[0]
    header = next(c.value for c in first[int(first.print_title_rows.split(":")[-1].strip("$"))]
                  if isinstance(c.value, str) and c.value.strip())
    assert header.replace(" ", "").replace("*", "") in text.replace(" ", ""), (kind, header)
    assert "第1页共" in text.replace(" ", ""), kind  # the page-number footer


def test_libreoffice_ledger_one_sheet_per_page_with_title_and_borders(printed, workbooks):
    wb = load_workbook(workbooks["培养台账"])
    with pdfplumber.open(printed["培养台账"]) as pdf:
        assert len(pdf.pages) == len(wb.worksheets)  # no column strips, no overflow page
        for page, ws in zip(pdf.pages, wb.worksheets):
            assert (round(page.width), round(page.height)) == (595, 842)
            text = page.extract_text().replace(" ", "")
            assert ws["A1"].value in text
            assert f"培养对象{ws['B4'].value}" in text.replace("\n", "")
            for header in ("日期", "形式", "培养记录", "培养人", "地点"):
                assert header in text, (ws.title, header)  # every column on the page
            assert "培养人签名" in text
            edges = page.lines + page.rects + page.edges
            assert len(edges) >= 20, (ws.title, len(edges))  # the ruled form


def test_libreoffice_city_rollup_is_landscape_and_source_files_readable(printed, workbooks):
    ws = load_workbook(workbooks["全市汇总表"])["汇总表"]
    files = {c.value for c in _column(ws, "来源文件")}
    with pdfplumber.open(printed["全市汇总表"]) as pdf:
        first = pdf.pages[0]
        assert (round(first.width), round(first.height)) == (842, 595)
        text = "".join(p.extract_text() or "" for p in pdf.pages).replace("\n", "")
        overlaps = []
        for page in pdf.pages:
            words = page.extract_words()
            overlaps += [(a["text"], b["text"]) for a in words for b in words if a is not b
                         and abs(a["top"] - b["top"]) < 2 and a["x0"] < b["x0"] < a["x1"] - 1]
    for name in files:
        assert name in text, name
    assert not overlaps, overlaps[:5]


def test_libreoffice_prints_long_notes_and_saved_totals(printed, workbooks):
    ws = load_workbook(workbooks["附件2"])["附件2"]
    column_text = ""  # the 备注 column read line by line, page by page
    with pdfplumber.open(printed["附件2"]) as pdf:
        for page in pdf.pages:
            words = page.extract_words()
            heads = [w for w in words if w["text"] == "完成年度"]
            if not heads:
                continue
            left = heads[0]["x1"] + 2
            notes = [w for w in words if w["x0"] > left and w["top"] > heads[0]["bottom"]
                     and not w["text"].startswith("第")]
            column_text += "".join(w["text"] for w in sorted(notes, key=lambda w: (round(w["top"]), w["x0"])))
    for cell in _column(ws, "备注"):
        assert cell.value.replace(" ", "") in column_text, cell.value  # not cut by the row height
    totals = [v for _, _, v in _formula_cells(workbooks["附件1"], "附件1")]
    with pdfplumber.open(printed["附件1"]) as pdf:
        first_sheet = pdf.pages[0]  # the 附件1 sheet fits one page; 分年度 follows
        rows = [r for r in (first_sheet.extract_text() or "").split("\n") if r.startswith("合计")]
    assert rows
    shown = [int(x) for r in rows for x in r.replace("合计", " ").split()]
    assert sorted(shown) == sorted(totals), (rows, totals)


def test_annex1_without_year_sheet_keeps_saved_totals(tmp_path, city_workbook):
    from sp_docs.jobs.annex1 import annex1

    path = annex1(city_workbook, tmp_path, unit=ROOT_UNIT, formats=["xlsx"]).written[0]
    assert load_workbook(path).sheetnames == ["附件1"]
    cells = _formula_cells(path, "附件1")
    assert cells and all(isinstance(v, int) for _, _, v in cells)


@pytest.mark.parametrize("kind", KINDS)
def test_parts_as_excel_writes_them(workbooks, kind):
    """Shared strings (no inline strings), font properties in schema order, formula values saved."""
    import re
    import zipfile

    with zipfile.ZipFile(workbooks[kind]) as package:
        names = package.namelist()
        sheets = [package.read(n).decode("utf-8") for n in names if n.startswith("xl/worksheets/sheet")]
        styles = package.read("xl/styles.xml").decode("utf-8")
        assert "xl/sharedStrings.xml" in names
        assert "sharedStrings+xml" in package.read("[Content_Types].xml").decode("utf-8")
    assert not any('t="inlineStr"' in s for s in sheets)
    assert all(re.search(r"<f>[^<]*</f><v>", s) for s in sheets if "<f>" in s)
    for font in re.findall(r"<font>(.*?)</font>", styles):
        tags = re.findall(r"<(\w+)", font)
        assert tags.index("sz") < tags.index("name") if "sz" in tags and "name" in tags else True, font


def test_every_kind_is_schema_valid(workbooks):
    audit = pytest.importorskip("openxml_audit")
    found = {}
    for kind in KINDS:
        result = audit.OpenXmlValidator(max_errors=20).validate(workbooks[kind])
        if result.errors:
            found[kind] = [f"{getattr(e, 'part_uri', '')} {e.description[:120]}" for e in result.errors]
    assert not found
