"""What a second document in the same process reuses (issue 14), and WeasyPrint's
font handling without whole-font copies (render/fonts/weasy.py): the output is
the same as without them, byte for byte, and a changed file is read again."""
from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from helpers import pdf_chars, pdf_text
from sp_docs import jobs
from sp_docs.jobs import dataset_cache
from sp_docs.render import pdf
from sp_docs.render.fonts import weasy

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "data_examples"


def _plan_pdf(outdir: Path, **env: str) -> bytes:
    done = subprocess.run([sys.executable, "-m", "sp_docs.cli", "plan", str(EXAMPLES / "answers.yaml"), "--format",
                           "pdf", "-o", str(outdir)], capture_output=True, text=True, cwd=ROOT, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "src"), **env})
    assert done.returncode == 0, done.stderr[-2000:]
    (found,) = outdir.glob("*.pdf")
    return found.read_bytes()


def _fonts(data: bytes) -> list[str]:
    import io

    import pypdf

    names = set()
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        for font in (page.get("/Resources", {}).get("/Font") or {}).values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return sorted(names)


def test_plan_pdf_is_the_same_with_and_without_the_weasyprint_font_changes(tmp_path):
    changed = _plan_pdf(tmp_path / "on", XDG_CACHE_HOME=str(tmp_path / "cache"))
    original = _plan_pdf(tmp_path / "off", XDG_CACHE_HOME=str(tmp_path / "cache"), SP_DOCS_WEASY_PATCH="off")
    fonts = _fonts(changed)
    assert len(fonts) >= 3 and fonts == _fonts(original)  # the same fonts embedded (pdffonts' names)
    assert pdf_text(changed) == pdf_text(original) and "实施方案" in pdf_text(changed)
    assert pdf_chars(changed) == pdf_chars(original)  # every character: font, size, position
    # the one-pass subset (weasy.one_pass_subset) embeds other font bytes: the pages must look the same
    assert _pages_drawn(changed, tmp_path / "a") == _pages_drawn(original, tmp_path / "b")


def _pages_drawn(data: bytes, folder: Path) -> list[bytes]:
    folder.mkdir()
    (folder / "in.pdf").write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "50", "-gray", str(folder / "in.pdf"), str(folder / "page")], check=True)
    return [page.read_bytes() for page in sorted(folder.glob("page*.pgm"))]


if sys.platform.startswith("linux"):
    _ARRAYS = [("hb_codepoint_t[3]", [5, 1, 9]), ("char[4]", None), ("hb_tag_t[100]", None),
               ("unsigned int[2]", (7, 8)), ("char[]", b"abc"), ("int *", None), ("char[5]", b"ab")]
else:  # pragma: no cover
    _ARRAYS = []


@pytest.mark.parametrize(("cdecl", "init"), _ARRAYS)
def test_fast_array_allocation_gives_what_cffi_gives(cdecl, init):
    import cffi

    ffi = cffi.FFI()
    ffi.cdef("typedef uint32_t hb_codepoint_t; typedef uint32_t hb_tag_t;")
    new = weasy.fast_new(ffi.new)
    fast, plain = new(cdecl, init), ffi.new(cdecl, init)
    assert ffi.typeof(fast) == ffi.typeof(plain) or (ffi.sizeof(fast) == ffi.sizeof(plain)
                                                     and ffi.typeof(fast).item == ffi.typeof(plain).item)
    assert bytes(ffi.buffer(fast)) == bytes(ffi.buffer(plain))


def test_writing_a_pdf_copies_no_whole_font(tmp_path):
    pdf.load_weasyprint()
    if not weasy.apply():
        pytest.skip("WeasyPrint's font internals differ: the change is not applied")
    html = "<html><body><p class='f-fang'>双培双树工程实施方案</p><p class='f-title'>通知</p></body></html>"
    pdf.html_to_pdf(html, tmp_path)  # fonts and WeasyPrint set up
    tracemalloc.start()
    try:
        data = pdf.html_to_pdf(html.replace("通知", "关于印发的通知"), tmp_path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "关于印发的通知" in pdf_text(data)
    assert peak < 8 * 1024 * 1024, peak  # a CJK font file is 5–26 MB


# -- the dataset read in this process -------------------------------------------------------------


@pytest.fixture()
def workbook(tmp_path, monkeypatch):
    monkeypatch.delenv("SP_DOCS_CACHE", raising=False)
    dataset_cache.forget()
    copy = tmp_path / "city.xlsx"
    copy.write_bytes((EXAMPLES / "city.xlsx").read_bytes())
    yield copy
    dataset_cache.forget()


def _counting_loader(monkeypatch) -> list:
    from sp_docs import sources

    calls = []
    real = sources.load_dataset
    monkeypatch.setattr(sources, "load_dataset", lambda path, **kw: calls.append(path) or real(path, **kw))
    return calls


def test_a_workbook_is_read_once_and_each_job_gets_its_own_copy(workbook, monkeypatch):
    calls = _counting_loader(monkeypatch)
    first, _ = jobs.load_valid(workbook)
    units = len(first.units)
    first.units.clear()  # a job that changes what it was given
    second, problems = jobs.load_valid(workbook)
    assert len(calls) == 1 and len(second.units) == units > 0 and second is not first
    assert pickle.dumps(second) == pickle.dumps(jobs.load_valid(workbook)[0])
    assert any(not p.is_error for p in problems)  # the reading warnings come along


def test_a_changed_workbook_is_read_again(workbook, monkeypatch):
    calls = _counting_loader(monkeypatch)
    jobs.load_valid(workbook)
    stat = workbook.stat()
    os.utime(workbook, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))  # touched
    jobs.load_valid(workbook)
    assert len(calls) == 2
    monkeypatch.setenv("SP_DOCS_CACHE", "off")
    jobs.load_valid(workbook)
    assert len(calls) == 3


def test_a_workbook_read_from_the_cache_is_still_protected_as_an_input(workbook):
    # the second run of a command in one process (the web service, CliRunner) reads the workbook
    # from the cache: it must still refuse to write over it
    from sp_docs.errors import SpDocsError
    from sp_docs.output import check_writable, new_run

    jobs.load_valid(workbook)
    new_run()
    jobs.load_valid(workbook)  # from the cache
    with pytest.raises(SpDocsError):
        check_writable(workbook, force=True)


def test_a_trusted_folder_keeps_the_dataset_on_disk_for_other_processes(workbook, monkeypatch, tmp_path):
    # the web store: the upload check reads the workbook, a worker process loads the pickle beside it
    calls = _counting_loader(monkeypatch)
    beside = list(workbook.parent.glob("city.xlsx.*.dataset"))
    jobs.load_valid(workbook)
    assert not list(workbook.parent.glob("city.xlsx.*.dataset"))  # an untrusted folder: nothing on disk
    monkeypatch.setattr(dataset_cache, "_TRUSTED", {workbook.parent.resolve()})
    dataset_cache.forget()
    first, _ = jobs.load_valid(workbook)
    (beside,) = workbook.parent.glob("city.xlsx.*.dataset")
    dataset_cache.forget()  # another process: nothing in memory
    second, problems = jobs.load_valid(workbook)
    assert len(calls) == 2 and pickle.dumps(second) == pickle.dumps(first)
    assert any(not p.is_error for p in problems)
    stat = workbook.stat()
    os.utime(workbook, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))  # changed: read again
    dataset_cache.forget()
    jobs.load_valid(workbook)
    assert len(calls) == 3
    beside.write_bytes(b"not a pickle")  # a damaged file beside it: read the workbook again
    dataset_cache.forget()
    assert jobs.load_valid(workbook)[0].units and len(calls) == 4
    from sp_docs.web.storage import FileStore

    store = FileStore(tmp_path / "files")
    name = store.save_bytes(workbook.read_bytes(), "xlsx")
    jobs.load_valid(store.path(name))
    assert list(store.path(name).parent.glob("*.dataset"))
    store.remove(name)
    assert not list(store.path(name).parent.iterdir())


# -- the compiled HTML template -------------------------------------------------------------------


def test_an_edited_html_template_is_compiled_again(tmp_path):
    folder = tmp_path / "templates"
    (folder / "html").mkdir(parents=True)
    template = folder / "html" / "note.html"
    template.write_text("<p>{{ name }}：第一版</p>", encoding="utf-8")
    assert pdf.render_html("note.html", {"name": "张三"}, user_dir=folder)[0] == "<p>张三：第一版</p>"
    assert pdf.render_html("note.html", {"name": "李四"}, user_dir=folder)[0] == "<p>李四：第一版</p>"
    stat = template.stat()
    template.write_text("<p>{{ name }}：第二版</p>", encoding="utf-8")
    os.utime(template, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    assert pdf.render_html("note.html", {"name": "张三"}, user_dir=folder)[0] == "<p>张三：第二版</p>"


def test_a_second_plan_in_one_process_is_the_same_pdf(tmp_path, monkeypatch):
    from sp_docs.jobs.plan import plan

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    for name in ("a", "b"):
        plan(EXAMPLES / "answers.yaml", tmp_path / name, formats=("pdf",))
    (first,), (second,) = (list((tmp_path / n).glob("*.pdf")) for n in ("a", "b"))
    assert first.read_bytes() == second.read_bytes()
    assert [len(p) for p in pdf_chars(first.read_bytes())] == [len(p) for p in pdf_chars(second.read_bytes())]


_PROBE = """
import json, sys
from sp_docs.render.pdf import load_weasyprint
load_weasyprint()
before = sorted(m for m in ('fontTools.subset.cff', 'fontTools.varLib.instancer.names', 'fontTools.designspaceLib')
                if m in sys.modules)
from weasyprint.pdf import fonts
from fontTools import subset
options = subset.Options(retain_gids=True)  # the real subsetter, imported now
from fontTools.varLib.instancer import instantiateVariableFont, OverlapMode
real = sys.modules['fontTools.varLib.instancer']
print(json.dumps({'before': before, 'options': options.retain_gids, 'real': hasattr(real, 'instantiateVariableFont')
                  and not getattr(real, 'sp_docs_stand_in', False), 'mode': OverlapMode.__name__,
                  'wp': fonts.instantiateVariableFont.__name__}))
"""


def test_fonttools_subsetter_and_instancer_are_imported_when_first_used():
    import json

    done = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, cwd=ROOT, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["before"] == []  # not imported with WeasyPrint
    assert found["options"] is True and found["real"] is True and found["mode"] == "OverlapMode"
    assert found["wp"] == "instantiateVariableFont"


def test_the_dataset_cache_keeps_a_bounded_amount(workbook, monkeypatch, tmp_path):
    calls = _counting_loader(monkeypatch)
    monkeypatch.setattr(dataset_cache, "KEEP_BYTES", 1)  # nothing fits
    jobs.load_valid(workbook)
    jobs.load_valid(workbook)
    assert len(calls) == 2
    monkeypatch.setattr(dataset_cache, "KEEP_BYTES", 64 * 1024 * 1024)
    copies = []
    for i in range(dataset_cache.KEEP + 1):
        copy = tmp_path / f"copy{i}.xlsx"
        copy.write_bytes(workbook.read_bytes())
        copies.append(copy)
        jobs.load_valid(copy)
    jobs.load_valid(copies[-1])
    assert len(calls) == 2 + dataset_cache.KEEP + 1  # the newest is kept …
    jobs.load_valid(copies[0])
    assert len(calls) == 2 + dataset_cache.KEEP + 2  # … the oldest was dropped
