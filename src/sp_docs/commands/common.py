"""What every command of the click layer shares: the consoles, the progress bar
that jobs report to, and (see ``cli``) the group that presents errors.

``cli`` and each ``commands/*`` module import from here; nothing here imports
``cli`` or another command module, so the click layer has no import cycle."""
from __future__ import annotations

from rich.console import Console

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


class RichReporter:
    """A ``jobs.progress.Reporter`` drawing rich progress bars: one bar per stage.
    Use as a context manager so the bars are closed when the job ends."""

    def __init__(self, out: Console | None = None, remaining: bool = False):
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, \
            TimeRemainingColumn

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
        from rich.markup import escape

        self.progress.console.print(f"[yellow]{escape(text)}[/yellow]", soft_wrap=True)
