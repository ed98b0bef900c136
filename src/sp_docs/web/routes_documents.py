"""文档: choose a document, run it as a job, watch its progress, download its files."""
from __future__ import annotations

import datetime as dt
import json

from fastapi import APIRouter
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse

from .accounts import can_see, visible_unit_ids
from .auth import audit
from .common import NotFound, client_address, posted_form, render, require_login, services
from .models import Job, Unit
from .routes_unit import current_upload, visible_filter
from .tasks import KIND_TITLES, queued_ahead

router = APIRouter()
DOCUMENT_KINDS = ("annex2", "annex1", "ledgers", "mentors")


def dataset_of(svc, upload):
    """The unit's current dataset (cached per upload), or None."""
    if upload is None:
        return None
    if upload.id not in svc.data_cache:
        from ..errors import SpDocsError
        from ..jobs import load_valid

        try:
            svc.data_cache[upload.id] = load_valid(svc.store.path(upload.stored_name))[0]
        except SpDocsError:
            svc.data_cache[upload.id] = None
    return svc.data_cache[upload.id]


def _choices(svc, upload, unit_name: str) -> tuple[list[int], int, list[str]]:
    from ..documents.annex2 import available_years, default_year
    from ..documents.ledger import ordered_trainees

    this_year = dt.date.today().year
    data = dataset_of(svc, upload)
    if data is None or data.unit(unit_name) is None:
        return [this_year], this_year, []
    years = sorted(set(available_years(data, unit_name)) | {this_year}, reverse=True)
    names = list(dict.fromkeys(t.name for t in ordered_trainees(data, unit_name)))
    return years, default_year(data, unit_name), names


def recent_jobs(db, account, kinds=None, limit: int = 30) -> list[Job]:
    visible = visible_unit_ids(db, account)
    query = select(Job).where(visible_filter(Job.unit_id, visible))
    if kinds:
        query = query.where(Job.kind.in_(kinds))
    return list(db.scalars(query.order_by(Job.id.desc()).limit(limit)))


@router.get("/documents")
async def documents_page(request: Request):
    svc = services(request)
    with svc.db.session() as db:
        _row, account = require_login(request, db)
        upload = current_upload(db, account.unit_id) if account.unit_id else None
        unit_name = account.unit.name if account.unit else ""
        years, year, trainees = await run_in_threadpool(_choices, svc, upload, unit_name)
        data = dataset_of(svc, upload)
        return render(request, "documents.html", upload=upload, years=years, year=year, trainees=trainees,
                      unit_missing=bool(upload and data is not None and data.unit(unit_name) is None),
                      jobs=recent_jobs(db, account, DOCUMENT_KINDS), unit_names=dict(db.execute(
                          select(Unit.id, Unit.name)).all()))


def start_job(request: Request, db, account, kind: str, params: dict, upload=None, via: str = "") -> Job:
    title = KIND_TITLES[kind]
    if kind == "annex2" and params.get("year"):
        title += f"_{params['year']}"
    if kind == "ledgers" and params.get("trainee"):
        title += f"_{params['trainee']}"
    params = {"kind": kind, "upload_id": upload.id if upload else None, **params}
    owner = account.unit.name if account.unit else "管理员"
    job = Job(unit_id=account.unit_id, account_id=account.id, kind=kind, title=f"{title}_{owner}",
              params=json.dumps(params, ensure_ascii=False, default=str))
    db.add(job)
    db.flush()
    audit(db, account, "生成", f"{job.title}{via}", client_address(request))
    return job


@router.post("/documents/{kind}")
async def create_job(request: Request, kind: str):
    if kind not in DOCUMENT_KINDS:
        raise NotFound()
    svc = services(request)
    with svc.db.session() as db:
        row, account, form = await posted_form(request, db)
        upload = current_upload(db, account.unit_id) if account.unit_id else None
        if upload is None:
            return render(request, "error.html", status_code=400, status=400,
                          message="还没有可用的数据：请先在“数据”页上传填好的数据工作簿，检查没有错误后再生成文档。")
        params = {}
        if kind == "annex2":
            year = str(form.get("year") or "")
            if not year.isdigit() or not 2000 <= int(year) <= 2100:
                return render(request, "error.html", status_code=400, status=400,
                              message="请在“年度”中选择一个年度后再点“生成附件2”。")
            params["year"] = int(year)
        if kind == "ledgers":
            params["trainee"] = str(form.get("trainee") or "")[:100]
        job = start_job(request, db, account, kind, params, upload)
        job_id, public = job.id, job.public_id
    svc.runner.submit(job_id)
    return RedirectResponse(f"/jobs/{public}", status_code=303)


def visible_job(db, account, public: str) -> Job:
    job = db.scalar(select(Job).where(Job.public_id == public))
    if job is None or not can_see(db, account, job.unit_id):
        raise NotFound()
    return job


@router.get("/jobs/{public}")
async def job_page(request: Request, public: str):
    with services(request).db.session() as db:
        _row, account = require_login(request, db)
        job = visible_job(db, account, public)
        files = [f for f in job.files if f.role != "preview"]
        previews = [f for f in job.files if f.role == "preview"]
        return render(request, "job.html", job=job, files=files, previews=previews, ahead=queued_ahead(db, job),
                      messages=[m for m in job.message.split("\n") if m])


@router.get("/jobs/{public}/status")
async def job_status(request: Request, public: str):
    from .common import STATUS_LABELS

    with services(request).db.session() as db:
        _row, account = require_login(request, db)
        job = visible_job(db, account, public)
        return JSONResponse({"status": job.status, "label": STATUS_LABELS[job.status], "stage": job.stage, "done": job.done,
                             "total": job.total, "ahead": queued_ahead(db, job)})


@router.post("/jobs/{public}/rerun")
async def rerun(request: Request, public: str):
    svc = services(request)
    with svc.db.session() as db:
        row, account, _form = await posted_form(request, db)
        old = visible_job(db, account, public)
        if old.status not in ("failed", "interrupted") or old.unit_id != account.unit_id:
            raise NotFound()
        job = Job(unit_id=old.unit_id, account_id=account.id, kind=old.kind, title=old.title, params=old.params)
        db.add(job)
        db.flush()
        audit(db, account, "生成", f"{job.title}（重新生成）", client_address(request))
        job_id, new_public = job.id, job.public_id
    svc.runner.submit(job_id)
    return RedirectResponse(f"/jobs/{new_public}", status_code=303)
