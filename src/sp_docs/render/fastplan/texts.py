"""The 实施方案's running text set line by line (render/plan_lines.Placer), in the order and in
the boxes plan.html gives it (render/plan_context.py builds the same paragraphs as HTML): each
paragraph as its lines, each line its characters and their x in pt from its box's left edge."""
from __future__ import annotations

from dataclasses import dataclass, field

from .. import plan_context, plan_lines
from ..linebreak import quote_breaks

Line = tuple[str, list[float]]
Paragraph = list[Line]


@dataclass
class PlacedTexts:
    recipients: Paragraph = field(default_factory=list)
    notice_body: list[Paragraph] = field(default_factory=list)
    blocks: list[Paragraph] = field(default_factory=list)  # one per block of ``view.context()["blocks"]``
    attachments: list[Paragraph] = field(default_factory=list)
    annex1_notes: list[Paragraph] = field(default_factory=list)
    annex2_notes: list[Paragraph] = field(default_factory=list)


def placed_texts(context: dict, squeeze: dict | None = None) -> PlacedTexts:
    """The paragraphs of ``context`` (``plan_context.pdf_context`` before its markup: the view's
    context with ``annex1``/``annex2`` as dicts), their marks numbered as plan_context numbers them;
    ``squeeze``: the lines to squeeze (None: worked out paragraph by paragraph, as
    ``plan_context.grid_squeeze`` works them out for the whole text)."""
    placer, out = plan_lines.Placer(squeeze), PlacedTexts()
    if "recipients" in context:  # plan.html writes “：” after them, even after none
        out.recipients = placer.place(quote_breaks(context["recipients"] or ""), "fang", plan_context.RECIPIENTS_BOX)
    out.notice_body = [placer.place(quote_breaks(t), "fang", plan_context.BODY_BOX) for t in context.get("notice_body") or []]
    for block in context.get("blocks") or []:
        text, role, box = plan_context.block_text(block)
        out.blocks.append(placer.place(quote_breaks(text), role, box) if text else [])
    for n, name in enumerate(context.get("attachments") or [], start=1):
        out.attachments.append(placer.place(f"{'附件：' if n == 1 else ''}{n}.{name}", "fang",
                                            plan_context.attachment_box(n)))
    for annex in ("annex1", "annex2"):
        notes = (context.get(annex) or {}).get("notes") or []
        boxes = plan_context.note_boxes(annex, len(notes))
        setattr(out, f"{annex}_notes", [placer.place(quote_breaks(note), None, box) for note, box in zip(notes, boxes)])
    return out
