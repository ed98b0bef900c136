"""Table text in the 附件1/附件2/台账 Word templates keeps its own compact line spacing instead of
snapping to the page's 28.95 pt line grid (LibreOffice/Word spread header text out otherwise)."""
from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn

import helpers
from sp_docs.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "data_examples"


def _spacing(paragraph):
    p_pr = paragraph._p.pPr
    snap = p_pr.find(qn("w:snapToGrid")) if p_pr is not None else None
    spacing = p_pr.find(qn("w:spacing")) if p_pr is not None else None
    return (snap.get(qn("w:val")) if snap is not None else None,
            spacing.get(qn("w:lineRule")) if spacing is not None else None,
            int(spacing.get(qn("w:line"))) / 20 if spacing is not None and spacing.get(qn("w:line")) else None)


@pytest.mark.parametrize("name", ["annex1.docx", "annex2.docx", "ledger.docx"])
def test_table_paragraphs_do_not_snap_to_the_grid(name):
    document = helpers.docx_document(ROOT / "templates" / "docx" / name)
    # the annexes' pages keep their line grid; the 台账 form has none (LibreOffice moved its text
    # 2–4 mm down to fit whole grid lines; its rows are as tall as the PDF's instead)
    grid = document.sections[0]._sectPr.find(qn("w:docGrid"))
    assert (grid is None) == (name == "ledger.docx"), name
    cells = [p for table in document.tables for row in table.rows for cell in row.cells
             for p in cell.paragraphs if p.text.strip() and not p.text.startswith("{%")]
    assert cells
    for paragraph in cells:
        snap, rule, line = _spacing(paragraph)
        assert snap == "0" and rule == "exact" and line < 22, (name, paragraph.text, snap, rule, line)


@pytest.mark.skipif(not helpers.libreoffice_available(), reason="LibreOffice not installed")
def test_annex1_header_lines_compact_in_libreoffice(tmp_path):
    result = CliRunner().invoke(main, ["annex", "1", str(EXAMPLES / "city.xlsx"), "--settings",
                                       str(EXAMPLES / "rules.yaml"), "-o", str(tmp_path), "--format", "docx"])
    assert result.exit_code == 0, result.output
    docx = next(tmp_path.glob("*.docx"))
    pdf = helpers.libreoffice_to_pdf(docx, tmp_path)
    with pdfplumber.open(str(pdf)) as doc:
        chars = doc.pages[0].chars
    # the first header cell “骨干教师培养成共产党员数” wraps over several lines in its narrow column
    first = min((c for c in chars if c["text"] == "骨"), key=lambda c: (c["top"], c["x0"]))
    head = [c for c in chars if c["text"] in "骨干教师培养成共产党员数" and abs(c["x0"] - first["x0"]) < 25
            and c["top"] >= first["top"] - 1]  # not the title's 培 above the table
    tops = sorted({round(c["top"], 1) for c in head})
    pitches = [b - a for a, b in zip(tops, tops[1:])]
    pitches = pitches[:next((i for i, p in enumerate(pitches) if p > 40), len(pitches))]  # the header cell only
    assert len(tops) >= 3 and pitches
    assert max(pitches) < 16, pitches  # 10.5 pt × 1.35, not one 28.95 pt grid line per text line
