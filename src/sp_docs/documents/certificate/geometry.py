"""Off-page geometry: which fields the 套打 offset pushes (partly) off the paper."""
from __future__ import annotations

from .measure import PT_PER_MM, metrics
from .paper import Box
from .settings import FIELD_LABELS
from .view import CertificateBatch


def _ink(lines: list[str], box: Box, size: float, line_pt: float) -> tuple[float, float, float, float]:
    """The printed extent (left, top, right, bottom in mm, before the offset) of ``lines``."""
    widest = max((metrics(box.role).width(line, size) for line in lines), default=0.0) / PT_PER_MM
    if box.align == "center":
        left = box.x + (box.width - widest) / 2
    elif box.align == "right":
        left = box.x + box.width - widest
    else:
        left = box.x
    tall = max(len(lines) * line_pt, size) / PT_PER_MM
    top = box.y + (box.height - tall) / 2
    return left, top, left + widest, top + tall


def off_page(batch: CertificateBatch, design: str | None = None) -> tuple[list[str], list[str]]:
    """Fields that leave the page after the offset: (wholly off — nothing printed,
    partly off — cut), one Chinese message per field, worst case over the batch."""
    settings = batch.settings
    width, height = settings.page
    dx, dy = settings.offset_x, settings.offset_y
    extents: dict[str, list[tuple[float, float, float, float]]] = {}
    if (design or settings.design) != "blank":
        title = settings.box("title")
        extents["title"] = [_ink(["荣誉证书"], title, title.size, title.height * PT_PER_MM)]
    for cert in batch.certificates:
        for f in cert.fields:
            if f.lines:
                line_pt = f.size * f.box.line_height if f.key == "body" else f.size
                extents.setdefault(f.key, []).append(_ink(f.lines, f.box, f.size, line_pt))
    gone, cut = [], []
    for key, boxes in extents.items():
        label = FIELD_LABELS[key]
        outside = [(l + dx >= width or r + dx <= 0 or t + dy >= height or b + dy <= 0) for l, t, r, b in boxes]
        if any(outside):
            gone.append(f"“{label}”完全在纸张之外，不会印出")
            continue
        sides = []
        for name, amount in (("左", -min(l for l, _, _, _ in boxes) - dx),
                             ("右", max(r for _, _, r, _ in boxes) + dx - width),
                             ("上", -min(t for _, t, _, _ in boxes) - dy),
                             ("下", max(b for _, _, _, b in boxes) + dy - height)):
            if amount > 0.5:
                sides.append(f"{name}边 {amount:.0f} 毫米")
        if sides:
            cut.append(f"“{label}”超出纸张{'、'.join(sides)}，会被裁掉")
    return gone, cut


