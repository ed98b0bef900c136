"""党员积分: the ranking tables and the candidates list as plain rows."""
from __future__ import annotations

from dataclasses import dataclass

from ..rules.points import PointsTable, Scored


def _n(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(value, 2)


@dataclass
class PointsView:
    title: str
    categories: list[str]
    overall: list[list]       # 总排名 rows
    by_unit: list[list]       # 单位排名 rows
    details: list[list]       # 积分明细 rows
    table: list[list]         # 积分表 rows
    candidates: list[list]    # 推荐名单 rows: 姓名, 所在单位, 荣誉称号, 表彰年度, 积分

    @property
    def overall_headers(self) -> list[str]:
        return ["总排名", "姓名", "所在单位", *self.categories, "总分", "单位内排名"]

    def sheets(self) -> list[tuple[str, list[str], list[list]]]:
        return [
            ("总排名", self.overall_headers, self.overall),
            ("各单位排名", ["所在单位", "单位内排名", "姓名", *self.categories, "总分"], self.by_unit),
            ("积分明细", ["姓名", "所在单位", "类别", "项目", "日期", "分值", "说明"], self.details),
            ("积分表", ["类别", "项目", "分值", "每年上限"], self.table),
        ]


def build(rows: list[Scored], table: PointsTable, chosen: list[Scored], *, unit_order: list[str],
          honour: str, year: int | None, title: str) -> PointsView:
    cats = table.categories
    overall = [[s.rank, s.teacher.name, s.teacher.unit, *[_n(s.by_category[c]) for c in cats], _n(s.total),
                s.unit_rank] for s in rows]
    order = {u: i for i, u in enumerate(unit_order)}
    by_unit = [[s.teacher.unit, s.unit_rank, s.teacher.name, *[_n(s.by_category[c]) for c in cats], _n(s.total)]
               for s in sorted(rows, key=lambda s: (order.get(s.teacher.unit, len(order)), s.unit_rank))]
    details = [[s.teacher.name, s.teacher.unit, item.category, item.item, f"{a.date:%Y.%m.%d}" if a.date else "", _n(points), a.note]
               for s in rows for a, item, points in s.details]
    table_rows = [[i.category, i.item, _n(i.points), "" if i.cap is None else _n(i.cap)] for i in table.items]
    cand = [[s.teacher.name, s.teacher.unit, honour, year or "", _n(s.total)] for s in chosen]
    return PointsView(title, cats, overall, by_unit, details, table_rows, cand)
