"""附件1: balanced side-by-side groups with their 合计, per-year note, shortfalls,
--by-year, and XLSX/DOCX/PDF agreeing on every row."""
from __future__ import annotations

import re

import pytest

from helpers import docx_tables, pdf_chars, pdf_tables, pdf_text, xlsx_rows
from sp_docs.cli import main
from sp_docs.documents import annex1 as doc
from sp_docs.jobs.annex1 import annex1, read_minimum
from sp_docs.model import Dataset, Track, UnitPlan
from sp_docs.rules import plans

ROOT = "青川市教育工委"
EXAMPLES_DIR = __import__("pathlib").Path(__file__).resolve().parents[1] / "data_examples"


@pytest.fixture(scope="module")
def minimum(city_workbook):
    """The example city's minimum (scaled to its size) from data_examples/rules.yaml."""
    rules = city_workbook.parent / "rules.yaml"
    return read_minimum(rules if rules.is_file() else None) or dict(plans.DEFAULT_MINIMUM)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, city_workbook, minimum):
    out = tmp_path_factory.mktemp("annex1")
    paths, view = annex1(city_workbook, out, unit=ROOT, by_year=True, minimum=minimum)
    return {p.suffix[1:]: p for p in paths}, view


def _cells(rows):
    """Unit rows of the side-by-side layout: (unit, member, backbone) triples, left group first."""
    left, right = [], []
    for row in rows:
        cells = ["" if c is None else str(c).strip() for c in row] + [""] * 7
        if cells[1].isdigit():
            left.append(cells[0:3])
        if cells[5].isdigit():
            right.append(cells[4:7])
    return left + right


def test_groups_balanced_each_with_total(city, rendered):
    _, view = rendered
    assert view.wide and len(view.groups) == 2
    bodies = [g[:-1] for g in view.groups]
    assert abs(len(bodies[0]) - len(bodies[1])) <= 1
    assert sum(len(b) for b in bodies) == len(city.children(ROOT))
    for group in view.groups:
        assert group[-1].unit == "合计"
        assert group[-1].to_member == sum(r.to_member for r in group[:-1])
    grand = sum(g[-1].to_member for g in view.groups)
    assert grand == sum(p.to_member for p in city.plans)


def test_note_has_real_yearly_totals_and_shortfall(city, rendered, minimum):
    _, view = rendered
    for year, (member, backbone) in plans.yearly_totals(city).items():
        assert f"{year}年骨干教师培养成党员{member}人、党员教师培养成骨干{backbone}人" in view.note
    expected = plans.plan_shortfalls(city, minimum)
    assert expected, "the example city has a deliberate plan shortfall"
    assert view.shortfalls == [s.describe() for s in expected]
    for s in expected:
        assert f"比最低数少{s.missing}人" in view.note
    years = sorted({p.year for p in city.plans})
    assert f"（{years[0]}—{years[-1]}）" in view.title_line2


def test_formats_agree(rendered, city, minimum):
    files, view = rendered
    expected = [[r.unit, str(r.to_member), str(r.to_backbone)] for g in view.groups for r in g]
    xlsx = _cells(xlsx_rows(files["xlsx"], "附件1"))
    docx = _cells(docx_tables(files["docx"])[0])
    # the gap column has no rules, so the PDF shows two 3-column tables side by side
    pdf = [r[:3] for r in pdf_tables(files["pdf"]) if len(r) == 3 and r[1].strip().isdigit()][:len(expected)]
    key = sorted
    assert key(xlsx) == key(expected)
    assert key(docx) == key(expected)
    assert key(pdf) == key(expected)
    years = [[str(c) for c in r] for r in xlsx_rows(files["xlsx"], "分年度")[2:]]
    assert years == view.year_table()
    assert [r for r in docx_tables(files["docx"])[1][1:]] == view.year_table()
    text = re.sub(r"\s", "", pdf_text(files["pdf"]))
    for s in plans.plan_shortfalls(city, minimum):
        assert f"{s.year}年各单位计划" in text and f"差{s.missing}人" in text
    assert re.sub(r"\s", "", view.note) in text


def test_pdf_title_and_table_sizes(rendered):
    files, _ = rendered
    chars = pdf_chars(files["pdf"])[0]
    title = [c for c in chars if c["text"] == "施"]
    assert title and title[0]["size"] == pytest.approx(22, abs=0.5)
    cells = [c for c in chars if c["text"] == "东"]
    assert cells and cells[0]["size"] >= 10


def test_short_list_single_group(city):
    view = doc.build(city, "西岭县教育局")
    assert not view.wide and [r.unit for r in view.groups[0]][-1] == "合计"
    assert not view.shortfalls  # the city minimum is not applied to one county
    assert "西岭县教育局再对各单位上报计划进行调整" in view.note and "市委教育工委" not in view.note


def test_split_balanced():
    assert [len(g) for g in doc.split_balanced(list(range(8)))] == [8]
    assert [len(g) for g in doc.split_balanced(list(range(9)))] == [5, 4]
    assert [len(g) for g in doc.split_balanced(list(range(20)))] == [10, 10]


def test_cli_minimum_options_and_settings(city_workbook, tmp_path, runner):
    settings = tmp_path / "s.yaml"
    settings.write_text("min_member: 100\nmin_backbone: 300\n", encoding="utf-8")
    result = runner.invoke(main, ["annex", "1", str(city_workbook), "-o", str(tmp_path / "o"), "--format", "xlsx",
                                  "--settings", str(settings)])
    assert result.exit_code == 0, result.output
    assert "计划缺口" in result.output and "300" in result.output
    result = runner.invoke(main, ["annex", "1", str(city_workbook), "-o", str(tmp_path / "p"), "--format", "xlsx",
                                  "--min-member", "0", "--min-backbone", "0"])
    assert result.exit_code == 0 and "计划缺口" not in result.output


def test_plan_shortfalls_api():
    data = Dataset(plans=[UnitPlan("甲", 2024, 100, 200), UnitPlan("乙", 2024, 46, 36),
                          UnitPlan("甲", 2025, 150, 240), UnitPlan("乙", 2025, 1, 1)])
    found = plans.plan_shortfalls(data, {"to_member": 150, "to_backbone": 240})
    assert [(s.year, s.track, s.planned, s.minimum, s.missing) for s in found] == \
        [(2024, Track.TO_MEMBER, 146, 150, 4), (2024, Track.TO_BACKBONE, 236, 240, 4)]
    assert plans.plan_shortfalls(data, units=["甲"]) == [
        plans.Shortfall(2024, Track.TO_MEMBER, 100, 150), plans.Shortfall(2024, Track.TO_BACKBONE, 200, 240)]
    assert plans.yearly_totals(data) == {2024: (146, 236), 2025: (151, 241)}


@pytest.mark.slow
@pytest.mark.skipif(not __import__("helpers").libreoffice_available(), reason="LibreOffice not installed")
def test_docx_opens_in_libreoffice(rendered, tmp_path):
    from helpers import libreoffice_to_pdf

    files, view = rendered
    pdf = libreoffice_to_pdf(files["docx"], tmp_path)
    text = re.sub(r"\s", "", pdf_text(pdf))
    assert view.title_line2 in text
    for group in view.groups:
        for row in group[:-1]:
            assert row.unit in text


def _county() -> Dataset:
    from sp_docs.model import Unit

    units = [Unit("云溪县教育局"), Unit("云溪县第一中学", "云溪县教育局"), Unit("云溪县实验小学", "云溪县教育局")]
    return Dataset(units=units, plans=[UnitPlan("云溪县第一中学", 2024, 2, 2), UnitPlan("云溪县实验小学", 2024, 1, 1),
                                       UnitPlan("云溪县第一中学", 2025, 3, 2)])


def test_no_minimum_no_comparison_and_neutral_note():
    """A county's own data: no city minimum (150/240) unless one is given; the note names
    the county's top unit, not 市委教育工委."""
    view = doc.build(_county())
    assert not view.shortfalls and not view.minimum_given
    assert "150" not in view.note and "240" not in view.note and "最低" not in view.note
    assert "市委教育工委" not in view.note and "云溪县教育局再对各单位上报计划进行调整" in view.note
    given = doc.build(_county(), minimum={"to_member": 4})
    assert given.minimum_given and "达到4人" in given.note
    assert sorted((s.year, int(s.track)) for s in doc.rules.plan_shortfalls(_county(), {"to_member": 4})) == \
        [(2024, 1), (2024, 2), (2025, 1), (2025, 2)]
    assert len(given.shortfalls) == 2 and all("骨干教师培养成共产党员" in t for t in given.shortfalls)
    assert "240" not in given.note  # only the track given is compared


def test_cli_without_minimum_hints_and_names_file_after_root(tmp_path, runner):
    school = EXAMPLES_DIR / "school.xlsx"
    result = runner.invoke(main, ["annex", "1", str(school), "-o", str(tmp_path), "--format", "xlsx,docx"])
    assert result.exit_code == 0, result.output
    assert "计划缺口：" not in result.output and "没有给出每年最低数" in result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names and all("_青川市实验小学_" in n and "全部" not in n for n in names)
    from helpers import docx_text

    text = docx_text(next(tmp_path.glob("*.docx")))
    assert "市委教育工委" not in text and "150" not in text and "青川市实验小学再对各单位" in text


def test_annex2_notes_name_the_root_unit(city):
    from sp_docs.documents import annex2

    view = annex2.build(city, "西岭县教育局")
    assert not any("市委教育工委" in n for n in view.notes)
    assert "青川市教育工委按照各单位上报情况进行调整" in view.notes[1]


def _shortfall_lines(text: str) -> list[str]:
    return re.findall(r"计划缺口：.*?。", re.sub(r"\s", "", text))


def test_shortfall_lines_agree_in_all_three_formats(rendered):
    """As found: the XLSX lacked the 计划缺口 lines its PDF and DOCX carry."""
    from helpers import docx_text

    files, view = rendered
    expected = [re.sub(r"\s", "", line) for line in view.shortfall_lines]
    assert expected and all(line.startswith("计划缺口：") for line in expected)
    xlsx = "\n".join(str(c) for row in xlsx_rows(files["xlsx"], "附件1") for c in row if c != "")
    assert _shortfall_lines(xlsx) == expected
    assert _shortfall_lines(docx_text(files["docx"])) == expected
    assert _shortfall_lines(pdf_text(files["pdf"])) == expected
    for fmt_text in (xlsx, docx_text(files["docx"]), pdf_text(files["pdf"])):
        assert re.sub(r"\s", "", "注：" + view.note) in re.sub(r"\s", "", fmt_text)


def test_cli_minimum_shortfalls_reach_the_xlsx(city, city_workbook, tmp_path, runner):
    from openpyxl import load_workbook

    result = runner.invoke(main, ["annex", "1", str(city_workbook), "--min-member", "14", "--min-backbone", "21",
                                  "-o", str(tmp_path), "--format", "xlsx"])
    assert result.exit_code == 0, result.output
    expected = [f"计划缺口：{s.describe()}。" for s in plans.plan_shortfalls(city, {"to_member": 14, "to_backbone": 21})]
    assert len(expected) == 4
    [path] = tmp_path.glob("*.xlsx")
    ws = load_workbook(path)["附件1"]
    cell = next(c for row in ws.iter_rows() for c in row if str(c.value or "").startswith("计划缺口："))
    assert cell.value.split("\n") == expected
    assert ws.row_dimensions[cell.row].height >= 4 * 10 * 1.5  # tall enough to show every line
