"""The direct .xlsx reader (sources/xlsx_fast*) gives exactly what the openpyxl path
gives — value for value and type for type — on every workbook in the repository
and on hand-written edge cases (issue 14); what it does not read the openpyxl way
falls back to openpyxl, and the safety checks still run before either parser."""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest

from sp_docs.sources import xlsx_cells, xlsx_fast, xlsx_fast_values
from sp_docs.sources.workbooks import read_sheets
from sp_docs.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("data_examples", "tests/fixtures", "tests/office_files", "tests/bad_inputs", "templates/xlsx")
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def typed(sheets: dict) -> dict:
    """Values with their types: ``1 == 1.0 == True`` must not hide a difference."""
    return {title: [tuple((type(v).__name__, plain(v)) for v in row) for row in rows] for title, rows in sheets.items()}


def plain(value):
    """openpyxl's formula objects (an array formula) compare by identity: compare their fields."""
    return vars(value) if type(value).__module__.startswith("openpyxl") else value


def openpyxl_or_error(path: Path):
    try:
        return typed(xlsx_cells.read_sheet_values_openpyxl(path))
    except InputError as exc:
        return ("error", exc.problems.items[0].message)


def repository_workbooks() -> list[Path]:
    found = [p for folder in FOLDERS for p in (ROOT / folder).rglob("*") if p.suffix.lower() in (".xlsx", ".xlsm")]
    assert len(found) >= 30
    return sorted(found)


@pytest.mark.parametrize("path", repository_workbooks(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_workbook_in_the_repository_reads_as_with_openpyxl(path):
    expected = refused_alike_or_expected(path)
    if expected is not None:
        assert typed(xlsx_fast.read_values(path)) == expected  # the fast reader itself, no fallback
        assert typed(xlsx_cells.read_sheet_values(path)) == expected


def refused_alike_or_expected(path):
    """openpyxl's values of ``path``; None when openpyxl refuses it — then the reader must refuse
    it with the same Chinese message."""
    expected = openpyxl_or_error(path)
    if isinstance(expected, tuple):
        with pytest.raises(InputError) as caught:
            xlsx_cells.read_sheet_values(path)
        assert caught.value.problems.items[0].message == expected[1]
        return None
    return expected


def test_the_example_workbook_has_what_the_comparison_needs():
    sheets = xlsx_fast.read_values(ROOT / "data_examples" / "city.xlsx")
    values = [v for rows in sheets.values() for row in rows for v in row]
    assert sum(isinstance(v, dt.datetime) for v in values) > 100
    assert sum(isinstance(v, str) for v in values) > 5000
    assert any(isinstance(v, int) and not isinstance(v, bool) for v in values)


# -- generated edge cases -------------------------------------------------------

PLAIN_STYLES = '<cellXfs><xf numFmtId="0"/></cellXfs>'


def package(sheets: list[str], *, strings: list[str] | None = None, styles: str = "", date1904: str | None = None,
            extra_sheets: str = "") -> bytes:
    """An .xlsx written by hand: sheet XML bodies (inside <sheetData>), shared strings (raw <si> XML),
    <numFmts>/<cellXfs> XML for the stylesheet."""
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxml'
                        f'formats-officedocument.spreadsheetml.worksheet+xml"/>' for i in range(1, len(sheets) + 1))
    if strings is not None:
        overrides += ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                      'officedocument.spreadsheetml.sharedStrings+xml"/>')
    files = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.'
        'xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
        'PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"'
        f'/>{overrides}</Types>',
        "_rels/.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship '
        'Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships">' + (f'<workbookPr date1904="{date1904}"/>' if date1904 is not None else "") + "<sheets>"
        + "".join(f'<sheet name="表{i}" sheetId="{i}" r:id="rId{i}"/>' for i in range(1, len(sheets) + 1))
        + f"{extra_sheets}</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships">' + "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/'
                                    f'2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
                                    for i in range(1, len(sheets) + 1))
        + '<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
        'Target="styles.xml"/></Relationships>',
        "xl/styles.xml": f'<styleSheet xmlns="{MAIN}">{styles or PLAIN_STYLES}</styleSheet>',
    }
    for i, body in enumerate(sheets, start=1):
        files[f"xl/worksheets/sheet{i}.xml"] = f'<worksheet xmlns="{MAIN}"><sheetData>{body}</sheetData></worksheet>'
    if strings is not None:
        files["xl/sharedStrings.xml"] = f'<sst xmlns="{MAIN}">{"".join(strings)}</sst>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


# cellXfs: 0 General, 1 date (14), 2 time (21), 3 percent (10), 4 custom 年月日, 5 duration [h]:mm,
# 6 Chinese built-in 31 (not a date for openpyxl), 7 custom "@", 8 quoted text only, 9 custom id 14 redefined
STYLES = ('<numFmts><numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>'
          '<numFmt numFmtId="177" formatCode="[h]:mm"/><numFmt numFmtId="178" formatCode="@"/>'
          '<numFmt numFmtId="179" formatCode="&quot;day&quot;0"/></numFmts>'
          '<cellXfs><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="21"/><xf numFmtId="10"/>'
          '<xf numFmtId="176"/><xf numFmtId="177"/><xf numFmtId="31"/><xf numFmtId="178"/><xf numFmtId="179"/>'
          '<xf/></cellXfs>')

NUMBERS = ('<row r="1"><c r="A1"><v>42</v></c><c r="B1"><v>1.5</v></c><c r="C1"><v>1E3</v></c><c r="D1"><v>-7</v>'
           '</c><c r="E1" s="3"><v>0.125</v></c><c r="F1" s="6"><v>45000</v></c><c r="G1" s="7"><v>3</v></c>'
           '<c r="H1" s="8"><v>12</v></c><c r="I1" s="9"><v>5</v></c></row>'
           '<row r="2"><c r="A2" s="1"><v>45000</v></c><c r="B2" s="1"><v>45000.75</v></c><c r="C2" s="2">'
           '<v>0.5</v></c><c r="D2" s="4"><v>36526</v></c><c r="E2" s="5"><v>1.25</v></c><c r="F2" s="1"><v>59</v>'
           '</c><c r="G2" s="1"><v>61</v></c><c r="H2" s="1"><v>0</v></c><c r="I2" s="2"><v>0.99999999</v></c></row>')

CASES = {
    "numbers, dates, times, durations, percentages": dict(sheets=[NUMBERS], styles=STYLES),
    "the 1904 date system": dict(sheets=[NUMBERS], styles=STYLES, date1904="1"),
    "date1904 written as true / false / False": dict(sheets=[NUMBERS, NUMBERS], styles=STYLES, date1904="False"),
    "shared strings, rich text, phonetic runs, x005F_": dict(
        sheets=['<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c>'
                '<c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c><c r="F1" t="s"><v>5</v></c></row>'],
        strings=['<si><t>张三</t></si>', '<si><r><rPr><b/></rPr><t>青川</t></r><r><t xml:space="preserve"> 一中 </t></r>'
                 '</si>', '<si><t>李</t><rPh sb="0" eb="1"><t>リ</t></rPh><phoneticPr fontId="1"/></si>',
                 '<si><t>a_x005F_x000D_b&amp;&lt;&#x4E2D;</t></si>', '<si><t/></si>', '<si><t>第一行\r\n第二行</t></si>']),
    "inline strings (plain, rich, empty)": dict(
        sheets=['<row r="1"><c r="A1" t="inlineStr"><is><t>王五</t></is></c><c r="B1" t="inlineStr"><is><r><t>甲'
                '</t></r><r><rPr><i/></rPr><t>乙</t></r></is></c><c r="C1" t="inlineStr"><is/></c>'
                '<c r="D1" t="inlineStr"/><c r="E1" t="inlineStr"><v>7</v></c></row>']),
    "booleans, errors, ISO dates, formula text": dict(
        sheets=['<row r="1"><c r="A1" t="b"><v>1</v></c><c r="B1" t="b"><v>0</v></c><c r="C1" t="e"><v>#N/A</v></c>'
                '<c r="D1" t="d"><v>2024-03-05</v></c><c r="E1" t="d"><v>2024-03-05T10:20:30</v></c>'
                '<c r="F1" t="str"><v>结果</v></c><c r="G1" t="e"><v>#DIV/0!</v></c></row>']),
    "formulas with and without saved results, shared formulas": dict(
        sheets=['<row r="1"><c r="A1"><f>1+1</f><v>2</v></c><c r="B1" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>'
                '<c r="C1"><f>SUM(A1:B1)</f></c><c r="D1" t="b"><f>TRUE()</f><v>1</v></c>'
                '<c r="E1" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="F1" s="1"><f>TODAY()</f><v>45000</v></c></row>'
                '<row r="2"><c r="A2"><f t="shared" ref="A2:A4" si="0">A1*2</f><v>4</v></c></row>'
                '<row r="3"><c r="A3"><f t="shared" si="0"/><v>8</v></c><c r="B3"><f/></c></row>'], styles=STYLES),
    "a shared formula copy without a saved result (read by openpyxl)": dict(
        sheets=['<row r="2"><c r="A2"><f t="shared" ref="A2:A4" si="0">A1*2</f><v>4</v></c></row>'
                '<row r="3"><c r="A3"><f t="shared" si="0"/><v>8</v></c></row>'
                '<row r="4"><c r="A4"><f t="shared" si="0"/></c></row>']),
    "an array formula (read by openpyxl)": dict(
        sheets=['<row r="1"><c r="A1"><f t="array" ref="A1:A2">SUM(B1:B2*2)</f><v>6</v></c><c r="B1"><v>1</v>'
                '</c></row>']),
    "empty cells, gaps, huge columns, rows and cells without r": dict(
        sheets=['<row r="2"><c r="B2"/><c r="D2"><v>1</v></c><c r="F2" s="1"/></row><row r="5"/>'
                '<row r="6"><c r="XFD6"><v>9</v></c></row><row><c><v>1</v></c><c><v>2</v></c><c r="E8"><v>3</v>'
                '</c><c><v>4</v></c></row><row r="7"><c r="A7"><v>skipped, row number goes back</v></c></row>'
                '<row r="9.0"><c r="a9"><v>lower-case column</v></c></row>'
                '<row spans="1:2" r="10"><c r="C10"><v>1</v></c><c r="A10"><v>2</v></c></row>']),
    "an empty sheet and a sheet of empty rows": dict(sheets=["", '<row r="1"/><row r="3"/>']),
    "a hidden sheet sharing the first sheet's part": dict(
        sheets=['<row r="1"><c r="A1"><v>1</v></c></row>'],
        extra_sheets='<sheet name="隐藏" sheetId="9" state="hidden" r:id="rId1"/>'),
    "a DTD (refused by both readers)": dict(sheets=['<row r="1"><c r="A1"><v>1</v></c></row>']),
}


@pytest.mark.parametrize("name", list(CASES))
def test_generated_edge_cases_read_as_with_openpyxl(tmp_path, name):
    data = package(**CASES[name])
    if name.startswith("a DTD"):
        data = with_doctype(data)
    path = tmp_path / "case.xlsx"
    path.write_bytes(data)
    expected = refused_alike_or_expected(path)
    if expected is None:
        return
    assert typed(xlsx_cells.read_sheet_values(path)) == expected
    if "openpyxl" not in name:
        assert typed(xlsx_fast.read_values(path)) == expected  # read by the fast reader, not the fallback


def rewrite(data: bytes, part: str, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info in source.infolist():
            text = source.read(info)
            archive.writestr(info, change(text) if info.filename == part else text)
    return buffer.getvalue()


def with_doctype(data: bytes) -> bytes:
    """The same package with a DTD in a worksheet, past the 4 KB the package check looks at."""
    return rewrite(data, "xl/worksheets/sheet1.xml", lambda text: b'<?xml version="1.0"?><!--' + b"x" * 5000 + b"-->"
                   b'<!DOCTYPE worksheet [<!ENTITY e "boom">]>' + text.replace(b"<v>1</v>", b"<v>&e;</v>"))


def test_the_fast_reader_gives_up_where_openpyxl_would_differ(tmp_path):
    for name in ("an array formula (read by openpyxl)", "a DTD (refused by both readers)",
                 "a shared formula copy without a saved result (read by openpyxl)"):
        data = package(**CASES[name])
        path = tmp_path / "case.xlsx"
        path.write_bytes(with_doctype(data) if "DTD" in name else data)
        with pytest.raises(xlsx_fast_values.Unsupported):
            xlsx_fast.read_values(path)


def test_the_values_the_edge_cases_hold(tmp_path):
    """Not only equal to openpyxl: the values a user sees."""
    path = tmp_path / "numbers.xlsx"
    path.write_bytes(package(**CASES["numbers, dates, times, durations, percentages"]))
    first, second = xlsx_fast.read_values(path)["表1"]
    assert first[:6] == (42, 1.5, 1000.0, -7, 0.125, 45000)
    assert second[:5] == (dt.datetime(2023, 3, 15), dt.datetime(2023, 3, 15, 18), dt.time(12),
                          dt.datetime(2000, 1, 1), dt.timedelta(hours=30))
    path.write_bytes(package(**CASES["the 1904 date system"]))
    assert xlsx_fast.read_values(path)["表1"][1][0] == dt.datetime(2027, 3, 16)
    path.write_bytes(package(**CASES["formulas with and without saved results, shared formulas"], ))
    rows = xlsx_fast.read_values(path)["表1"]
    assert rows[0][:3] == (2, "ab", xlsx_cells.UnsavedFormula("=SUM(A1:B1)"))
    assert rows[2][:2] == (8, xlsx_cells.UnsavedFormula("="))


def test_a_shared_formula_without_a_saved_result_is_translated_by_openpyxl(tmp_path):
    path = tmp_path / "shared.xlsx"
    path.write_bytes(package(**CASES["a shared formula copy without a saved result (read by openpyxl)"]))
    # A4 copies A2's formula: its text needs openpyxl's translator
    assert xlsx_cells.read_sheet_values(path)["表1"][3][0] == xlsx_cells.UnsavedFormula("=A3*2")


def outcome(function, *args):
    try:
        return function(*args)
    except (OverflowError, ValueError) as exc:
        return type(exc)


def test_the_copied_number_format_tables_are_openpyxl_s():
    from openpyxl.styles import numbers
    from openpyxl.utils import datetime as openpyxl_datetime

    assert xlsx_fast_values.BUILTIN_FORMATS == numbers.BUILTIN_FORMATS
    assert xlsx_fast_values.STRIP_RE.pattern == numbers.STRIP_RE.pattern
    assert xlsx_fast_values.TIMEDELTA_RE.pattern == numbers.TIMEDELTA_RE.pattern
    formats = list(numbers.BUILTIN_FORMATS.values()) + ['yyyy"年"m"月"', "[$-804]aaaa", '"h"0', "0;[Red]d", "[h]:mm",
                                                        "[ss].00", r"0\d", "_d0", "@", "General", "e"]
    for fmt in formats:
        assert xlsx_fast_values.is_date_format(fmt) == numbers.is_date_format(fmt), fmt
        assert xlsx_fast_values.is_timedelta_format(fmt) == numbers.is_timedelta_format(fmt), fmt
    for value in (0, 0.5, 0.999999, 1, 59, 60, 61, 45000.123456, 2958465, -1.5):
        for epoch in (openpyxl_datetime.WINDOWS_EPOCH, openpyxl_datetime.MAC_EPOCH):
            for duration in (False, True):
                assert outcome(xlsx_fast_values.from_excel, value, epoch, duration) == \
                    outcome(openpyxl_datetime.from_excel, value, epoch, duration), (value, epoch, duration)
    for text in ("2024-03-05", "2024-03-05T10:20:30.5Z", "10:20", "PT3H2M1.5S"):
        assert xlsx_fast_values.from_iso8601(text) == openpyxl_datetime.from_ISO8601(text)


def test_the_safety_checks_still_run_before_the_fast_reader(tmp_path, monkeypatch):
    bomb = ROOT / "tests" / "bad_inputs" / "zip_bomb_declared.xlsx"
    with pytest.raises(InputError, match="压缩"):
        read_sheets(bomb)
    monkeypatch.setenv("SP_DOCS_LIMIT_WORKBOOK_ROWS", "3")
    path = tmp_path / "rows.xlsx"
    path.write_bytes(package(['<row r="1"/><row r="2"/><row r="3"/><row r="4"/>']))
    with pytest.raises(InputError, match="行数"):
        read_sheets(path)
    monkeypatch.delenv("SP_DOCS_LIMIT_WORKBOOK_ROWS")
    path.write_bytes(rewrite(package(['<row r="1"><c r="A1"><v>1</v></c></row>']), "xl/worksheets/sheet1.xml",
                             lambda text: b'<!DOCTYPE worksheet [<!ENTITY a "b">]>' + text))
    with pytest.raises(InputError, match="DTD"):
        read_sheets(path)  # the package check (the first 4 KB of each part)
    path.write_bytes(with_doctype(package(['<row r="1"><c r="A1"><v>1</v></c></row>'])))
    with pytest.raises(InputError, match="工作簿无法打开"):
        read_sheets(path)  # further on: the fast reader gives up, openpyxl (defusedxml) refuses it


def test_openpyxl_is_not_imported_to_read_the_example_workbook():
    import subprocess
    import sys

    code = ("import sys; from sp_docs.sources.workbooks import read_sheets; from pathlib import Path; "
            "read_sheets(Path('data_examples/city.xlsx')); print('openpyxl' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.stdout.strip() == "False", done.stderr[-2000:]


@pytest.mark.slow
@pytest.mark.skipif(not __import__("shutil").which("soffice"), reason="LibreOffice not installed")
def test_workbooks_saved_by_libreoffice_read_as_with_openpyxl(tmp_path):
    """Another writer than openpyxl: LibreOffice's shared strings, styles and number formats."""
    import shutil
    import subprocess

    sources = [ROOT / "tests" / "office_files" / "school.ods", ROOT / "data_examples" / "city.xlsx"]
    work = tmp_path / "in"
    work.mkdir()
    copies = [shutil.copy(source, work / f"lo_{source.name}") for source in sources]
    subprocess.run([shutil.which("soffice"), f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                    "--convert-to", "xlsx", "--outdir", str(tmp_path / "out"), *map(str, copies)],
                   check=True, capture_output=True, timeout=300)
    saved = sorted((tmp_path / "out").glob("*.xlsx"))
    assert len(saved) == 2
    for path in saved:
        expected = typed(xlsx_cells.read_sheet_values_openpyxl(path))
        assert typed(xlsx_fast.read_values(path)) == expected
        assert sum(len(rows) for rows in expected.values()) > 100
