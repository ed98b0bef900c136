"""``sp-docs ledgers``: 附件3 培养台账 in batch."""
from __future__ import annotations

import sys

import click

from .common import console, err_console, force_option, outdir_option, templates_option, workbook_argument


def register(main) -> None:
    @main.command("ledgers")
    @workbook_argument
    @click.option("--unit", help="只生成该单位（含下属单位）的台账；默认全部")
    @outdir_option
    @click.option("--format", "formats", default="pdf,docx", show_default=True,
                  help="输出格式，逗号分隔：pdf（合订本）、docx（每人一份 + 合订本）、xlsx（每人一个工作表）")
    @click.option("--duplex", is_flag=True, help="双面打印：每份台账从奇数页开始，必要时加空白背页")
    @click.option("--jobs", type=click.IntRange(min=1), help="并行进程数（合订 PDF；默认：CPU 核数）")
    @click.option("--title-prefix", help="标题前缀，如“青川市教育系统”")
    @force_option
    @templates_option
    def ledgers_command(workbook, unit, outdir, formats, duplex, jobs, title_prefix, force, template_dir):
        """附件3 “双培”对象培养台账：每名双培对象一份，批量打印。

        \b
        生成：合订 PDF（每份台账另起一页）、每人一份 Word 及合订 Word、目录.xlsx
        （单位、姓名、类别、起始页、页数），可选每人一个工作表的 Excel。
        顺序：按单位，类别1在前、类别2在后，再按姓名拼音。
        记录多的台账自动续页，续页重复表头并标“（续）”，不截断、不缩小、不遗漏。
        """
        from ..jobs.ledgers import FORMATS, ledgers
        from ..render.formats import parse_formats
        from .common import RichReporter

        chosen = parse_formats(formats, FORMATS)
        with RichReporter(console) as reporter:
            batch = ledgers(workbook, outdir, unit=unit, formats=chosen, duplex=duplex, jobs=jobs, force=force,
                            template_dir=template_dir, title_prefix=title_prefix, progress=reporter)
        for name, message in batch.result.failed:
            err_console.print(f"[red]失败：{name}：{message}[/red]")
        console.print(batch.summary())
        console.print(f"输出在 {outdir}/（目录.xlsx 列出每份台账的起始页和页数）")
        sys.exit(1 if batch.result.failed else 0)
