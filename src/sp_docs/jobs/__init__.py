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


def glyph_warnings(items: list[tuple[str, str]], role: str = "fang") -> list[str]:
    """For ``(where, text)`` pairs, a Chinese warning for each text holding a
    character no installed font can draw (it would print as an empty box)."""
    from ..render.fonts import missing_glyphs

    warnings = []
    for where, text in items:
        missing = missing_glyphs(text, role)
        if missing:
            chars = "、".join(f"“{c}”(U+{ord(c):04X})" for c in missing)
            warnings.append(f"{where}：{chars} 在已安装的字体中都没有，PDF 中会显示为空框；"
                            "Word/Excel 文件不受影响。请安装含该字的字体（如 方正/中易 字库）后重新生成 PDF，或手工补写")
    return warnings


def chunk_size(count: int, largest: int, workers: int) -> int:
    """Items per chunk so that ``count`` items keep ``workers`` processes busy:
    at most ``largest`` per chunk, and a number of chunks that is a multiple of
    ``workers`` (no worker left alone with the last chunk)."""
    import math

    if workers <= 1 or count <= 1:
        return max(1, min(largest, count))
    chunks = max(workers, math.ceil(count / largest))
    chunks = math.ceil(chunks / workers) * workers
    return max(1, math.ceil(count / chunks))


def default_jobs() -> int:
    """``--jobs`` default: every core this process may use."""
    import os

    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)
