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


def convert_all(paths: list[Path], outdir: Path, env: dict[str, str], target: str = "pdf") -> dict[Path, Path]:
    """One LibreOffice start for many files (it is slow on a loaded machine); own profile."""
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    outdir.mkdir(parents=True, exist_ok=True)
    subprocess.run([binary, f"-env:UserInstallation=file://{outdir / 'lo-profile'}", "--headless",
                    "--convert-to", target, "--outdir", str(outdir), *map(str, paths)],
                   check=True, capture_output=True, timeout=600, env=env)
    result = {path: outdir / f"{path.stem}.{target}" for path in paths}
    missing = [str(p) for p in result.values() if not p.is_file()]
    assert not missing, missing
    return result


# LibreOffice 7.4 reads two paragraph settings of a DOCX differently from Word and WPS: it takes
# w:overflowPunct="0" (no punctuation hanging past the margin) as "hanging allowed" and "1" as "not
# allowed" (writerfilter maps it to ParaIsHangingPunctuation = !value; its own DOCX export writes
# the opposite), and it ignores w:autoSpaceDE/DN="0" (no extra space between Chinese and digits),
# adding a fifth of the font size at each change of script (except on a character grid, where it
# adds none).  Left out, both mean the same to all three (hanging allowed, space added).
# ``convert_as_word_reads`` lays the DOCX out with the settings the file states as Word reads them:
# DOCX → ODT, the default paragraph style's style:punctuation-wrap and style:text-autospace set to
# what the DOCX's default paragraph properties say, ODT → PDF.
WORD_READING = {"overflowPunct": ('style:punctuation-wrap="hanging"', 'style:punctuation-wrap="simple"'),
                 "autoSpaceDE": ('style:text-autospace="ideograph-alpha"', 'style:text-autospace="none"')}


def word_reading_patches(docx: Path) -> list[tuple[str, str]]:
    """The ODT replacements that apply the DOCX's explicit "off" settings of ``WORD_READING``
    (as its docDefaults state them) the way Word reads them."""
    import re
    import zipfile

    with zipfile.ZipFile(docx) as package:
        styles = package.read("word/styles.xml").decode("utf-8")
    defaults = re.search(r"<w:pPrDefault>(.*?)</w:pPrDefault>", styles, re.S)
    stated = defaults.group(1) if defaults else ""
    return [patch for name, patch in WORD_READING.items()
            if re.search(r'<w:%s w:val="(0|false|off)"/>' % name, stated)]


def convert_as_word_reads(paths: list[Path], outdir: Path, env: dict[str, str]) -> dict[Path, Path]:
    """Like ``convert_all``, with the DOCX's punctuation and autospace settings applied as Word reads them."""
    import zipfile

    odts = convert_all(paths, outdir / "odt", env, target="odt")
    patched = []
    for source, odt in odts.items():
        target = outdir / "odt-word" / (source.stem + ".odt")
        target.parent.mkdir(parents=True, exist_ok=True)
        patches = word_reading_patches(source)
        with zipfile.ZipFile(odt) as package, zipfile.ZipFile(target, "w") as out:
            for item in package.infolist():
                data = package.read(item.filename)
                if item.filename == "styles.xml":
                    text = data.decode("utf-8")
                    for old, new in patches:
                        assert old in text, (old, source)
                        text = text.replace(old, new)
                    data = text.encode("utf-8")
                out.writestr(item, data, compress_type=zipfile.ZIP_STORED if item.filename == "mimetype"
                             else zipfile.ZIP_DEFLATED)
        patched.append(target)
    pdfs = convert_all(patched, outdir / "word", env)
    return {source: pdfs[odt] for source, odt in zip(odts, patched)}


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


def differing_lines(reference: Path, other: Path) -> list[list[str]]:
    """The runs of the reference's lines that ``other`` does not have, in order."""
    a, b = lines(reference), lines(other)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return [a[i1:i2] for op, i1, i2, _, _ in matcher.get_opcodes() if op != "equal" and i2 > i1]


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


def _stroke(edge: dict) -> float:
    """Half the width of a stroked line's pen (0 for the edges of a filled shape)."""
    return edge.get("linewidth", 0) / 2 if edge.get("object_type") == "line" and edge.get("stroke") else 0.0


def rules(pdf: Path, page: int, min_width: float = 300) -> list[tuple[float, float, float, float]]:
    """(top, bottom, x0, x1) in pt of the long horizontal rules on ``page``, top to bottom, however
    they are drawn: stroked lines, thin filled rectangles, or a CSS border's frame (WeasyPrint
    fills the ring between the border box and the padding box: its edges, 0.35 mm apart, are
    joined into one rule)."""
    with pdfplumber.open(str(pdf)) as doc:
        edges = sorted((e["top"], _stroke(e), e["x0"], e["x1"]) for e in doc.pages[page].horizontal_edges
                       if e["x1"] - e["x0"] >= min_width)
    found: list[list[float]] = []
    for y, half, x0, x1 in edges:  # a stroked line is as thick as its pen: half of it on each side
        if found and y - half - found[-1][1] < 0.6 * MM:
            last = found[-1]
            last[1], last[2], last[3] = max(last[1], y + half), min(last[2], x0), max(last[3], x1)
        else:
            found.append([y - half, y + half, x0, x1])
    return [tuple(rule) for rule in found]
