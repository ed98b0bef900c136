"""报送: a unit submits its 附件2 for a year (withdraw, resubmit); the bureau (admin, or a
parent unit for its sub-units) sees 报送情况, returns a submission with a comment and
rolls the submitted returns up into the city table (``sp-docs merge``)."""
from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

from fastapi import APIRouter
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse

from .accounts import can_see, subtree_ids
from .auth import audit
from .bureau import (ClosedYear, Refused, check_return, close_year, closure_for, dashboard_of, overseer_upload,
                     own_closure, reopen_year, require_open)
from .common import NotFound, client_address, posted_form, render, require_login, services
from .models import StoredFile, Submission, Unit, utcnow
from .routes_documents import dataset_of, recent_jobs, start_job
from .routes_unit import clean_original_name, current_upload

router = APIRouter()
STATUS = {"submitted": "已报送", "returned": "已退回", "withdrawn": "未报送"}
BUREAU_KINDS = ("rollup", "report", "city_annex1")


def latest(db, unit_id: int, year: int) -> Submission | None:
    return db.scalar(select(Submission).where(Submission.unit_id == unit_id, Submission.year == year)
                     .order_by(Submission.id.desc()).limit(1))


def overseen_units(db, account) -> list[Unit]:
    """The units whose returns the account oversees: every unit (admin) or its sub-units."""
    if account.is_admin:
        return list(db.scalars(select(Unit).order_by(Unit.id)))
    if account.unit_id is None:
        return []
    ids = subtree_ids(db, account.unit_id) - {account.unit_id}
    return list(db.scalars(select(Unit).where(Unit.id.in_(ids or {-1})).order_by(Unit.id)))


def _year(value, default: int) -> int:
    text = str(value or "")
    return int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else default


def _years(svc, db, account) -> list[int]:
    this_year = dt.date.today().year
    years = {this_year, this_year - 1}
    if account.unit_id:
        data = dataset_of(svc, current_upload(db, account.unit_id))
        if data is not None and data.unit(account.unit.name):
            from ..documents.annex2 import available_years

            years |= set(available_years(data, account.unit.name))
    years |= set(db.scalars(select(Submission.year).distinct()))
    return sorted(years, reverse=True)


async def page(request: Request, year_value=None, status_code: int = 200, **extra):
    """The 报送 page: the unit's own status and history, and for an overseer the dashboard."""
    svc = services(request)
    with svc.db.session() as db:
        _row, account = require_login(request, db)
        years = await run_in_threadpool(_years, svc, db, account)
        default = years[0] if years else dt.date.today().year
        year = _year(year_value if year_value is not None else request.query_params.get("year"), default)
        own = latest(db, account.unit_id, year) if account.unit_id else None
        history = list(db.scalars(select(Submission).where(Submission.unit_id == account.unit_id)
                                  .order_by(Submission.id.desc()).limit(30))) if account.unit_id else []
        board = [(unit, latest(db, unit.id, year)) for unit in overseen_units(db, account)]
        dashboard = await dashboard_of(svc, db, account) if board else {}
        return render(request, "submissions.html", status_code=status_code, years=years, year=year, own=own,
                      history=history, board=board, STATUS=STATUS,
                      jobs=recent_jobs(db, account, BUREAU_KINDS, limit=10) if board else [],
                      closed=closure_for(db, account.unit_id, year) if account.unit_id else None,
                      own_closed=own_closure(db, account, year) if board else None,
                      max_mb=svc.settings.max_upload // (1024 * 1024), **dashboard, **extra)


@router.get("/submissions")
async def submissions_page(request: Request):
    return await page(request)


def refused(request: Request, message: str, status: int = 409):
    return render(request, "error.html", status_code=status, status=status, message=message)


def _make_return(svc, upload, unit: str, year: int) -> tuple[bytes, str, int]:
    from ..jobs.annex2 import annex2

    folder = Path(tempfile.mkdtemp(dir=svc.settings.work_dir))
    try:
        written, view = annex2(svc.store.path(upload.stored_name), unit, folder, year=year, formats=["xlsx"])
        return written[0].read_bytes(), written[0].name, len(view.rows)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


async def record_submission(svc, db, account, upload, year: int, address: str, via: str = "") -> Submission:
    """Make the unit's 附件2 for ``year`` from its current data and keep it as a new
    submission (the page and the API).  Raises SpDocsError (upload path replaced by its name),
    ClosedYear when the year is closed for the unit."""
    from ..errors import SpDocsError

    require_open(db, account.unit_id, year)
    try:
        data, name, rows = await run_in_threadpool(_make_return, svc, upload, account.unit.name, year)
    except SpDocsError as exc:
        raise SpDocsError(str(exc).replace(str(svc.store.path(upload.stored_name)), upload.original_name)) from exc
    stored = StoredFile(unit_id=account.unit_id, role="submission", name=name,
                        stored_name=svc.store.save_bytes(data, "xlsx"), size=len(data))
    db.add(stored)
    db.flush()
    item = Submission(unit_id=account.unit_id, account_id=account.id, year=year, file_id=stored.id, rows=rows)
    db.add(item)
    db.flush()
    audit(db, account, "报送", f"{year}年附件2（{rows} 人）{via}", address)
    return item


@router.post("/submissions/submit")
async def submit(request: Request):
    from ..errors import SpDocsError

    svc = services(request)
    with svc.db.session() as db:
        row, account, form = await posted_form(request, db)
        if account.unit_id is None:
            raise NotFound()
        year = _year(form.get("year"), 0)
        upload = current_upload(db, account.unit_id)
        if not year or upload is None:
            return render(request, "error.html", status_code=400, status=400,
                          message="请先上传检查通过的数据，并选择“年度”后再点“报送”。")
        previous = latest(db, account.unit_id, year)
        if previous is not None and previous.status == "submitted":
            return RedirectResponse(f"/submissions?year={year}", status_code=303)
        try:
            require_open(db, account.unit_id, year)
        except ClosedYear as exc:
            return refused(request, exc.message)
        try:
            await record_submission(svc, db, account, upload, year, client_address(request))
        except SpDocsError as exc:
            return render(request, "error.html", status_code=400, status=400, message=f"未能报送：{exc}")
    return RedirectResponse(f"/submissions?year={year}", status_code=303)


def _visible_submission(db, account, public: str) -> Submission:
    item = db.scalar(select(Submission).where(Submission.public_id == public))
    if item is None or not can_see(db, account, item.unit_id):
        raise NotFound()
    return item


@router.post("/submissions/{public}/withdraw")
async def withdraw(request: Request, public: str):
    with services(request).db.session() as db:
        row, account, _form = await posted_form(request, db)
        item = _visible_submission(db, account, public)
        if item.unit_id != account.unit_id or item.status != "submitted" or latest(db, item.unit_id, item.year) is not item:
            raise NotFound()
        try:
            require_open(db, item.unit_id, item.year)
        except ClosedYear as exc:
            return refused(request, exc.message)
        withdraw_submission(db, account, item)
        audit(db, account, "撤回报送", f"{item.year}年附件2", client_address(request))
        return RedirectResponse(f"/submissions?year={item.year}", status_code=303)


def withdraw_submission(db, account, item: Submission) -> Submission:
    withdrawn = Submission(unit_id=item.unit_id, account_id=account.id, year=item.year, file_id=item.file_id,
                           rows=item.rows, status="withdrawn", source=item.source)
    db.add(withdrawn)
    db.flush()
    return withdrawn


def return_submission(db, account, item: Submission, comment: str) -> Submission:
    """The bureau returns ``item`` with ``comment`` (Refused when the year is closed for the unit)."""
    if closure_for(db, item.unit_id, item.year) is not None:
        raise Refused(f"{item.year}年的报送已关闭，不能退回；如需退回，请先“重新开放”该年度。")
    if item.status != "submitted" or latest(db, item.unit_id, item.year) is not item:
        raise Refused("这份报送已撤回或已退回，不能再退回（只能退回单位最新的一次报送）。")
    returned = Submission(unit_id=item.unit_id, account_id=item.account_id, year=item.year, file_id=item.file_id,
                          rows=item.rows, status="returned", comment=comment, decided_at=utcnow(),
                          decided_by=account.username, source=item.source)
    db.add(returned)
    db.flush()
    return returned


def clean_comment(text) -> str:
    return " ".join(str(text or "").split())[:500]


@router.post("/submissions/{public}/return")
async def send_back(request: Request, public: str):
    with services(request).db.session() as db:
        row, account, form = await posted_form(request, db)
        item = _visible_submission(db, account, public)
        if item.unit_id not in {u.id for u in overseen_units(db, account)} or item.status != "submitted":
            raise NotFound()
        comment = clean_comment(form.get("comment"))
        if not comment:
            return render(request, "error.html", status_code=400, status=400,
                          message="退回时请在“退回意见”中写明需要修改的地方。")
        try:
            return_submission(db, account, item, comment)
        except Refused as exc:
            return refused(request, exc.message, exc.status)
        audit(db, account, "退回报送", f"{item.unit.name} {item.year}年：{comment}", client_address(request))
        return RedirectResponse(f"/submissions?year={item.year}", status_code=303)


@router.post("/submissions/rollup")
async def rollup(request: Request):
    svc = services(request)
    with svc.db.session() as db:
        row, account, form = await posted_form(request, db)
        units = overseen_units(db, account)
        if not units:
            raise NotFound()
        year = _year(form.get("year"), 0)
        returns = [(unit.name, sub.file.stored_name) for unit in units
                   if (sub := latest(db, unit.id, year)) is not None and sub.status == "submitted"]
        if not returns:
            return render(request, "error.html", status_code=400, status=400,
                          message=f"{year}年还没有单位报送，暂时无法生成全市汇总表。")
        job = start_job(request, db, account, "rollup", {"year": year, "returns": returns},
                        overseer_upload(db, account))
        job_id, job_public = job.id, job.public_id
    svc.runner.submit(job_id)
    return RedirectResponse(f"/jobs/{job_public}", status_code=303)


@router.post("/submissions/close")
async def close(request: Request):
    return await _close_or_reopen(request, True)


@router.post("/submissions/reopen")
async def reopen(request: Request):
    return await _close_or_reopen(request, False)


async def _close_or_reopen(request: Request, closing: bool):
    with services(request).db.session() as db:
        row, account, form = await posted_form(request, db)
        if not overseen_units(db, account):
            raise NotFound()
        year = _year(form.get("year"), 0)
        if not year:
            return refused(request, "请先选择“年度”。", 400)
        try:
            set_year_closed(db, account, year, closing, client_address(request))
        except Refused as exc:
            return refused(request, exc.message, exc.status)
    return RedirectResponse(f"/submissions?year={year}", status_code=303)


def set_year_closed(db, account, year: int, closing: bool, address: str, via: str = "") -> None:
    """关闭年度 / 重新开放 (the admin for every unit, a parent unit for its sub-units)."""
    if closing:
        close_year(db, account, year)
        audit(db, account, "关闭年度", f"{year}年报送{via}", address)
    elif reopen_year(db, account, year):
        audit(db, account, "重新开放年度", f"{year}年报送{via}", address)
    else:
        raise Refused(f"{year}年没有由您关闭的报送（由管理员关闭的年度只有管理员可以重新开放）。")


@router.post("/submissions/upload")
async def upload_own(request: Request):
    """A unit submits its own filled 附件2 workbook instead of the generated one."""
    svc = services(request)
    with svc.db.session() as db:
        row, account, form = await posted_form(request, db)
        if account.unit_id is None:
            raise NotFound()
        year, item = _year(form.get("year"), 0), form.get("annex2")
        if not year or not isinstance(item, UploadFile) or not item.filename:
            return refused(request, "请选择“年度”和填好的附件2 工作簿（.xlsx）后再点“上传并报送”。", 400)
        content = await item.read(svc.settings.max_upload + 1)
        try:
            outcome = await record_own_return(svc, db, account, content, clean_original_name(item.filename), year,
                                              client_address(request))
        except Refused as exc:
            return refused(request, exc.message, exc.status)
    if isinstance(outcome, Submission):
        return RedirectResponse(f"/submissions?year={year}", status_code=303)
    return await page(request, year, status_code=400, upload_check=outcome, upload_name=clean_original_name(item.filename))


async def record_own_return(svc, db, account, content: bytes, original: str, year: int, address: str,
                            via: str = ""):
    """Check an uploaded 附件2 (as ``merge`` reads returns) and, when it can be used, keep the
    exact file as a new submission.  Returns the Submission, or the ReturnCheck with the
    problems; raises Refused (too big, not .xlsx, year closed, already submitted)."""
    if len(content) > svc.settings.max_upload:
        raise Refused(f"文件太大：不能超过 {svc.settings.max_upload // (1024 * 1024)} MB。", 413)
    if not original.lower().endswith(".xlsx"):
        raise Refused("附件2 只能上传 .xlsx 工作簿：.xls、.ods、.csv 请先在 Excel/WPS 中“另存为” .xlsx。", 400)
    require_open(db, account.unit_id, year)
    previous = latest(db, account.unit_id, year)
    if previous is not None and previous.status == "submitted":
        raise Refused(f"{year}年已经报送；要改交自己的附件2，请先“撤回”。")
    stored = svc.store.save_bytes(content, "xlsx")
    own_units = set(db.scalars(select(Unit.name).where(Unit.id.in_(subtree_ids(db, account.unit_id)))))
    check = await run_in_threadpool(check_return, svc.store.path(stored), account.unit.name, year, original, own_units)
    if not check.ok:
        svc.store.remove(stored)
        return check
    file = StoredFile(unit_id=account.unit_id, role="submission", name=original, stored_name=stored, size=len(content))
    db.add(file)
    db.flush()
    item = Submission(unit_id=account.unit_id, account_id=account.id, year=year, file_id=file.id, rows=check.rows,
                      source="uploaded")
    db.add(item)
    db.flush()
    audit(db, account, "报送", f"{year}年附件2（上传的 {original}，{check.rows} 人）{via}", address)
    return item
