"""The 实施方案 with its 印发通知 as a GB/T 9704 PDF (templates/html/plan.html → WeasyPrint)."""
from __future__ import annotations

import re
from pathlib import Path

from . import pdf
from ..units import CHAR_PT

# Pango follows UAX #14, where the quotes “ ” ‘ ’ are class QU: no break before nor after them, so a
# line meeting “双培双树” stops one to seven characters short of the 28-character line.  Chinese
# rules (GB/T 15834, and Word/WPS/LibreOffice) break before an opening quote and after a closing one
# (never after “ nor before ”).  A zero-width space (U+200B, drawn as nothing and left out of the
# text layer by WeasyPrint) gives Pango those breaks; none where the other side must keep the quote:
# after an opening bracket, before closing punctuation or a dash/ellipsis.  The letter-spacing of
# the body (−0.22 pt) applies to the zero-width space too, so text after each break sits 0.22 pt
# (0.08 mm) further left; a line of 28 characters with two quotes ends 0.45 pt short of the margin.
_NO_LINE_END = "（《「『【〔〈([{“‘"
_NO_LINE_START = "，。、；：？！）》」』】〕〉…—,.;:?!)]}%”’"
_BEFORE_OPENING = re.compile(r"(?<=[^\s\u200b%s])(?=[“‘])" % re.escape(_NO_LINE_END))
_AFTER_CLOSING = re.compile(r"(?<=[”’])(?=[^\s\u200b%s])" % re.escape(_NO_LINE_START))
ZWSP = "\u200b"


def quote_breaks(text: str) -> str:
    """``text`` with a break opportunity before each opening and after each closing quote."""
    if not isinstance(text, str) or not any(q in text for q in "“”‘’"):
        return text
    return _AFTER_CLOSING.sub(ZWSP, _BEFORE_OPENING.sub(ZWSP, text))


def _flowing_text(context: dict) -> None:
    """Break opportunities at quotes in the context's running text (body, headings, notes, 抄送,
    附件3's 类别 cell); titles keep their computed lines, the 附件 list and <title> the names as given."""
    for key in ("recipients", "cc"):
        if key in context:
            context[key] = quote_breaks(context[key])
    if "notice_body" in context:
        context["notice_body"] = [quote_breaks(text) for text in context["notice_body"] or []]
    context["blocks"] = [{**block, **{k: quote_breaks(block.get(k)) for k in ("title", "text", "plain")}}
                         for block in context.get("blocks") or []]
    for annex in ("annex1", "annex2"):
        notes = context[annex].get("notes")
        if notes:
            context[annex] = {**context[annex], "notes": [quote_breaks(note) for note in notes]}
    if isinstance(context.get("annex3"), dict):  # the 类别 cell: “双培双树” / 类别, not “双培双 / 树”类别
        context["annex3"] = {**context["annex3"], "track_label": quote_breaks(context["annex3"].get("track_label"))}


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
    _flowing_text(context)
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
