"""Build templates/docx/certificate.docx (荣誉证书, docxtpl tags).

    python tools/make_certificate_templates.py
Users may redesign the generated file in Word/WPS; keep the {{ … }} tags:
greeting, body, closing, issuer, date, number (also available: name, unit, title), and
{{r seal }} in the issuer's paragraph, where the seal picture is anchored (centred over it).
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: E402
from docx.shared import Mm, Pt, RGBColor  # noqa: E402

from sp_docs.render import ooxml  # noqa: E402
from sp_docs.render.docx_base import new_document  # noqa: E402

DOCX_DIR = ROOT / "templates" / "docx"


def _para(document, text, role, size, align=None, before=0, after=0, color=None, spacing=None, right_mm=0):
    para = document.add_paragraph()
    if align is not None:
        para.alignment = align
    fmt = para.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if right_mm:
        fmt.right_indent = Mm(right_mm)
    run = para.add_run(text)
    ooxml.set_run_font(run, role, size)
    if color:
        run.font.color.rgb = RGBColor.from_string(color)
    if spacing:
        ooxml.set_char_spacing(run._element.get_or_add_rPr(), int(spacing * 20))
    return para


def certificate_docx() -> Path:
    document = new_document()
    section = document.sections[0]
    ooxml.set_page(section, landscape=True, margins_twips={"top": 1134, "bottom": 1134, "left": 1701,
                                                            "right": 1701})
    ooxml.set_page_border(section)
    normal = document.styles["Normal"]
    ooxml.set_style_font(normal, "kai", 22)
    _para(document, "荣誉证书", "title", 48, WD_ALIGN_PARAGRAPH.CENTER, before=18, after=24, color="B3141B",
          spacing=16)
    _para(document, "{{ greeting }}", "kai", 24, after=8)
    _para(document, "{{ body }}", "kai", 22, after=4)
    _para(document, "{{ closing }}", "kai", 22, after=40)
    issuer = _para(document, "{{ issuer }}", "kai", 20, WD_ALIGN_PARAGRAPH.RIGHT, after=6, right_mm=10)
    # the seal (when the settings give one) floats over this paragraph: a run of its own before the text
    seal = issuer.add_run("{{r seal }}")
    issuer.runs[0]._r.addprevious(seal._r)
    _para(document, "{{ date }}", "kai", 18, WD_ALIGN_PARAGRAPH.RIGHT, after=30, right_mm=25)
    _para(document, "{{ number }}", "fang", 11)
    DOCX_DIR.mkdir(parents=True, exist_ok=True)
    path = DOCX_DIR / "certificate.docx"
    document.save(path)
    return path


BUILDERS = [certificate_docx]

if __name__ == "__main__":
    for build in BUILDERS:
        print("written", build())
