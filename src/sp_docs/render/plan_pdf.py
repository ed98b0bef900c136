"""The 实施方案 with its 印发通知 as a GB/T 9704 PDF (templates/html/plan.html → WeasyPrint)."""
from __future__ import annotations

from pathlib import Path

from . import pdf
from ..units import CHAR_PT


def pdf_context(view) -> dict:
    context = view.context()
    seal = Path(view.seal_path).resolve() if view.seal_path else None
    placed = view.signature  # placed by the document (documents/signature.py)
    context.update(
        mark_size=round(view.mark_size, 1),
        name_indent_pt=round(placed.name_indent * CHAR_PT, 2),
        date_indent_pt=round(placed.date_indent * CHAR_PT, 2),
        seal_uri=seal.as_uri() if seal else "",
        seal_right_pt=round(placed.seal_right_pt, 2),
        tight=False,
    )
    context["annex1"] = vars(view.annex1)
    context["annex2"] = vars(view.annex2)
    return context


def _notice_pages(document) -> int | None:
    """How many pages the 印发通知 took (the plan starts at the ``plan-start`` anchor);
    None when the template has no such anchor (a user template)."""
    for index, page in enumerate(document.pages):
        if "plan-start" in page.anchors:
            return index
    return None


def render_plan_pdf(view, *, user_dir: Path | None = None) -> bytes:
    context = pdf_context(view)
    allowed = {str(Path(view.seal_path).resolve())} if view.seal_path else set()
    html, base_dir = pdf.render_html("plan.html", context, user_dir=user_dir)
    document = pdf.html_to_document(html, base_dir, allowed_files=allowed)
    if (_notice_pages(document) or 1) > 1:
        # GB/T 9704: keep 署名 and 成文日期 on the notice's page by tightening the line pitch
        context["tight"] = True
        html, base_dir = pdf.render_html("plan.html", context, user_dir=user_dir)
        tightened = pdf.html_to_document(html, base_dir, allowed_files=allowed)
        if (_notice_pages(tightened) or 1) <= (_notice_pages(document) or 1):
            document = tightened
    return document.write_pdf()
