"""Build templates/docx/plan.docx: the GB/T 9704 page, grid, footers and paragraph styles
of the 实施方案 (content is added by sp_docs.render.plan_docx).  Run after changing the styles:
    python tools/make_plan_templates.py
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tools"))

from make_templates import gongwen_document  # noqa: E402

from sp_docs.render import ooxml  # noqa: E402
from sp_docs.render.plan_docx import define_styles  # noqa: E402


def allow_hanging_punctuation(document) -> None:
    """Leave w:overflowPunct out of the defaults (the base sets it to 0): then Word, WPS and
    LibreOffice all let 。，、；：！？ hang past the margin, as the PDF does.  LibreOffice 7.4 reads
    an explicit 0 as "hang" and 1 as "don't", the opposite of Word, so no explicit value gives
    the same line breaks in all three."""
    styles = document.styles.element
    for found in styles.findall(".//" + ooxml.qn("w:overflowPunct")):
        found.getparent().remove(found)


def plan_docx() -> Path:
    document = gongwen_document()
    # 22 lines × 28 characters (GB/T 9704): Word, WPS and LibreOffice lay the body on this grid
    ooxml.char_grid(document.sections[0])
    allow_hanging_punctuation(document)
    define_styles(document)
    document.add_paragraph("（实施方案模板：正文由 sp-docs plan 按本文件的页面设置和段落样式生成）", style="公文正文")
    path = ROOT / "templates" / "docx" / "plan.docx"
    document.save(path)
    return path


if __name__ == "__main__":
    print("built", plan_docx())
