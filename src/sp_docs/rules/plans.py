"""Plan statistics (附件1): the units' three-year plans against the city's
yearly minimum, and completions against plan.  Pure functions over the model.

API (used by ``annex 1``, ``merge --plan`` and ``sp-docs check``):

- ``DEFAULT_MINIMUM``: the seed's yearly minimum per track (150 / 240).
- ``yearly_totals(data, units=None) -> {year: (to_member, to_backbone)}``
- ``plan_shortfalls(data, minimum=DEFAULT_MINIMUM, units=None) -> list[Shortfall]``
- ``unit_totals(data, parent) -> list[UnitTotal]`` (each child's subtree, all years)
- ``completions(data, units=None) -> {(unit, year, track): count}``
- ``plan_vs_actual(data, units=None, completed=None, roll_up_to=None, reported=None) -> list[PlanProgress]``

A unit's plan numbers are its own rows of the 三年计划 sheet; a parent's total
is the sum over its subtree (a county bureau's own row counts only its own
trainees, its schools have their own rows).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping

from ..model import Dataset, Track

DEFAULT_MINIMUM: dict[str, int] = {"to_member": 150, "to_backbone": 240}
TRACK_FIELDS = {Track.TO_MEMBER: "to_member", Track.TO_BACKBONE: "to_backbone"}


@dataclass(frozen=True)
class Shortfall:
    year: int
    track: Track
    planned: int
    minimum: int

    @property
    def missing(self) -> int:
        return self.minimum - self.planned

    def describe(self) -> str:
        return (f"{self.year}年各单位计划“{self.track.label}”合计 {self.planned} 人，"
                f"低于每年最低 {self.minimum} 人，差 {self.missing} 人")


@dataclass(frozen=True)
class UnitTotal:
    unit: str
    to_member: int
    to_backbone: int
    by_year: tuple[tuple[int, int, int], ...]  # (year, to_member, to_backbone)


@dataclass(frozen=True)
class PlanProgress:
    unit: str
    year: int
    track: Track
    planned: int
    completed: int
    reported: bool = True  # False: no return covers this unit and year (the roll-up's 未上报)

    @property
    def rate(self) -> float | None:
        """Completed / planned (None when nothing was planned or nothing was reported)."""
        return self.completed / self.planned if self.planned and self.reported else None

    @property
    def short(self) -> bool:
        return self.reported and self.completed < self.planned


def _selected(data: Dataset, units: Iterable[str] | None) -> set[str] | None:
    return None if units is None else set(units)


def yearly_totals(data: Dataset, units: Iterable[str] | None = None) -> dict[int, tuple[int, int]]:
    """Per year, the planned numbers of ``units`` (all units when None), years ascending."""
    wanted = _selected(data, units)
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for plan in data.plans:
        if wanted is not None and plan.unit not in wanted:
            continue
        totals[plan.year][0] += plan.to_member
        totals[plan.year][1] += plan.to_backbone
    return {year: (v[0], v[1]) for year, v in sorted(totals.items())}


def plan_shortfalls(data: Dataset, minimum: Mapping[str, int] | None = None,
                    units: Iterable[str] | None = None) -> list[Shortfall]:
    """Years (of the plan) where the units' plans add up to less than the minimum per track."""
    minimum = {**DEFAULT_MINIMUM, **(minimum or {})}
    result = []
    for year, counts in yearly_totals(data, units).items():
        for track, planned in zip((Track.TO_MEMBER, Track.TO_BACKBONE), counts):
            floor = int(minimum.get(TRACK_FIELDS[track], 0) or 0)
            if planned < floor:
                result.append(Shortfall(year, track, planned, floor))
    return result


def unit_totals(data: Dataset, parent: str | None = None) -> list[UnitTotal]:
    """One row per direct child of ``parent`` (every root's children when None;
    a lone root with no children yields itself), summing each child's subtree."""
    if parent is None:
        roots = data.roots()
        children = [c.name for r in roots for c in data.children(r.name)] or [r.name for r in roots]
    else:
        children = [c.name for c in data.children(parent)] or [parent]
        own = [p for p in data.plans if p.unit == parent]
        if own and data.children(parent):
            children = [parent] + children  # the parent's own plan rows count too
    rows = []
    for name in children:
        members = [name] if name == parent else data.subtree(name)
        years = yearly_totals(data, members)
        rows.append(UnitTotal(name, sum(v[0] for v in years.values()), sum(v[1] for v in years.values()),
                              tuple((y, v[0], v[1]) for y, v in years.items())))
    return rows


def completions(data: Dataset, units: Iterable[str] | None = None) -> dict[tuple[str, int, Track], int]:
    """Completed trainees per (unit, completion year, track) from the workbook."""
    wanted = _selected(data, units)
    counts: dict[tuple[str, int, Track], int] = defaultdict(int)
    for t in data.trainees:
        if (wanted is None or t.unit in wanted) and t.is_completed:
            counts[(t.unit, t.completion_year, Track(t.track))] += 1
    return dict(counts)


def plan_vs_actual(data: Dataset, units: Iterable[str] | None = None,
                   completed: Mapping[tuple[str, int, Track], int] | None = None,
                   roll_up_to: str | None = None,
                   reported: Callable[[str, int], bool] | None = None) -> list[PlanProgress]:
    """Plan against completions per unit, year and track (track 1 before 2).

    ``completed`` defaults to the workbook's completed trainees; the roll-up
    passes counts read from the units' returns.  With ``roll_up_to`` each unit
    below that parent is counted in its direct child of the parent (as 附件1 lists them).
    ``reported(unit, year)`` tells whether any return covers that unit and year
    (default: all do); rows it denies are marked ``reported=False``, never short."""
    completed = completions(data) if completed is None else completed
    wanted = _selected(data, units)
    owner = _owner_map(data, roll_up_to) if roll_up_to else {}
    planned: dict[tuple[str, int, Track], int] = defaultdict(int)
    done: dict[tuple[str, int, Track], int] = defaultdict(int)
    for plan in data.plans:
        if wanted is not None and plan.unit not in wanted:
            continue
        unit = owner.get(plan.unit, plan.unit)
        planned[(unit, plan.year, Track.TO_MEMBER)] += plan.to_member
        planned[(unit, plan.year, Track.TO_BACKBONE)] += plan.to_backbone
    for (unit, year, track), count in completed.items():
        if wanted is not None and unit not in wanted:
            continue
        done[(owner.get(unit, unit), year, Track(track))] += count
    order = {u.name: i for i, u in enumerate(data.units)}
    keys = set(planned) | {k for k in done if any(k[1] == y for (_, y, _) in planned)}
    rows = [PlanProgress(u, y, t, planned.get((u, y, t), 0), done.get((u, y, t), 0),
                         reported is None or bool(done.get((u, y, t))) or reported(u, y)) for (u, y, t) in keys]
    rows.sort(key=lambda r: (order.get(r.unit, len(order)), r.unit, r.year, int(r.track)))
    return rows


def _owner_map(data: Dataset, parent: str) -> dict[str, str]:
    owner = {parent: parent}
    for child in data.children(parent):
        for name in data.subtree(child.name):
            owner[name] = child.name
    return owner
