"""Survey-platform exports (issue 13): `plan EXPORT -o DIR` writes one 实施方案 per
school, named after the school, with that school's own answers in its text; the
question list a platform imports round-trips to the columns it exports.
Fixture: tests/office_files/make_fixtures.py (30 schools, numbered headers)."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from office_files.make_fixtures import SURVEY_META, survey_answers, survey_csv, survey_xlsx
from sp_docs.cli import main
from sp_docs.questionnaire.schema import questions
from sp_docs.questionnaire.survey import key, match_header, read_export


def _docx_text(path: Path) -> str:
    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_thirty_schools_thirty_plans_each_with_its_own_answers(tmp_path, runner, kind):
    export = tmp_path / f"问卷星导出.{kind}"
    (survey_csv if kind == "csv" else survey_xlsx)(export)
    if kind == "csv":
        with pytest.raises(UnicodeDecodeError):
            export.read_bytes().decode("utf-8")  # really GBK, as Excel on a Chinese Windows saves it
    out = tmp_path / "方案"
    result = runner.invoke(main, ["plan", str(export), "-o", str(out), "--format", "docx"])
    assert result.exit_code == 0, result.output
    schools = survey_answers()
    assert f"问卷导出表 {len(schools)} 行：写出实施方案 {len(schools)} 份" in result.output
    assert "序号、提交答卷时间、所用时间、来源、来自IP" in result.output.replace("\n", "")  # unmapped, named
    written = sorted(p.name for p in out.glob("*.docx"))
    assert written == sorted(f"{s['school_name']}.docx" for s in schools)
    for school in schools[:: 7 if kind == "xlsx" else 1]:
        text = _docx_text(out / f"{school['school_name']}.docx")
        assert school["school_name"] in text
        assert f"育苗{school['school_name'][4:-2]}号" in text  # the brand this school typed
        assert school["doc_number"] in text
        others = [s["school_name"] for s in schools if s is not school]
        assert not any(f"{o}“" in text or f"{o}党" in text for o in others)


def test_unanswerable_questions_and_bad_rows_are_reported_per_row(tmp_path, runner):
    export = tmp_path / "导出.xlsx"
    survey_xlsx(export)
    wb = load_workbook(export)
    ws = wb.active
    header = [c.value for c in ws[1]]
    staff = header.index(next(h for h in header if h and h.endswith("教职工人数"))) + 1
    ws.cell(row=3, column=staff, value="很多")  # not a number
    ws.cell(row=4, column=staff).value = None  # blank: the default is used
    name = header.index(next(h for h in header if h and key(h) == key("学校（单位）全称"))) + 1
    ws.cell(row=5, column=name).value = None  # 学校全称 blank: that row cannot be written
    ws.delete_rows(7, ws.max_row)  # five schools are enough here
    wb.save(export)
    out = tmp_path / "方案"
    result = runner.invoke(main, ["plan", str(export), "-o", str(out), "--format", "docx"])
    assert result.exit_code == 1, result.output
    text = result.output.replace("\n", "")
    assert "第3行（青川市第2小学）：“教职工人数”填写有误" in text
    assert "第5行：没有填写“学校（单位）全称”" in text
    assert "写出实施方案 3 份，未生成 2 份" in text
    assert sorted(p.name for p in out.glob("*.docx")) == ["青川市第1小学.docx", "青川市第3小学.docx",
                                                          "青川市第5小学.docx"]


def test_question_list_export_round_trips(tmp_path, runner):
    result = runner.invoke(main, ["questionnaire", "export", str(tmp_path / "题目清单")])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "题目清单.txt").read_text(encoding="utf-8-sig")
    titles = re.findall(r"^(\d+\. .+?)\[(单选题|多选题|填空题)\]$", text, flags=re.M)
    assert len(titles) == len(questions())
    # a platform exports each question's column under the numbered title: it maps back to the question
    for (title, _), q in zip(titles, questions()):
        assert match_header(title).qid == q.id, title
    choice = next(q for q in questions() if q.type == "choice")
    block = text.split(f"{choice.title}[单选题]\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert [re.sub(r"^[A-Z]\. ", "", line) for line in block] == list(choice.choices)
    rows = list(load_workbook(tmp_path / "题目清单.xlsx").active.iter_rows(values_only=True))
    assert rows[0][:6] == ("题号", "题目", "题型", "是否必答", "说明", "题目编号")
    assert [r[5] for r in rows[1:]] == [q.id for q in questions()]
    bools = [r for r in rows[1:] if r[5] == "one_shoulder"]
    assert bools[0][2] == "单选题" and bools[0][6:8] == ("是", "否")


def test_headers_by_id_and_per_option_columns(tmp_path):
    from office_files.make_fixtures import xlsx_bytes

    header = ["school_name", "school_type", "staff_count", "采取的工作措施（可多选）:青蓝结对",
              "采取的工作措施（可多选）:谈心谈话", "备注栏"]
    path = tmp_path / "by_id.xlsx"
    path.write_bytes(xlsx_bytes({"答卷": [header, ["甲校", "B. 初中", 50, "1", "0", "x"]]}))
    export = read_export(path)
    assert export.unmapped == ["备注栏"]
    raw = export.rows[0].raw
    assert raw["school_name"] == "甲校" and raw["school_type"] == "初中" and raw["measures"] == ["青蓝结对"]


def test_questions_without_a_column_are_named_once(tmp_path, runner):
    from office_files.make_fixtures import survey_table, xlsx_bytes

    table = survey_table()[:4]  # three schools
    drop = next(i for i, h in enumerate(table[0]) if key(h) == key("党员教师人数"))
    table = [row[:drop] + row[drop + 1:] for row in table]
    export = tmp_path / "缺题.xlsx"
    export.write_bytes(xlsx_bytes({"Sheet1": table}))
    result = runner.invoke(main, ["plan", str(export), "-o", str(tmp_path / "out"), "--format", "docx"])
    assert result.exit_code == 0, result.output
    text = result.output.replace("\n", "")
    assert text.count("导出表中没有 1 道题的列，各校这些题按默认（建议）答案生成：“党员教师人数”") == 1
    assert "写出实施方案 3 份" in text
