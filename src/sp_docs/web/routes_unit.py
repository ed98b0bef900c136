"""数据: blank workbook, upload + check, upload history; file downloads."""
from __future__ import annotations

import json
import re

from fastapi import APIRouter
from sqlalchemy import select
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse

from ..errors import Problem
from .accounts import can_see, visible_unit_ids
from .auth import audit
from .common import MEDIA_TYPES, NotFound, client_address, download, posted_form, render, require_login, services
from .models import StoredFile, Unit, Upload

router = APIRouter()


def visible_filter(column, visible: set[int] | None):
    return True if visible is None else column.in_(visible or {-1})


def current_upload(db, unit_id: int) -> Upload | None:
    """The unit's current data: its newest upload without errors."""
    return db.scalar(select(Upload).where(Upload.unit_id == unit_id, Upload.valid.is_(True))
                     .order_by(Upload.id.desc()).limit(1))


def problem_row(problem: Problem, stored: str, shown: str) -> dict:
    text = problem.message
    if problem.value:
        text += f"（填写的是“{problem.value}”）"
    if problem.expected:
        text += f"；{problem.expected}"
    text = text.replace(stored, shown)
    loc = problem.location
    return {"level": "错误" if problem.is_error else "警告", "sheet": loc.sheet,
            "row": "" if loc.row is None else str(loc.row), "column": loc.column, "message": text}


def clean_original_name(name: str) -> str:
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(c for c in base if ord(c) >= 32).strip()
    return base[:200] or "工作簿.xlsx"


def _history(db, account) -> list[Upload]:
    visible = visible_unit_ids(db, account)
    return list(db.scalars(select(Upload).where(visible_filter(Upload.unit_id, visible))
                           .order_by(Upload.id.desc()).limit(100)))


def _data_page(request, db, account, upload: Upload | None = None, message: str = "", status_code: int = 200):
    unit_names = dict(db.execute(select(Unit.id, Unit.name)).all())
    current = current_upload(db, account.unit_id) if account.unit_id else None
    problems = json.loads(upload.problems) if upload else []
    return render(request, "data.html", status_code=status_code, upload=upload, problems=problems,
                  history=_history(db, account), current=current, unit_names=unit_names, message=message,
                  max_mb=services(request).settings.max_upload // (1024 * 1024))


@router.get("/data")
async def data_page(request: Request):
    with services(request).db.session() as db:
        _row, account = require_login(request, db)
        return _data_page(request, db, account)


@router.get("/data/blank")
async def blank(request: Request):
    from ..sources.blank import blank_workbook

    with services(request).db.session() as db:
        require_login(request, db)
    return download(blank_workbook(), "双培数据.xlsx", MEDIA_TYPES[".xlsx"])


@router.post("/data/upload")
async def upload(request: Request):
    svc = services(request)
    with svc.db.session() as db:
        row, account, form = await posted_form(request, db)
        if account.unit_id is None:
            return _data_page(request, db, account, message="管理员账号不属于任何单位，不能上传数据。请用单位账号登录后上传。",
                              status_code=400)
        item = form.get("workbook")
        if not isinstance(item, UploadFile) or not item.filename:
            return _data_page(request, db, account, message="请先点“数据工作簿”选择要上传的 .xlsx 文件，再点“上传并检查”。",
                              status_code=400)
        content = await item.read(svc.settings.max_upload + 1)
        if len(content) > svc.settings.max_upload:
            return _data_page(request, db, account, status_code=413,
                              message=f"文件太大：不能超过 {svc.settings.max_upload // (1024 * 1024)} MB。")
        record = await record_upload(svc, db, account, content, clean_original_name(item.filename),
                                     client_address(request))
        return RedirectResponse(f"/data/uploads/{record.public_id}", status_code=303)


async def record_upload(svc, db, account, content: bytes, original: str, address: str, via: str = "") -> Upload:
    """Store an uploaded workbook, check it and record the result (the page and the API)."""
    stored = svc.store.save_bytes(content, "xlsx")
    checked = await svc.checks.check(svc.store.path(stored))  # in the check process: keep serving others
    problems, summary = checked.problems, checked.summary
    rows = [problem_row(p, str(svc.store.path(stored)), original) for p in problems]
    record = Upload(unit_id=account.unit_id, account_id=account.id, original_name=original, stored_name=stored,
                    size=len(content), valid=checked.usable and not problems.errors,
                    errors=len(problems.errors), warnings=len(problems.warnings),
                    problems=json.dumps(rows, ensure_ascii=False), summary=summary)
    db.add(record)
    db.flush()
    audit(db, account, "上传", f"{original}：错误 {record.errors} 处，警告 {record.warnings} 处{via}", address)
    return record


def _visible_upload(db, account, public: str) -> Upload:
    item = db.scalar(select(Upload).where(Upload.public_id == public))
    if item is None or not can_see(db, account, item.unit_id):
        raise NotFound()
    return item


@router.get("/data/uploads/{public}")
async def upload_result(request: Request, public: str):
    with services(request).db.session() as db:
        _row, account = require_login(request, db)
        return _data_page(request, db, account, _visible_upload(db, account, public))


@router.get("/data/uploads/{public}/{name}")
async def upload_file(request: Request, public: str, name: str):
    svc = services(request)
    with svc.db.session() as db:
        _row, account = require_login(request, db)
        item = _visible_upload(db, account, public)
        if name != item.original_name:
            raise NotFound()
        audit(db, account, "下载", f"上传的工作簿 {item.original_name}", client_address(request))
        return download(svc.store.path(item.stored_name).read_bytes(), item.original_name, MEDIA_TYPES[".xlsx"])


@router.get("/files/{public}/{name}")
async def stored_file(request: Request, public: str, name: str):
    svc = services(request)
    with svc.db.session() as db:
        _row, account = require_login(request, db)
        item = db.scalar(select(StoredFile).where(StoredFile.public_id == public))
        if item is None or item.name != name or not can_see(db, account, item.unit_id):
            raise NotFound()
        suffix = "." + item.name.rsplit(".", 1)[-1].lower()
        if item.role != "preview":
            audit(db, account, "下载", item.name, client_address(request))
        data = svc.store.path(item.stored_name).read_bytes()
        return download(data, item.name, MEDIA_TYPES.get(suffix, "application/octet-stream"),
                        inline=item.role == "preview")


