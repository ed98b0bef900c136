"""Heavy libraries are imported only by the paths that need them (cold-start cost, issue 14)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("weasyprint", "docx", "docxtpl", "openpyxl", "fontTools", "pypinyin", "pypdf")

_PROBE = """
import json, sys
from sp_docs.cli import main
try:
    main({args!r}, standalone_mode=False)
except SystemExit:
    pass
print(json.dumps(sorted(({{m.split('.')[0] for m in sys.modules}} | set(sys.modules)) & set({heavy!r}))))
"""
# light but not free at a cold start (issue 14): YAML's reader, rich's tables (fractions, decimal)
LIGHT = ("yaml", "rich.table", "fractions")


def _loaded(args: list[str], env: dict | None = None, watched: tuple[str, ...] = HEAVY) -> set[str]:
    import os

    done = subprocess.run([sys.executable, "-c", _PROBE.format(args=args, heavy=watched)], capture_output=True,
                          text=True, cwd=ROOT, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "src"), **(env or {})})
    assert done.returncode == 0, done.stderr[-2000:]
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_cli_start_loads_no_heavy_library():
    assert _loaded(["--help"]) == set()


def test_certificates_from_the_cache_load_neither_weasyprint_nor_word_libraries(tmp_path):
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    args = ["certificates", str(ROOT / "data_examples" / "city.xlsx"), "--format", "pdf", "-o"]
    first = _loaded(args + [str(tmp_path / "a")], env)  # fills the per-user cache (lays the background out)
    assert "weasyprint" in first
    again = _loaded(args + [str(tmp_path / "b")], env)
    assert (tmp_path / "b").is_dir() and any((tmp_path / "b").glob("*.pdf"))
    assert again <= {"openpyxl", "fontTools"}, again  # the list is a workbook; fontTools reads the subsets


def test_plan_from_yaml_answers_loads_neither_openpyxl_nor_pypinyin(tmp_path):
    loaded = _loaded(["plan", str(ROOT / "data_examples" / "answers.yaml"), "-o", str(tmp_path / "p"),
                      "--format", "docx"])
    assert any((tmp_path / "p").glob("*.docx"))
    assert "openpyxl" not in loaded and "pypinyin" not in loaded and "weasyprint" not in loaded


def test_check_reads_the_workbook_without_any_heavy_library():
    """The .xlsx is read by sources/xlsx_fast (zipfile + expat), not openpyxl; no names are sorted."""
    assert _loaded(["check", str(ROOT / "data_examples" / "city.xlsx")]) == set()


def test_a_docx_annex2_loads_neither_openpyxl_nor_weasyprint_and_pypinyin_only_once(tmp_path):
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    args = ["annex", "2", str(ROOT / "data_examples" / "city.xlsx"), "--unit", "青川市第一中学", "--format", "docx",
            "-o"]
    first = _loaded(args + [str(tmp_path / "a")], env)  # builds the per-user pinyin table
    again = _loaded(args + [str(tmp_path / "b")], env)
    assert any((tmp_path / "b").glob("*.docx"))
    assert "openpyxl" not in first | again and "weasyprint" not in first | again
    assert "pypinyin" not in again, again  # the unit's names are ordered from the table


def test_an_annex2_in_all_three_formats_loads_no_openpyxl(tmp_path):
    """The built-in 附件2 workbook is written by render/xlsx_direct (zipfile and string XML), the PDF by
    render/fasttable: of the heavy libraries only python-docx (the DOCX) and fontTools (the PDF's font)."""
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    args = ["annex", "2", str(ROOT / "data_examples" / "city.xlsx"), "--unit", "青川市第一中学", "-o"]
    _loaded(args + [str(tmp_path / "a")], env)  # fills the per-user caches (pinyin table, font metrics)
    again = _loaded(args + [str(tmp_path / "b")], env, HEAVY + LIGHT)
    assert {p.suffix for p in (tmp_path / "b").iterdir()} == {".xlsx", ".docx", ".pdf"}
    assert "openpyxl" not in again and "weasyprint" not in again and "pypinyin" not in again, again
    assert again <= {"docx", "docxtpl", "fontTools"}, again  # nor YAML, rich.table or fractions


def test_problems_printed_on_a_pipe_load_no_rich_table():
    """rich.table (and its fractions, decimal) only when problems are printed as a table (a wide terminal)."""
    assert _loaded(["check", str(ROOT / "data_examples" / "city.xlsx")], watched=("rich.table", "fractions")) == set()
