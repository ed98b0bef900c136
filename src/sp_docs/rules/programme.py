"""Programme checks (双培 rules): pure functions over the model.

Each rule takes the dataset and its settings (see ``defaults.yaml``) and returns
``Finding``s: warnings about the programme, not input errors.  ``run_rules``
runs every enabled rule; ``group_findings`` orders them by unit and rule."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Callable

from ..model import PARTY_MEMBER, PROBATIONARY_MEMBER, Dataset, Teacher, Track
from . import plans as plan_stats
from .config import default_settings

CITY = "（全市）"


@dataclass(frozen=True)
class Finding:
    rule: str          # rule key, e.g. quarterly_talks
    unit: str          # the unit concerned (CITY for city-wide findings)
    message: str       # what is short, in Chinese
    people: tuple[str, ...] = ()
    period: str = ""   # the dates/period concerned, e.g. 2024年第3季度
    value: str = ""    # the measured figure, e.g. 75.0%
    required: str = ""  # what the rule asks for, e.g. ≥80%

    @property
    def title(self) -> str:
        return RULE_TITLES[self.rule]

    def as_row(self) -> list[str]:
        return [self.unit, self.title, "、".join(self.people), self.period, self.value, self.required, self.message]


FINDING_COLUMNS = ("单位", "规则", "涉及人员", "时间", "实际", "要求", "说明")

RULE_TITLES = {
    "quarterly_talks": "每季度谈心谈话",
    "reserve_ratio": "双培对象占教职工比例",
    "mentors": "培养人配备",
    "new_members_excellent": "新发展党员“优秀”比例",
    "awards_party_share": "表彰教师中党员比例",
    "pioneer_border": "党员教师先锋边境地区比例",
    "party_teacher_lessons": "党员教师每学期示范课/公开课",
    "plan_minimum": "三年计划达到全市最低数",
    "plan_completion": "实际完成对照计划",
}


@dataclass
class RuleResult:
    rule: str
    enabled: bool
    checked: int = 0           # how many items the rule looked at
    findings: list[Finding] = field(default_factory=list)

    @property
    def title(self) -> str:
        return RULE_TITLES[self.rule]

    @property
    def ok(self) -> bool:
        return not self.findings


@dataclass
class CheckReport:
    as_of: date
    results: list[RuleResult]

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.results for f in r.findings]

    def by_unit(self, data: Dataset) -> list[tuple[str, list[tuple[str, list[Finding]]]]]:
        return group_findings(data, self.findings)


def _pct(value: float) -> str:
    return f"{value * 100:.1f}%"


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarters_between(lo: date, hi: date) -> list[tuple[int, int]]:
    out = []
    y, q = quarter_of(lo)
    while (y, q) <= quarter_of(hi):
        out.append((y, q))
        y, q = (y + 1, 1) if q == 4 else (y, q + 1)
    return out


def semesters_within(lo: date, hi: date) -> list[tuple[date, date, str]]:
    """Whole semesters inside [lo, hi]: 第一学期 Sep 1 – end of Feb, 第二学期 Mar 1 – Aug 31."""
    out = []
    for year in range(lo.year - 1, hi.year + 1):
        first = (date(year, 9, 1), date(year + 1, 3, 1) - timedelta(days=1), f"{year}—{year + 1}学年第一学期")
        second = (date(year + 1, 3, 1), date(year + 1, 8, 31), f"{year}—{year + 1}学年第二学期")
        for start, end, label in (first, second):
            if start >= lo and end <= hi:
                out.append((start, end, label))
    return sorted(out)


def data_as_of(data: Dataset, settings: dict) -> date:
    if settings.get("as_of"):
        return settings["as_of"]
    if data.records:
        return max(r.date for r in data.records)
    return date.today()


# --------------------------------------------------------------------------
# The rules
# --------------------------------------------------------------------------

def check_quarterly_talks(data: Dataset, p: dict, as_of: date) -> RuleResult:
    result = RuleResult("quarterly_talks", True)
    talks: dict[tuple[str, str], dict[tuple[int, int], int]] = defaultdict(lambda: defaultdict(int))
    for r in data.records:
        if r.form == p["form"]:
            talks[r.trainee_key][quarter_of(r.date)] += 1
    for t in data.trainees:
        if t.is_terminated or t.filed_on > as_of:
            continue
        if t.is_completed and not p["include_completed"]:
            continue
        end = min(t.completed_on, as_of) if t.is_completed and t.completed_on else as_of
        have = talks.get(t.key, {})
        missing = [yq for yq in quarters_between(t.filed_on, end) if have.get(yq, 0) < p["per_quarter"]]
        result.checked += 1
        if missing:
            labels = "、".join(f"{y}年第{q}季度" for y, q in missing)
            result.findings.append(Finding(
                "quarterly_talks", t.unit, f"{t.name}（建档 {t.filed_on:%Y.%m.%d}）在 {labels} 没有{p['form']}记录",
                (t.name,), labels, f"缺 {len(missing)} 个季度", f"每季度≥{p['per_quarter']}次"))
    return result


def check_reserve_ratio(data: Dataset, p: dict, as_of: date) -> RuleResult:
    result = RuleResult("reserve_ratio", True)
    ratio = float(p["ratio"])
    for unit in data.units:
        if not unit.staff_count:
            continue
        filed = [t for t in data.trainees if t.unit == unit.name and not t.is_terminated]
        result.checked += 1
        if p["basis"] == "per_year":
            years = p["years"] or sorted({t.filed_on.year for t in data.trainees})
            for year in years:
                count = sum(t.filed_on.year == year for t in filed)
                if count < ratio * unit.staff_count:
                    result.findings.append(Finding(
                        "reserve_ratio", unit.name,
                        f"{year}年新建档 {count} 人，教职工 {unit.staff_count} 人，占 {_pct(count / unit.staff_count)}",
                        (), f"{year}年", f"{count} 人", f"≥{_pct(ratio)}（{_ceil(ratio * unit.staff_count)} 人）"))
        else:
            count = len(filed)
            if count < ratio * unit.staff_count:
                result.findings.append(Finding(
                    "reserve_ratio", unit.name,
                    f"在册双培对象 {count} 人，教职工 {unit.staff_count} 人，占 {_pct(count / unit.staff_count)}，"
                    f"至少还需 {_ceil(ratio * unit.staff_count) - count} 人",
                    (), f"截至 {as_of:%Y.%m.%d}", f"{count} 人", f"≥{_pct(ratio)}（{_ceil(ratio * unit.staff_count)} 人）"))
    return result


def _ceil(x: float) -> int:
    n = int(x)
    return n if n >= x - 1e-9 else n + 1


def check_mentors(data: Dataset, p: dict, as_of: date) -> RuleResult:
    result = RuleResult("mentors", True)
    allowed = set(p["track1_status"])
    for t in data.trainees:
        if t.is_terminated:
            continue
        result.checked += 1
        count = len(t.mentors)
        if not p["min_count"] <= count <= p["max_count"]:
            result.findings.append(Finding(
                "mentors", t.unit, f"{t.name} 有 {count} 名培养人", (t.name,), f"建档 {t.filed_on:%Y.%m.%d}",
                f"{count} 名", f"{p['min_count']}–{p['max_count']} 名"))
        if t.track == Track.TO_MEMBER:
            for m in t.mentors:
                teacher = data.teacher(t.unit, m.name)
                if teacher is None:
                    continue
                if teacher.political_status not in allowed:
                    result.findings.append(Finding(
                        "mentors", t.unit,
                        f"类别1对象 {t.name} 的培养人 {m.name} 政治面貌为“{teacher.political_status}”",
                        (t.name, m.name), f"建档 {t.filed_on:%Y.%m.%d}", teacher.political_status,
                        "、".join(p["track1_status"])))
    return result


def check_new_members_excellent(data: Dataset, p: dict, as_of: date) -> RuleResult:
    result = RuleResult("new_members_excellent", True)
    share = float(p["share"])
    years = range(as_of.year - int(p["recent_years"]) + 1, as_of.year + 1)
    for year in years:
        joined = [t for t in data.teachers if t.joined_party and t.joined_party.year == year
                  and t.joined_party <= as_of]
        if len(joined) < max(1, int(p["min_people"])):
            continue
        result.checked += 1
        good = [t for t in joined if t.rating == p["rating"]]
        if len(good) < share * len(joined):
            others = [t for t in joined if t.rating != p["rating"]]
            result.findings.append(Finding(
                "new_members_excellent", CITY,
                f"{year}年入党 {len(joined)} 人，考核“{p['rating']}”{len(good)} 人，"
                f"未达“{p['rating']}”的：{_people(others)}",
                tuple(t.name for t in others), f"{year}年", _pct(len(good) / len(joined)), f"≥{_pct(share)}"))
    return result


def _people(teachers: list[Teacher]) -> str:
    return "、".join(f"{t.name}（{t.unit}，{t.rating or '未填'}）" for t in teachers)


def check_awards_party_share(data: Dataset, p: dict, as_of: date) -> RuleResult:
    result = RuleResult("awards_party_share", True)
    share = float(p["share"])
    members = {PARTY_MEMBER, PROBATIONARY_MEMBER} if p["count_probationary"] else {PARTY_MEMBER}
    groups: dict[tuple[int, str], list] = defaultdict(list)
    for a in data.awards:
        if a.award_year is None:
            continue
        groups[(a.award_year, a.title if p["per_title"] else "")].append(a)
    for (year, title), awards in sorted(groups.items()):
        result.checked += 1
        party = [a for a in awards if (t := data.teacher(a.unit, a.name)) and t.political_status in members]
        if len(party) < share * len(awards):
            others = [a for a in awards if a not in party]
            label = f"{year}年“{title}”" if title else f"{year}年"
            result.findings.append(Finding(
                "awards_party_share", CITY,
                f"{label}表彰 {len(awards)} 人，其中党员 {len(party)} 人；非党员：" +
                "、".join(f"{a.name}（{a.unit}）" for a in others),
                tuple(a.name for a in others), f"{year}年", _pct(len(party) / len(awards)), f"≥{_pct(share)}"))
    return result


def check_pioneer_border(data: Dataset, p: dict, as_of: date) -> RuleResult:
    result = RuleResult("pioneer_border", True)
    share = float(p["share"])
    border = {u.name for u in data.units if u.border}
    by_year: dict[int, list] = defaultdict(list)
    for a in data.awards:
        if a.title == p["title"] and a.award_year:
            by_year[a.award_year].append(a)
    for year, awards in sorted(by_year.items()):
        result.checked += 1
        inside = [a for a in awards if a.unit in border]
        if len(inside) < share * len(awards):
            result.findings.append(Finding(
                "pioneer_border", CITY,
                f"{year}年“{p['title']}”{len(awards)} 人，边境地区单位 {len(inside)} 人",
                tuple(a.name for a in inside), f"{year}年", _pct(len(inside) / len(awards)), f"≥{_pct(share)}"))
    return result


def check_party_teacher_lessons(data: Dataset, p: dict, as_of: date) -> RuleResult:
    result = RuleResult("party_teacher_lessons", True)
    forms: dict = p["forms"] or {}
    given: dict[tuple[str, str], list[date]] = defaultdict(list)
    trainees = {t.key: t for t in data.trainees}
    for r in data.records:
        giver_kind = forms.get(r.form)
        if giver_kind is None:
            continue
        if giver_kind == "培养对象":
            given[(r.unit, r.trainee)].append(r.date)
        else:
            trainee = trainees.get(r.trainee_key)
            mentor = r.mentor or (trainee.mentors[0].name if trainee and trainee.mentors else "")
            if mentor:
                given[(r.unit, mentor)].append(r.date)
    # (unit, teacher) → list of (from, to) periods to check
    periods: dict[tuple[str, str], list[tuple[date, date]]] = defaultdict(list)
    for t in data.trainees:
        if t.track != Track.TO_BACKBONE or t.is_terminated:
            continue
        end = min(t.completed_on, as_of) if t.is_completed and t.completed_on else as_of
        teacher = data.teacher(t.unit, t.name)
        if teacher is None or teacher.is_party_member:
            periods[t.key].append((t.filed_on, end))
        if p["scope"] == "mentors":
            for m in t.mentors:
                mt = data.teacher(t.unit, m.name)
                if mt is not None and mt.is_party_member:
                    periods[(t.unit, m.name)].append((t.filed_on, end))
    order = {u.name: i for i, u in enumerate(data.units)}
    for (unit, name), spans in sorted(periods.items(), key=lambda kv: (order.get(kv[0][0], 99), kv[0][1])):
        semesters = sorted({s for lo, hi in spans for s in semesters_within(lo, hi)})
        if not semesters:
            continue
        result.checked += 1
        dates = given.get((unit, name), [])
        missing = [label for start, end, label in semesters
                   if sum(start <= d <= end for d in dates) < p["per_semester"]]
        if missing:
            result.findings.append(Finding(
                "party_teacher_lessons", unit,
                f"{name} 在 {'、'.join(missing)} 没有{'/'.join(forms)}记录",
                (name,), "、".join(missing), f"缺 {len(missing)} 个学期", f"每学期≥{p['per_semester']}节"))
    return result


def check_plan_minimum(data: Dataset, p: dict, as_of: date) -> RuleResult:
    result = RuleResult("plan_minimum", True)
    minimum = {"to_member": int(p["to_member"]), "to_backbone": int(p["to_backbone"])}
    result.checked = len(plan_stats.yearly_totals(data))
    for s in plan_stats.plan_shortfalls(data, minimum):
        result.findings.append(Finding(
            "plan_minimum", CITY, s.describe(), (), f"{s.year}年", f"{s.planned} 人", f"≥{s.minimum} 人"))
    return result


def check_plan_completion(data: Dataset, p: dict, as_of: date) -> RuleResult:
    result = RuleResult("plan_completion", True)
    for row in plan_stats.plan_vs_actual(data):
        if p["past_years_only"] and row.year >= as_of.year:
            continue
        if row.year > as_of.year:
            continue
        result.checked += 1
        if row.short:
            result.findings.append(Finding(
                "plan_completion", row.unit,
                f"{row.year}年“{row.track.label}”计划 {row.planned} 人，实际完成 {row.completed} 人，"
                f"差 {row.planned - row.completed} 人",
                (), f"{row.year}年", f"{row.completed} 人", f"{row.planned} 人"))
    return result


RULES: dict[str, Callable[[Dataset, dict, date], RuleResult]] = {
    "quarterly_talks": check_quarterly_talks,
    "reserve_ratio": check_reserve_ratio,
    "mentors": check_mentors,
    "new_members_excellent": check_new_members_excellent,
    "awards_party_share": check_awards_party_share,
    "pioneer_border": check_pioneer_border,
    "party_teacher_lessons": check_party_teacher_lessons,
    "plan_minimum": check_plan_minimum,
    "plan_completion": check_plan_completion,
}


def run_rules(data: Dataset, settings: dict | None = None) -> CheckReport:
    settings = settings or default_settings()
    as_of = data_as_of(data, settings)
    results = []
    for key, func in RULES.items():
        params = settings.get(key) or {}
        if not params.get("enabled", True):
            results.append(RuleResult(key, False))
            continue
        results.append(func(data, params, as_of))
    return CheckReport(as_of, results)


def group_findings(data: Dataset, findings: list[Finding]) -> list[tuple[str, list[tuple[str, list[Finding]]]]]:
    """[(unit, [(rule title, findings)])]: city-wide first, then units in workbook order."""
    order = {u.name: i for i, u in enumerate(data.units)}
    rule_order = {k: i for i, k in enumerate(RULES)}
    units: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for f in findings:
        units[f.unit][f.rule].append(f)
    out = []
    for unit in sorted(units, key=lambda u: (u != CITY, order.get(u, len(order)), u)):
        rules = units[unit]
        out.append((unit, [(RULE_TITLES[r], rules[r]) for r in sorted(rules, key=rule_order.get)]))
    return out
