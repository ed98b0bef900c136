"""实施方案: answers (YAML or questionnaire workbook) [+ data workbook] → DOCX/PDF;
and writing the three questionnaire front-ends."""
from __future__ import annotations

from pathlib import Path

from .. import limits
from ..errors import InputError, Location
from ..output import safe_filename, write_bytes, write_text
from . import example_step, load_valid
from .progress import JobResult

PLAN_FORMATS = ("docx", "pdf")


def seal_path_of(answers: dict, answers_file: Path) -> str | None:
    seal = answers.get("seal_image")
    if not seal:
        return None
    path = Path(seal)
    if not path.is_absolute():
        path = answers_file.resolve().parent / path
    if not path.is_file():
        raise InputError(f"找不到印章图片：{path}", Location(str(answers_file), column="seal_image"), )
    if path.suffix.lower() not in (".png", ".jpg", ".jpeg"):
        raise InputError(f"印章图片应为 PNG 或 JPG 文件：{path}", Location(str(answers_file), column="seal_image"))
    limits.check_image(path, answers_file, where=Location(str(answers_file), column="seal_image"))
    return str(path)


def build_view(answers_file: Path, data_file: Path | None = None):
    from ..documents import implementation_plan as doc
    from ..questionnaire import answers as answers_mod

    raw = answers_mod.read_raw(Path(answers_file))
    answers = answers_mod.complete(raw, str(answers_file))
    data = load_valid(data_file)[0] if data_file else None
    view = doc.build(answers, data=data, seal_path=seal_path_of(answers, Path(answers_file)))
    view.warnings = answers_mod.identity_warnings(raw, answers) + view.warnings
    return view


def plan(answers_file: Path, outdir: Path, *, data_file: Path | None = None, formats=PLAN_FORMATS,
         force: bool = False, template_dir: Path | None = None):
    """Write the 实施方案 (with 印发通知 and 附件1–3) as DOCX and/or PDF."""
    view = build_view(Path(answers_file), data_file)
    stem = safe_filename(view.plan_title)
    rendered = render_plan(view, formats, template_dir)
    written = [write_bytes(Path(outdir) / f"{stem}.{fmt}", data, force=force) for fmt, data in rendered.items()]
    return JobResult.of(written, view)


def render_plan(view, formats, template_dir: Path | None = None) -> dict[str, bytes]:
    """The plan's view-model in each of ``formats`` (docx, pdf) → bytes."""
    rendered = {}
    for fmt in formats:
        if fmt == "docx":
            from ..render.plan_docx import render_plan_docx

            rendered[fmt] = render_plan_docx(view, user_dir=template_dir)
        elif fmt == "pdf":
            from ..render.plan_pdf import render_plan_pdf

            rendered[fmt] = render_plan_pdf(view, user_dir=template_dir)
    return rendered


def export_questions(path: Path, formats: tuple[str, ...] = ("xlsx", "txt"), *, force: bool = False) -> list[Path]:
    """The question list for a survey platform's import: ``path`` with each suffix of ``formats``."""
    from ..questionnaire.survey import export_text, export_workbook

    path = Path(path)
    stem = path.with_suffix("") if path.suffix.lower() in (".xlsx", ".txt") else path
    written = []
    for fmt in formats:
        data = export_workbook() if fmt == "xlsx" else export_text().encode("utf-8-sig")
        written.append(write_bytes(stem.with_name(f"{stem.name}.{fmt}"), data, force=force))
    return written


def new_answers(path: Path, *, force: bool = False) -> Path:
    """A YAML answers file: every question as a comment above its default answer."""
    from ..questionnaire.answers import blank_template, dump_yaml

    return write_text(path, dump_yaml(blank_template()), force=force)


def questionnaire_workbook(path: Path, *, force: bool = False) -> Path:
    from ..questionnaire.answers import blank_template
    from ..questionnaire.workbook import build_workbook

    return write_bytes(path, build_workbook(blank_template()), force=force)


def ask_answers(path: Path) -> tuple[Path, dict]:
    """Ask on the terminal; an existing answers file gives the defaults; written only at the end."""
    from ..questionnaire.answers import complete, dump_yaml, read_raw
    from ..questionnaire.interactive import ask_all

    previous = {}
    if Path(path).is_file():
        previous = complete(read_raw(Path(path)), str(path))
    answers = complete(ask_all(previous), "交互问答")
    from ..output import release_input

    release_input(path)  # the one command that edits its own input: the answers it asked for
    return write_text(path, dump_yaml(answers), force=True), answers


@example_step("实施方案（问卷答卷 → DOCX/PDF）")
def example(data_dir: Path, outdir: Path, force: bool) -> list[Path]:
    from . import StepSkipped, example_file

    answers = example_file(data_dir, "answers.yaml")
    if answers is None:
        raise StepSkipped("没有问卷答卷 answers.yaml（用 sp-docs questionnaire 生成并填写后放在数据旁边）")
    written, _ = plan(answers, outdir / "实施方案", data_file=example_file(data_dir, "school.xlsx"), force=force)
    return written
