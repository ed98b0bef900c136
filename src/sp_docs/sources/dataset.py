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
    from .workbooks import kind_of

    if not path.is_file():
        raise InputError(f"找不到文件：{path}" if not path.exists() else f"这是一个文件夹，不是数据工作簿：{path}",
                         Location(str(path)))
    kind = kind_of(path)
    if kind == "yaml":
        return read_yaml_tables(path)
    if kind in ("xlsx", "xls", "ods"):
        return read_xlsx_tables(path, problems, _expected_headers())
    if kind == "csv":
        raise InputError("CSV 文件只能存放一张表，而数据工作簿需要“单位”“教师”“双培对象”等多个工作表："
                         "请用 sp-docs init 生成的 .xlsx 工作簿（可把 CSV 的内容粘贴到对应工作表）", Location(str(path)))
    raise InputError(f"不支持的文件类型“{path.suffix or '无扩展名'}”，请使用 .xlsx、.xls、.ods 或 .yaml",
                     Location(str(path)))


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
    unusable: set[str] = set()
    claimed = {s.key for t in tables if (s := _match_sheet(t)) is not None}
    for table in tables:
        sheet = _match_sheet(table)
        if sheet is None:
            sheet = _guess_sheet(table, claimed)
            if sheet is not None:
                claimed.add(sheet.key)
                problems.warning(f"工作表名“{table.name}”不是标准名称，已按“{sheet.name}”读取",
                                 Location(file, table.name), expected=f"建议把工作表改名为“{sheet.name}”")
        if sheet is None:
            if table.name not in ("填写说明", "_选项", "选项") and table.rows:
                problems.warning(f"未识别的工作表“{table.name}”，已忽略", Location(file, table.name))
            dataset.extra_sheets[table.name] = [dict(zip(table.headers, cells)) for _, cells in table.rows]
            continue
        if sheet.key in found:
            problems.warning(f"工作表“{sheet.name}”出现了两次，只读取第一个", Location(file, table.name))
            continue
        found[sheet.key] = parse_rows(table, sheet, file, problems)
        if table.rows and not found[sheet.key]:
            unusable.add(sheet.key)  # required columns missing: already reported
    if not tables:
        raise InputError("工作簿里没有任何数据（所有工作表都是空的）", Location(file))
    for sheet in SHEETS:
        if sheet.key not in found:
            if sheet.name in REQUIRED_SHEETS:
                problems.error(f"缺少工作表“{sheet.name}”", Location(file),
                               expected=f"工作簿应包括：{'、'.join(s.name for s in SHEETS)}（可用 sp-docs init 生成空白模板）")
            found[sheet.key] = []
            unusable.add(sheet.key)
    _build(dataset, found, problems)
    if validate:
        problems.extend(cross_check(dataset, unusable=unusable, incomplete=_incomplete_keys(found)))
    return dataset, _in_reading_order(problems)


def _guess_sheet(table: RawTable, claimed: set[str]) -> Sheet | None:
    """A sheet renamed by hand (“教师信息”, “双培对象名单”) whose standard one is absent."""
    import difflib

    key = norm.normalize_header(table.name)
    candidates = [s for s in SHEETS if s.key not in claimed]
    for sheet in candidates:
        if sheet.name in key:
            return sheet
    names = {s.name: s for s in candidates}
    close = difflib.get_close_matches(key, list(names), n=1, cutoff=0.6)
    return names[close[0]] if close else None


def _incomplete_keys(found: dict[str, list[ParsedRow]]) -> dict[str, set]:
    """Who appears on a row that had errors (so cross-checks don't repeat them as
    “not found”): unit names, and (unit, name) for teachers and trainees."""
    keys: dict[str, set] = {"units": set(), "teachers": set(), "trainees": set()}
    for row in found.get("units", []):
        if not row.ok and row.values.get("name"):
            keys["units"].add(row.values["name"])
    for sheet in ("teachers", "trainees"):
        for row in found.get(sheet, []):
            if not row.ok and row.values.get("name") and row.values.get("unit"):
                keys[sheet].add((row.values["unit"], row.values["name"]))
    return keys


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
            filed_on=v["filed_on"], plan_year=v["plan_year"], status=v["status"] or None,
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
