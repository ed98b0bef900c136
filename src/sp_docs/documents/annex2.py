"""附件2 “双培”工程实施情况汇总表: the year's trainees of a unit (and its sub-units)."""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

from ..model import Dataset, Track
from ..tables import ANNEX2
from .common import pinyin_key, region_prefix, select_units

TABLE = ANNEX2  # the one description of the table's columns (sp_docs/tables.py)
COLUMNS = TABLE.headers
NOTE_TRACKS = ("“双培”类别填写相应序号，“骨干教师培养成共产党员”为“1”，“党员教师培养成教学骨干”为“2”。"
               "“1”填前，“2”填后。")
NOTE_YEAR = "完成年度根据培养计划和各单位实际确定，{body}按照各单位上报情况进行调整。"
NOTES = (NOTE_TRACKS, NOTE_YEAR.format(body="上级党组织"))  # neutral wording when no data names the body


def notes_for(data: Dataset) -> tuple[str, ...]:
    """The notes, naming the workbook's root unit (the one the tables go to) instead of
    the seed's 市委教育工委, which is wrong for a county or a school."""
    roots = data.roots()
    return (NOTE_TRACKS, NOTE_YEAR.format(body=roots[0].name if len(roots) == 1 else "上级党组织"))


@dataclass
class Annex2Row:
    seq: int
    name: str
    birth: str
    track: str
    year: str
    note: str
    unit: str = ""


@dataclass
class Annex2View:
    label: str  # 附件2
    title: str
    unit_name: str
    year: int
    date_line: str
    columns: tuple[str, ...]
    rows: list[Annex2Row]
    notes: tuple[str, ...]
    generated_on: str = field(default_factory=lambda: dt.date.today().isoformat())
    warnings: list[str] = field(default_factory=list)  # e.g. characters no font can draw

    def context(self) -> dict:
        data = asdict(self)
        data["rows"] = [asdict(r) for r in self.rows]
        data["table"] = TABLE.context()
        return data

    def table(self) -> list[list[str]]:
        """The rows as the cells a reader sees, for comparing formats."""
        return [TABLE.cells(r) for r in self.rows]


def available_years(data: Dataset, unit: str | None) -> list[int]:
    units = set(select_units(data, unit))
    return sorted({t.completion_year for t in data.trainees if t.unit in units})


def default_year(data: Dataset, unit: str | None) -> int:
    """The latest year with rows, not after this year; this year when none."""
    this_year = dt.date.today().year
    years = [y for y in available_years(data, unit) if y <= this_year]
    return years[-1] if years else this_year


def build(data: Dataset, unit: str, year: int | None = None, *, title_prefix: str | None = None) -> Annex2View:
    from ..text import format_year_month

    units = select_units(data, unit)
    order = {name: position for position, name in enumerate(units)}
    year = year or default_year(data, unit)
    teachers = {(t.unit, t.name): t for t in data.teachers}
    chosen = [t for t in data.trainees if t.unit in order and t.completion_year == year and not t.is_terminated]
    chosen.sort(key=lambda t: (int(t.track), order[t.unit], pinyin_key(t.name)))
    rows = []
    for seq, trainee in enumerate(chosen, start=1):
        teacher = teachers.get(trainee.key)
        notes = []
        if trainee.unit != unit:
            notes.append(trainee.unit)
        if trainee.note:
            notes.append(trainee.note)
        rows.append(Annex2Row(
            seq=seq, name=trainee.name,
            birth=format_year_month(teacher.birth) if teacher else "",
            track=Track(trainee.track).code, year=str(trainee.completion_year),
            note="；".join(notes), unit=trainee.unit))
    prefix = region_prefix(data) if title_prefix is None else title_prefix
    return Annex2View(
        label="附件2", title=f"{prefix}“双培”工程实施情况汇总表", unit_name=unit, year=year,
        date_line=f"{year}年　　月　　日", columns=COLUMNS, rows=rows, notes=notes_for(data))
