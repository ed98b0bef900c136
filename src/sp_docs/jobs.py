"""What each command does, end to end: read → build the view-model → render →
write.  The CLI only parses options and calls one of these."""
from __future__ import annotations

from pathlib import Path

from .errors import InputError, Problems
from .model import Dataset
from .output import safe_filename, write_bytes
from .render import formats as fmt
from .sources import load_dataset


def load_valid(path: Path | str) -> tuple[Dataset, Problems]:
    """A dataset with no input errors (warnings are returned for the caller to show)."""
    data, problems = load_dataset(path)
    problems.raise_if_errors()
    return data, problems


def annex2(workbook: Path, unit: str, outdir: Path, *, year: int | None = None,
           formats: list[str] = list(fmt.FORMATS), force: bool = False,
           template_dir: Path | None = None, title_prefix: str | None = None) -> tuple[list[Path], object]:
    from .documents import annex2 as doc

    data, _ = load_valid(workbook)
    view = doc.build(data, unit, year, title_prefix=title_prefix)
    context = view.context()
    stem = safe_filename(f"附件2_实施情况汇总表_{unit}_{view.year}")
    rendered = {f: fmt.render("annex2", context, f, user_dir=template_dir) for f in formats}
    written = [write_bytes(outdir / f"{stem}.{f}", data_bytes, force=force) for f, data_bytes in rendered.items()]
    return written, view
