"""Reading a whole workbook or YAML file into a validated ``Dataset``."""
from __future__ import annotations

from pathlib import Path

from ..errors import InputError, Location, Problems
from ..model import Achievement, Award, Dataset, Mentor, Record, Teacher, Trainee, Track, Unit, UnitPlan
from . import normalize as norm
from .rows import ParsedRow, parse_rows
from .schema import SHEETS, Sheet
from .tables import RawTable, read_xlsx_tables, read_yaml_tables
from .validate import cross_check

REQUIRED_SHEETS = ("单位", "教师")


def _expected_headers() -> dict[str, set[str]]:
    return {s.name: {norm.normalize_header(c.header) for c in s.columns} for s in SHEETS}


def read_tables(path: Path, problems: Problems) -> list[RawTable]:
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return read_yaml_tables(path)
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx_tables(path, problems, _expected_headers())
    if suffix == ".xls":
        raise InputError("不支持旧版 .xls，请在 Excel/WPS 中另存为 .xlsx", Location(str(path)))
    raise InputError(f"不支持的文件类型“{path.suffix or '无扩展名'}”，请使用 .xlsx 或 .yaml", Location(str(path)))


def _match_sheet(table: RawTable) -> Sheet | None:
    key = norm.normalize_header(table.name)
    for sheet in SHEETS:
        if key in {norm.normalize_header(sheet.name), *map(norm.normalize_header, sheet.aliases)}:
            return sheet
    return None


def load_dataset(path: Path | str, *, validate: bool = True) -> tuple[Dataset, Problems]:
    """Read ``path``; return the dataset and every problem found.  Raises
    ``InputError`` only when the file itself cannot be read at all."""
    path = Path(path)
    problems = Problems()
    tables = read_tables(path, problems)
    file = str(path)
    dataset = Dataset(source=file)
    found: dict[str, list[ParsedRow]] = {}
    for table in tables:
        sheet = _match_sheet(table)
        if sheet is None:
            if table.name not in ("填写说明", "_选项", "选项") and table.rows:
                problems.warning(f"未识别的工作表“{table.name}”，已忽略", Location(file, table.name))
            dataset.extra_sheets[table.name] = [dict(zip(table.headers, cells)) for _, cells in table.rows]
            continue
        if sheet.key in found:
            problems.warning(f"工作表“{sheet.name}”出现了两次，只读取第一个", Location(file, table.name))
            continue
        found[sheet.key] = parse_rows(table, sheet, file, problems)
    if not tables:
        raise InputError("工作簿里没有任何数据（所有工作表都是空的）", Location(file))
    for sheet in SHEETS:
        if sheet.key not in found:
            if sheet.name in REQUIRED_SHEETS:
                problems.error(f"缺少工作表“{sheet.name}”", Location(file),
                               expected=f"工作簿应包括：{'、'.join(s.name for s in SHEETS)}（可用 sp-docs init 生成空白模板）")
            found[sheet.key] = []
    _build(dataset, found, problems)
    if validate:
        problems.extend(cross_check(dataset))
    return dataset, _in_reading_order(problems)


def _in_reading_order(problems: Problems) -> Problems:
    """Problems sorted as the user reads the workbook: sheet by sheet, row by row."""
    order = {sheet.name: position for position, sheet in enumerate(SHEETS)}

    def key(problem):
        loc = problem.location
        return (order.get(loc.sheet, -1 if not loc.sheet else len(order)), loc.row or 0)

    return Problems(sorted(problems, key=key))


def _build(dataset: Dataset, found: dict[str, list[ParsedRow]], problems: Problems) -> None:
    for row in found["units"]:
        if not row.ok:
            continue
        v = row.values
        dataset.units.append(Unit(v["name"], v["parent"] or "", v["kind"] or "", v["party_org"] or "",
                                  v["party_org_kind"] or "", v["border"], v["staff_count"], row.location))
    for row in found["teachers"]:
        if not row.ok:
            continue
        v = row.values
        dataset.teachers.append(Teacher(
            name=v["name"], unit=v["unit"], birth=v["birth"], political_status=v["political_status"],
            gender=v["gender"] or "", ethnicity=v["ethnicity"] or "", id_number=v["id_number"] or "",
            subject=v["subject"] or "", title=v["title"] or "", joined_party=v["joined_party"],
            backbone_level=v["backbone_level"] or "", rating=v["rating"] or "", note=v["note"] or "",
            origin=row.location))
    for row in found["trainees"]:
        v = row.values
        mentors = [Mentor(v["mentor"], v["mentor_position"] or "")] if v["mentor"] else []
        if v["mentor2"]:
            mentors.append(Mentor(v["mentor2"], v["mentor2_position"] or ""))
        if not row.ok:
            continue
        dataset.trainees.append(Trainee(
            name=v["name"], unit=v["unit"], track=Track(v["track"]), mentors=mentors,
            filed_on=v["filed_on"], plan_year=v["plan_year"], status=v["status"] or "",
            completed_on=v["completed_on"], note=v["note"] or "", origin=row.location))
    for row in found["records"]:
        if not row.ok:
            continue
        v = row.values
        dataset.records.append(Record(v["trainee"], v["unit"], v["date"], v["form"], v["content"],
                                      v["mentor"] or "", v["place"] or "", row.location))
    for row in found["plans"]:
        if not row.ok:
            continue
        v = row.values
        dataset.plans.append(UnitPlan(v["unit"], v["year"], v["to_member"], v["to_backbone"], row.location))
    for row in found["awards"]:
        if not row.ok:
            continue
        v = row.values
        dataset.awards.append(Award(v["name"], v["unit"], v["title"], v["issuer"] or "", v["issued_on"],
                                    v["year"], v["cert_no"] or "", row.location))
    for row in found.get("achievements", []):
        if not row.ok:
            continue
        v = row.values
        dataset.achievements.append(Achievement(v["name"], v["unit"], v["item"], v["date"], v["note"] or "",
                                                row.location))
