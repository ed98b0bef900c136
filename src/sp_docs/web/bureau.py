"""The bureau's side of 报送 without the HTTP: closing a year, checking a unit's own
附件2 workbook (read as ``sp-docs merge`` reads returns), the overseer's data (which
workbook the dashboard's checks, report and 附件1 use) and the rule findings per unit.
Used by the pages (routes_submissions, routes_bureau) and the API (routes_api)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from starlette.concurrency import run_in_threadpool

from .accounts import subtree_ids
from .models import StoredFile, Unit, Upload, YearClosure
from .routes_documents import dataset_of


class Refused(Exception):
    """A request that cannot be carried out; ``message`` (Chinese) says why, ``status`` is
    the HTTP status the page and the API answer with."""

    def __init__(self, message: str, status: int = 409):
        super().__init__(message)
        self.message, self.status = message, status


class ClosedYear(Refused):
    """The year is closed for the unit: nothing can be submitted or withdrawn."""

    def __init__(self, year: int, closure: YearClosure):
        who = "管理员" if closure.unit_id is None else f"上级单位“{closure.unit.name}”"
        super().__init__(f"{year}年的报送已由{who}关闭，不能再报送、撤回或上传附件2。"
                         "如需修改，请联系上级单位重新开放该年度。")


def ancestor_ids(db, unit_id: int) -> list[int]:
    """The unit and its parents, nearest first."""
    found, current = [], db.get(Unit, unit_id)
    while current is not None and current.id not in found:
        found.append(current.id)
        current = current.parent
    return found


def closure_for(db, unit_id: int, year: int) -> YearClosure | None:
    """The closure that closes ``year`` for the unit (the admin's or a parent unit's), if any.
    A parent unit's closure is for its sub-units: the parent itself can still submit upwards."""
    scopes = ancestor_ids(db, unit_id)[1:]
    return db.scalar(select(YearClosure).where(YearClosure.year == year)
                     .where((YearClosure.unit_id.is_(None)) | (YearClosure.unit_id.in_(scopes)))
                     .order_by(YearClosure.unit_id.is_(None).desc(), YearClosure.id).limit(1))


def require_open(db, unit_id: int, year: int) -> None:
    closure = closure_for(db, unit_id, year)
    if closure is not None:
        raise ClosedYear(year, closure)


def own_closure(db, account, year: int) -> YearClosure | None:
    """The closure of ``year`` the account made or may lift (the admin: the city-wide one)."""
    scope = None if account.is_admin else account.unit_id
    query = select(YearClosure).where(YearClosure.year == year)
    query = query.where(YearClosure.unit_id.is_(None) if scope is None else YearClosure.unit_id == scope)
    return db.scalar(query.limit(1))


def close_year(db, account, year: int) -> YearClosure:
    existing = own_closure(db, account, year)
    if existing is not None:
        return existing
    item = YearClosure(year=year, unit_id=None if account.is_admin else account.unit_id, closed_by=account.username)
    db.add(item)
    db.flush()
    return item


def reopen_year(db, account, year: int) -> bool:
    existing = own_closure(db, account, year)
    if existing is None:
        return False
    while existing is not None:  # two simultaneous closes may have left two rows
        db.delete(existing)
        db.flush()
        existing = own_closure(db, account, year)
    return True


# -- a unit's own 附件2 workbook ------------------------------------------------------

@dataclass
class ReturnCheck:
    rows: int = 0
    errors: list[dict] = field(default_factory=list)  # {"sheet", "row", "message"}
    notices: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _place(issue) -> dict:
    return {"sheet": issue.sheet, "row": "" if issue.row in (None, "") else str(issue.row), "message": issue.message}


def check_return(path: Path, unit: str, year: int, shown: str, own_units: set[str] | None = None) -> ReturnCheck:
    """Read ``path`` as ``sp-docs merge`` reads a returned 附件2 and say whether it can be
    submitted as ``unit``'s return for ``year``: readable, a 附件2, every row counted,
    the 单位名称 line naming the unit, every row's own 单位 (if the sheet has that column)
    one of ``own_units`` (the unit and its sub-units), every 完成年度 that year."""
    from ..sources.returns import UnitMatcher, read_returns

    rows, _matcher, result = read_returns([path], None)  # names as typed: no close matches here
    own = UnitMatcher([unit])
    check = ReturnCheck(rows=len(rows))
    no_unit_line = False
    for issue in result.issues:
        entry = _place(issue)
        entry["message"] = entry["message"].replace(str(path), shown)
        if "没有找到“单位名称”" in issue.message:
            no_unit_line = True
            entry["message"] = (f"表格上方没有“单位名称：…”一行：请在表头上方加一行“单位名称：{unit}”"
                                "（与生成的附件2 相同）后重新上传")
            check.errors.append(entry)
        elif issue.level == "问题":
            check.errors.append(entry)
        else:
            check.notices.append(entry)
    for row in rows:
        if own.exact(row.reporter) is None and not no_unit_line:
            check.errors.append({"sheet": row.sheet, "row": "", "message":
                                 f"“单位名称”写的是“{row.reporter}”，不是本单位“{unit}”：只能报送本单位的附件2"})
            break
    allowed = (own_units or set()) | {unit}
    for row in rows:
        if row.unit and row.unit != row.reporter and row.unit not in allowed:
            check.errors.append({"sheet": row.sheet, "row": str(row.row), "message":
                                 f"“单位”写的是“{row.unit}”，不是本单位或下属单位：只能报送本单位（及下属单位）的人员"
                                 f"（{row.name}）"})
    for row in rows:
        if row.year is not None and row.year != year:
            check.errors.append({"sheet": row.sheet, "row": str(row.row), "message":
                                 f"“完成年度”为 {row.year}，而报送的是 {year} 年的附件2：请改正或删去这一行（{row.name}）"})
    if result.rows_read != len(rows) + result.excluded:  # the reader's own proof; never expected to fail
        check.errors.append({"sheet": "", "row": "", "message": "读取的行数与计入的行数不一致，请检查工作簿"})
    add_cells(path, check.errors)
    return check


COLUMN_WORDS = ("完成年度", "类别", "姓名", "出生年月")


def add_cells(path: Path, entries: list[dict]) -> None:
    """Give each row problem its cell (``D6``): the column whose header names what the message is about."""
    for entry in entries:
        entry.setdefault("cell", "")
    wanted = [e for e in entries if e["row"] and e["sheet"]]
    if not wanted:
        return
    from openpyxl import load_workbook

    try:  # the file passed the safety checks when it was read as a return
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - no cell then; the row is still named
        return
    try:
        for entry in wanted:
            word = next((w for w in COLUMN_WORDS if w in entry["message"]), None)
            if word and entry["sheet"] in workbook.sheetnames:
                letter = _header_letter(workbook[entry["sheet"]], word)
                entry["cell"] = f"{letter}{entry['row']}" if letter else ""
    finally:
        workbook.close()


def _header_letter(sheet, word: str) -> str:
    from openpyxl.utils import get_column_letter

    for row in sheet.iter_rows(min_row=1, max_row=15):
        for cell in row:
            if isinstance(cell.value, str) and word in cell.value and len(cell.value) <= 12:
                return get_column_letter(cell.column)
    return ""


# -- the data the dashboard uses --------------------------------------------------------

def overseer_upload(db, account) -> Upload | None:
    """The workbook the dashboard's checks, 统计报告 and 附件1 use: a parent unit's own
    current data; for the admin, the newest valid upload of a top-level unit that has
    sub-units (e.g. the city bureau's own account uploading the city workbook).  A school
    at the top of a flat unit list is not the city: its workbook as the roll-up's unit
    list would make every other school's return look like a misspelt name of its own."""
    if account.unit_id is not None:
        query = select(Upload).where(Upload.unit_id == account.unit_id)
    else:
        parents = select(Unit.parent_id).where(Unit.parent_id.is_not(None))
        roots = select(Unit.id).where(Unit.parent_id.is_(None), Unit.id.in_(parents))
        query = select(Upload).where(Upload.unit_id.in_(roots))
    return db.scalar(query.where(Upload.valid.is_(True)).order_by(Upload.id.desc()).limit(1))


def rules_file(db, account) -> StoredFile | None:
    """The overseer's rule settings (``rules.yaml``), newest first; None: the defaults."""
    query = select(StoredFile).where(StoredFile.role == "rules")
    query = query.where(StoredFile.unit_id.is_(None) if account.unit_id is None else StoredFile.unit_id == account.unit_id)
    return db.scalar(query.order_by(StoredFile.id.desc()).limit(1))


def scope_unit(db, account, data) -> str | None:
    """The unit the overseer's documents cover: its own unit, or the whole workbook (admin)."""
    if account.unit_id is None:
        return None
    name = account.unit.name
    return name if data is not None and data.unit(name) is not None else None


def findings_by_unit(data, report, names: set[str] | None) -> list[tuple[str, int, list]]:
    """(unit, number of findings, [(rule title, findings)]) for every unit with findings,
    restricted to ``names`` (None: every unit and the city-wide ones)."""
    rows = []
    for unit, rules in report.by_unit(data):
        if names is not None and unit not in names:
            continue
        rows.append((unit, sum(len(found) for _, found in rules), rules))
    return rows


def overseen_names(db, account) -> set[str] | None:
    if account.is_admin:
        return None
    ids = subtree_ids(db, account.unit_id) if account.unit_id else set()
    return set(db.scalars(select(Unit.name).where(Unit.id.in_(ids or {-1}))))


def _findings(svc, upload, rules, names: set[str] | None) -> tuple[list, str]:
    """The rule findings per unit of the overseer's data (cached per workbook and settings)."""
    from ..errors import SpDocsError
    from ..rules.config import load_settings
    from ..rules.programme import run_rules

    data = dataset_of(svc, upload)
    if data is None:
        return [], ""
    key = ("findings", upload.id, rules.id if rules else 0)
    if key not in svc.data_cache:
        try:
            svc.data_cache[key] = run_rules(data, load_settings(svc.store.path(rules.stored_name) if rules else None))
        except SpDocsError as exc:
            return [], f"规则设置无法使用：{exc}"
    return findings_by_unit(data, svc.data_cache[key], names), ""


async def dashboard_of(svc, db, account) -> dict:
    """What the dashboard shows besides 报送情况: the data it uses, the rule settings and
    the rule findings per unit."""
    upload = overseer_upload(db, account)
    rules = rules_file(db, account)
    findings, error = await run_in_threadpool(_findings, svc, upload, rules, overseen_names(db, account))
    return {"city_upload": upload, "rules": rules, "findings": findings, "findings_error": error,
            "findings_total": sum(n for _, n, _ in findings)}
