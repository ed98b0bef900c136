"""附件2 实施情况汇总表: workbook → XLSX/DOCX/PDF."""
from __future__ import annotations

from pathlib import Path

from ..output import safe_filename
from ..render import formats as fmt
from . import example_data, example_step, glyph_warnings, load_valid, write_formats
from .progress import JobResult


def annex2(workbook: Path, unit: str, outdir: Path, *, year: int | None = None,
           formats: list[str] = list(fmt.FORMATS), force: bool = False,
           template_dir: Path | None = None, title_prefix: str | None = None):
    from ..documents import annex2 as doc

    data, _ = load_valid(workbook)
    view = doc.build(data, unit, year, title_prefix=title_prefix)
    context = view.context()
    stem = safe_filename(f"附件2_实施情况汇总表_{unit}_{view.year}")
    if "pdf" in formats:
        view.warnings = glyph_warnings([(f"第{r.seq}行 {r.name}", f"{r.name}{r.note}") for r in view.rows])

    def render(f: str) -> bytes:
        if f == "pdf":  # the built-in table written directly (render/fasttable.py), else WeasyPrint
            from ..render.fasttable import render_pdf

            return render_pdf(context, user_dir=template_dir)
        if f == "xlsx":  # the built-in template filled without openpyxl (render/xlsx_direct.py), else openpyxl
            from ..render.xlsx_direct import render_builtin

            direct = render_builtin("annex2.xlsx", context, user_dir=template_dir)
            if direct is not None:
                return direct
        return fmt.render("annex2", context, f, user_dir=template_dir, author=unit, title=context["title"])

    written = write_formats(outdir, stem, formats, render, force=force)
    return JobResult.of(written, view)


@example_step("附件2 实施情况汇总表")
def example(data_dir: Path, outdir: Path, force: bool) -> list[Path]:
    from ..documents.annex2 import default_year

    workbook, data = example_data(data_dir)
    written = []
    top = data.roots()[0].name
    for unit in [top] + [u.name for u in data.children(top)]:
        paths, _ = annex2(workbook, unit, outdir / "附件2", year=default_year(data, top), force=force)
        written += paths
    return written
