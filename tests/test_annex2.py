"""附件2: the three formats agree with each other and with the data."""
from pathlib import Path

import pytest

from helpers import docx_document, docx_tables, pdf_chars, pdf_pages_text, pdf_tables, xlsx_rows
from sp_docs.cli import main
from sp_docs.documents import annex2
from sp_docs.jobs.annex2 import annex2 as make_annex2
from sp_docs.model import Track
from sp_docs.sources.normalize import format_year_month

ROOT_UNIT = "青川市教育工委"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, city_workbook):
    out = tmp_path_factory.mktemp("annex2")
    paths, view = make_annex2(city_workbook, ROOT_UNIT, out, year=2025)
    return {p.suffix[1:]: p for p in paths}, view


def test_rows_follow_the_data(city):
    view = annex2.build(city, ROOT_UNIT, 2025)
    units = set(city.subtree(ROOT_UNIT))
    expected = {t.key for t in city.trainees
                if t.unit in units and t.completion_year == 2025 and t.status != "终止"}
    assert {(r.unit, r.name) for r in view.rows} == expected
    assert [r.seq for r in view.rows] == list(range(1, len(expected) + 1))
    tracks = [r.track for r in view.rows]
    assert tracks == sorted(tracks), "track 1 rows come before track 2"
    teachers = {(t.unit, t.name): t for t in city.teachers}
    for row in view.rows:
        assert row.birth == format_year_month(teachers[(row.unit, row.name)].birth)
        assert row.year == "2025"


def test_sub_unit_only_holds_its_own(city):
    unit = city.children(city.roots()[0].name)[0].name
    view = annex2.build(city, unit, 2025)
    allowed = set(city.subtree(unit))
    assert all(r.unit in allowed for r in view.rows)


def test_three_formats_agree(rendered):
    files, view = rendered
    expected = view.table()
    assert len(expected) > 20

    xlsx = [[str(c) for c in row[:6]] for row in xlsx_rows(files["xlsx"])]
    start = next(i for i, row in enumerate(xlsx) if row[0] == "序号") + 1
    assert xlsx[start:start + len(expected)] == expected

    table = docx_tables(files["docx"])[0]
    assert table[0] == list(annex2.COLUMNS)
    assert table[1:] == expected

    pdf_rows = [row for row in pdf_tables(files["pdf"]) if row and row[0].isdigit()]
    assert pdf_rows == expected


def test_pdf_layout(rendered):
    files, view = rendered
    pages = pdf_pages_text(files["pdf"])
    assert len(pages) >= 2
    assert view.title in pages[0].replace("\n", "")
    assert "单位名称：" + ROOT_UNIT in pages[0]
    for number, text in enumerate(pages, start=1):
        assert "序号" in text, "the header row repeats on every page"
        assert f"— {number} —" in text or f"—{number}—" in text.replace(" ", "")
    chars = pdf_chars(files["pdf"])[0]
    title_sizes = {round(c["size"]) for c in chars if c["text"] in view.title}
    assert 22 in title_sizes
    # GB/T 9704: type area starts 37 mm from the top (first glyphs sit inside
    # the first 10.2 mm line), 28 mm from the left
    top_mm = min(c["top"] for c in chars) / 72 * 25.4
    left_mm = min(c["x0"] for c in chars) / 72 * 25.4
    assert 37 <= top_mm <= 37 + 10.2 and 27.5 <= left_mm <= 30
    assert "“1”填前，“2”填后" in pages[-1]


def test_docx_names_official_fonts_and_repeats_header(rendered):
    files, _ = rendered
    document = docx_document(files["docx"])
    xml = document.element.xml
    assert 'w:eastAsia="仿宋_GB2312"' in xml and 'w:eastAsia="方正小标宋简体"' in xml
    header_row = document.tables[0].rows[0]._tr
    assert "tblHeader" in header_row.xml
    section = document.sections[0]
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28


def test_existing_output_is_kept_unless_forced(tmp_path, city_workbook, runner):
    args = ["annex", "2", str(city_workbook), "--unit", ROOT_UNIT, "--year", "2025", "-o", str(tmp_path),
            "--format", "xlsx"]
    assert runner.invoke(main, args).exit_code == 0
    target = next(tmp_path.glob("*.xlsx"))
    target.write_bytes(b"keep me")
    result = runner.invoke(main, args)
    assert result.exit_code == 1 and "--force" in result.output
    assert target.read_bytes() == b"keep me"
    assert runner.invoke(main, args + ["--force"]).exit_code == 0
    assert target.read_bytes() != b"keep me"
    assert not list(tmp_path.glob(".tmp-*")), "no temp files left behind"


def test_unknown_unit_is_a_chinese_error(runner, city_workbook, tmp_path):
    result = runner.invoke(main, ["annex", "2", str(city_workbook), "--unit", "东湖区", "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert "没有单位“东湖区”" in result.output and "东湖区教育局" in result.output
    assert "Traceback" not in result.output


def test_user_values_print_literally(tmp_path, runner):
    data = tmp_path / "d.yaml"
    data.write_text("""
单位:
  - {单位名称: 测试学校}
教师:
  - {姓名: 张三, 出生年月: 1985.03, 所在单位: 测试学校, 政治面貌: 群众}
  - {姓名: 李四, 出生年月: 1980.05, 所在单位: 测试学校, 政治面貌: 中共党员, 入党时间: 2005.07.01}
双培对象:
  - {姓名: 张三, 所在单位: 测试学校, 双培类别: 1, 培养人: 李四, 建档时间: 2024.09.01, 计划完成年度: 2025,
     备注: "A & B <w:t>x</w:t> {{ 7*7 }}"}
""", encoding="utf-8")
    result = runner.invoke(main, ["annex", "2", str(data), "--unit", "测试学校", "-o", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    literal = "A & B <w:t>x</w:t> {{ 7*7 }}"
    out = tmp_path / "o"
    assert docx_tables(next(out.glob("*.docx")))[0][1][5] == literal
    assert xlsx_rows(next(out.glob("*.xlsx")))[4][5] == literal
    pdf_row = next(row for row in pdf_tables(next(out.glob("*.pdf"))) if row[0] == "1")
    assert pdf_row[5].replace(" ", "") == literal.replace(" ", "")


def test_character_no_font_has_is_reported(tmp_path, runner):
    data = tmp_path / "d.yaml"
    data.write_text("""
单位:
  - {单位名称: 测试学校}
教师:
  - {姓名: "张\ue000", 出生年月: 1985.03, 所在单位: 测试学校, 政治面貌: 群众}
  - {姓名: 李四, 出生年月: 1980.05, 所在单位: 测试学校, 政治面貌: 中共党员, 入党时间: 2005.07.01}
双培对象:
  - {姓名: "张\ue000", 所在单位: 测试学校, 双培类别: 1, 培养人: 李四, 建档时间: 2024.09.01, 计划完成年度: 2025}
""", encoding="utf-8")
    result = runner.invoke(main, ["annex", "2", str(data), "--unit", "测试学校", "-o", str(tmp_path / "o")])
    assert result.exit_code == 1  # the files are written, and the exit status says a row is not right
    assert "第1行" in result.output and "U+E000" in result.output and "空框" in result.output
