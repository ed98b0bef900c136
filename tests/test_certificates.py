"""荣誉证书: list reading, names, numbering, fitted typography, 套打 positions, CLI."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from helpers import docx_document, docx_text, libreoffice_available, libreoffice_to_pdf, pdf_chars, pdf_text
from sp_docs.cli import main
from sp_docs.documents import certificate as doc
from sp_docs.errors import InputError
from sp_docs.jobs import certificates as job
from sp_docs.sources.award_list import read_award_list

PT = 72 / 25.4  # pt per mm
ISSUER = "中共青川市委教育工作委员会"
LONG_UNIT = "青川市西岭县边城第一中学"  # 12 characters
LONG_TITLE = "全市“双培”工程先进个人暨党员教师先锋岗标兵"


def award(name, unit="青川市第一中学", title="优秀教师", **extra):
    return {"姓名": name, "所在单位": unit, "荣誉称号": title, **extra}


def write_list(tmp_path: Path, rows: list[dict], name="list.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump({"表彰": rows}, allow_unicode=True), encoding="utf-8")
    return path


def write_settings(tmp_path: Path, **data) -> Path:
    base = {"颁发单位": ISSUER, "颁发日期": "2025.09.10"}
    base.update(data)
    path = tmp_path / "settings.yaml"
    path.write_text(yaml.safe_dump(base, allow_unicode=True), encoding="utf-8")
    return path


def build(tmp_path, rows, **settings):
    lst = read_award_list(write_list(tmp_path, rows))
    return doc.build(lst.rows, doc.load_settings(write_settings(tmp_path, **settings)))


# -- names, numbers, settings ---------------------------------------------------

def test_display_name_pads_two_character_names_only():
    assert doc.display_name("张三") == "张\u3000三"
    assert doc.display_name("张三", pad=False) == "张三"
    assert doc.display_name("欧阳明月") == "欧阳明月"
    assert doc.display_name("阿依古丽·买买提") == "阿依古丽·买买提"
    assert doc.display_name("Li Na") == "Li Na"


def test_page_sizes():
    assert doc.parse_page_size("A4横向") == (297, 210)
    assert doc.parse_page_size("A4纵向") == (210, 297)
    assert doc.parse_page_size("正度16开") == (195, 270)
    assert doc.parse_page_size("大度16开横向") == (295, 220)
    assert doc.parse_page_size("250x180") == (250, 180)
    with pytest.raises(ValueError):
        doc.parse_page_size("B9")


def test_numbers_follow_pattern_restart_each_year_and_keep_a_stable_order(tmp_path):
    rows = [award("王五", title="优秀教师", 颁发日期="2024.09.10"), award("赵六", title="党员教师先锋"),
            award("钱七", title="优秀教师"), award("孙八", title="优秀教师", 证书编号="自带-9")]
    number = {"格式": "{前缀}〔{年份}〕{序号}号", "前缀": "青证", "位数": 3, "排序": "荣誉称号"}
    batch = build(tmp_path, rows, 证书编号=number)
    numbers = {c.name: c.number for c in batch.certificates}
    assert numbers["王五"] == "青证〔2024〕001号"
    assert numbers["孙八"] == "自带-9"
    # sorted by 荣誉称号 (党员教师先锋 before 优秀教师), numbering per year
    assert numbers["赵六"] == "青证〔2025〕001号" and numbers["钱七"] == "青证〔2025〕002号"
    again = build(tmp_path, rows, 证书编号=number)
    assert [c.number for c in again.certificates] == [c.number for c in batch.certificates]


def test_settings_errors_are_named_all_at_once(tmp_path):
    path = write_settings(tmp_path, 纸张="B9", 设计="fancy", 证书编号={"格式": "{前缀}{__class__}"},
                          字段位置={"称呼": {"x": "左边"}, "正文": {"字体": "宋体三号", "对齐": "两端"}})
    with pytest.raises(InputError) as info:
        doc.load_settings(path)
    text = str(info.value)
    for expected in ("纸张", "设计", "__class__", "称呼.x", "字段位置“正文”的字体应为 ", "字段位置“正文”的对齐应为 左、中 或 右"):
        assert expected in text


def test_new_settings_file_loads_back(tmp_path):
    path = tmp_path / "s.yaml"
    result = CliRunner().invoke(main, ["certificates", "new-settings", str(path), "--page-size", "A4纵向"])
    assert result.exit_code == 0, result.output
    settings = doc.load_settings(path)
    assert settings.page == (210, 297) and settings.design == "formal"
    assert "颁发单位" in path.read_text(encoding="utf-8")


# -- reading lists ------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_csv_lists_in_common_encodings(tmp_path, encoding):
    path = tmp_path / "名单.csv"
    path.write_bytes("姓名,所在单位,荣誉称号\n张三,青川市第一中学,优秀教师\n欧阳明月,青川市实验小学,优秀班主任\n"
                     .encode(encoding))
    lst = read_award_list(path)
    assert [r.award.name for r in lst.good] == ["张三", "欧阳明月"]


def test_missing_column_is_a_located_error(tmp_path):
    path = tmp_path / "名单.csv"
    path.write_text("姓名,单位\n张三,青川市第一中学\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_award_list(path)
    assert "荣誉称号" in str(info.value)


def test_bad_rows_are_reported_by_row_and_the_rest_still_render(tmp_path):
    rows = [award("张三"), award(None), award("李四", 颁发日期="2025.13.45"), award("王五")]
    batch = build(tmp_path, rows)
    assert [c.name for c in batch.certificates] == ["张三", "王五"]
    assert [f.row for f in batch.failures] == [2, 3]
    assert "颁发日期" in batch.failures[1].describe()


def test_rare_character_is_reported_not_printed(tmp_path):
    batch = build(tmp_path, [award("张\U00030000"), award("李四")])
    assert [c.name for c in batch.certificates] == ["李四"]
    assert "生僻字" in batch.failures[0].describe() and batch.failures[0].row == 1


def test_too_long_past_the_floor_is_reported(tmp_path):
    batch = build(tmp_path, [award("张三", unit="青川市" * 30)])
    assert not batch.certificates
    assert "最小字号" in batch.failures[0].describe()


# -- typography in the PDF ---------------------------------------------------------

LONGEST = [award("阿依古丽·买买提", LONG_UNIT, LONG_TITLE), award("欧阳明月", LONG_UNIT, "优秀教师"),
           award("张三", "青川市第一中学", "党员教师先锋")]


def _field_chars(chars, box: doc.Box, dx=0.0, dy=0.0):
    top, bottom = (box.y + dy) * PT, (box.y + dy + box.height) * PT
    return [c for c in chars if top - 1 <= (c["top"] + c["bottom"]) / 2 <= bottom + 1 and c["text"].strip()]


def _overlap(a, b) -> bool:
    return (min(a["x1"], b["x1"]) - max(a["x0"], b["x0"]) > 0.3 and
            min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 0.3)


@pytest.fixture(scope="module")
def longest_pdf(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("longest")
    # a narrower greeting box than the default so the longest name and unit must shrink
    batch = build(tmp_path, LONGEST, 字段位置={"称呼": {"宽": 160}})
    assert not batch.failures, [f.describe() for f in batch.failures]
    return batch, job.combined_pdf(batch)


def test_longest_values_fit_without_overlap_or_clipping(longest_pdf):
    batch, pdf = longest_pdf
    pages = pdf_chars(pdf)
    assert len(pages) == 3
    width, height = batch.settings.page
    for cert, chars in zip(batch.certificates, pages):
        for c in chars:
            assert 0 <= c["x0"] and c["x1"] <= width * PT and 0 <= c["top"] and c["bottom"] <= height * PT
        for i, a in enumerate(chars):
            for b in chars[i + 1:]:
                assert not _overlap(a, b), (a, b)
        for field in cert.fields:
            box = field.box
            inside = _field_chars(chars, box) if field.key != "body" else [
                c for c in chars if box.y * PT <= c["top"] and c["bottom"] <= (box.y + box.height) * PT + 1]
            assert inside, field.key
            assert min(c["x0"] for c in inside) >= box.x * PT - 0.5, field.key
            assert max(c["x1"] for c in inside) <= (box.x + box.width) * PT + 0.5, field.key
            assert box.floor - 0.01 <= field.size <= box.size
            assert all(abs(c["size"] - field.size) < 0.3 for c in inside if c["text"] not in "·"), field.key
    first = batch.certificates[0]
    assert first.field("greeting").size < batch.settings.box("greeting").size  # it had to shrink


def test_names_titles_are_set_whole(longest_pdf):
    batch, pdf = longest_pdf
    text = pdf_text(pdf).replace(" ", "").replace("\u3000", "")
    for name in ("阿依古丽·买买提", "欧阳明月", "张三"):
        assert name + "同志：" in text
    assert LONG_UNIT in text
    body = batch.certificates[0].field("body")
    assert any(LONG_TITLE in line for line in body.lines)  # never broken across lines
    assert "二〇二五年九月" in text and ISSUER in text and "特发此证，以资鼓励。" in text


def test_blank_design_with_offsets_puts_fields_where_settings_say(tmp_path):
    positions = {"称呼": {"x": 30, "y": 60, "宽": 200, "高": 12}, "颁发单位": {"x": 150, "y": 140, "宽": 100, "高": 12}}
    batch = build(tmp_path, [award("张三")], 设计="blank", 字段位置=positions)
    dx, dy = 3.5, -2.0
    pdf = job.combined_pdf(batch, offset=(dx, dy))
    chars = pdf_chars(pdf)[0]
    assert "荣誉证书" not in "".join(c["text"] for c in chars)  # blank: only variable text
    greeting = _field_chars(chars, batch.settings.box("greeting"), dx, dy)
    assert abs(min(c["x0"] for c in greeting) / PT - (30 + dx)) <= 0.5
    middle = sum((c["top"] + c["bottom"]) / 2 for c in greeting) / len(greeting) / PT
    assert abs(middle - (60 + dy + 6)) <= 0.5
    issuer = _field_chars(chars, batch.settings.box("issuer"), dx, dy)
    centre = (min(c["x0"] for c in issuer) + max(c["x1"] for c in issuer)) / 2 / PT
    assert abs(centre - (150 + dx + 50)) <= 0.5


def test_seal_is_placed_over_the_issuer(tmp_path):
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00\x80")) + chunk(b"IEND", b""))
    (tmp_path / "seal.png").write_bytes(png)
    batch = build(tmp_path, [award("张三")], 印章={"图片": "seal.png"})
    import pdfplumber, io
    with pdfplumber.open(io.BytesIO(job.combined_pdf(batch))) as pdf:
        image = pdf.pages[0].images[0]
    issuer = batch.settings.box("issuer")
    assert abs((image["x1"] - image["x0"]) / PT - 42) < 0.5
    assert abs((image["x0"] + image["x1"]) / 2 / PT - (issuer.x + issuer.width / 2)) < 0.5
    assert abs((image["top"] + image["bottom"]) / 2 / PT - (issuer.y + issuer.height / 2)) < 0.5


# -- the command ------------------------------------------------------------------

def test_command_writes_combined_per_person_and_docx_with_a_summary(tmp_path):
    rows = [award("张三"), award("张三", unit="青川市实验小学"), award("{{ 7*7 }}<w:t>"), award(None)]
    path = write_list(tmp_path, rows)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["certificates", str(path), "--settings", str(write_settings(tmp_path)),
                                       "-o", str(out), "--per-person", "--workers", "1"])
    assert result.exit_code == 1, result.output  # one bad row
    assert "成功 3 张" in result.output and "失败 1 行" in result.output and "第4行" in result.output
    combined = out / "荣誉证书_list.pdf"
    assert len(pdf_chars(combined)) == 3
    assert "{{ 7*7 }}<w:t>" in pdf_text(combined)
    singles = sorted(p.name for p in (out / "PDF").iterdir())
    assert len(singles) == 3 and len(set(singles)) == 3
    assert any(name.endswith("_张三.pdf") for name in singles)
    docx = out / "荣誉证书_list.docx"
    text = docx_text(docx)
    assert text.count("同志：") == 3 and "{{ 7*7 }}<w:t>" in text and "二〇二五年九月" in text
    assert len(list((out / "Word").iterdir())) == 3
    # existing outputs are kept unless --force
    again = CliRunner().invoke(main, ["certificates", str(path), "--settings", str(write_settings(tmp_path)),
                                      "-o", str(out), "--format", "pdf"])
    assert again.exit_code == 1 and "--force" in again.output


def test_calibration_page_has_rulers_and_crosshairs(tmp_path):
    out = tmp_path / "calib.pdf"
    result = CliRunner().invoke(main, ["certificates", "calibrate", "--page-size", "正度16开", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = pdf_text(out)
    assert "100%" in text and "(30, 30)" in text and "260" in text  # last ruler label below 270 mm


@pytest.mark.skipif(not libreoffice_available(), reason="LibreOffice 未安装")
def test_docx_opens_in_libreoffice(tmp_path):
    batch = build(tmp_path, LONGEST[:2])
    path = tmp_path / "c.docx"
    path.write_bytes(job.DocxBatch().combined(batch.certificates))
    pdf = libreoffice_to_pdf(path, tmp_path)
    text = pdf_text(pdf).replace(" ", "")
    assert "阿依古丽·买买提同志：" in text and "欧阳明月同志：" in text
    assert len(pdf_chars(pdf)) == 2
    assert docx_document(path).sections[0].page_width > docx_document(path).sections[0].page_height


# -- wrong settings files, fields off the page (QA findings) ------------------------

@pytest.mark.parametrize("text, says", [
    ("颁发单位: 甲\n签名: 乙\n", ["未知项：签名", "可用：颁发单位"]),
    ("偏移: {x: 1, z: 2}\n", ["“偏移”下有未知项：z", "可用：x、y"]),
    ("教学业绩:\n  年度考核优秀: 5\n", ["党员积分表"]),
    ("as_of:\nmentors:\n  enabled: true\n", ["规则检查设置文件"]),
    ("school_name: 实验小学\nstaff_count: 50\n", ["实施方案问卷答卷"]),
])
def test_wrong_settings_files_are_named(tmp_path, text, says):
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        doc.load_settings(path)
    message = str(info.value.problems.errors[0].message)
    assert all(s in message for s in says), message


def test_offsets_that_push_fields_off_the_page(tmp_path):
    lst = write_list(tmp_path, [award("张三")])
    settings = write_settings(tmp_path)
    with pytest.raises(Exception) as info:
        job.certificates(lst, tmp_path / "o", settings_path=settings, offset_x=500, formats=["pdf"], progress=False)
    assert "完全在纸张之外" in str(info.value) and not (tmp_path / "o").exists()
    outcome = job.certificates(lst, tmp_path / "o2", settings_path=settings, offset_x=80, offset_y=-30,
                               formats=["pdf"], progress=False, workers=1)
    assert any("“正文”超出纸张右边" in w for w in outcome.warnings)
    assert any("“标题”超出纸张上边" in w for w in outcome.warnings)
    assert not job.certificates(lst, tmp_path / "o3", settings_path=settings, formats=["pdf"], progress=False,
                                workers=1).warnings


def test_missing_issuer_and_date_say_how_to_give_them(tmp_path):
    lst = read_award_list(write_list(tmp_path, [award("张三")]))
    batch = doc.build(lst.rows, doc.load_settings(None))
    (failure,) = batch.failures
    text = failure.describe()
    assert "“颁发日期”列" in text and "--settings" in text and "new-settings" in text
