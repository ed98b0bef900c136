"""The 印发通知 and the 实施方案's text pages, laid out as plan.html lays them out through
WeasyPrint (render/plan_pdf.py), on ``fastpage.Page``s.

Each block of the template becomes a list of lines (height and what to draw); blocks fill the
type area top down.  A paragraph may split between pages with two lines at least on each side
(CSS orphans and widows); 一级/二级 headings stay with what follows them (break-after: avoid);
the 署名 block is never split; the 附件 list stays with the last lines of the text (it pulls the
last two lines of the paragraph before it onto its page when it does not fit).  Anything else
(a block taller than a page, a notice that does not fit on its page even with the tighter pitch)
raises ``Unsupported`` and the plan is laid out by WeasyPrint."""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Callable

from ...units import PT_PER_MM
from .. import fasttable
from ..fastpage import Image, Page, Text, lines_kept
from ..plan_lines import Box, Placer
from ..fasttable import LEFT, TOP, WIDTH, Style, Unsupported
from .texts import Paragraph, PlacedTexts

RED = (1.0, 0.0, 0.0)
LINE = 28.95  # html { line-height }
TIGHT_LINE = 26.0  # .notice.tight
EPSILON = 0.01


@dataclass
class Line:
    height: float
    draw: Callable[[Page, float], None]  # draws the line whose top is at the given y


@dataclass
class Block:
    lines: list[Line]
    keep_with_next: bool = False  # 一级/二级 headings
    whole: bool = False  # never split (the 署名 block, the 附件 list)
    keep_with_previous: bool = False  # the 附件 list
    floats: list = field(default_factory=list)  # (dy from the block's top, draw) drawn with its first line


@functools.lru_cache(maxsize=None)
def _style(role: str, size: float, line: float) -> Style:
    return Style(role, size, line)


class RoleWeightStyle(Style):
    """A style in its role's own faces at the role's weight (``.f-title`` without the titles'
    ``font-weight: normal``: the 发文机关标志 is set in the bold face when the role's font is one)."""

    @property
    def faces(self):
        from .. import fonts

        faces = fonts.role_faces(self.role)
        if not faces:
            raise Unsupported(self.role)
        return faces


def blank(height: float) -> Line:
    return Line(height, lambda page, top: None)


def text_line(style: Style, text: str, xs: list[float] | None, x: float, *, color=None) -> Line:
    """A line of ``text`` whose characters sit at ``xs`` (or from ``x`` at their advances)."""
    height, baseline = style.box(text) if text.strip() else style.box("")

    def draw(page: Page, top: float) -> None:
        if text.strip():
            page.texts.append(Text(style, xs[0] if xs else x, top + baseline, text, xs=xs, color=color))
    return Line(height, draw)


def aligned_line(style: Style, text: str, align: str, *, right_pad: float = 0.0, spacing: float = 0.0,
                 color=None) -> Line:
    """A line centred or set right in the type area (less ``right_pad``), with letter-spacing."""
    widths = style.widths(text)
    width = sum(widths) + spacing * len(text)
    box_width = WIDTH - right_pad
    if width > box_width + EPSILON:
        raise Unsupported("a line longer than its box")  # WeasyPrint would break it
    free = max(0.0, box_width - width)
    x = LEFT + (free / 2 if align == "center" else free)
    xs = []
    for w in widths:
        xs.append(x)
        x += w + spacing
    return text_line(style, text, xs, 0.0, color=color)


def paragraph_lines(style: Style, placed: Paragraph, left: float) -> list[Line]:
    return [text_line(style, text, [left + x for x in xs], left) for text, xs in placed]


# -- filling pages -----------------------------------------------------------------------------

class Pages:
    """Pages filled top down from ``TOP`` (``y``: where the next line goes on the last page)."""

    def __init__(self):
        self.pages: list[Page] = [Page()]
        self.y = TOP

    def new_page(self) -> None:
        self.pages.append(Page())
        self.y = TOP

    def fitting(self, lines: list[Line]) -> int:
        return fasttable.fitting((line.height for line in lines), self.y)

    def put(self, lines: list[Line]) -> None:
        page = self.pages[-1]
        for line in lines:
            line.draw(page, self.y)
            self.y += line.height


def flow(blocks: list[Block], pages: Pages) -> None:
    """``blocks`` onto ``pages`` from where they are (see the module's docstring)."""
    i, start, on_page = 0, 0, []  # on_page: (block index, first line) placed on the current page
    while i < len(blocks):
        block, remaining = blocks[i], blocks[i].lines[start:]
        fits = pages.fitting(remaining)
        if fits >= len(remaining):
            _place(pages, block, start, remaining)
            on_page.append((i, start))
            i, start = i + 1, 0
            continue
        keep = 0 if block.whole else lines_kept(len(remaining), fits)
        if keep:
            _place(pages, block, start, remaining[:keep])
            pages.new_page()
            on_page, start = [], start + keep
            continue
        back = _step_back(blocks, i, on_page, pages)
        i, start = back
        on_page = []


def _step_back(blocks: list[Block], i: int, on_page: list, pages: Pages) -> tuple[int, int]:
    """Where to start the next page when block ``i`` (from its current line) does not begin on
    this one: for a block kept with the one before it, before that one's last two lines (or the
    whole of it when fewer than four lines of it are here); then before the headings that keep
    with what follows.  What moves is taken off this page."""
    if not on_page:
        raise Unsupported("a block taller than a page")
    first, start = i, 0
    if blocks[i].keep_with_previous:
        index, begun = on_page[-1]
        if index != i - 1 or blocks[index].whole or (len(blocks[index].lines) - begun < 4 and begun):
            raise Unsupported("the 附件 list")
        if len(blocks[index].lines) - begun >= 4:
            first, start = index, len(blocks[index].lines) - 2
        else:
            first = on_page.pop()[0]
    while start == 0 and on_page and blocks[on_page[-1][0]].keep_with_next and on_page[-1][0] == first - 1:
        if on_page[-1][1]:
            raise Unsupported("a heading split")
        first = on_page.pop()[0]
    if not on_page and not start:
        raise Unsupported("nothing left on the page")
    _redraw(blocks, on_page, first, start, pages)
    pages.new_page()
    return first, start


def _redraw(blocks: list[Block], on_page: list, first: int, start: int, pages: Pages) -> None:
    """The current page again with what stays on it: the blocks before ``first`` and, of
    ``first``, the lines before ``start``."""
    kept = [(index, begun, None) for index, begun in on_page if index < first]
    if start:
        begun = next(b for index, b in on_page if index == first)
        kept.append((first, begun, start))
    pages.pages[-1] = Page()
    pages.y = TOP
    for index, begun, end in kept:
        _place(pages, blocks[index], begun, blocks[index].lines[begun:end])


def _place(pages: Pages, block: Block, start: int, lines: list[Line]) -> None:
    if start == 0:
        for dy, draw in block.floats:
            draw(pages.pages[-1], pages.y + dy)
    pages.put(lines)


# -- the notice --------------------------------------------------------------------------------

def notice_blocks(context: dict, placed: PlacedTexts, *, tight: bool) -> list[Block]:
    """The 印发通知 as blocks (plan.html's section.notice; ``tight``: its tighter pitch)."""
    if not all(str(context.get(key) or "").strip() for key in ("doc_number", "issuer", "sign_date")):
        raise Unsupported("an empty 发文字号, 署名 or 成文日期")  # an empty <p>: no line box in the HTML
    line = TIGHT_LINE if tight else LINE
    fang, title = _style("fang", 16, line), _style("title", 22, line)
    spacing = -0.22
    lines: list[Line] = []
    if context.get("mark_text"):
        size = round(float(context["mark_size"]), 1)
        lines.append(blank(34 * PT_PER_MM))
        mark = RoleWeightStyle("title", size, size)
        lines.append(aligned_line(mark, str(context["mark_text"]), "center", color=RED))
        lines.append(blank(line))
    lines.append(aligned_line(fang, str(context.get("doc_number") or ""), "center", spacing=spacing))
    lines.append(Line(4 * PT_PER_MM + 1.5, _redline))
    lines.append(blank(18.0 if tight else 24.7))
    lines.append(blank(line))
    lines += [aligned_line(title, text, "center") for text in context.get("notice_title_lines") or []]
    lines.append(blank(line))
    lines += paragraph_lines(fang, placed.recipients, LEFT)
    blocks = [Block(lines)]
    blocks += [Block(paragraph_lines(fang, p, LEFT)) for p in placed.notice_body[:-1]]
    blocks.append(signature_block(context, placed, fang, line))
    return blocks


def _redline(page: Page, top: float) -> None:
    y = top + 4 * PT_PER_MM + 0.75
    page.rules.append((LEFT, y, LEFT + WIDTH, y, 1.5, RED))


def signature_block(context: dict, placed: PlacedTexts, fang: Style, line: float) -> Block:
    """The last paragraph, a blank line (two with a seal), 署名 and 成文日期, the seal."""
    lines = paragraph_lines(fang, placed.notice_body[-1], LEFT) if placed.notice_body else []
    lines.append(blank(line))
    sealed = bool(context.get("seal_path"))
    if sealed:
        lines.append(blank(line))
    signature_top = sum(x.height for x in lines)
    name_pad = float(context["name_indent_pt"])
    # plan.html prints the 署名 as it is: off the grid, nothing squeezed
    issuer = Placer({}).place(str(context["issuer"]), None, Box(width_pt=WIDTH - name_pad))
    lines += [aligned_line(fang, text, "right", spacing=-0.22, right_pad=name_pad) for text, _ in issuer]
    lines.append(aligned_line(fang, str(context.get("sign_date") or ""), "right", spacing=-0.22,
                              right_pad=float(context["date_indent_pt"])))
    floats = []
    if sealed:
        floats.append((signature_top, _seal_drawer(context)))
    return Block(lines, whole=True, floats=floats)


def _seal_drawer(context: dict):
    from ..fastpdf import seal_image

    path = str(context["seal_path"])
    _, _, w, h = seal_image(path)  # (decoded once: seal_image keeps it for the PDF writer)
    width = 42 * PT_PER_MM
    height = width * h / w

    def draw(page: Page, top: float) -> None:
        right = LEFT + WIDTH - float(context["seal_right_pt"])
        page.images.append(Image(path, right - width, top - 14 * PT_PER_MM, width, height, 0.9))
    return draw


# -- the plan ----------------------------------------------------------------------------------

_ROLES = {1: "hei", 2: "kai"}


def plan_blocks(context: dict, placed: PlacedTexts) -> list[Block]:
    """The 实施方案's title, text and 附件 list (section.plan)."""
    title = _style("title", 22, LINE)
    lines = [aligned_line(title, text, "center") for text in context.get("plan_title_lines") or []]
    blocks = [Block(lines + [blank(LINE)])]
    for block, paragraph in zip(context.get("blocks") or [], placed.blocks):
        level = block.get("level") if block.get("kind") != "para" else None
        style = _style(_ROLES.get(level, "fang"), 16, LINE)
        blocks.append(Block(paragraph_lines(style, paragraph, LEFT), keep_with_next=level in _ROLES))
    fang = _style("fang", 16, LINE)
    attachments = [blank(LINE)]
    for paragraph in placed.attachments:
        attachments += paragraph_lines(fang, paragraph, LEFT + 94.68)
    if placed.attachments:
        blocks.append(Block(attachments, whole=True, keep_with_previous=True))
    return blocks


def text_pages(context: dict, placed: PlacedTexts) -> list[Page]:
    """The notice's page (at its normal pitch, else the tighter one: GB/T 9704 keeps 署名 and
    成文日期 on the notice's page) and the plan's pages."""
    for tight in (False, True):
        notice = Pages()
        try:
            flow(notice_blocks(context, placed, tight=tight), notice)
        except Unsupported:
            continue
        if len(notice.pages) == 1:
            break
    else:
        raise Unsupported("the notice takes more than a page")
    plan = Pages()
    flow(plan_blocks(context, placed), plan)
    return notice.pages + plan.pages
