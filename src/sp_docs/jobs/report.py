"""统计报告: workbook → PDF with inline SVG charts + the figures as XLSX."""
from __future__ import annotations

from pathlib import Path

from ..model import STATUS_CHOICES
from ..output import safe_filename, write_bytes
from . import example_step, load_valid
from .progress import JobResult


# the figures workbook: 类别 codes as numbers, ratios with a % format, 合计 columns as SUM formulas
FIGURE_KINDS = {"计划与完成": {"类别": "int", "完成率": "ratio"}, "双培对象占教职工比例": {"比例": "ratio"},
                "两个80%": {"优秀比例": "ratio", "党员比例": "ratio"}}
FIGURE_SUMS = {"双培对象完成情况": {"合计": ["培养中", "已完成", "终止"]},
               "培养活动（按季度）": {"合计": ["谈心谈话", "其他培养活动"]}}


def charts(view) -> list[dict]:
    from ..model import Track
    from ..render import charts as ch

    figs = view.figures
    out = []
    for track in Track:
        units, years, per_year = view.plan[track]
        if units and years:
            out.append({"title": f"计划与完成：类别{track.code}（{track.label}）",
                        "svg": ch.bullet_panels(units, [(f"{y}年", per_year[y]) for y in years],
                                                names=("计划人数", "完成人数")),
                        "note": "浅色为计划人数，深色为实际完成人数；红色数字表示未完成计划。"})
    status = figs["status"]
    out.append({"title": "双培对象完成情况（按类别）",
                "svg": ch.hbar_chart([f"类别{t.code}" for t in Track],
                                     [(s, [row[1 + i] for row in status.rows]) for i, s in enumerate(STATUS_CHOICES)],
                                     stacked=True, bar=16), "note": ""})
    act = figs["activity"]
    if act.rows:
        out.append({"title": "培养活动（按季度）",
                    "svg": ch.vbar_chart([r[0].replace("Q", "\n第") + "季" for r in act.rows],
                                         [("谈心谈话", [r[1] for r in act.rows]), ("其他培养活动", [r[2] for r in act.rows])],
                                         height=210), "note": ""})
    res = figs["reserve"]
    if res.rows:
        out.append({"title": "双培对象占教职工比例（按单位）",
                    "svg": ch.hbar_chart([r[0] for r in res.rows], [("比例", [r[3] for r in res.rows])], percent=True,
                                         threshold=0.10, threshold_label="要求 10%", max_value=max(0.4, max(r[3] for r in res.rows))),
                    "note": "虚线为 10% 要求。"})
    ind = figs["indicators"]
    if ind.rows:
        out.append({"title": "两个80%",
                    "svg": ch.vbar_chart([f"{r[0]}年" for r in ind.rows],
                                         [("新党员中“优秀”比例", [r[3] or 0 for r in ind.rows]),
                                          ("表彰教师中党员比例", [r[6] or 0 for r in ind.rows])],
                                         stacked=False, percent=True, threshold=0.8, threshold_label="目标 80%",
                                         max_value=1.0, height=200),
                    "note": "无人入党或无表彰的年度记为 0。"})
    rules = figs["rules"]
    out.append({"title": "规则检查结果",
                "svg": ch.hbar_chart([r[0] for r in rules.rows], [("问题数", [r[2] for r in rules.rows])]),
                "note": ""})
    return out


def report(workbook: Path, unit: str | None, outdir: Path, *, rules_file: Path | None = None, force: bool = False,
           template_dir: Path | None = None):
    from ..documents import report as doc
    from ..render.pdf import render_pdf
    from ..rules.config import load_settings
    from ..rules.programme import FINDING_COLUMNS, run_rules

    data, _ = load_valid(workbook)
    check = run_rules(data, load_settings(rules_file))
    view = doc.build(data, unit, check)
    context = {"title": view.title, "unit_name": view.unit_name, "as_of": view.as_of, "summary": view.summary,
               "charts": charts(view), "figures": {k: {"title": f.title, "headers": f.headers, "rows": f.rows}
                                                   for k, f in view.figures.items()},
               "findings": view.findings, "finding_columns": list(FINDING_COLUMNS),
               "generated_on": view.generated_on}
    stem = safe_filename(f"统计报告_{view.unit_name}")
    pdf = render_pdf("report.html", context, user_dir=template_dir)
    written = [write_bytes(outdir / f"{stem}.pdf", pdf, force=force),
               write_bytes(outdir / f"{stem}_数据.xlsx", figures_workbook(view), force=force)]
    return JobResult.of(written, view)


def figures_workbook(view) -> bytes:
    """The report's figures and rule findings as a workbook (统计报告_<单位>_数据.xlsx)."""
    from ..render.xlsx import table_workbook
    from ..rules.programme import FINDING_COLUMNS

    sheets = [(f.title, f.headers, f.rows) for f in view.figures.values()]
    sheets.append(("规则问题清单", list(FINDING_COLUMNS), view.findings))
    return table_workbook(sheets, kinds=FIGURE_KINDS, sums=FIGURE_SUMS)


@example_step("统计报告")
def example(data_dir: Path, outdir: Path, force: bool) -> list[Path]:
    from . import example_file, example_workbook

    written, _ = report(example_workbook(data_dir), None, outdir / "统计报告", force=force,
                        rules_file=example_file(data_dir, "rules.yaml"))  # the city's rule settings, when present
    return written
