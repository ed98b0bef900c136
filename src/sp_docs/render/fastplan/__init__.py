"""A direct PDF writer for the built-in 实施方案 (the fast path of ``plan``).

WeasyPrint lays out templates/html/plan.html in about a second of CPU in a new process
(importing it takes another half second).  Here the same pages are laid out directly and
written with PDF operators (render/fasttable_pdf.py), like the 附件2 table (render/fasttable.py)
and the certificates (render/fastpdf.py):

- the running text is set line by line as WeasyPrint sets it (render/plan_lines.Placer: Pango's
  break opportunities, the fonts' advances, the grid padding and the squeezes of render/plan_grid.py,
  worked out paragraph by paragraph as ``plan_context.grid_squeeze`` works them out): ``texts.py``;
- the notice and the plan's pages are filled as the CSS fills them: ``flow.py``;
- the three 附件 pages with their tables and the 版记: ``annexes.py``;
- the page numbers “— N —” as the @page margin boxes place them.

A user's plan.html, ``SP_DOCS_FAST_PLAN=off``, or a page this layout does not model
(``fasttable.Unsupported``) leave the plan to WeasyPrint (``render_pdf`` returns None)."""
from __future__ import annotations

import os
from pathlib import Path

from ..fasttable import PAGE_H, PAGE_W, Style, Unsupported


def switched_off() -> bool:
    return os.environ.get("SP_DOCS_FAST_PLAN", "").strip().lower() in ("off", "0", "no", "false")


def builtin_template(user_dir: Path | None) -> bool:
    if user_dir is None:
        return True
    from .. import templates

    return templates.find("html", "plan.html", user_dir) == templates.find("html", "plan.html", None)


def render_pdf(view, *, user_dir: Path | None = None) -> bytes | None:
    """The plan's PDF written directly, or None when WeasyPrint must lay it out."""
    from .. import linebreak

    if switched_off() or not builtin_template(user_dir) or not linebreak.available():
        return None
    try:
        return _write(view)
    except Unsupported:
        return None


def _write(view) -> bytes:
    from .. import fonts, plan_context
    from ..fasttable_pdf import pdf_bytes
    from .annexes import annex_pages
    from .flow import text_pages
    from .texts import placed_texts

    context = plan_context.raw_context(view)
    printed = _all_text({k: v for k, v in context.items() if k not in _NOT_PRINTED})
    if fonts.ink_fallback_html(printed) != printed:
        raise Unsupported("ink fallback")
    _check_drawn(printed)
    placed = placed_texts(context)
    pages = text_pages(context, placed) + annex_pages(context, placed)
    page_numbers(pages)
    return pdf_bytes(pages, title=str(context.get("plan_title") or ""), width=PAGE_W, height=PAGE_H, rule=0.75)


_NOT_PRINTED = {"seal_uri", "seal_path", "warnings"}


def _all_text(context: dict) -> str:
    """Every string of the context (to find characters the HTML path sets in a fallback family)."""
    out: list[str] = []

    def walk(value):
        if isinstance(value, str):
            out.append(value.replace("<", " "))
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)
    walk(context)
    return "\n".join(out)


def _check_drawn(text: str) -> None:
    """Every character has a face in the roles' chains; one that none draws is left to
    WeasyPrint, which asks fontconfig for any installed font that has it."""
    import unicodedata

    from .. import fonts

    chains = [fonts.role_faces(role) for role in ("fang", "hei", "kai", "title")]
    for char in set(text):
        if unicodedata.category(char) in ("Zs", "Zl", "Zp", "Cc", "Cf"):  # spaces, controls, U+200B
            continue
        if any(fonts.face_for(ord(char), chain) is None for chain in chains):
            raise Unsupported(f"no face draws {char!r}")


def page_numbers(pages) -> None:
    """“— N —” as the 附件2 writer places it, on the plan's margin-box line (line-height 14 pt)."""
    from ..fasttable import page_numbers as number_pages

    number_pages(pages, Style("song", 14, 14))
