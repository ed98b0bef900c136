"""What a job does: take its inputs from the database, call the same ``jobs/``
function the CLI calls, file every written file in the store.  A job's files
are registered only when it has finished, so no half-written file is offered."""
from __future__ import annotations

import io
import json
import logging
import shutil
import subprocess
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..errors import SpDocsError
from ..output import safe_filename
from .models import Job, StoredFile, Unit, Upload, utcnow

log = logging.getLogger("sp_docs.web")

KIND_TITLES = {"annex2": "附件2 实施情况汇总表", "annex1": "附件1 三年实施计划指导性任务表",
               "ledgers": "附件3 培养台账", "mentors": "结对帮带名单", "plan": "实施方案",
               "certificates": "荣誉证书", "rollup": "全市汇总表", "report": "统计报告",
               "city_annex1": "附件1（含计划缺口）"}


@dataclass
class TaskContext:
    unit: str
    params: dict
    outdir: Path
    workbook: Path | None
    progress: "WebReporter"
    messages: list[str] = field(default_factory=list)
    previews: list[Path] = field(default_factory=list)
    inputs: dict[str, Path] = field(default_factory=dict)  # other stored inputs (an award list)


def _annex2(ctx: TaskContext) -> list[Path]:
    from ..jobs.annex2 import annex2

    written, view = annex2(ctx.workbook, ctx.unit, ctx.outdir, year=ctx.params.get("year"))
    ctx.messages.append(f"{view.unit_name} {view.year}年：{len(view.rows)} 人")
    ctx.messages += view.warnings
    return written


def _annex1(ctx: TaskContext) -> list[Path]:
    from ..jobs.annex1 import annex1

    written, view = annex1(ctx.workbook, ctx.outdir, unit=ctx.unit, by_year=True)
    ctx.messages += getattr(view, "warnings", []) or []
    return written


def _mentors(ctx: TaskContext) -> list[Path]:
    from ..jobs.mentors import mentors

    written, view = mentors(ctx.workbook, ctx.unit, ctx.outdir)
    ctx.messages.append(f"结对 {len(view.pairs)} 对")
    return written


def _ledgers(ctx: TaskContext) -> list[Path]:
    from ..jobs.ledgers import ledgers

    batch = ledgers(ctx.workbook, ctx.outdir, unit=ctx.unit, formats=("pdf", "docx"), jobs=1,
                    trainee=ctx.params.get("trainee") or None, progress=ctx.progress)
    ctx.messages.append(batch.summary().replace("（加 --force 覆盖）", ""))
    ctx.messages += [f"失败：{name}：{message}" for name, message in batch.result.failed]
    return batch.result.written


def _plan(ctx: TaskContext) -> list[Path]:
    from ..jobs.plan import plan
    from ..questionnaire.answers import complete, dump_yaml

    answers = complete(ctx.params["answers"], "网页问卷")
    answers_file = ctx.outdir / "answers.yaml"
    answers_file.write_text(dump_yaml(answers), encoding="utf-8")
    data_file = ctx.workbook if ctx.workbook and _has_unit(ctx.workbook, answers["school_name"]) else None
    if ctx.workbook and data_file is None:
        ctx.messages.append(f"当前数据工作簿中没有单位“{answers['school_name']}”，附件1、附件2 按答卷填写"
                            "（要用数据填写，请让“学校（单位）全称”与工作簿“单位”表中的名称一致）")
    written, view = plan(answers_file, ctx.outdir / "out", data_file=data_file)
    ctx.messages += view.warnings
    ctx.progress.start(1, "页面预览")
    preview_pdf(ctx, written)
    ctx.progress.advance(1)
    return written


def _certificates(ctx: TaskContext) -> list[Path]:
    import yaml

    from ..jobs.certificates import certificates

    settings_file = ctx.outdir / "settings.yaml"
    settings_file.write_text(yaml.safe_dump(ctx.params["settings"], allow_unicode=True), encoding="utf-8")
    # the files are named after the list: a copy under the user's (safe) name, never the store's
    name = Path(safe_filename(ctx.params.get("list_name") or "名单.xlsx")).stem or "名单"
    list_copy = ctx.outdir / "list" / f"{name}.xlsx"
    list_copy.parent.mkdir()
    shutil.copyfile(ctx.inputs["list"], list_copy)
    outcome = certificates(list_copy, ctx.outdir / "out", settings_path=settings_file,
                           formats=["pdf", "docx"], per_person=bool(ctx.params.get("per_person")), workers=1,
                           progress=ctx.progress)
    failures = outcome.batch.failures
    ctx.messages.append(outcome.summary().replace("（见上方说明）", "（见下）"))
    ctx.messages += [f.describe() for f in failures] + outcome.warnings
    if not outcome.rendered:
        raise SpDocsError("名单中没有可用的行，未生成证书：" + "；".join(f.describe() for f in failures[:5]))
    preview_pdf(ctx, outcome.combined, last=3)
    return outcome.result.written


def _rollup(ctx: TaskContext) -> list[Path]:
    """The submitted returns of the year → the city workbook (``sp-docs merge``)."""
    from ..jobs.merge import merge

    year = ctx.params["year"]
    folder = ctx.outdir / "returns"
    folder.mkdir()
    paths = []
    for unit, path in ctx.params["returns"]:
        target = folder / f"{safe_filename(f'附件2_实施情况汇总表_{unit}_{year}')}.xlsx"
        shutil.copyfile(ctx.inputs[path], target)
        paths.append(target)
    if not paths:
        raise SpDocsError(f"{year}年还没有单位报送，无法汇总")
    # the overseer's data, when it has some, gives the unit list and the plans (计划对比)
    path, rolled, comparison = merge(paths, ctx.outdir / "out" / f"全市汇总表_{year}.xlsx", plan=ctx.workbook)
    ctx.messages.append(rolled.summary())
    if comparison is not None:
        ctx.messages.append(f"计划对比 {len(comparison)} 行，其中未完成计划 {sum(1 for p in comparison if p.short)} 行"
                            "（计划来自报送页所列的数据工作簿）")
    return [path]


def _rules_copy(ctx: TaskContext) -> Path | None:
    """The overseer's rule settings kept in the job's inputs (YAML text), as a file."""
    if not ctx.params.get("rules_yaml"):
        return None
    path = ctx.outdir / "rules" / "规则设置.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(ctx.params["rules_yaml"], encoding="utf-8")
    return path


def _report(ctx: TaskContext) -> list[Path]:
    """统计报告 (``sp-docs report``) of the overseer's data, with its pages as previews."""
    from ..jobs.report import report

    rules = _rules_copy(ctx)
    ctx.progress.start(2, "统计报告")
    written, view = report(ctx.workbook, ctx.params.get("scope") or None, ctx.outdir / "out", rules_file=rules)
    ctx.messages.append(f"{view.title}（截至 {view.as_of}）")
    ctx.progress.advance(1)
    preview_pdf(ctx, written)
    ctx.progress.advance(1)
    return written


def _city_annex1(ctx: TaskContext) -> list[Path]:
    """附件1 of the overseer's data compared with the yearly minimum of its rule settings."""
    from ..jobs.annex1 import annex1, read_minimum

    minimum = read_minimum(_rules_copy(ctx))
    written, view = annex1(ctx.workbook, ctx.outdir / "out", unit=ctx.params.get("scope") or None, by_year=True,
                           minimum=minimum)
    if not minimum:
        ctx.messages.append("规则设置中没有“plan_minimum”（每年最低数），未对照最低数；请在报送页上传规则设置")
    else:
        ctx.messages.append("每年最低数：" + "，".join(f"{'骨干教师培养成党员' if k == 'to_member' else '党员教师培养成骨干'} "
                                                f"{v} 人" for k, v in minimum.items()))
        ctx.messages += view.shortfall_lines or ["各年度计划均达到最低数，没有计划缺口。"]
    ctx.messages += getattr(view, "warnings", []) or []
    return written


def _has_unit(workbook: Path, name: str) -> bool:
    from ..jobs import load_valid

    data, _ = load_valid(workbook)
    return data.unit(name) is not None


def preview_pdf(ctx: TaskContext, paths: list[Path], last: int | None = None) -> None:
    """The pages of the PDF among ``paths`` (up to ``last``) as the job's preview images."""
    for path in paths:
        if path.suffix == ".pdf":
            ctx.previews = page_images(path, ctx.outdir / "preview", last=last)


def page_images(pdf: Path, folder: Path, dpi: int = 60, last: int | None = None) -> list[Path]:
    """The pages of ``pdf`` (up to ``last``) as PNGs (poppler's pdftoppm), for the preview."""
    folder.mkdir(parents=True, exist_ok=True)
    pages = ["-l", str(last)] if last else []
    try:
        subprocess.run(["pdftoppm", "-r", str(dpi), *pages, "-png", str(pdf), str(folder / "page")],
                       check=True, capture_output=True, timeout=120)
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("preview failed: %s", exc)
        return []
    return sorted(folder.glob("page*.png"), key=lambda p: int(p.stem.split("-")[-1]))


KINDS: dict[str, Callable[[TaskContext], list[Path]]] = {
    "annex2": _annex2, "annex1": _annex1, "mentors": _mentors, "ledgers": _ledgers, "plan": _plan,
    "certificates": _certificates, "rollup": _rollup, "report": _report, "city_annex1": _city_annex1}


class Worker:
    """Runs one job by id (what any runner calls).  The job is claimed first (queued →
    running in one ``UPDATE … WHERE status='queued'``), so a job handed over twice runs
    once; its files and the status 已完成 are written in one transaction at the end."""

    def __init__(self, db, store, settings):
        self.db, self.store, self.settings = db, store, settings

    def claim(self, job_id: int) -> bool:
        from sqlalchemy import update

        with self.db.session() as s:
            claimed = s.execute(update(Job).where(Job.id == job_id, Job.status == "queued")
                                .values(status="running", started_at=utcnow()))
            return claimed.rowcount == 1

    def __call__(self, job_id: int) -> None:
        if not self.claim(job_id):
            return
        with self.db.session() as s:
            job = s.get(Job, job_id)
            unit = s.get(Unit, job.unit_id).name if job.unit_id else ""
            params = json.loads(job.params)
            upload = s.get(Upload, params["upload_id"]) if params.get("upload_id") else None
            workbook = self.store.path(upload.stored_name) if upload else None
            shown_name = upload.original_name if upload else ""
            public = job.public_id
        outdir = self.settings.work_dir / public
        shutil.rmtree(outdir, ignore_errors=True)
        outdir.mkdir(parents=True)
        ctx = TaskContext(unit, params, outdir, workbook, self._progress(job_id))
        names = {str(workbook): shown_name or "数据工作簿"} if workbook else {}
        for _unit, stored in params.get("returns", []):
            ctx.inputs[stored] = self.store.path(stored)
        if params.get("list_stored"):
            ctx.inputs["list"] = self.store.path(params["list_stored"])
            names[str(ctx.inputs["list"])] = params.get("list_name") or "名单"
            names[str(outdir / "list") + "/"] = ""
        try:
            self._run(job_id, ctx, names)
        finally:
            shutil.rmtree(outdir, ignore_errors=True)

    def _run(self, job_id: int, ctx: TaskContext, names: dict[str, str]) -> None:
        try:
            written = KINDS[ctx.params["kind"]](ctx)
        except SpDocsError as exc:
            self._finish(job_id, "failed", _clean(str(exc), names, ctx.outdir))
        except MemoryError:  # over the worker's memory cap: say so; the worker process ends after it
            self._finish(job_id, "failed", MEMORY_MESSAGE.format(mb=self.settings.job_memory_mb))
            raise
        except Exception as exc:  # noqa: BLE001 - the page says so; the log has the details
            log.exception("job %s failed", job_id)
            self._finish(job_id, "failed", f"内部错误：{type(exc).__name__}。请把这条信息和所用文件报告给维护人员。")
        else:
            messages = ctx.messages + ctx.progress.notices
            self._finish(job_id, "done", _clean("\n".join(messages), names, ctx.outdir), ctx, written)

    def _progress(self, job_id: int) -> "WebReporter":
        return WebReporter(self.db, job_id)

    def _file_results(self, s, job: Job, ctx: TaskContext, written: list[Path]) -> None:
        documents = [p for p in written if p.is_file()]
        for path in documents:
            self._add(s, job, path.name, path.read_bytes(), "document")
        if len(documents) > 1:
            self._add(s, job, safe_filename(job.title.replace(" ", "_")) + "_全部文件.zip", zip_files(documents), "zip")
        for number, path in enumerate(ctx.previews, start=1):
            self._add(s, job, f"第{number}页.png", path.read_bytes(), "preview")

    def _add(self, s, job: Job, name: str, data: bytes, role: str) -> None:
        stored = self.store.save_bytes(data, Path(name).suffix)
        s.add(StoredFile(unit_id=job.unit_id, job=job, role=role, name=name, stored_name=stored, size=len(data)))

    def _finish(self, job_id: int, status: str, message: str, ctx: TaskContext | None = None,
                written: list[Path] | None = None) -> None:
        """The end of a job, in one transaction: a job killed before it commits has no
        file and stays 进行中 (then 已中断); one that commits is 已完成 with all its files."""
        with self.db.session() as s:
            job = s.get(Job, job_id)
            if ctx is not None:
                self._file_results(s, job, ctx, written or [])
            job.status, job.message, job.finished_at = status, message, utcnow()
            if status == "done":
                job.done = job.total = max(job.total, 1)


class WebReporter:
    """A ``jobs.progress.Reporter`` that keeps the job's stage and count in its
    database row (at most a few writes a second), where the page polls them."""

    def __init__(self, db, job_id: int):
        self.db, self.job_id = db, job_id
        self.stage, self.done, self.total = "", 0, 0
        self.notices: list[str] = []
        self._last = 0.0

    def start(self, total: int, label: str) -> None:
        self.stage, self.done, self.total = label, 0, total
        self._save(force=True)

    def advance(self, n: int = 1) -> None:
        self.done += n
        self._save(force=self.done >= self.total)

    def notice(self, text: str) -> None:
        self.notices.append(text)

    def _save(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < 0.3:
            return
        self._last = now
        with self.db.session() as s:
            job = s.get(Job, self.job_id)
            job.stage, job.done, job.total = self.stage[:100], self.done, self.total


def zip_files(paths: list[Path]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        seen: set[str] = set()
        for path in paths:
            name = path.name
            while name in seen:
                name = "_" + name
            seen.add(name)
            archive.write(path, name)
    return buffer.getvalue()


def _clean(text: str, names: dict[str, str], outdir: Path) -> str:
    """Messages name the user's own files, never the store's or the work folder's paths."""
    for path, shown in names.items():
        text = text.replace(path, shown)
    return text.replace(str(outdir) + "/", "").replace(str(outdir), "")


MEMORY_MESSAGE = ("生成占用的内存超过上限（{mb} MB），已停止，没有生成文件。请分批生成（如按单位或按人），"
                  "或请管理员用 sp-docs serve --job-memory 调高上限。")
LOST_MESSAGES = {
    "stopped": "服务停止时该任务尚未完成，没有生成文件。请点击“重新生成”。",
    "crashed": "生成该任务的工作进程意外停止（可能是内存不足或被系统终止），没有生成文件。请点击“重新生成”；"
               "如果再次发生，请把这条信息和所用文件报告给维护人员。",
    "timeout": "生成时间超过上限（{minutes} 分钟），已停止，没有生成文件。请分批生成（如按单位或按人），"
               "或请管理员用 sp-docs serve --job-minutes 调高上限。",
}


def mark_lost(db, settings, job_id: int, reason: str) -> str:
    """A running job whose worker stopped (``reason`` in LOST_MESSAGES): 已中断 — or 失败
    for a timeout — with its inputs kept for 重新生成; its work folder is removed.
    Returns the job's status (``queued``: it had not started)."""
    with db.session() as s:
        job = s.get(Job, job_id)
        if job is None:
            return ""
        if job.status == "running":
            job.status = "failed" if reason == "timeout" else "interrupted"
            job.message = LOST_MESSAGES[reason].format(minutes=max(1, round(settings.job_seconds / 60)))
            job.finished_at = utcnow()
            shutil.rmtree(settings.work_dir / job.public_id, ignore_errors=True)
        return job.status


def queued_ahead(db, job: Job) -> int:
    """How many jobs wait before ``job`` (0 unless it is queued): the queue is first come, first served."""
    from sqlalchemy import func, select

    if job.status != "queued":
        return 0
    return db.scalar(select(func.count()).select_from(Job).where(Job.status == "queued", Job.id < job.id)) or 0


def interrupted_on_start(db, work_dir: Path | None = None) -> list[int]:
    """At start: jobs left running by a stopped service are marked interrupted (their
    half-made work folders removed); queued ones are returned to be submitted again."""
    from sqlalchemy import select

    with db.session() as s:
        for job in s.scalars(select(Job).where(Job.status == "running")):
            job.status, job.finished_at = "interrupted", utcnow()
            job.message = LOST_MESSAGES["stopped"]
            if work_dir is not None:
                shutil.rmtree(work_dir / job.public_id, ignore_errors=True)
        return list(s.scalars(select(Job.id).where(Job.status == "queued").order_by(Job.id)))
