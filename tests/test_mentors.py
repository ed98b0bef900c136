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
