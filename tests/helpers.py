"""Extracting content from the files we write, so tests compare content, not bytes."""
from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pdfplumber
from docx import Document
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "data_examples"  # also in conftest; import from here (tests/web has a conftest of its own)


def _open(source) -> io.BytesIO | str:
    if isinstance(source, (bytes, bytearray)):
        return io.BytesIO(source)
    return str(source)


def pdf_pages_text(source) -> list[str]:
    with pdfplumber.open(_open(source)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def pdf_text(source) -> str:
    return "\n".join(pdf_pages_text(source))


def pdf_chars(source) -> list[list[dict]]:
    """Per page, the characters with font name, size and position (pt, origin top-left)."""
    with pdfplumber.open(_open(source)) as pdf:
        return [[{k: c[k] for k in ("text", "fontname", "size", "x0", "top", "x1", "bottom")}
                 for c in page.chars] for page in pdf.pages]


def pdf_tables(source) -> list[list[list[str]]]:
    """Every table row found on every page (ruled tables)."""
    rows = []
    with pdfplumber.open(_open(source)) as pdf:
        for page in pdf.pages:
            for table in page.extract_tables():
                rows.extend([[(c or "").replace("\n", "") for c in row] for row in table])
    return rows


def docx_document(source):
    return Document(_open(source))


def docx_text(source) -> str:
    """Paragraphs and table cells, in document order, one per line."""
    document = docx_document(source)
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def docx_tables(source) -> list[list[list[str]]]:
    document = docx_document(source)
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]


def xlsx_rows(source, sheet: str | int = 0) -> list[list]:
    """Cell values as a viewer that does not recalculate shows them (a formula's saved value)."""
    wb = load_workbook(_open(source), data_only=True)
    ws = wb.worksheets[sheet] if isinstance(sheet, int) else wb[sheet]
    return [["" if v is None else v for v in row] for row in ws.iter_rows(values_only=True)]


def libreoffice_available() -> bool:
    return shutil.which("soffice") is not None or shutil.which("libreoffice") is not None


def libreoffice_to_pdf(path: Path, outdir: Path) -> Path:
    """Convert with a real office suite; proves the file opens cleanly."""
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    profile = outdir / "lo-profile"
    subprocess.run([binary, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(outdir), str(path)], check=True, capture_output=True, timeout=180)
    return outdir / (path.stem + ".pdf")


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie (reads /proc: Linux only)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
