"""What a job tells its caller while it runs and what it hands back.

Jobs are plain functions that the command line and the web service both call.
A job never imports a front end: it reports progress through a ``Reporter``
(the CLI passes one that draws a rich progress bar, the web service one that
stores the figures for a page to poll) and returns a ``JobResult``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Protocol, runtime_checkable


@runtime_checkable
class Reporter(Protocol):
    """Progress of a long job.  ``start`` opens a stage of ``total`` steps named
    ``label`` (Chinese, shown to the user); ``advance`` counts steps of the
    current stage; ``notice`` is a one-line message (a warning, a skipped item)."""

    def start(self, total: int, label: str) -> None: ...

    def advance(self, n: int = 1) -> None: ...

    def notice(self, text: str) -> None: ...


class NullReporter:
    """Reports nothing: the default for callers that do not show progress."""

    def start(self, total: int, label: str) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass

    def notice(self, text: str) -> None:
        pass


NULL_REPORTER = NullReporter()


def as_reporter(progress: Reporter | bool | None) -> Reporter:
    """A reporter from a job's ``progress`` argument: a Reporter is used as it is;
    ``True``/``False``/``None`` (the old on/off switch) report nothing — a job
    cannot draw on a terminal itself, the front end passes a reporter that can."""
    if progress is None or isinstance(progress, bool):
        return NULL_REPORTER
    return progress


@dataclass
class JobResult:
    """What a single-document job wrote and what went wrong.

    ``written``: files written; ``skipped``: existing files kept (no --force);
    ``failed``: (item, reason) pairs of items not produced; ``warnings``: Chinese
    lines for the user; ``view``: the view-model that was rendered.
    Unpacks as ``written, view`` for callers written before this class."""

    written: list[Path] = field(default_factory=list)
    view: Any = None
    warnings: list[str] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    def __iter__(self) -> Iterator[Any]:
        return iter((self.written, self.view))

    @property
    def ok(self) -> bool:
        return not self.failed

    @classmethod
    def of(cls, written: list[Path], view: Any) -> "JobResult":
        """The result of a job that rendered ``view``; its warnings are the view's."""
        return cls(written=list(written), view=view, warnings=list(getattr(view, "warnings", None) or []))
