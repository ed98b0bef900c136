"""统计报告: PDF with SVG charts (Chinese labels as text), figures XLSX."""
from __future__ import annotations

import copy

from helpers import pdf_pages_text, xlsx_rows
from test_rules import VIOLATIONS, load, small_programme


def test_report_pdf_and_figures(tmp_path, runner):
    from sp_docs.cli import main

    content = copy.deepcopy(small_programme())
    VIOLATIONS["reserve_ratio"][0](content)
    _, path = load(tmp_path, content)
    out = tmp_path / "out"
    result = runner.invoke(main, ["report", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    pages = pdf_pages_text(next(out.glob("*.pdf")))
    text = "\n".join(pages)
    for word in ("统计报告", "计划与完成", "双培对象完成情况", "培养活动", "占教职工比例", "两个80%", "规则检查结果",
                 "甲中学", "乙小学", "目标", "80%", "10%"):
        assert word in text, word
    assert "双培对象占教职工比例" in text and "乙小学" in pages[-1]   # the finding is listed
    xlsx = next(out.glob("*_数据.xlsx"))
    reserve = xlsx_rows(xlsx, "双培对象占教职工比例")
    assert reserve[0] == ["单位", "教职工", "双培对象", "比例"]
    assert ["乙小学", 30, 2] == reserve[2][:3]
    rules = {r[0]: r[1] for r in xlsx_rows(xlsx, "规则检查")[1:]}
    assert rules["双培对象占教职工比例"] == "未通过" and rules["培养人配备"] == "通过"


def test_chart_labels_are_escaped():
    from sp_docs.render.charts import hbar_chart

    svg = str(hbar_chart(["<b>&单位"], [("数", [3])]))
    assert "<b>" not in svg and "&lt;b&gt;&amp;单位" in svg
