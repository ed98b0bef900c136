"""The JSON API under /api/ for the bureau's other systems (OpenAPI at /api/openapi.json).

Every request carries ``Authorization: Bearer <token>`` (a token per account, see
``auth.create_api_token``); no cookies, hence no CSRF.  The API calls the same functions
as the pages (record_upload, start_job + the runner, record_submission) and sees exactly
what the account sees on the pages: another unit's object answers 404, a bureau-only
endpoint 403."""
from __future__ import annotations

import json

from fastapi import APIRouter, Depends, File, UploadFile
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
from .routes_submissions import STATUS, latest, overseen_units, record_submission
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
    try:
        item = await record_submission(who.svc, who.db, who.account, upload, body.year, who.address, VIA)
    except SpDocsError as exc:
        raise ApiError(400, f"未能报送：{exc}") from exc
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
    rows = []
    for unit in _overseen(who):
        item = latest(who.db, unit.id, year)
        rows.append({"unit": unit.name, "status": item.status if item else "none",
                     "status_label": STATUS[item.status] if item else "未报送",
                     "submission": _submission_json(item) if item else None})
    return {"year": year, "units": rows}


@router.post("/rollup", summary="生成全市汇总表（上级单位、管理员）", status_code=202)
async def rollup(body: RollupRequest, who: Caller = Depends(caller)):
    units = _overseen(who)
    returns = [(unit.name, sub.file.stored_name) for unit in units
               if (sub := latest(who.db, unit.id, body.year)) is not None and sub.status == "submitted"]
    if not returns:
        raise ApiError(409, f"{body.year}年还没有单位报送，暂时无法生成全市汇总表。")
    job = start_job(who.request, who.db, who.account, "rollup", {"year": body.year, "returns": returns}, via=VIA)
    result = _job_json(job)
    who.db.commit()
    who.svc.runner.submit(job.id)
    return result


@router.get("/openapi.json", include_in_schema=False)
async def openapi(request: Request):
    """The API's own OpenAPI document (the HTML pages are not part of it)."""
    app = request.app
    if not hasattr(app.state, "api_schema"):
        schema = get_openapi(title="sp-docs API", version="1", routes=router.routes,
                             description="双培文档服务的 JSON 接口。每个请求带 Authorization: Bearer <令牌>。")
        app.state.api_schema = schema
    return JSONResponse(app.state.api_schema)
