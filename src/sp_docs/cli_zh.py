"""Chinese for click's own messages (usage, errors, help option).

Nothing of click is patched.  click builds its English messages from the
templates below; the click layer translates each text on its way to the user:
``translate`` matches a message against the English templates (placeholders
become capture groups) and fills in the Chinese template.  Help pages go through
``ZhHelpFormatter`` (headings, "Usage:", "[default: …]"), usage errors through
``show_click_error``; type names in metavars and messages through ``TYPE_NAMES``."""
from __future__ import annotations

import re
import sys

import click

CATALOGUE = {
    "%(prog)s, version %(version)s": "%(prog)s 版本 %(version)s",
    "Aborted!": "已取消。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "Commands": "命令",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "Error: {message}": "错误：{message}",
    "Error: invalid input": "错误：输入无效",
    "Error: The two entered values do not match.": "错误：两次输入不一致。",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "Missing argument": "缺少参数",
    "Missing command.": "缺少命令。",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "Option {name!r} does not take a value.": "选项 {name!r} 不需要值。",
    "Options": "选项",
    "Positional arguments": "位置参数",
    "Show the version and exit.": "显示版本并退出。",
    "Show this message and exit.": "显示帮助并退出。",
    "Try '{command} {option}' for help.": "运行 '{command} {option}' 查看帮助。",
    "Usage:": "用法：",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是文件夹。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件，应为文件夹。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 无法读取。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 无法写入。",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "{value!r} is not one of {choices}.": "{value!r} 不是可选值之一：{choices}。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "file": "文件", "directory": "文件夹", "path": "路径",
    "integer": "整数", "float": "小数",
}
CATALOGUE.update({
    "{value!r} is not {choice}.": "{value!r} 无效，只能是 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 无效，可选：{choices}。",
    "Got unexpected extra argument ({args})": "多余的参数（{args}），如含空格请加引号",
    "Got unexpected extra arguments ({args})": "多余的参数（{args}），如含空格请加引号",
    "Option {name!r} requires an argument.": "选项 {name!r} 后面需要填写一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 后面需要填写 {nargs} 个值。",
    "Did you mean {possibility}?": "是不是要输入 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是不是要输入其中之一：{possibilities}？）",
    "Takes {nargs} values but 1 was given.": "需要 {nargs} 个值，只给了 1 个。",
    "Takes {nargs} values but {len} were given.": "需要 {nargs} 个值，给了 {len} 个。",
    "{value!r} does not match the format {format}.": "{value!r} 不符合格式 {format}。",
    "{value!r} does not match the formats {formats}.": "{value!r} 不符合以下任一格式：{formats}。",
})



# words click puts into its messages: type names, and Path's "File 'x' does not exist."
TYPE_NAMES = {"integer": "整数", "float": "数字", "boolean": "是/否",
              "File": "文件", "Directory": "文件夹", "Path": "路径"}
METAVARS = {"FILE": "文件", "DIRECTORY": "文件夹", "PATH": "路径", "INTEGER": "整数", "FLOAT": "数字"}
_METAVAR = re.compile(r"(?<![\w-])(FILE|DIRECTORY|PATH|INTEGER|FLOAT)(?![\w-]| RANGE)")


def _pattern(template: str) -> re.Pattern:
    """The English template as a regular expression; ``{name}``/``{name!r}`` capture."""
    parts = re.split(r"(\{\w+(?:!r)?\})", template)
    regex = "".join(f"(?P<{p.strip('{}').removesuffix('!r')}>.+?)" if p.startswith("{") and p.endswith("}")
                    else re.escape(p) for p in parts)
    return re.compile(regex + r"\Z", re.S)


_PATTERNS = [(_pattern(en), en, zh.replace("!r}", "}")) for en, zh in CATALOGUE.items() if "{" in en]
_PATTERNS += [(_pattern(en), en, zh) for en, zh in (
    ("{message} Did you mean {possibility}?", "{message} 是不是要输入 {possibility}？"),
    ("{message} (Did you mean one of: {possibilities}?)", "{message}（是不是要输入其中之一：{possibilities}？）"),
    ("Missing argument {param_hint}.", "缺少参数 {param_hint}."),
    ("Missing option {param_hint}.", "缺少选项 {param_hint}."),
    ("Missing parameter {param_hint}.", "缺少参数 {param_hint}."),
    ("No such option: {name}", "没有选项：{name}"),
    ("No such command: {name}", "没有命令：{name}"),
)]
_PATTERNS.sort(key=lambda item: -len(item[1]))  # the most specific template first


def translate(message: str) -> str:
    """A click message in Chinese; text that matches no template is returned as it is."""
    if message in TYPE_NAMES:
        return TYPE_NAMES[message]
    if message in CATALOGUE:
        return CATALOGUE[message]
    for pattern, english, chinese in _PATTERNS:
        match = pattern.match(message)
        if match:
            quoted = set(re.findall(r"\{(\w+)!r\}", english))
            fields = {k: v if k in quoted else translate(v) for k, v in match.groupdict().items()}
            return chinese.format(**fields)
    return message


class ZhHelpFormatter(click.HelpFormatter):
    """Help pages in Chinese: usage prefix, section headings, "[default: …; required]"."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix=f"{CATALOGUE['Usage:']} " if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(translate(heading))

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = [(_METAVAR.sub(lambda m: METAVARS[m.group(1)], term), _translate_extras(text)) for term, text in rows]
        super().write_dl(rows, col_max, col_spacing)


_EXTRAS = re.compile(r"\[([^\[\]]*)\]\Z")


def _translate_extras(text: str) -> str:
    """The trailing ``[default: x; required]`` of an option's help, item by item."""
    match = _EXTRAS.search(text)
    if not match:
        return translate(text)
    items = "; ".join(translate(item) for item in match.group(1).split("; "))
    before = text[:match.start()]
    help_text = before.rstrip()
    return f"{translate(help_text)}{before[len(help_text):]}[{items}]"


class ZhContext(click.Context):
    formatter_class = ZhHelpFormatter


class ZhCommand(click.Command):
    """A command whose help page speaks Chinese."""

    context_class = ZhContext


def show_click_error(exc: click.ClickException, file=None) -> None:
    """What ``ClickException.show`` prints, in Chinese."""
    file = file or sys.stderr
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, click.exceptions.NoArgsIsHelpError):  # its message is the (translated) help page
        click.echo(exc.format_message(), file=file, color=ctx.color)
        return
    if isinstance(exc, click.UsageError) and ctx is not None:
        hint = ""
        if ctx.command.get_help_option(ctx) is not None:
            option = max(ctx.command.get_help_option_names(ctx), key=len)
            hint = CATALOGUE["Try '{command} {option}' for help."].format(command=ctx.command_path, option=option)
            hint += "\n"
        click.echo(f"{ctx.get_usage()}\n{hint}", file=file, color=ctx.color)
    message = CATALOGUE["Error: {message}"].format(message=translate(exc.format_message()))
    click.echo(message, file=file, color=ctx.color if ctx is not None else None)
