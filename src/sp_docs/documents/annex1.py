"""附件1 “双培”工程三年实施计划指导性任务表: each unit under a parent with its
three-year plan totals; long lists set as two balanced column groups side by
side (as the seed does), each with its own 合计; optionally a table per unit
and year; the note filled with the real per-year totals."""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

from ..errors import InputError, Location
from ..model import Dataset
from ..rules import plans as rules
from .common import region_prefix, select_units

COLUMNS = ("单  位", "骨干教师培养成共产党员数", "党员教师培养成教学骨干数")
YEAR_COLUMNS = ("单  位", "年度", "骨干教师培养成共产党员数", "党员教师培养成教学骨干数")
WIDE_THRESHOLD = 8  # more rows than this: two column groups side by side


@dataclass
class Annex1Row:
    unit: str
    to_member: int | str
    to_backbone: int | str
    total: bool = False


@dataclass
class Annex1View:
    label: str
    title_line1: str
    title_line2: str
    parent: str
    years: list[int]
    columns: tuple[str, ...]
    year_columns: tuple[str, ...]
    groups: list[list[Annex1Row]]  # each group ends with its 合计 row
    wide: bool
    note: str
    shortfalls: list[str]
    by_year: bool
    year_rows: list[Annex1Row | dict]
    root: str = ""  # the workbook's single top unit ("" when several)
    minimum_given: bool = False  # shortfalls were looked for (a minimum was given)
    generated_on: str = field(default_factory=lambda: dt.date.today().isoformat())

    @property
    def title(self) -> str:
        return self.title_line1 + self.title_line2

    @property
    def shortfall_lines(self) -> list[str]:
        """The lines under the note, one per year and track below the minimum (all formats)."""
        return [f"计划缺口：{s}。" for s in self.shortfalls]

    def paired_rows(self) -> list[dict]:
        """Rows of the side-by-side layout: left group cells, right group cells."""
        left, right = self.groups[0], (self.groups[1] if len(self.groups) > 1 else [])
        # the 合计 rows share the last line; shorter group padded with blanks above it
        body_len = max(len(left), len(right)) - 1
        def padded(group):
            if not group:
                return [None] * (body_len + 1)
            body = group[:-1]
            return body + [None] * (body_len - len(body)) + [group[-1]]
        rows = []
        for a, b in zip(padded(left), padded(right)):
            rows.append({
                "l_unit": a.unit if a else "", "l_member": a.to_member if a else "",
                "l_backbone": a.to_backbone if a else "",
                "r_unit": b.unit if b else "", "r_member": b.to_member if b else "",
                "r_backbone": b.to_backbone if b else "",
                "total": bool(a and a.total or b and b.total)})
        return rows

    def context(self) -> dict:
        data = asdict(self)
        data["title"] = self.title
        data["shortfall_lines"] = self.shortfall_lines
        data["shortfall_text"] = "\n".join(self.shortfall_lines)  # one cell of the XLSX
        data["groups"] = [[asdict(r) for r in g] for g in self.groups]
        data["rows"] = [asdict(r) for r in self.groups[0]] if not self.wide else self.paired_rows()
        data["paired_rows"] = self.paired_rows()
        data["single_rows"] = [asdict(r) for r in self.groups[0]]
        data["year_rows"] = [asdict(r) if not isinstance(r, dict) else r for r in self.year_rows]
        return data

    def table(self) -> list[list[str]]:
        """Unit rows (group by group) as a reader sees them, for comparing formats."""
        return [[r.unit, str(r.to_member), str(r.to_backbone)] for g in self.groups for r in g]

    def year_table(self) -> list[list[str]]:
        return [[r.unit, str(r.year), str(r.to_member), str(r.to_backbone)] for r in self.year_rows]


@dataclass
class Annex1YearRow:
    unit: str
    year: int | str
    to_member: int
    to_backbone: int
    total: bool = False


def _group(rows: list[Annex1Row]) -> list[Annex1Row]:
    return rows + [Annex1Row("合计", sum(int(r.to_member) for r in rows),
                             sum(int(r.to_backbone) for r in rows), total=True)]


def split_balanced(rows: list, threshold: int = WIDE_THRESHOLD) -> list[list]:
    """One group when short; else two groups whose lengths differ by at most one."""
    if len(rows) <= threshold:
        return [rows]
    half = (len(rows) + 1) // 2
    return [rows[:half], rows[half:]]


def _note(prefix: str, totals: dict[int, tuple[int, int]], minimum: dict[str, int] | None,
          shortfalls: list[rules.Shortfall], body: str) -> str:
    """The note under the table.  ``body`` adjusts the plans (the issuing unit, not the
    seed's 市委教育工委); the yearly minimum is named only when one was given."""
    area = prefix.removesuffix("教育系统") or "本地"
    text = f"各单位先上报三年实施计划数，确定到年份。根据上报情况，{body}再对各单位上报计划进行调整"
    goals = []
    if minimum and "to_member" in minimum:
        goals.append(f"骨干教师培养成党员数达到{minimum['to_member']}人")
    if minimum and "to_backbone" in minimum:
        goals.append(f"党员教师培养成教学和管理骨干数{'' if goals else '达到'}{minimum['to_backbone']}人")
    text += (f"，确保{area}教育系统每年" + "，".join(goals) + "。") if goals else "。"
    if totals:
        parts = []
        for year, (member, backbone) in totals.items():
            part = f"{year}年骨干教师培养成党员{member}人、党员教师培养成骨干{backbone}人"
            gaps = [s for s in shortfalls if s.year == year]
            if gaps:
                part += "（" + "，".join(
                    f"{'培养成党员' if int(s.track) == 1 else '培养成骨干'}比最低数少{s.missing}人" for s in gaps) + "）"
            parts.append(part)
        text += "各单位上报计划合计：" + "；".join(parts) + "。"
    return text


def build(data: Dataset, parent: str | None = None, *, minimum: dict[str, int] | None = None,
          by_year: bool = False, title_prefix: str | None = None,
          wide_threshold: int = WIDE_THRESHOLD) -> Annex1View:
    # compare with a yearly minimum only when one was given (--min-*/--settings): the seed's
    # 150/240 are a prefecture-level city's and mean nothing for a county or a school
    explicit = bool(minimum)
    minimum = {k: v for k, v in (minimum or {}).items() if v is not None} or None  # only the tracks given
    roots = data.roots()
    body = parent or (roots[0].name if len(roots) == 1 else "上级党组织")
    if parent is not None:
        select_units(data, parent)  # a clear error for an unknown unit
    if not data.plans:
        raise InputError("工作簿中没有“三年计划”数据，无法生成附件1", Location(data.source, "三年计划"))
    totals_by_unit = rules.unit_totals(data, parent)
    members = select_units(data, parent) if parent else None
    years = sorted({p.year for p in data.plans if members is None or p.unit in members})
    if not years:
        raise InputError(f"“{parent}”及其下属单位在“三年计划”中没有数据", Location(data.source, "三年计划"))
    rows = [Annex1Row(t.unit, t.to_member, t.to_backbone) for t in totals_by_unit]
    groups = [_group(g) for g in split_balanced(rows, wide_threshold)]
    totals = rules.yearly_totals(data, members)
    shortfalls = (rules.plan_shortfalls(data, {"to_member": 0, "to_backbone": 0, **minimum}, members)
                  if minimum else [])
    prefix = region_prefix(data) if title_prefix is None else title_prefix
    year_rows: list = []
    if by_year:
        for t in totals_by_unit:
            for year, member, backbone in t.by_year:
                year_rows.append(Annex1YearRow(t.unit, year, member, backbone))
        for year, (member, backbone) in totals.items():
            year_rows.append(Annex1YearRow("合计", year, member, backbone, total=True))
    return Annex1View(
        label="附件1", title_line1=f"{prefix}“双培”工程",
        title_line2=f"三年实施计划指导性任务表（{years[0]}—{years[-1]}）",
        parent=parent or "", root=roots[0].name if len(roots) == 1 else "", minimum_given=explicit,
        years=years, columns=COLUMNS, year_columns=YEAR_COLUMNS,
        groups=groups, wide=len(groups) > 1, note=_note(prefix, totals, minimum, shortfalls, body),
        shortfalls=[s.describe() for s in shortfalls], by_year=by_year, year_rows=year_rows)
