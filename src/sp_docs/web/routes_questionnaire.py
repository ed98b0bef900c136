"""问卷: the 实施方案 questionnaire as a web form, generated from the same question
schema (questions.yaml) as the YAML answers file, the terminal and the workbook;
the same defaults (``Question.default_for``) and validation (``answers.complete``)."""
from __future__ import annotations

import datetime as dt
import json

from fastapi import APIRouter
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse

from ..errors import InputError
from ..questionnaire.schema import format_value, questions
from ..sources.normalize import NormalizeError
from .common import MEDIA_TYPES, checked_form, download, render, require_login, services
from .models import Answers, utcnow
from .routes_documents import recent_jobs, start_job
from .routes_unit import current_upload

router = APIRouter()


def _shown(value, q) -> object:
    """A value as the form shows it (multi: a list of choices; dates ISO; bool 是/否)."""
    if q.type == "multi":
        if isinstance(value, (list, tuple)):
            return [str(v) for v in value]
        return [v for v in str(value or "").replace("，", "、").replace(",", "、").split("、") if v]
    if isinstance(value, dt.date):
        return value.isoformat()
    return format_value(value)


def form_fields(raw: dict, errors: dict[str, str]) -> list[dict]:
    """The applicable questions in order, each with what the form shows: the user's
    answer, else the (suggested) default computed from the answers before it."""
    parsed: dict = {}
    fields = []
    for q in questions():
        if not q.applies(parsed):
            continue
        given = raw.get(q.id)
        has = given not in (None, "", [])
        default = q.default_for(parsed)
        value = given if has else ("" if q.derived_text else default)
        try:
            parsed[q.id] = q.parse(given if has else default) if (has or default not in (None, "")) else None
        except NormalizeError:
            parsed[q.id] = default
        fields.append({"q": q, "value": _shown(value, q), "placeholder": format_value(default) if q.derived_text else "",
                       "error": errors.get(q.id, "")})
    return fields


def _raw_from_form(form, draft: dict) -> dict:
    raw = dict(draft)
    for qid in form.getlist("__shown"):
        q = next((x for x in questions() if x.id == qid), None)
        if q is None:
            continue
        if q.type == "multi":
            raw[qid] = [str(v)[:200] for v in form.getlist(qid)][:50]
        else:
            raw[qid] = str(form.get(qid) or "").strip()[:1000]
    return raw


def _draft(db, unit_id: int) -> Answers:
    row = db.scalar(select(Answers).where(Answers.unit_id == unit_id))
    if row is None:
        row = Answers(unit_id=unit_id, data="{}")
        db.add(row)
        db.flush()
    return row


def _validate(raw: dict) -> tuple[dict | None, dict[str, str]]:
    from ..questionnaire.answers import complete

    try:
        return complete(raw, "网页问卷"), {}
    except InputError as exc:
        errors: dict[str, str] = {}
        for p in exc.problems.errors:
            text = p.message + (f"（填写的是“{p.value}”）" if p.value else "") + (f"；{p.expected}" if p.expected else "")
            errors.setdefault(p.location.column or "_", text)
        return None, errors


def _page(request, db, account, raw: dict, errors: dict | None = None, saved=None, status_code: int = 200):
    fields = form_fields(raw, errors or {})
    sections: list[tuple[str, list]] = []
    for field in fields:
        if not sections or sections[-1][0] != field["q"].section:
            sections.append((field["q"].section, []))
        sections[-1][1].append(field)
    other = {k: v for k, v in (errors or {}).items() if k not in {f["q"].id for f in fields}}
    return render(request, "questionnaire.html", status_code=status_code, sections=sections, errors=errors or {},
                  other_errors=list(other.values()), saved=saved,
                  jobs=recent_jobs(db, account, ("plan",), limit=10))


def _unit_account(request, db):
    row, account = require_login(request, db)
    if account.unit_id is None:
        from .common import NotFound

        raise NotFound()
    return row, account


@router.get("/questionnaire")
async def questionnaire(request: Request):
    with services(request).db.session() as db:
        _row, account = _unit_account(request, db)
        draft = _draft(db, account.unit_id)
        return _page(request, db, account, json.loads(draft.data), saved=draft.updated_at)


@router.post("/questionnaire")
async def save(request: Request):
    svc = services(request)
    with svc.db.session() as db:
        row, account = _unit_account(request, db)
        form = await checked_form(request, row)
        draft = _draft(db, account.unit_id)
        raw = _raw_from_form(form, json.loads(draft.data))
        draft.data, draft.updated_at, draft.account_id = json.dumps(raw, ensure_ascii=False), utcnow(), account.id
        if form.get("action") != "generate":
            return RedirectResponse("/questionnaire#saved", status_code=303)
        answers, errors = _validate(raw)
        if answers is None:
            return _page(request, db, account, raw, errors, saved=draft.updated_at, status_code=400)
        upload = current_upload(db, account.unit_id)
        job = start_job(request, db, account, "plan", {"answers": raw}, upload)
        job_id, public = job.id, job.public_id
    svc.runner.submit(job_id)
    return RedirectResponse(f"/jobs/{public}", status_code=303)


@router.post("/questionnaire/autosave")
async def autosave(request: Request):
    with services(request).db.session() as db:
        row, account = _unit_account(request, db)
        form = await checked_form(request, row)
        draft = _draft(db, account.unit_id)
        raw = _raw_from_form(form, json.loads(draft.data))
        draft.data, draft.updated_at, draft.account_id = json.dumps(raw, ensure_ascii=False), utcnow(), account.id
        from .common import local_time

        return JSONResponse({"saved": local_time(draft.updated_at)})


@router.get("/questionnaire/answers.{suffix}")
async def answers_file(request: Request, suffix: str):
    from ..questionnaire.answers import dump_yaml
    from ..questionnaire.workbook import build_workbook

    with services(request).db.session() as db:
        _row, account = _unit_account(request, db)
        if suffix not in ("yaml", "xlsx"):
            from .common import NotFound

            raise NotFound()
        raw = json.loads(_draft(db, account.unit_id).data)
        answers, errors = _validate(raw)
        if answers is None:
            return _page(request, db, account, raw, errors, status_code=400)
    if suffix == "yaml":
        return download(dump_yaml(answers).encode("utf-8"), "answers.yaml", MEDIA_TYPES[".yaml"])
    return download(build_workbook(answers), "问卷答卷.xlsx", MEDIA_TYPES[".xlsx"])
