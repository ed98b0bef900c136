"""The 实施方案 with its 印发通知 as a GB/T 9704 PDF (templates/html/plan.html → WeasyPrint)."""
from __future__ import annotations

from pathlib import Path

from . import pdf
from .plan_docx import CHAR_PT, _width_chars, signature_indents


def pdf_context(view) -> dict:
    context = view.context()
    date_w = _width_chars(view.sign_date)
    seal = Path(view.seal_path).resolve() if view.seal_path else None
    name_indent, date_indent = signature_indents(view.issuer, view.sign_date, seal is not None)
    context.update(
        mark_size=round(min(36.0, 0.92 * 442 / max(_width_chars(view.mark_text or "文"), 1)), 1),
        name_indent_pt=round(name_indent * CHAR_PT, 2),
        date_indent_pt=round(date_indent * CHAR_PT, 2),
        seal_uri=seal.as_uri() if seal else "",
        seal_right_pt=round((date_indent + date_w / 2) * CHAR_PT - 42 * 72 / 25.4 / 2, 2),
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
