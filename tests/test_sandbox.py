"""User-supplied templates are sandboxed; the PDF path fetches nothing it was not
given; formula-like text never becomes a formula in XLSX."""
from __future__ import annotations

import http.server
import io
import shutil
import subprocess
import threading
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from openpyxl import Workbook, load_workbook

from helpers import docx_text, libreoffice_available, pdf_text
from sp_docs.cli import main
from sp_docs.errors import TemplateError
from sp_docs.jobs.annex2 import annex2
from sp_docs.render import pdf as pdf_render
from sp_docs.render import templates
from sp_docs.render.xlsx import set_text_safe

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
WORKBOOK = CORPUS / "inject_jinja.xlsx"  # small, valid
UNIT = "青川市第一中学"

ATTACKS = {
    "mro": "{{ ''.__class__.__mro__ }}",
    "globals": "{{ cycler.__init__.__globals__ }}",
    "context": "{{ self._TemplateReference__context }}",
    "subclasses": "{{ ().__class__.__base__.__subclasses__() }}",
    "format": "{{ '{0.__class__}'.format(title) }}",
    "import": "{% for row in rows %}{{ row.__init__ }}{% endfor %}",
}


def _html_template(tmp_path: Path, body: str, head: str = "") -> Path:
    builtin = (templates.builtin_dir() / "html" / "annex2.html").read_text(encoding="utf-8")
    html = builtin.replace("</head>", head + "</head>").replace("<body class=\"f-fang\">",
                                                                "<body class=\"f-fang\">" + body)
    folder = tmp_path / "tpl"
    (folder / "html").mkdir(parents=True, exist_ok=True)
    (folder / "html" / "annex2.html").write_text(html, encoding="utf-8")
    return folder


def _docx_template(tmp_path: Path, text: str) -> Path:
    document = Document(str(templates.builtin_dir() / "docx" / "annex2.docx"))
    document.add_paragraph(text)
    folder = tmp_path / "tpl"
    (folder / "docx").mkdir(parents=True, exist_ok=True)
    document.save(str(folder / "docx" / "annex2.docx"))
    return folder


# -- Python internals are out of reach -------------------------------------------------------

@pytest.mark.parametrize("attack", list(ATTACKS), ids=str)
@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_template_reaching_internals_is_refused(attack, fmt, tmp_path):
    text = ATTACKS[attack]
    folder = _html_template(tmp_path, f"<p>{text}</p>") if fmt == "pdf" else _docx_template(tmp_path, text)
    with pytest.raises(TemplateError) as info:
        annex2(WORKBOOK, UNIT, tmp_path / "out", year=2025, formats=[fmt], template_dir=folder)
    message = str(info.value)
    assert "annex2" in message and "不允许的内部属性" in message and "已拒绝" in message, message
    assert "Traceback" not in message
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_cli_refusal_is_a_chinese_message(fmt, tmp_path):
    text = ATTACKS["globals"]
    folder = _html_template(tmp_path, f"<p>{text}</p>") if fmt == "pdf" else _docx_template(tmp_path, text)
    result = CliRunner().invoke(main, ["annex", "2", str(WORKBOOK), "--unit", UNIT, "--year", "2025",
                                       "--format", fmt, "--templates", str(folder), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "内部错误" not in result.output
    assert "不允许" in result.output and "已拒绝" in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_missing_field_is_named_before_rendering(fmt, tmp_path, monkeypatch):
    text = "{{ 没有的字段 }}{{ rows }}{{ shenfenzheng }}"
    folder = _html_template(tmp_path, f"<p>{text}</p>") if fmt == "pdf" else _docx_template(tmp_path, text)
    rendered = []
    if fmt == "pdf":
        monkeypatch.setattr(pdf_render, "html_to_pdf", lambda *a, **k: rendered.append(1) or b"")
    with pytest.raises(TemplateError) as info:
        annex2(WORKBOOK, UNIT, tmp_path / "out", year=2025, formats=[fmt], template_dir=folder)
    assert "没有的字段" in str(info.value) and "shenfenzheng" in str(info.value)
    assert "rows" not in str(info.value).split("：")[-1].split("、")
    assert not rendered


def test_xlsx_template_lookup_is_not_attribute_access(tmp_path):
    from sp_docs.render.xlsx import render_xlsx

    folder = tmp_path / "tpl" / "xlsx"
    folder.mkdir(parents=True)
    for placeholder in ("{{ title.__class__ }}", "{{ rows.0.__dict__ }}", "{{ nosuch }}"):
        wb = load_workbook(templates.builtin_dir() / "xlsx" / "annex2.xlsx")
        wb.worksheets[0]["H1"] = placeholder
        wb.save(folder / "annex2.xlsx")
        with pytest.raises(TemplateError, match="没有的字段"):
            render_xlsx("annex2.xlsx", {"title": "t", "rows": [{"name": "x"}]}, user_dir=tmp_path / "tpl")


def test_user_data_is_never_a_template(tmp_path):
    """Jinja syntax inside values is printed, not evaluated, in every format."""
    written, _ = annex2(WORKBOOK, UNIT, tmp_path, year=2025, formats=["docx", "pdf"])
    files = {p.suffix: p for p in written}
    for text in (docx_text(files[".docx"]), pdf_text(files[".pdf"])):
        assert "{{ 7*7 }}" in text
        assert "49" not in text


# -- the PDF path fetches nothing it was not given ------------------------------------------

class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802
        _Recorder.hits.append(self.path)
        body = b"body::after { content: 'NETWORK-LEAK'; }"
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture()
def http_server():
    _Recorder.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_pdf_refuses_file_and_network_urls(tmp_path, http_server):
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "leak.css").write_text("body::before { content: 'FILE-LEAK'; }", encoding="utf-8")
    (secret / "leak.html").write_text("FILE-LEAK", encoding="utf-8")
    head = (f'<link rel="stylesheet" href="file://{secret}/leak.css">'
            f'<link rel="stylesheet" href="{http_server}/a.css">'
            '<link rel="stylesheet" href="../secret/leak.css">'
            f'<style>@import url("{http_server}/b.css"); @import url("file://{secret}/leak.css");'
            f'.x {{ background: url("{http_server}/bg.png"); }}</style>'
            '<link rel="stylesheet" href="own.css">')
    body = (f'<img src="file:///etc/passwd"><img src="{http_server}/i.png"><img src="https://example.invalid/i.png">'
            f'<iframe src="file://{secret}/leak.html"></iframe><object data="file:///etc/passwd"></object>'
            '<p class="x">正文</p>')
    folder = _html_template(tmp_path, body, head)
    # a stylesheet beside the user's own template is allowed: proves the detection works
    (folder / "html" / "own.css").write_text("body::before { content: 'OWN-CSS-OK'; }", encoding="utf-8")
    written, _ = annex2(WORKBOOK, UNIT, tmp_path / "out", year=2025, formats=["pdf"], template_dir=folder)
    text = pdf_text(written[0])
    assert "OWN-CSS-OK" in text
    assert "FILE-LEAK" not in text and "NETWORK-LEAK" not in text
    assert "root:" not in text
    assert _Recorder.hits == []
    assert "青川市第一中学" in text


@pytest.mark.parametrize("url", ["file:///etc/passwd", "file:///etc/hostname", "http://127.0.0.1/x.css",
                                 "https://example.com/a.png", "ftp://example.com/a", "file:///tmp/../etc/passwd",
                                 "gopher://x/", "//example.com/a.css"])
def test_fetcher_refuses(url, tmp_path):
    fetcher = pdf_render.make_url_fetcher(set(), [tmp_path])
    call = fetcher.fetch if hasattr(fetcher, "fetch") else fetcher
    with pytest.raises(pdf_render.RefusedURL):
        call(url)


def test_fetcher_allows_named_files_and_own_dirs(tmp_path):
    (tmp_path / "a.css").write_text("p{}", encoding="utf-8")
    other = tmp_path.parent / f"{tmp_path.name}-named.css"
    other.write_text("p{}", encoding="utf-8")
    try:
        fetcher = pdf_render.make_url_fetcher({str(other.resolve())}, [tmp_path])
        call = fetcher.fetch if hasattr(fetcher, "fetch") else fetcher
        for url in (f"file://{tmp_path}/a.css", f"file://{other}", "data:text/css,p{}"):
            result = call(url)
            assert result is not None
            if hasattr(result, "close"):
                result.close()
        with pytest.raises(pdf_render.RefusedURL):
            call(f"file://{tmp_path}/../{tmp_path.name}-other.css")
    finally:
        other.unlink()


# -- formula-like text stays text in XLSX ------------------------------------------------------

FORMULA_LIKE = ["=1+1", '=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1:A2)", "=cmd|' /C calc'!A0",
                "-", "=", "＝1+1"]


def _safe_workbook(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    for row, text in enumerate(FORMULA_LIKE, start=1):
        set_text_safe(ws.cell(row=row, column=1), text)
    set_text_safe(ws.cell(row=1, column=2), "控制\x07字符\x1b")
    wb.save(path)


def test_set_text_safe_writes_text_cells(tmp_path):
    path = tmp_path / "safe.xlsx"
    _safe_workbook(path)
    ws = load_workbook(path).active
    for row, text in enumerate(FORMULA_LIKE, start=1):
        cell = ws.cell(row=row, column=1)
        assert cell.value == text
        assert cell.data_type == "s"
    assert ws["B1"].value == "控制字符"
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet and "<f " not in sheet


@pytest.mark.slow
@pytest.mark.skipif(not libreoffice_available(), reason="LibreOffice 未安装")
def test_libreoffice_does_not_evaluate_formula_like_text(tmp_path):
    path = tmp_path / "safe.xlsx"
    _safe_workbook(path)
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    subprocess.run([binary, f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless", "--convert-to",
                    "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=180)
    lines = (tmp_path / "safe.csv").read_text(encoding="utf-8").splitlines()
    cells = [line.split(",")[0].strip('"') for line in lines]
    for text in ("=1+1", "+1+1", "-2+3", "@SUM(A1:A2)"):
        assert text in cells, (text, cells)
    assert "2" not in cells and "1" not in cells and "y" not in cells


def test_generated_annex2_xlsx_has_no_formulas(tmp_path):
    written, _ = annex2(CORPUS / "inject_formula.xlsx", UNIT, tmp_path, year=2025, formats=["xlsx"])
    data = written[0].read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in archive.read(name).decode("utf-8")
    ws = load_workbook(written[0]).worksheets[0]
    notes = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    assert len(notes) >= 4 and all(c.data_type == "s" for c in notes)
