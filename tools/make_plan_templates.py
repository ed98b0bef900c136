"""Build templates/docx/plan.docx: the GB/T 9704 page, grid, footers and paragraph styles
of the 实施方案 (content is added by sp_docs.render.plan_docx).  Run after changing the styles:
    python tools/make_plan_templates.py
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from docx import Document  # noqa: E402
from docx.shared import Pt  # noqa: E402

from sp_docs.render import ooxml  # noqa: E402
from sp_docs.render.plan_docx import define_styles  # noqa: E402


def plan_docx() -> Path:
    document = Document()
    section = document.sections[0]
    ooxml.set_page(section)
    ooxml.set_line_grid(section)
    normal = document.styles["Normal"]
    ooxml.set_style_font(normal, "fang", 16)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    ooxml.add_page_numbers(document, section)
    define_styles(document)
    document.add_paragraph("（实施方案模板：正文由 sp-docs plan 按本文件的页面设置和段落样式生成）", style="公文正文")
    path = ROOT / "templates" / "docx" / "plan.docx"
    document.save(path)
    return path


if __name__ == "__main__":
    print("built", plan_docx())
