"""附件3 培养台账 in batch: one combined print-ready PDF (chunks of ledgers
rendered as one HTML document each, merged with pypdf), a DOCX per trainee and
a combined DOCX, the index 目录.xlsx with page numbers measured in the PDF,
and optionally a workbook with a sheet per trainee."""
from __future__ import annotations

import gc
import io
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import OutputExistsError, SpDocsError
from ..output import BatchResult, removed_note, safe_filename, unique_path, write_bytes
from . import chunk_size, default_jobs, example_step, load_valid
from .progress import Reporter, as_reporter

CHUNK = 50
FORMATS = ("pdf", "docx", "xlsx")


@dataclass
class LedgerPages:
    key: str
    first_page: int  # 1-based page in the combined PDF
    pages: int  # pages of the ledger itself (blank backs not counted)


@dataclass
class LedgerBatch:
    result: BatchResult = field(default_factory=BatchResult)
    ledgers: int = 0
    pdf_pages: int = 0
    pages: dict[str, LedgerPages] = field(default_factory=dict)
    records: int = 0

    def summary(self) -> str:
        ok = self.ledgers - len(self.result.failed)
        text = f"台账 {self.ledgers} 份：成功 {ok} 份"
        if self.result.failed:
            text += f"，失败 {len(self.result.failed)} 份"
        if self.pdf_pages:
            text += f"；合订 PDF 共 {self.pdf_pages} 页"
        text += f"；培养记录 {self.records} 条；写入文件 {len(self.result.written)} 个"
        if self.result.skipped:
            text += f"，已存在未覆盖 {len(self.result.skipped)} 个（加 --force 覆盖）"
        return text + removed_note(self.result.removed, self.result.kept)


GC_THRESHOLD = 50_000  # allocations between young-generation collections while WeasyPrint lays out


@contextmanager
def _relaxed_gc():
    """WeasyPrint allocates millions of small objects per chunk; with Python's
    default threshold (700) the collector runs thousands of times and takes
    ~15 % of the CPU (measured: 50 ledgers 2.17 s → 1.80 s of CPU).  Cyclic
    garbage is still collected, in larger batches, and all of it at the end
    (the chunk's layout tree is cyclic: without the final collection it would
    pile up in the old generation and the workers grow)."""
    old = gc.get_threshold()
    gc.set_threshold(max(old[0], GC_THRESHOLD), *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)
        gc.collect()


def _worker_init() -> None:
    """Pool worker: move what was inherited from the parent (modules, fonts)
    out of the collector's sight so each collection walks only new objects."""
    gc.freeze()


def render_chunk(contexts: list[dict], duplex: bool, template_dir: Path | None = None) -> bytes:
    """One HTML document holding every ledger of the chunk → PDF bytes."""
    from ..render import pdf

    html, base = pdf.render_html("ledger.html", {"title": "培养台账", "duplex": duplex, "ledgers": contexts},
                                 user_dir=template_dir)
    with _relaxed_gc():
        return pdf.html_to_pdf(html, base)


def _is_blank(reader, index: int) -> bool:
    return not (reader.pages[index].extract_text() or "").strip()


def _render_chunk_safe(contexts, duplex, template_dir):
    """Render a chunk; when it fails, render its ledgers one by one to isolate the bad one(s)."""
    try:
        return [(contexts, render_chunk(contexts, duplex, template_dir), None)]
    except Exception as exc:  # noqa: BLE001 - reported per ledger below
        if len(contexts) == 1:
            return [(contexts, None, exc)]
    parts = []
    for context in contexts:
        try:
            parts.append(([context], render_chunk([context], duplex, template_dir), None))
        except Exception as exc:  # noqa: BLE001
            parts.append(([context], None, exc))
    return parts


def _describe(exc: Exception) -> str:
    return str(exc) if isinstance(exc, SpDocsError) else f"{type(exc).__name__}: {exc}"


def combined_pdf(views, duplex: bool, *, jobs: int = 1, chunk: int = CHUNK, template_dir=None,
                 progress=None, on_error=None) -> tuple[bytes, dict[str, LedgerPages]]:
    """Render every ledger into one PDF; returns it and each ledger's measured pages."""
    from pypdf import PdfReader, PdfWriter

    contexts = [v.context() for v in views]
    chunk = chunk_size(len(contexts), chunk, jobs)
    chunks = [contexts[i:i + chunk] for i in range(0, len(contexts), chunk)]
    writer = PdfWriter()
    pages: dict[str, LedgerPages] = {}

    def add(results):
        for ctxs, data, exc in results:
            if exc is not None:
                for c in ctxs:
                    on_error(c, exc) if on_error else None
                continue
            reader = PdfReader(io.BytesIO(data))
            if duplex and len(writer.pages) % 2 == 1:
                writer.add_blank_page()
            offset = len(writer.pages)
            starts = [reader.get_destination_page_number(o) for o in reader.outline if not isinstance(o, list)]
            if len(starts) != len(ctxs):
                raise SpDocsError("台账 PDF 的书签数与台账份数不一致，无法计算页码（自定义模板须保留标题的书签）")
            ends = starts[1:] + [len(reader.pages)]
            for c, start, end in zip(ctxs, starts, ends):
                count = end - start
                if duplex and count > 1 and _is_blank(reader, end - 1):
                    count -= 1
                pages[c["key"]] = LedgerPages(c["key"], offset + start + 1, count)
            writer.append(reader)
        gc.collect()

    if jobs > 1 and len(chunks) > 1:
        from .workers import pool as worker_pool

        with worker_pool(jobs, _worker_init) as pool:  # workers die with this process; Ctrl-C stops them
            futures = [pool.submit(_render_chunk_safe, c, duplex, template_dir) for c in chunks]
            for c, future in zip(chunks, futures):
                add(future.result())
                if progress:
                    progress(len(c))
    else:
        for c in chunks:
            add(_render_chunk_safe(c, duplex, template_dir))
            if progress:
                progress(len(c))
    if duplex and len(writer.pages) % 2 == 1:
        writer.add_blank_page()
    writer.add_metadata({"/Title": "“双培”对象培养台账"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue(), pages


def ledger_workbook(views) -> bytes:
    """A workbook with one sheet per trainee, each laid out as the 台账 form."""
    from ..render.xlsx_ledger import ledger_workbook as render

    return render(views)


def ledgers(workbook: Path, outdir: Path, *, unit: str | None = None, force: bool = False, **options) -> LedgerBatch:
    """Every ledger of ``unit`` (all units when None).  ``outdir`` keeps a manifest of
    the files written for this unit selection, so a rerun with ``--force`` removes the
    files of trainees no longer there (see ``_write_ledgers`` for the options)."""
    from ..output import tracked

    batch = LedgerBatch()
    with tracked(outdir, f"培养台账:{unit or '全部单位'}", batch.result, force=force):
        _write_ledgers(batch, workbook, outdir, unit=unit, force=force, **options)
    return batch


class _LedgerRun:
    """One run of the batch: writes what it can, records what failed (once per ledger)."""

    def __init__(self, batch: LedgerBatch, outdir: Path, label: str, *, force: bool,
                 template_dir: Path | None, reporter: Reporter):
        self.batch, self.outdir, self.force, self.template_dir = batch, outdir, force, template_dir
        self.reporter = reporter
        self.failed_keys: set[str] = set()
        self.paths = {"pdf": outdir / f"培养台账_{label}.pdf", "docx": outdir / f"培养台账_{label}.docx",
                      "xlsx": outdir / f"培养台账_{label}.xlsx"}

    def fail(self, name: str, key: str, exc: Exception) -> None:
        if key not in self.failed_keys:
            self.failed_keys.add(key)
            self.batch.result.failed.append((name, _describe(exc)))

    def write(self, path: Path, data_bytes: bytes) -> None:
        try:
            self.batch.result.written.append(write_bytes(path, data_bytes, force=self.force))
        except OutputExistsError:
            self.batch.result.skipped.append(path)

    def check_outputs(self, formats) -> None:
        """Refuse before any work when a combined output exists (no --force)."""
        for kind, path in self.paths.items():
            if kind in formats and path.exists() and not self.force:
                raise OutputExistsError(path)

    def pdf(self, views, duplex: bool, jobs: int, chunk: int) -> None:
        self.reporter.start(len(views), "合订 PDF")
        pdf_bytes, self.batch.pages = combined_pdf(
            views, duplex, jobs=jobs, chunk=chunk, template_dir=self.template_dir, progress=self.reporter.advance,
            on_error=lambda c, exc: self.fail(f"{c['unit']} {c['name']}", c["key"], exc))
        if any(v.key in self.batch.pages for v in views):
            self.write(self.paths["pdf"], pdf_bytes)
            from pypdf import PdfReader
            self.batch.pdf_pages = len(PdfReader(io.BytesIO(pdf_bytes)).pages)
        del pdf_bytes
        gc.collect()

    def docx(self, views, unit: str | None = None) -> None:
        from ..render import formats as fmt

        self.reporter.start(len(views) + 1, "Word 文件")
        taken: set[str] = set()
        good = []
        for v in views:
            try:
                data_bytes = fmt.render("ledger", {"ledgers": [v.context()]}, "docx", user_dir=self.template_dir,
                                        author=v.unit, title=f"“双培”对象培养台账（{v.name}）")
            except Exception as exc:  # noqa: BLE001 - one bad ledger is reported, the rest go on
                self.fail(f"{v.unit} {v.name}", v.key, exc)
            else:
                good.append(v)
                path = unique_path(self.outdir / "培养台账_Word", f"{v.seq:03d}_{v.unit}_{v.name}", ".docx", taken)
                self.write(path, data_bytes)
            self.reporter.advance(1)
        if good:
            self.write(self.paths["docx"], fmt.render("ledger", {"ledgers": [v.context() for v in good]}, "docx",
                                                      user_dir=self.template_dir, author=unit or "",
                                                                    title=f"“双培”对象培养台账（{unit or '全部单位'}）"))
        self.reporter.advance(1)
        gc.collect()

    def index(self, views, unit: str | None) -> None:
        """目录.xlsx: each good ledger with its first page and page count in the combined PDF."""
        from ..render import formats as fmt

        rows = []
        for v in views:
            if v.key in self.failed_keys:
                continue
            p = self.batch.pages.get(v.key)
            rows.append({"seq": len(rows) + 1, "unit": v.unit, "name": v.name, "track_label": v.track_label,
                         "first_page": p.first_page if p else "", "pages": p.pages if p else "",
                         "records": len(v.records)})
        index = fmt.render("ledger_index", {"title": f"培养台账目录（{unit or '全部单位'}）", "rows": rows}, "xlsx",
                           user_dir=self.template_dir)
        self.write(self.outdir / "目录.xlsx", index)


def _write_ledgers(batch: LedgerBatch, workbook: Path, outdir: Path, *, unit: str | None = None, formats=FORMATS,
                   duplex: bool = False, jobs: int | None = None, force: bool = False,
                   template_dir: Path | None = None, chunk: int = CHUNK, show_progress: bool = False,
                   title_prefix: str | None = None, progress: Reporter | None = None,
                   trainee: str | None = None) -> None:
    """``progress`` receives one stage per output kind; ``show_progress`` is kept for
    old callers and does nothing by itself (the front end passes a reporter that draws).
    ``trainee`` (a name) makes only that trainee's ledger (the web service's choice)."""
    from ..documents import ledger as doc

    data, _ = load_valid(workbook)
    run = _LedgerRun(batch, outdir, safe_filename(unit or "全部单位"), force=force, template_dir=template_dir,
                     reporter=as_reporter(progress))
    views = doc.build_all(data, unit, title_prefix=title_prefix,
                          on_error=lambda t, exc: run.fail(f"{t.unit} {t.name}", f"{t.unit}/{t.name}", exc))
    if trainee:
        views = [v for v in views if v.name == trainee]
        if not views:
            raise SpDocsError(f"“{unit or '全部单位'}”中没有名为“{trainee}”的双培对象，请从名单中选择")
    batch.ledgers = len(views) + len(batch.result.failed)
    if not views and not batch.result.failed:
        raise SpDocsError(f"“{unit or '全部单位'}”没有双培对象，未生成台账")
    batch.records = sum(len(v.records) for v in views)
    run.check_outputs(formats)
    if "pdf" in formats:
        run.pdf(views, duplex, jobs or default_jobs(), chunk)
    if "docx" in formats:
        run.docx(views, unit)
    if "xlsx" in formats:
        run.write(run.paths["xlsx"], ledger_workbook([v for v in views if v.key not in run.failed_keys]))
    run.index(views, unit)


@example_step("附件3 培养台账（合订 PDF、Word、目录）")
def example(data_dir: Path, outdir: Path, force: bool) -> list[Path]:
    from . import example_workbook

    batch = ledgers(example_workbook(data_dir), outdir / "培养台账", formats=("pdf", "docx", "xlsx"), force=force)
    if batch.result.failed:
        raise SpDocsError("；".join(f"{n}：{m}" for n, m in batch.result.failed))
    return batch.result.written
