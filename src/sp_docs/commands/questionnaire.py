"""``sp-docs questionnaire new|ask|xlsx``: three ways to answer the 实施方案 questionnaire."""
from __future__ import annotations

from pathlib import Path

import click

from .common import CONTEXT_SETTINGS, console, force_option


def register(main) -> None:
    @main.group(context_settings=CONTEXT_SETTINGS)
    def questionnaire():
        """实施方案问卷：生成答卷（YAML）、交互问答、Excel 问卷。

        \b
        三种方式得到同一份答卷，然后：sp-docs plan 答卷 -o 输出文件夹
          sp-docs questionnaire new answers.yaml    带说明的 YAML 答卷（默认答案）
          sp-docs questionnaire ask answers.yaml    在终端逐题回答
          sp-docs questionnaire xlsx 问卷.xlsx       在 Excel/WPS 中填写的问卷
        用问卷平台（问卷星、金数据、腾讯问卷）收集各校答卷：
          sp-docs questionnaire export 题目清单       导出题目清单（.xlsx 和 .txt），导入问卷平台
          sp-docs plan 平台导出.xlsx -o 输出文件夹      每校一份实施方案
        """

    @questionnaire.command("new")
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    @force_option
    def new(path: Path, force: bool):
        """生成 YAML 答卷 PATH：每道题的题目和说明写成注释，下面是默认答案。"""
        from ..jobs.plan import new_answers

        written = new_answers(path, force=force)
        console.print(f"已生成答卷：{written}\n用文本编辑器修改答案后运行：sp-docs plan \"{written}\" -o 输出文件夹")

    @questionnaire.command("ask")
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    def ask(path: Path):
        """在终端逐题回答，结果保存到 PATH。

        已有的 PATH 中的答案作为默认值（直接回车即保留）；中途按 Ctrl-C 退出时不写入任何文件。
        """
        from ..jobs.plan import ask_answers

        try:
            written, _ = ask_answers(path)
        except click.Abort:
            raise KeyboardInterrupt from None
        console.print(f"\n已保存答卷：{written}\n生成方案：sp-docs plan \"{written}\" -o 输出文件夹")

    @questionnaire.command("xlsx")
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    @force_option
    def xlsx(path: Path, force: bool):
        """生成 Excel 问卷 PATH（单选、是/否题有下拉列表，多选题每个选项一行选“是/否”）。

        填好后可直接用于：sp-docs plan PATH -o 输出文件夹
        """
        from ..jobs.plan import questionnaire_workbook

        written = questionnaire_workbook(path, force=force)
        console.print(f"已生成问卷：{written}\n在 Excel/WPS 中填写“答案”列后运行：sp-docs plan \"{written}\" -o 输出文件夹")

    register_export(questionnaire)


def register_export(questionnaire) -> None:
    @questionnaire.command("export")
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--format", "formats", default=None,
                  help="xlsx、txt 或 xlsx,txt（默认：按 PATH 的扩展名；没有扩展名时两种都写）")
    @force_option
    def export(path: Path, formats: str | None, force: bool):
        """导出问卷题目清单，供问卷平台（问卷星、金数据、腾讯问卷）批量导入题目。

        \b
        TXT：每题一段，“题号. 题目[单选题/多选题/填空题]”，下面每行一个选项（问卷星“批量导入题目”的格式）；
        XLSX：每题一行，题目、题型、是否必答、说明、题目编号、各选项。
        平台收集后导出的 Excel/CSV（每校一行、表头为题目）直接用于：sp-docs plan 导出文件 -o 输出文件夹
        """
        from ..jobs.plan import export_questions
        from ..render.formats import parse_formats

        if formats is None:
            suffix = path.suffix.lower().lstrip(".")
            formats = suffix if suffix in ("xlsx", "txt") else "xlsx,txt"
        for written in export_questions(path, tuple(parse_formats(formats, ("xlsx", "txt"))), force=force):
            console.print(f"已导出题目清单：{written}")
        console.print("导入问卷平台收集答卷后，把平台导出的 Excel/CSV 交给：sp-docs plan 导出文件 -o 输出文件夹")
