"""The 实施方案 with its 印发通知 as a GB/T 9704 PDF: written directly (render/fastplan/), else
templates/html/plan.html laid out by WeasyPrint (here)."""
from __future__ import annotations

import re
from pathlib import Path

from . import pdf, plan_grid, plan_lines
from .plan_context import grid_squeeze, pdf_context


def _notice_pages(document) -> int | None:
    """How many pages the 印发通知 took (the plan starts at the ``plan-start`` anchor);
    None when the template has no such anchor (a user template)."""
    for index, page in enumerate(document.pages):
        if "plan-start" in page.anchors:
            return index
    return None


MAX_HANG_ROUNDS = 12


_TABLES = re.compile(r"<table\b.*?</table>|<img\b[^>]*>", re.S)
_PARAGRAPH = re.compile(r"<p\b[^>]*>(?:(?!</p>).)*</p>", re.S)
_ANCHOR = re.compile(r'data-m="(\d+)"')


def _probe_html(html: str, paragraphs: set[int] | None) -> str:
    """``html`` without tables and seal, and with only the ``paragraphs`` (by their first mark
    number; None: all) of running text: they break their lines as in the whole document."""
    html = _TABLES.sub("", html)
    if paragraphs is None:
        return html

    def keep(match):
        anchor = _ANCHOR.search(match.group())
        return match.group() if anchor and int(anchor.group(1)) in paragraphs else ""
    return _PARAGRAPH.sub(keep, html)


def _layout(view, squeeze: dict, *, tight: bool, user_dir: Path | None, allowed: set[str], probe=False):
    """The document laid out; a ``probe`` (True or a set of paragraphs, see ``_probe_html``) only
    to find where the lines of the running text break."""
    context = pdf_context(view, squeeze)
    context["tight"] = tight
    html, base_dir = pdf.render_html("plan.html", context, user_dir=user_dir)
    if probe is not False:
        html = _probe_html(html, None if probe is True else probe)
    return pdf.html_to_document(html, base_dir, allowed_files=allowed)


def _probe_spots(view, squeeze: dict, paragraphs, *, tight: bool, user_dir: Path | None, allowed: set[str]) -> dict:
    """``squeeze`` with the spots of ``paragraphs`` (True: all) found in probes: the running text
    without the tables, then only the paragraphs just squeezed (their later lines move), until
    none changes."""
    squeeze = dict(squeeze)
    for _ in range(MAX_HANG_ROUNDS):
        document = _layout(view, squeeze, tight=tight, user_dir=user_dir, allowed=allowed, probe=paragraphs)
        more = {n: spot for n, spot in plan_grid.hang_spots(document).items() if n not in squeeze}
        if not more:
            break
        squeeze.update(more)
        paragraphs = {spot[2] for spot in more.values()}
    return squeeze


def _squeezed_layout(view, *, tight: bool, user_dir: Path | None, allowed: set[str], planned=None):
    """The layout whose lines end where Word, WPS and LibreOffice end them on the DOCX's grid: each
    line that ends there in a hanging mark is squeezed to hold it.  The lines are worked out on the
    grid (``planned``: the squeezes and the lines of each paragraph, else ``grid_squeeze``) and
    the document laid out once; a paragraph whose lines differ from the plan is probed as before
    (``_probe_spots``) and the document laid out again."""
    squeeze, predicted = planned or grid_squeeze(view)
    settings = dict(tight=tight, user_dir=user_dir, allowed=allowed)
    if predicted is None:  # no plan: probe every paragraph (what a plan passed on found stays)
        squeeze = _probe_spots(view, squeeze, True, **settings)
        return _layout(view, squeeze, **settings), (squeeze, None)
    document = _layout(view, squeeze, **settings)
    wrong = plan_lines.mismatched(predicted, plan_grid.laid_out_lines(document))
    if wrong:
        kept = {n: spot for n, spot in squeeze.items() if spot[2] not in wrong}
        squeeze = _probe_spots(view, kept, wrong, **settings)
        document = _layout(view, squeeze, **settings)
        predicted = {**predicted, **plan_grid.laid_out_lines(document)}
    return document, (squeeze, predicted)


def render_plan_pdf(view, *, user_dir: Path | None = None) -> bytes:
    from . import fastplan

    written = fastplan.render_pdf(view, user_dir=user_dir)
    return written if written is not None else weasyprint_plan_pdf(view, user_dir=user_dir)


def weasyprint_plan_pdf(view, *, user_dir: Path | None = None) -> bytes:
    allowed = {str(Path(view.seal_path).resolve())} if view.seal_path else set()
    document, planned = _squeezed_layout(view, tight=False, user_dir=user_dir, allowed=allowed)
    if (_notice_pages(document) or 1) > 1:
        # GB/T 9704: keep 署名 and 成文日期 on the notice's page by tightening the line pitch
        tightened, _ = _squeezed_layout(view, tight=True, user_dir=user_dir, allowed=allowed, planned=planned)
        if (_notice_pages(tightened) or 1) <= (_notice_pages(document) or 1):
            document = tightened
    return document.write_pdf()
