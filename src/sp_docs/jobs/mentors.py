"""结对帮带名单 / 谈心谈话记录 / 培养人名单: workbook → XLSX, DOCX, PDF."""
from __future__ import annotations

from pathlib import Path

from ..output import safe_filename, write_bytes
from ..render import formats as fmt
from . import example_step, load_valid


def mentors(workbook: Path, unit: str | None, outdir: Path, *, formats: list[str] = ["xlsx", "docx", "pdf"],
            force: bool = False, template_dir: Path | None = None):
    from ..documents import mentors as doc
    from ..render.xlsx import table_workbook

    data, _ = load_valid(workbook)
    view = doc.build(data, unit)
    context = view.context()
    stem = safe_filename(f"结对帮带名单_{view.unit_name}")
    written = []
    for f in formats:
        if f == "xlsx":
            payload = table_workbook([
                ("结对帮带名单", list(view.columns), [p.cells() for p in view.pairs]),
                ("谈心谈话记录", ["培养对象", "所在单位", "季度", "日期", "培养人", "内容"], view.talk_rows()),
                ("培养人名单", ["培养人", "所在单位", "职务", "帮带对象", "类别", "建档时间", "完成情况"],
                 view.mentor_rows()),
            ], widths={"谈心谈话记录": [10, 22, 16, 12, 10, 80]})
        else:
            payload = fmt.render("mentors", context, f, user_dir=template_dir)
        written.append(write_bytes(outdir / f"{stem}.{f}", payload, force=force))
    return written, view


@example_step("结对帮带名单 谈心谈话记录")
def example(data_dir: Path, outdir: Path, force: bool) -> list[Path]:
    written, _ = mentors(data_dir / "city.xlsx", "青川市第一中学", outdir / "结对帮带", force=force)
    return written
