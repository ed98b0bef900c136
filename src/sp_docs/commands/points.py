"""``sp-docs points`` (党员积分) and ``sp-docs points-table`` (the editable points table)."""
from __future__ import annotations

from pathlib import Path

import click

from .common import console, force_option, outdir_option, print_problems, workbook_argument


def register(main) -> None:
    @main.command("points")
    @workbook_argument
    @outdir_option
    @click.option("--achievements", type=click.Path(dir_okay=False, path_type=Path),
                  help="另外的成果文件（XLSX 或 YAML，读取其中的“成果”工作表）；不给则用工作簿中的“成果”表")
    @click.option("--table", "table_file", type=click.Path(dir_okay=False, path_type=Path),
                  help="自定义积分表 YAML（sp-docs points-table 生成默认积分表）")
    @click.option("--unit", help="只统计该单位（及下属单位）")
    @click.option("--year", type=int, help="只计该年度的成果（默认：全部）")
    @click.option("--top", type=click.IntRange(min=1), help="推荐人选：前 N 名（默认 10；并列者一并列入）")
    @click.option("--top-percent", type=click.FloatRange(0, 100, min_open=True), help="推荐人选：前百分之几")
    @click.option("--per-unit", is_flag=True, help="推荐人选按单位分别取前 N 名/前百分之几")
    @click.option("--title", "honour", default="优秀党员教师", show_default=True, help="推荐名单中的荣誉称号")
    @force_option
    def points_command(workbook, outdir, achievements, table_file, unit, year, top, top_percent, per_unit,
                       honour, force):
        """党员积分：按积分表计算每名党员教师的积分，排名并生成推荐人选名单。

        分教学业绩、科研成果、示范引领三类计分并求总分，按单位和全体排名。推荐人选名单可直接作为
        sp-docs certificates 的名单（含颁发单位，颁发日期留空待填）；教师表“年度考核”为优秀的计“年度考核优秀”。
        成果来自工作簿的“成果”工作表（姓名、所在单位、项目、日期、说明）。
        """
        from ..jobs.points import points

        if top is not None and top_percent is not None:
            raise click.UsageError("--top 和 --top-percent 只能选一个")
        written, view, problems = points(workbook, outdir, achievements=achievements, table_file=table_file,
                                         unit=unit, year=year, top=top, top_percent=top_percent,
                                         per_unit=per_unit, honour=honour, force=force)
        print_problems(problems)
        console.print(f"党员教师 {len(view.overall)} 人，有积分 {sum(1 for r in view.overall if r[-2])} 人；"
                      f"推荐人选 {len(view.candidates)} 人")
        for path in written:
            console.print(f"  已写入 {path}")
        if view.candidates:
            console.print("推荐人选名单的“颁发日期”列留空：生成证书前填写，或用 sp-docs certificates 名单 --settings "
                          "证书设置.yaml 统一给出")

    @main.command("points-table")
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    @force_option
    def points_table(path: Path, force: bool):
        """生成默认党员积分表 PATH（YAML，带说明），修改后用 sp-docs points --table 使用。"""
        from ..output import write_text
        from ..rules.points import default_table_text

        console.print(f"已生成积分表：{write_text(path, default_table_text(), force=force)}")
