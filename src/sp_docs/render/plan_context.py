"""The 实施方案 with its 印发通知 as plan.html's context: where the template sets each paragraph of
running text, the text on the DOCX's character grid (render/plan_grid.py), and the lines to squeeze
worked out before layout (render/plan_lines.py).  Laid out by WeasyPrint (render/plan_pdf.py) or
directly (render/fastplan/)."""
from __future__ import annotations

from pathlib import Path

from . import plan_grid, plan_lines
from ..units import CHAR_PT
from .linebreak import quote_breaks
# Chinese break opportunities at quotes: ``linebreak.quote_breaks`` (shared with the 附件2 table).
# The letter-spacing of the body (−0.22 pt) applies to the zero-width space too, so text after
# each break sits 0.22 pt (0.08 mm) further left; a line of 28 characters with two quotes ends
# 0.45 pt short of the margin.

HEADING_ROLES = {1: "hei", 2: "kai"}
# where plan.html sets each paragraph of running text (render/plan_lines.py works out its lines)
_CELL = plan_grid.PDF_CELL_PT
BODY_BOX = plan_lines.Box(indent_pt=2 * _CELL, justify=True)  # .body/.h1–.h4: text-indent 31.56pt, justified
HEADING_BOXES = {level: plan_lines.Box(indent_pt=2 * _CELL, justify=True, font=font)
                  for level, font in HEADING_ROLES.items()}
RECIPIENTS_BOX = plan_lines.Box(suffix="：")
_ATTACHMENTS = plan_lines.TYPE_WIDTH_PT - 6 * _CELL  # padding-left 94.68pt; text-indent −63.12pt / −15.78pt
_NOTES = dict(width_pt=plan_lines.TYPE_WIDTH_PT - 1.2, indent_pt=24.0, size_pt=12.0, spacing_pt=0.0)  # gongwen.css


def block_text(block: dict) -> tuple[str, str, plan_lines.Box]:
    """(text, role, box) of a block of the plan: a paragraph, a 一级/二级 heading on a line of its
    own, or a 三级/四级 heading that runs into its text."""
    if block.get("kind") == "para":
        return str(block.get("text") or ""), "fang", BODY_BOX
    if block.get("level") in HEADING_ROLES:
        return f"{block.get('label')}{block.get('title')}", HEADING_ROLES[block["level"]], HEADING_BOXES[block["level"]]
    return f"{block.get('label')}{block.get('title')}。{block.get('text') or ''}", "fang", BODY_BOX


def _blocks(blocks, marker: plan_grid.Marker) -> list[dict]:
    """The 实施方案's paragraphs and headings as grid HTML (``line``: what the paragraph shows)."""
    out = []
    for block in blocks or []:
        text, role, box = block_text(block)
        out.append({**block, "line": plan_grid.grid_markup(quote_breaks(text), marker, role=role, box=box)})
    return out


def note_boxes(annex: str, count: int) -> list[plan_lines.Box]:
    """The boxes of 附件1's notes (each “注：…”) and 附件2's (“注：” above “1.…”, “2.…”)."""
    return [plan_lines.Box(**_NOTES, prefix="注：" if annex == "annex1" else f"{n}.") for n in range(1, count + 1)]


def attachment_box(n: int) -> plan_lines.Box:
    """The box of the ``n``th line of the 附件 list (padding-left 94.68pt; text-indent −63.12pt / −15.78pt)."""
    return plan_lines.Box(width_pt=_ATTACHMENTS, indent_pt=-(4 if n == 1 else 1) * _CELL)


def _notes(annex: str, notes: list, marker: plan_grid.Marker) -> list:
    """附件1's and 附件2's notes, off the grid."""
    boxes = note_boxes(annex, len(notes))
    return [plan_grid.grid_markup(quote_breaks(note), marker, role=None, box=box) for note, box in zip(notes, boxes)]


def _flowing_text(context: dict, marker: plan_grid.Marker) -> None:
    """The running text on the grid, with break opportunities at quotes (body, headings, notes,
    抄送, 附件3's 类别 cell); titles keep their computed lines, the 附件 list and <title> the names
    as given.  Text in the DOCX's tables (抄送, 类别) is neither padded nor squeezed (LibreOffice
    hangs no punctuation in a table); the notes under the annex tables are off the grid, but their
    lines are squeezed where the office suites hang a mark (render/plan_grid.py)."""
    grid = plan_grid.grid_markup
    if "recipients" in context:
        context["recipients"] = grid(quote_breaks(context["recipients"]), marker, box=RECIPIENTS_BOX)
    if "notice_body" in context:
        context["notice_body"] = [grid(quote_breaks(text), marker, box=BODY_BOX) for text in context["notice_body"] or []]
    context["blocks"] = _blocks(context.get("blocks"), marker)
    context["attachment_lines"] = [
        grid(f"{'附件：' if n == 1 else ''}{n}.{name}", marker, box=attachment_box(n))
        for n, name in enumerate(context.get("attachments") or [], start=1)]
    for annex in ("annex1", "annex2"):
        notes = context[annex].get("notes")
        if notes:
            context[annex] = {**context[annex], "notes": _notes(annex, notes, marker)}
    for annex in ("annex1", "annex2", "annex3"):  # 附件1: the digit takes a grid cell, as in the DOCX
        if isinstance(context.get(annex), dict) and context[annex].get("label"):
            label = grid(context[annex]["label"], plan_grid.Marker(), role="hei")
            context[annex] = {**context[annex], "label": label}
    if "cc" in context:
        context["cc"] = quote_breaks(context["cc"])
    if isinstance(context.get("annex3"), dict):  # the 类别 cell: “双培双树” / 类别, not “双培双 / 树”类别
        context["annex3"] = {**context["annex3"], "track_label": quote_breaks(context["annex3"].get("track_label"))}


def raw_context(view) -> dict:
    """The template's context before any markup: the view's, its 附件1/附件2 as dicts, the
    signature's and the seal's places."""
    context = view.context()
    seal = Path(view.seal_path).resolve() if view.seal_path else None
    placed = view.signature  # placed by the document (documents/signature.py)
    context.update(
        mark_size=round(view.mark_size, 1),
        name_indent_pt=round(placed.name_indent * CHAR_PT, 2),
        date_indent_pt=round(placed.date_indent * CHAR_PT, 2),
        seal_uri=seal.as_uri() if seal else "",
        seal_path=str(seal) if seal else "",
        seal_right_pt=round(placed.seal_right_pt, 2),
        tight=False,
    )
    context["annex1"] = vars(view.annex1)
    context["annex2"] = vars(view.annex2)
    return context


def pdf_context(view, squeeze: dict[int, tuple[float, int]] | None = None, *, marker=None) -> dict:
    """The template's context; ``squeeze``: the lines that end in a punctuation mark the office
    suites hang past the margin, by the mark's number (plan_grid.Marker); or a ``marker`` (that
    may record the paragraphs)."""
    context = raw_context(view)
    _flowing_text(context, marker or plan_grid.Marker(squeeze))
    return context


def grid_squeeze(view) -> tuple[dict, dict[int, list[str]] | None]:
    """The lines to squeeze worked out on the grid (render/plan_lines.py) and the lines of each
    paragraph that holds a mark; (``{}``, None) when that cannot be done here."""
    if not plan_lines.available():
        return {}, None
    marker = plan_grid.Marker(record=True)
    pdf_context(view, marker=marker)
    return plan_lines.grid_spots(marker.paragraphs)
