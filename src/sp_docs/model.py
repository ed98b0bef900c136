"""The typed data model: the only truth every document is built from.

It knows no file format.  Each object may carry the ``Location`` it was read
from so that later cross-checks can point the user to the right cell.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import Enum, IntEnum
from typing import Iterable, Iterator

from .errors import Location


class Track(IntEnum):
    TO_MEMBER = 1  # 骨干教师培养成共产党员
    TO_BACKBONE = 2  # 党员教师培养成教学骨干

    @property
    def label(self) -> str:
        return TRACK_LABELS[self]

    @property
    def code(self) -> str:
        return str(int(self))


TRACK_LABELS = {Track.TO_MEMBER: "骨干教师培养成共产党员", Track.TO_BACKBONE: "党员教师培养成教学骨干"}


class Status(str, Enum):
    """完成情况 of a trainee (the workbook's choices, in this order)."""

    IN_PROGRESS = "培养中"
    COMPLETED = "已完成"
    TERMINATED = "终止"

    def __str__(self) -> str:
        return self.value


STATUS_CHOICES: tuple[str, ...] = tuple(s.value for s in Status)

PARTY_MEMBER = "中共党员"
PROBATIONARY_MEMBER = "中共预备党员"


@dataclass
class Unit:
    name: str
    parent: str = ""
    kind: str = ""
    party_org: str = ""
    party_org_kind: str = ""
    border: bool | None = None
    staff_count: int | None = None
    origin: Location | None = field(default=None, compare=False, repr=False)


@dataclass
class Teacher:
    name: str
    unit: str
    birth: date
    political_status: str
    gender: str = ""
    ethnicity: str = ""
    id_number: str = ""
    subject: str = ""
    title: str = ""
    joined_party: date | None = None
    backbone_level: str = ""
    rating: str = ""
    note: str = ""
    origin: Location | None = field(default=None, compare=False, repr=False)

    @property
    def is_party_member(self) -> bool:
        return self.political_status in (PARTY_MEMBER, PROBATIONARY_MEMBER)


@dataclass
class Mentor:
    name: str
    position: str = ""


@dataclass
class Trainee:
    name: str
    unit: str
    track: Track
    mentors: list[Mentor]
    filed_on: date
    plan_year: int
    status: Status | None = None  # None: not filled in
    completed_on: date | None = None
    note: str = ""
    origin: Location | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.status = Status(self.status) if self.status else None

    @property
    def key(self) -> tuple[str, str]:
        return (self.unit, self.name)

    @property
    def is_terminated(self) -> bool:
        return self.status is Status.TERMINATED

    @property
    def is_completed(self) -> bool:
        return self.status is Status.COMPLETED or (self.completed_on is not None and not self.is_terminated)

    @property
    def status_label(self) -> str:
        """完成情况 as printed: the one filled in, else derived from the completion date."""
        return (self.status or (Status.COMPLETED if self.is_completed else Status.IN_PROGRESS)).value

    @property
    def completion_year(self) -> int:
        """The year the trainee counts in: completion when done, else the plan."""
        if self.is_completed and self.completed_on is not None:
            return self.completed_on.year
        return self.plan_year


@dataclass
class Record:
    trainee: str
    unit: str
    date: date
    form: str
    content: str
    mentor: str = ""
    place: str = ""
    origin: Location | None = field(default=None, compare=False, repr=False)

    @property
    def trainee_key(self) -> tuple[str, str]:
        return (self.unit, self.trainee)


@dataclass
class UnitPlan:
    unit: str
    year: int
    to_member: int
    to_backbone: int
    origin: Location | None = field(default=None, compare=False, repr=False)


@dataclass
class Award:
    name: str
    unit: str
    title: str
    issuer: str = ""
    issued_on: date | None = None
    year: int | None = None
    cert_no: str = ""
    origin: Location | None = field(default=None, compare=False, repr=False)

    @property
    def award_year(self) -> int | None:
        if self.year:
            return self.year
        return self.issued_on.year if self.issued_on else None


@dataclass
class Achievement:
    """One item of a Party-member teacher's record of achievement (党员积分)."""

    name: str
    unit: str
    item: str
    date: date
    note: str = ""
    origin: Location | None = field(default=None, compare=False, repr=False)


@dataclass
class Dataset:
    """Everything one workbook (or YAML file) holds."""

    units: list[Unit] = field(default_factory=list)
    teachers: list[Teacher] = field(default_factory=list)
    trainees: list[Trainee] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    plans: list[UnitPlan] = field(default_factory=list)
    awards: list[Award] = field(default_factory=list)
    achievements: list[Achievement] = field(default_factory=list)
    source: str = ""
    extra_sheets: dict[str, list[dict]] = field(default_factory=dict)

    # -- lookups -----------------------------------------------------------
    def unit(self, name: str) -> Unit | None:
        return next((u for u in self.units if u.name == name), None)

    def children(self, name: str) -> list[Unit]:
        return [u for u in self.units if u.parent == name and u.name != name]

    def roots(self) -> list[Unit]:
        names = {u.name for u in self.units}
        return [u for u in self.units if not u.parent or u.parent not in names]

    def subtree(self, name: str) -> list[str]:
        """``name`` and every unit below it, depth first, in workbook order."""
        result: list[str] = []
        seen: set[str] = set()

        def walk(current: str) -> None:
            if current in seen:
                return
            seen.add(current)
            result.append(current)
            for child in self.children(current):
                walk(child.name)

        walk(name)
        return result

    def teacher(self, unit: str, name: str) -> Teacher | None:
        return self._teacher_index().get((unit, name))

    def _teacher_index(self) -> dict[tuple[str, str], Teacher]:
        index: dict[tuple[str, str], Teacher] = {}
        for t in self.teachers:
            index.setdefault((t.unit, t.name), t)
        return index

    def records_for(self, trainee: Trainee) -> list[Record]:
        return sorted((r for r in self.records if r.trainee_key == trainee.key),
                      key=lambda r: r.date)

    def trainees_in(self, units: Iterable[str]) -> Iterator[Trainee]:
        wanted = set(units)
        return (t for t in self.trainees if t.unit in wanted)
