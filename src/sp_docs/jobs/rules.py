"""``sp-docs check --rules``: run the programme rules, print them grouped by unit
and rule, optionally write them to XLSX.  Exit status 3 when a rule finds something."""
from __future__ import annotations

from pathlib import Path

from ..model import Dataset
from ..output import write_bytes
from . import example_step, load_valid

RULES_EXIT_CODE = 3


def findings_workbook(data: Dataset, report) -> bytes:
    from ..render.xlsx import table_workbook
    from ..rules.programme import FINDING_COLUMNS

    rows = [f.as_row() for _, rules in report.by_unit(data) for _, found in rules for f in found]
    summary = [[r.title, "启用" if r.enabled else "关闭", r.checked, len(r.findings),
                ("未通过" if r.findings else "通过") if r.enabled else "—"] for r in report.results]
    return table_workbook([
        ("问题清单", list(FINDING_COLUMNS), rows),
        ("规则汇总", ["规则", "状态", "检查项数", "发现问题", "结论"], summary),
    ], widths={"问题清单": [16, 22, 14, 20, 10, 14, 44]})


def write_input_problems(problems, output: Path, *, force: bool = False) -> Path:
    """``check -o`` without rules (or with input errors): the input problems as an XLSX sheet."""
    from ..render.xlsx import table_workbook

    rows = [["错误" if p.is_error else "警告", p.location.file, p.location.sheet, p.location.row or "",
             p.location.column, p.message, p.value, p.expected] for p in problems]
    data = table_workbook([("填写问题", ["级别", "文件", "工作表", "行", "列", "问题", "填写的值", "应填"], rows)],
                          widths={"填写问题": [8, 24, 12, 6, 14, 50, 20, 50]})
    return write_bytes(output, data, force=force)


def run_check(data: Dataset, rules_file: Path | None, output: Path | None = None, *, force: bool = False):
    from ..rules.config import load_settings
    from ..rules.programme import run_rules

    settings = load_settings(rules_file)
    report = run_rules(data, settings)
    written = None
    if output is not None:
        written = write_bytes(output, findings_workbook(data, report), force=force)
    return report, written


def print_report(data: Dataset, report, console) -> None:
    from rich.markup import escape

    console.print(f"[bold]“双培”工程规则检查[/bold]（截至 {report.as_of:%Y.%m.%d}）")
    for unit, rules in report.by_unit(data):
        console.print(f"\n[bold]【{escape(unit)}】[/bold]")
        for title, found in rules:
            console.print(f"  [yellow]{title}[/yellow]（{len(found)} 项）")
            for f in found:
                extra = f"（实际 {f.value}，要求 {f.required}）" if f.value or f.required else ""
                console.print(f"    · {escape(f.message)}{escape(extra)}")
    console.print("\n规则汇总：")
    for r in report.results:
        if not r.enabled:
            state = "[dim]已关闭[/dim]"
        elif r.findings:
            state = f"[yellow]未通过，{len(r.findings)} 项[/yellow]"
        else:
            state = "[green]通过[/green]"
        console.print(f"  {r.title}：{state}（检查 {r.checked} 项）")


@example_step("规则检查 问题清单")
def example(data_dir: Path, outdir: Path, force: bool) -> list[Path]:
    from ..documents.common import region_prefix
    from ..output import safe_filename
    from . import example_file, example_workbook

    data, _ = load_valid(example_workbook(data_dir))
    rules = example_file(data_dir, "rules.yaml")  # the example city's settings (plan minimum scaled to its size)
    area = region_prefix(data).removesuffix("教育系统") or data.roots()[0].name
    _, written = run_check(data, rules, outdir / "规则检查" / f"{safe_filename('问题清单_' + area)}.xlsx",
                           force=force)
    return [written]
