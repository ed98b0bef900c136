"""City-scale benchmark of the batch paths (outside the test suite).

    .venv/bin/python benchmarks/run.py                 # full size (about 5–10 minutes on 2 cores)
    .venv/bin/python benchmarks/run.py --scale 0.1     # quick run
    .venv/bin/python benchmarks/run.py --memory-10k    # also: 10,000 certificates, peak memory
    .venv/bin/python benchmarks/run.py --latency       # one school's document: cold start (benchmarks/latency.py)
    .venv/bin/python benchmarks/run.py --latency-against /tmp/base   # … and another checkout, alternately

A city of 10,000 teachers is built in memory from data_examples/city.xlsx
(its units copied as 青川市第一中学（2） …, people and records copied with them),
then each task runs in a child process of its own so that its peak memory is
its own: 1,000 certificates as one PDF; 1,000 per-person certificate PDFs;
1,000 certificate DOCX; the ledgers of 1,000 trainees as one PDF; 附件2 for
100 units (XLSX + DOCX + PDF each); a roll-up of 100 returns of 100 rows.
Where LibreOffice is installed, a sample of the certificate DOCX is converted
with ``soffice --headless`` for comparison.

Peak memory is given two ways: the task's own process (getrusage maxrss) and
its whole process tree with pool workers and helpers (PSS summed over the tree,
sampled from /proc every 20 ms).
"""
from __future__ import annotations

import argparse
import copy
import io
import math
import multiprocessing
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {  # task → (pages/s, items/s, max bytes per page) on 2 cores; None = no target
    "cert_combined": (150, None, 2048),
    "cert_single": (None, 15, 60 * 1024),
    "cert_docx": (None, 60, None),
    "ledgers": (40, None, None),
}
MEMORY_TARGET_MB = 600


# -- the city ---------------------------------------------------------------------

def make_city(teachers: int = 10_000, source: Path = ROOT / "data_examples" / "city.xlsx"):
    """The example city copied until it has ``teachers`` teachers."""
    from sp_docs.sources import load_dataset

    base, _ = load_dataset(source)
    root = base.roots()[0].name
    copies = math.ceil(teachers / len(base.teachers))
    from sp_docs.model import Dataset

    city = Dataset(units=[], source="benchmark")
    for k in range(copies):
        def rename(name: str, k=k) -> str:
            return name if k == 0 or name == root or not name else f"{name}（{k + 1}）"

        for u in base.units:
            if k and u.name == root:
                continue
            city.units.append(replace(u, name=rename(u.name), parent=rename(u.parent)))
        city.teachers += [replace(t, unit=rename(t.unit)) for t in base.teachers]
        city.trainees += [replace(t, unit=rename(t.unit), mentors=list(t.mentors)) for t in base.trainees]
        city.records += [replace(r, unit=rename(r.unit)) for r in base.records]
        city.plans += [replace(p, unit=rename(p.unit)) for p in base.plans if k == 0 or p.unit != root]
        city.awards += [replace(a, unit=rename(a.unit)) for a in base.awards]
    del city.teachers[teachers:]
    kept = {(t.unit, t.name) for t in city.teachers}
    city.trainees = [t for t in city.trainees if t.key in kept]
    trainee_keys = {t.key for t in city.trainees}
    city.records = [r for r in city.records if r.trainee_key in trainee_keys]
    return city


def subset(city, trainees: int):
    """The city with only its first ``trainees`` trainees (and their records)."""
    chosen = city.trainees[:trainees]
    keys = {t.key for t in chosen}
    return replace(city, trainees=chosen, records=[r for r in city.records if r.trainee_key in keys])


TITLES = ["优秀教师", "“双培”工作先进个人", "优秀班主任", "教书育人楷模", "优秀共产党员"]


def certificate_batch(city, n: int):
    """``n`` certificates for the city's first teachers (read through the award-list reader)."""
    import yaml

    from sp_docs.documents import certificate as doc
    from sp_docs.sources.award_list import read_award_list

    people = [city.teachers[i % len(city.teachers)] for i in range(n)]
    rows = [{"姓名": t.name, "所在单位": t.unit, "荣誉称号": TITLES[i % len(TITLES)]} for i, t in enumerate(people)]
    tmp = Path(tempfile.mkdtemp(prefix="spbench_"))
    (tmp / "list.yaml").write_text(yaml.safe_dump({"表彰": rows}, allow_unicode=True), encoding="utf-8")
    settings = doc.load_settings(overrides={"颁发单位": "中共青川市委教育工作委员会", "颁发日期": "2025.09.10"})
    batch = doc.build(read_award_list(tmp / "list.yaml").rows, settings)
    shutil.rmtree(tmp, ignore_errors=True)
    from sp_docs.jobs.certificates import release_build_memory

    release_build_memory()  # as the certificates command does before rendering
    if batch.failures:
        raise SystemExit(f"证书数据有误：{batch.failures[0].describe()}")
    return batch


# -- measuring ------------------------------------------------------------------------

@dataclass
class Result:
    name: str
    label: str
    items: int = 0
    pages: int = 0
    seconds: float = 0.0
    bytes: int = 0
    peak_process_mb: float = 0.0
    peak_tree_mb: float = 0.0
    note: str = ""
    error: str = ""


def _pss_kb(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            for row in fh:
                if row.startswith(b"Pss:"):
                    return int(row.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def _tree_rss_mb(pid: int) -> float:
    """Memory of ``pid`` and all its descendants (MB), from /proc: PSS where the
    kernel gives it (pages a forked worker shares with its parent counted once),
    else RSS."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read().rsplit(b")", 1)[1].split()
            parents[int(entry)] = int(stat[1])
            rss[int(entry)] = int(stat[21])
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = {pid}, [pid]
    while frontier:
        current = frontier.pop()
        for child, parent in parents.items():
            if parent == current and child not in tree:
                tree.add(child)
                frontier.append(child)
    page_kb = os.sysconf("SC_PAGE_SIZE") // 1024
    total_kb = 0
    for p in tree:
        pss = _pss_kb(p)
        total_kb += pss if pss is not None else rss.get(p, 0) * page_kb
    return total_kb / 1024


def _child(task, args, conn) -> None:
    try:
        result = task(*args)
        # the task's own process (its pool workers and helpers such as fc-list
        # or soffice are in the sampled tree figure only)
        result.peak_process_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        conn.send(result)
    except BaseException as exc:  # noqa: BLE001 - reported as the task's error
        conn.send(Result(getattr(task, "__name__", "?"), "", error=f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def run_isolated(task, *args) -> Result:
    """Run ``task(*args) -> Result`` in a forked child; sample its tree's RSS meanwhile."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(task, args, child))
    process.start()
    child.close()
    peak = [0.0]
    done = threading.Event()

    def sample():
        # a reading taken while a process forks can count shared pages twice:
        # keep the lower of two consecutive readings
        previous = 0.0
        while not done.is_set():
            current = _tree_rss_mb(process.pid)
            peak[0] = max(peak[0], min(previous, current))
            previous = current
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        result = parent.recv()
    except EOFError:
        result = Result("?", "", error=f"子进程异常退出（退出码 {process.exitcode}）")
    process.join()
    done.set()
    sampler.join()
    result.peak_tree_mb = peak[0]
    return result


def pdf_pages(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


# -- tasks (each runs in its own process) --------------------------------------------

def task_cert_combined(n: int, jobs: int) -> Result:
    from sp_docs.jobs import certificates as job

    batch = certificate_batch(make_city(), n)
    start = time.perf_counter()
    data = job.combined_pdf(batch, workers=jobs)
    took = time.perf_counter() - start
    n = len(batch.certificates)
    return Result("cert_combined", f"证书 合并PDF ×{n}", n, pdf_pages(data), took, len(data))


def task_cert_single(n: int, jobs: int) -> Result:
    from sp_docs.jobs import certificates as job

    batch = certificate_batch(make_city(), n)
    start = time.perf_counter()
    total = count = 0
    largest = 0
    for _, data in job.single_pdfs(batch, workers=jobs):
        total += len(data)
        largest = max(largest, len(data))
        count += 1
    took = time.perf_counter() - start
    return Result("cert_single", f"证书 单人PDF ×{count}", count, count, took, total,
                  note=f"最大 {largest / 1024:.0f} KB")


def task_cert_both(n: int, jobs: int) -> Result:
    """What ``sp-docs certificates --per-person --format pdf`` does: one layout, both outputs."""
    from sp_docs.jobs import certificates as job

    batch = certificate_batch(make_city(), n)
    sizes: list[int] = []
    start = time.perf_counter()
    data = job.combined_and_single_pdfs(batch, lambda cert, pdf: sizes.append(len(pdf)), workers=jobs)
    took = time.perf_counter() - start
    return Result("cert_both", f"证书 合并+单人PDF ×{len(sizes)}", len(sizes), pdf_pages(data), took,
                  len(data) + sum(sizes), note=f"合并 {len(data) / len(sizes) / 1024:.1f} KB/页；命令 --per-person 的做法")


def task_cert_docx(n: int, jobs: int, sample_dir: str, sample: int) -> Result:
    from sp_docs.jobs import certificates as job

    batch = certificate_batch(make_city(), n)
    start = time.perf_counter()
    docx = job.DocxBatch()
    total = 0
    for i, cert in enumerate(batch.certificates):
        data = docx.one(cert)
        total += len(data)
        if i < sample:
            Path(sample_dir, f"{i:04d}.docx").write_bytes(data)
    took = time.perf_counter() - start
    n = len(batch.certificates)
    return Result("cert_docx", f"证书 单人DOCX ×{n}", n, n, took, total, note="单进程")


def task_soffice(sample_dir: str) -> Result:
    files = sorted(Path(sample_dir).glob("*.docx"))
    out = Path(sample_dir, "pdf")
    out.mkdir(exist_ok=True)
    profile = Path(tempfile.mkdtemp(prefix="spbench_lo_"))
    command = ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
               "--outdir", str(out), *map(str, files)]
    # the first start of a fresh profile is slow: warm up with one file, then time the batch
    subprocess.run(command[:6] + [str(out), str(files[0])], capture_output=True, timeout=300)
    start = time.perf_counter()
    subprocess.run(command, capture_output=True, timeout=1800)
    took = time.perf_counter() - start
    pdfs = list(out.glob("*.pdf"))
    shutil.rmtree(profile, ignore_errors=True)
    return Result("soffice", f"参照：soffice DOCX→PDF ×{len(files)}", len(pdfs),
                  sum(pdf_pages(p.read_bytes()) for p in pdfs), took, sum(p.stat().st_size for p in pdfs),
                  note="一次启动转换全部")


def task_ledgers(n: int, jobs: int) -> Result:
    from sp_docs.documents import ledger as doc
    from sp_docs.jobs import ledgers as job

    data = subset(make_city(), n)
    start = time.perf_counter()
    views = doc.build_all(data)
    pdf, pages = job.combined_pdf(views, False, jobs=jobs)
    took = time.perf_counter() - start
    records = sum(len(v.records) for v in views)
    return Result("ledgers", f"台账 合订PDF ×{len(views)}人", len(views), pdf_pages(pdf), took, len(pdf),
                  note=f"记录 {records} 条")


def task_annex2(units: int) -> Result:
    from sp_docs.documents import annex2 as doc
    from sp_docs.render import formats as fmt

    city = make_city()
    names = [u.name for u in city.units][1:units + 1]
    start = time.perf_counter()
    total = pages = rows = 0
    for name in names:
        view = doc.build(city, name)
        rows += len(view.rows)
        context = view.context()
        for f in ("xlsx", "docx", "pdf"):
            data = fmt.render("annex2", context, f)
            total += len(data)
            if f == "pdf":
                pages += pdf_pages(data)
    took = time.perf_counter() - start
    return Result("annex2", f"附件2 ×{len(names)}单位（xlsx+docx+pdf）", len(names), pages, took, total,
                  note=f"{rows} 行；字节/页含三种格式")


def make_returns(city, files: int, rows: int, folder: Path) -> list[str]:
    """``files`` 附件2 workbooks of ``rows`` rows each, as units return them."""
    from sp_docs.documents import annex2 as doc
    from sp_docs.model import Track
    from sp_docs.render import formats as fmt

    units = [u.name for u in city.units][1:files + 1]
    by_unit: dict[str, list] = {}
    for t in city.teachers:
        by_unit.setdefault(t.unit, []).append(t)
    everyone = city.teachers
    for i, unit in enumerate(units):
        people = (by_unit.get(unit, []) + everyone)[:rows]
        view = doc.build(city, unit, 2025)
        view.rows = [doc.Annex2Row(seq=j + 1, name=t.name, birth=f"{t.birth.year}.{t.birth.month:02d}",
                                   track=Track(1 + j % 2).code, year="2025", note="", unit=unit)
                     for j, t in enumerate(people)]
        (folder / f"{i:03d}_{unit}.xlsx").write_bytes(fmt.render("annex2", view.context(), "xlsx"))
    return units


def task_rollup(files: int, folder: str) -> Result:
    from sp_docs.documents import rollup
    from sp_docs.jobs.merge import city_workbook
    from sp_docs.sources.returns import read_returns

    city = make_city()
    make_returns(city, files, 100, Path(folder))
    units = [u.name for u in city.units]
    paths = sorted(Path(folder).glob("*.xlsx"))
    start = time.perf_counter()
    rolled = rollup.roll_up(read_returns([Path(folder)], units), units)
    data = city_workbook(rolled)
    took = time.perf_counter() - start
    return Result("rollup", f"汇总 {len(paths)}份×100行", len(paths), 0, took, len(data),
                  note=f"{rolled.rows_read / took:.0f} 行/s；{rolled.rows_read} 行，对账"
                       + ("一致" if rolled.accounted() else "不一致！"))


# -- report ---------------------------------------------------------------------------

def line(r: Result) -> str:
    if r.error:
        return f"{r.label or r.name:<34} 失败：{r.error}"
    items = r.items / r.seconds if r.seconds else 0
    pages = f"{r.pages / r.seconds:8.1f}" if r.pages else f"{'—':>8}"
    per_page = f"{r.bytes / r.pages / 1024:8.1f}" if r.pages else f"{'—':>8}"
    return (f"{r.label:<30}{r.seconds:8.1f}{items:9.1f}{pages}{per_page}"
            f"{r.peak_process_mb:9.0f}{r.peak_tree_mb:9.0f}  {r.note}")


def verdict(r: Result) -> str:
    target = TARGETS.get(r.name)
    if not target or r.error or not r.seconds:
        return ""
    pages_t, items_t, bytes_t = target
    out = []
    if pages_t:
        rate = r.pages / r.seconds
        out.append(f"{rate:.0f} 页/s（目标 ≥{pages_t}）{'达标' if rate >= pages_t else '未达标'}")
    if items_t:
        rate = r.items / r.seconds
        out.append(f"{rate:.1f} 个/s（目标 ≥{items_t}）{'达标' if rate >= items_t else '未达标'}")
    if bytes_t and r.pages:
        size = r.bytes / r.pages
        largest = r.note
        out.append(f"{size / 1024:.1f} KB/页（目标 ≤{bytes_t / 1024:.0f} KB）{'达标' if size <= bytes_t else '未达标'}"
                   + (f"，{largest}" if largest.startswith("最大") else ""))
    return f"  {r.name}: " + "；".join(out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="sp-docs 批量生成速度与内存基准（Benchmark of the batch paths）")
    parser.add_argument("--scale", type=float, default=1.0, help="规模系数：0.1 为快速试跑（默认 1）")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="并行进程数（默认：CPU 核数）")
    parser.add_argument("--memory-10k", action="store_true", help="另测 10,000 张证书合并 PDF 的峰值内存")
    parser.add_argument("--only", help="只运行这些任务（逗号分隔）：cert_combined,cert_single,cert_both,cert_docx,soffice,"
                                       "ledgers,annex2,rollup")
    parser.add_argument("--soffice-sample", type=int, default=50, help="用 soffice 转换的 DOCX 份数（默认 50）")
    parser.add_argument("--latency", action="store_true",
                        help="只测单个文档的冷启动耗时与峰值内存（实施方案、附件2、证书，对照 LibreOffice）")
    parser.add_argument("--latency-against", metavar="文件夹",
                        help="与 --latency 同用：另一版本的检出（如 git worktree add /tmp/base main），与本版交替测量")
    args = parser.parse_args(argv)
    if args.latency or args.latency_against:
        from latency import latency

        return latency(against=Path(args.latency_against) if args.latency_against else None)
    wanted = set(args.only.split(",")) if args.only else None

    def want(name: str) -> bool:
        return wanted is None or name in wanted

    n = max(1, round(1000 * args.scale))
    load = os.getloadavg()
    print(f"机器：{os.cpu_count()} 核；开始时负载 {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}；--jobs {args.jobs}；"
          f"规模 {args.scale}")
    print("每项任务在单独的子进程中运行：生成城市和视图模型不计时，计入内存。")
    print()
    print(f"{'任务':<28}{'秒':>8}{'个/s':>9}{'页/s':>8}{'KB/页':>8}{'主进程MB':>9}{'进程树MB':>9}  说明")
    results: list[Result] = []

    def report(r: Result) -> None:
        results.append(r)
        print(line(r), flush=True)

    work = Path(tempfile.mkdtemp(prefix="spbench_"))
    try:
        if want("cert_combined"):
            report(run_isolated(task_cert_combined, n, args.jobs))
        if want("cert_single"):
            report(run_isolated(task_cert_single, n, args.jobs))
        if want("cert_both"):
            report(run_isolated(task_cert_both, n, args.jobs))
        sample_dir = work / "docx"
        sample_dir.mkdir()
        if want("cert_docx") or want("soffice"):
            r = run_isolated(task_cert_docx, n, args.jobs, str(sample_dir), min(args.soffice_sample, n))
            if want("cert_docx"):
                report(r)
        if want("soffice"):
            if shutil.which("soffice"):
                report(run_isolated(task_soffice, str(sample_dir)))
            else:
                print("（未安装 LibreOffice，跳过 soffice 对照）")
        if want("ledgers"):
            report(run_isolated(task_ledgers, n, args.jobs))
        if want("annex2"):
            report(run_isolated(task_annex2, max(1, round(100 * args.scale))))
        if want("rollup"):
            returns = work / "returns"
            returns.mkdir()
            report(run_isolated(task_rollup, max(1, round(100 * args.scale)), str(returns)))
        if args.memory_10k:
            r = run_isolated(task_cert_combined, 10_000, args.jobs)
            r.label = "证书 合并PDF ×10000（内存）"
            report(r)
            if not r.error:
                ok = r.peak_tree_mb < MEMORY_TARGET_MB
                print(f"  10,000 张证书：进程树峰值 {r.peak_tree_mb:.0f} MB（目标 < {MEMORY_TARGET_MB} MB）"
                      f"{'达标' if ok else '未达标'}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    print("与目标（2 核）比较：")
    for r in results:
        text = verdict(r)
        if text:
            print(text)
    soffice = next((r for r in results if r.name == "soffice" and not r.error), None)
    docx_pdf = next((r for r in results if r.name == "cert_single" and not r.error), None)
    if soffice and docx_pdf and soffice.seconds:
        print(f"  单人 PDF：本工具 {docx_pdf.items / docx_pdf.seconds:.1f} 个/s，"
              f"soffice 转换 DOCX {soffice.items / soffice.seconds:.1f} 个/s")
    load = os.getloadavg()
    print(f"结束时负载 {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    return 1 if any(r.error for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
