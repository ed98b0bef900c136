"""``sp-docs rules new RULES.yaml``: the commented default rule settings."""
from __future__ import annotations

from pathlib import Path

import click

from .common import CONTEXT_SETTINGS, console, force_option


def register(main) -> None:
    @main.group("rules", context_settings=CONTEXT_SETTINGS)
    def rules():
        """“双培”工程检查规则的设置文件（供 sp-docs check --rules 使用）。"""

    @rules.command("new")
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    @force_option
    def rules_new(path: Path, force: bool):
        """生成带说明的默认规则设置文件 PATH（YAML），可按本地要求修改后使用。"""
        from ..output import write_text
        from ..rules.config import defaults_text

        written = write_text(path, defaults_text(), force=force)
        console.print(f"已生成规则设置：{written}\n修改后运行：sp-docs check 数据.xlsx --rules \"{written}\"")
