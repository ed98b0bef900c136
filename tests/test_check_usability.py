"""What a clerk types by hand: typos in headers and sheet names, year-month
dates, unknown units, and click's own messages — all answered in Chinese, once."""
from openpyxl import Workbook

from sp_docs.cli import main
from sp_docs.sources import load_dataset

HEADERS = {
    "单位": ["单位名称"],
    "教师": ["姓名", "出生年月", "所在单位", "政治面貌", "入党时间"],
    "双培对象": ["姓名", "所在单位", "双培类别", "培养人", "建档时间", "计划完成年度"],
    "培养记录": ["培养对象", "所在单位", "日期", "形式", "内容"],
}
ROWS = {
    "单位": [["实验小学"]],
    "教师": [["张三", "1985.03", "实验小学", "群众", None], ["李四", "1980.05", "实验小学", "中共党员", "2005.7"]],
    "双培对象": [["张三", "实验小学", "1", "李四", "2023.09", 2025]],
    "培养记录": [["张三", "实验小学", "2024年4月", "谈心谈话", "谈话"]],
}


def workbook(tmp_path, rename_sheet=None, rename_header=None):
    wb = Workbook()
    wb.remove(wb.active)
    for sheet, headers in HEADERS.items():
        ws = wb.create_sheet(rename_sheet.get(sheet, sheet) if rename_sheet else sheet)
        ws.append([rename_header.get(h, h) if rename_header and sheet == "双培对象" else h for h in headers])
        for row in ROWS[sheet]:
            ws.append(row)
    path = tmp_path / "数据.xlsx"
    wb.save(path)
    return path


def test_year_month_is_accepted_in_date_columns(tmp_path):
    data, problems = load_dataset(workbook(tmp_path))
    assert not problems.errors, [p.describe() for p in problems]
    assert data.teachers[1].joined_party.isoformat() == "2005-07-01"
    assert data.records[0].date.isoformat() == "2024-04-01"


def test_header_typo_is_named_with_its_fix_and_does_not_cascade(tmp_path):
    _, problems = load_dataset(workbook(tmp_path, rename_header={"双培类别": "双培类型"}))
    missing = [p for p in problems.errors if "缺少必填列" in p.message]
    assert len(missing) == 1 and "“双培类型”可能就是“双培类别”" in missing[0].expected
    # the records are not all reported as “not a trainee” because the sheet could not be read
    assert not [p for p in problems.errors if p.location.sheet == "培养记录"]
    assert any("与它有关的核对暂未进行" in p.message for p in problems.warnings)


def test_renamed_sheet_is_read_with_a_notice(tmp_path):
    data, problems = load_dataset(workbook(tmp_path, rename_sheet={"教师": "教师信息"}))
    assert not problems.errors, [p.describe() for p in problems.errors]
    assert len(data.teachers) == 2
    assert any("已按“教师”读取" in p.message for p in problems.warnings)


def test_unknown_unit_suggests_the_closest(tmp_path, runner, city_workbook):
    result = runner.invoke(main, ["annex", "2", str(city_workbook), "--unit", "青川一中", "-o", str(tmp_path)])
    assert result.exit_code == 2 and "是不是要找：青川市第一中学" in result.output


def test_click_messages_are_chinese(runner, city_workbook):
    for args, needle in ((["check", "x", "--format", "xml"], "无效，可选"),
                         (["annex", "2", "x", "--unit", "u", "--year", "abc"], "不是有效的整数"),
                         (["chek"], "是不是要输入 'check'"),
                         (["annex", "2", "x", "--unit"], "后面需要填写一个值"),
                         (["annex", "3", "x"], "sp-docs ledgers")):
        result = runner.invoke(main, args)
        assert result.exit_code != 0 and needle in result.output, (args, result.output)
        assert "Error" not in result.output and "Usage" not in result.output


def test_check_writes_findings_to_stdout(runner):
    from pathlib import Path

    result = runner.invoke(main, ["check", str(Path(__file__).parent / "fixtures" / "mistakes.xlsx")])
    assert "工作表“教师” 第15行" in result.stdout
