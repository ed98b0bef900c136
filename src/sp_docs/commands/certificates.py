"""``sp-docs certificates``: 荣誉证书 (batch), ``new-settings``, ``calibrate``."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.markup import escape

from .common import CONTEXT_SETTINGS, SpDocsGroup, console, err_console, force_option, templates_option


class _DefaultGroup(SpDocsGroup):
    """``sp-docs certificates LIST …`` runs the ``make`` sub-command."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["make", *args]
        return super().parse_args(ctx, args)


def register(main) -> None:
    @main.group("certificates", cls=_DefaultGroup, context_settings=CONTEXT_SETTINGS)
    def certificates_group():
        """荣誉证书：按名单批量生成（PDF、Word），套打校准，设置文件模板。

        \b
        sp-docs certificates 名单.xlsx --settings 证书设置.yaml -o 输出文件夹
        sp-docs certificates new-settings 证书设置.yaml
        sp-docs certificates calibrate --page-size A4横向 -o 校准页.pdf
        """

    _add_make(certificates_group)
    _add_new_settings(certificates_group)
    _add_calibrate(certificates_group)


def _add_make(group) -> None:
    @group.command("make")
    @click.argument("list_path", metavar="LIST", type=click.Path(path_type=Path))
    @click.option("--settings", "settings_path", type=click.Path(path_type=Path),
                  help="证书设置文件（YAML，用 new-settings 生成）；不给则全部用默认值")
    @click.option("-o", "--output", "outdir", type=click.Path(file_okay=False, path_type=Path),
                  default=Path("out/荣誉证书"), show_default=True, help="输出文件夹")
    @click.option("--design", type=click.Choice(["formal", "plain", "blank"]),
                  help="设计：formal 正式（边框+标题）、plain 简洁、blank 套打（只印文字）；默认取设置文件")
    @click.option("--per-person", is_flag=True, help="另外每人一个文件：PDF/编号_姓名.pdf、Word/编号_姓名.docx")
    @click.option("--format", "formats", default="pdf,docx", show_default=True, help="输出格式：pdf、docx，逗号分隔")
    @click.option("--offset-x", type=float, help="套打水平偏移（毫米，向右为正），优先于设置文件")
    @click.option("--offset-y", type=float, help="套打垂直偏移（毫米，向下为正），优先于设置文件")
    @click.option("--jobs", "jobs", type=click.IntRange(1, 64), help="并行进程数（默认：CPU 核数）")
    @click.option("--workers", type=click.IntRange(1, 64), hidden=True, help="--jobs 的旧名")
    @click.option("--engine", type=click.Choice(["auto", "fast", "weasyprint"]), default="auto", show_default=True,
                  help="PDF 排版引擎：fast 直接写 PDF（内置设计，快）；weasyprint 经 HTML 排版（慢，用于对照）；"
                       "auto 内置设计用 fast，自定义 certificate.html 模板用 weasyprint")
    @force_option
    @templates_option
    def make(list_path, settings_path, outdir, design, per_person, formats, offset_x, offset_y, jobs, workers,
             engine, force, template_dir):
        """按名单 LIST 生成荣誉证书。

        LIST 为数据工作簿（读“表彰”工作表），或任何含“姓名”“所在单位”“荣誉称号”列的
        XLSX / CSV（UTF-8 或 GBK）/ YAML。生成一个合并 PDF（一人一页）和一个合并 Word 文件；
        加 --per-person 另生成每人一个文件。有问题的行会列出行号并跳过，其余照常生成；
        有失败行时退出码为 1。
        """
        from ..jobs.certificates import FORMATS, certificates
        from ..render.formats import parse_formats
        from .common import RichReporter

        chosen = parse_formats(formats, FORMATS)
        with RichReporter(err_console, remaining=True) as reporter:
            outcome = certificates(list_path, outdir, settings_path=settings_path, design=design,
                                   per_person=per_person, formats=chosen, offset_x=offset_x, offset_y=offset_y,
                                   force=force, template_dir=template_dir, workers=jobs or workers, engine=engine,
                                   progress=reporter)
        for warning in outcome.warnings:
            err_console.print(f"[yellow]警告：{warning}（检查偏移和“字段位置”）[/yellow]")
        from ..jobs.certificates import failure_lines

        for line in failure_lines(outcome.batch.failures):
            err_console.print(f"[red]未生成：{escape(line)}[/red]", soft_wrap=True)
        for path in outcome.combined:
            console.print(f"  已写入 {path}")
        if outcome.result.skipped:
            err_console.print(f"[yellow]{len(outcome.result.skipped)} 个单人文件已存在，未覆盖（加 --force 覆盖）[/yellow]")
        console.print(outcome.summary())
        if not outcome.batch.certificates:
            err_console.print("[red]没有可生成的证书。[/red]")
        sys.exit(1 if outcome.batch.failures or not outcome.batch.certificates else 0)


def _add_new_settings(group) -> None:
    @group.command("new-settings")
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--page-size", default="A4横向", show_default=True,
                  help="纸张：A4横向、A4纵向、正度16开、大度16开、正度8开…，或“宽x高”毫米")
    @click.option("--design", type=click.Choice(["formal", "plain", "blank"]), default="formal", show_default=True,
                  help="设置文件中的“设计”：formal 正式（边框+标题）、plain 简洁、blank 套打（只印文字）")
    @force_option
    def new_settings_command(path, page_size, design, force):
        """写出带注释的证书设置文件 PATH（每一项及其默认值）。"""
        from ..jobs.certificates import new_settings

        written = new_settings(path, page=page_size, design=design, force=force)
        console.print(f"已生成设置文件：{written}\n修改后使用：sp-docs certificates 名单.xlsx --settings \"{written}\"")


def _add_calibrate(group) -> None:
    @group.command("calibrate")
    @click.option("--page-size", default="A4横向", show_default=True, help="纸张，与设置文件“纸张”相同的写法")
    @click.option("-o", "--output", "outfile", type=click.Path(dir_okay=False, path_type=Path),
                  default=Path("校准页.pdf"), show_default=True, help="输出 PDF 文件")
    @click.option("--offset-x", type=float, default=0.0, help="按此水平偏移（毫米）移动十字线，用于核对")
    @click.option("--offset-y", type=float, default=0.0, help="按此垂直偏移（毫米）移动十字线，用于核对")
    @force_option
    @templates_option
    def calibrate(page_size, outfile, offset_x, offset_y, force, template_dir):
        """生成套打校准页：毫米刻度尺和十字线。须按 100% 比例打印。"""
        from ..jobs.certificates import calibration

        written = calibration(outfile, page=page_size, offset_x=offset_x, offset_y=offset_y, force=force,
                              template_dir=template_dir)
        console.print(f"已生成校准页：{written}（请按 100% 比例打印，不要缩放）")
