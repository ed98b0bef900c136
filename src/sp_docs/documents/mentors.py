"""结对帮带名单, per-trainee 谈心谈话记录 by quarter, and per-mentor lists."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from ..model import Dataset, Track
from ..rules.programme import quarter_of, quarters_between
from .common import pinyin_key, region_prefix, select_units

PAIR_COLUMNS = ("序号", "姓名", "所在单位", "“双培”类别", "培养人", "培养人职务", "第二培养人", "第二培养人职务",
                "建档时间", "完成情况")
NO_TALK = "本季度无谈心谈话记录"


@dataclass
class PairRow:
    seq: int
    name: str
    unit: str
    track: str
    mentor: str
    mentor_position: str
    mentor2: str
    mentor2_position: str
    filed_on: str
    status: str

    def cells(self) -> list[str]:
        return [str(self.seq), self.name, self.unit, self.track, self.mentor, self.mentor_position, self.mentor2,
                self.mentor2_position, self.filed_on, self.status]


@dataclass
class Talk:
    date: str
    mentor: str
    content: str
    place: str = ""


@dataclass
class QuarterTalks:
    label: str
    talks: list[Talk]

    @property
    def empty(self) -> bool:
        return not self.talks


@dataclass
class TalkRecord:
    name: str
    unit: str
    track: str
    mentors: str
    filed_on: str
    period: str
    quarters: list[QuarterTalks]

    @property
    def missing(self) -> int:
        return sum(q.empty for q in self.quarters)


@dataclass
class MentorList:
    mentor: str
    unit: str
    position: str
    trainees: list[dict]


@dataclass
class MentorsView:
    title: str
    unit_name: str
    as_of: str
    columns: tuple[str, ...]
    pairs: list[PairRow]
    talk_records: list[TalkRecord]
    mentor_lists: list[MentorList]
    generated_on: str = field(default_factory=lambda: dt.date.today().isoformat())

    def context(self) -> dict:
        data = asdict(self)
        data["talk_records"] = [{**asdict(r), "missing": r.missing,
                                 "quarters": [{**asdict(q), "empty": q.empty} for q in r.quarters]}
                                for r in self.talk_records]
        data["no_talk"] = NO_TALK
        return data

    def table(self) -> list[list[str]]:
        return [p.cells() for p in self.pairs]

    def talk_rows(self) -> list[list[str]]:
        rows = []
        for r in self.talk_records:
            for q in r.quarters:
                if q.empty:
                    rows.append([r.name, r.unit, q.label, "", "", NO_TALK])
                for t in q.talks:
                    rows.append([r.name, r.unit, q.label, t.date, t.mentor, t.content])
        return rows

    def mentor_rows(self) -> list[list[str]]:
        return [[m.mentor, m.unit, m.position, t["name"], t["track"], t["filed_on"], t["status"]]
                for m in self.mentor_lists for t in m.trainees]


def _d(day: dt.date | None) -> str:
    return f"{day:%Y.%m.%d}" if day else ""


def build(data: Dataset, unit: str | None, *, as_of: dt.date | None = None, form: str = "谈心谈话") -> MentorsView:
    units = select_units(data, unit)
    order = {name: i for i, name in enumerate(units)}
    as_of = as_of or (max((r.date for r in data.records), default=None) or dt.date.today())
    trainees = [t for t in data.trainees if t.unit in order]
    trainees.sort(key=lambda t: (order[t.unit], int(t.track), pinyin_key(t.name)))
    pairs, records = [], []
    mentors: dict[tuple[str, str], MentorList] = {}
    talks_by: dict[tuple[str, str], list] = defaultdict(list)
    for r in data.records:
        if r.form == form:
            talks_by[r.trainee_key].append(r)
    for seq, t in enumerate(trainees, start=1):
        m1 = t.mentors[0] if t.mentors else None
        m2 = t.mentors[1] if len(t.mentors) > 1 else None
        track = f"{Track(t.track).code}（{Track(t.track).label}）"
        status = t.status_label
        pairs.append(PairRow(seq, t.name, t.unit, Track(t.track).code, m1.name if m1 else "",
                             m1.position if m1 else "", m2.name if m2 else "", m2.position if m2 else "",
                             _d(t.filed_on), status))
        end = min(t.completed_on, as_of) if t.is_completed and t.completed_on else as_of
        by_quarter: dict[tuple[int, int], list] = defaultdict(list)
        for r in sorted(talks_by.get(t.key, []), key=lambda r: r.date):
            by_quarter[quarter_of(r.date)].append(r)
        quarters = [QuarterTalks(f"{y}年第{q}季度",
                                 [Talk(_d(r.date), r.mentor or (m1.name if m1 else ""), r.content, r.place)
                                  for r in by_quarter.get((y, q), [])])
                    for y, q in (quarters_between(t.filed_on, end) if t.filed_on <= end else [])]
        records.append(TalkRecord(t.name, t.unit, track, "、".join(m.name for m in t.mentors), _d(t.filed_on),
                                  f"{_d(t.filed_on)}—{_d(end)}", quarters))
        for m in t.mentors:
            entry = mentors.setdefault((t.unit, m.name), MentorList(m.name, t.unit, m.position, []))
            entry.position = entry.position or m.position
            entry.trainees.append({"name": t.name, "track": Track(t.track).code, "filed_on": _d(t.filed_on),
                                   "status": status})
    mentor_lists = sorted(mentors.values(), key=lambda m: (order[m.unit], pinyin_key(m.mentor)))
    name = unit or region_prefix(data).removesuffix("教育系统")
    return MentorsView(title=f"{name}“双培”工程结对帮带名单", unit_name=unit or name, as_of=_d(as_of),
                       columns=PAIR_COLUMNS, pairs=pairs, talk_records=records, mentor_lists=mentor_lists)
