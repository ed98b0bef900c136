"""``sp-docs merge``: roll the units' returned 附件2 tables up into one city table."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import console, err_console, force_option


def register(main) -> None:
    @main.command("merge")
    @click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
    @click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
                  help="输出的全市汇总工作簿（必须以 .xlsx 结尾）")
    @click.option("--plan", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                  help="含“单位”和“三年计划”的数据工作簿：用于识别单位名称并生成“计划对比”表")
    @force_option
    def merge_command(inputs, output, plan, force):
        """把各单位报回的附件2 汇总表（文件或文件夹）合并为一张全市汇总表。

        \b
        输出工作簿含：汇总表（加“单位”列，每单位类别1在前）、问题（重复上报、缺类别、
        无法读取的文件等，注明文件和行）、计划对比（用 --plan 时：计划数、完成数、完成率，
        未完成的标红，没有报表的年度标“未上报”）。手工改过的表也能读：空行、重新排序、单位名称略有出入、
        多加的列、第二个工作表。上级单位代报的表按“备注”中的单位名称计入下属单位；同一人被上级和本单位
        都报了只计一次（计入本单位自己的那一行）。数据工作簿等不是附件2 的文件整个不读，列入问题表。
        文件夹中的 .xlsx、.xls、.ods、.csv 都读取（扩展名大小写不限）；其他文件和无法读取的文件列入问题表，
        此时退出码为 2。
        屏幕上打印行数核对：读取的每一行都在汇总表或问题表中。
        """
        from ..jobs.merge import merge

        path, rolled, comparison = merge(list(inputs), output, plan=plan, force=force)
        for issue in rolled.issues:
            where = " ".join(str(x) for x in (Path(issue.file).name, issue.sheet, f"第{issue.row}行" if issue.row else "")
                             if x)
            colour = "red" if issue.level == "问题" else "yellow"
            err_console.print(f"[{colour}]{issue.level}：{where}：{issue.message}[/{colour}]")
        console.print(rolled.summary())
        if comparison is not None:
            short = sum(1 for p in comparison if p.short)
            missing = sum(1 for p in comparison if not p.reported)
            console.print(f"计划对比 {len(comparison)} 行，其中未完成计划 {short} 行"
                          + (f"，未上报 {missing} 行（没有报回的附件2 涉及该单位该年度）" if missing else ""))
        console.print(f"已写入 {path}")
        if rolled.files_skipped:
            err_console.print(f"[red]有 {rolled.files_skipped} 个文件未读取（见上面的“问题”和汇总工作簿的“问题”表），"
                              "全市汇总不完整：请改正或换成正确的文件后重新汇总。[/red]")
            sys.exit(2)
