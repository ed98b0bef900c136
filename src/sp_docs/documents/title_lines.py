"""Breaking a 公文 title into lines (GB/T 9704: long titles form a trapezoid or a diamond,
and a line break never splits a word).

Pure functions, no file formats: both renderers set the lines this returns as explicit
line breaks, so Word/WPS and the PDF break the title at the same places.

The title is broken only at allowed points (after 关于/关于印发, before 《 and “, after 》
and ”, before 的通知/实施方案/工程/（…）, at the edges of a protected term such as the school
name), never inside a run of Latin letters/digits, never so that a line starts with closing
or ends with opening punctuation.  A quoted term (《…》, “…”, （…）) or a protected term
that fits on one line is not split.  Among the breakings that fit, the one with the best
break points, the fewest lines and a trapezoid/diamond shape wins; only when nothing fits
are weaker break points used."""
from __future__ import annotations

import itertools
import math

from ..units import TYPE_AREA_WIDTH_PT

LINE_PT = TYPE_AREA_WIDTH_PT  # the GB/T 9704 type area: 156 mm
TITLE_PT = 22  # 2号

OPENING = "《“‘（〔【「『([<"
CLOSING = "》”’）〕】」』，。、；：？！,.;:?!)]>"
PAIRS = {"《": "》", "“": "”", "（": "）", "〔": "〕", "【": "】", "「": "」", "『": "』"}
# a break before these words is natural (the tail of a title)
GOOD_BEFORE = {"的通知": 2, "的意见": 2, "的决定": 2, "的报告": 2, "的请示": 2, "的批复": 2, "的函": 2,
               "的实施方案": 4, "的工作方案": 4, "实施方案": 6, "工作方案": 6, "工程": 7,
               "三年实施计划": 6, "指导性任务表": 6, "实施情况汇总表": 6, "培养台账": 6, "对象培养台账": 5}
GOOD_AFTER_ADMIN = "省市区县州旗盟"  # inside a long unit name: after an administrative level
PLAIN = 60  # a break between two ordinary characters
INSIDE_TERM = 200  # inside a quoted or protected term that fits on one line
KINSOKU = 400  # a line starting with closing / ending with opening punctuation
LATIN = 10_000  # inside a run of Latin letters or digits: only when nothing else can fit
EXTRA_LINE = 25
SHAPE = 45


def char_width(ch: str) -> float:
    """Width in em of 2号 小标宋: CJK characters, full-width punctuation, Chinese quotes and
    the dash are full width; Latin letters, digits and ASCII punctuation half."""
    if ch in "“”‘’—…·":
        return 1.0
    return 0.5 if ord(ch) < 0x2E80 else 1.0


def text_width(text: str) -> float:
    return sum(char_width(c) for c in text)


def max_chars(line_pt: float = LINE_PT, size_pt: float = TITLE_PT) -> int:
    """Full-width characters of ``size_pt`` type on a ``line_pt`` line (22 pt on 156 mm → 20)."""
    return max(1, math.floor(line_pt / size_pt + 1e-6))


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _spans(title: str) -> list[tuple[int, int]]:
    """(start, end) index pairs of bracketed/quoted terms, end inclusive."""
    spans, stack = [], []
    for i, ch in enumerate(title):
        if ch in PAIRS:
            stack.append((ch, i))
        elif stack and ch == PAIRS[stack[-1][0]]:
            spans.append((stack.pop()[1], i))
    return spans


def break_penalties(title: str, limit: float, keep: tuple[str, ...] = ()) -> list[float]:
    """penalty[i] for a line break before ``title[i]`` (index 0 unused)."""
    n = len(title)
    pen = [float(PLAIN)] * n
    for i in range(1, n):
        before, after = title[i - 1], title[i]
        if after in "《“":
            pen[i] = 5
        elif before in "》”" and after not in CLOSING:
            pen[i] = 5
        elif after == "（":
            pen[i] = 8
        for word, value in GOOD_BEFORE.items():
            if title.startswith(word, i):
                pen[i] = min(pen[i], value)
    if title.startswith("关于印发"):
        if n > 4:
            pen[4] = 0
        pen[2] = min(pen[2], 15)
    elif title.startswith("关于") and n > 2:
        pen[2] = 0
    # protected terms (the school name): good edges, inside only when it cannot fit
    for term in keep:
        if not term:
            continue
        start = title.find(term)
        while start >= 0:
            end = start + len(term)
            for edge in (start, end):
                if 0 < edge < n:
                    pen[edge] = min(pen[edge], 6)
            fits = text_width(term) <= limit
            for i in range(start + 1, end):
                if fits:
                    pen[i] += INSIDE_TERM
                elif title[i - 1] in GOOD_AFTER_ADMIN:
                    pen[i] = min(pen[i], 20)
            start = title.find(term, end)
    for start, end in _spans(title):
        if text_width(title[start:end + 1]) <= limit:
            for i in range(start + 1, end + 1):
                pen[i] += INSIDE_TERM
    for i in range(1, n):
        before, after = title[i - 1], title[i]
        if after in CLOSING or before in OPENING:
            pen[i] += KINSOKU
        if _is_latin(before) and _is_latin(after):
            pen[i] += LATIN
    return pen


def is_trapezoid_or_diamond(widths: list[float]) -> bool:
    """Each line longer than the one above (正梯形), shorter (倒梯形), or longer then
    shorter (菱形)."""
    if len(widths) <= 1:
        return True
    steps = [b - a for a, b in zip(widths, widths[1:])]
    if any(abs(s) < 0.25 for s in steps):
        return False
    signs = [s > 0 for s in steps]
    if all(signs) or not any(signs):
        return True
    peak = signs.index(False)
    return all(signs[:peak]) and not any(signs[peak:])


def title_lines(title: str, limit: float | None = None, *, keep: tuple[str, ...] = ()) -> list[str]:
    """``title`` as lines of at most ``limit`` full-width characters (default: 2号 on 156 mm),
    broken at allowed points only, shaped as a trapezoid or diamond when possible."""
    title = title.strip()
    limit = float(limit if limit is not None else max_chars())
    if text_width(title) <= limit or len(title) < 2:
        return [title]
    pen = break_penalties(title, limit, keep)
    widths = [char_width(c) for c in title]
    prefix = [0.0, *itertools.accumulate(widths)]
    least = max(2, math.ceil(prefix[-1] / limit))
    n = len(title)
    if least > 4:  # not a title any more: keep the search small
        return _greedy(title, limit)

    best: tuple[float, list[int]] | None = None
    for lines in range(least, least + 3):
        found = _best_split(n, lines, limit, prefix, pen, best[0] if best else math.inf)
        if found is not None:
            cost = found[0] + EXTRA_LINE * (lines - least)
            if best is None or cost < best[0]:
                best = (cost, found[1])
    if best is None:  # a single unbreakable run wider than the line: break it greedily
        return _greedy(title, limit)
    cuts = [0, *best[1], n]
    return [title[a:b] for a, b in zip(cuts, cuts[1:])]


def _best_split(n, lines, limit, prefix, pen, bound):
    """Cheapest breaking into exactly ``lines`` lines (exhaustive over feasible cut points,
    pruned by width and by ``bound``)."""
    best: list = [None]

    def width(a, b):
        return prefix[b] - prefix[a]

    def walk(start, cuts, cost):
        if cost >= (best[0][0] if best[0] else bound):
            return
        left = lines - len(cuts) - 1
        if left == 0:
            if width(start, n) > limit:
                return
            bounds = [0, *cuts, n]
            ws = [width(a, b) for a, b in zip(bounds, bounds[1:])]
            total = cost + (0 if is_trapezoid_or_diamond(ws) else SHAPE) + 0.5 * (max(ws) - min(ws))
            if best[0] is None or total < best[0][0]:
                best[0] = (total, list(cuts))
            return
        for end in range(start + 1, n):
            w = width(start, end)
            if w > limit:
                break
            if width(end, n) > limit * left:
                continue
            walk(end, cuts + [end], cost + pen[end])

    walk(0, [], 0.0)
    return best[0]


def _greedy(title: str, limit: float) -> list[str]:
    lines, current = [], ""
    for ch in title:
        if current and text_width(current + ch) > limit:
            lines.append(current)
            current = ""
        current += ch
    return lines + ([current] if current else [])
