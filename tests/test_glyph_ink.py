"""Glyph ink (issue 16, item 1): a character whose glyph is EMPTY counts as missing.

AR PL UKai (the 楷体 of certificates when no 楷体_GB2312 is installed) lists
U+4DAE 䶮 and 46 other CJK Ext-A characters in its cmap, but their glyphs have
no contours.  They must be taken from the next font of the chain (and reported
when no font draws them), and nothing the fonts claim may print blank.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from helpers import pdf_chars
from sp_docs.cli import main
from sp_docs.documents import certificate as doc
from sp_docs.documents.certificate import FieldView, PageView, SheetView, TitleView
from sp_docs.jobs import certificates as job
from sp_docs.render import fonts
from sp_docs.render.fastpdf import CertificateWriter
from sp_docs.sources.award_list import read_award_list

UKAI = "/usr/share/fonts/truetype/arphic/ukai.ttc"
YAN = "\u4dae"  # 䶮
needs_ukai = pytest.mark.skipif(not Path(UKAI).is_file(), reason="AR PL UKai is not installed")
needs_pdftoppm = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm is not installed")


def _batch(tmp_path: Path, names: list[str]):
    listing = tmp_path / "list.yaml"
    rows = [{"姓名": n, "所在单位": "青川市第一中学", "荣誉称号": "优秀教师"} for n in names]
    listing.write_text(yaml.safe_dump({"表彰": rows}, allow_unicode=True), encoding="utf-8")
    settings = tmp_path / "settings.yaml"
    settings.write_text(yaml.safe_dump({"颁发单位": "青川市教育局", "颁发日期": "2025.09.10"}, allow_unicode=True),
                        encoding="utf-8")
    return listing, settings, doc.build(read_award_list(listing).rows, doc.load_settings(settings))


def _page_image(pdf: bytes, tmp_path: Path, dpi: int, page: int = 1):
    from PIL import Image

    source = tmp_path / f"ink-{page}.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-f", str(page), "-l", str(page), "-png",
                    str(source), str(tmp_path / f"ink-{page}")], check=True, timeout=120)
    image = next(tmp_path.glob(f"ink-{page}*.png"))
    return Image.open(image).convert("L")


def _ink_mask(image, threshold: int = 128):
    """White where the page is darker than ``threshold``, black elsewhere."""
    lut = [255 if v < threshold else 0 for v in range(256)]
    return image.point(lut)


def _dark_pixels(mask, box_pt: tuple[float, float, float, float], dpi: int) -> int:
    """Inked pixels of ``mask`` (``_ink_mask``) inside ``box_pt`` (x0, top, x1, bottom in pt)."""
    scale = dpi / 72
    x0, top, x1, bottom = (round(v * scale) for v in box_pt)
    crop = mask.crop((x0, top, max(x1, x0 + 1), max(bottom, top + 1)))
    return crop.histogram()[255]


@pytest.fixture()
def only_ukai_for_kai(monkeypatch):
    """A machine where 楷体 resolves to AR PL UKai and no fallback font is installed."""
    real = fonts.font_sources
    monkeypatch.setattr(fonts, "font_sources",
                        lambda role: [(UKAI, 0)] if role == "kai" else real(role))
    fonts.role_faces.cache_clear()
    doc.metrics.cache_clear()
    yield
    fonts.role_faces.cache_clear()
    doc.metrics.cache_clear()


@needs_ukai
def test_ukai_lists_yan_but_its_glyph_is_empty():
    ukai = fonts.face(UKAI, 0)
    assert ukai.lists(ord(YAN)) and not ukai.has(ord(YAN))
    assert len([c for c in ukai.empty if 0x3400 <= c <= 0x4DBF]) >= 40  # 47 Ext-A characters, e.g. 䲟 䴓 㖞
    assert {0x4C9F, 0x4D13, 0x359E} <= ukai.empty
    assert ukai.has(ord("张")) and ukai.has(0x3000)  # ink, and the ideographic space is blank by design
    assert fonts.face_for(ord(YAN), fonts.role_faces("kai")) is not ukai


@needs_ukai
def test_the_rare_character_report_names_yan_when_no_font_has_its_ink(tmp_path, only_ukai_for_kai):
    assert fonts.missing_glyphs(f"刘{YAN}", "kai") == [YAN]
    listing, settings, batch = _batch(tmp_path, [f"刘{YAN}", "张三"])
    assert [c.name for c in batch.certificates] == ["张三"]
    assert YAN in batch.failures[0].describe() and "生僻字" in batch.failures[0].describe()
    result = CliRunner().invoke(main, ["certificates", str(listing), "--settings", str(settings), "-o",
                                       str(tmp_path / "out"), "--format", "pdf"])
    assert result.exit_code == 1 and YAN in result.output and "第1行" in result.output


@needs_ukai
@needs_pdftoppm
@pytest.mark.parametrize("engine", ["fast", "weasyprint"])
def test_certificate_prints_yan_through_the_next_font(tmp_path, engine):
    _, _, batch = _batch(tmp_path, [f"刘{YAN}"])
    assert not batch.failures
    pdf = job.combined_pdf(batch, engine=engine, workers=1)
    chars = pdf_chars(pdf)[0]
    text = "".join(c["text"] for c in chars)
    assert f"刘\u3000{YAN}" in text  # a two-character name is padded
    at = next(i for i, c in enumerate(chars) if c["text"] == YAN)
    yan, liu = chars[at], chars[at - 2]
    assert "UKai" in liu["fontname"] and "UKai" not in yan["fontname"]  # 刘 in 楷体, 䶮 from the next font
    image = _page_image(pdf, tmp_path, 100)
    box = (yan["x0"], yan["top"], yan["x1"], yan["bottom"])
    assert _dark_pixels(_ink_mask(image), box, 100) > 20, "䶮 printed blank"


def _claimed_ext_ab(role: str) -> list[int]:
    """CJK Ext-A and Ext-B code points that some face of the role's chain lists."""
    claimed = set()
    for face in fonts.role_faces(role):
        for first, last in face.coverage:
            for lo, hi in ((0x3400, 0x4DBF), (0x20000, 0x2A6DF)):
                claimed.update(range(max(first, lo), min(last, hi) + 1))
    return sorted(claimed)


@needs_pdftoppm
def test_no_ext_a_or_ext_b_character_the_fonts_claim_prints_blank(tmp_path):
    """Every Ext-A/Ext-B character a font of the 楷体 or 仿宋 chain claims is either
    reported missing (no face has its ink) or printed with ink: one PDF, each
    (face, character) once, ink looked for in each character's cell."""
    todo, seen = [], set()
    for role in ("kai", "fang"):
        claimed = _claimed_ext_ab(role)
        assert len(claimed) > 1000
        chain = fonts.role_faces(role)
        drawn = [code for code in claimed if fonts.face_for(code, chain) is not None]
        missing = set(fonts.missing_glyphs("".join(map(chr, claimed)), role))
        assert missing == {chr(c) for c in claimed} - {chr(c) for c in drawn}
        for code in drawn:
            key = (id(fonts.face_for(code, chain)), code)
            if key not in seen:
                seen.add(key)
                todo.append((role, code))
    cell, columns, rows = 5.0, 56, 38  # mm; A4 landscape, 2128 characters a page
    pages = []
    for start in range(0, len(todo), columns * rows):
        part = todo[start:start + columns * rows]
        pages.append(PageView("", "", [
            FieldView("name", [chr(code)], 8 + (i % columns) * cell, 8 + (i // columns) * cell, cell, cell, 10,
                      role, "left", cell * 72 / 25.4)
            for i, (role, code) in enumerate(part)]))
    title = TitleView(0, 0, 297, 20, 40, "kai", 50)
    writer = CertificateWriter(SheetView("blank", 297, 210, pages, None, title, 9))
    source = tmp_path / "all.pdf"
    source.write_bytes(writer.write(pages).getvalue())
    dpi, blank = 72, []  # a thin one-stroke glyph (𠃍) at 10 pt is light grey at this resolution
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(source), str(tmp_path / "all")],
                   check=True, timeout=300)
    from PIL import Image

    images = sorted(tmp_path.glob("all-*.png"))
    assert len(images) == len(pages)
    for page, image in zip(pages, images):
        mask = _ink_mask(Image.open(image).convert("L"), threshold=224)
        for f in page.fields:
            x, y, size = f.x * 72 / 25.4, f.y * 72 / 25.4, cell * 72 / 25.4
            if mask.crop(tuple(round(v * dpi / 72) for v in (x, y, x + size, y + size))).getbbox() is None:
                blank.append(f"U+{ord(f.lines[0]):04X}")
    assert not blank, f"{len(blank)} characters printed blank: {' '.join(blank[:20])}"
