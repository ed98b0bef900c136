"""The seal in certificate DOCX: the user's PNG as an image part, an anchored drawing in front of
the text at the configured size, centred over the 颁发单位 (measured after LibreOffice)."""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pdfplumber
import pytest
import yaml
from click.testing import CliRunner
from PIL import Image, ImageDraw

import helpers
from sp_docs.cli import main
from sp_docs.documents import certificate as doc
from sp_docs.jobs import certificates as job
from sp_docs.sources.award_list import read_award_list

EMU_PER_MM = 36000
PT = 72 / 25.4
ISSUER = "中共青川市委教育工作委员会"


def _seal(tmp_path: Path, size=(240, 240)) -> Path:
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, size[0] - 8, size[1] - 8), outline=(220, 0, 0, 255), width=10)
    path = tmp_path / "seal.png"
    image.save(path)
    return path


def _batch(tmp_path: Path, seal: Path | None, diameter: float | None = None, issuer: str = ISSUER):
    rows = [{"姓名": "张三", "所在单位": "青川市第一中学", "荣誉称号": "优秀教师"},
            {"姓名": "欧阳明月", "所在单位": "青川市实验小学", "荣誉称号": "党员教师先锋"}]
    (tmp_path / "list.yaml").write_text(yaml.safe_dump({"表彰": rows}, allow_unicode=True), encoding="utf-8")
    settings = {"颁发单位": issuer, "颁发日期": "2025.09.10"}
    if seal is not None:
        settings["印章"] = {"图片": str(seal), **({"直径": diameter} if diameter else {})}
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    awards = read_award_list(tmp_path / "list.yaml")
    return doc.build(awards.rows, doc.load_settings(tmp_path / "s.yaml"))


def _anchors(docx: bytes) -> tuple[list[str], str, str]:
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        media = [n for n in package.namelist() if n.startswith("word/media/")]
        xml = package.read("word/document.xml").decode("utf-8")
        rels = package.read("word/_rels/document.xml.rels").decode("utf-8")
    return media, xml, rels


@pytest.mark.parametrize("diameter", [None, 30])
def test_docx_holds_the_seal_as_an_anchored_picture(tmp_path, diameter):
    batch = _batch(tmp_path, _seal(tmp_path), diameter)
    settings = batch.settings
    docx = job.DocxBatch(seal=settings.seal, seal_size=settings.seal_size)
    for data, count in ((docx.one(batch.certificates[0]), 1), (docx.combined(batch.certificates), 2)):
        media, xml, rels = _anchors(data)
        assert len(media) == 1 and media[0].endswith(".png")
        anchors = re.findall(r"<wp:anchor [^>]*>.*?</wp:anchor>", xml)
        assert len(anchors) == count
        size = round((diameter or 42) * EMU_PER_MM)
        for anchor in anchors:
            assert 'behindDoc="0"' in anchor  # in front of the text
            assert f'<wp:extent cx="{size}" cy="{size}"/>' in anchor
            embed = re.search(r'r:embed="(rId\d+)"', anchor).group(1)
            assert re.search(rf'Id="{embed}"[^>]*Target="{media[0][5:]}"', rels)
        ids = re.findall(r'<wp:docPr id="(\d+)"', xml)
        assert len(set(ids)) == len(ids)  # unique drawing ids in the combined file
    # the text is still all there
    text = helpers.docx_text(docx.one(batch.certificates[1]))
    assert "欧阳明月" in text and ISSUER in text


def test_docx_without_seal_has_no_picture(tmp_path):
    batch = _batch(tmp_path, None)
    media, xml, _ = _anchors(job.DocxBatch().one(batch.certificates[0]))
    assert not media and "<wp:anchor" not in xml and "seal" not in xml


def test_command_puts_the_seal_in_every_word_file(tmp_path):
    _batch(tmp_path, _seal(tmp_path))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["certificates", str(tmp_path / "list.yaml"), "--settings",
                                       str(tmp_path / "s.yaml"), "-o", str(out), "--format", "docx",
                                       "--per-person"])
    assert result.exit_code == 0, result.output
    files = [out / "荣誉证书_list.docx", *sorted((out / "Word").iterdir())]
    assert len(files) == 3
    for path in files:
        media, xml, _ = _anchors(path.read_bytes())
        assert len(media) == 1 and "<wp:anchor" in xml


@pytest.mark.skipif(not helpers.libreoffice_available(), reason="LibreOffice not installed")
def test_seal_centred_over_the_issuer_in_libreoffice(tmp_path):
    batch = _batch(tmp_path, _seal(tmp_path, (240, 240)), issuer="青川市教育局")
    path = tmp_path / "c.docx"
    path.write_bytes(job.DocxBatch(seal=batch.settings.seal, seal_size=42).one(batch.certificates[0]))
    pdf = helpers.libreoffice_to_pdf(path, tmp_path)
    with pdfplumber.open(str(pdf)) as document:
        page = document.pages[0]
        images = page.images
        words = "".join(c["text"] for c in page.chars)
        issuer = [c for c in page.chars if c["text"] in "青川市教育局" and c["size"] > 15]
    assert len(images) == 1 and "青川市教育局" in words
    image = images[0]
    assert abs((image["x1"] - image["x0"]) / PT - 42) < 0.5
    issuer = [c for c in issuer if abs(c["top"] - issuer[-1]["top"]) < 2]  # the 颁发单位 line
    centre_x = (min(c["x0"] for c in issuer) + max(c["x1"] for c in issuer)) / 2
    centre_y = (min(c["top"] for c in issuer) + max(c["bottom"] for c in issuer)) / 2
    assert abs((image["x0"] + image["x1"]) / 2 - centre_x) < 1 * PT  # mm
    assert abs((image["top"] + image["bottom"]) / 2 - centre_y) < 2.5 * PT
