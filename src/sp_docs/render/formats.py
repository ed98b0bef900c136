"""One view-model, every format: ``<name>.docx``, ``<name>.xlsx`` and ``<name>.html``."""
from __future__ import annotations

from pathlib import Path

FORMATS = ("xlsx", "docx", "pdf")


def parse_formats(text: str, allowed: tuple[str, ...] = FORMATS) -> list[str]:
    from ..errors import SpDocsError

    chosen = [part.strip().lower() for part in text.replace("，", ",").split(",") if part.strip()]
    unknown = [f for f in chosen if f not in allowed]
    if unknown or not chosen:
        raise SpDocsError(f"不支持的格式：{'、'.join(unknown) or '（空）'}；可选：{','.join(allowed)}")
    return list(dict.fromkeys(chosen))


def render(name: str, context: dict, fmt: str, *, user_dir: Path | None = None,
           rows_by_sheet: dict | None = None, docx_post_process=None, author: str = "", title: str = "") -> bytes:
    """``author`` (the issuing unit) and ``title`` go into the DOCX's core properties."""
    if fmt == "docx":
        from .docx import render_docx

        return render_docx(f"{name}.docx", context, user_dir=user_dir, post_process=docx_post_process,
                           author=author, title=title)
    if fmt == "xlsx":
        from .xlsx import render_xlsx

        return render_xlsx(f"{name}.xlsx", context, user_dir=user_dir, rows_by_sheet=rows_by_sheet)
    if fmt == "pdf":
        from .pdf import render_pdf

        return render_pdf(f"{name}.html", context, user_dir=user_dir)
    raise ValueError(fmt)
