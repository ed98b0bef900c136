"""The direct certificate PDF writer (render/fastpdf.py) against the WeasyPrint path:
same text, same glyph positions and sizes, fonts embedded as subsets, valid files."""
from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from pypdf import PdfReader

from helpers import pdf_chars, pdf_pages_text, pdf_text
from sp_docs.cli import main
from sp_docs.documents import certificate as doc
from sp_docs.errors import SpDocsError
from sp_docs.jobs import certificates as job
from sp_docs.sources.award_list import read_award_list

PT = 72 / 25.4
ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "data_examples"
ISSUER = "中共青川市委教育工作委员会"


def _batch(tmp_path: Path, rows: list[dict], **settings):
    listing = tmp_path / "list.yaml"
    listing.write_text(yaml.safe_dump({"表彰": rows}, allow_unicode=True), encoding="utf-8")
    base = {"颁发单位": ISSUER, "颁发日期": "2025.09.10", **settings}
    path = tmp_path / "settings.yaml"
    path.write_text(yaml.safe_dump(base, allow_unicode=True), encoding="utf-8")
    return doc.build(read_award_list(listing).rows, doc.load_settings(path))


def _seal(path: Path) -> Path:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (120, 120), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((4, 4, 116, 116), outline=(200, 0, 0, 255), width=6)
    image.save(path)
    return path


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    """The example city's awards (or a small list when the example data is absent),
    through both engines."""
    if (EXAMPLE / "city.xlsx").is_file():
        settings = EXAMPLE / "certificate_settings.yaml"
        batch = doc.build(read_award_list(EXAMPLE / "city.xlsx").rows,
                          doc.load_settings(settings if settings.is_file() else None))
    else:
        tmp = tmp_path_factory.mktemp("example")
        batch = _batch(tmp, [{"姓名": n, "所在单位": "青川市第一中学", "荣誉称号": "优秀教师"}
                             for n in ("张三", "欧阳明月", "阿依古丽·买买提", "李小四")])
    assert batch.certificates and not batch.failures
    fast = job.combined_pdf(batch, engine="fast")
    slow = job.combined_pdf(batch, engine="weasyprint", workers=2)
    return batch, fast, slow


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """Every kind of font the writer embeds: TrueType (楷体 ukai), CFF CID-keyed
    (仿宋 Fandol, 黑体/宋体 Noto CJK in a TTC), a glyph from a fallback font (𠮷),
    the plain design, a seal PNG with alpha."""
    tmp = tmp_path_factory.mktemp("mixed")
    seal = _seal(tmp / "seal.png")
    rows = [{"姓名": "王𠮷", "所在单位": "青川市第一中学", "荣誉称号": "优秀教师"},
            {"姓名": "阿依古丽·买买提", "所在单位": "青川市西岭县边城第一中学",
             "荣誉称号": "全市“双培”工程先进个人暨党员教师先锋岗标兵"}]
    batch = _batch(tmp, rows, 设计="plain", 印章={"图片": str(seal)},
                   字段位置={"称呼": {"字体": "黑体"}, "颁发单位": {"字体": "宋体"}, "日期": {"字体": "仿宋"}})
    assert not batch.failures, [f.describe() for f in batch.failures]
    return batch, job.combined_pdf(batch, engine="fast"), job.combined_pdf(batch, engine="weasyprint")


def _assert_same_glyphs(fast: bytes, slow: bytes):
    """Every character: same text, x0/top within 0.5 mm, size within 0.2 pt."""
    a, b = pdf_chars(fast), pdf_chars(slow)
    assert len(a) == len(b)
    worst = 0.0
    for page_a, page_b in zip(a, b):
        assert [c["text"] for c in page_a] == [c["text"] for c in page_b]
        for ca, cb in zip(page_a, page_b):
            worst = max(worst, abs(ca["x0"] - cb["x0"]) / PT, abs(ca["top"] - cb["top"]) / PT)
            assert abs(ca["x0"] - cb["x0"]) <= 0.5 * PT and abs(ca["top"] - cb["top"]) <= 0.5 * PT, (ca, cb)
            assert abs(ca["size"] - cb["size"]) <= 0.2, (ca["text"], ca["size"], cb["size"])
    return worst


def _field_starts(batch, pages) -> list[tuple[str, float, float, float]]:
    """(field key, x0, top, size) of the first character of every field line, found in
    drawing order (design title first)."""
    starts = []
    for cert, chars in zip(batch.certificates, pages):
        text = "".join(c["text"] for c in chars)
        position = text.find("荣誉证书") + 4 if batch.settings.design != "blank" else 0
        for f in cert.fields:
            for line in f.lines:
                position = text.index(line, position)
                c = chars[position]
                starts.append((f.key, c["x0"], c["top"], c["size"]))
                position += len(line)
    return starts


def test_example_city_text_of_every_page_equals_weasyprint(example):
    batch, fast, slow = example
    fast_pages, slow_pages = pdf_pages_text(fast), pdf_pages_text(slow)
    assert len(fast_pages) == len(batch.certificates)
    assert fast_pages == slow_pages
    for cert, page in zip(batch.certificates, fast_pages):
        assert cert.name in page.replace(" ", "").replace("\u3000", "")
    if shutil.which("pdftotext"):  # poppler extracts the same strings
        out = subprocess.run(["pdftotext", "-", "-"], input=fast, capture_output=True).stdout.decode()
        flat = out.replace(" ", "").replace("\u3000", "")
        for cert in batch.certificates:
            assert cert.field("issuer").text in flat and cert.field("number").text.replace(" ", "") in flat


def test_example_city_field_positions_and_sizes_agree_with_weasyprint(example):
    batch, fast, slow = example
    assert _assert_same_glyphs(fast, slow) <= 0.5
    a, b = _field_starts(batch, pdf_chars(fast)), _field_starts(batch, pdf_chars(slow))
    assert len(a) == len(b) >= 6 * len(batch.certificates)
    for (key, x0, top, size), (_, x1, top1, size1) in zip(a, b):
        assert abs(x0 - x1) <= 0.5 * PT and abs(top - top1) <= 0.5 * PT and abs(size - size1) <= 0.2, key
    for cert, (key, x0, top, size) in zip(batch.certificates, a[::len(a) // len(batch.certificates)]):
        assert key == "greeting" and abs(size - cert.field("greeting").size) <= 0.2


def test_every_font_kind_matches_weasyprint(mixed):
    batch, fast, slow = mixed
    assert pdf_pages_text(fast) == pdf_pages_text(slow)
    assert "𠮷" in pdf_text(fast) and "阿依古丽·买买提" in pdf_text(fast).replace(" ", "")
    _assert_same_glyphs(fast, slow)
    fonts = {c["fontname"].split("+", 1)[1] for page in pdf_chars(fast) for c in page}
    assert len(fonts) >= 4  # 楷体, 黑体, 宋体, 仿宋 (+ the fallback for 𠮷)


def test_fonts_are_embedded_once_as_subsets(example, mixed):
    for pdf in (example[1], mixed[1]):
        reader = PdfReader(io.BytesIO(pdf), strict=True)
        seen = {}
        for page in reader.pages:
            for name, ref in page["/Resources"]["/Font"].items():
                seen[ref.idnum] = ref.get_object()
        assert seen and len({f["/BaseFont"] for f in seen.values()}) == len(seen)  # once per file
        for font in seen.values():
            assert font["/Subtype"] == "/Type0" and font["/Encoding"] == "/Identity-H"
            assert "/ToUnicode" in font
            base = str(font["/BaseFont"])
            assert base[1:7].isalpha() and base[1:7].isupper() and base[7] == "+"  # subset tag
            cid = font["/DescendantFonts"][0].get_object()
            descriptor = cid["/FontDescriptor"]
            program = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
            assert program is not None and cid["/W"]
            assert len(program.get_object().get_data()) < 400_000  # a subset, not the whole CJK font
            assert cid["/Subtype"] == ("/CIDFontType2" if "/FontFile2" in descriptor else "/CIDFontType0")


def test_combined_file_is_small_and_valid(example, tmp_path):
    batch, fast, _ = example
    n = len(batch.certificates)
    assert len(fast) / n < 2.5 * 1024 or n < 20
    reader = PdfReader(io.BytesIO(fast), strict=True)
    assert len(reader.pages) == n and reader.metadata.title == "荣誉证书"
    path = tmp_path / "fast.pdf"
    path.write_bytes(fast)
    if shutil.which("qpdf"):
        check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
    if shutil.which("pdftoppm"):
        done = subprocess.run(["pdftoppm", "-r", "30", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")],
                              capture_output=True, text=True)
        assert done.returncode == 0 and not done.stderr.strip(), done.stderr


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="pdftoppm missing")
def test_page_png_shows_border_title_text_and_seal(mixed, tmp_path):
    from PIL import Image

    batch, fast, _ = mixed
    path = tmp_path / "m.pdf"
    path.write_bytes(fast)
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")], check=True)
    image = Image.open(next(tmp_path.glob("p*.png"))).convert("RGB")
    w, h = image.size

    def pixels(box):
        data = image.crop(box).tobytes()
        return [tuple(data[i:i + 3]) for i in range(0, len(data), 3)]

    def dark(box, limit=300):
        found = pixels(box)
        return sum(1 for px in found if sum(px) < limit) / len(found)

    scale = w / batch.settings.page[0]  # px per mm
    title = batch.settings.box("title")
    assert dark((int(title.x * scale), int(title.y * scale), int((title.x + title.width) * scale),
                 int((title.y + title.height) * scale))) > 0.01  # 荣誉证书
    greeting = batch.settings.box("greeting")
    assert dark((int(greeting.x * scale), int(greeting.y * scale), int((greeting.x + greeting.width) * scale),
                 int((greeting.y + greeting.height) * scale))) > 0.01
    assert dark((int(0.045 * min(batch.settings.page) * scale) - 2, h // 3,
                 int(0.045 * min(batch.settings.page) * scale) + 3, 2 * h // 3), 600) > 0.15  # the frame's left edge
    issuer = batch.settings.box("issuer")
    cx, cy = (issuer.x + issuer.width / 2) * scale, (issuer.y + issuer.height / 2) * scale
    red = [px for px in pixels((int(cx - 25 * scale), int(cy - 25 * scale), int(cx + 25 * scale),
                                int(cy + 25 * scale))) if px[0] > 150 and px[1] < 90 and px[2] < 90]
    assert len(red) > 20  # the seal ring, drawn over the issuer with a transparent background
    with __import__("pdfplumber").open(io.BytesIO(fast)) as pdf:
        image_box = pdf.pages[0].images[0]
    assert abs((image_box["x1"] - image_box["x0"]) / PT - batch.settings.seal_size) < 0.5


def test_blank_design_with_offsets_within_half_a_millimetre(tmp_path):
    positions = {"称呼": {"x": 30, "y": 60, "宽": 200, "高": 12}, "正文": {"x": 35, "y": 80, "宽": 210, "高": 50},
                 "颁发单位": {"x": 150, "y": 140, "宽": 100, "高": 12, "对齐": "右"},
                 "编号": {"x": 20, "y": 185, "宽": 100, "高": 8}}
    batch = _batch(tmp_path, [{"姓名": "张三", "所在单位": "青川市第一中学", "荣誉称号": "优秀教师"}],
                   设计="blank", 字段位置=positions)
    dx, dy = 3.5, -2.0
    fast = job.combined_pdf(batch, offset=(dx, dy), engine="fast")
    slow = job.combined_pdf(batch, offset=(dx, dy), engine="weasyprint")
    chars = pdf_chars(fast)[0]
    assert "荣誉证书" not in "".join(c["text"] for c in chars)
    assert "/XObject" not in PdfReader(io.BytesIO(fast)).pages[0]["/Resources"]  # nothing printed but text
    _assert_same_glyphs(fast, slow)
    cert = batch.certificates[0]
    starts = dict((key, (x0, top, size)) for key, x0, top, size in reversed(_field_starts(batch, [chars])))
    for key in ("greeting", "body", "number"):
        box = cert.field(key).box
        assert abs(starts[key][0] / PT - (box.x + dx)) <= 0.5, key
    greeting = [c for c in chars if c["top"] / PT < 60 + dy + 12 and c["bottom"] / PT > 60 + dy]
    middle = sum((c["top"] + c["bottom"]) / 2 for c in greeting) / len(greeting) / PT
    assert abs(middle - (60 + dy + 6)) <= 0.5
    issuer_text = cert.field("issuer").text
    issuer = [c for c in chars if 140 + dy <= c["top"] / PT <= 152 + dy and c["text"] in issuer_text]
    assert abs(max(c["x1"] for c in issuer) / PT - (250 + dx)) <= 0.5  # right-aligned to the box edge


def test_per_person_files_each_hold_their_own_subset(tmp_path):
    rows = [{"姓名": n, "所在单位": "青川市第一中学", "荣誉称号": "优秀教师"} for n in ("张三", "欧阳明月", "李小四")]
    batch = _batch(tmp_path, rows)
    singles = list(job.single_pdfs(batch, engine="fast"))
    assert [c.name for c, _ in singles] == ["张三", "欧阳明月", "李小四"]
    for cert, data in singles:
        text = pdf_text(data).replace(" ", "").replace("\u3000", "")
        assert cert.name in text and all(other.name not in text for other, _ in singles if other is not cert)
        assert len(data) < 60 * 1024
    combined = {}
    both = job.combined_and_single_pdfs(batch, lambda c, d: combined.__setitem__(c.name, d), engine="fast")
    assert len(pdf_chars(both)) == 3 and set(combined) == {"张三", "欧阳明月", "李小四"}


def test_engine_choice(tmp_path):
    batch = _batch(tmp_path, [{"姓名": "张三", "所在单位": "青川市第一中学", "荣誉称号": "优秀教师"}])
    assert job.use_fast("auto", None) and not job.use_fast("weasyprint", None)
    user = tmp_path / "tpl"
    (user / "html").mkdir(parents=True)
    source = (ROOT / "templates" / "html" / "certificate.html").read_text(encoding="utf-8")
    (user / "html" / "certificate.html").write_text(source.replace("荣誉证书</div>", "嘉奖证书</div>"), encoding="utf-8")
    assert not job.use_fast("auto", user)
    with pytest.raises(SpDocsError):
        job.use_fast("fast", user)
    assert "嘉奖证书" in pdf_text(job.combined_pdf(batch, template_dir=user)).replace(" ", "")  # the user's template is used
    listing = tmp_path / "list.yaml"
    result = CliRunner().invoke(main, ["certificates", str(listing), "--settings", str(tmp_path / "settings.yaml"),
                                       "-o", str(tmp_path / "out"), "--format", "pdf", "--engine", "fast",
                                       "--templates", str(user)])
    assert result.exit_code != 0 and "Traceback" not in result.output and "--engine" in result.output


def test_fonttools_subsetter_when_harfbuzz_is_unavailable(mixed, monkeypatch):
    from sp_docs.render.fonts import embed

    batch, fast, slow = mixed
    monkeypatch.setattr(embed, "_harfbuzz", lambda: None)
    other = job.combined_pdf(batch, engine="fast")
    assert other != fast
    assert pdf_pages_text(other) == pdf_pages_text(slow)
    _assert_same_glyphs(other, slow)
