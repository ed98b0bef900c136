"""结对帮带名单 / 谈心谈话记录 / 培养人名单: workbook → XLSX, DOCX, PDF."""
from __future__ import annotations

from pathlib import Path

from ..output import safe_filename
from ..render import formats as fmt
from . import example_step, load_valid, write_formats
from .progress import JobResult


def mentors(workbook: Path, unit: str | None, outdir: Path, *, formats: list[str] = ["xlsx", "docx", "pdf"],
            force: bool = False, template_dir: Path | None = None):
    from ..documents import mentors as doc
    from ..render.xlsx import table_workbook

    data, _ = load_valid(workbook)
    view = doc.build(data, unit)
    context = view.context()
    stem = safe_filename(f"结对帮带名单_{view.unit_name}")

    def render_one(f: str) -> bytes:
        if f != "xlsx":
            return fmt.render("mentors", context, f, user_dir=template_dir, author=view.unit_name,
                              title=context["title"])
        return table_workbook([
            ("结对帮带名单", list(view.columns), [p.cells() for p in view.pairs]),
            ("谈心谈话记录", ["培养对象", "所在单位", "季度", "日期", "培养人", "内容"], view.talk_rows()),
            ("培养人名单", ["培养人", "所在单位", "职务", "帮带对象", "类别", "建档时间", "完成情况"],
             view.mentor_rows()),
        ], widths={"谈心谈话记录": [10, 22, 16, 12, 10, 60]},
           kinds={"结对帮带名单": {"序号": "int", "“双培”类别": "int"}, "培养人名单": {"类别": "int"}})

    written = write_formats(outdir, stem, formats, render_one, force=force)
    return JobResult.of(written, view)


@example_step("结对帮带名单 谈心谈话记录")
def example(data_dir: Path, outdir: Path, force: bool) -> list[Path]:
    from . import StepSkipped, example_data

    workbook, data = example_data(data_dir)
    with_trainees = [u.name for u in data.units if any(t.unit == u.name for t in data.trainees)]
    if not with_trainees:
        raise StepSkipped("工作簿中没有双培对象")
    unit = "青川市第一中学" if "青川市第一中学" in with_trainees else with_trainees[0]
    written, _ = mentors(workbook, unit, outdir / "结对帮带", force=force)
    return written
