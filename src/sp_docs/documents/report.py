"""统计报告: the figures behind the charts (plain tables, ordered)."""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ..model import PARTY_MEMBER, PROBATIONARY_MEMBER, STATUS_CHOICES, Dataset, Track
from ..rules import plans as plan_stats
from ..rules.programme import CheckReport, quarter_of
from .common import region_prefix, select_units

STATUSES = STATUS_CHOICES


@dataclass
class Figure:
    key: str
    title: str
    headers: list[str]
    rows: list[list]
    note: str = ""


@dataclass
class ReportView:
    title: str
    unit_name: str
    as_of: str
    summary: list[tuple[str, str]]
    plan: dict[Track, tuple[list[str], list[int], dict[int, list[tuple[int, int]]]]]
    figures: dict[str, Figure] = field(default_factory=dict)
    findings: list[list] = field(default_factory=list)
    generated_on: str = field(default_factory=lambda: dt.date.today().isoformat())


def _plan_figure(data: Dataset, units: list[str], root: str | None):
    """Plan against completions, per unit (rolled up to the chosen unit's children) and year, per track."""
    progress = plan_stats.plan_vs_actual(data, units, roll_up_to=root if root and data.children(root) else None)
    years = sorted({p.year for p in progress})
    row_units = list(dict.fromkeys(p.unit for p in progress))
    cells = {(p.unit, p.year, p.track): (p.planned, p.completed) for p in progress}
    plan: dict[Track, tuple] = {}
    for track in Track:
        per_year = {y: [cells.get((u, y, track), (0, 0)) for u in row_units] for y in years}
        plan[track] = (row_units, years, per_year)
    figure = Figure("plan", "计划与完成", ["单位", "年度", "类别", "计划", "完成", "完成率"],
                    [[p.unit, p.year, p.track.code, p.planned, p.completed,
                      "" if p.rate is None else round(p.rate, 4)] for p in progress])
    return plan, figure


def _status_figure(trainees) -> Figure:
    counts = Counter((Track(t.track), t.status_label) for t in trainees)
    return Figure("status", "双培对象完成情况", ["类别", *STATUSES, "合计"],
                  [[t.label, *[counts[(t, s)] for s in STATUSES], sum(counts[(t, s)] for s in STATUSES)]
                   for t in Track])


def _activity_figure(records) -> Figure:
    """Mentoring activity per quarter."""
    per_q: dict[tuple[int, int], Counter] = defaultdict(Counter)
    for r in records:
        per_q[quarter_of(r.date)]["谈心谈话" if r.form == "谈心谈话" else "其他"] += 1
    return Figure("activity", "培养活动（按季度）", ["季度", "谈心谈话", "其他培养活动", "合计"],
                  [[f"{y}Q{q}", c["谈心谈话"], c["其他"], c["谈心谈话"] + c["其他"]]
                   for (y, q), c in sorted(per_q.items())])


def _reserve_figure(data: Dataset, chosen: set[str]) -> Figure:
    """The reserve ratio per unit."""
    rows = []
    for u in data.units:
        if u.name in chosen and u.staff_count:
            n = sum(t.unit == u.name and not t.is_terminated for t in data.trainees)
            rows.append([u.name, u.staff_count, n, round(n / u.staff_count, 4)])
    return Figure("reserve", "双培对象占教职工比例", ["单位", "教职工", "双培对象", "比例"], rows)


def _indicators_figure(data: Dataset, chosen: set[str], as_of: dt.date) -> Figure:
    """The two 80 % indicators, per year."""
    joined = defaultdict(list)
    for t in data.teachers:
        if t.unit in chosen and t.joined_party:
            joined[t.joined_party.year].append(t)
    awards = defaultdict(list)
    for a in data.awards:
        if a.unit in chosen and a.award_year:
            awards[a.award_year].append(a)
    rows = []
    for y in sorted(set(awards) | {y for y in joined if y >= as_of.year - 1}):
        j = joined.get(y, [])
        good = sum(t.rating == "优秀" for t in j)
        aw = awards.get(y, [])
        party = sum(1 for a in aw if (t := data.teacher(a.unit, a.name)) and t.political_status in
                    (PARTY_MEMBER, PROBATIONARY_MEMBER))
        rows.append([y, len(j), good, round(good / len(j), 4) if j else None,
                     len(aw), party, round(party / len(aw), 4) if aw else None])
    return Figure("indicators", "两个80%", ["年度", "当年入党", "其中优秀", "优秀比例", "当年表彰", "其中党员", "党员比例"],
                  rows)


def build(data: Dataset, unit: str | None, check: CheckReport) -> ReportView:
    units = select_units(data, unit)
    chosen = set(units)
    root = unit or (data.roots()[0].name if data.roots() else None)
    name = unit or region_prefix(data).removesuffix("教育系统") or (root or "")
    trainees = [t for t in data.trainees if t.unit in chosen]
    records = [r for r in data.records if r.unit in chosen]
    plan, plan_figure = _plan_figure(data, units, root)
    figures = {"plan": plan_figure, "status": _status_figure(trainees), "activity": _activity_figure(records),
               "reserve": _reserve_figure(data, chosen), "indicators": _indicators_figure(data, chosen, check.as_of)}
    # rule findings
    in_scope = [f for f in check.findings if f.unit in chosen or f.unit.startswith("（")]
    per_rule = Counter(f.rule for f in in_scope)
    figures["rules"] = Figure("rules", "规则检查", ["规则", "状态", "问题数"],
                              [[r.title, "已关闭" if not r.enabled else ("未通过" if per_rule[r.rule] else "通过"),
                                per_rule[r.rule]] for r in check.results])
    findings = [f.as_row() for f in in_scope]

    completed = sum(t.is_completed for t in trainees)
    summary = [("单位数", str(len(units))), ("双培对象", f"{len(trainees)} 人"),
               ("其中已完成", f"{completed} 人"), ("培养记录", f"{len(records)} 条"),
               ("规则未通过", f"{sum(1 for r in figures['rules'].rows if r[1] == '未通过')} 项")]
    return ReportView(title=f"{name}“双培”工程统计报告", unit_name=name, as_of=f"{check.as_of:%Y.%m.%d}",
                      summary=summary, plan=plan, figures=figures, findings=findings)
