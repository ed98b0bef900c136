"""``sp-docs annex 1``: 附件1 三年实施计划指导性任务表."""
from __future__ import annotations

from pathlib import Path

import click

from .common import (
    console,
    err_console,
    force_option,
    format_option,
    outdir_option,
    templates_option,
    workbook_argument,
)


def register(main) -> None:
    annex = main.commands["annex"]

    @annex.command("1")
    @workbook_argument
    @click.option("--unit", help="上级单位名称：列出其下属单位（默认：最上级单位的下属单位）")
    @click.option("--by-year", is_flag=True, help="另附分年度计划表（每个单位每年一行）")
    @click.option("--min-member", type=click.IntRange(min=0), help="每年骨干教师培养成党员最低数：给出后才比较计划缺口（益阳原件为 150）")
    @click.option("--min-backbone", type=click.IntRange(min=0), help="每年党员教师培养成骨干最低数：给出后才比较计划缺口（益阳原件为 240）")
    @click.option("--settings", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                  help="设置文件（YAML），可含 min_member、min_backbone；命令行选项优先")
    @click.option("--title-prefix", help="标题前缀，如“青川市教育系统”（默认从最上级单位名称推出）")
    @outdir_option
    @format_option()
    @force_option
    @templates_option
    def annex_1(workbook, unit, by_year, min_member, min_backbone, settings, title_prefix, outdir, formats,
                force, template_dir):
        """附件1 “双培”工程三年实施计划指导性任务表（XLSX、DOCX、PDF）。

        每个下属单位一行（含其下级单位的计划），两类人数为三年合计；单位多时左右两栏并排，
        各有合计。注中填写各年度计划合计。用 --min-member/--min-backbone 或 --settings 给出每年最低数时，
        注中写明最低数，某年合计低于它时文件和屏幕上都会指出缺口；不给出则不比较（屏幕上提示）。
        """
        from ..jobs.annex1 import annex1, read_minimum
        from ..render.formats import parse_formats

        minimum = read_minimum(settings)
        if min_member is not None:
            minimum["to_member"] = min_member
        if min_backbone is not None:
            minimum["to_backbone"] = min_backbone
        written, view = annex1(workbook, outdir, unit=unit, by_year=by_year, minimum=minimum,
                               formats=parse_formats(formats), force=force, template_dir=template_dir,
                               title_prefix=title_prefix)
        units = sum(len(g) - 1 for g in view.groups)
        console.print(f"{view.title_line2}：{units} 个单位"
                      + ("（左右两栏）" if view.wide else ""))
        for text in view.shortfalls:
            err_console.print(f"[yellow]计划缺口：{text}[/yellow]")
        if not view.minimum_given:
            err_console.print("提示：没有给出每年最低数，未比较计划缺口，注中也不写最低数。需要时用 "
                              "--min-member、--min-backbone 或 --settings（如 sp-docs rules new 生成的规则文件）给出。")
        for path in written:
            console.print(f"  已写入 {path}")
