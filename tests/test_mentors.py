"""结对帮带名单 / 谈心谈话记录: rows equal the data in XLSX and PDF, empty quarters shown."""
from __future__ import annotations

import copy

from helpers import pdf_text, xlsx_rows
from test_rules import VIOLATIONS, load, small_programme


def test_mentors_xlsx_pdf(tmp_path, runner):
    from sp_docs.cli import main

    content = copy.deepcopy(small_programme())
    VIOLATIONS["quarterly_talks"][0](content)      # 王一 has no talk in 2025 Q2
    VIOLATIONS["mentors"][0](content)              # 王一 gets a second mentor 钱群
    _, path = load(tmp_path, content)
    out = tmp_path / "out"
    result = runner.invoke(main, ["mentors", str(path), "--unit", "甲中学", "-o", str(out)])
    assert result.exit_code == 0, result.output
    xlsx = next(out.glob("*.xlsx"))
    pairs = xlsx_rows(xlsx, "结对帮带名单")
    assert pairs[0][:5] == ["序号", "姓名", "所在单位", "“双培”类别", "培养人"]
    assert [r[1] for r in pairs[1:]] == ["王一", "张二"]            # track 1 first, only 甲中学
    assert pairs[1][6] == "钱群" and pairs[1][8] == "2025.01.10"
    talks = xlsx_rows(xlsx, "谈心谈话记录")
    wang = [r for r in talks[1:] if r[0] == "王一"]
    assert [r[2] for r in wang] == ["2025年第1季度", "2025年第2季度", "2025年第3季度", "2025年第4季度"][:len(wang)]
    assert wang[1][5] == "本季度无谈心谈话记录"
    mentors = xlsx_rows(xlsx, "培养人名单")
    assert {(r[0], r[3]) for r in mentors[1:]} == {("李师", "王一"), ("钱群", "王一"), ("赵师", "张二")}
    text = pdf_text(next(out.glob("*.pdf")))
    for word in ("结对帮带名单", "谈心谈话记录：王一", "本季度无谈心谈话记录", "培养人帮带对象一览", "钱群"):
        assert word in text


# --------------------------------------------------------------------------
# DOCX: the same view-model as XLSX/PDF
# --------------------------------------------------------------------------
import re  # noqa: E402

import pytest  # noqa: E402

from helpers import docx_document, docx_tables, libreoffice_available, libreoffice_to_pdf, pdf_pages_text  # noqa: E402

NO_TALK = "本季度无谈心谈话记录"


def _mentors_out(tmp_path, runner, workbook, *extra):
    from sp_docs.cli import main

    out = tmp_path / "out"
    result = runner.invoke(main, ["mentors", str(workbook), "-o", str(out), *extra])
    assert result.exit_code == 0, result.output
    return {p.suffix: p for p in out.iterdir()}


def _programme(tmp_path):
    content = copy.deepcopy(small_programme())
    VIOLATIONS["quarterly_talks"][0](content)      # 王一 has no talk in 2025 Q2
    VIOLATIONS["mentors"][0](content)              # 王一 gets a second mentor 钱群
    return load(tmp_path, content)[1]


def _docx_parts(path):
    """(pairs, mentor rows, {trainee: talk rows}) read back from the DOCX."""
    document = docx_document(path)
    tables = docx_tables(path)
    heads = [m.group(1) for p in document.paragraphs if (m := re.match(r"谈心谈话记录：(.+?)（", p.text))]
    assert len(heads) == len(tables) - 2
    talks = {}
    for name, table in zip(heads, tables[2:]):
        assert table[0] == ["季度", "日期", "培养人", "谈话内容"]
        talks[name] = [[r[0], "", "", NO_TALK] if r[1] == NO_TALK else r for r in table[1:]]
    return tables[0], tables[1], talks


def _compare_with_xlsx(files):
    pairs, mentor_rows, talks = _docx_parts(files[".docx"])
    xlsx = files[".xlsx"]
    x_pairs = [[str(c) for c in r] for r in xlsx_rows(xlsx, "结对帮带名单")]
    assert pairs == x_pairs                                      # header and every row, same order
    x_talks: dict[str, list] = {}
    for name, _unit, label, day, mentor, content in xlsx_rows(xlsx, "谈心谈话记录")[1:]:
        x_talks.setdefault(name, []).append([label, day, mentor, content])
    assert talks == x_talks
    x_mentors: dict[tuple, list] = {}
    for mentor, unit, position, trainee, track, filed, status in xlsx_rows(xlsx, "培养人名单")[1:]:
        x_mentors.setdefault((mentor, unit, position), []).append(f"{trainee}（{track}，{filed}，{status}）")
    assert mentor_rows[0] == ["培养人", "所在单位", "职务", "帮带对象（类别，建档时间，完成情况）"]
    assert mentor_rows[1:] == [[*key, "；".join(v)] for key, v in x_mentors.items()]
    return pairs, talks


def test_mentors_docx_agrees_with_xlsx_and_pdf(tmp_path, runner):
    files = _mentors_out(tmp_path, runner, _programme(tmp_path))
    assert set(files) == {".xlsx", ".docx", ".pdf"}
    pairs, talks = _compare_with_xlsx(files)
    assert [r[1] for r in pairs[1:]] == ["王一", "张二", "吴三", "冯四"]
    assert talks["王一"][1] == ["2025年第2季度", "", "", NO_TALK]          # the empty quarter is shown
    pdf = "".join(pdf_pages_text(files[".pdf"])).replace(" ", "")
    for row in pairs[1:]:
        assert all(cell.replace(" ", "") in pdf for cell in row if cell)
    for name, rows in talks.items():
        assert f"谈心谈话记录：{name}" in pdf
        assert all(r[0] in pdf for r in rows)


def test_mentors_docx_layout(tmp_path, runner):
    from docx.shared import Pt

    from sp_docs.render.fonts import ROLES

    files = _mentors_out(tmp_path, runner, _programme(tmp_path), "--format", "docx")
    assert set(files) == {".docx"}
    document = docx_document(files[".docx"])
    section = document.sections[0]
    assert section.page_width > section.page_height                    # A4 landscape, like the PDF
    ns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    for table in document.tables:                                      # header rows repeat, borders drawn
        assert table.rows[0]._tr.trPr.find(f"{ns}tblHeader") is not None
        assert table._tbl.tblPr.find(f"{ns}tblBorders") is not None
        header_run = table.rows[0].cells[0].paragraphs[0].runs[0]
        assert header_run._element.rPr.rFonts.get(f"{ns}eastAsia") == ROLES["hei"].official
    title = document.paragraphs[0].runs[0]
    assert "结对帮带名单" in document.paragraphs[0].text
    assert title._element.rPr.rFonts.get(f"{ns}eastAsia") == ROLES["title"].official
    cell_run = document.tables[0].rows[1].cells[1].paragraphs[0].runs[0]
    assert cell_run.font.size == Pt(10.5)
    assert cell_run._element.rPr.rFonts.get(f"{ns}eastAsia") == ROLES["fang"].official


def test_mentors_docx_example_city(tmp_path, runner, city_workbook):
    files = _mentors_out(tmp_path, runner, city_workbook, "--unit", "东湖区第三中学", "--format", "xlsx,docx")
    _, talks = _compare_with_xlsx(files)
    assert sum(r[3] == NO_TALK for rows in talks.values() for r in rows) >= 1   # the deliberate missed quarter


@pytest.mark.skipif(not libreoffice_available(), reason="LibreOffice (soffice) not installed")
def test_mentors_docx_libreoffice(tmp_path, runner):
    files = _mentors_out(tmp_path, runner, _programme(tmp_path), "--format", "xlsx,docx")
    pairs, _, talks = _docx_parts(files[".docx"])
    pdf = libreoffice_to_pdf(files[".docx"], tmp_path)
    pages = [p.replace(" ", "") for p in pdf_pages_text(pdf)]
    assert len(pages) == 2 + len(talks)            # 名单, 一览, then one page per trainee
    assert "结对帮带名单" in pages[0] and "培养人帮带对象一览" in pages[1]
    for row in pairs[1:]:
        assert row[1] in pages[0] and row[8] in pages[0]
    for page, (name, rows) in zip(pages[2:], talks.items()):
        assert f"谈心谈话记录：{name}" in page
        assert all(r[0] in page and r[3].replace(" ", "")[:8] in page for r in rows)
    assert NO_TALK in "".join(pages)
