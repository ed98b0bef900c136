"""Property-based tests (hypothesis): the name and number normalisers, and the
附件2 renderer — any valid model renders to DOCX, XLSX and PDF without error and
every value is findable in each output.  (Date normalisers: tests/test_normalize.py.)"""
from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import unicodedata

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from helpers import docx_text, pdf_text
from sp_docs.documents import annex2 as doc
from sp_docs.model import Dataset, Mentor, Teacher, Trainee, Track, Unit
from sp_docs.render import fonts
from sp_docs.render import formats as fmt
from sp_docs.sources.normalize import NormalizeError, clean_name, clean_text, parse_int, parse_year

FAST = settings(max_examples=60, deadline=None)
RENDER = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PDF = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])

COMMON = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
RARE = "𠀀𪚥𬌗䶮𡒄𨭉𠮷"  # outside the BMP and CJK extension A
PUNCT = "&<>{}%·“”'\"#$;"
FULLWIDTH = str.maketrans("0123456789,", "０１２３４５６７８９，")

name_chars = st.sampled_from(COMMON + RARE + PUNCT)
names = st.text(name_chars, min_size=1, max_size=6).filter(lambda s: clean_name(s) == s and s.strip())
note_chars = st.sampled_from(COMMON + RARE + PUNCT + "=+-@ 0123456789abcXYZ。，")
notes = st.text(note_chars, max_size=40).map(clean_text)
births = st.dates(dt.date(1960, 1, 1), dt.date(2000, 12, 1)).map(lambda d: d.replace(day=1))


# -- normalisers: names and numbers ------------------------------------------------------

@FAST
@given(st.text(st.sampled_from(COMMON + RARE + "·•・ 　\t\u200b\x07"), max_size=12))
def test_clean_name_is_idempotent_and_compact(raw):
    name = clean_name(raw)
    assert clean_name(name) == name
    assert not any(ch.isspace() for ch in name)  # a Chinese name has no blanks
    assert all(unicodedata.category(ch) not in ("Cc", "Cf") for ch in name)
    for ch in raw:
        if ch in COMMON + RARE:
            assert ch in name  # rare characters, in or out of the BMP, survive


@FAST
@given(st.text(st.sampled_from("AbcJohnSmith "), min_size=1, max_size=20))
def test_clean_name_latin_keeps_single_spaces(raw):
    name = clean_name(raw)
    assert "  " not in name and name == name.strip()
    assert name.replace(" ", "") == raw.replace(" ", "")


@FAST
@given(st.integers(-10**9, 10**9))
def test_parse_int_round_trips_every_spelling(n):
    assert parse_int(n) == n
    assert parse_int(float(n)) == n
    assert parse_int(str(n)) == n
    assert parse_int(f" {n} ") == n
    if n >= 0:
        assert parse_int(str(n).translate(FULLWIDTH)) == n
        assert parse_int(f"{n:,}") == n
        assert parse_int(f"{n:,}".translate(FULLWIDTH)) == n


@FAST
@given(st.floats(allow_nan=True, allow_infinity=True))
def test_parse_int_rejects_fractions_and_non_finite(x):
    if x == x and abs(x) != float("inf") and x.is_integer():
        assert parse_int(x) == int(x)
    else:
        try:
            parse_int(x)
        except NormalizeError:
            return
        raise AssertionError(f"{x!r} accepted")


@FAST
@given(st.integers(1950, 2100))
def test_parse_year_spellings(year):
    for spelling in (year, float(year), str(year), f"{year}年", f"{year}年度", str(year).translate(FULLWIDTH)):
        assert parse_year(spelling) == year


@FAST
@given(st.one_of(st.text(max_size=20), st.integers(), st.floats(), st.none(), st.booleans()))
def test_number_parsers_raise_only_normalize_error(value):
    for parser in (parse_int, parse_year):
        try:
            parser(value)
        except NormalizeError:
            pass


# -- any valid model renders, every value findable -------------------------------------------

@st.composite
def datasets(draw, max_trainees: int = 6):
    root = draw(names.map(lambda s: f"{s}市第一中学"))
    child = draw(st.one_of(st.none(), names.map(lambda s: f"{s}分校")))
    units = [Unit(root, "", "中学")]
    if child and child != root:
        units.append(Unit(child, root, "小学"))
    people = draw(st.lists(names, min_size=1, max_size=max_trainees, unique=True))
    data = Dataset(units=units, source="hypothesis")
    mentor = Teacher("导师", root, dt.date(1970, 1, 1), "中共党员")
    data.teachers.append(mentor)
    for name in people:
        assume(name != "导师")
        unit = draw(st.sampled_from([u.name for u in units]))
        track = draw(st.sampled_from([Track.TO_MEMBER, Track.TO_BACKBONE]))
        data.teachers.append(Teacher(name, unit, draw(births), "群众" if track == Track.TO_MEMBER else "中共党员"))
        data.trainees.append(Trainee(name, unit, track, [Mentor("导师", "书记")], dt.date(2024, 9, 1), 2025,
                                     "培养中", None, draw(notes)))
    return data


def _expected(data: Dataset, view) -> list[str]:
    values = [view.unit_name]
    for row in view.rows:
        values += [row.name, row.birth, row.note]
    return [v for v in values if v]


def _build(data: Dataset):
    root = data.units[0].name
    view = doc.build(data, root, 2025)
    assert len(view.rows) == len(data.trainees)
    return view


@RENDER
@given(datasets())
def test_annex2_docx_and_xlsx_show_every_value(data):
    view = _build(data)
    context = view.context()
    docx = fmt.render("annex2", context, "docx")
    text = docx_text(docx)
    for value in _expected(data, view):
        assert value in text, value
    import io

    sheet = load_workbook(io.BytesIO(fmt.render("annex2", context, "xlsx"))).worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row]
    strings = {c.value for c in cells if isinstance(c.value, str)}
    for row in view.rows:
        assert row.name in strings and row.birth in strings
        if row.note:
            assert row.note in strings
    assert not any(c.data_type == "f" for c in cells)
    data_rows = [r for r in sheet.iter_rows(values_only=True) if isinstance(r[0], int)]
    assert [r[1] for r in data_rows] == [row.name for row in view.rows]


def _pdf_raw_text(data: bytes) -> str:
    if shutil.which("pdftotext") is None:
        return pdf_text(data)
    return subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True,
                          check=True, timeout=60).stdout.decode("utf-8")


@PDF
@given(datasets(max_trainees=4))
def test_annex2_pdf_shows_every_value(data):
    view = _build(data)
    pdf = fmt.render("annex2", view.context(), "pdf")
    text = "".join(_pdf_raw_text(pdf).split())
    for value in _expected(data, view):
        missing = set(fonts.missing_glyphs(value))
        assert missing <= set(RARE), missing  # only the rare characters may lack a font
        pattern = "".join(".?" if ch in missing else re.escape(ch) for ch in value if not ch.isspace())
        assert re.search(pattern, text), value
