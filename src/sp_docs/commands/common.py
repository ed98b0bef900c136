"""What every command of the click layer shares: the consoles, the options used
by many commands, the progress bar jobs report to, and ``SpDocsGroup`` — the one
place where errors are presented to the user.

``cli`` and each ``commands/*`` module import from here; nothing here imports
``cli`` or a command module, so the click layer has no import cycle."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

from ..cli_zh import ZhCommand, ZhContext, show_click_error
from ..errors import InputError, Problems, SpDocsError

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def print_problems(problems: Problems, title: str = "检查结果", out: Console | None = None) -> None:
    """A table on a wide terminal; one self-contained line per problem otherwise
    (narrow windows, logs, pipes), so nothing is cut or wrapped mid-word.
    Errors of a failed command go to stderr; ``check`` prints its findings to stdout."""
    out = out or err_console
    if not len(problems):
        return
    if out.is_terminal and out.width >= 110:
        from rich.table import Table  # with its fractions/decimal only when a table is printed

        table = Table(title=title, show_lines=False, expand=False)
        for name in ("级别", "位置", "问题", "填写的值", "应为"):
            table.add_column(name, overflow="fold")
        for p in problems:
            level = "[red]错误[/red]" if p.is_error else "[yellow]警告[/yellow]"
            table.add_row(level, p.location.describe(), p.message, p.value, p.expected)
        out.print(table)
        return
    out.print(f"{title}：", soft_wrap=True)
    for p in problems:
        colour = "red" if p.is_error else "yellow"
        out.print(f"[{colour}]{escape(p.describe())}[/{colour}]", soft_wrap=True)


def present_error(exc: BaseException) -> int:
    """Show a failure of a command in Chinese; the exit status to end with.
    No traceback ever reaches the user; exit status 2 for bad input."""
    if isinstance(exc, InputError):
        print_problems(exc.problems, "输入有误，未生成文件")
        err_console.print(f"[red]共 {len(exc.problems.errors)} 处错误，请修改后重试。[/red]")
        return 2
    if isinstance(exc, SpDocsError):
        err_console.print(f"[red]错误：{exc}[/red]")
        return exc.exit_code
    if isinstance(exc, OSError):  # a file-system fault the job did not name: still the user's file
        from ..fsfaults import from_uncaught

        err_console.print(f"[red]错误：{from_uncaught(exc)}[/red]")
        return 1
    if isinstance(exc, KeyboardInterrupt):
        err_console.print("[yellow]已中断（Ctrl-C）：已停止全部后台进程，未写入不完整的文件。[/yellow]")
        return 130
    err_console.print(f"[red]内部错误：{type(exc).__name__}: {exc}[/red]\n"
                      "请把这条信息和所用文件报告给维护人员（设置 SP_DOCS_DEBUG=1 可显示详细信息）。")
    return 1


class SpDocsGroup(click.Group):
    """The ``sp-docs`` group and every group below it.  Errors of any command are
    presented here (``present_error``), click's own usage errors in Chinese
    (``cli_zh``); sub-commands and sub-groups get the same classes."""

    context_class = ZhContext
    command_class = ZhCommand
    group_class = type  # sub-groups are SpDocsGroups too

    def invoke(self, ctx: click.Context):
        from ..jobs import show_reading_warnings
        from ..output import new_run

        new_run()  # a command's inputs (protected from being written) are its own
        show_reading_warnings(lambda file, found: print_problems(found, f"读取“{file}”时的警告"))
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except (SpDocsError, KeyboardInterrupt) as exc:
            sys.exit(present_error(exc))
        except Exception as exc:  # the last line of defence: still no traceback
            if os.environ.get("SP_DOCS_DEBUG"):
                raise
            sys.exit(present_error(exc))

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.ClickException as exc:
            show_click_error(exc)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("已取消。", file=sys.stderr)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


def handle_errors(func):
    """Kept for command modules written before ``SpDocsGroup`` presented every
    error: it changes nothing (the group already does it)."""
    return func


def format_option(allowed=("xlsx", "docx", "pdf"), default="xlsx,docx,pdf"):
    return click.option("--format", "formats", default=default, show_default=True,
                        help=f"输出格式，逗号分隔，可选 {','.join(allowed)}")


force_option = click.option("--force", is_flag=True, help="覆盖已存在的输出文件（默认保留旧文件并报错）")
outdir_option = click.option("-o", "--output", "outdir", type=click.Path(file_okay=False, path_type=Path),
                             default=Path("out"), show_default=True, help="输出文件夹")
templates_option = click.option("--templates", "template_dir", type=click.Path(exists=True, file_okay=False,
                                path_type=Path), help="自定义模板文件夹（含 docx/、xlsx/、html/ 子文件夹）")
workbook_argument = click.argument("workbook", type=click.Path(path_type=Path))


class RichReporter:
    """A ``jobs.progress.Reporter`` drawing rich progress bars: one bar per stage.
    Use as a context manager so the bars are closed when the job ends."""

    def __init__(self, out: Console | None = None, remaining: bool = False):
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        clock = TimeRemainingColumn() if remaining else TimeElapsedColumn()
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), clock,
                                 console=out or err_console, transient=False)
        self.task = None

    def __enter__(self) -> "RichReporter":
        self.progress.__enter__()
        return self

    def __exit__(self, *exc) -> bool:
        self.progress.__exit__(*exc)
        return False

    def start(self, total: int, label: str) -> None:
        self.task = self.progress.add_task(label, total=total)

    def advance(self, n: int = 1) -> None:
        if self.task is not None:
            self.progress.advance(self.task, n)

    def notice(self, text: str) -> None:
        self.progress.console.print(f"[yellow]{escape(text)}[/yellow]", soft_wrap=True)
