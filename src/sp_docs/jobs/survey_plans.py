"""实施方案 for every school of a survey-platform export (one row per school):
one plan per row, named after the school; every column that is not a question,
every question no row could answer and every bad answer reported."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..output import BatchResult, removed_note, safe_filename, tracked, unique_path, write_bytes
from . import load_valid
from .progress import Reporter, as_reporter

PLAN_FORMATS = ("docx", "pdf")


@dataclass
class SurveyBatch:
    export: object  # questionnaire.survey.SurveyExport
    result: BatchResult = field(default_factory=BatchResult)
    plans: int = 0
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (第N行（学校）, warning)
    notes: list[str] = field(default_factory=list)  # about the whole export (unmapped columns…)

    def summary(self) -> str:
        rows = len(self.export.rows)
        text = f"问卷导出表 {rows} 行：写出实施方案 {self.plans} 份"
        if self.result.failed:
            text += f"，未生成 {len(self.result.failed)} 份（见上方原因）"
        text += f"；写入文件 {len(self.result.written)} 个"
        return text + removed_note(self.result.removed, self.result.kept)


def is_export(path: Path) -> bool:
    """A survey export rather than one school's answers: a CSV file, or a workbook
    without the questionnaire's own sheet whose header names questions."""
    from ..sources.workbooks import kind_of

    kind = kind_of(Path(path))
    if kind == "csv":
        return True
    if kind not in ("xlsx", "xls", "ods"):
        return False
    from ..questionnaire.survey import looks_like_export  # workbook readers only for workbooks
    from ..questionnaire.workbook import SHEET
    from ..sources.workbooks import read_sheets

    sheets, _ = read_sheets(Path(path))
    return SHEET not in sheets and looks_like_export(sheets)


def _row_label(row) -> str:
    return f"第{row.row}行" + (f"（{row.school}）" if row.school else "")


def _render(view, formats, template_dir) -> dict[str, bytes]:
    from .plan import render_plan

    return render_plan(view, formats, template_dir)


def _unanswerable(batch: SurveyBatch, failures: dict[str, list]) -> None:
    """A question with no column that every failed row misses: said once, rows counted."""
    missing = {q.title for q in batch.export.missing}
    for message, rows in list(failures.items()):
        title = message.split("”", 1)[0].lstrip("“") if message.startswith("“") else ""
        if title in missing and len(rows) > 1:
            batch.notes.append(f"导出表中没有“{title}”这一题的列，这道题也没有默认答案：{len(rows)} 行因此无法生成"
                               "（请在问卷平台加上这道题，或在导出表中加一列）")
            del failures[message]


def survey_plans(export_path: Path, outdir: Path, *, data_file: Path | None = None, formats=PLAN_FORMATS,
                 force: bool = False, template_dir: Path | None = None,
                 progress: Reporter | None = None) -> SurveyBatch:
    """One 实施方案 per row of the export, each written as ``<学校全称>.docx``/``.pdf``."""
    from ..documents import implementation_plan as doc
    from ..questionnaire import answers as answers_mod
    from ..questionnaire.schema import question
    from ..questionnaire.survey import read_export
    from .plan import seal_path_of

    export_path = Path(export_path)
    export = read_export(export_path)
    batch = SurveyBatch(export)
    if export.unmapped:
        batch.notes.append(f"{len(export.unmapped)} 列不是问卷题目，未读取：{'、'.join(export.unmapped)}"
                           "（如其中有题目，请让表头与题目原文一致，或用题目编号作表头）")
    if export.missing:
        titles = "、".join(f"“{q.title}”" for q in export.missing)
        batch.notes.append(f"导出表中没有 {len(export.missing)} 道题的列，各校这些题按默认（建议）答案生成：{titles}")
    data = load_valid(data_file)[0] if data_file else None
    reporter = as_reporter(progress)
    reporter.start(len(export.rows), "实施方案")
    taken: set[str] = set()
    failures: dict[str, list] = {}
    with tracked(outdir, f"实施方案:{export_path.stem}", batch.result, force=force):
        for row in export.rows:
            try:
                if not row.school:  # the plan would be the placeholder school's, under its name
                    raise InputError(f"没有填写“{question('school_name').title}”，不知道是哪所学校的方案",
                                     row.raw.locations.get("school_name"))
                answers = answers_mod.complete(row.raw, str(export_path))
                view = doc.build(answers, data=data, seal_path=seal_path_of(answers, export_path))
                rendered = _render(view, formats, template_dir)
            except InputError as exc:
                reasons = [p.message for p in exc.problems.errors]
                for reason in reasons:
                    failures.setdefault(reason, []).append(row)
                batch.result.failed.append((_row_label(row), "；".join(reasons)))
                reporter.advance(1)
                continue
            stem = safe_filename(answers.get("school_name") or f"第{row.row}行")
            for fmt, payload in rendered.items():
                target = unique_path(Path(outdir), stem, f".{fmt}", taken)
                batch.result.written.append(write_bytes(target, payload, force=force))
            batch.plans += 1
            batch.warnings += [(_row_label(row), w) for w in
                               answers_mod.identity_warnings(row.raw, answers) + view.warnings]
            reporter.advance(1)
    _unanswerable(batch, failures)
    return batch


def failure_lines(batch: SurveyBatch) -> list[str]:
    """A reason shared by several rows is one line naming the rows (the first ten) and counting them."""
    return _grouped(batch.result.failed)


def warning_lines(batch: SurveyBatch) -> list[str]:
    """Warnings grouped like failures; an answer generated from each school's own name
    (“已自动生成‘中共…’”) counts as the same warning for every school."""
    import re

    return _grouped([(label, re.sub(r"已自动生成“[^”]*”", "已按本校全称自动生成", text))
                     for label, text in batch.warnings])


def _grouped(items: list[tuple[str, str]]) -> list[str]:
    by_reason: dict[str, list[str]] = {}
    for label, reason in items:
        by_reason.setdefault(reason, []).append(label)
    lines = []
    for reason, labels in by_reason.items():
        named = "、".join(labels[:10]) + (f"等 {len(labels)} 行" if len(labels) > 10 else
                                          (f"共 {len(labels)} 行" if len(labels) > 1 else ""))
        lines.append(f"{named}：{reason}")
    return lines

