"""The click layer: errors presented in one place, Chinese click messages without patching click."""
from __future__ import annotations

import gettext

import click
from click.testing import CliRunner

from sp_docs.cli_zh import translate
from sp_docs.commands.common import SpDocsGroup
from sp_docs.errors import InputError, Location, SpDocsError


def test_importing_the_cli_patches_nothing_in_click():
    import click.core
    import click.types

    import sp_docs.cli  # noqa: F401

    assert click.types.IntParamType.name == "integer" and click.types.FloatParamType.name == "float"
    assert click.core._ is gettext.gettext and click.types._ is gettext.gettext


def test_translate_fills_the_chinese_template():
    assert translate("'abc' is not a valid integer.") == "'abc' 不是有效的整数。"
    assert translate("Invalid value for '--year': 'x' is not a valid float.") == "'--year' 的值无效：'x' 不是有效的数字。"
    assert translate("No such command 'chek'. Did you mean 'check'?") == "没有命令 'chek'。 是不是要输入 'check'？"
    assert translate("File 'a.xlsx' does not exist.") == "文件 'a.xlsx' 不存在。"
    assert translate("说明文字不变") == "说明文字不变"


def _toy_group():
    @click.group(cls=SpDocsGroup)
    def toy():
        """玩具命令组。"""

    @toy.command()
    @click.argument("what")
    @click.option("--n", type=int, default=3, show_default=True, help="次数")
    def fail(what, n):
        """按 WHAT 失败。"""
        if what == "input":
            raise InputError("年龄应为整数", Location("a.xlsx", "教师", 3, "年龄"))
        if what == "domain":
            raise SpDocsError("模板不存在")
        raise RuntimeError("boom")

    @toy.group()
    def sub():
        """子命令组。"""

    @sub.command()
    def deep():
        raise SpDocsError("在子命令组里")

    return toy


def test_every_command_and_subgroup_presents_errors_in_one_place():
    toy, runner = _toy_group(), CliRunner()
    result = runner.invoke(toy, ["fail", "input"])
    assert result.exit_code == 2 and "工作表“教师” 第3行" in result.output and "共 1 处错误" in result.output
    result = runner.invoke(toy, ["fail", "domain"])
    assert result.exit_code == 1 and "错误：模板不存在" in result.output
    result = runner.invoke(toy, ["fail", "other"])
    assert result.exit_code == 1 and "内部错误：RuntimeError: boom" in result.output and "Traceback" not in result.output
    result = runner.invoke(toy, ["sub", "deep"])
    assert result.exit_code == 1 and "在子命令组里" in result.output


def test_click_usage_and_help_in_chinese_for_any_command_of_the_group():
    toy, runner = _toy_group(), CliRunner()
    result = runner.invoke(toy, ["fail", "x", "--n", "abc"])
    assert result.exit_code == 2 and "错误：'--n' 的值无效：'abc' 不是有效的整数。" in result.output
    assert "用法：" in result.output and "运行 'toy fail --help' 查看帮助。" in result.output
    help_text = runner.invoke(toy, ["fail", "--help"]).output
    assert "--n 整数" in help_text and "[默认：3]" in help_text and "显示帮助并退出。" in help_text
    assert "选项:" in help_text and "Usage" not in help_text and "Options" not in help_text
