"""``sp-docs check`` without the printing: read a data workbook and list every
problem (input errors and warnings, and 成果 items not in the points table)."""
from __future__ import annotations

from pathlib import Path

from ..errors import InputError, Problems
from ..model import Dataset


def check_workbook(path: Path | str) -> tuple[Dataset | None, Problems]:
    """The dataset (None when it cannot be read at all) and every problem found."""
    from ..rules.points import check_items
    from ..sources import load_dataset
    from .dataset_cache import cached

    try:
        data, problems = cached(path, load_dataset)  # the documents made next read the same file
    except InputError as exc:
        return None, exc.problems
    problems.extend(check_items(data))
    return data, problems
