"""The DOCX and XLSX writers' per-template caches (issue 14, render/docx.py and
render/xlsx.py): every built-in Word and Excel document is the same with and without
them, and a template file changed in any way is read again."""
from __future__ import annotations

import io
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from helpers import docx_text, xlsx_rows
from sp_docs.jobs.annex1 import annex1
from sp_docs.jobs.annex2 import annex2
from sp_docs.jobs.ledgers import ledgers
from sp_docs.jobs.mentors import mentors
from sp_docs.render import docx as docx_writer
from sp_docs.render import templates
from sp_docs.render import xlsx as xlsx_writer
from sp_docs.render import xlsx_direct
from sp_docs.render.formats import render

UNIT = "青川市第一中学"


def _clear() -> None:
    docx_writer._CACHE.clear()
    xlsx_writer._WORKBOOKS.clear()
    xlsx_direct._TEMPLATES.clear()


def _outputs(workbook: Path, outdir: Path) -> dict[str, bytes]:
    """Every built-in Word/Excel document that goes through a template, by file name."""
    annex1(workbook, outdir / "a1", unit=UNIT, by_year=True, formats=["docx", "xlsx"])
    annex2(workbook, UNIT, outdir / "a2", year=2025, formats=["docx", "xlsx"])
    mentors(workbook, UNIT, outdir / "m", formats=["docx"])
    ledgers(workbook, outdir / "l", unit=UNIT, formats=("docx", "xlsx"))
    files = sorted(p for p in outdir.rglob("*") if p.suffix in (".docx", ".xlsx"))
    return {str(p.relative_to(outdir)): p.read_bytes() for p in files}


def _parts(data: bytes) -> dict[str, bytes]:
    """The package's parts but the core properties (they hold the time of writing)."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist() if name != "docProps/core.xml"}


def test_every_builtin_word_and_excel_document_is_the_same_with_and_without_the_caches(
        city_workbook, tmp_path, monkeypatch):
    monkeypatch.setenv("SP_DOCS_CACHE", "off")
    _clear()
    plain = _outputs(city_workbook, tmp_path / "off")
    assert not docx_writer._CACHE and not xlsx_writer._WORKBOOKS and not xlsx_direct._TEMPLATES
    monkeypatch.delenv("SP_DOCS_CACHE")
    first = _outputs(city_workbook, tmp_path / "first")  # fills the caches
    assert docx_writer._CACHE and xlsx_writer._WORKBOOKS and xlsx_direct._TEMPLATES  # 附件2: xlsx_direct
    again = _outputs(city_workbook, tmp_path / "again")  # from the caches
    kinds = {Path(name).parts[0] + Path(name).suffix for name in plain}
    assert kinds == {"a1.docx", "a1.xlsx", "a2.docx", "a2.xlsx", "m.docx", "l.docx", "l.xlsx"}
    assert plain.keys() == first.keys() == again.keys()
    for name, data in plain.items():
        expected = _parts(data)
        assert _parts(first[name]) == expected, name
        assert _parts(again[name]) == expected, name
    (annex2_docx,) = [data for name, data in again.items() if name.startswith("a2") and name.endswith(".docx")]
    assert UNIT in docx_text(annex2_docx) and "实施情况汇总表" in docx_text(annex2_docx)
    (annex2_xlsx,) = [data for name, data in again.items() if name.startswith("a2") and name.endswith(".xlsx")]
    assert any(UNIT in str(cell) for row in xlsx_rows(annex2_xlsx) for cell in row)


def _context() -> dict:
    return {"title": "标题", "year": 2025, "unit": UNIT, "rows": [{"seq": 1, "name": "张三"}]}


def _docx_template(path: Path, text: str, subject: str = "") -> None:
    from docx import Document

    document = Document()
    document.add_paragraph(text)
    document.sections[0].footer.paragraphs[0].text = "页脚 {{ title }}"
    document.core_properties.subject = subject
    document.save(str(path))


def _subject(data: bytes) -> str:
    from docx import Document

    return Document(io.BytesIO(data)).core_properties.subject


def test_headers_footers_and_properties_render_the_same_from_the_cache(tmp_path, monkeypatch):
    user = tmp_path / "模板"
    (user / "docx").mkdir(parents=True)
    _docx_template(user / "docx" / "note.docx", "正文 {{ unit }}", subject="{{ unit }}的说明 {{ year }}")
    monkeypatch.setenv("SP_DOCS_CACHE", "off")
    plain = render("note", _context(), "docx", user_dir=user)
    monkeypatch.delenv("SP_DOCS_CACHE")
    cached = [render("note", _context(), "docx", user_dir=user) for _ in range(2)]
    assert _subject(plain) == f"{UNIT}的说明 2025"
    with zipfile.ZipFile(io.BytesIO(plain)) as package:
        assert any("页脚 标题" in package.read(n).decode() for n in package.namelist() if "footer" in n)
    for data in cached:
        assert _parts(data) == _parts(plain) and _subject(data) == _subject(plain)


def _keep_mtime(path: Path, edit) -> None:
    """``edit(path)``, then the file's old modification time again (a copy tool or a
    clock that does not move): the cache must still see the change."""
    before = path.stat()
    edit(path)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_mtime_ns == before.st_mtime_ns


def test_a_changed_docx_template_is_read_again(tmp_path):
    user = tmp_path / "模板"
    (user / "docx").mkdir(parents=True)
    template = user / "docx" / "note.docx"
    _docx_template(template, "第一版 {{ unit }}")
    assert "第一版 " + UNIT in docx_text(render("note", _context(), "docx", user_dir=user))
    assert "第一版 " + UNIT in docx_text(render("note", _context(), "docx", user_dir=user))  # cached
    _keep_mtime(template, lambda p: _docx_template(p, "第二版 {{ year }}"))
    text = docx_text(render("note", _context(), "docx", user_dir=user))
    assert "第二版 2025" in text and "第一版" not in text
    template.touch()
    _docx_template(template, "第三版 {{ missing_field }}")
    with pytest.raises(templates.TemplateError, match="missing_field"):
        render("note", _context(), "docx", user_dir=user)
    # a template that breaks out of the sandbox is refused from the cache as well
    _docx_template(template, "{{ unit.__class__.__mro__ }}")
    for _ in range(2):
        with pytest.raises(templates.TemplateError, match="不允许"):
            render("note", _context(), "docx", user_dir=user)


def _xlsx_template(path: Path, header: str) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    ws = workbook.active
    ws["A1"] = header
    ws["A2"] = "{{ row.seq }}"
    ws["B2"] = "{{ row.name }}"
    ws["A3"] = "合计"
    workbook.save(path)


def test_a_changed_xlsx_template_is_read_again(tmp_path):
    user = tmp_path / "模板"
    (user / "xlsx").mkdir(parents=True)
    template = user / "xlsx" / "note.xlsx"
    _xlsx_template(template, "第一版 {{ unit }}")
    context = {**_context(), "rows": [{"seq": 1, "name": "张三"}, {"seq": 2, "name": "李四"}]}
    first = xlsx_rows(render("note", context, "xlsx", user_dir=user))
    assert first[0][0] == "第一版 " + UNIT and first[1][1] == "张三" and first[2][1] == "李四" and first[3][0] == "合计"
    assert xlsx_rows(render("note", context, "xlsx", user_dir=user)) == first  # a fresh copy: rows not added twice
    _keep_mtime(template, lambda p: _xlsx_template(p, "第二版 {{ year }}"))
    again = xlsx_rows(render("note", context, "xlsx", user_dir=user))
    assert again[0][0] == "第二版 2025" and again[1:] == first[1:]


def test_a_replaced_template_folder_is_not_served_from_the_cache(tmp_path):
    """Another file at the same path (a user uploading a new template): another inode."""
    user = tmp_path / "模板"
    (user / "docx").mkdir(parents=True)
    template = user / "docx" / "note.docx"
    _docx_template(template, "旧模板 {{ unit }}")
    assert "旧模板" in docx_text(render("note", _context(), "docx", user_dir=user))
    replacement = tmp_path / "new.docx"
    _docx_template(replacement, "新模板 {{ unit }}")
    shutil.copystat(template, replacement)
    os.replace(replacement, template)
    assert "新模板 " + UNIT in docx_text(render("note", _context(), "docx", user_dir=user))


def test_a_changed_builtin_xlsx_template_is_parsed_again_by_the_direct_writer(tmp_path, monkeypatch):
    """render/xlsx_direct keeps a built-in template parsed per file: an edit that keeps the
    modification time (tools/make_templates.py, a package upgrade) is still seen."""
    from openpyxl import load_workbook

    builtin = tmp_path / "templates"
    (builtin / "xlsx").mkdir(parents=True)
    template = builtin / "xlsx" / "annex2.xlsx"
    shutil.copy(templates.find("xlsx", "annex2.xlsx"), template)
    monkeypatch.setattr(templates, "builtin_dir", lambda: builtin)
    context = {"label": "附件2", "title": "汇总表", "unit_name": UNIT, "date_line": "2025年", "notes": ["甲", "乙"],
               "rows": [{"seq": 1, "name": "张三", "birth": "1990.01", "track": "1", "year": "2025", "note": ""}]}
    first = xlsx_rows(xlsx_direct.render_builtin("annex2.xlsx", context))
    assert first[0][0] == "附件2" and first[4][1] == "张三"
    assert xlsx_rows(xlsx_direct.render_builtin("annex2.xlsx", context)) == first  # from the cache

    def edit(path: Path) -> None:
        workbook = load_workbook(path)
        workbook.active["A1"] = "改版 {{ label }}"
        workbook.save(path)

    _keep_mtime(template, edit)
    again = xlsx_rows(xlsx_direct.render_builtin("annex2.xlsx", context))
    assert again[0][0] == "改版 附件2" and again[1:] == first[1:]
