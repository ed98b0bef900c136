"""Containment and limits corpus (issue 17): hostile templates, settings and files,
built into a folder at test time (symlinks and big files are not committed).

Each case is a CLI run: ``build(folder)`` writes its inputs and returns the
arguments; the run must end with the expected exit status and every expected
Chinese fragment, within the time and memory budget, and no output may hold
/etc/passwd or the environment marker.  ``python contain_corpus.py FOLDER``
writes every case's inputs into FOLDER to try them by hand.
"""
from __future__ import annotations

import io
import struct
import sys
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "data_examples"
DATA = EXAMPLES / "school.yaml"
UNIT, YEAR = "青川市实验小学", 2025
ENV_MARKER = "SPDOCS_ENV_MARKER_7f3a"  # set in the child's environment; must never reach an output
PASSWD_MARKER = "root:x:0:0"


@dataclass
class Case:
    name: str
    what: str
    build: Callable[[Path], list[str]]
    code: int
    fragments: tuple[str, ...]
    env: dict = field(default_factory=dict)


CASES: list[Case] = []


def case(name: str, what: str, code: int, *fragments: str, env: dict | None = None):
    def register(func):
        CASES.append(Case(name, what, func, code, fragments, env or {}))
        return func
    return register


# -- helpers -------------------------------------------------------------------

def annex2(folder: Path, fmt: str = "pdf") -> list[str]:
    return ["annex", "2", str(DATA), "--unit", UNIT, "--year", str(YEAR), "--templates", str(folder / "t"),
            "--format", fmt, "-o", str(folder / "out")]


def html_template(folder: Path, name: str, body: str, field: str = "unit_name") -> Path:
    (folder / "t" / "html").mkdir(parents=True, exist_ok=True)
    path = folder / "t" / "html" / name
    path.write_text(f"<html><body><p>{{{{ {field} }}}}</p>{body}</body></html>", encoding="utf-8")
    return path


def docx_bytes(paragraph: str, document_xml: str | None = None) -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    if document_xml is None:
        return buffer.getvalue()
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = document_xml.encode("utf-8") if info.filename == "word/document.xml" else source.read(info)
            target.writestr(info.filename, data)
    return out.getvalue()


def docx_template(folder: Path, name: str, data: bytes) -> None:
    (folder / "t" / "docx").mkdir(parents=True, exist_ok=True)
    (folder / "t" / "docx" / name).write_bytes(data)


def certificates(folder: Path, settings: str = "", names=("张三",), unit="青川市实验小学", fmt="pdf",
                 extra=()) -> list[str]:
    rows = "".join(f"  - 姓名: {n}\n    所在单位: {unit}\n    荣誉称号: 优秀教师\n" for n in names)
    (folder / "list.yaml").write_text("表彰:\n" + rows, encoding="utf-8")
    (folder / "settings.yaml").write_text('颁发单位: "中共青川市委教育工作委员会"\n颁发日期: "2025.09.10"\n' + settings,
                                          encoding="utf-8")
    return ["certificates", str(folder / "list.yaml"), "--settings", str(folder / "settings.yaml"),
            "-o", str(folder / "out"), "--format", fmt, "--jobs", "1", *extra]


def laughs(levels: int = 9) -> str:
    lines = ['a0: &a0 ["哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def png_header(width: int, height: int) -> bytes:
    """A PNG whose header declares ``width`` × ``height`` (the pixel data is not there:
    the header alone must be enough to refuse it)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(
        b"IEND", b"")


def xlsx_rows(rows: int, dimension: str | None = None) -> bytes:
    """A minimal workbook with one sheet of ``rows`` rows (written as raw XML: fast)."""
    sheet = ["<?xml version='1.0' encoding='UTF-8'?>",
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">']
    if dimension:
        sheet.append(f'<dimension ref="{dimension}"/>')
    sheet.append("<sheetData>")
    sheet += [f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>x{r}</t></is></c></row>' for r in range(1, rows + 1)]
    sheet.append("</sheetData></worksheet>")
    return _workbook({"教师": "".join(sheet)})


def _workbook(sheets: dict[str, str], doctype: str = "") -> bytes:
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    files = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
        'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-'
                  'officedocument.spreadsheetml.worksheet+xml"/>' for i in range(1, len(sheets) + 1)) + "</Types>",
        "_rels/.rels": f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>",
        "xl/workbook.xml": f'<?xml version="1.0"?>{doctype}<workbook {ns} xmlns:r="{rel}"><sheets>'
        + "".join(f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(sheets, 1))
        + "</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships">' + "".join(
            f'<Relationship Id="rId{i}" Type="{rel}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)) + "</Relationships>",
    }
    for i, xml in enumerate(sheets.values(), 1):
        files[f"xl/worksheets/sheet{i}.xml"] = xml
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return out.getvalue()


# -- reading files it must not ---------------------------------------------------------

@case("html_symlink_file", "annex2.html includes pw.txt, a link to /etc/passwd", 1, "模板文件夹之外的链接", "pw.txt")
def _(folder):
    html_template(folder, "annex2.html", '{% include "pw.txt" %}')
    (folder / "t" / "html" / "pw.txt").symlink_to("/etc/passwd")
    return annex2(folder)


@case("html_symlink_environ", "annex2.html includes a link to /proc/self/environ", 1, "模板文件夹之外的链接")
def _(folder):
    html_template(folder, "annex2.html", '{% include "env.txt" %}')
    (folder / "t" / "html" / "env.txt").symlink_to("/proc/self/environ")
    return annex2(folder)


@case("html_symlink_folder", "annex2.html includes etc/passwd through a link to the folder /etc", 1,
      "模板文件夹之外的链接")
def _(folder):
    html_template(folder, "annex2.html", '{% include "etc/passwd" %}')
    (folder / "t" / "html" / "etc").symlink_to("/etc")
    return annex2(folder)


@case("html_dotdot", "annex2.html includes ../../../../etc/passwd", 1, "不在模板文件夹内", "..")
def _(folder):
    html_template(folder, "annex2.html", '{% include "../../../../../../etc/passwd" %}')
    return annex2(folder)


@case("html_absolute", "annex2.html imports /etc/passwd", 1, "不在模板文件夹内", "/etc/passwd")
def _(folder):
    html_template(folder, "annex2.html", '{% import "/etc/passwd" as pw %}')
    return annex2(folder)


@case("html_template_is_link", "the user's annex2.html itself is a link to a file outside the folder", 1,
      "模板文件夹之外的链接")
def _(folder):
    (folder / "outside.html").write_text("<p>{{ unit_name }}</p>", encoding="utf-8")
    (folder / "t" / "html").mkdir(parents=True)
    (folder / "t" / "html" / "annex2.html").symlink_to(folder / "outside.html")
    return annex2(folder)


@case("html_folder_is_link", "the template folder's html/ is a link to /etc (extends passwd)", 1,
      "模板文件夹之外的链接")
def _(folder):
    (folder / "t").mkdir()
    (folder / "elsewhere").mkdir()
    (folder / "elsewhere" / "annex2.html").write_text('{% extends "passwd" %}', encoding="utf-8")
    (folder / "t" / "html").symlink_to(folder / "elsewhere")
    return annex2(folder)


@case("certificate_html_symlink", "certificate.html includes a link to /etc/passwd", 1, "模板文件夹之外的链接")
def _(folder):
    html_template(folder, "certificate.html", '{% include "pw.txt" %}', field="pages")
    (folder / "t" / "html" / "pw.txt").symlink_to("/etc/passwd")
    return certificates(folder, extra=("--templates", str(folder / "t")))


@case("docx_symlink", "a DOCX template ({% include %} of a link to /etc/passwd)", 1, "模板文件夹之外的链接")
def _(folder):
    docx_template(folder, "annex2.docx", docx_bytes('{% include "pw.txt" %}{{ unit_name }}'))
    (folder / "t" / "docx" / "pw.txt").symlink_to("/etc/passwd")
    return annex2(folder, "docx")


@case("certificate_docx_symlink", "a certificate.docx template includes a link to /etc/passwd", 1,
      "模板文件夹之外的链接")
def _(folder):
    docx_template(folder, "certificate.docx", docx_bytes('{% include "pw.txt" %}{{ name }}'))
    (folder / "t" / "docx" / "pw.txt").symlink_to("/etc/passwd")
    return certificates(folder, fmt="docx", extra=("--templates", str(folder / "t")))


@case("html_asset_links", "annex2.html shows an image and a stylesheet that are links to /etc files: "
      "the PDF is made without them", 0, "已写入")
def _(folder):
    html_template(folder, "annex2.html", '<link rel="stylesheet" href="etc/passwd"><img src="pw.png">'
                                         '<img src="../../../../../etc/hostname">')
    (folder / "t" / "html" / "pw.png").symlink_to("/etc/passwd")
    (folder / "t" / "html" / "etc").symlink_to("/etc")
    return annex2(folder)


@case("docx_dotdot", "a DOCX template includes ../../etc/passwd", 1, "不在模板文件夹内")
def _(folder):
    docx_template(folder, "annex2.docx", docx_bytes('{% include "../../../../../etc/passwd" %}{{ unit_name }}'))
    return annex2(folder, "docx")


# -- exhausting memory or CPU through templates -------------------------------------------

for _name, _body, _fragment in (
        ("html_repeat", "{{ 'a' * 10**9 }}", "“*”重复"),
        ("html_nested_range", "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
         "range() 的循环次数"),
        ("html_range_huge", "{% for i in range(10**9) %}{% endfor %}", "range() 的循环次数"),
        ("html_lipsum", "{{ lipsum(1000000) }}", "lipsum"),
        ("html_center", "{{ 'a'|center(1000000000) }}", "过滤器 center"),
        ("html_doubling", "{% set ns = namespace(s='ab') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}"
                          "{% endfor %}{{ ns.s }}", "内存"),
        ("html_output", "{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}", "输出的文字"),
        ("html_format_width", "{{ '%999999999d' % 1 }}", "格式的宽度"),
        ("html_float_overflow", "{{ 10.0 ** 400 }}", "数值过大")):
    case(_name, f"annex2.html: {_body}", 2 if _fragment not in ("lipsum", "数值过大") else 1, _fragment)(
        lambda folder, body=_body: (html_template(folder, "annex2.html", body), annex2(folder))[1])


@case("html_busy_loop", "annex2.html: nested loops over strings (no range): the time limit", 2, "渲染的时间",
      env={"SP_DOCS_LIMIT_RENDER_SECONDS": "2"})
def _(folder):
    html_template(folder, "annex2.html",
                  "{% for a in 'x' * 100000 %}{% for b in 'y' * 100000 %}{% endfor %}{% endfor %}")
    return annex2(folder)


@case("docx_repeat", "a DOCX template: {{ 'a' * 10**9 }}", 2, "“*”重复")
def _(folder):
    docx_template(folder, "annex2.docx", docx_bytes("{{ unit_name }}{{ 'a' * 10**9 }}"))
    return annex2(folder, "docx")


@case("docx_entities", "a DOCX template whose document.xml declares entities (billion laughs)", 2, "DTD/实体声明",
      "document.xml")
def _(folder):
    entities = '<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)) + "]>"
    xml = ('<?xml version="1.0" encoding="UTF-8"?>' + entities +
           '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
           "<w:t>&j;</w:t></w:r></w:p></w:body></w:document>")
    docx_template(folder, "annex2.docx", docx_bytes("x", xml))
    return annex2(folder, "docx")


@case("docx_bomb", "a 0.3 MB DOCX template holding 300 MB of document.xml", 2, "压缩炸弹")
def _(folder):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as handle:
            block = b" " * (1 << 20)
            for _ in range(300):
                handle.write(block)
    docx_template(folder, "annex2.docx", out.getvalue())
    return annex2(folder, "docx")


@case("wording_repeat", "certificate wording 正文: {{ 姓名 * 100000000 }}", 2, "证书设置中的文字模板", "“*”重复")
def _(folder):
    return certificates(folder, '正文: "{{ 姓名 * 100000000 }}"\n')


@case("wording_nested_range", "certificate wording: two nested range(100000)", 2, "range() 的循环次数")
def _(folder):
    return certificates(folder, '正文: "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}'
                                '{% endfor %}{{ 姓名 }}"\n')


@case("wording_security", "certificate wording reaching Python internals", 1, "不允许的内部属性")
def _(folder):
    return certificates(folder, '正文: "{{ 姓名.__class__.__mro__ }}"\n')


# -- YAML -----------------------------------------------------------------------------------

@case("yaml_laughs_rules", "rules file: billion laughs", 2, "YAML 展开别名")
def _(folder):
    (folder / "rules.yaml").write_text(laughs(), encoding="utf-8")
    return ["check", str(DATA), "--rules", str(folder / "rules.yaml")]


@case("yaml_laughs_points", "points table: billion laughs", 2, "YAML 展开别名")
def _(folder):
    (folder / "points.yaml").write_text(laughs(), encoding="utf-8")
    return ["points", str(DATA), "--table", str(folder / "points.yaml"), "-o", str(folder / "out")]


@case("yaml_laughs_answers", "questionnaire answers: billion laughs", 2, "YAML 展开别名")
def _(folder):
    (folder / "answers.yaml").write_text(laughs(), encoding="utf-8")
    return ["plan", str(folder / "answers.yaml"), "-o", str(folder / "out")]


@case("yaml_laughs_settings", "certificate settings: billion laughs", 2, "YAML 展开别名")
def _(folder):
    args = certificates(folder)
    (folder / "settings.yaml").write_text(laughs(), encoding="utf-8")
    return args


@case("yaml_laughs_data", "data YAML: billion laughs", 2, "YAML 展开别名")
def _(folder):
    (folder / "data.yaml").write_text(laughs(), encoding="utf-8")
    return ["check", str(folder / "data.yaml")]


@case("yaml_big", "a 12 MB data YAML", 2, "YAML 文件大小")
def _(folder):
    line = "# " + "填" * 100 + "\n"
    (folder / "data.yaml").write_text(line * (12 * 1024 * 1024 // len(line.encode("utf-8")) + 1), encoding="utf-8")
    return ["check", str(folder / "data.yaml")]


# -- workbooks --------------------------------------------------------------------------------

@case("xlsx_rows", "a workbook with 210 000 rows (the limit is 200 000)", 2, "工作簿的行数")
def _(folder):
    (folder / "big.xlsx").write_bytes(xlsx_rows(210_000))
    return ["check", str(folder / "big.xlsx")]


@case("xlsx_xxe", "a workbook whose workbook.xml declares an external entity (XXE)", 2, "DTD/实体声明")
def _(folder):
    doctype = '<!DOCTYPE workbook [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    (folder / "xxe.xlsx").write_bytes(_workbook({"教师": '<worksheet xmlns="http://schemas.openxmlformats.org/'
                                                       'spreadsheetml/2006/main"><sheetData/></worksheet>'},
                                                 doctype))
    return ["check", str(folder / "xxe.xlsx")]


# -- images -----------------------------------------------------------------------------------

@case("seal_plan", "plan: a 30000×30000 seal PNG", 2, "像素数", "seal_image")
def _(folder):
    (folder / "seal.png").write_bytes(png_header(30000, 30000))
    answers = (EXAMPLES / "answers.yaml").read_text(encoding="utf-8").replace("seal_image: plan_seal.png",
                                                                            f"seal_image: {folder / 'seal.png'}")
    (folder / "answers.yaml").write_text(answers, encoding="utf-8")
    return ["plan", str(folder / "answers.yaml"), "-o", str(folder / "out"), "--format", "docx"]


@case("seal_certificates", "certificates: a 30000×30000 seal PNG", 2, "像素数", "settings.yaml")
def _(folder):
    (folder / "seal.png").write_bytes(png_header(30000, 30000))
    return certificates(folder, f"印章:\n  图片: {folder / 'seal.png'}\n")


@case("html_image_asset", "annex2.html shows a 30000×30000 PNG from the template folder", 2, "像素数", "big.png")
def _(folder):
    html_template(folder, "annex2.html", '<img src="big.png">')
    (folder / "t" / "html" / "big.png").write_bytes(png_header(30000, 30000))
    return annex2(folder)


# -- file names -------------------------------------------------------------------------------

@case("long_names", "per-person ledger files 编号_单位_姓名 of over 255 bytes (a unit of 90 × 单)", 0, "成功 10 份")
def _(folder):
    text = DATA.read_text(encoding="utf-8").replace(UNIT, "单" * 90)
    (folder / "long.yaml").write_text(text, encoding="utf-8")
    return ["ledgers", str(folder / "long.yaml"), "--format", "docx", "-o", str(folder / "out")]


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "contain_corpus")
    for item in CASES:
        (target / item.name).mkdir(parents=True, exist_ok=True)
        print(item.name, " ".join(item.build(target / item.name)))
