"""党员积分: the points table (category → item → points, optional yearly cap) and
the scoring of the 成果 sheet.  Pure functions over the model."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from .. import limits
from ..errors import InputError, Location, Problems
from ..model import Achievement, Dataset, Teacher

DEFAULT_TABLE_FILE = Path(__file__).with_name("points_table.yaml")


@dataclass(frozen=True)
class PointsItem:
    category: str
    item: str
    points: float
    cap: float | None = None  # per person and year


@dataclass
class PointsTable:
    items: list[PointsItem]

    @property
    def categories(self) -> list[str]:
        return list(dict.fromkeys(i.category for i in self.items))

    def find(self, name: str) -> PointsItem | None:
        key = _norm(name)
        return next((i for i in self.items if _norm(i.item) == key), None)

    def closest(self, name: str, count: int = 3) -> list[str]:
        """The items whose names are most like ``name`` (for “did you mean”)."""
        import difflib

        names = {_norm(i.item): i.item for i in self.items}
        return [names[m] for m in difflib.get_close_matches(_norm(name), list(names), n=count, cutoff=0.3)]

    def unknown_item(self, problems: Problems, name: str, where: Location, *, error: bool = True,
                     table_label: str = "积分表") -> None:
        """Report an achievement naming ``name`` that is not in the table, with the closest items."""
        close = self.closest(name)
        hint = f"最接近的项目：{'、'.join(close)}；" if close else ""
        expected = f"{hint}请填写{table_label}中的项目名称（sp-docs points-table 可导出积分表）"
        if not error:
            expected += "；如用自定义积分表（sp-docs points --table）且其中有此项目，可忽略"
        (problems.error if error else problems.warning)(f"项目不在{table_label}中", where.at("项目"), name,
                                                        expected=expected)


def _norm(text: str) -> str:
    return "".join(str(text).split()).replace("\u201c", "").replace("\u201d", "").replace('"', "")


def default_table_text() -> str:
    return DEFAULT_TABLE_FILE.read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def default_table() -> PointsTable:
    return parse_table(yaml.safe_load(default_table_text()), str(DEFAULT_TABLE_FILE))


def load_table(path: Path | str | None) -> PointsTable:
    if path is None:
        return default_table()
    path = Path(path)
    if not path.is_file():
        raise InputError("找不到积分表文件（可用 sp-docs points-table 积分表.yaml 生成）", Location(str(path)))
    from ..output import protect_input

    protect_input(path)
    try:
        data = limits.load_yaml(limits.read_yaml_text(path), path)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(f"积分表不是有效的 YAML：{exc}", Location(str(path))) from None
    return parse_table(data, str(path))


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        return None
    return value


def parse_table(data, file: str) -> PointsTable:
    problems = Problems()
    where = Location(file)
    if not isinstance(data, dict) or not data:
        raise InputError("积分表的顶层应为“类别: {项目: 分值}”", where)
    items: list[PointsItem] = []
    for category, entries in data.items():
        if not isinstance(entries, dict) or not entries:
            problems.error(f"类别“{category}”下应为若干“项目: 分值”", where)
            continue
        for item, value in entries.items():
            cap = None
            if isinstance(value, dict):
                unknown = set(value) - {"分值", "上限"}
                if unknown:
                    problems.error(f"项目“{item}”有未知设置：{'、'.join(map(str, unknown))}", where,
                                   expected="只能写 分值、上限")
                cap = value.get("上限")
                value = value.get("分值")
                if cap is not None and _number(cap) is None:
                    problems.error(f"项目“{item}”的上限应为非负数字", where, cap)
            if _number(value) is None:
                problems.error(f"项目“{item}”的分值应为非负数字", where, value)
                continue
            if any(_norm(i.item) == _norm(item) for i in items):
                problems.error(f"项目“{item}”重复", where)
                continue
            items.append(PointsItem(str(category), str(item), value, cap))
    problems.raise_if_errors()
    return PointsTable(items)


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
    from ..documents.common import pinyin_key

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
