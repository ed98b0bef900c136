"""The 党员积分 table (积分表): the built-in one and a user's YAML, read and checked.

Read by ``sources`` (it is input) and used by ``rules.points`` for scoring and by the
blank workbook for the 成果 sheet's choices."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from .. import limits
from ..errors import InputError, Location, Problems

DEFAULT_TABLE_FILE = Path(__file__).resolve().parent.parent / "rules" / "points_table.yaml"


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
