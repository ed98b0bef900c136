"""荣誉证书: an uploaded award list + the settings as a form → certificates (PDF, DOCX)
through jobs.certificates, with the first pages previewed."""
from __future__ import annotations

import datetime as dt

from fastapi import APIRouter
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse

from .common import NotFound, posted_form, render, require_login, services
from .design_previews import design_preview
from .routes_documents import recent_jobs, start_job
from .routes_unit import clean_original_name

router = APIRouter()
DESIGNS = (("正式", "正式：红色边框、国徽式标题"), ("简洁", "简洁：细线边框"), ("套打", "套打：只印文字，用于已印好的证书纸"))
PAGES = ("A4横向", "A4")


def _page(request, db, account, values: dict, error: str = "", status_code: int = 200):
    return render(request, "certificates.html", status_code=status_code, values=values, error=error,
                  designs=DESIGNS, pages=PAGES, jobs=recent_jobs(db, account, ("certificates",), limit=10),
                  max_mb=services(request).settings.max_upload // (1024 * 1024))


def _defaults(account) -> dict:
    issuer = account.unit.name if account.unit else ""  # the admin: a city list, issuer typed in
    return {"issuer": issuer, "date": dt.date.today().isoformat(), "year": "", "prefix": "", "design": "正式",
            "paper": "A4横向"}


@router.get("/certificates")
async def certificates_page(request: Request):
    with services(request).db.session() as db:
        _row, account = require_login(request, db)  # the admin too: certificates for a whole city list
        return _page(request, db, account, _defaults(account))


def settings_from(form) -> tuple[dict, dict]:
    """The form → (the values to show again, a settings mapping as the settings YAML has it)."""
    values = {key: str(form.get(key) or "").strip()[:200] for key in ("issuer", "date", "year", "prefix", "design",
                                                                       "paper")}
    settings = {"颁发单位": values["issuer"], "颁发日期": values["date"] or None, "设计": values["design"] or "正式",
                "纸张": values["paper"] or "A4横向"}
    if values["year"]:
        settings["表彰年度"] = values["year"]
    if values["prefix"]:
        settings["证书编号"] = {"前缀": values["prefix"], "格式": "{前缀}〔{年份}〕{序号}号", "位数": 3}
    return values, {k: v for k, v in settings.items() if v is not None}


@router.get("/certificates/designs/{index}.png")
def design_image(request: Request, index: int, paper: str = PAGES[0]):
    """A sample certificate of design number ``index`` (made once, then kept)."""
    with services(request).db.session() as db:
        require_login(request, db)
    if not 0 <= index < len(DESIGNS) or paper not in PAGES:
        raise NotFound()
    image = design_preview(services(request).settings.work_dir, DESIGNS[index][0], paper, index)
    if image is None:
        raise NotFound()
    return FileResponse(image, media_type="image/png", headers={"Cache-Control": "private, max-age=86400"})


@router.post("/certificates")
async def create(request: Request):
    svc = services(request)
    with svc.db.session() as db:
        row, account, form = await posted_form(request, db)
        values, settings = settings_from(form)
        values["per_person"] = form.get("per_person") == "1"
        if values["design"] not in {d for d, _ in DESIGNS} or values["paper"] not in PAGES:
            return _page(request, db, account, values, "请从列表中选择“设计”和“纸张”。", 400)
        item = form.get("award_list")
        if not isinstance(item, UploadFile) or not item.filename:
            return _page(request, db, account, values, "请先在“表彰名单”中选择名单文件（.xlsx），再点“生成荣誉证书”。", 400)
        content = await item.read(svc.settings.max_upload + 1)
        if len(content) > svc.settings.max_upload:
            return _page(request, db, account, values, f"名单文件太大：不能超过 {svc.settings.max_upload // (1024 * 1024)} MB。", 413)
        stored = svc.store.save_bytes(content, "xlsx")  # checked like every workbook when the job reads it
        job = start_job(request, db, account, "certificates",
                        {"settings": settings, "list_stored": stored, "list_name": clean_original_name(item.filename),
                         "per_person": form.get("per_person") == "1"})
        job_id, public = job.id, job.public_id
    svc.runner.submit(job_id)
    return RedirectResponse(f"/jobs/{public}", status_code=303)
