"""党员积分: the points table (category → item → points, optional yearly cap) and
the scoring of the 成果 sheet.  Pure functions over the model."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field


from ..errors import Location, Problems
from ..model import Achievement, Dataset, Teacher
from ..sources.points_table import (DEFAULT_TABLE_FILE, PointsItem, PointsTable,  # noqa: F401  (re-exported)
                                    default_table, default_table_text, load_table, parse_table)
from ..text import pinyin_key

@dataclass
class Scored:
    teacher: Teacher
    by_category: dict[str, float]
    total: float
    details: list[tuple[Achievement, PointsItem, float]] = field(default_factory=list)
    rank: int = 0
    unit_rank: int = 0


def score(data: Dataset, table: PointsTable, *, year: int | None = None,
          units: list[str] | None = None) -> tuple[list[Scored], Problems]:
    """Every Party-member teacher (of ``units``) with points per category and total,
    ranked overall and per unit (ties share a rank).  Achievements naming an unknown
    item are input errors; those of unknown people or non-members are warnings."""
    problems = Problems()
    wanted = set(units) if units is not None else None
    members = [t for t in data.teachers if t.is_party_member and (wanted is None or t.unit in wanted)]
    scored = {(t.unit, t.name): Scored(t, {c: 0.0 for c in table.categories}, 0.0) for t in members}
    used: dict[tuple[str, str, str, int], float] = defaultdict(float)
    for a in sorted(data.achievements, key=lambda a: a.date):
        where = a.origin or Location(data.source, "成果")
        item = table.find(a.item)
        if item is None:
            table.unknown_item(problems, a.item, where)
            continue
        if year is not None and a.date.year != year:
            continue
        if wanted is not None and a.unit not in wanted:
            continue
        entry = scored.get((a.unit, a.name))
        if entry is None:
            teacher = data.teacher(a.unit, a.name)
            reason = "不是党员，不计党员积分" if teacher else "不在“教师”表中（姓名和单位须一致）"
            problems.warning(f"{a.name}（{a.unit}）{reason}", where.at("姓名"), a.name)
            continue
        key = (a.unit, a.name, item.item, a.date.year)
        points = item.points
        if item.cap is not None:
            points = max(0.0, min(points, item.cap - used[key]))
        used[key] += points
        entry.by_category[item.category] += points
        entry.total += points
        entry.details.append((a, item, points))
    _score_ratings(data, table, scored, year)
    result = list(scored.values())
    _rank(result)
    return result, problems


RATING_ITEM = "年度考核优秀"


def _latest_year(data: Dataset) -> int | None:
    years = [a.date.year for a in data.achievements] + [r.date.year for r in data.records if r.date]
    return max(years) if years else None


def _score_ratings(data: Dataset, table: PointsTable, scored: dict, year: int | None) -> None:
    """教师表“年度考核”=优秀 scores the table's 年度考核优秀 item once (the rating is the
    latest year's, so with ``year`` only when that is the data's latest year), unless the
    成果 sheet already lists that item for the person in that year."""
    item = table.find(RATING_ITEM)
    if item is None or (year is not None and year != _latest_year(data)):
        return
    for entry in scored.values():
        teacher = entry.teacher
        if teacher.rating != "优秀" or any(i.item == item.item for _, i, _ in entry.details):
            continue
        where = teacher.origin.at("年度考核") if teacher.origin else Location(data.source, "教师")
        achievement = Achievement(teacher.name, teacher.unit, item.item, None, "教师表“年度考核”为优秀",  # type: ignore[arg-type]
                                  where)
        entry.by_category[item.category] += item.points
        entry.total += item.points
        entry.details.append((achievement, item, item.points))


def check_items(data: Dataset, table: PointsTable | None = None) -> Problems:
    """Warnings for 成果 rows naming an item that is not in ``table`` (default: the
    built-in table) — what ``sp-docs check`` reports so that it agrees with ``points``."""
    problems = Problems()
    table = table or default_table()
    for a in data.achievements:
        if table.find(a.item) is None:
            table.unknown_item(problems, a.item, a.origin or Location(data.source, "成果"), error=False,
                               table_label="默认积分表")
    return problems


def _rank(rows: list[Scored]) -> None:

    rows.sort(key=lambda s: (-s.total, pinyin_key(s.teacher.name)))
    previous, rank = None, 0
    for index, s in enumerate(rows, start=1):
        if s.total != previous:
            rank, previous = index, s.total
        s.rank = rank
    by_unit: dict[str, list[Scored]] = defaultdict(list)
    for s in rows:
        by_unit[s.teacher.unit].append(s)
    for members in by_unit.values():
        previous, rank = None, 0
        for index, s in enumerate(members, start=1):
            if s.total != previous:
                rank, previous = index, s.total
            s.unit_rank = rank


def candidates(rows: list[Scored], *, top: int | None = None, top_percent: float | None = None,
               per_unit: bool = False, min_points: float = 0.01) -> list[Scored]:
    """The best ``top`` people (or ``top_percent`` %), overall or per unit; ties at
    the border are all included; nobody with fewer than ``min_points``."""
    groups: dict[str, list[Scored]] = defaultdict(list)
    for s in rows:
        groups[s.teacher.unit if per_unit else ""].append(s)
    chosen: list[Scored] = []
    for members in groups.values():
        members = [s for s in members if s.total >= min_points]
        if not members:
            continue
        if top_percent is not None:
            count = max(1, round(len([s for s in rows if not per_unit or s.teacher.unit == members[0].teacher.unit])
                                 * top_percent / 100))
        else:
            count = top if top is not None else 10
        if count <= 0:
            continue
        cut = members[min(count, len(members)) - 1].total
        chosen += [s for s in members if s.total >= cut]
    order = {id(s): i for i, s in enumerate(rows)}
    return sorted(chosen, key=lambda s: order[id(s)])
