"""Measuring a LibreOffice rendering of our DOCX against the tool's own PDF (pdfplumber, pt)."""
from __future__ import annotations

import difflib
import os
import shutil
import subprocess
from pathlib import Path

import pdfplumber

ROOT = Path(__file__).resolve().parents[1]
ALIASES = ROOT / "templates" / "fontconfig" / "65-sp-docs-gongwen.conf"
MM = 72 / 25.4


def fontconfig_env(workdir: Path) -> dict[str, str]:
    """An environment whose fontconfig reads the system set-up plus the project's alias file,
    as on an office machine after scripts/setup.sh (without touching /etc)."""
    workdir.mkdir(parents=True, exist_ok=True)
    conf = workdir / "fonts.conf"
    conf.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <include ignore_missing="no">{ALIASES}</include>
  <cachedir>{workdir / 'fc-cache'}</cachedir>
</fontconfig>
""", encoding="utf-8")
    return {**os.environ, "FONTCONFIG_FILE": str(conf)}


def convert_all(paths: list[Path], outdir: Path, env: dict[str, str]) -> dict[Path, Path]:
    """One LibreOffice start for many files (it is slow on a loaded machine); own profile."""
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    outdir.mkdir(parents=True, exist_ok=True)
    subprocess.run([binary, f"-env:UserInstallation=file://{outdir / 'lo-profile'}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(outdir), *map(str, paths)],
                   check=True, capture_output=True, timeout=600, env=env)
    result = {path: outdir / (path.stem + ".pdf") for path in paths}
    missing = [str(p) for p in result.values() if not p.is_file()]
    assert not missing, missing
    return result


def page_count(pdf: Path) -> int:
    with pdfplumber.open(str(pdf)) as doc:
        return len(doc.pages)


def lines(pdf: Path) -> list[str]:
    """Every text line of every page, spaces removed (LibreOffice and WeasyPrint space differently)."""
    with pdfplumber.open(str(pdf)) as doc:
        return [line.replace(" ", "") for page in doc.pages for line in (page.extract_text() or "").splitlines()
                if line.strip()]


def equal_line_share(reference: Path, other: Path) -> float:
    """Share of the reference's lines found, in order, with the same text in ``other``."""
    a, b = lines(reference), lines(other)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / max(len(a), 1)


def font_families(pdf: Path) -> set[str]:
    """Base font names (subset prefix dropped) of every character drawn."""
    with pdfplumber.open(str(pdf)) as doc:
        return {c["fontname"].split("+", 1)[-1] for page in doc.pages for c in page.chars}


def line_top(pdf: Path, page: int, text: str) -> float | None:
    """Top (pt) of the first line of ``page`` (0-based) whose text, spaces removed, starts with ``text``."""
    with pdfplumber.open(str(pdf)) as doc:
        rows: dict[int, list[dict]] = {}
        for char in doc.pages[page].chars:
            rows.setdefault(round(char["top"]), []).append(char)
    for top in sorted(rows):
        chars = sorted(rows[top], key=lambda c: c["x0"])
        if "".join(c["text"] for c in chars).replace(" ", "").startswith(text):
            return min(c["top"] for c in chars)
    return None


def horizontal_rules(pdf: Path, page: int, min_width: float = 300) -> list[tuple[float, float, float]]:
    """(y, x0, x1) of the long horizontal rules on ``page``, top to bottom: the horizontal lines and
    thin rectangles at one height (within 1.5 pt) joined into one rule."""
    with pdfplumber.open(str(pdf)) as doc:
        p = doc.pages[page]
        found = [(item["top"], item["x0"], item["x1"]) for item in p.lines + p.rects
                 if item["bottom"] - item["top"] < 3]
    merged: list[tuple[float, float, float]] = []
    for y, x0, x1 in sorted(found):
        if merged and abs(merged[-1][0] - y) < 1.5:
            merged[-1] = (merged[-1][0], min(merged[-1][1], x0), max(merged[-1][2], x1))
        else:
            merged.append((y, x0, x1))
    return [rule for rule in merged if rule[2] - rule[1] >= min_width]


def page_number_sides(pdf: Path) -> list[str]:
    """'left'/'right'/'center'/'none' for the "— n —" page number at the foot of each page."""
    sides = []
    with pdfplumber.open(str(pdf)) as doc:
        for p in doc.pages:
            dashes = [c for c in p.chars if c["text"] == "—" and c["top"] > p.height * 0.85]
            if not dashes:
                sides.append("none")
                continue
            centre = (min(c["x0"] for c in dashes) + max(c["x1"] for c in dashes)) / 2
            third = p.width / 3
            sides.append("left" if centre < third else "right" if centre > 2 * third else "center")
    return sides
