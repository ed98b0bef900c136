"""What each command does, end to end: read → build the view-model → render →
write.  One module per document kind; the CLI only parses options and calls one
function here.  ``EXAMPLE_STEPS`` lists what ``sp-docs all`` produces."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..errors import Problems
from ..model import Dataset

# name → function(data_dir: Path, outdir: Path, force: bool) -> list[Path]
EXAMPLE_STEPS: dict[str, Callable[[Path, Path, bool], list[Path]]] = {}


def example_step(name: str):
    """Register a step of ``sp-docs all`` (runs on a folder like data_examples/)."""

    def register(func):
        EXAMPLE_STEPS[name] = func
        return func

    return register


def load_valid(path: Path | str) -> tuple[Dataset, Problems]:
    """A dataset with no input errors (warnings are returned for the caller to show)."""
    from ..sources import load_dataset

    data, problems = load_dataset(path)
    problems.raise_if_errors()
    return data, problems
