"""The ``sp-docs`` command line.  Each command parses its options, calls one
function and prints the result; every failure becomes a Chinese message."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.markup import escape

from . import __version__
from .commands.common import (  # noqa: F401
    CONTEXT_SETTINGS,
    SpDocsGroup,
    console,
    err_console,
    force_option,
    format_option,
    handle_errors,
    outdir_option,
    print_problems,
    templates_option,
    workbook_argument,
)
from .errors import SpDocsError


def _set_limits(ctx, param, values):
    from . import limits

    for value in values or ():
        try:
            limits.set_from_option(value)
        except SpDocsError as exc:
            raise click.BadParameter(str(exc)) from None
    return values


@click.group(cls=SpDocsGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "-V", "--version", message="sp-docs %(version)s", help="显示版本并退出。")
@click.option("--limit", "limit_values", multiple=True, metavar="名称=值", callback=_set_limits, expose_value=False,
              is_eager=True, help="调整一项安全上限（可重复），如 --limit workbook_rows=500000；"
                                  "名称和默认值见文档“安全与健壮性”一节")
def main():
    """sp-docs：“双培”工程文档生成工具。

    把学校或教育局的数据（Excel 工作簿或 YAML）生成“双培”工程的正式文档：
    附件1–3、培养台账、荣誉证书、实施方案等，每种文档都有可编辑的 Word、可打印的 PDF，
    表格另有 Excel。

    \b
    新用户从这里开始：
      sp-docs init 我的数据          生成空白数据工作簿和填写说明
      sp-docs check 我的数据/双培数据.xlsx   检查填写错误
      sp-docs annex 2 数据.xlsx --unit 单位名称 -o 输出文件夹
    """


@main.command()
@workbook_argument
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="table 供人阅读；json 供程序读取")
@click.option("--rules", "rules_file", is_flag=False, flag_value="-", default=None, metavar="[RULES.yaml]",
              help="同时按“双培”工程规则检查（可给出规则设置文件，不给则用默认规则；sp-docs rules new 生成）")
@click.option("-o", "--output", "findings_out", type=click.Path(dir_okay=False, path_type=Path),
              help="问题清单写入此 XLSX 文件：加 --rules 时为规则检查的问题，否则为填写错误和警告")
@force_option
def check(workbook: Path, output_format: str, rules_file: str | None = None, findings_out: Path | None = None,
          force: bool = False):
    """检查数据工作簿（或 YAML）的填写错误和警告。

    列出每处问题所在的文件、工作表、行、列、填写的值和应填的内容。
    有错误时退出码为 2，只有警告或没有问题时为 0。
    加 --rules 时再按规则检查（谈心谈话、10%、培养人、两个80%等），按单位和规则列出问题；
    规则发现问题时退出码为 3（输入有错误时仍为 2）。
    """
    from .jobs.check import check_workbook

    data, problems = check_workbook(workbook)  # the web service's upload check calls the same function
    if output_format == "json":
        payload = {"file": str(workbook), "errors": len(problems.errors), "warnings": len(problems.warnings),
                   "problems": [p.to_dict() for p in problems]}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print_problems(problems, out=console)
        if data is not None:
            console.print(f"读取：单位 {len(data.units)} 个，教师 {len(data.teachers)} 人，双培对象 "
                          f"{len(data.trainees)} 人，培养记录 {len(data.records)} 条，计划 {len(data.plans)} 条，"
                          f"表彰 {len(data.awards)} 条。")
        if problems.errors:
            console.print(f"[red]发现 {len(problems.errors)} 处错误、{len(problems.warnings)} 处警告，请修改错误后再生成文档。[/red]")
        else:
            console.print(f"[green]没有错误[/green]（警告 {len(problems.warnings)} 处）。")
    if rules_file is not None and data is not None and not problems.errors:
        from .jobs.rules import RULES_EXIT_CODE, print_report, run_check

        report, written = run_check(data, None if rules_file == "-" else Path(rules_file), findings_out, force=force)
        if output_format == "table":
            print_report(data, report, console)
        if written:
            console.print(f"问题清单已写入 {written}")
        sys.exit(RULES_EXIT_CODE if report.findings else 0)
    if findings_out is not None:
        from .jobs.rules import write_input_problems

        written = write_input_problems(problems, findings_out, force=force)
        console.print(f"输入问题清单已写入 {written}" + ("" if rules_file is not None else
                      "（未加 --rules，只含填写错误和警告；加 --rules 可另写规则检查的问题清单）"))
    sys.exit(2 if problems.errors else 0)


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@force_option
def init(directory: Path, force: bool):
    """在 DIRECTORY 中生成空白数据工作簿“双培数据.xlsx”（含下拉选项和填写说明）。"""
    from .output import write_bytes
    from .sources.blank import blank_workbook

    path = write_bytes(directory / "双培数据.xlsx", blank_workbook(), force=force)
    console.print(f"已生成空白工作簿：{path}\n下一步：在 Excel/WPS 中填写，然后运行  sp-docs check \"{path}\"")


@main.group(context_settings=CONTEXT_SETTINGS)
def annex():
    """生成附件表格：1 = 三年实施计划指导性任务表，2 = 实施情况汇总表。"""


@annex.command("3", hidden=True, context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
def annex_3():
    """附件3 培养台账：请用 sp-docs ledgers。"""
    raise SpDocsError("附件3 培养台账请用：sp-docs ledgers 工作簿 -o 输出文件夹（每名对象一份，可合订打印，见 sp-docs ledgers --help）")


@annex.command("2")
@workbook_argument
@click.option("--unit", required=True, help="单位名称；填上级单位时包括其下属单位")
@click.option("--year", type=int, help="统计年度（默认：有数据的最近年度）")
@click.option("--title-prefix", help="标题前缀，如“青川市教育系统”（默认从最上级单位名称推出）")
@outdir_option
@format_option()
@force_option
@templates_option
def annex_2(workbook, unit, year, title_prefix, outdir, formats, force, template_dir):
    """附件2 “双培”工程实施情况汇总表（XLSX、DOCX、PDF）。

    行为该单位（及下属单位）计划完成年度（已完成的按完成时间）在该年度的双培对象，
    类别1在前、类别2在后，按姓名拼音排序。
    """
    from .jobs.annex2 import annex2
    from .render.formats import parse_formats

    written, view = annex2(workbook, unit, outdir, year=year, formats=parse_formats(formats), force=force,
                                template_dir=template_dir, title_prefix=title_prefix)
    console.print(f"{view.unit_name} {view.year}年：{len(view.rows)} 人")
    for warning in view.warnings:
        err_console.print(f"[yellow]警告：{escape(warning)}[/yellow]", soft_wrap=True)
    for path in written:
        console.print(f"  已写入 {path}")
    if view.warnings:  # a character no installed font draws: the PDF row is not right (exit status 1)
        sys.exit(1)


@main.command()
@click.option("--install-aliases", is_flag=True,
              help="为当前用户安装字体别名（~/.config/fontconfig），让 LibreOffice/WPS 用 PDF 的字体显示官方字体名")
def fonts(install_aliases: bool):
    """列出各字体角色：Word 文件中写入的官方字体、本机办公软件实际使用的字体、PDF 嵌入的字体。"""
    from .render import fonts as font_roles
    from .render import office_fonts

    if install_aliases:
        console.print(f"已安装字体别名：{office_fonts.install_user_aliases()}")
    files = {row["role"]: row for row in font_roles.report()}
    office_rows = office_fonts.report()
    labels = {"official": "[green]官方字体[/green]", "same_as_pdf": "[green]与 PDF 相同[/green]",
              "fallback": "[yellow]回退[/yellow]"}
    if console.width >= 100:
        from rich.table import Table

        table = Table(title="字体")
        for name in ("角色", "Word 文件中的字体", "本机 LibreOffice/WPS 使用", "PDF 嵌入", "状态"):
            table.add_column(name, overflow="fold")
        for row in office_rows:
            table.add_row(row["role"], row["docx"], row["office"], row["pdf"], labels[row["status"]])
        console.print(table)
    else:  # a narrow terminal would fold font names inside the table: one line per role instead
        for row in office_rows:
            console.print(f"{escape(row['role'])}：Word 文件中 {escape(row['docx'])} → 本机使用 "
                          f"{escape(row['office'])} → PDF 嵌入 {escape(row['pdf'])}（{labels[row['status']]}）",
                          soft_wrap=True)
    fallback = sum(1 for row in files.values() if row["fallback"])
    if fallback:
        console.print(f"[yellow]注意：{fallback} 个角色的 PDF 使用替代字体（未安装官方字体）。Word/WPS 文件仍指定官方字体，"
                      "在装有这些字体的电脑上打开即为标准字体。安装官方字体后 PDF 会自动改用。[/yellow]")
    for line in office_fonts.advice(office_rows):
        console.print(f"[yellow]{escape(line)}[/yellow]")


@main.command("all")
@click.argument("data_dir", metavar="数据文件夹或工作簿", type=click.Path(exists=True, path_type=Path),
                default=Path("data_examples"))
@outdir_option
@force_option
def all_documents(data_dir: Path, outdir: Path, force: bool):
    """用数据生成本工具能生成的全部文档，写入输出文件夹。

    \b
    参数为数据文件夹（默认 data_examples/）或直接给出数据工作簿。文件夹中查找：
      数据工作簿  city.xlsx；没有时用文件夹中唯一的数据工作簿（任意文件名，
                  如 sp-docs init 生成的“双培数据.xlsx”；含“单位”“双培对象”工作表）
      可选文件    rules.yaml（规则设置，附件1 最低数）、answers.yaml（实施方案问卷答卷）、
                  school.xlsx（实施方案用的学校数据）、certificate_settings.yaml（证书设置）、
                  points_achievements.yaml（积分成果）
    缺少可选文件时，用到它的那一项跳过（打印一行说明），其余照常生成。
    """
    from . import jobs

    workbook = jobs.example_workbook(data_dir)  # one clear error when there is no data
    console.print(f"数据：{workbook}")
    failed = skipped = 0
    for name, step in jobs.example_steps().items():
        try:
            written = step(data_dir, outdir, force)
        except jobs.StepSkipped as exc:
            skipped += 1
            err_console.print(f"[yellow]{name}：跳过：{exc}[/yellow]")
            continue
        except SpDocsError as exc:
            failed += 1
            err_console.print(f"[red]{name}：失败：{exc}[/red]")
            continue
        console.print(f"[green]{name}[/green]：{len(written)} 个文件")
    note = f"（跳过 {skipped} 项）" if skipped else ""
    console.print(f"全部完成{note}，输出在 {outdir}/" if not failed else f"[red]{failed} 项失败[/red]{note}")
    sys.exit(1 if failed else 0)


from .commands import register_all  # noqa: E402

register_all(main)

if __name__ == "__main__":  # pragma: no cover
    main()
