"""党员积分: default table, scoring per category with caps, rankings, the
candidates list read back as a certificates list, bad items located."""
from __future__ import annotations

import copy

import pytest

from helpers import xlsx_rows
from test_rules import load, small_programme


def with_achievements(rows):
    content = copy.deepcopy(small_programme())
    content["成果"] = [{"姓名": n, "所在单位": u, "项目": i, "日期": d, "说明": "示例"} for n, u, i, d in rows]
    return content


ACH = [
    ("李师", "甲中学", "主持县级课题", "2025-03-01"),                  # 科研 5
    ("李师", "甲中学", "县级公开课或示范课", "2025-04-01"),            # 示范 4
    ("赵师", "甲中学", "年度考核优秀", "2025-01-05"),                  # 教学 5
    ("赵师", "甲中学", "市级及以上公开课或示范课", "2025-05-01"),      # 示范 6
    ("赵师", "甲中学", "市级及以上公开课或示范课", "2025-06-01"),      # 示范 6 (cap 12)
    ("赵师", "甲中学", "市级及以上公开课或示范课", "2025-07-01"),      # over the cap: 0
    ("郑师", "乙小学", "校级公开课或示范课", "2025-03-03"),            # 示范 2
    ("钱群", "甲中学", "主持县级课题", "2025-03-01"),                  # not a Party member: warning
]


def test_default_table_has_three_categories_and_twelve_items():
    from sp_docs.rules.points import default_table

    table = default_table()
    assert table.categories == ["教学业绩", "科研成果", "示范引领"]
    assert len(table.items) >= 12


def test_scores_caps_and_ranks(tmp_path):
    from sp_docs.rules.points import candidates, default_table, score

    data, _ = load(tmp_path, with_achievements(ACH))
    rows, problems = score(data, default_table())
    got = {s.teacher.name: s for s in rows}
    assert got["赵师"].by_category == {"教学业绩": 5, "科研成果": 0, "示范引领": 12}
    assert got["赵师"].total == 17 and got["赵师"].rank == 1
    assert got["李师"].total == 9 and got["李师"].rank == 2 and got["李师"].unit_rank == 2
    assert got["周新"].total == 5 and got["周新"].by_category["教学业绩"] == 5  # 教师表 年度考核=优秀
    assert got["郑师"].unit_rank == 2 and got["周新"].unit_rank == 1
    assert "钱群" not in got and any("不是党员" in p.message for p in problems.warnings)
    assert [s.teacher.name for s in candidates(rows, top=2)] == ["赵师", "李师"]
    assert [s.teacher.name for s in candidates(rows, top=1, per_unit=True)] == ["赵师", "周新"]


def test_unknown_item_is_a_located_error(tmp_path):
    from sp_docs.rules.points import default_table, score

    data, _ = load(tmp_path, with_achievements([("李师", "甲中学", "写了一首诗", "2025-03-01")]))
    _, problems = score(data, default_table())
    (error,) = problems.errors
    assert error.value == "写了一首诗" and error.location.sheet == "成果" and error.location.row == 1  # YAML: entry number


def test_unknown_item_suggests_the_closest_items(tmp_path):
    from sp_docs.rules.points import default_table, score

    data, _ = load(tmp_path, with_achievements([("李师", "甲中学", "市级公开课", "2025-03-01"),
                                                ("李师", "甲中学", "县级课题主持", "2025-03-02")]))
    _, problems = score(data, default_table())
    first, second = problems.errors
    assert "最接近的项目：市级及以上公开课或示范课" in first.expected
    assert "主持县级课题" in second.expected.split("；")[0]


def test_rating_excellent_scores_once_and_not_twice(tmp_path):
    from sp_docs.rules.points import default_table, score

    data, _ = load(tmp_path, with_achievements([("张二", "甲中学", "年度考核优秀", "2025-01-05")]))
    rows, _ = score(data, default_table())
    got = {s.teacher.name: s for s in rows}
    assert got["张二"].total == 5  # listed in 成果 and rated 优秀: counted once
    assert got["孙新"].total == 5 and got["孙新"].details[0][0].note == "教师表“年度考核”为优秀"
    assert got["李师"].total == 0  # rated 合格
    rows, _ = score(data, default_table(), year=2024)  # the rating is the latest year's (2025)
    assert all(s.total == 0 for s in rows)


def test_check_warns_about_unknown_items_like_points(tmp_path, runner):
    from sp_docs.cli import main

    _, path = load(tmp_path, with_achievements([("李师", "甲中学", "市级公开课", "2025-03-01")]))
    result = runner.invoke(main, ["check", str(path)])
    assert result.exit_code == 0, result.output
    assert "项目不在默认积分表中" in result.output and "市级及以上公开课或示范课" in result.output
    result = runner.invoke(main, ["points", str(path), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2 and "市级及以上公开课或示范课" in result.output


def test_check_output_without_rules_writes_the_input_problems(tmp_path, runner):
    from sp_docs.cli import main

    _, path = load(tmp_path, with_achievements([("李师", "甲中学", "市级公开课", "2025-03-01")]))
    out = tmp_path / "问题.xlsx"
    result = runner.invoke(main, ["check", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = xlsx_rows(out, "填写问题")
    assert rows[0][:6] == ["级别", "文件", "工作表", "行", "列", "问题"]
    assert ["警告", "成果", "项目", "市级公开课"] == [rows[1][0], rows[1][2], rows[1][4], rows[1][6]]


def test_blank_workbook_points_items_come_from_the_table():
    import io

    from openpyxl import load_workbook

    from sp_docs.rules.points import default_table
    from sp_docs.sources.blank import blank_workbook

    wb = load_workbook(io.BytesIO(blank_workbook()))
    items = [i.item for i in default_table().items]
    (hint,) = [r[3] for r in wb["填写说明"].iter_rows(values_only=True) if r[:2] == ("成果", "项目")]
    examples = hint.split("如 ")[1].split("；")[0].split("、")
    assert examples and set(examples) <= set(items)
    (validation,) = wb["成果"].data_validations.dataValidation
    assert "C2" in str(validation.sqref)
    sheet, ref = validation.formula1.lstrip("=").split("!")
    column = ref.split(":")[0].replace("$", "").rstrip("0123456789")
    options = wb[sheet.strip("'")]
    assert [c.value for c in options[column][1:] if c.value] == items


def test_points_command_outputs_and_certificate_list(tmp_path, runner):
    from sp_docs.cli import main
    from sp_docs.sources.award_list import read_award_list

    _, path = load(tmp_path, with_achievements(ACH))
    out = tmp_path / "out"
    result = runner.invoke(main, ["points", str(path), "-o", str(out), "--top", "2", "--title", "优秀党员"])
    assert result.exit_code == 0, result.output
    (ranking,) = out.glob("党员积分_*.xlsx")
    rows = xlsx_rows(ranking, "总排名")
    assert rows[0][:7] == ["总排名", "姓名", "所在单位", "教学业绩", "科研成果", "示范引领", "总分"]
    assert rows[1][1:7] == ["赵师", "甲中学", 5, 0, 12, 17]
    (cand,) = out.glob("推荐人选名单_*.xlsx")
    award_list = read_award_list(cand)
    assert [(r.award.name, r.award.unit, r.award.title) for r in award_list.good] == [
        ("赵师", "甲中学", "优秀党员"), ("李师", "甲中学", "优秀党员")]


def test_points_table_command_and_custom_table(tmp_path, runner):
    from sp_docs.cli import main

    table = tmp_path / "积分表.yaml"
    assert runner.invoke(main, ["points-table", str(table)]).exit_code == 0
    text = table.read_text(encoding="utf-8").replace("主持县级课题: 5", "主持县级课题: 50")
    table.write_text(text, encoding="utf-8")
    _, path = load(tmp_path, with_achievements(ACH))
    out = tmp_path / "o"
    result = runner.invoke(main, ["points", str(path), "-o", str(out), "--table", str(table)])
    assert result.exit_code == 0, result.output
    rows = xlsx_rows(next(out.glob("党员积分_*.xlsx")), "总排名")
    assert rows[1][1] == "李师" and rows[1][6] == 54


@pytest.mark.parametrize("bad", ["教学业绩: 5\n", "教学业绩:\n  年度考核优秀: 很多\n"])
def test_bad_points_table(tmp_path, bad):
    from sp_docs.errors import InputError
    from sp_docs.rules.points import load_table

    path = tmp_path / "t.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(InputError):
        load_table(path)


def test_candidates_list_carries_the_issuer_and_an_empty_date_column(tmp_path, runner):
    from sp_docs.cli import main

    content = with_achievements(ACH)
    content["单位"][0]["党组织名称"] = "中共甲县教育局党组"
    content["单位"].insert(0, {"单位名称": "甲县教育局", "党组织名称": "中共甲县教育局党组"})
    for u in content["单位"][1:]:
        u.setdefault("上级单位", "甲县教育局")
    _, path = load(tmp_path, content)
    out = tmp_path / "o"
    result = runner.invoke(main, ["points", str(path), "-o", str(out), "--top", "1"])
    assert result.exit_code == 0, result.output
    rows = xlsx_rows(next(out.glob("推荐人选名单_*.xlsx")), "表彰")
    assert rows[0][4:6] == ["颁发单位", "颁发日期"]
    assert rows[1][4] == "中共甲县教育局党组" and rows[1][5] in (None, "")
    result = runner.invoke(main, ["certificates", "make", str(next(out.glob("推荐人选名单_*.xlsx"))),
                                  "-o", str(tmp_path / "c")])
    # the whole 颁发日期 column is empty and there are no settings: said once (issue 13), exit status 2
    text = result.output.replace("\n", "")
    assert result.exit_code == 2 and "--settings" in text and "都没有“颁发日期”" in text
    assert "颁发单位" not in text.replace("“颁发单位”", "")  # the issuer column is filled: no complaint


def test_empty_candidates_list_is_a_warning_with_the_reason(tmp_path, runner):
    from sp_docs.cli import main

    _, path = load(tmp_path, with_achievements(ACH))
    result = runner.invoke(main, ["points", str(path), "-o", str(tmp_path / "o"), "--year", "2023"])
    assert result.exit_code == 0, result.output
    assert "推荐人选名单为空" in result.output and "2023 年没有成果记录" in result.output


def test_every_command_summary_is_a_whole_sentence(runner):
    from sp_docs.cli import main

    result = runner.invoke(main, ["--help"], terminal_width=200)
    lines = result.output.split("命令", 1)[1].splitlines()[1:]
    summaries = {line.split()[0]: line.split(None, 1)[1] for line in lines if line.strip() and len(line.split()) > 1}
    for name in ("mentors", "points", "report", "certificates", "rules"):
        assert summaries[name].endswith("。"), (name, summaries[name])
    result = runner.invoke(main, ["certificates", "new-settings", "--help"], terminal_width=200)
    design = [line for line in result.output.splitlines() if "--design" in line][0]
    assert "套打" in design
