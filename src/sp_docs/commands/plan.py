"""``sp-docs plan``: the 实施方案 with its 印发通知 and 附件1–3 from a questionnaire's answers."""
from __future__ import annotations

from pathlib import Path

import click

from .common import CONTEXT_SETTINGS, console, err_console, force_option, outdir_option, templates_option


def register(main) -> None:
    @main.command("plan", context_settings=CONTEXT_SETTINGS)
    @click.argument("answers", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--data", "data_file", type=click.Path(dir_okay=False, path_type=Path),
                  help="数据工作簿（或 YAML）：附件1按其中的“三年计划”、附件2按其中的双培对象填写")
    @outdir_option
    @click.option("--format", "formats", default="docx,pdf", show_default=True, help="输出格式，逗号分隔，可选 docx,pdf")
    @force_option
    @templates_option
    def plan(answers: Path, data_file, outdir, formats, force, template_dir):
        """按问卷答卷 ANSWERS（.yaml 或填好的问卷 .xlsx）生成《“双培”工程实施方案》。

        ANSWERS 也可以是问卷平台（问卷星、金数据、腾讯问卷）导出的 Excel 或 CSV：每行一所学校、
        表头为题目原文（可带“1.”等编号）或题目编号，每行生成一份方案，以学校全称命名。

        一个文件依次包含：印发通知（可选红头、发文字号、红色分隔线、主送机关、署名和成文日期、印章）、
        实施方案正文、附件1–3 和末页版记；版式符合 GB/T 9704-2012。
        """
        from ..jobs.plan import PLAN_FORMATS
        from ..jobs.plan import plan as run
        from ..jobs.survey_plans import is_export
        from ..render.formats import parse_formats

        if is_export(answers):  # a survey platform's export: one plan per school
            _survey(answers, outdir, data_file, parse_formats(formats, PLAN_FORMATS), force, template_dir)
            return

        written, view = run(answers, outdir, data_file=data_file, formats=parse_formats(formats, PLAN_FORMATS),
                            force=force, template_dir=template_dir)
        from rich.markup import escape

        for warning in view.warnings:
            err_console.print(f"[yellow]警告：{escape(warning)}[/yellow]", soft_wrap=True)
        console.print(f"{view.plan_title}：正文 {sum(1 for b in view.blocks if b.kind == 'heading')} 个标题")
        for path in written:
            console.print(f"  已写入 {path}")


def _survey(export, outdir, data_file, formats, force, template_dir) -> None:
    import sys

    from rich.markup import escape

    from ..jobs.survey_plans import failure_lines, survey_plans, warning_lines
    from .common import RichReporter

    with RichReporter(err_console) as reporter:
        batch = survey_plans(export, outdir, data_file=data_file, formats=formats, force=force,
                             template_dir=template_dir, progress=reporter)
    for note in batch.notes:
        err_console.print(f"[yellow]提示：{escape(note)}[/yellow]", soft_wrap=True)
    for line in failure_lines(batch):
        err_console.print(f"[red]未生成：{escape(line)}[/red]", soft_wrap=True)
    for warning in warning_lines(batch):
        err_console.print(f"[yellow]警告：{escape(warning)}[/yellow]", soft_wrap=True)
    console.print(batch.summary())
    if batch.result.written:
        console.print(f"输出在 {outdir}/")
    sys.exit(0 if not batch.result.failed else (1 if batch.plans else 2))
