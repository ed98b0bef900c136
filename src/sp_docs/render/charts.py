"""Hand-built vector charts as inline SVG (no plotting library).

Domain-free: callers pass categories and numbers.  Text carries the CSS font
classes (``f-hei``, ``f-song``) so Chinese labels use the document's fonts; every
label is XML-escaped, so user text never becomes markup."""
from __future__ import annotations

from html import escape

from markupsafe import Markup

PALETTE = ("#2f5597", "#c55a11", "#70ad47", "#7f7f7f", "#bf9000", "#7030a0")
LIGHT = ("#b4c7e7", "#f8cbad", "#c5e0b4", "#d9d9d9", "#ffe699", "#d5b8ea")


def _t(x: float, y: float, text: str, *, size: float = 9, anchor: str = "start", cls: str = "f-song",
       fill: str = "#000", weight: str = "") -> str:
    extra = f' font-weight="{weight}"' if weight else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" class="{cls}" '
            f'fill="{fill}"{extra}>{escape(str(text))}</text>')


def _text_width(text: str, size: float) -> float:
    return sum(size if ord(c) > 0x2E80 else size * 0.55 for c in str(text))


def _fmt(value: float, percent: bool) -> str:
    if percent:
        return f"{value * 100:.0f}%"
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _scale_max(categories, series, stacked: bool, threshold: float | None, percent: bool) -> float:
    """The axis maximum: the tallest bar (or stack), the threshold line, rounded up."""
    if stacked:
        peak = max([sum(s[1][i] for s in series) for i in range(len(categories))] + [0])
    else:
        peak = max([v for _, vals in series for v in vals] + [0])
    return _nice_max(max(peak, threshold or 0), percent)


def _nice_max(value: float, percent: bool) -> float:
    """An axis maximum of four equal, round steps."""
    if percent:
        return max(1.0, value)
    if value <= 0:
        return 4
    magnitude = 1
    while True:
        for step in (1, 2, 2.5, 5):
            if step * magnitude * 4 >= value and float(step * magnitude).is_integer():
                return step * magnitude * 4
        magnitude *= 10


def _legend(names: list[str], colors: list[str], x: float, y: float) -> list[str]:
    parts = []
    for name, color in zip(names, colors):
        parts.append(f'<rect x="{x:.1f}" y="{y - 8:.1f}" width="10" height="10" fill="{color}"/>')
        parts.append(_t(x + 14, y, name, size=9))
        x += 14 + _text_width(name, 9) + 14
    return parts


def _svg(width: float, height: float, body: list[str], title: str) -> Markup:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}pt" height="{height:.0f}pt" '
            f'viewBox="0 0 {width:.0f} {height:.0f}" role="img"><title>{escape(title)}</title>')
    return Markup(head + "".join(body) + "</svg>")


def hbar_chart(categories: list[str], series: list[tuple[str, list[float]]], *, title: str = "",
               width: float = 460, bar: float = 9, percent: bool = False, threshold: float | None = None,
               threshold_label: str = "", stacked: bool = False, max_value: float | None = None) -> Markup:
    """Horizontal bars, one row per category; several series side by side (or stacked)."""
    label_w = min(170, max([_text_width(c, 9) for c in categories] + [40]) + 8)
    n = 1 if stacked else max(1, len(series))
    row_h = bar * n + 6
    top = 24 if title else 8
    legend_h = 18 if len(series) > 1 or threshold is not None else 0
    plot_w = width - label_w - 40
    height = top + legend_h + row_h * len(categories) + 24
    scale_max = max_value or _scale_max(categories, series, stacked, threshold, percent)
    x0 = label_w
    body = []
    if title:
        body.append(_t(width / 2, 14, title, size=11, anchor="middle", cls="f-hei"))
    y = top
    if legend_h:
        names = [s[0] for s in series]
        body += _legend(names, list(PALETTE[:len(series)]), x0, y + 10)
        if threshold is not None and threshold_label:
            body.append(_t(width - 4, y + 10, f"┆ {threshold_label}", size=9, anchor="end", fill="#c00000"))
        y += legend_h
    plot_top = y
    for tick in range(0, 5):
        value = scale_max * tick / 4
        x = x0 + plot_w * tick / 4
        body.append(f'<line x1="{x:.1f}" y1="{plot_top:.1f}" x2="{x:.1f}" y2="{plot_top + row_h * len(categories):.1f}" '
                    f'stroke="#d9d9d9" stroke-width="0.5"/>')
        body.append(_t(x, plot_top + row_h * len(categories) + 11, _fmt(value, percent), size=8, anchor="middle"))
    for i, category in enumerate(categories):
        ry = plot_top + i * row_h + 3
        body.append(_t(x0 - 4, ry + (row_h - 6) / 2 + 3.5, category, size=9, anchor="end"))
        offset = 0.0
        for k, (name, values) in enumerate(series):
            value = values[i] or 0
            w = plot_w * min(value, scale_max) / scale_max if scale_max else 0
            if stacked:
                body.append(f'<rect x="{x0 + offset:.1f}" y="{ry:.1f}" width="{w:.1f}" height="{bar:.1f}" fill="{PALETTE[k % 6]}"/>')
                if value and w > 14:
                    body.append(_t(x0 + offset + w / 2, ry + bar - 2, _fmt(value, percent), size=7.5, anchor="middle",
                                   fill="#fff"))
                offset += w
            else:
                by = ry + k * bar
                body.append(f'<rect x="{x0:.1f}" y="{by:.1f}" width="{w:.1f}" height="{bar - 1:.1f}" fill="{PALETTE[k % 6]}"/>')
                body.append(_t(x0 + w + 3, by + bar - 2, _fmt(value, percent), size=7.5))
        if stacked:
            total = sum(s[1][i] or 0 for s in series)
            body.append(_t(x0 + offset + 3, ry + bar - 2, _fmt(total, percent), size=7.5))
    if threshold is not None:
        tx = x0 + plot_w * min(threshold, scale_max) / scale_max
        body.append(f'<line x1="{tx:.1f}" y1="{plot_top - 2:.1f}" x2="{tx:.1f}" y2="{plot_top + row_h * len(categories):.1f}" '
                    f'stroke="#c00000" stroke-width="1" stroke-dasharray="3,2"/>')
    body.append(f'<line x1="{x0:.1f}" y1="{plot_top:.1f}" x2="{x0:.1f}" y2="{plot_top + row_h * len(categories):.1f}" '
                f'stroke="#000" stroke-width="0.75"/>')
    return _svg(width, height, body, title)


def vbar_chart(categories: list[str], series: list[tuple[str, list[float]]], *, title: str = "",
               width: float = 460, height: float = 200, stacked: bool = True, percent: bool = False,
               threshold: float | None = None, threshold_label: str = "", max_value: float | None = None) -> Markup:
    """Vertical bars per category (stacked or side by side), labels under the axis."""
    top = 24 if title else 8
    legend_h = 18
    left, bottom = 34, 34
    plot_h = height - top - legend_h - bottom
    plot_w = width - left - 10
    scale_max = max_value or _scale_max(categories, series, stacked, threshold, percent)
    body = []
    if title:
        body.append(_t(width / 2, 14, title, size=11, anchor="middle", cls="f-hei"))
    body += _legend([s[0] for s in series], list(PALETTE[:len(series)]), left, top + 10)
    if threshold is not None and threshold_label:
        body.append(_t(width - 4, top + 10, f"┆ {threshold_label}", size=9, anchor="end", fill="#c00000"))
    y0 = top + legend_h + plot_h
    for tick in range(0, 5):
        value = scale_max * tick / 4
        y = y0 - plot_h * tick / 4
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#d9d9d9" stroke-width="0.5"/>')
        body.append(_t(left - 3, y + 3, _fmt(value, percent), size=8, anchor="end"))
    slot = plot_w / max(1, len(categories))
    n = 1 if stacked else max(1, len(series))
    bw = min(28, slot * 0.7 / n)
    for i, category in enumerate(categories):
        cx = left + slot * (i + 0.5)
        base = y0
        for k, (name, values) in enumerate(series):
            value = values[i] or 0
            h = plot_h * min(value, scale_max) / scale_max if scale_max else 0
            if stacked:
                x = cx - bw / 2
                body.append(f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{bw:.1f}" height="{h:.1f}" fill="{PALETTE[k % 6]}"/>')
                base -= h
            else:
                x = cx - bw * n / 2 + k * bw
                body.append(f'<rect x="{x:.1f}" y="{y0 - h:.1f}" width="{bw - 1:.1f}" height="{h:.1f}" fill="{PALETTE[k % 6]}"/>')
                body.append(_t(x + bw / 2, y0 - h - 2, _fmt(value, percent), size=7.5, anchor="middle"))
        if stacked:
            total = sum(s[1][i] or 0 for s in series)
            body.append(_t(cx, base - 2, _fmt(total, percent), size=7.5, anchor="middle"))
        lines = str(category).split("\n")
        for j, line in enumerate(lines):
            body.append(_t(cx, y0 + 11 + j * 10, line, size=8, anchor="middle"))
    if threshold is not None:
        ty = y0 - plot_h * min(threshold, scale_max) / scale_max
        body.append(f'<line x1="{left}" y1="{ty:.1f}" x2="{left + plot_w}" y2="{ty:.1f}" stroke="#c00000" '
                    f'stroke-width="1" stroke-dasharray="3,2"/>')
    body.append(f'<line x1="{left}" y1="{y0:.1f}" x2="{left + plot_w}" y2="{y0:.1f}" stroke="#000" stroke-width="0.75"/>')
    return _svg(width, height, body, title)


def bullet_panels(categories: list[str], panels: list[tuple[str, list[tuple[float, float]]]], *, title: str = "",
                  width: float = 460, names: tuple[str, str] = ("计划", "完成")) -> Markup:
    """Rows = categories; one panel per column (e.g. a year); in each cell the target
    (light, full bar) and the achieved value (dark, inner bar)."""
    label_w = min(150, max([_text_width(c, 9) for c in categories] + [40]) + 8)
    top = 24 if title else 8
    legend_h = 18
    header_h = 14
    row_h = 15
    gap = 10
    panel_w = (width - label_w - gap * len(panels)) / max(1, len(panels))
    height = top + legend_h + header_h + row_h * len(categories) + 8
    peak = max([max(p, d) for _, cells in panels for p, d in cells] + [1])
    scale = _nice_max(peak, False)
    body = []
    if title:
        body.append(_t(width / 2, 14, title, size=11, anchor="middle", cls="f-hei"))
    body += _legend(list(names), [LIGHT[0], PALETTE[0]], label_w, top + 10)
    y_head = top + legend_h + 10
    for j, (panel, cells) in enumerate(panels):
        px = label_w + j * (panel_w + gap) + gap / 2
        body.append(_t(px + panel_w / 2, y_head, panel, size=9.5, anchor="middle", cls="f-hei"))
        for i, (planned, done) in enumerate(cells):
            ry = top + legend_h + header_h + i * row_h + 2
            wp = (panel_w - 26) * planned / scale
            wd = (panel_w - 26) * min(done, scale) / scale
            body.append(f'<rect x="{px:.1f}" y="{ry:.1f}" width="{wp:.1f}" height="{row_h - 4:.1f}" fill="{LIGHT[0]}"/>')
            body.append(f'<rect x="{px:.1f}" y="{ry + 3:.1f}" width="{wd:.1f}" height="{row_h - 10:.1f}" fill="{PALETTE[0]}"/>')
            colour = "#c00000" if done < planned else "#000"
            body.append(_t(px + max(wp, wd) + 2, ry + row_h - 6, f"{_fmt(done, False)}/{_fmt(planned, False)}",
                           size=7.5, fill=colour))
        body.append(f'<line x1="{px:.1f}" y1="{top + legend_h + header_h:.1f}" x2="{px:.1f}" '
                    f'y2="{top + legend_h + header_h + row_h * len(categories):.1f}" stroke="#000" stroke-width="0.75"/>')
    for i, category in enumerate(categories):
        ry = top + legend_h + header_h + i * row_h + 2
        body.append(_t(label_w - 4, ry + row_h - 6, category, size=9, anchor="end"))
    return _svg(width, height, body, title)
