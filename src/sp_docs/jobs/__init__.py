"""What each command does, end to end: read → build the view-model → render →
write.  One module per document kind; the CLI only parses options and calls one
function here.  ``example_steps()`` lists what ``sp-docs all`` produces."""
from __future__ import annotations

import importlib
from contextvars import ContextVar
from pathlib import Path
from typing import Callable

from ..errors import Problems
from ..model import Dataset

ExampleStep = Callable[[Path, Path, bool], list[Path]]  # (data_dir, outdir, force) -> files written

# The steps of ``sp-docs all``, in the order they run: each module's ``example``
# function (marked with @example_step).  A new document kind adds its module here.
EXAMPLE_MODULES = ("annex1", "annex2", "certificates", "ledgers", "mentors", "merge", "plan", "points", "report",
                   "rules")


def example_step(name: str):
    """Mark a job module's ``example`` function as the step ``name`` of ``sp-docs all``."""

    def mark(func):
        func.step_name = name
        return func

    return mark


def example_steps(modules: tuple[str, ...] = EXAMPLE_MODULES, package: str = __name__) -> dict[str, ExampleStep]:
    """Step name → function, for the modules listed (importing them has no side effects)."""
    steps: dict[str, ExampleStep] = {}
    for module in modules:
        func = importlib.import_module(f"{package}.{module}").example
        steps[func.step_name] = func
    return steps


def __getattr__(name: str):
    if name == "EXAMPLE_STEPS":  # the old name: a fresh mapping, no module-level state
        return example_steps()
    raise AttributeError(name)


def write_formats(outdir: Path, stem: str, formats, render_one: Callable[[str], bytes], *,
                  force: bool = False) -> list[Path]:
    """``outdir/stem.<format>`` for each format: every format is rendered first, then the
    files are written (a format that cannot be rendered leaves no file of the set)."""
    from ..output import write_bytes

    rendered = {f: render_one(f) for f in formats}
    return [write_bytes(Path(outdir) / f"{stem}.{f}", data, force=force) for f, data in rendered.items()]


_WARNINGS_SINK: ContextVar[Callable[[str, Problems], None] | None] = ContextVar("sp_docs_warnings", default=None)
_WARNED: ContextVar[frozenset] = ContextVar("sp_docs_warned", default=frozenset())


def show_reading_warnings(sink: Callable[[str, Problems], None] | None) -> None:
    """Start a run: ``sink(file, warnings)`` is called once per file read in this
    run that has reading warnings (columns not read, sheets renamed, values out of
    the list…), whichever command reads it and however often."""
    _WARNINGS_SINK.set(sink)
    _WARNED.set(frozenset())


def announce_reading_warnings(path: Path | str, problems: Problems) -> None:
    warnings = [p for p in problems if not p.is_error]
    sink = _WARNINGS_SINK.get()
    key = str(Path(path).resolve())
    if not warnings or sink is None or key in _WARNED.get():
        return
    _WARNED.set(_WARNED.get() | {key})
    sink(str(path), Problems(warnings))


def load_valid(path: Path | str) -> tuple[Dataset, Problems]:
    """A dataset with no input errors; its warnings are returned and shown once per
    run through the sink of ``show_reading_warnings``."""
    from ..sources import load_dataset
    from .dataset_cache import cached

    data, problems = cached(path, load_dataset)
    problems.raise_if_errors()
    announce_reading_warnings(path, problems)
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


class StepSkipped(Exception):
    """A step of ``sp-docs all`` with nothing to work on (e.g. no answers file); the
    message says which file it needs.  ``all`` prints one line and goes on."""


DATA_SUFFIXES = (".xlsx", ".yaml", ".yml")


def _looks_like_data(path: Path) -> bool:
    """A programme data workbook (sp-docs init): has the 单位 and 双培对象 sheets."""
    try:
        if path.suffix.lower() == ".xlsx":
            from openpyxl import load_workbook

            from ..sources.safety import check_xlsx

            check_xlsx(path)
            wb = load_workbook(path, read_only=True)
            try:
                names = set(wb.sheetnames)
            finally:
                wb.close()
        else:
            from .. import limits

            loaded = limits.load_yaml(limits.read_yaml_text(path), path)
            names = set(loaded) if isinstance(loaded, dict) else set()
    except Exception:  # noqa: BLE001 - anything unreadable is simply not a candidate
        return False
    return {"单位", "双培对象"} <= names


def example_workbook(data_dir: Path) -> Path:
    """The data workbook ``sp-docs all`` works on: ``data_dir`` itself when it is a
    file; else ``city.xlsx`` in it; else the folder's only data workbook (any name,
    .xlsx preferred over a .yaml of the same name)."""
    from ..errors import SpDocsError

    data_dir = Path(data_dir)
    if data_dir.is_file():
        return data_dir
    if (data_dir / "city.xlsx").is_file():
        return data_dir / "city.xlsx"
    files = sorted(p for p in data_dir.iterdir() if p.is_file() and p.suffix.lower() in DATA_SUFFIXES
                   and not p.name.startswith(("~$", ".")))
    found = [p for p in files if _looks_like_data(p)]
    stems = {p.stem for p in found if p.suffix.lower() == ".xlsx"}
    found = [p for p in found if p.suffix.lower() == ".xlsx" or p.stem not in stems]
    if not found:
        raise SpDocsError(f"文件夹“{data_dir}”中没有数据工作簿（含“单位”“双培对象”等工作表的 .xlsx 或 .yaml）。"
                          "可用 sp-docs init 生成空白工作簿，填写后再运行；也可以直接给出工作簿路径")
    if len(found) > 1:
        raise SpDocsError(f"文件夹“{data_dir}”中有 {len(found)} 个数据工作簿："
                          + "、".join(p.name for p in found)
                          + "。请直接给出要用的工作簿路径（sp-docs all 路径/工作簿.xlsx），或把它命名为 city.xlsx")
    return found[0]


def example_data(data_dir: Path) -> tuple[Path, Dataset]:
    """The data workbook ``sp-docs all`` works on, and its dataset (no input errors)."""
    workbook = example_workbook(data_dir)
    return workbook, load_valid(workbook)[0]


def example_file(data_dir: Path, name: str) -> Path | None:
    """An optional input next to the data workbook (answers.yaml, rules.yaml, …), or None."""
    folder = Path(data_dir)
    folder = folder if folder.is_dir() else folder.parent
    path = folder / name
    return path if path.is_file() else None
