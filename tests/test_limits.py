"""sp_docs.limits and render.sandbox in-process: each limit trips with a Chinese
message naming the file, legitimate use still works, configuration by
environment variable, template containment, every row read past a wrong
<dimension>, file names that fit the file system."""
from __future__ import annotations

import io
import os
import re
import sys
import threading
import time
import zipfile
from pathlib import Path

import jinja2
import pytest

from sp_docs import limits
from sp_docs.errors import InputError, TemplateError
from sp_docs.output import safe_filename
from sp_docs.render import sandbox, templates

sys.path.insert(0, str(Path(__file__).resolve().parent / "bad_inputs"))
from contain_corpus import laughs, png_header, xlsx_rows  # noqa: E402

sys.path.pop(0)

EXAMPLES = Path(__file__).resolve().parents[1] / "data_examples"


def render(source: str, label: str = "测试模板.html", **context) -> str:
    return templates.environment(label=label).from_string(source).render(**context)


def refused(source: str, *fragments: str, **context) -> str:
    with pytest.raises(limits.LimitExceeded) as caught:
        render(source, **context)
    text = str(caught.value)
    assert "测试模板.html" in text and "SP_DOCS_LIMIT_" in text, text
    for fragment in fragments:
        assert fragment in text, text
    return text


# -- configuration ---------------------------------------------------------------------------

def test_defaults_and_environment(monkeypatch):
    assert limits.current().workbook_rows == 200_000
    monkeypatch.setenv("SP_DOCS_LIMIT_WORKBOOK_ROWS", "500000")
    monkeypatch.setenv("SP_DOCS_LIMIT_YAML_MB", "0.5")
    now = limits.current()
    assert now.workbook_rows == 500_000 and now.yaml_mb == 0.5
    monkeypatch.setenv("SP_DOCS_LIMIT_YAML_MB", "很多")
    with pytest.raises(Exception, match="不是数字"):
        limits.current()
    monkeypatch.delenv("SP_DOCS_LIMIT_YAML_MB")
    assert len(limits.describe()) == len(limits.LABELS)


def test_set_from_option(monkeypatch):
    monkeypatch.delenv("SP_DOCS_LIMIT_RENDER_LOOPS", raising=False)
    limits.set_from_option("render_loops=5")
    try:
        assert limits.current().render_loops == 5
        refused("{% for i in range(6) %}{% endfor %}", "range()")
    finally:
        os.environ.pop("SP_DOCS_LIMIT_RENDER_LOOPS", None)
    with pytest.raises(Exception, match="名称=值"):
        limits.set_from_option("没有这项=1")


# -- render limits --------------------------------------------------------------------------

def test_legitimate_templates_still_work():
    source = ("{% for i in range(3) %}{{ i }}{{ loop.length }}{% endfor %}|{{ range(2, 6)|list|join(',') }}"
              "|{{ 'ab' * 2 }}|{{ [1] + [2] }}|{{ 2 ** 10 }}|{{ '%05d' % 7 }}|{{ name|upper }}|{{ range(5)[2] }}"
              "|{{ '<a>' }}|{{ items|sort|join('、') }}")
    assert render(source, name="abc", items=["乙", "甲"]) == \
        "031323|2,3,4,5|abab|[1, 2]|1024|00007|ABC|2|&lt;a&gt;|乙、甲"


def test_repetition_and_growth_are_refused_before_they_allocate():
    refused("{{ 'a' * 10**9 }}", "“*”重复")
    refused("{{ [1, 2] * 10**8 }}", "“*”重复")
    refused("{{ 10**8 * name }}", "“*”重复", name="张三")
    refused("{{ '%999999999d' % 1 }}", "“%”格式的宽度")
    refused("{{ 7 ** 100000000 }}", "乘方")
    refused("{{ 'x'.center(10**9) }}", "长度")
    refused("{{ 'a'|center(10**9) }}", "center")
    refused("{{ ('x\n' * 1000000)|indent(100) }}", "indent")
    refused("{{ ('a' * 1000000)|replace('a', 'a' * 100) }}", "replace")
    refused("{{ '%999999999d'|format(1) }}", "format")


def test_loops_draw_from_one_budget_and_huge_ranges_are_not_overflow_errors():
    refused("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", "range()")
    text = refused("{% for i in range(10**30) %}{% endfor %}", "range()")
    assert "OverflowError" not in text


def test_lipsum_is_gone():
    with pytest.raises(jinja2.UndefinedError):
        render("{{ lipsum(1000000) }}")


def test_output_cap(monkeypatch):
    monkeypatch.setenv("SP_DOCS_LIMIT_RENDER_MB", "1")
    refused("{% for i in range(2000) %}{{ 'x' * 1000 }}{% endfor %}", "输出的文字", "1 MB")


def test_memory_cap_turns_memory_error_into_a_refusal(monkeypatch):
    monkeypatch.setenv("SP_DOCS_LIMIT_RENDER_MEMORY_MB", "64")
    started = time.monotonic()
    refused("{% set ns = namespace(s='ab') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
            "内存", "64 MB")
    assert time.monotonic() - started < 5
    assert render("{{ 'a'|center(5) }}") == "  a  "  # the process limit is restored


def test_time_limit_in_the_main_thread_and_in_a_worker_thread(monkeypatch):
    monkeypatch.setenv("SP_DOCS_LIMIT_RENDER_SECONDS", "0.5")
    busy = "{% for a in 'x' * 100000 %}{% for b in 'y' * 100000 %}{% endfor %}{% endfor %}"
    started = time.monotonic()
    refused(busy, "渲染的时间")
    assert time.monotonic() - started < 3
    errors = []

    def worker():  # no SIGALRM off the main thread: the checks at calls, lookups and ranges
        try:
            render("{% for a in range(1000000) %}{{ a.real }}{% endfor %}")
        except limits.LimitExceeded as exc:
            errors.append(exc)

    thread = threading.Thread(target=worker)
    started = time.monotonic()
    thread.start()
    thread.join(20)
    assert errors and "渲染的时间" in str(errors[0]) and time.monotonic() - started < 5


def test_a_template_file_that_tripped_is_refused_at_once(tmp_path, monkeypatch):
    path = tmp_path / "t.html"
    path.write_text("x", encoding="utf-8")
    monkeypatch.setenv("SP_DOCS_LIMIT_RENDER_SECONDS", "0.3")
    env = templates.environment(label=path)
    busy = env.from_string("{% for a in 'x' * 100000 %}{% for b in 'y' * 100000 %}{% endfor %}{% endfor %}")
    with pytest.raises(limits.LimitExceeded):
        busy.render()
    started = time.monotonic()
    with pytest.raises(limits.LimitExceeded):
        env.from_string("{{ 1 }}").render()  # same file, unchanged: refused without running
    assert time.monotonic() - started < 0.1
    path.write_text("changed", encoding="utf-8")
    assert env.from_string("{{ 1 }}").render() == "1"


def test_constant_filters_are_not_evaluated_while_scanning_fields():
    from jinja2 import meta

    env = templates.environment(label="x.html")
    started = time.monotonic()
    assert meta.find_undeclared_variables(env.parse("{{ 'a'|center(2000000000) }}{{ 姓名 }}")) == {"姓名"}
    assert time.monotonic() - started < 1


def test_render_overhead_is_small():
    env = templates.environment(label="x.html")
    template = env.from_string("{{ 姓名 }}")
    started = time.perf_counter()
    for _ in range(200):
        template.render(姓名="张三")
    assert (time.perf_counter() - started) / 200 < 0.005  # measured ~0.25 ms per render


# -- containment --------------------------------------------------------------------------

@pytest.fixture
def folder(tmp_path):
    html = tmp_path / "t" / "html"
    html.mkdir(parents=True)
    (html / "part.html").write_text("部分{{ x }}", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("SECRET", encoding="utf-8")
    (html / "secret_link.txt").symlink_to(tmp_path / "secret.txt")
    (html / "dir_link").symlink_to(tmp_path)
    return tmp_path


@pytest.mark.parametrize("name, message", [
    ("secret_link.txt", "模板文件夹之外的链接"), ("dir_link/secret.txt", "模板文件夹之外的链接"),
    ("../secret.txt", "不在模板文件夹内"), ("/etc/passwd", "不在模板文件夹内"),
    ("C:/Windows/win.ini", "不在模板文件夹内"), ("..\\secret.txt", "不在模板文件夹内")])
def test_includes_stay_inside_the_template_folder(folder, name, message):
    env = templates.environment([folder / "t" / "html"], label="annex2.html")
    for tag in ("include", "import", "extends"):
        literal = name.replace("\\", "\\\\")
        source = f'{{% {tag} "{literal}"{" as m" if tag == "import" else ""} %}}'
        with pytest.raises(TemplateError, match=message) as caught:
            env.from_string(source).render(x=1)
        assert "SECRET" not in str(caught.value)


def test_includes_inside_the_folder_and_the_packaged_partials_work(folder):
    env = templates.environment([folder / "t" / "html", templates.builtin_dir() / "html"], label="a.html")
    assert env.from_string('{% include "part.html" %}').render(x=1) == "部分1"
    assert env.from_string('{% include "./part.html" %}').render(x=2) == "部分2"


def test_a_template_file_linked_from_outside_is_refused(folder):
    (folder / "t" / "html" / "annex2.html").symlink_to(folder / "secret.txt")
    with pytest.raises(TemplateError, match="模板文件夹之外的链接"):
        templates.find("html", "annex2.html", folder / "t")


# -- YAML --------------------------------------------------------------------------------------

def test_yaml_aliases_are_counted_not_expanded():
    assert limits.load_yaml("a: &x {b: 1}\nc: *x\n", "ok.yaml") == {"a": {"b": 1}, "c": {"b": 1}}
    started = time.monotonic()
    with pytest.raises(limits.LimitExceeded, match="bomb.yaml.*YAML 展开别名"):
        limits.load_yaml(laughs(), "bomb.yaml")
    assert time.monotonic() - started < 1


def test_yaml_size(tmp_path, monkeypatch):
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * 300_000 + "\n", encoding="utf-8")
    monkeypatch.setenv("SP_DOCS_LIMIT_YAML_MB", "0.25")
    with pytest.raises(limits.LimitExceeded, match="YAML 文件大小超过上限 0.25 MB"):
        limits.read_yaml_text(path)


# -- workbooks ------------------------------------------------------------------------------

def _with_dimension(data: bytes, ref: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                part = re.sub(rb'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>'.encode(), part)
            target.writestr(info.filename, part)
    return out.getvalue()


def test_rows_past_a_wrong_dimension_are_read(tmp_path):
    from sp_docs.sources import load_dataset
    from sp_docs.sources.tables import read_sheet_values

    path = tmp_path / "five.xlsx"
    path.write_bytes(xlsx_rows(5, dimension="A1:M4"))
    assert [row[0] for row in read_sheet_values(path)["教师"]] == ["x1", "x2", "x3", "x4", "x5"]
    wrong = tmp_path / "city.xlsx"
    wrong.write_bytes(_with_dimension((EXAMPLES / "city.xlsx").read_bytes(), "A1:M4"))
    expected, _ = load_dataset(EXAMPLES / "city.xlsx")
    found, _ = load_dataset(wrong)
    assert len(expected.teachers) > 3
    assert len(found.teachers) == len(expected.teachers) and len(found.trainees) == len(expected.trainees)


def test_rows_and_cells_are_counted_before_parsing(tmp_path, monkeypatch):
    path = tmp_path / "rows.xlsx"
    path.write_bytes(xlsx_rows(60_000))  # the sheet XML spans several 1 MB chunks
    assert limits.count_sheet_rows(path) == (60_000, 60_000)
    monkeypatch.setenv("SP_DOCS_LIMIT_WORKBOOK_ROWS", "59999")
    with pytest.raises(limits.LimitExceeded, match="rows.xlsx.*工作簿的行数"):
        limits.count_sheet_rows(path)
    monkeypatch.setenv("SP_DOCS_LIMIT_WORKBOOK_ROWS", "100000")
    monkeypatch.setenv("SP_DOCS_LIMIT_WORKBOOK_CELLS", "1000")
    with pytest.raises(limits.LimitExceeded, match="单元格数"):
        limits.count_sheet_rows(path)


def test_prefixed_sheet_xml_is_counted(tmp_path):
    sheet = ('<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
             + "".join(f'<x:row r="{r}"><x:c r="A{r}"><x:v>{r}</x:v></x:c></x:row>' for r in range(1, 8))
             + "</x:sheetData></x:worksheet>")
    path = tmp_path / "prefixed.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    assert limits.count_sheet_rows(path) == (7, 7)


def test_progress_while_reading_a_long_sheet(tmp_path, monkeypatch):
    from sp_docs.sources import xlsx_cells

    path = tmp_path / "long.xlsx"
    path.write_bytes(xlsx_rows(50))
    seen = []
    monkeypatch.setattr(xlsx_cells, "PROGRESS_EVERY", 20)
    monkeypatch.setattr(limits, "progress_hook", seen.append)
    xlsx_cells.read_sheet_values(path)
    assert len(seen) == 2 and "long.xlsx" in seen[0] and "已读 20 行" in seen[0]


def test_docx_templates_pass_the_package_checks():
    from sp_docs.sources.safety import check_docx_template

    for path in (templates.builtin_dir() / "docx").glob("*.docx"):
        check_docx_template(path)


# -- images ---------------------------------------------------------------------------------

def test_image_pixels_from_the_header(tmp_path):
    from PIL import Image

    big = tmp_path / "seal.png"
    big.write_bytes(png_header(30000, 30000))
    with pytest.raises(limits.LimitExceeded, match="30000×30000"):
        limits.check_image(big, "settings.yaml")
    jpeg = tmp_path / "seal.jpg"
    Image.new("RGB", (320, 200), "red").save(jpeg, quality=80)
    assert limits.check_image(jpeg, "answers.yaml") == (320, 200)
    text = tmp_path / "seal.png.txt"
    text.write_text("不是图片", encoding="utf-8")
    with pytest.raises(InputError, match="不是有效的 PNG 或 JPG"):
        limits.check_image(text, "answers.yaml")


def test_pillow_warnings_become_errors(tmp_path, monkeypatch):
    from PIL import Image

    path = tmp_path / "wide.png"
    Image.new("L", (3000, 1000)).save(path)
    monkeypatch.setenv("SP_DOCS_LIMIT_IMAGE_MEGAPIXELS", "2")
    with pytest.raises((Image.DecompressionBombWarning, Image.DecompressionBombError)):
        with limits.pillow_guard(), Image.open(path) as image:
            image.load()


# -- file names ---------------------------------------------------------------------------------

def test_file_names_fit_the_file_system():
    long_a = "001_" + "单" * 90 + "_张三"
    long_b = "001_" + "单" * 90 + "_李四"
    a, b = safe_filename(long_a), safe_filename(long_b + ".docx")
    assert a != safe_filename(long_b) and len(a.encode("utf-8")) <= 240 and a.startswith("001_单单")
    assert b.endswith(".docx") and "~" in b and len(b.encode("utf-8")) <= 240
    assert safe_filename("001_张三") == "001_张三"
    assert len(safe_filename("a" * 300)) <= 120
