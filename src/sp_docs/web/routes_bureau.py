"""The bureau's dashboard beyond 报送情况 (admin, and a parent unit for its sub-units):
the rule settings, the rule findings as a workbook, the 统计报告 and the 附件1 with
target shortfalls as jobs.  The data they use: ``bureau.overseer_upload``."""
from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse

from ..errors import SpDocsError
from .auth import audit
from .bureau import Refused, overseer_upload, rules_file, scope_unit
from .common import MEDIA_TYPES, NotFound, client_address, download, posted_form, require_login, services
from .models import StoredFile
from .routes_documents import dataset_of, start_job
from .routes_submissions import overseen_units, refused

router = APIRouter()
DASHBOARD_KINDS = {"report": "统计报告", "annex1": "附件1（含计划缺口）"}
MAX_RULES = 256 * 1024


def start_dashboard_job(request: Request, db, account, kind: str, via: str = ""):
    """A 统计报告 (``report``) or 附件1 with shortfalls (``annex1``) job of the overseer's data."""
    svc = services(request)
    upload = overseer_upload(db, account)
    if upload is None:
        who = "本单位" if account.unit_id else "顶层单位（如市教育局自己的账号）"
        raise Refused(f"还没有可用的数据：请先由{who}在“数据”页上传检查没有错误的全市（全区）数据工作簿。")
    rules = rules_file(db, account)
    params = {"scope": scope_unit(db, account, dataset_of(svc, upload)) or ""}
    if rules is not None:
        params["rules_yaml"] = svc.store.path(rules.stored_name).read_text(encoding="utf-8")
    return start_job(request, db, account, "report" if kind == "report" else "city_annex1", params, upload, via)


@router.post("/bureau/jobs/{kind}")
async def dashboard_job(request: Request, kind: str):
    if kind not in DASHBOARD_KINDS:
        raise NotFound()
    svc = services(request)
    with svc.db.session() as db:
        row, account, _form = await posted_form(request, db)
        if not overseen_units(db, account):
            raise NotFound()
        try:
            job = start_dashboard_job(request, db, account, kind)
        except Refused as exc:
            return refused(request, exc.message, exc.status)
        job_id, public = job.id, job.public_id
    svc.runner.submit(job_id)
    return RedirectResponse(f"/jobs/{public}", status_code=303)


def check_rules_text(content: bytes, path) -> str:
    """The rule settings as text when ``check --rules`` and ``annex1`` can use them; else SpDocsError."""
    from ..jobs.annex1 import read_minimum
    from ..rules.config import load_settings

    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SpDocsError("规则设置文件应为 UTF-8 编码的 YAML（用 sp-docs rules new 生成后修改）") from None
    load_settings(path)
    read_minimum(path)
    return text


async def record_rules(svc, db, account, content: bytes, original: str, address: str, via: str = "") -> StoredFile:
    """Keep an uploaded rules YAML as the overseer's settings (Refused with the reason)."""
    if len(content) > MAX_RULES:
        raise Refused(f"规则设置文件太大：不能超过 {MAX_RULES // 1024} KB。", 413)
    stored = svc.store.save_bytes(content, "yaml")
    path = svc.store.path(stored)
    try:
        await run_in_threadpool(check_rules_text, content, path)
    except SpDocsError as exc:
        path.unlink(missing_ok=True)
        raise Refused("规则设置无法使用：" + str(exc).replace(str(path), original), 400) from None
    item = StoredFile(unit_id=account.unit_id, role="rules", name=original, stored_name=stored, size=len(content))
    db.add(item)
    db.flush()
    audit(db, account, "规则设置", f"上传 {original}{via}", address)
    return item


@router.post("/bureau/rules")
async def upload_rules(request: Request):
    from .routes_unit import clean_original_name

    svc = services(request)
    with svc.db.session() as db:
        row, account, form = await posted_form(request, db)
        if not overseen_units(db, account):
            raise NotFound()
        item = form.get("rules")
        if not isinstance(item, UploadFile) or not item.filename:
            return refused(request, "请先选择规则设置文件（.yaml），再点“上传规则设置”。", 400)
        try:
            await record_rules(svc, db, account, await item.read(MAX_RULES + 1),
                               clean_original_name(item.filename), client_address(request))
        except Refused as exc:
            return refused(request, exc.message, exc.status)
    return RedirectResponse("/submissions", status_code=303)


@router.get("/bureau/findings.xlsx")
async def findings_workbook(request: Request):
    """The rule findings of the overseer's data as ``sp-docs check --rules -o`` writes them."""
    svc = services(request)
    with svc.db.session() as db:
        _row, account = require_login(request, db)
        if not overseen_units(db, account):
            raise NotFound()
        upload, rules = overseer_upload(db, account), rules_file(db, account)
        if upload is None:
            return refused(request, "还没有可用的数据，没有规则检查结果。", 409)
        rules_path = svc.store.path(rules.stored_name) if rules else None
        scope = scope_unit(db, account, dataset_of(svc, upload))
        audit(db, account, "下载", "规则检查问题清单", client_address(request))
    data = await run_in_threadpool(_findings_bytes, svc, upload, rules_path, scope)
    return download(data, f"规则检查问题清单_{scope or '全部'}.xlsx", MEDIA_TYPES[".xlsx"])


def _findings_bytes(svc, upload, rules_path, scope: str | None) -> bytes:
    from ..jobs.rules import findings_workbook as workbook
    from ..rules.config import load_settings
    from ..rules.programme import run_rules

    data = dataset_of(svc, upload)
    report = run_rules(data, load_settings(rules_path))
    if scope:
        from ..documents.common import select_units

        names = set(select_units(data, scope))
        for result in report.results:
            result.findings = [f for f in result.findings if f.unit in names]
    return workbook(data, report)

