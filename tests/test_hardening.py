"""Every file of the bad-input corpus (tests/bad_inputs/) through ``sp-docs check``
and ``sp-docs annex 2``: a located Chinese error (exit 2) or a correct document
in which the value appears literally; never a traceback; every row accounted for."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from helpers import docx_text, pdf_text, xlsx_rows
from sp_docs.cli import main
from sp_docs.errors import InputError, Problems
from sp_docs.render import fonts
from sp_docs.sources import load_dataset
from sp_docs.sources.dataset import _match_sheet, read_tables

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
sys.path.insert(0, str(CORPUS))
from make_corpus import CASES, YEAR  # noqa: E402

sys.path.remove(str(CORPUS))

BY_FILE = {c.file: c for c in CASES}
OK = [c for c in CASES if c.outcome == "ok"]
ERRORS = [c for c in CASES if c.outcome == "error"]
MODEL_LISTS = {"units": "units", "teachers": "teachers", "trainees": "trainees", "records": "records",
               "plans": "plans", "awards": "awards"}


def _no_traceback(text: str) -> None:
    assert "Traceback" not in text
    assert "内部错误" not in text, text[-800:]


def test_corpus_is_complete_and_committed():
    assert len(CASES) >= 30
    for item in CASES:
        assert (CORPUS / item.file).is_file(), f"run python tests/bad_inputs/make_corpus.py ({item.file})"
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    assert all(f"`{item.file}`" in readme for item in CASES)


def test_corpus_is_deterministic():
    for item in CASES:
        data = item.build()
        data = data.encode("utf-8") if isinstance(data, str) else data
        assert data == (CORPUS / item.file).read_bytes(), f"{item.file} differs from the generator's output"


def test_zip_bombs_are_tiny_on_disk():
    for name in ("zip_bomb_declared.xlsx", "zip_bomb_ratio.xlsx"):
        assert (CORPUS / name).stat().st_size < 64 * 1024


# -- sp-docs check -----------------------------------------------------------------------

def _check_json(path: Path):
    result = CliRunner().invoke(main, ["check", "--format", "json", str(path)])
    _no_traceback(result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result, json.loads(result.stdout)


def _matches(problem: dict, where: dict) -> bool:
    return all(problem.get(key) == value for key, value in where.items())


@pytest.mark.parametrize("item", ERRORS, ids=lambda c: c.file)
def test_check_reports_located_chinese_error(item):
    path = CORPUS / item.file
    result, report = _check_json(path)
    assert result.exit_code == 2
    errors = [p for p in report["problems"] if p["level"] == "error"]
    assert errors
    for problem in errors:
        assert problem["file"] == str(path)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in problem["message"])
    messages = " ".join(p["message"] for p in report["problems"])
    for fragment in item.messages:
        assert fragment in messages, (fragment, messages)
    for where in item.where:
        assert any(_matches(p, where) for p in errors), (where, errors)


@pytest.mark.parametrize("item", OK, ids=lambda c: c.file)
def test_check_accepts_valid_oddities(item):
    result, report = _check_json(CORPUS / item.file)
    assert result.exit_code == 0, report["problems"]
    warnings = " ".join(p["message"] for p in report["problems"])
    for fragment in item.warnings:
        assert fragment in warnings


def test_check_table_output_has_no_traceback():
    runner = CliRunner()
    for item in CASES:
        result = runner.invoke(main, ["check", str(CORPUS / item.file)])
        _no_traceback(result.output)
        assert result.exit_code == (2 if item.outcome == "error" else 0), (item.file, result.output[-500:])


# -- every row accounted for -------------------------------------------------------------

def _readable(item) -> bool:
    try:
        load_dataset(CORPUS / item.file)
    except InputError:
        return False
    return True


@pytest.mark.parametrize("item", [c for c in CASES if _readable(c)], ids=lambda c: c.file)
def test_every_row_becomes_a_record_or_a_located_error(item):
    """rows read = rows in the model + rows reported with an error."""
    path = CORPUS / item.file
    tables = read_tables(path, Problems())
    data, problems = load_dataset(path)
    error_rows = {(p.location.sheet, p.location.row) for p in problems.errors}
    seen_sheets = set()
    for table in tables:
        sheet = _match_sheet(table)
        if sheet is None or sheet.key in seen_sheets:
            continue
        seen_sheets.add(sheet.key)
        modelled = {obj.origin.row for obj in getattr(data, MODEL_LISTS[sheet.key])}
        for row, _cells in table.rows:
            sheet_refused = (table.name, None) in error_rows or (table.name, table.header_row or None) in error_rows
            assert row in modelled or (table.name, row) in error_rows or sheet_refused, \
                f"{item.file}: {table.name} 第{row}{table.row_label} 既未读入也未报告"


# -- sp-docs annex 2 --------------------------------------------------------------------

def _outputs(outdir: Path) -> dict[str, Path]:
    return {p.suffix[1:]: p for p in outdir.iterdir() if not p.name.startswith(".")}


@pytest.mark.parametrize("item", ERRORS, ids=lambda c: c.file)
def test_annex2_refuses_bad_input(item, tmp_path):
    result = CliRunner().invoke(main, ["annex", "2", str(CORPUS / item.file), "--unit", item.unit,
                                       "--year", str(YEAR), "-o", str(tmp_path / "out"), "--format", "xlsx,docx"])
    _no_traceback(result.output)
    assert result.exit_code == 2, result.output[-500:]
    assert "错误" in result.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def _pdf_pattern(literal: str) -> str:
    """``literal`` as the PDF text may show it: whitespace ignored; a character no
    installed font draws (reported by fonts.missing_glyphs) may come out as anything."""
    missing = set(fonts.missing_glyphs(literal))
    return "".join(".?" if ch in missing else re.escape(ch) for ch in literal if not ch.isspace())


def _pdf_raw_text(path: Path) -> str:
    """Text in content-stream order, so a wrapped cell stays in one piece.  poppler's
    pdftotext also decodes the custom-encoded subsets WeasyPrint writes for fonts
    with glyphs beyond the BMP, which pdfminer (pdfplumber) silently drops."""
    if shutil.which("pdftotext") is None:
        return pdf_text(path)
    return subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          check=True, timeout=60).stdout.decode("utf-8")


def _squash(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("item", OK, ids=lambda c: c.file)
def test_annex2_renders_values_literally(item, tmp_path):
    path = CORPUS / item.file
    outdir = tmp_path / "out"
    result = CliRunner().invoke(main, ["annex", "2", str(path), "--unit", item.unit, "--year", str(YEAR),
                                       "-o", str(outdir)])
    _no_traceback(result.output)
    # a character no installed font draws is reported, and the exit status says so (files still written)
    unprintable = any(fonts.missing_glyphs(literal) for literal in item.literals)
    assert result.exit_code == (1 if unprintable else 0), result.output[-800:]
    assert ("空框" in result.output) == unprintable
    files = _outputs(outdir)
    assert set(files) == {"xlsx", "docx", "pdf"}

    tables = read_tables(path, Problems())
    read = sum(len(t.rows) for t in tables if (s := _match_sheet(t)) is not None and s.key == "trainees")
    expected_rows = item.rows if item.rows is not None else read
    assert read == expected_rows

    # XLSX: one row per trainee, values as typed, formula-like text stored as text
    sheet = load_workbook(files["xlsx"]).worksheets[0]
    data_rows = [row for row in sheet.iter_rows() if isinstance(row[0].value, int)]
    assert len(data_rows) == expected_rows
    cells = {c.value: c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)}
    text_xlsx = "\n".join(cells)
    for literal in item.literals:
        assert literal in text_xlsx, literal
        if literal[:1] in "=+-@":
            assert cells[literal].data_type == "s"
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)
    assert "49" not in [str(c.value) for row in data_rows for c in row]

    # DOCX
    text_docx = docx_text(files["docx"])
    for literal in item.literals:
        assert literal in text_docx, literal
    table_rows = [line for line in text_docx.splitlines() if line.split("\t")[0].isdigit()]
    assert len(table_rows) == expected_rows

    # PDF (whitespace-insensitive: long cells wrap and split across pages)
    text_pdf = _squash(_pdf_raw_text(files["pdf"]))
    # a cell that spans pages is interrupted by the page number and the repeated table header
    text_pdf = re.sub(r"—\d+—", "", text_pdf).replace("序号姓名出生年月“双培”类别完成年度备注", "")
    for literal in item.literals:
        assert re.search(_pdf_pattern(literal), text_pdf), literal
    if item.unit != BY_FILE["inject_jinja.xlsx"].unit:
        assert _squash(item.unit) in text_pdf and item.unit in text_docx
    assert "{{" not in text_pdf or any("{{" in v for v in item.literals)


def test_missing_glyphs_are_reported_for_rare_characters():
    """What the PDF fonts cannot draw must be named, never silently dropped."""
    assert fonts.missing_glyphs("\U000F0000") == ["\U000F0000"]  # private use plane: no font has it
    assert fonts.missing_glyphs("李\U000F0000梅") == ["\U000F0000"]
    assert fonts.missing_glyphs("青川市第一中学 2025") == []


# -- a real process: nothing but a Chinese message on stderr -------------------------------

def test_subprocess_prints_no_traceback(tmp_path):
    exe = Path(sys.executable).with_name("sp-docs")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "sp_docs.cli"]
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    env.pop("SP_DOCS_DEBUG", None)
    for name, code in (("crc_corrupt.xlsx", 2), ("yaml_entry_scalar.yaml", 2), ("zip_bomb_declared.xlsx", 2),
                       ("yaml_alias_bomb.yaml", 2), ("inject_all.yaml", 0)):
        for args in (["check", str(CORPUS / name)],
                     ["annex", "2", str(CORPUS / name), "--unit", BY_FILE[name].unit, "--year", str(YEAR),
                      "--format", "xlsx,docx", "-o", str(tmp_path / name)]):
            proc = subprocess.run(command + args, capture_output=True, text=True, timeout=120, env=env)
            assert proc.returncode == code, (args, proc.stderr[-600:])
            assert "Traceback" not in proc.stderr + proc.stdout
            if code:  # `check` reports on stdout (its findings are its output); others on stderr
                assert "错误" in (proc.stdout if args[0] == "check" else proc.stderr)
