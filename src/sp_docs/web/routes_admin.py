"""管理: units, accounts, importing the unit list, the audit log (admin only)."""
from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request

from ..errors import SpDocsError
from .accounts import AccountError, add_account, get_or_create_unit, list_accounts, new_password, reset_password
from .auth import audit
from .common import MEDIA_TYPES, checked_form, client_address, download, render, require_admin, services
from .models import Account, AuditEntry, Unit

router = APIRouter()


def _page(request, db, message: str = "", error: str = "", shown: list | None = None, status_code: int = 200):
    units = list(db.scalars(select(Unit).order_by(Unit.name)))
    return render(request, "admin.html", status_code=status_code, units=units, accounts=list_accounts(db),
                  message=message, error=error, shown=shown or [])


@router.get("/admin")
async def admin_page(request: Request):
    with services(request).db.session() as db:
        require_admin(request, db)
        return _page(request, db)


@router.post("/admin/units")
async def create_unit(request: Request):
    with services(request).db.session() as db:
        row, account = require_admin(request, db)
        form = await checked_form(request, row)
        name, parent = str(form.get("name") or ""), str(form.get("parent") or "")
        try:
            unit = get_or_create_unit(db, name, parent or None)
        except AccountError as exc:
            return _page(request, db, error=str(exc), status_code=400)
        audit(db, account, "创建单位", unit.name + (f"（上级：{parent}）" if parent else ""), client_address(request))
        return _page(request, db, message=f"已创建单位“{unit.name}”。")


@router.post("/admin/accounts")
async def create_account(request: Request):
    with services(request).db.session() as db:
        row, account = require_admin(request, db)
        form = await checked_form(request, row)
        username, unit = str(form.get("username") or ""), str(form.get("unit") or "")
        admin = form.get("role") == "admin"
        password = str(form.get("password") or "") or new_password()
        try:
            created = add_account(db, username, password, admin=admin, unit_name=None if admin else unit)
        except AccountError as exc:
            return _page(request, db, error=str(exc), status_code=400)
        audit(db, account, "创建账号", f"{created.username}（{'管理员' if admin else unit}）", client_address(request))
        return _page(request, db, message=f"已创建账号“{created.username}”。请把密码交给使用人，本页只显示这一次。",
                     shown=[(created.username, password)])


@router.post("/admin/reset")
async def reset(request: Request):
    with services(request).db.session() as db:
        row, account = require_admin(request, db)
        form = await checked_form(request, row)
        username, password = str(form.get("username") or ""), new_password()
        try:
            reset_password(db, username, password)
        except AccountError as exc:
            return _page(request, db, error=str(exc), status_code=400)
        audit(db, account, "重置密码", username, client_address(request))
        return _page(request, db, message=f"已重置“{username}”的密码（本页只显示这一次）。", shown=[(username, password)])


@router.post("/admin/import")
async def import_units(request: Request):
    """The 单位 sheet of a data workbook → units (with parents) and one account per
    new unit; the initial passwords come back as an XLSX, kept nowhere else."""
    from ..jobs.check import check_workbook
    from ..render.xlsx import table_workbook

    svc = services(request)
    with svc.db.session() as db:
        row, account = require_admin(request, db)
        form = await checked_form(request, row)
        item = form.get("workbook")
        if not isinstance(item, UploadFile) or not item.filename:
            return _page(request, db, error="请先选择含“单位”工作表的工作簿，再点“导入单位”。", status_code=400)
        content = await item.read(svc.settings.max_upload + 1)
        stored = svc.store.save_bytes(content[: svc.settings.max_upload], "xlsx")
        data, problems = await run_in_threadpool(check_workbook, svc.store.path(stored))
        svc.store.remove(stored)
        if data is None or not data.units:
            reason = "；".join(p.message for p in problems.errors[:3]) or "工作簿中没有“单位”工作表或其中没有单位"
            return _page(request, db, error=f"无法导入：{reason}。请上传 sp-docs 的数据工作簿（含“单位”工作表）。",
                         status_code=400)
        rows = import_unit_list(db, [(u.name, u.parent) for u in data.units])
        audit(db, account, "导入单位", f"{len(data.units)} 个单位，新建账号 {sum(1 for r in rows if r[3])} 个",
              client_address(request))
    payload = table_workbook([("初始密码", ["单位", "上级单位", "用户名", "初始密码"], rows)],
                             widths={"初始密码": [30, 30, 30, 16]})
    return download(payload, "初始密码.xlsx", MEDIA_TYPES[".xlsx"])


def import_unit_list(db, units: list[tuple[str, str]]) -> list[list[str]]:
    """Create the units (parents first) and an account named after each unit that has none."""
    rows = []
    for name, parent in units:
        unit = get_or_create_unit(db, name, parent or None)
        if db.scalar(select(Account).where(Account.unit_id == unit.id)) is not None:
            rows.append([name, parent or "", "", ""])  # already has an account: nothing new to hand out
            continue
        password = new_password()
        try:
            add_account(db, name[:64], password, unit_name=name)
        except (AccountError, SpDocsError):
            rows.append([name, parent or "", "", ""])
            continue
        rows.append([name, parent or "", name[:64], password])
    return rows


@router.get("/admin/audit")
async def audit_log(request: Request):
    with services(request).db.session() as db:
        require_admin(request, db)
        entries = list(db.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(500)))
        return render(request, "audit.html", entries=entries)
