"""附件3 “双培”对象培养台账: one ledger per trainee in the seed's sample layout.

The view-model is plain data; pagination of long ledgers is left to the
renderers (the PDF repeats the ledger's header rows on every page and marks
continuation pages （续）, Word repeats the header rows), so no record is ever
cut, shrunk or dropped.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ..model import Dataset, Track, TRACK_LABELS
from .common import pinyin_key, region_prefix, select_units

CHECKED, UNCHECKED = "（√）", "（　）"


@dataclass
class LedgerRecord:
    date: str
    form: str
    content: str
    mentor: str = ""  # only when not the trainee's first mentor
    place: str = ""


@dataclass
class LedgerView:
    key: str  # unique within a batch: "unit/name"
    seq: int
    title: str
    unit: str
    name: str
    track: int
    track_label: str
    mentors: str
    positions: str
    filed_on: str
    options: list[dict]  # [{"mark": "（√）", "label": "骨干教师培养成共产党员"}, …]
    records: list[LedgerRecord] = field(default_factory=list)
    opinion: str = ""

    @property
    def anchor(self) -> str:
        return f"ledger-{self.seq}"

    def context(self) -> dict:
        data = asdict(self)
        data["anchor"] = self.anchor
        data["track_line"] = "　　".join(o["mark"] + o["label"] for o in self.options)
        return data

    def table(self) -> list[list[str]]:
        """Header fields and records as a reader sees them, for comparing formats."""
        rows = [["培养人", self.mentors, "职务", self.positions],
                ["培养对象", self.name, "培养建档时间", self.filed_on],
                ["“双培”类别", self.context()["track_line"]]]
        rows += [[r.date, r.form, r.content, r.mentor] for r in self.records]
        return rows


def _date(value) -> str:
    from ..text import format_date

    return format_date(value) if value else ""


def ordered_trainees(data: Dataset, unit: str | None = None) -> list:
    """By unit (workbook order within the selection), track 1 before 2, then pinyin."""
    units = select_units(data, unit)
    order = {name: i for i, name in enumerate(units)}
    chosen = [t for t in data.trainees if t.unit in order]
    chosen.sort(key=lambda t: (order[t.unit], int(t.track), pinyin_key(t.name)))
    return chosen


def build_one(data: Dataset, trainee, seq: int, *, title: str, records=None) -> LedgerView:
    first = trainee.mentors[0].name if trainee.mentors else ""
    records = data.records_for(trainee) if records is None else records
    rows = [LedgerRecord(_date(r.date), r.form, r.content,
                         r.mentor if r.mentor and r.mentor != first else "", r.place) for r in records]
    track = Track(trainee.track)
    options = [{"mark": CHECKED if t == track else UNCHECKED, "label": TRACK_LABELS[t]} for t in Track]
    return LedgerView(
        key=f"{trainee.unit}/{trainee.name}", seq=seq, title=title, unit=trainee.unit, name=trainee.name,
        track=int(track), track_label=track.label,
        mentors="、".join(m.name for m in trainee.mentors),
        positions="、".join(m.position for m in trainee.mentors if m.position),
        filed_on=_date(trainee.filed_on), options=options, records=rows)


def build_all(data: Dataset, unit: str | None = None, *, title_prefix: str | None = None,
              on_error=None) -> list[LedgerView]:
    """Every ledger of ``unit`` (all units when None) in print order.  A trainee
    whose ledger cannot be built is passed to ``on_error(trainee, exc)`` and skipped."""
    prefix = region_prefix(data) if title_prefix is None else title_prefix
    title = f"{prefix}“双培”对象培养台账"
    by_trainee: dict[tuple[str, str], list] = {}
    for r in data.records:
        by_trainee.setdefault(r.trainee_key, []).append(r)
    views = []
    for seq, trainee in enumerate(ordered_trainees(data, unit), start=1):
        try:
            records = sorted(by_trainee.get(trainee.key, []), key=lambda r: r.date)
            views.append(build_one(data, trainee, seq, title=title, records=records))
        except Exception as exc:  # one bad ledger must not stop the batch
            if on_error is None:
                raise
            on_error(trainee, exc)
    return views
