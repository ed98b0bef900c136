"""The JSON API under /api/ for the bureau's other systems (OpenAPI at /api/openapi.json).

Every request carries ``Authorization: Bearer <token>`` (a token per account, see
``auth.create_api_token``); no cookies, hence no CSRF.  The API calls the same functions
as the pages (record_upload, start_job + the runner, record_submission) and sees exactly
what the account sees on the pages: another unit's object answers 404, a bureau-only
endpoint 403."""
from __future__ import annotations

import json

from fastapi import APIRouter, Depends, File, Form, UploadFile
from fastapi.openapi.utils import get_openapi
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import JSONResponse

from .accounts import can_see, visible_unit_ids
from .auth import audit, find_api_account
from .common import MEDIA_TYPES, client_address, download, services
from .models import Job, StoredFile, Submission, Unit
from .routes_documents import DOCUMENT_KINDS, start_job
from .routes_submissions import (STATUS, clean_comment, latest, overseen_units, record_own_return, record_submission,
                                 return_submission, set_year_closed, withdraw_submission)
from .routes_unit import clean_original_name, current_upload, record_upload, visible_filter

router = APIRouter(prefix="/api", tags=["api"])
bearer = HTTPBearer(auto_error=False, description="在“API 令牌”页或用 sp-docs accounts token 创建的令牌")
VIA = "（API）"


class ApiError(Exception):
    """An API refusal: answered as ``{"detail": message}`` with ``status``."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def api_error_response(_request, exc: ApiError) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    return JSONResponse({"detail": exc.message}, status_code=exc.status, headers=headers)


def _not_found() -> ApiError:
    return ApiError(404, "找不到这个对象，或者它不属于您的单位。")


class Caller:
    """The database session and the account a valid token belongs to."""

    def __init__(self, request: Request, db, account):
        self.request, self.db, self.account = request, db, account
        self.svc = services(request)

    @property
    def address(self) -> str:
        return client_address(self.request)


def caller(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)):
    svc = services(request)
    with svc.db.session() as db:
        account = find_api_account(db, credentials.credentials if credentials else None)
        if account is None:
            raise ApiError(401, "缺少或无效的 API 令牌：请在请求头中加入 Authorization: Bearer <令牌>。")
        yield Caller(request, db, account)


def _unit_account(who: Caller) -> None:
    if who.account.unit_id is None:
        raise ApiError(403, "管理员账号不属于任何单位，不能上传数据、生成单位文档或报送；请用单位账号的令牌。")


class GenerateRequest(BaseModel):
    year: int | None = Field(None, ge=2000, le=2100, description="附件2 的年度（annex2 必填）")
    trainee: str = Field("", max_length=100, description="培养台账：只生成这一人（空为全部）")


class SubmitRequest(BaseModel):
    year: int = Field(..., ge=2000, le=2100, description="报送的年度")


class RollupRequest(BaseModel):
    year: int = Field(..., ge=2000, le=2100, description="汇总的年度")


def _file_json(item: StoredFile) -> dict:
    return {"id": item.public_id, "name": item.name, "size": item.size, "url": f"/api/files/{item.public_id}"}


def _job_json(job: Job) -> dict:
    return {"id": job.public_id, "kind": job.kind, "title": job.title, "status": job.status, "stage": job.stage,
            "done": job.done, "total": job.total, "messages": [m for m in job.message.split("\n") if m],
            "files": [_file_json(f) for f in job.files if f.role != "preview"], "url": f"/api/jobs/{job.public_id}"}


def _submission_json(item: Submission) -> dict:
    return {"id": item.public_id, "unit": item.unit.name, "year": item.year, "status": item.status,
            "status_label": STATUS[item.status], "rows": item.rows, "account": item.account.username,
            "source": item.source,
            "created_at": item.created_at.isoformat(), "comment": item.comment, "decided_by": item.decided_by,
            "file": _file_json(item.file)}


@router.post("/check", summary="上传并检查数据工作簿", status_code=201)
async def check(workbook: UploadFile = File(..., description="填好的数据工作簿 .xlsx"), who: Caller = Depends(caller)):
    """Stores the workbook as the unit's upload (as the 数据 page does) and returns every problem;
    a workbook without errors becomes the unit's current data."""
    _unit_account(who)
    limit = who.svc.settings.max_upload
    content = await workbook.read(limit + 1)
    if len(content) > limit:
        raise ApiError(413, f"文件太大：不能超过 {limit // (1024 * 1024)} MB。")
    record = await record_upload(who.svc, who.db, who.account, content, clean_original_name(workbook.filename or ""),
                                 who.address, VIA)
    return {"id": record.public_id, "name": record.original_name, "valid": record.valid, "errors": record.errors,
            "warnings": record.warnings, "summary": record.summary, "problems": json.loads(record.problems)}


@router.post("/documents/{kind}", summary="生成文档（作业）", status_code=202)
async def generate(kind: str, body: GenerateRequest, who: Caller = Depends(caller)):
    """Starts a job for ``kind`` (annex2 附件2, annex1 附件1, ledgers 培养台账, mentors 结对帮带名单)
    from the unit's current data; poll ``/api/jobs/{id}`` until it is done."""
    if kind not in DOCUMENT_KINDS:
        raise ApiError(404, f"没有这种文档：{kind}（可选 {', '.join(DOCUMENT_KINDS)}）")
    _unit_account(who)
    upload = current_upload(who.db, who.account.unit_id)
    if upload is None:
        raise ApiError(409, "还没有可用的数据：请先用 /api/check 上传检查没有错误的数据工作簿。")
    params: dict = {}
    if kind == "annex2":
        if body.year is None:
            raise ApiError(400, "生成附件2 需要年度：请求体中写 {\"year\": 2025}。")
        params["year"] = body.year
    if kind == "ledgers":
        params["trainee"] = body.trainee
    job = start_job(who.request, who.db, who.account, kind, params, upload, VIA)
    result = _job_json(job)
    who.db.commit()
    who.svc.runner.submit(job.id)
    return result


def _visible_job(who: Caller, public: str) -> Job:
    job = who.db.scalar(select(Job).where(Job.public_id == public))
    if job is None or not can_see(who.db, who.account, job.unit_id):
        raise _not_found()
    return job


@router.get("/jobs/{public}", summary="作业的状态和文件")
async def job_status(public: str, who: Caller = Depends(caller)):
    """status: queued 排队中 / running 进行中 / done 已完成 / failed 失败 / interrupted 已中断."""
    return _job_json(_visible_job(who, public))


@router.get("/files/{public}", summary="下载文件", response_class=JSONResponse,
            responses={200: {"description": "文件内容（附件）", "content": {"application/octet-stream": {}}}})
async def get_file(public: str, who: Caller = Depends(caller)):
    item = who.db.scalar(select(StoredFile).where(StoredFile.public_id == public))
    if item is None or not can_see(who.db, who.account, item.unit_id):
        raise _not_found()
    audit(who.db, who.account, "下载", item.name + VIA, who.address)
    suffix = "." + item.name.rsplit(".", 1)[-1].lower()
    return download(who.svc.store.path(item.stored_name).read_bytes(), item.name,
                    MEDIA_TYPES.get(suffix, "application/octet-stream"))


@router.post("/submissions", summary="报送附件2", status_code=201)
async def submit(body: SubmitRequest, who: Caller = Depends(caller)):
    """Submits the unit's 附件2 for ``year`` made from its current data (as the 报送 button)."""
    from ..errors import SpDocsError

    _unit_account(who)
    upload = current_upload(who.db, who.account.unit_id)
    if upload is None:
        raise ApiError(409, "还没有可用的数据：请先用 /api/check 上传检查没有错误的数据工作簿。")
    previous = latest(who.db, who.account.unit_id, body.year)
    if previous is not None and previous.status == "submitted":
        raise ApiError(409, f"{body.year}年已经报送；要重新报送请先在“报送”页撤回。")
    from .bureau import Refused

    try:
        item = await record_submission(who.svc, who.db, who.account, upload, body.year, who.address, VIA)
    except SpDocsError as exc:
        raise ApiError(400, f"未能报送：{exc}") from exc
    except Refused as exc:
        raise _refused(exc) from None
    return _submission_json(item)


@router.get("/submissions", summary="报送记录")
async def list_submissions(year: int | None = None, who: Caller = Depends(caller)):
    """Every submission record the account may see (its unit and sub-units; admin all), newest first."""
    query = select(Submission).where(visible_filter(Submission.unit_id, visible_unit_ids(who.db, who.account)))
    if year is not None:
        query = query.where(Submission.year == year)
    return {"submissions": [_submission_json(s) for s in who.db.scalars(query.order_by(Submission.id.desc()).limit(500))]}


def _overseen(who: Caller) -> list[Unit]:
    units = overseen_units(who.db, who.account)
    if not units:
        raise ApiError(403, "只有管理员和有下属单位的上级单位可以查看报送情况、生成汇总表。")
    return units


@router.get("/submissions/board", summary="报送情况（上级单位、管理员）")
async def board(year: int, who: Caller = Depends(caller)):
    from .bureau import closure_for, own_closure

    rows = []
    for unit in _overseen(who):
        item = latest(who.db, unit.id, year)
        rows.append({"unit": unit.name, "status": item.status if item else "none",
                     "status_label": STATUS[item.status] if item else "未报送",
                     "closed": closure_for(who.db, unit.id, year) is not None,
                     "submission": _submission_json(item) if item else None})
    return {"year": year, "closed": own_closure(who.db, who.account, year) is not None, "units": rows}


@router.post("/rollup", summary="生成全市汇总表（上级单位、管理员）", status_code=202)
async def rollup(body: RollupRequest, who: Caller = Depends(caller)):
    units = _overseen(who)
    returns = [(unit.name, sub.file.stored_name) for unit in units
               if (sub := latest(who.db, unit.id, body.year)) is not None and sub.status == "submitted"]
    if not returns:
        raise ApiError(409, f"{body.year}年还没有单位报送，暂时无法生成全市汇总表。")
    from .bureau import overseer_upload

    job = start_job(who.request, who.db, who.account, "rollup", {"year": body.year, "returns": returns},
                    overseer_upload(who.db, who.account), VIA)
    result = _job_json(job)
    who.db.commit()
    who.svc.runner.submit(job.id)
    return result


class ReturnRequest(BaseModel):
    comment: str = Field(..., max_length=500, description="退回意见（必填）")


def _visible_submission(who: Caller, public: str) -> Submission:
    item = who.db.scalar(select(Submission).where(Submission.public_id == public))
    if item is None or not can_see(who.db, who.account, item.unit_id):
        raise _not_found()
    return item


def _refused(exc) -> ApiError:
    return ApiError(exc.status, exc.message)


@router.post("/submissions/{public}/withdraw", summary="撤回报送", status_code=201)
async def withdraw(public: str, who: Caller = Depends(caller)):
    """Withdraws the unit's newest submission (only the submitting unit; not when the year is closed)."""
    from .bureau import Refused, require_open

    item = _visible_submission(who, public)
    if item.unit_id != who.account.unit_id:
        raise ApiError(403, "只有报送单位自己可以撤回报送。")
    if item.status != "submitted" or latest(who.db, item.unit_id, item.year) is not item:
        raise ApiError(409, "这份报送已撤回或已退回，不能再撤回（只能撤回最新的一次报送）。")
    try:
        require_open(who.db, item.unit_id, item.year)
    except Refused as exc:
        raise _refused(exc) from None
    withdrawn = withdraw_submission(who.db, who.account, item)
    audit(who.db, who.account, "撤回报送", f"{item.year}年附件2{VIA}", who.address)
    return _submission_json(withdrawn)


@router.post("/submissions/{public}/return", summary="退回报送（上级单位、管理员）", status_code=201)
async def send_back(public: str, body: ReturnRequest, who: Caller = Depends(caller)):
    """Returns a sub-unit's submission with a comment; the unit sees it as 已退回."""
    from .bureau import Refused

    item = _visible_submission(who, public)
    if item.unit_id not in {u.id for u in overseen_units(who.db, who.account)}:
        raise ApiError(403, "只有管理员和上级单位可以退回报送（单位不能退回自己的报送）。")
    comment = clean_comment(body.comment)
    if not comment:
        raise ApiError(400, "退回时请在 comment 中写明需要修改的地方。")
    try:
        returned = return_submission(who.db, who.account, item, comment)
    except Refused as exc:
        raise _refused(exc) from None
    audit(who.db, who.account, "退回报送", f"{item.unit.name} {item.year}年：{comment}{VIA}", who.address)
    return _submission_json(returned)


@router.post("/submissions/upload", summary="上传自填的附件2 并报送", status_code=201,
             responses={400: {"description": "工作簿不能用作附件2：detail 和 problems（工作表、行、问题）"}})
async def upload_own(year: int = Form(..., ge=2000, le=2100, description="报送的年度"),
                     annex2: UploadFile = File(..., description="本单位填好的附件2 .xlsx"),
                     who: Caller = Depends(caller)):
    """A unit's own filled 附件2 workbook instead of the generated one: read as ``sp-docs merge``
    reads returns; the exact file is kept and used by the roll-up."""
    from .bureau import Refused
    from .routes_unit import clean_original_name

    _unit_account(who)
    content = await annex2.read(who.svc.settings.max_upload + 1)
    name = clean_original_name(annex2.filename or "")
    try:
        outcome = await record_own_return(who.svc, who.db, who.account, content, name, year, who.address, VIA)
    except Refused as exc:
        raise _refused(exc) from None
    if not isinstance(outcome, Submission):
        return JSONResponse({"detail": f"“{name}”不能用作附件2，请按 problems 改正后重新上传。",
                             "problems": outcome.errors}, status_code=400)
    return _submission_json(outcome)


@router.post("/years/{year}/close", summary="关闭年度（上级单位、管理员）")
async def close_year(year: int, who: Caller = Depends(caller)):
    """After closing, the units (the admin: all; a parent unit: its sub-units) cannot submit,
    withdraw or upload a 附件2 for ``year``."""
    return _close_or_reopen(who, year, True)


@router.post("/years/{year}/reopen", summary="重新开放年度（上级单位、管理员）")
async def reopen_year(year: int, who: Caller = Depends(caller)):
    return _close_or_reopen(who, year, False)


def _close_or_reopen(who: Caller, year: int, closing: bool) -> dict:
    from .bureau import Refused

    _overseen(who)
    if not 2000 <= year <= 2100:
        raise ApiError(400, "年度应在 2000–2100 之间。")
    try:
        set_year_closed(who.db, who.account, year, closing, who.address, VIA)
    except Refused as exc:
        raise _refused(exc) from None
    return {"year": year, "closed": closing}


@router.post("/bureau/rules", summary="上传规则设置（上级单位、管理员）", status_code=201)
async def upload_rules(rules: UploadFile = File(..., description="规则设置 YAML（sp-docs rules new 生成）"),
                       who: Caller = Depends(caller)):
    """The rule settings for the findings and the 附件1 shortfalls (``plan_minimum``), checked on upload."""
    from .bureau import Refused
    from .routes_bureau import MAX_RULES, record_rules
    from .routes_unit import clean_original_name

    _overseen(who)
    try:
        item = await record_rules(who.svc, who.db, who.account, await rules.read(MAX_RULES + 1),
                                  clean_original_name(rules.filename or "规则.yaml"), who.address, VIA)
    except Refused as exc:
        raise _refused(exc) from None
    return _file_json(item)


@router.post("/bureau/{kind}", summary="统计报告、附件1（含计划缺口）（上级单位、管理员）", status_code=202)
async def dashboard_job(kind: str, who: Caller = Depends(caller)):
    """``report`` 统计报告 (PDF with charts + figures XLSX) or ``annex1`` 附件1 with the shortfalls
    against the minimum of the uploaded rule settings, from the overseer's data."""
    from .bureau import Refused
    from .routes_bureau import DASHBOARD_KINDS, start_dashboard_job

    if kind not in DASHBOARD_KINDS:
        raise ApiError(404, f"没有这种作业：{kind}（可选 {', '.join(DASHBOARD_KINDS)}）")
    _overseen(who)
    try:
        job = start_dashboard_job(who.request, who.db, who.account, kind, VIA)
    except Refused as exc:
        raise _refused(exc) from None
    return _started(who, job)


def _started(who: Caller, job: Job) -> dict:
    result = _job_json(job)
    who.db.commit()
    who.svc.runner.submit(job.id)
    return result


@router.get("/bureau/findings", summary="规则检查结果（按单位）（上级单位、管理员）")
async def findings(who: Caller = Depends(caller)):
    from .bureau import dashboard_of

    _overseen(who)
    board = await dashboard_of(who.svc, who.db, who.account)
    if board["city_upload"] is None:
        raise ApiError(409, "还没有可用的数据：没有规则检查结果。")
    if board["findings_error"]:
        raise ApiError(400, board["findings_error"])
    return {"data": board["city_upload"].original_name, "total": board["findings_total"],
            "units": [{"unit": unit, "count": count,
                       "findings": [{"rule": title, "message": f.message, "value": f.value, "required": f.required}
                                    for title, found in rules for f in found]}
                      for unit, count, rules in board["findings"]]}


@router.post("/certificates", summary="生成荣誉证书（作业）", status_code=202)
async def certificates(award_list: UploadFile = File(..., description="表彰名单 .xlsx"),
                       issuer: str = Form("", max_length=200, description="颁发单位"),
                       date: str = Form("", max_length=20, description="颁发日期，如 2025-09-10"),
                       year: str = Form("", max_length=20, description="表彰年度（可空）"),
                       prefix: str = Form("", max_length=50, description="证书编号前缀（可空）"),
                       design: str = Form("正式", description="正式 / 简洁 / 套打"),
                       paper: str = Form("A4横向", description="A4横向 / A4"),
                       who: Caller = Depends(caller)):
    """Certificates for every person of the list (PDF, DOCX, one ZIP), as on the 荣誉证书 page."""
    from .routes_certificates import DESIGNS, PAGES, settings_from
    from .routes_unit import clean_original_name

    values, settings = settings_from({"issuer": issuer, "date": date, "year": year, "prefix": prefix,
                                      "design": design, "paper": paper})
    if values["design"] not in {d for d, _ in DESIGNS} or values["paper"] not in PAGES:
        raise ApiError(400, f"design 应为 {'、'.join(d for d, _ in DESIGNS)} 之一，paper 应为 {'、'.join(PAGES)} 之一。")
    limit = who.svc.settings.max_upload
    content = await award_list.read(limit + 1)
    if len(content) > limit:
        raise ApiError(413, f"名单文件太大：不能超过 {limit // (1024 * 1024)} MB。")
    stored = who.svc.store.save_bytes(content, "xlsx")  # checked like every workbook when the job reads it
    job = start_job(who.request, who.db, who.account, "certificates",
                    {"settings": settings, "list_stored": stored,
                     "list_name": clean_original_name(award_list.filename or "")}, via=VIA)
    return _started(who, job)


@router.get("/openapi.json", include_in_schema=False)
async def openapi(request: Request):
    """The API's own OpenAPI document (the HTML pages are not part of it)."""
    app = request.app
    if not hasattr(app.state, "api_schema"):
        schema = get_openapi(title="sp-docs API", version="1", routes=router.routes,
                             description="双培文档服务的 JSON 接口。每个请求带 Authorization: Bearer <令牌>。")
        app.state.api_schema = schema
    return JSONResponse(app.state.api_schema)
