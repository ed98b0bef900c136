"""Helpers shared by the document modules: ordering, titles, unit selection."""
from __future__ import annotations

import re

from ..errors import InputError, Location
from ..model import Dataset
from ..text import pinyin_key  # noqa: F401  (re-exported for the document modules)


def region_prefix(data: Dataset) -> str:
    """``青川市教育系统`` from a root unit such as ``中共青川市委教育工作委员会``/``青川市教育局``."""
    for unit in data.roots():
        match = re.search(r"([\u4e00-\u9fff]{1,8}?[省市州盟县区旗])", unit.name.removeprefix("中共"))
        if match:
            return match.group(1) + "教育系统"
    return ""


def unit_hint(data: Dataset, typed: str) -> str:
    """“是不是要找…” with the closest unit names, else the list of top units."""
    import difflib

    names = [u.name for u in data.units]
    close = [n for n in names if typed and (typed in n or n in typed)]
    close += [n for n in difflib.get_close_matches(typed, names, n=5, cutoff=0.5) if n not in close]
    if close:
        return f"；是不是要找：{'、'.join(close[:5])}"
    if not names:
        return "；“单位”表是空的"
    shown = [u.name for u in data.roots()] + [c.name for r in data.roots() for c in data.children(r.name)]
    more = "等" if len(shown) > 12 else ""
    return f"；工作簿中的单位有：{'、'.join(shown[:12])}{more}"


def select_units(data: Dataset, unit: str | None) -> list[str]:
    """The unit and everything below it; all units when ``unit`` is None."""
    if unit is None:
        return [u.name for u in data.units]
    if data.unit(unit) is None:
        raise InputError(f"工作簿里没有单位“{unit}”{unit_hint(data, unit)}", Location(data.source, "单位"))
    return data.subtree(unit)
