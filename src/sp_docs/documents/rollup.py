"""The city roll-up of the units' returned 附件2 汇总表 (read by
``sources/returns.py``): one city table, a list of problems, and the plan comparison.

Every data row read ends up either in the city table or in the problems list
(``RollUp.accounted()`` proves it); notices (e.g. a unit name matched) do not
remove rows.  A parent unit's return (附件2 of a county bureau or of the city
names the sub-unit of each such row in 备注) is credited row by row to the unit
named there; a person reported both by a parent and by the unit itself counts
once, for the unit's own return, whatever the order of the files."""
from __future__ import annotations

import re

from pathlib import Path

from ..model import Dataset, Track
from .common import pinyin_key

NOTE_SPLIT = re.compile(r"[；;]")  # 备注 “东湖区实验小学；转入” → the unit, then the rest

def _in_subtree(unit: str, ancestor: str, parents: dict[str, str]) -> bool:
    seen = set()
    while unit and unit not in seen:
        if unit == ancestor:
            return True
        seen.add(unit)
        unit = parents.get(unit, "")
    return False


def _attribute(rows: list, known, parents: dict[str, str], result) -> None:
    """Credit each row of a parent's return to the sub-unit its 备注 names (as 附件2 writes it)."""
    moved: dict[tuple[str, str], int] = {}
    for r in rows:
        if not r.note:
            continue
        first, *rest = NOTE_SPLIT.split(r.note, maxsplit=1)
        named = known.exact(first.strip())
        if not named or named == r.unit:
            continue
        if parents and not _in_subtree(named, r.unit, parents):
            continue  # a unit outside the reporter's own: leave the row (and its note) as typed
        r.unit = named
        r.note = rest[0].strip() if rest else ""
        moved[(r.file, r.sheet)] = moved.get((r.file, r.sheet), 0) + 1
    for (file, sheet), count in moved.items():
        result.add_issue("提示", file, sheet, "",
                              f"{count} 行按“备注”中的单位名称计入该下属单位（上级单位代报）")


def _same_person(a, b) -> bool:
    if a.name != b.name:
        return False
    if a.birth and b.birth:
        return a.birth == b.birth
    return a.unit == b.unit


def _preference(r) -> tuple:
    """Which of several reports of one person counts: the unit's own return first;
    then file name, sheet and row — never the order the files were given in."""
    return (0 if r.reporter == r.unit else 1, Path(r.file).name, r.file, r.sheet, r.row)


def _deduplicate(rows: list, result) -> list:
    by_name: dict[str, list] = {}
    for r in rows:
        by_name.setdefault(r.name, []).append(r)
    kept: list = []
    for group in by_name.values():
        clusters: list[list] = []
        for r in sorted(group, key=_preference):
            for cluster in clusters:
                if any(_same_person(r, other) for other in cluster):
                    cluster.append(r)
                    break
            else:
                clusters.append([r])
        for cluster in clusters:
            first = cluster[0]
            kept.append(first)
            for r in cluster[1:]:
                differs = []
                if r.track != first.track:
                    differs.append(f"类别 {r.track} / {first.track}")
                if r.year != first.year:
                    differs.append(f"完成年度 {r.year or '空'} / {first.year or '空'}")
                why = "本单位自己上报的那一行" if first.reporter == first.unit else "文件名在前的那一行"
                result.add_issue(
                    "问题", r.file, r.sheet, r.row,
                    f"同一人重复上报：{Path(r.file).name} 第{r.row}行（{r.reporter}上报）与 "
                    f"{Path(first.file).name} 第{first.row}行（{first.reporter}上报）是同一人，只计一次，"
                    f"计入{why}（{first.unit}）" + (f"；两处不同：{'，'.join(differs)}，请核对" if differs else ""),
                    r.raw, True)
    return kept


def roll_up(read: tuple, units: list[str] | None = None, *, parents: dict[str, str] | None = None):
    """The city table from the rows read (``sources.returns.read_returns``: rows, the
    known units, the tally): rows credited to the unit their 备注 names, each person
    once, ordered by ``units`` (the --plan workbook's order), track and pinyin."""
    rows, known, result = read
    _attribute(rows, known, parents or {}, result)
    kept = _deduplicate(rows, result)
    for r in kept:
        if r.year:
            result.reported.add((r.unit, r.year))
            result.reported.add((r.reporter, r.year))
    order = {name: i for i, name in enumerate(units or [])}
    kept.sort(key=lambda r: (order.get(r.unit, len(order)), r.unit, r.track or 9, pinyin_key(r.name)))
    result.rows = kept
    return result


def completed_counts(rolled) -> dict[tuple[str, int, Track], int]:
    counts: dict[tuple[str, int, Track], int] = {}
    for r in rolled.rows:
        if r.year and r.track:
            key = (r.unit, r.year, Track(r.track))
            counts[key] = counts.get(key, 0) + 1
    return counts


def plan_comparison(data: Dataset, rolled):
    """Plan against the returns; a (unit, year) no return covers is marked 未上报,
    not counted as nothing completed."""
    from ..rules.plans import plan_vs_actual

    roots = data.roots()
    parent = roots[0].name if len(roots) == 1 else None
    parents = {u.name: u.parent for u in data.units}

    def related(a: str, b: str) -> bool:
        return _in_subtree(a, b, parents) or _in_subtree(b, a, parents)

    def reported(unit: str, year: int) -> bool:
        return any(y == year and related(u, unit) for u, y in rolled.reported)

    return plan_vs_actual(data, completed=completed_counts(rolled), roll_up_to=parent, reported=reported)
