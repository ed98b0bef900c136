"""``sp-docs mentors``: 结对帮带名单, 谈心谈话记录 by quarter, per-mentor lists."""
from __future__ import annotations

import click

from .common import console, force_option, format_option, outdir_option, templates_option, workbook_argument


def register(main) -> None:
    @main.command("mentors")
    @workbook_argument
    @click.option("--unit", help="单位名称（包括其下属单位）；不填为全部单位")
    @outdir_option
    @format_option(allowed=("xlsx", "docx", "pdf"), default="xlsx,docx,pdf")
    @force_option
    @templates_option
    def mentors_command(workbook, unit, outdir, formats, force, template_dir):
        """结对帮带名单、按季度的谈心谈话记录和每名培养人的帮带对象一览。

        结对帮带名单列出每名对象的类别、培养人及职务、第二培养人、建档时间；
        每名对象按季度的谈心谈话记录（没有记录的季度注明“本季度无谈心谈话记录”），
        以及每名培养人的帮带对象一览。XLSX 分三个工作表；DOCX（可在 Word/WPS 中编辑）和 PDF 各为一份文件。
        """
        from ..jobs.mentors import mentors
        from ..render.formats import parse_formats

        written, view = mentors(workbook, unit, outdir, formats=parse_formats(formats, ("xlsx", "docx", "pdf")), force=force,
                                template_dir=template_dir)
        missing = sum(r.missing for r in view.talk_records)
        console.print(f"{view.unit_name}：对象 {len(view.pairs)} 人，培养人 {len(view.mentor_lists)} 人，"
                      f"无谈心谈话记录的季度 {missing} 个")
        for path in written:
            console.print(f"  已写入 {path}")
