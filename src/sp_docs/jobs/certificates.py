"""荣誉证书 in batches: list + settings → combined PDF, per-person PDFs, DOCX.

With the built-in designs, PDFs come from the direct writer (render/fastpdf.py:
the view-model's positions drawn with PDF text operators, thousands of pages a
second); a user's certificate.html (or ``engine="weasyprint"``) takes the
WeasyPrint path described next.

Speed: the combined PDF is rendered as a few big HTML documents (CHUNK pages
each) on all cores and merged with pypdf; per-person PDFs are small WeasyPrint
renders on all cores (splitting the combined PDF would copy each chunk's whole
font subsets into every file); DOCX are rendered from the template's
document.xml compiled once (docxtpl's tag clean-up, our sandboxed Jinja2) and
zipped with the template's other parts.
"""
from __future__ import annotations

import gc
import io
import os
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..errors import SpDocsError
from ..output import BatchResult, check_writable, removed_note, tracked, unique_path, write_bytes
from . import chunk_size, default_jobs, example_step
from .progress import Reporter, as_reporter
from ..render.certificate_template_docx import DOCX_FIELDS, DocxBatch, docx_context  # noqa: F401 (re-exported)
from .certificate_docx import ModelDocx, docx_writer  # noqa: F401 (re-exported)

CHUNK = 200
FORMATS = ("pdf", "docx")


@dataclass
class CertificateResult:
    batch: object  # documents.certificate.CertificateBatch
    result: BatchResult = field(default_factory=BatchResult)
    combined: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def rendered(self) -> int:
        return len(self.batch.certificates)

    def summary(self) -> str:
        failed = len(self.batch.failures)
        text = f"证书：成功 {self.rendered} 张"
        if failed:
            text += f"，失败 {failed} 行（见上方说明）"
        return text + f"；写入 {len(self.result.written)} 个文件" + removed_note(self.result.removed, self.result.kept)


# -- PDF ---------------------------------------------------------------------

def release_memory() -> None:
    """Collect garbage and give freed heap back to the system (glibc), so that a
    long batch's memory stays flat and forked workers start small."""
    gc.collect()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def release_build_memory() -> None:
    """After the view-models are built: give the building's garbage back before
    rendering starts (font metrics are compact runs now: render/fonts/faces.py)."""
    release_memory()


def _pdf_worker(job: tuple[str, str, tuple[str, ...]]) -> bytes:
    from ..render.pdf import html_to_pdf

    html, base_dir, allowed = job
    data = html_to_pdf(html, Path(base_dir), allowed_files=set(allowed))
    release_memory()
    return data


def _html(batch, certificates, design, offset, template_dir) -> tuple[str, str]:
    from ..render.pdf import render_html

    html, base_dir = render_html("certificate.html", _sheet(batch, certificates, design, offset).context(),
                                 user_dir=template_dir)
    return html, str(base_dir)


def _sheet(batch, certificates, design, offset):
    """Where every line of ``certificates`` goes (``documents.certificate.SheetView``)."""
    from ..documents.certificate import sheet_view

    return sheet_view(batch.settings, certificates, design, offset)


def _allowed(settings) -> tuple[str, ...]:
    return (str(settings.seal),) if settings.seal else ()


def _pool(workers: int):
    """Forked workers (sharing WeasyPrint's memory) that die with this process; Ctrl-C stops them."""
    from .workers import pool

    return pool(workers)


def ordered_map(function, jobs, count: int, workers: int):
    """``function(job)`` for each job, results in order; on ``workers`` processes
    when there is more than one job.  Jobs are made lazily and at most two per
    worker are in flight, so a long batch never holds all its HTML at once."""
    if workers <= 1 or count <= 1:
        yield from map(function, jobs)
        return
    from collections import deque

    with _pool(workers) as pool:
        pending: deque = deque()
        for job in jobs:
            pending.append(pool.submit(function, job))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def render_pdfs(jobs, workers: int, advance: Callable[[int], None], sizes: list[int]):
    """Yield PDF bytes for each job in order, in parallel when it pays."""
    for data, size in zip(ordered_map(_pdf_worker, jobs, len(sizes), workers), sizes):
        advance(size)
        yield data


ENGINES = ("auto", "fast", "weasyprint")
FAST_CHUNK = 500  # pages whose template context is built at a time by the fast writer


def use_fast(engine: str = "auto", template_dir: Path | None = None) -> bool:
    """The direct PDF writer (render/fastpdf.py) draws the built-in designs only;
    a user's certificate.html goes through WeasyPrint."""
    from ..render import templates

    if engine not in ENGINES:
        raise SpDocsError(f"排版引擎应为 {'、'.join(ENGINES)}（填写的是“{engine}”）")
    if engine == "weasyprint":
        return False
    builtin = templates.find("html", "certificate.html", template_dir) == \
        templates.find("html", "certificate.html", None)
    if engine == "fast" and not builtin:
        raise SpDocsError("快速排版引擎（--engine fast）只能用于内置证书设计；"
                          "自定义的 certificate.html 模板请用 --engine weasyprint 或不指定")
    return builtin


def _fast_writer(batch, design, offset, template_dir):
    from ..render.fastpdf import CertificateWriter

    return CertificateWriter(_sheet(batch, batch.certificates[:1], design, offset), template_dir=template_dir)


def _fast_used(writer, certs):
    return writer.used_codepoints((f.box.role, f.lines) for cert in certs for f in cert.fields)


def fast_combined_pdf(batch, *, design=None, offset=None, template_dir=None,
                      advance: Callable[[int], None] = lambda n: None) -> bytes:
    """The combined PDF from the direct writer: one pass, one process, the
    template context built FAST_CHUNK pages at a time."""
    certs = batch.certificates
    writer = _fast_writer(batch, design, offset, template_dir)

    def pages():
        for i in range(0, len(certs), FAST_CHUNK):
            part = certs[i:i + FAST_CHUNK]
            yield from _sheet(batch, part, design, offset).pages
            advance(len(part))

    return writer.write(pages(), used=_fast_used(writer, certs)).getvalue()


def fast_single_pdfs(batch, *, design=None, offset=None, template_dir=None,
                     advance: Callable[[int], None] = lambda n: None):
    """Yield (certificate, PDF bytes) one per person, each file with its own font subsets."""
    writer = _fast_writer(batch, design, offset, template_dir)
    for cert in batch.certificates:
        page = _sheet(batch, [cert], design, offset).pages
        yield cert, writer.write(page).getvalue()
        advance(1)


def combined_pdf(batch, *, design=None, offset=None, template_dir=None, workers=1,
                 advance: Callable[[int], None] = lambda n: None, chunk: int = CHUNK, engine: str = "auto") -> bytes:
    if use_fast(engine, template_dir):
        return fast_combined_pdf(batch, design=design, offset=offset, template_dir=template_dir, advance=advance)
    from ..render.pdfmerge import StreamingPdfMerger  # (pypdf: not loaded by the direct writer)

    certs = batch.certificates
    chunk = chunk_size(len(certs), chunk, workers)
    parts = [certs[i:i + chunk] for i in range(0, len(certs), chunk)]
    jobs = ((*_html(batch, part, design, offset, template_dir), _allowed(batch.settings)) for part in parts)
    merger = StreamingPdfMerger()
    for data in render_pdfs(jobs, workers, advance, [len(p) for p in parts]):
        merger.append(data)
        del data
        gc.collect()
    return merger.finish("荣誉证书").getvalue()


def _pages_worker(job: tuple[str, str, tuple[str, ...], int]) -> list[bytes]:
    """Lay out a chunk once, then write each page as its own PDF (WeasyPrint
    subsets the fonts per written document, so each file holds only its own
    glyphs).  Falls back to one render per certificate if the page count does
    not match (a custom template that spills a certificate over two pages)."""
    from ..render.pdf import html_to_document, html_to_pdf

    html, base_dir, allowed, count = job
    document = html_to_document(html, Path(base_dir), allowed_files=set(allowed))
    if len(document.pages) == count:
        pages = [document.copy([page]).write_pdf() for page in document.pages]
    else:
        pages = None
    del document
    release_memory()
    return pages


SINGLE_CHUNK = 25


def single_pdfs(batch, *, design=None, offset=None, template_dir=None, workers=1,
                advance: Callable[[int], None] = lambda n: None, chunk: int = SINGLE_CHUNK, engine: str = "auto"):
    """Yield (certificate, PDF bytes) one per person."""
    if use_fast(engine, template_dir):
        yield from fast_single_pdfs(batch, design=design, offset=offset, template_dir=template_dir, advance=advance)
        return
    allowed = _allowed(batch.settings)
    certs = batch.certificates
    chunk = chunk_size(len(certs), chunk, workers)
    parts = [certs[i:i + chunk] for i in range(0, len(certs), chunk)]
    jobs = ((*_html(batch, part, design, offset, template_dir), allowed, len(part)) for part in parts)
    for part, pages in zip(parts, ordered_map(_pages_worker, jobs, len(parts), workers)):
        if pages is None:  # one render per certificate
            pages = [_pdf_worker((*_html(batch, [c], design, offset, template_dir), allowed)) for c in part]
        advance(len(part))
        yield from zip(part, pages)


def _both_worker(job: tuple[str, str, tuple[str, ...], int]) -> tuple[bytes, list[bytes] | None]:
    """One layout of a chunk → the chunk's PDF and one PDF per page."""
    from ..render.pdf import html_to_document

    html, base_dir, allowed, count = job
    document = html_to_document(html, Path(base_dir), allowed_files=set(allowed))
    combined = document.write_pdf()
    pages = [document.copy([page]).write_pdf() for page in document.pages] if len(document.pages) == count else None
    del document
    release_memory()
    return combined, pages


BOTH_CHUNK = CHUNK


def combined_and_single_pdfs(batch, on_single: Callable[[object, bytes], None], *, design=None, offset=None,
                             template_dir=None, workers=1, advance: Callable[[int], None] = lambda n: None,
                             chunk: int = BOTH_CHUNK, engine: str = "auto") -> bytes:
    """The combined PDF and every per-person PDF from a single layout of each
    chunk (``on_single(certificate, pdf_bytes)`` is called in list order)."""
    from ..render.pdfmerge import StreamingPdfMerger

    if use_fast(engine, template_dir):
        for cert, data in fast_single_pdfs(batch, design=design, offset=offset, template_dir=template_dir,
                                           advance=advance):
            on_single(cert, data)
        return fast_combined_pdf(batch, design=design, offset=offset, template_dir=template_dir)

    allowed = _allowed(batch.settings)
    certs = batch.certificates
    chunk = chunk_size(len(certs), chunk, workers)
    parts = [certs[i:i + chunk] for i in range(0, len(certs), chunk)]
    jobs = ((*_html(batch, part, design, offset, template_dir), allowed, len(part)) for part in parts)
    merger = StreamingPdfMerger()
    for part, (data, pages) in zip(parts, ordered_map(_both_worker, jobs, len(parts), workers)):
        merger.append(data)
        if pages is None:  # a certificate spilled over a page: render each on its own
            pages = [_pdf_worker((*_html(batch, [c], design, offset, template_dir), allowed)) for c in part]
        for cert, page in zip(part, pages):
            on_single(cert, page)
        advance(len(part))
        del data, pages
        gc.collect()
    return merger.finish("荣誉证书").getvalue()


# -- the command ---------------------------------------------------------------

def certificates(list_path: Path, outdir: Path, *, settings_path: Path | None = None, design: str | None = None,
                 per_person: bool = False, formats: list[str] = ["pdf"], offset_x: float | None = None,
                 offset_y: float | None = None, force: bool = False, template_dir: Path | None = None,
                 workers: int | None = None, progress: Reporter | bool | None = None,
                 engine: str = "auto") -> CertificateResult:
    """Certificates for every good row of ``list_path``; ``progress`` is a Reporter
    (a bool, the old switch, reports nothing: the front end passes a reporter)."""
    batch = _build_batch(list_path, settings_path, design, offset_x, offset_y)
    outcome = CertificateResult(batch)
    outcome.result.failed = [(f"第{f.row}行 {f.name}", "；".join(f.messages)) for f in batch.failures]
    if not batch.certificates:
        return outcome
    outcome.warnings = _check_on_page(batch)
    workers = workers or default_jobs()
    use_fast(engine, template_dir)  # an engine that cannot be used fails before anything is written
    stem = f"荣誉证书_{Path(list_path).stem}"
    # a manifest per list: a rerun with --force removes the per-person files of people no longer listed
    with nullcontext(as_reporter(progress)) as bar, tracked(outdir, f"荣誉证书:{stem}", outcome.result, force=force):
        if "pdf" in formats:
            _write_pdfs(outcome, outdir, stem, bar, per_person=per_person, force=force,
                        template_dir=template_dir, workers=workers, engine=engine)
        if "docx" in formats:
            _write_docx(outcome, outdir, stem, bar, per_person=per_person, force=force, template_dir=template_dir)
    return outcome


def _build_batch(list_path: Path, settings_path: Path | None, design: str | None,
                 offset_x: float | None, offset_y: float | None):
    """The award list read, the settings loaded (command-line overrides applied), the batch built."""
    from ..documents import certificate as doc
    from ..sources.award_list import read_award_list
    from . import announce_reading_warnings

    awards = read_award_list(list_path)
    settings = doc.load_settings(settings_path, overrides={"设计": design} if design else {})
    if offset_x is not None:
        settings.offset_x = offset_x
    if offset_y is not None:
        settings.offset_y = offset_y
    announce_reading_warnings(list_path, awards.problems)
    _check_whole_columns(awards, settings, list_path)
    batch = doc.build(awards.rows, settings)
    release_build_memory()
    return batch


def _check_on_page(batch) -> list[str]:
    """The warnings about fields near the paper's edge; a field pushed off the paper is an error."""
    from ..documents import certificate as doc

    settings = batch.settings
    gone, warnings = doc.off_page(batch)
    if gone:
        raise SpDocsError(f"套打偏移（x {settings.offset_x:g}、y {settings.offset_y:g} 毫米）后，{'；'.join(gone)}。"
                          "请检查 --offset-x/--offset-y 或设置文件“偏移”“字段位置”（单位毫米，纸张 "
                          f"{settings.page[0]:g}×{settings.page[1]:g} 毫米）")
    return warnings


def _write_pdfs(outcome: CertificateResult, outdir: Path, stem: str, bar, *, per_person: bool, force: bool,
                template_dir: Path | None, workers: int, engine: str) -> None:
    """The combined PDF, and with ``per_person`` one PDF per person under PDF/."""
    batch = outcome.batch
    n = len(batch.certificates)
    combined_target = outdir / f"{stem}.pdf"
    check_writable(combined_target, force)  # fail before the long render, not after it
    if per_person:
        bar.start(n, "PDF（合并 + 单人）")
        taken: set[str] = set()

        def single(cert, data):
            _write(outcome, unique_path(outdir / "PDF", cert.file_stem(), ".pdf", taken), data, force)

        data = combined_and_single_pdfs(batch, single, template_dir=template_dir, workers=workers,
                                        advance=bar.advance, engine=engine)
    else:
        bar.start(n, "合并 PDF")
        data = combined_pdf(batch, template_dir=template_dir, workers=workers, advance=bar.advance, engine=engine)
    path = write_bytes(combined_target, data, force=force)
    outcome.result.written.append(path)
    outcome.combined.append(path)
    del data
    gc.collect()


def _write_docx(outcome: CertificateResult, outdir: Path, stem: str, bar, *, per_person: bool, force: bool,
                template_dir: Path | None) -> None:
    """The combined Word file, and with ``per_person`` one per person under Word/."""
    batch = outcome.batch
    docx = docx_writer(batch, template_dir)
    bar.start(len(batch.certificates) * (2 if per_person else 1), "Word 文件")
    path = write_bytes(outdir / f"{stem}.docx", docx.combined(batch.certificates, bar.advance), force=force)
    outcome.result.written.append(path)
    outcome.combined.append(path)
    if per_person:
        taken: set[str] = set()
        for cert in batch.certificates:
            _write(outcome, unique_path(outdir / "Word", cert.file_stem(), ".docx", taken), docx.one(cert), force)
            bar.advance(1)


def _check_whole_columns(awards, settings, list_path: Path) -> None:
    """颁发单位/颁发日期 missing on every usable row and not in the settings: one
    error per column with the rows counted (not the same complaint once per row)."""
    from ..errors import InputError, Location, Problems

    good = [row for row in awards.rows if row.award is not None]
    if not good:
        return
    how = ("设置文件中也没有填写" if settings.source else
           "也没有给出设置文件（--settings；可用 sp-docs certificates new-settings 生成）")
    found = Problems()
    for label, value, setting in (("颁发单位", lambda a: a.issuer, settings.issuer),
                                  ("颁发日期", lambda a: a.issued_on, settings.issued_on)):
        if setting or any(value(row.award) for row in good):
            continue
        found.error(f"名单的 {len(good)} 行都没有“{label}”（没有这一列或整列为空），{how}",
                    Location(str(list_path), column=label),
                    expected=f"请在名单中加“{label}”列并填写，或在设置文件中填写“{label}”（对全部证书有效）")
    found.raise_if_errors()


def failure_lines(failures) -> list[str]:
    """One line per problem: a problem shared by several rows is said once, with
    the rows counted and named (the first ten)."""
    by_message: dict[str, list] = {}
    for failure in failures:
        for message in failure.messages:
            by_message.setdefault(message, []).append(failure)
    lines = []
    for message, rows in by_message.items():
        if len(rows) == 1:
            lines.append(f"{rows[0].describe_with(message)}")
            continue
        named = "、".join(f"第{f.row}行" + (f"（{f.name}）" if f.name else "") for f in rows[:10])
        more = f"等 {len(rows)} 行" if len(rows) > 10 else f"共 {len(rows)} 行"
        lines.append(f"{rows[0].location.file}：{named}{more}：{message}")
    return lines


def _write(outcome: CertificateResult, target: Path, data: bytes, force: bool) -> None:
    if target.exists() and not force:
        outcome.result.skipped.append(target)
        return
    outcome.result.written.append(write_bytes(target, data, force=force))


def calibration(outfile: Path, *, page: str = "A4横向", offset_x: float = 0.0, offset_y: float = 0.0,
                force: bool = False, template_dir: Path | None = None) -> Path:
    from ..documents.certificate import calibration_context, parse_page_size
    from ..render.pdf import render_pdf

    try:
        width, height = parse_page_size(page)
    except ValueError as exc:
        raise SpDocsError(f"纸张“{page}”无法识别：{exc}") from None
    data = render_pdf("certificate_calibrate.html", calibration_context(width, height, offset_x, offset_y, page),
                      user_dir=template_dir)
    return write_bytes(outfile, data, force=force)


def new_settings(path: Path, *, page: str = "A4横向", design: str = "formal", force: bool = False) -> Path:
    from ..documents.certificate import settings_template

    try:
        text = settings_template(page, design)
    except ValueError as exc:
        raise SpDocsError(f"纸张“{page}”无法识别：{exc}") from None
    return write_bytes(path, text.encode("utf-8"), force=force)


@example_step("荣誉证书")
def example(data_dir: Path, outdir: Path, force: bool) -> list[Path]:
    from . import example_file, example_workbook

    outcome = certificates(example_workbook(data_dir), outdir / "荣誉证书",
                           settings_path=example_file(data_dir, "certificate_settings.yaml"), per_person=True,
                           formats=["pdf", "docx"], force=force, progress=False)
    if outcome.batch.failures:
        raise SpDocsError("；".join(f.describe() for f in outcome.batch.failures[:5]))
    return outcome.result.written
