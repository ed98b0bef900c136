"""CONTRIBUTING.md's recipe for a new document kind, followed once in a temporary package.

The toy kind “培养人名单（按单位）” lists each unit's mentors.  Its modules are
written to a temporary folder exactly as the recipe says (table spec, view-model,
templates, job, command) and the real pipeline does the rest: the job is called
with a Reporter, the command is registered on a fresh ``SpDocsGroup``, and the
PDF, DOCX and XLSX it writes are read back and compared with the data.
"""
from __future__ import annotations

import importlib
import re
import sys
import textwrap

import pytest
from click.testing import CliRunner

from helpers import docx_tables, pdf_text, xlsx_rows

DOCUMENT = '''
"""Toy: the mentors of each unit (model → view-model)."""
from dataclasses import asdict, dataclass

from sp_docs.documents.common import pinyin_key, select_units
from sp_docs.tables import Column, TableSpec

TABLE = TableSpec("培养人名单", (Column("序号", "seq", 15, 6), Column("单位", "unit", 80, 30),
                                Column("培养人", "mentor", 35, 12), Column("帮带人数", "count", 26, 10)))


@dataclass
class Row:
    seq: int
    unit: str
    mentor: str
    count: int


@dataclass
class MentorTableView:
    title: str
    rows: list
    warnings: list

    def context(self) -> dict:
        return {"title": self.title, "rows": [asdict(r) for r in self.rows], "table": TABLE.context()}


def build(data, unit=None) -> MentorTableView:
    units = select_units(data, unit)
    counts = {}
    for t in data.trainees:
        if t.unit in units:
            for m in t.mentors:
                counts[(t.unit, m.name)] = counts.get((t.unit, m.name), 0) + 1
    order = {u: i for i, u in enumerate(units)}
    keys = sorted(counts, key=lambda k: (order[k[0]], pinyin_key(k[1])))
    rows = [Row(n, u, m, counts[(u, m)]) for n, (u, m) in enumerate(keys, start=1)]
    return MentorTableView(f"{unit or '全部单位'}培养人名单", rows, [])
'''

JOB = '''
"""Toy job: workbook → the view-model → every format → files; any front end calls it."""
from pathlib import Path

from sp_docs.jobs import example_step, example_workbook, load_valid
from sp_docs.jobs.progress import JobResult, as_reporter
from sp_docs.output import safe_filename, write_bytes
from sp_docs.render import formats as fmt

from . import document as doc


def mentor_table(workbook, outdir, *, unit=None, formats=("xlsx", "docx", "pdf"), force=False,
                 template_dir=None, progress=None) -> JobResult:
    reporter = as_reporter(progress)
    data, _ = load_valid(workbook)
    view = doc.build(data, unit)
    reporter.start(len(formats), "培养人名单")
    written = []
    for f in formats:
        payload = fmt.render("mentor_table", view.context(), f, user_dir=template_dir)
        written.append(write_bytes(Path(outdir) / f"{safe_filename(view.title)}.{f}", payload, force=force))
        reporter.advance(1)
    return JobResult.of(written, view)


@example_step("培养人名单（玩具）")
def example(data_dir, outdir, force):
    return mentor_table(example_workbook(data_dir), Path(outdir) / "培养人名单", force=force).written
'''

COMMAND = '''
"""Toy command: parse options, call the job, print the result."""
import click

from sp_docs.commands.common import console, force_option, outdir_option, templates_option, workbook_argument


def register(main) -> None:
    @main.command("mentor-table")
    @workbook_argument
    @click.option("--unit", help="单位名称")
    @outdir_option
    @force_option
    @templates_option
    def mentor_table_command(workbook, unit, outdir, force, template_dir):
        """培养人名单：每个单位的培养人和帮带人数。"""
        from .job import mentor_table

        result = mentor_table(workbook, outdir, unit=unit, force=force, template_dir=template_dir)
        for path in result.written:
            console.print(f"已写入 {path}")
'''

HTML = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>{% include "gongwen.css" %}</style></head>
<body class="f-fang"><h1 class="f-title">{{ title }}</h1><table class="grid">
<colgroup>{% for c in table %}<col style="width: {{ c.width_percent }}%">{% endfor %}</colgroup>
<thead><tr>{% for c in table %}<th>{{ c.header }}</th>{% endfor %}</tr></thead>
<tbody>{% for row in rows %}<tr>{% for c in table %}<td>{{ row[c.field] }}</td>{% endfor %}</tr>{% endfor %}</tbody>
</table></body></html>"""


def _templates(folder, spec) -> None:
    """The recipe's template step: HTML by hand, DOCX and XLSX generated from the spec."""
    from docx import Document
    from openpyxl import Workbook

    (folder / "html").mkdir(parents=True)
    (folder / "html" / "mentor_table.html").write_text(HTML, encoding="utf-8")
    (folder / "docx").mkdir()
    document = Document()
    document.add_paragraph("{{ title }}")
    table = document.add_table(rows=4, cols=len(spec.columns))
    for cell, column in zip(table.rows[0].cells, spec.columns):
        cell.text = column.header
    table.rows[1].cells[0].text = "{%tr for row in rows %}"
    for cell, column in zip(table.rows[2].cells, spec.columns):
        cell.text = "{{ row.%s }}" % column.field
    table.rows[3].cells[0].text = "{%tr endfor %}"
    document.save(folder / "docx" / "mentor_table.docx")
    (folder / "xlsx").mkdir()
    wb = Workbook()
    ws = wb.active
    ws.append(["{{ title }}"])
    ws.append(list(spec.headers))
    ws.append(["{{ row.%s }}" % f for f in spec.fields])
    wb.save(folder / "xlsx" / "mentor_table.xlsx")


@pytest.fixture()
def toy_kind(tmp_path, monkeypatch):
    package = tmp_path / "toy_kind"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name, source in (("document", DOCUMENT), ("job", JOB), ("command", COMMAND)):
        (package / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    document = importlib.import_module("toy_kind.document")
    _templates(tmp_path / "templates", document.TABLE)
    yield tmp_path, document
    for name in [m for m in sys.modules if m == "toy_kind" or m.startswith("toy_kind.")]:
        del sys.modules[name]


def _expected(city, spec_document) -> list[list[str]]:
    view = spec_document.build(city, None)
    assert view.rows and all(r.count >= 1 for r in view.rows)
    return [spec_document.TABLE.cells(r) for r in view.rows]


def test_a_new_document_kind_needs_no_change_to_the_pipeline(toy_kind, city, city_workbook):
    from sp_docs.commands.common import SpDocsGroup
    from sp_docs.jobs import example_steps

    root, document = toy_kind
    command = importlib.import_module("toy_kind.command")

    @__import__("click").group(cls=SpDocsGroup)
    def toy_cli():
        """玩具命令组。"""

    command.register(toy_cli)
    out = root / "out"
    result = CliRunner().invoke(toy_cli, ["mentor-table", str(city_workbook), "-o", str(out),
                                          "--templates", str(root / "templates")])
    assert result.exit_code == 0, result.output
    files = {p.suffix: p for p in out.iterdir()}
    assert set(files) == {".pdf", ".docx", ".xlsx"}
    expected = _expected(city, document)
    assert [[str(c) for c in r] for r in xlsx_rows(files[".xlsx"])[2:]] == expected
    assert docx_tables(files[".docx"])[0][1:] == expected
    text = re.sub(r"\s", "", pdf_text(files[".pdf"]))
    assert all(r[2][:4] in text and r[1][:2] in text for r in expected)  # long names wrap in their cell
    assert text.index(expected[0][2][:4]) < text.index(expected[-1][2][:4])
    # its example step is found like the built-in ones (sp-docs all lists modules explicitly)
    steps = example_steps(("job",), package="toy_kind")
    assert list(steps) == ["培养人名单（玩具）"]


def test_the_toy_job_reports_progress_and_shows_errors_in_chinese(toy_kind, tmp_path, city_workbook):
    from sp_docs.errors import OutputExistsError

    root, _ = toy_kind
    job = importlib.import_module("toy_kind.job")
    seen = []

    class Recorder:
        def start(self, total, label):
            seen.append((label, total))

        def advance(self, n=1):
            seen.append(n)

        def notice(self, text):
            seen.append(text)

    kwargs = {"formats": ("xlsx",), "template_dir": root / "templates", "progress": Recorder()}
    first = job.mentor_table(city_workbook, tmp_path / "o", **kwargs)
    assert seen == [("培养人名单", 1), 1] and len(first.written) == 1
    with pytest.raises(OutputExistsError, match="输出文件已存在"):
        job.mentor_table(city_workbook, tmp_path / "o", **kwargs)

