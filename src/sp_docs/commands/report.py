"""``sp-docs report``: statistics report (PDF with charts + figures XLSX)."""
from __future__ import annotations

from pathlib import Path

import click

from .common import console, force_option, outdir_option, templates_option, workbook_argument


def register(main) -> None:
    @main.command("report")
    @workbook_argument
    @click.option("--unit", help="单位名称（包括其下属单位）；不填为全部单位")
    @click.option("--rules", "rules_file", type=click.Path(dir_okay=False, path_type=Path),
                  help="规则设置文件（默认规则见 sp-docs rules new）")
    @outdir_option
    @force_option
    @templates_option
    def report_command(workbook, unit, rules_file, outdir, force, template_dir):
        """统计报告（PDF，附图表数据 XLSX）：计划与完成、培养活动、比例和规则检查。

        内容：各单位各年度计划与完成、对象完成情况、每季度培养活动、双培对象占教职工比例、两个80%，以及规则检查结果汇总。
        """
        from ..jobs.report import report

        written, view = report(workbook, unit, outdir, rules_file=rules_file, force=force, template_dir=template_dir)
        console.print(f"{view.title}（截至 {view.as_of}）")
        for path in written:
            console.print(f"  已写入 {path}")
