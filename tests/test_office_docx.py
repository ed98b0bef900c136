"""Word and Excel files as good as the PDF (issue 10, DOCX half).

One session fixture writes every DOCX kind (and the workbooks that come with them) from the
example data; the schema test validates every part of each file with openxml-audit (a port
of the Open XML SDK's ECMA-376 validation); one LibreOffice run converts the plan, the
ledgers, the certificates and the mentors' lists with the project's fontconfig aliases, and
the tests measure that rendering against the tool's own PDFs."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import helpers
import office_layout as L
from sp_docs.cli import main
from sp_docs.render import docx_base, fonts

EXAMPLES = Path(__file__).resolve().parents[1] / "data_examples"
UNIT = "青川市第一中学"


def _run(*args: str) -> None:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="session")
def office_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("office")
    city = str(EXAMPLES / "city.xlsx")
    _run("plan", str(EXAMPLES / "answers.yaml"), "--data", str(EXAMPLES / "school.xlsx"), "-o", str(out / "plan"))
    _run("annex", "1", city, "--settings", str(EXAMPLES / "rules.yaml"), "-o", str(out / "annex1"),
         "--format", "docx,xlsx")
    _run("annex", "2", city, "--unit", UNIT, "-o", str(out / "annex2"), "--format", "docx,xlsx")
    _run("ledgers", city, "--unit", UNIT, "-o", str(out / "ledgers"), "--format", "pdf,docx", "--jobs", "1")
    _run("mentors", city, "--unit", UNIT, "-o", str(out / "mentors"))
    _run("certificates", "make", city, "--settings", str(EXAMPLES / "certificate_settings.yaml"),
         "-o", str(out / "certificates"), "--format", "pdf,docx")
    return out


def _one(folder: Path, pattern: str) -> Path:
    found = sorted(folder.glob(pattern))
    assert found, f"{folder}/{pattern}"
    return found[0]


# -- the Chinese base -------------------------------------------------------------------

def test_every_docx_is_built_on_the_chinese_base(office_dir):
    leftovers = ("ＭＳ 明朝", "ＭＳ ゴシック", "Calibri", "Cambria", "python-docx", "2013-12-23", 'w:eastAsia="en-US"',
                 'w:eastAsia="ja-JP"')
    files = sorted(office_dir.rglob("*.docx"))
    assert len(files) >= 6
    for path in files:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
            xml = {name: package.read(name).decode("utf-8") for name in names if name.endswith(".xml")}
        assert not names & {"word/stylesWithEffects.xml", "docProps/thumbnail.jpeg", "customXml/item1.xml"}, path
        for name, text in xml.items():
            for bad in leftovers:
                assert bad not in text, (path.name, name, bad)
        assert 'w:eastAsia="zh-CN"' in xml["word/styles.xml"] and 'w:eastAsia="zh-CN"' in xml["word/settings.xml"]
        table = xml["word/fontTable.xml"]
        for role in fonts.ROLES.values():  # every official font, GB2312 charset, a Windows alternate
            entry = re.search(r'<w:font w:name="%s">(.*?)</w:font>' % re.escape(role.official), table)
            assert entry, (path.name, role.official)
            assert '<w:charset w:val="86"/>' in entry.group(1) and "<w:altName " in entry.group(1)
            assert "<w:panose1 " in entry.group(1) and "<w:pitch " in entry.group(1)
        assert "<w:altName w:val=\"仿宋\"/>" in table and "<w:altName w:val=\"楷体\"/>" in table


def test_core_properties_come_from_the_data(office_dir):
    from datetime import datetime, timedelta, timezone

    plan = helpers.docx_document(_one(office_dir / "plan", "*.docx")).core_properties
    assert plan.author == "中共青川市实验小学总支部委员会" and plan.title == "青川市实验小学“双培双树”工程实施方案"
    assert plan.language == "zh-CN" and datetime.now(timezone.utc) - plan.created < timedelta(hours=1)
    annex2 = helpers.docx_document(_one(office_dir / "annex2", "*.docx")).core_properties
    assert annex2.author == UNIT and "实施情况汇总表" in annex2.title


def test_quotes_are_marked_east_asian(office_dir):
    with zipfile.ZipFile(_one(office_dir / "plan", "*.docx")) as package:
        body = package.read("word/document.xml").decode("utf-8")
    runs = re.findall(r"<w:r>(?:(?!</w:r>).)*“(?:(?!</w:r>).)*</w:r>", body)
    assert runs and all('w:hint="eastAsia"' in run for run in runs)


def test_base_is_what_the_generator_writes():
    with zipfile.ZipFile(docx_base.base_path()) as package:
        stored = {name: package.read(name).decode("utf-8") for name in package.namelist()}
    assert stored == docx_base.base_parts(), "templates/docx/base.docx: run python tools/make_docx_base.py"


# -- ECMA-376 schema ------------------------------------------------------------------

def _findings(path: Path) -> list[str]:
    from openxml_audit import OpenXmlValidator

    result = OpenXmlValidator(max_errors=50).validate(path)
    return [f"{getattr(e, 'part_uri', '')} {getattr(e, 'path', '')} {e.description}" for e in result.errors]


def test_every_docx_is_schema_valid(office_dir):
    files = sorted(office_dir.rglob("*.docx"))
    # the per-person ledgers share one template: three of them stand for the rest
    files = [f for f in files if f.parent.name != "培养台账_Word"] + sorted(office_dir.rglob("培养台账_Word/*.docx"))[:3]
    problems = {f.name: _findings(f) for f in files}
    assert not {name: found for name, found in problems.items() if found}


def test_every_xlsx_is_schema_valid(office_dir):
    problems = {f.name: _findings(f) for f in sorted(office_dir.rglob("*.xlsx"))}
    bad = {name: found for name, found in problems.items() if found}
    assert not bad


# -- LibreOffice's rendering against the tool's PDF --------------------------------------------

@pytest.fixture(scope="session")
def rendered(office_dir, tmp_path_factory):
    if not helpers.libreoffice_available():
        pytest.skip("LibreOffice not installed")
    work = tmp_path_factory.mktemp("lo")
    docs = {"plan": _one(office_dir / "plan", "*.docx"),
            "ledgers": _one(office_dir / "ledgers", "培养台账_*.docx"),
            "mentors": _one(office_dir / "mentors", "*.docx"),
            "certificates": _one(office_dir / "certificates", "*.docx")}
    singles = sorted((office_dir / "ledgers" / "培养台账_Word").glob("*.docx"))
    env = L.fontconfig_env(work / "fc")
    pdfs = L.convert_all([*docs.values(), *singles], work, env)
    as_word = L.convert_as_word_reads([docs["plan"]], work / "as-word", env)
    return {key: pdfs[path] for key, path in docs.items()} | {"singles": [pdfs[p] for p in singles],
                                                              "plan_as_word": as_word[docs["plan"]],
                                                              "plan_docx": docs["plan"]}


def test_plan_fonts_per_role(rendered):
    families = L.font_families(rendered["plan"])
    expected = {"fang": "FandolFang", "title": "NotoSerifCJK", "hei": "NotoSansCJK", "kai": "UKai"}
    for role, family in expected.items():
        assert any(family in name for name in families), (role, family, families)
    assert any("NotoSerifCJK" in name and "Bold" in name for name in families)  # 小标宋 → the bold face
    quotes = [c for page in helpers.pdf_chars(rendered["plan"]) for c in page if c["text"] in "“”"]
    assert quotes and all(c["x1"] - c["x0"] > 0.9 * c["size"] for c in quotes), \
        sorted({(c["text"], round(c["x1"] - c["x0"], 1), c["size"]) for c in quotes})  # full width, as in the PDF


_AUTOSPACE_OFF = L.WORD_READING["autoSpaceDE"]


def test_plan_lines_follow_the_pdf(office_dir, rendered):
    tool = _one(office_dir / "plan", "*.pdf")
    # LibreOffice 7.4 as it opens the file.  The body lies on a 22 × 28 character grid, where
    # LibreOffice adds no space between Chinese and digits (it ignores w:autoSpaceDE/DN="0") and
    # gives each half-width run whole cells, as the PDF does; the file states no w:overflowPunct, so
    # LibreOffice, Word and WPS all let 。，、；：！？ hang at the end of a line, and the PDF squeezes
    # those lines to hold the mark (docs/office.md gives the figures)
    office = rendered["plan"]
    assert L.page_count(office) == L.page_count(tool)
    share = L.equal_line_share(tool, office)
    assert share >= 0.99, (share, L.differing_lines(tool, office))  # measured 1.000 (191 of 191 lines)
    # the same engine with the file's explicit settings read as Word and WPS read them
    assert L.word_reading_patches(rendered["plan_docx"]) == [_AUTOSPACE_OFF]
    as_word = rendered["plan_as_word"]
    assert L.page_count(as_word) == L.page_count(tool)
    share = L.equal_line_share(tool, as_word)
    assert share >= 0.99, (share, L.differing_lines(tool, as_word))  # measured 1.000


def test_plan_docx_is_on_the_character_grid(office_dir):
    """GB/T 9704: 22 lines of 28 characters; the body styles snap to that grid, set 3号 type 98 %
    wide (one grid cell) and indent in whole cells; no w:overflowPunct anywhere (see above)."""
    with zipfile.ZipFile(_one(office_dir / "plan", "*.docx")) as package:
        body = package.read("word/document.xml").decode("utf-8")
        styles = package.read("word/styles.xml").decode("utf-8")
    assert re.search(r'<w:docGrid w:type="linesAndChars" w:linePitch="579" w:charSpace="-849"/>', body)
    # 16 pt less 849/4096 pt: 28 cells in the 156 mm (442.2 pt) type area
    assert 28 * (16 - 849 / 4096) <= 442.2 < 29 * (16 - 849 / 4096)
    assert "overflowPunct" not in styles + body
    normal = re.search(r'w:styleId="公文正文">(.*?)</w:style>', styles).group(1)
    assert "snapToGrid" not in normal and '<w:w w:val="98"/>' in normal and 'w:firstLine="630"' in normal


def _rows(pdf: Path):
    """(page, characters left to right) of each 3号 text line of the PDF."""
    import pdfplumber

    with pdfplumber.open(str(pdf)) as doc:
        for n, page in enumerate(doc.pages):
            rows: dict[int, list[dict]] = {}
            for char in page.chars:
                if abs(char["size"] - 16) < 0.1 and char["top"] < page.height * 0.85:
                    rows.setdefault(round(char["top"]), []).append(char)
            for _, chars in sorted(rows.items()):
                yield n, sorted(chars, key=lambda c: c["x0"])


def test_plan_pdf_lies_on_the_docx_grid(office_dir):
    """The PDF breaks lines as the DOCX's grid does: a half-width run takes whole character cells
    (“9” in “每年9月” one cell), and a line that ends in a mark the office suites hang is
    squeezed to hold it, inside the type area (GB/T 9704: nothing past 184 mm)."""
    from sp_docs.render import plan_grid

    cell = plan_grid.PDF_CELL_PT
    rows = list(_rows(_one(office_dir / "plan", "*.pdf")))
    assert all(chars[-1]["x1"] < 184 * L.MM + 1 for _, chars in rows)
    texts = ["".join(c["text"] for c in chars) for _, chars in rows]
    row = rows[next(i for i, t in enumerate(texts) if "每年9月" in t)][1]
    at = "".join(c["text"] for c in row).index("每年9月")
    assert abs(row[at + 3]["x0"] - row[at + 1]["x0"] - 2 * cell) < 0.3  # 年 → 月 across one cell of “9”
    squeezed = [chars for _, chars in rows if len(chars) > 20 and chars[-1]["text"] in plan_grid.HANGING
                and (chars[-1]["x0"] - chars[-21]["x0"]) / 20 < cell - 0.3]
    assert squeezed and all(chars[-1]["x1"] <= 184 * L.MM + 0.5 for chars in squeezed)


def test_plan_layout_follows_the_pdf(office_dir, rendered):
    tool, office = _one(office_dir / "plan", "*.pdf"), rendered["plan"]
    for start in ("中共青川市", "关于印发"):  # 发文机关标志, title
        assert abs(L.line_top(office, 0, start) - L.line_top(tool, 0, start)) < 2 * L.MM, start
    red_tool, red_office = L.horizontal_rules(tool, 0), L.horizontal_rules(office, 0)
    assert len(red_office) == 1 and abs(red_office[0][0] - red_tool[0][0]) < 2 * L.MM
    for pdf in (tool, office):  # the 类别 row: one option a line, next to the label's two lines
        annex3 = helpers.pdf_pages_text(pdf)[-1].replace(" ", "").splitlines()
        assert "“双培双树”（）骨干教师培养成共产党员" in annex3 and "类别（）党员教师培养成教学骨干" in annex3, annex3
    last = L.rules(office, L.page_count(office) - 1)[-3:]  # the 版记's three rules
    left, right = 28 * L.MM, (210 - 26) * L.MM
    assert all(abs(x0 - left) < 2 * L.MM and abs(x1 - right) < 2 * L.MM for *_, x0, x1 in last), last
    assert abs(last[-1][1] - (297 - 35) * L.MM) < 2 * L.MM, last  # on the bottom of the type area
    expected = L.rules(tool, L.page_count(tool) - 1)[-3:]
    for (top, bottom, *_), (top_pdf, bottom_pdf, *_) in zip(last, expected):  # where the PDF has them
        assert abs((top + bottom) / 2 - (top_pdf + bottom_pdf) / 2) < 2 * L.MM, (last, expected)
    sides = L.page_number_sides(office)
    assert sides == ["right", "left"] * (len(sides) // 2) + ["right"] * (len(sides) % 2)  # as the PDF: odd right
    assert L.page_number_sides(tool)[:2] == ["right", "left"]


def test_plan_colophon_closes_the_type_area(office_dir):
    """GB/T 9704 7.4.1: the 版记 on the last page, its last rule on the bottom edge of the type area;
    first and last rules 0.35 mm, the one between 0.25 mm, all as wide as the type area."""
    tool = _one(office_dir / "plan", "*.pdf")
    text = helpers.pdf_pages_text(tool)[-1].replace(" ", "")
    assert "抄送：" in text and "印发" in text
    colophon = L.rules(tool, L.page_count(tool) - 1)[-3:]
    assert abs(colophon[-1][1] - (297 - 35) * L.MM) < 0.5 * L.MM, colophon
    assert [round((bottom - top) / L.MM, 2) for top, bottom, *_ in colophon] == [0.35, 0.25, 0.35], colophon
    assert all(abs(x0 - 28 * L.MM) < 0.5 * L.MM and abs(x1 - 184 * L.MM) < 0.5 * L.MM
               for *_, x0, x1 in colophon), colophon
    cc, printer = (L.line_top(tool, L.page_count(tool) - 1, start) for start in ("抄送", "中共"))
    assert colophon[0][1] < cc < colophon[1][0] < printer < colophon[2][0]  # each line between its rules


def test_ledgers_paginate_like_the_pdf(office_dir, rendered):
    from openpyxl import load_workbook

    index = load_workbook(office_dir / "ledgers" / "目录.xlsx").active
    rows = [r for r in index.iter_rows(min_row=3, values_only=True) if r[0]]
    pages = [L.page_count(pdf) for pdf in rendered["singles"]]
    assert len(pages) == len(rows)
    # each Word file has the PDF's page count, so 目录.xlsx's 起始页 and 页数 hold for both
    assert [row[5] for row in rows] == pages
    combined = L.page_count(_one(office_dir / "ledgers", "培养台账_*.pdf"))
    assert L.page_count(rendered["ledgers"]) == combined == rows[-1][4] + rows[-1][5] - 1
    for pdf in rendered["singles"]:
        texts = helpers.pdf_pages_text(pdf)
        assert all("日期·形式" in text.replace(" ", "") for text in texts)  # the header repeats
        assert "培养人意见" in texts[-1] and "日期·形式" in texts[-1]  # never alone on a page


def test_certificate_titles_stay_whole(office_dir, rendered):
    tool = helpers.pdf_pages_text(_one(office_dir / "certificates", "*.pdf"))
    office = helpers.pdf_pages_text(rendered["certificates"])
    assert len(office) == len(tool)
    for text in office:
        compact = text.replace(" ", "")
        quoted = re.findall(r"被评为\n?“([^”]*)”", compact)
        assert quoted and "\n" not in quoted[0], compact


def _line_starts(pdf: Path, page: int) -> list[tuple[float, float, str]]:
    """(top, left, text) of each text line of ``page`` (pt)."""
    import pdfplumber

    with pdfplumber.open(str(pdf)) as doc:
        rows: dict[int, list[dict]] = {}
        for char in doc.pages[page].chars:
            rows.setdefault(round(char["top"]), []).append(char)
    return [(min(c["top"] for c in chars), min(c["x0"] for c in chars),
             "".join(c["text"] for c in sorted(chars, key=lambda c: c["x0"])).replace(" ", ""))
            for _, chars in sorted(rows.items())]


def test_certificate_text_sits_where_the_pdf_has_it(office_dir, rendered):
    tool = _one(office_dir / "certificates", "*.pdf")
    for page in (0, L.page_count(tool) - 1):
        expected, drawn = _line_starts(tool, page), _line_starts(rendered["certificates"], page)
        assert [t for *_, t in drawn] == [t for *_, t in expected]
        for (top_a, left_a, text), (top_b, left_b, _) in zip(expected, drawn):
            assert abs(top_a - top_b) < 2 * L.MM and abs(left_a - left_b) < 2 * L.MM, (text, top_a, top_b)


def test_mentors_page_numbers_alternate_like_the_pdf(office_dir, rendered):
    sides = L.page_number_sides(rendered["mentors"])
    assert sides == L.page_number_sides(_one(office_dir / "mentors", "*.pdf"))
    assert len(sides) > 1 and sides[0::2] == ["right"] * len(sides[0::2]) and set(sides[1::2]) == {"left"}


# -- sp-docs fonts: the name in the DOCX → this machine → the PDF ---------------------------------

def test_fonts_command_shows_what_this_machine_draws(monkeypatch, tmp_path):
    from sp_docs.render import office_fonts

    monkeypatch.setenv("FONTCONFIG_FILE", L.fontconfig_env(tmp_path / "fc")["FONTCONFIG_FILE"])
    rows = {row["docx"]: row for row in office_fonts.report()}
    assert rows["仿宋_GB2312"]["office"] == "FandolFang" == rows["仿宋_GB2312"]["pdf"]
    assert rows["楷体_GB2312"]["office"] == "AR PL UKai CN" and rows["黑体"]["office"] == "Noto Sans CJK SC"
    assert rows["方正小标宋简体"]["office"] == "Noto Serif CJK SC" == rows["宋体"]["office"]
    assert all(row["status"] == "same_as_pdf" for row in rows.values()), rows
    result = CliRunner().invoke(main, ["fonts"])
    assert result.exit_code == 0 and "FandolFang" in result.output and "回退" not in result.output


def test_fonts_without_aliases_say_what_to_install(monkeypatch, tmp_path):
    from sp_docs.render import office_fonts

    bare = tmp_path / "fonts.conf"
    bare.write_text('<?xml version="1.0"?><fontconfig><include ignore_missing="yes">/etc/fonts/fonts.conf'
                    f'</include><cachedir>{tmp_path / "cache"}</cachedir></fontconfig>', encoding="utf-8")
    monkeypatch.setenv("FONTCONFIG_FILE", str(bare))
    monkeypatch.setattr(office_fonts, "installed_aliases", lambda: [])
    rows = office_fonts.report()
    if all(row["status"] != "fallback" for row in rows):
        pytest.skip("this machine has the official fonts or system-wide aliases")
    result = CliRunner().invoke(main, ["fonts"])
    assert result.exit_code == 0
    text = result.output.replace("\n", "")
    assert "回退" in text and "--install-aliases" in text and "fonts-noto-cjk" in text


def test_install_aliases_for_the_user(monkeypatch, tmp_path):
    import subprocess

    from sp_docs.render import office_fonts

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("FONTCONFIG_FILE", raising=False)
    result = CliRunner().invoke(main, ["fonts", "--install-aliases"])
    assert result.exit_code == 0, result.output
    target = tmp_path / "config" / "fontconfig" / "conf.d" / office_fonts.ALIAS_FILE
    assert target.read_bytes() == office_fonts.alias_source().read_bytes()
    drawn = subprocess.run(["fc-match", "--format", "%{family[0]}", "仿宋_GB2312:lang=zh-cn"],
                           capture_output=True, text=True, check=True).stdout
    assert drawn == "FandolFang"


@pytest.mark.slow
@pytest.mark.skipif(not helpers.libreoffice_available(), reason="LibreOffice not installed")
def test_a_long_colophon_is_whole_and_closes_the_type_area(tmp_path):
    """A 抄送 longer than its cell runs across the row and a long 印发机关 takes three lines: each row
    is as high as its text (nothing clipped), the 台账 sample gives up rows for it, and the 版记 still
    ends on the bottom edge of the last page's type area, under the sample."""
    from sp_docs.documents import implementation_plan as ip
    from sp_docs.questionnaire import answers as answers_mod
    from sp_docs.render.plan_docx import render_plan_docx

    cc = "青川市委教育工委组织部，青川市教育局人事科，云溪县教育局"
    raw = dict(school_name="青川市云溪县高新技术产业开发区第一实验学校（集团）东城校区", school_type="教育局",
               party_org_type="党支部", sign_date="2026-11-21", doc_number="云二小党发〔2026〕1号", cc=cc)
    view = ip.build(answers_mod.complete(raw))
    assert [lines for *_, lines in view.colophon] == [2, 3] and view.colophon[0][1] is None
    path = tmp_path / "plan.docx"
    path.write_bytes(render_plan_docx(view))
    pdf = helpers.libreoffice_to_pdf(path, tmp_path)
    last = L.page_count(pdf) - 1
    text = helpers.pdf_pages_text(pdf)[last].replace(" ", "").replace("\n", "")
    assert f"抄送：{cc}。" in text and "培养人意见" in text
    assert view.printer in text.replace(f"{view.print_date}印发", "")  # (read line by line beside the date)
    colophon = L.rules(pdf, last)[-3:]
    assert abs(colophon[-1][1] - (297 - 35) * L.MM) < 1.0 * L.MM, colophon  # (measured 0.7 mm short)
    assert L.line_top(pdf, last, "培养人意见") < colophon[0][0]
