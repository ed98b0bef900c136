"""Benchmark 荣誉证书: combined PDF, per-person PDFs and DOCX for N certificates.

    .venv/bin/python benchmarks/certificates_bench.py [N]      (default 1000)
Prints pages per second, bytes per page and peak memory (this process and its workers).
"""
from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import yaml

from sp_docs.documents import certificate as doc
from sp_docs.jobs import certificates as job
from sp_docs.sources.award_list import read_award_list

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志海波宁晓琳雪梅婷慧"
UNITS = ["青川市第一中学", "青川市实验小学", "西岭县边城九年一贯制学校", "东湖区第三中学", "青川师范学院"]
TITLES = ["优秀教师", "党员教师先锋", "优秀班主任", "教书育人楷模"]


def peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def main(n: int) -> None:
    tmp = Path(tempfile.mkdtemp())
    rows = [{"姓名": SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)] + ("" if i % 3 else GIVEN[i % len(GIVEN)]),
             "所在单位": UNITS[i % len(UNITS)], "荣誉称号": TITLES[i % len(TITLES)]} for i in range(n)]
    (tmp / "list.yaml").write_text(yaml.safe_dump({"表彰": rows}, allow_unicode=True), encoding="utf-8")
    (tmp / "s.yaml").write_text(yaml.safe_dump({"颁发单位": "中共青川市委教育工作委员会", "颁发日期": "2025.09.10"},
                                               allow_unicode=True), encoding="utf-8")
    start = time.perf_counter()
    batch = doc.build(read_award_list(tmp / "list.yaml").rows, doc.load_settings(tmp / "s.yaml"))
    print(f"view-model: {n} in {time.perf_counter() - start:.2f} s, failures {len(batch.failures)}")
    workers = os.cpu_count() or 1
    start = time.perf_counter()
    data = job.combined_pdf(batch, workers=workers)
    took = time.perf_counter() - start
    print(f"combined PDF: {n / took:.1f} pages/s, {len(data) / n:.0f} B/page, peak {peak_mb():.0f} MB")
    m = min(n, 200)
    sub = doc.CertificateBatch(batch.settings, batch.certificates[:m], [])
    start = time.perf_counter()
    sizes = [len(pdf) for _, pdf in job.single_pdfs(sub, workers=workers)]
    took = time.perf_counter() - start
    print(f"per-person PDF ({m}): {m / took:.1f} files/s, mean {sum(sizes) / len(sizes) / 1024:.0f} KB, "
          f"peak {peak_mb():.0f} MB")
    docx = job.DocxBatch()
    start = time.perf_counter()
    for cert in batch.certificates:
        docx.one(cert)
    took = time.perf_counter() - start
    print(f"per-person DOCX: {n / took:.1f} files/s")
    start = time.perf_counter()
    combined = docx.combined(batch.certificates)
    print(f"combined DOCX: {n / (time.perf_counter() - start):.1f} pages/s, {len(combined) / n:.0f} B/page")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
