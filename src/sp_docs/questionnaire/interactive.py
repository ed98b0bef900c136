"""``sp-docs questionnaire ask``: one Chinese prompt per applicable question,
choices listed, defaults shown, bad answers asked again."""
from __future__ import annotations

import click

from ..sources.normalize import NormalizeError
from .schema import Question, format_value, questions


def _prompt_text(q: Question, default) -> str:
    lines = [f"\n{q.title}"]
    if q.help:
        lines.append(f"  说明：{q.help}")
    if q.type in ("choice", "multi"):
        for n, choice in enumerate(q.choices, start=1):
            mark = "*" if (choice in default if isinstance(default, list) else choice == default) else " "
            lines.append(f"  {mark}{n:>2}. {choice}")
        lines.append("  （输入序号或名称" + ("，多个用逗号或顿号分隔" if q.type == "multi" else "") + "）")
    elif q.type == "bool":
        lines.append("  （是/否）")
    elif q.type == "number":
        lines.append(f"  （{q.min}–{q.max} 的整数）")
    elif q.type == "date":
        lines.append("  （如 2025-03-01）")
    if q.optional:
        lines.append("  （可不填：输入 - 表示留空）")
    click.echo("\n".join(lines))
    return "答案"


def ask_all(previous: dict) -> dict:
    """Ask every applicable question in order; ``previous`` answers are the defaults."""
    answers: dict = {}
    total = len(questions())
    for position, q in enumerate(questions(), start=1):
        if not q.applies(answers):
            continue
        if q.id in previous and not (q.suggest and previous[q.id] == q.default_for(previous)):
            default = previous[q.id]  # the user's own earlier answer
        else:  # new, or an untouched suggestion: follow the answers just given
            default = q.default_for(answers)
        label = _prompt_text(q, default)
        shown = format_value(default) if default not in (None, "", []) else None

        while True:
            text = click.prompt(f"[{position}/{total}] {label}", default=shown if shown is not None else "",
                                show_default=shown is not None)
            text = text.strip()
            if q.optional and text in ("-", "－", ""):
                value = None
                break
            try:
                value = q.parse(text)
                break
            except NormalizeError as exc:
                reason = exc.args[0] if exc.args else ""
                click.echo(f"  输入有误：{reason}{'；' + q.expected() if q.expected() and q.expected() not in reason else ''}。请重新输入。")
        answers[q.id] = value
    return answers
