"""附件1 三年实施计划指导性任务表: workbook → XLSX/DOCX/PDF (+ the shortfalls)."""
from __future__ import annotations

import io
from pathlib import Path

from .. import limits
from ..errors import InputError, Location
from ..output import safe_filename
from ..render import formats as fmt
from . import example_data, example_file, example_step, load_valid, write_formats
from .progress import JobResult

SETTINGS_KEYS = {"min_member": "to_member", "min_backbone": "to_backbone",
                 "每年骨干教师培养成党员数": "to_member", "每年党员教师培养成骨干数": "to_backbone"}


def read_minimum(settings: Path | None) -> dict[str, int]:
    """The city's yearly minimum per track from a settings YAML (keys ``min_member``/
    ``min_backbone`` or their Chinese names, or a rules file's ``plan_minimum`` section as
    ``sp-docs rules new`` writes it); empty when no file is given."""
    if settings is None:
        return {}
    import yaml

    from ..output import protect_input

    protect_input(settings)
    try:
        loaded = limits.load_yaml(limits.read_yaml_text(Path(settings)), settings) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError(f"设置文件无法读取：{exc}", Location(str(settings))) from None
    if not isinstance(loaded, dict):
        raise InputError("设置文件应为“键: 值”的形式", Location(str(settings)))
    section = loaded.get("附件1") or loaded.get("annex1") or loaded
    result = {}
    rules = loaded.get("plan_minimum")
    if isinstance(rules, dict):  # a rules file (sp-docs check --rules)
        for field in ("to_member", "to_backbone"):
            value = rules.get(field)
            if value is None:
                continue
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise InputError(f"设置“plan_minimum.{field}”应为非负整数",
                                 Location(str(settings), column=f"plan_minimum.{field}"), value)
            result[field] = value
    for key, field in SETTINGS_KEYS.items():
        if key in section:
            value = section[key]
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise InputError(f"设置“{key}”应为非负整数", Location(str(settings), column=key), value)
            result[field] = value
    return result


def _drop_sheet(data: bytes, title: str) -> bytes:
    from openpyxl import load_workbook

    from ..render import xlsx_layout

    wb = load_workbook(io.BytesIO(data))
    if title in wb.sheetnames:
        del wb[title]
    return xlsx_layout.save(wb)  # the 合计 formulas keep their saved values


def annex1(workbook: Path, outdir: Path, *, unit: str | None = None, by_year: bool = False,
           minimum: dict[str, int] | None = None, formats: list[str] = list(fmt.FORMATS),
           force: bool = False, template_dir: Path | None = None, title_prefix: str | None = None):
    from ..documents import annex1 as doc

    data, _ = load_valid(workbook)
    view = doc.build(data, unit, minimum=minimum, by_year=by_year, title_prefix=title_prefix)
    context = view.context()
    name = unit or view.root or "全部"
    stem = safe_filename(f"附件1_三年实施计划指导性任务表_{name}_{view.years[0]}-{view.years[-1]}")

    def render_one(f: str) -> bytes:
        if f != "xlsx":
            return fmt.render("annex1", context, f, user_dir=template_dir, author=name,
                              title=f"{context['title_line1']}{context['title_line2']}")
        data_bytes = fmt.render("annex1_wide" if view.wide else "annex1", context, "xlsx", user_dir=template_dir,
                                rows_by_sheet={"分年度": context["year_rows"]})
        return data_bytes if by_year else _drop_sheet(data_bytes, "分年度")

    written = write_formats(outdir, stem, formats, render_one, force=force)
    return JobResult.of(written, view)


@example_step("附件1 三年实施计划指导性任务表")
def example(data_dir: Path, outdir: Path, force: bool) -> list[Path]:
    workbook, data = example_data(data_dir)
    top = data.roots()[0].name
    # the example city's minimum (scaled to its size); no comparison without a rules file
    minimum = read_minimum(example_file(data_dir, "rules.yaml"))
    written, _ = annex1(workbook, outdir / "附件1", unit=top, by_year=True, minimum=minimum, force=force)
    return written
