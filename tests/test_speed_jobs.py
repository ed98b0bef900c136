"""``--jobs N``: the batch commands give the same documents with one process
and with several (certificates: combined and per-person PDF; ledgers: combined
PDF, page index); chunks are balanced over the workers."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from helpers import pdf_pages_text, xlsx_rows
from sp_docs.cli import main
from sp_docs.jobs import chunk_size

UNITS = ["青川市第一中学", "青川市实验小学"]


def test_chunk_size_balances_workers():
    assert chunk_size(1000, 200, 1) == 200
    assert chunk_size(1000, 200, 2) == 167  # 6 chunks: 3 per worker
    assert chunk_size(50, 200, 2) == 25  # both workers busy on a small batch
    assert chunk_size(1, 200, 4) == 1
    for count in (1, 7, 99, 1000, 10_000):
        for workers in (1, 2, 3, 8):
            size = chunk_size(count, 200, workers)
            chunks = -(-count // size)
            assert 1 <= size <= 200 and chunks * size >= count
            if workers > 1 and count >= workers:
                assert chunks % workers == 0 or chunks == count


def _certificates(tmp_path: Path, jobs: str, option: str = "--jobs") -> Path:
    rows = [{"姓名": name, "所在单位": UNITS[i % 2], "荣誉称号": "优秀教师"}
            for i, name in enumerate(["张三", "李四", "王小五", "赵六", "欧阳明月"])]
    listing = tmp_path / "list.yaml"
    listing.write_text(yaml.safe_dump({"表彰": rows}, allow_unicode=True), encoding="utf-8")
    settings = tmp_path / "s.yaml"
    settings.write_text(yaml.safe_dump({"颁发单位": "中共青川市委教育工作委员会", "颁发日期": "2025.09.10"},
                                       allow_unicode=True), encoding="utf-8")
    out = tmp_path / f"out{jobs}{option}"
    result = CliRunner().invoke(main, ["certificates", str(listing), "--settings", str(settings), "-o", str(out),
                                       "--per-person", "--format", "pdf", option, jobs])
    assert result.exit_code == 0, result.output
    return out


def _folder_text(folder: Path) -> dict[str, list[str]]:
    return {p.relative_to(folder).as_posix(): pdf_pages_text(p) for p in sorted(folder.rglob("*.pdf"))}


def test_certificates_one_and_two_processes_agree(tmp_path):
    one = _folder_text(_certificates(tmp_path, "1"))
    two = _folder_text(_certificates(tmp_path, "2"))
    alias = _folder_text(_certificates(tmp_path, "2", "--workers"))  # the old name still works
    assert one == two == alias
    combined = one["荣誉证书_list.pdf"]
    assert len(combined) == 5 and "欧阳明月" in combined[4]
    singles = {k: v for k, v in one.items() if k.startswith("PDF/")}
    assert len(singles) == 5 and all(len(pages) == 1 for pages in singles.values())
    # each per-person file holds its own certificate only, in list order with the combined one
    assert sorted(pages[0] for pages in singles.values()) == sorted(combined)


def _programme() -> dict:
    teachers, trainees, records = [], [], []
    for i, name in enumerate(["王一", "安二", "张三", "钱四", "孙五", "周六", "吴七"]):
        unit = UNITS[i % 2]
        teachers.append({"姓名": name, "性别": "女", "出生年月": "1985.03", "所在单位": unit, "政治面貌": "群众"})
        trainees.append({"姓名": name, "所在单位": unit, "双培类别": "1", "培养人": f"师{i % 2}",
                         "建档时间": "2023-09-01", "计划完成年度": 2025})
        for k in range(1 + 12 * (i == 2)):  # 张三 runs over a page
            records.append({"培养对象": name, "所在单位": unit, "日期": f"2024-{1 + k % 12:02d}-0{1 + k % 9}",
                            "形式": "谈心谈话", "内容": f"{name}第{k + 1}次谈心：交流思想和工作情况。" * 3})
    for i, unit in enumerate(UNITS):
        teachers.append({"姓名": f"师{i}", "性别": "男", "出生年月": "1975.01", "所在单位": unit,
                         "政治面貌": "中共党员", "入党时间": "2000-07-01"})
    return {"单位": [{"单位名称": "青川市教育局"}] + [{"单位名称": u, "上级单位": "青川市教育局"} for u in UNITS],
            "教师": teachers, "双培对象": trainees, "培养记录": records}


@pytest.fixture(scope="module")
def programme_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("jobs") / "data.yaml"
    path.write_text(yaml.safe_dump(_programme(), allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("duplex", [False, True])
def test_ledgers_one_and_two_processes_agree(programme_file, tmp_path, duplex):
    from sp_docs.jobs.ledgers import ledgers

    outputs = {}
    for jobs in (1, 2):
        out = tmp_path / f"j{jobs}"
        batch = ledgers(programme_file, out, formats=("pdf",), jobs=jobs, chunk=2, duplex=duplex)
        assert not batch.result.failed
        outputs[jobs] = (pdf_pages_text(out / "培养台账_全部单位.pdf"), xlsx_rows(out / "目录.xlsx"),
                         {k: (v.first_page, v.pages) for k, v in batch.pages.items()})
    assert outputs[1] == outputs[2]
    pages, index, _ = outputs[1]
    assert len(index) > 7 and any("张三" in p for p in pages)
    assert len(pages) > 7  # 张三's ledger continues on a second page


def test_ledgers_cli_accepts_jobs(programme_file, tmp_path):
    result = CliRunner().invoke(main, ["ledgers", str(programme_file), "-o", str(tmp_path / "o"),
                                       "--format", "pdf", "--jobs", "2"])
    assert result.exit_code == 0, result.output
    assert "台账 7 份：成功 7 份" in result.output


def test_streaming_merger_keeps_pages_text_and_positions(tmp_path):
    """The combined certificate PDF is merged by render.pdfmerge (streaming):
    same pages, text, glyph positions and fonts as merging with pypdf."""
    import io

    from pypdf import PdfReader, PdfWriter

    from helpers import pdf_chars
    from sp_docs.documents import certificate as doc
    from sp_docs.jobs import certificates as job
    from sp_docs.render.pdf import html_to_pdf
    from sp_docs.render.pdfmerge import StreamingPdfMerger
    from sp_docs.sources.award_list import read_award_list

    rows = [{"姓名": name, "所在单位": UNITS[i % 2], "荣誉称号": "优秀教师"}
            for i, name in enumerate(["张三", "李四", "王小五", "赵六", "欧阳明月"])]
    listing = tmp_path / "list.yaml"
    listing.write_text(yaml.safe_dump({"表彰": rows}, allow_unicode=True), encoding="utf-8")
    settings = doc.load_settings(overrides={"颁发单位": "中共青川市委教育工作委员会", "颁发日期": "2025.09.10"})
    batch = doc.build(read_award_list(listing).rows, settings)
    assert len(batch.certificates) == 5
    parts = []
    for part in (batch.certificates[:2], batch.certificates[2:]):
        html, base = job._html(batch, part, None, None, None)
        parts.append(html_to_pdf(html, Path(base)))
    merger = StreamingPdfMerger()
    for data in parts:
        merger.append(data)
    streamed = merger.finish("荣誉证书").getvalue()
    writer = PdfWriter()
    for data in parts:
        writer.append(PdfReader(io.BytesIO(data)))
    buffer = io.BytesIO()
    writer.write(buffer)

    def glyphs(pdf):
        return [[(c["text"], round(c["x0"], 2), round(c["top"], 2), round(c["size"], 2), c["fontname"]) for c in page]
                for page in pdf_chars(pdf)]

    assert len(PdfReader(io.BytesIO(streamed), strict=True).pages) == 5
    assert glyphs(streamed) == glyphs(buffer.getvalue())
    assert PdfReader(io.BytesIO(streamed)).metadata.title == "荣誉证书"
