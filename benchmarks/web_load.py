"""Load of the web service: N units (default 50) at once over loopback.

    .venv/bin/python benchmarks/web_load.py [--units 50] [--workers 1] [--year 2025]

Starts ``sp-docs serve`` in a subprocess with a fresh data folder, creates an admin
(``sp-docs accounts add``), and the admin imports the N units of ``load_city.py``
(单位01…; one account each, initial passwords from 初始密码.xlsx).  Then every unit,
all at the same moment (asyncio + httpx, one cookie jar per unit), does what a
person does in the browser: log in (CSRF), upload its workbook and read the check
result, generate 附件2 (PDF, Word, Excel: a job, polled as the page polls it),
download the three files, and submit (报送).  Prints p50/p95/max per step, the
throughput, every error, the submissions recorded (报送情况 and the database),
the queue wait and run time of the jobs (from the database), the service's CPU
time and the load average.  At the end the admin runs 生成全市汇总表 and the
roll-up is checked: every row every unit submitted is in its 汇总表, none lost.
Targets (2 cores): no error, no lost submission; upload+check p95 <= 2 s;
附件2 generation p95 <= 5 s.  Exit status 1 when a target is missed."""
from __future__ import annotations

import argparse
import asyncio
import html
import io
import os
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load_city import ROOT, build_city  # noqa: E402

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
FILE_LINK = re.compile(r'<a href="(/files/[^"]+)" download>([^<]+)</a>')
ADMIN_PASSWORD = "load-admin-password-1"
TARGET_UPLOAD_P95 = 2.0
TARGET_ANNEX2_P95 = 5.0
POLL_FIRST, POLL_EVERY = 0.7, 1.0  # as static/app.js polls a job's status
STEPS = ("登录", "上传并检查", "生成附件2", "下载三种格式", "报送")


class LoadError(Exception):
    pass


@dataclass
class Stats:
    times: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in STEPS})
    errors: list[str] = field(default_factory=list)
    requests: int = 0
    submitted: dict[str, int] = field(default_factory=dict)  # unit → rows it submitted


class Server:
    def __init__(self, data: Path, workers: int, profile: Path | None = None, source: Path = ROOT):
        self.data, self.workers = data, workers
        self.command = [sys.executable, "-c", "from sp_docs.cli import main; main()"]
        self.prefix = [] if profile is None else [
            str(Path(sys.executable).with_name("py-spy")), "record", "--threads", "--gil", "--rate", "50",
            "--format", "raw", "-o", str(profile), "--"]
        self.env = {**os.environ, "PYTHONPATH": str(source / "src")}
        self.process: subprocess.Popen | None = None

    def cli(self, *args: str, stdin: str = "") -> None:
        subprocess.run(self.command + list(args), input=stdin, text=True, env=self.env, check=True,
                       capture_output=True)

    def start(self) -> str:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.log = open(self.data.parent / "server.log", "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(self.prefix + self.command + ["serve", "--data", str(self.data), "--port", str(port),
                                                        "--workers", str(self.workers)],
                                        env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                httpx.get(base + "/login", timeout=1)
                return base
            except httpx.HTTPError:
                if self.process.poll() is not None:
                    raise LoadError("服务未能启动：" + (self.data.parent / "server.log").read_text()[-2000:])
                time.sleep(0.1)
        raise LoadError("服务 30 秒内没有响应")

    def cpu_seconds(self) -> tuple[float, float]:
        """user + sys so far of the service process, and of its worker processes (children)."""
        own, children, todo = 0.0, 0.0, [self.process.pid]
        if self.prefix:  # under py-spy: the service is py-spy's child
            todo = [int(c) for c in Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()]
        service = todo[0]
        while todo:
            pid = todo.pop()
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                todo += [int(c) for task in Path(f"/proc/{pid}/task").iterdir()
                         for c in (task / "children").read_text().split()]
            except OSError:
                continue
            ticks = [int(v) / os.sysconf("SC_CLK_TCK") for v in fields[11:15]]
            own += sum(ticks[:2]) if pid == service else 0
            children += sum(ticks[2:]) if pid == service else sum(ticks)
        return own, children

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            if self.prefix:  # stop the service under py-spy, which then writes its profile
                for child in Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split():
                    os.kill(int(child), signal.SIGINT)
            else:
                self.process.terminate()
            self.process.wait(timeout=60)
        self.log.close()


class Unit:
    """One unit's browser: its cookies, its CSRF token, its steps."""

    def __init__(self, base: str, username: str, password: str, workbook: bytes, year: int, stats: Stats):
        self.client = httpx.AsyncClient(base_url=base, timeout=300, follow_redirects=False)
        self.username, self.password, self.workbook, self.year, self.stats = username, password, workbook, year, stats

    async def get(self, url: str, **kwargs) -> httpx.Response:
        self.stats.requests += 1
        response = await self.client.get(url, **kwargs)
        if response.status_code != 200:
            raise LoadError(f"GET {url.split('?')[0]} → {response.status_code}")
        return response

    async def post(self, url: str, **kwargs) -> str:
        """POST a form; the page it redirects to (303) is where the browser goes next."""
        self.stats.requests += 1
        response = await self.client.post(url, **kwargs)
        if response.status_code != 303:
            text = re.sub(r"<[^>]+>", " ", response.text)
            message = re.search(r"(请[^。]*。|未能[^。]*。|[^ ]*错误[^。]*。)", text)
            raise LoadError(f"POST {url} → {response.status_code} {message.group(1) if message else ''}".strip())
        return response.headers["location"]

    async def csrf(self, url: str) -> str:
        return CSRF.search((await self.get(url)).text).group(1)

    async def login(self) -> None:
        token = await self.csrf("/login")
        await self.post("/login", data={"username": self.username, "password": self.password, "csrf_token": token})

    async def upload(self) -> None:
        token = await self.csrf("/data")
        started = time.perf_counter()
        target = await self.post("/data/upload", data={"csrf_token": token},
                                 files={"workbook": (f"{self.username}.xlsx", self.workbook)})
        page = (await self.get(target)).text
        self.stats.times["上传并检查"].append(time.perf_counter() - started)
        if "没有错误" not in page:
            raise LoadError("检查结果不是“没有错误”")

    async def annex2(self) -> list[tuple[str, str]]:
        token = await self.csrf("/documents")
        started = time.perf_counter()
        target = await self.post("/documents/annex2", data={"csrf_token": token, "year": str(self.year)})
        await asyncio.sleep(POLL_FIRST)
        while True:
            status = (await self.get(target + "/status")).json()["status"]
            if status not in ("queued", "running"):
                break
            await asyncio.sleep(POLL_EVERY)
        page = (await self.get(target)).text
        self.stats.times["生成附件2"].append(time.perf_counter() - started)
        if status != "done":
            raise LoadError(f"附件2 任务状态为 {status}")
        links = [(html.unescape(href), name) for href, name in FILE_LINK.findall(page)]
        if {name.rsplit(".", 1)[-1] for _, name in links} < {"pdf", "docx", "xlsx"}:
            raise LoadError(f"附件2 缺少文件：{[n for _, n in links]}")
        return links

    async def download(self, links: list[tuple[str, str]]) -> None:
        started = time.perf_counter()
        magic = {"pdf": b"%PDF", "docx": b"PK", "xlsx": b"PK"}
        for href, name in links:
            suffix = name.rsplit(".", 1)[-1]
            if suffix in magic and not (await self.get(href)).content.startswith(magic[suffix]):
                raise LoadError(f"下载的 {name} 不是 {suffix} 文件")
        self.stats.times["下载三种格式"].append(time.perf_counter() - started)

    async def submit(self) -> None:
        token = await self.csrf("/submissions")
        started = time.perf_counter()
        target = await self.post("/submissions/submit", data={"csrf_token": token, "year": str(self.year)})
        page = (await self.get(target)).text
        self.stats.times["报送"].append(time.perf_counter() - started)
        own = re.search(r"状态：<strong>([^<]+)</strong>.*?(\d+) 人）", page, re.S)
        if not own or own.group(1) != "已报送":
            raise LoadError("报送后本单位状态不是“已报送”")
        self.stats.submitted[self.username] = int(own.group(2))

    async def run(self, start: asyncio.Event) -> None:
        await start.wait()
        step = "登录"
        try:
            started = time.perf_counter()
            await self.login()
            self.stats.times["登录"].append(time.perf_counter() - started)
            step = "上传并检查"
            await self.upload()
            step = "生成附件2"
            links = await self.annex2()
            step = "下载三种格式"
            await self.download(links)
            step = "报送"
            await self.submit()
        except (LoadError, httpx.HTTPError) as exc:
            self.stats.errors.append(f"{self.username} {step}：{type(exc).__name__} {exc}")
        finally:
            await self.client.aclose()


class Admin(Unit):
    async def import_units(self, city: bytes) -> dict[str, str]:
        """The 单位 sheet → units and accounts; {username: initial password}."""
        token = await self.csrf("/admin")
        response = await self.client.post("/admin/import", data={"csrf_token": token},
                                          files={"workbook": ("单位.xlsx", city)})
        if response.status_code != 200 or not response.content.startswith(b"PK"):
            raise LoadError(f"导入单位失败：{response.status_code}")
        ws = load_workbook(io.BytesIO(response.content)).active
        rows = [r for r in ws.iter_rows(values_only=True) if r and r[2] and r[3]]
        return {str(r[2]): str(r[3]) for r in rows if r[2] != "用户名"}

    async def board(self) -> dict[str, str]:
        """报送情况: {unit: status}."""
        page = (await self.get(f"/submissions?year={self.year}")).text
        table = page.split("<caption>报送情况</caption>", 1)[1].split("</table>", 1)[0]
        return {html.unescape(unit): status for unit, status in
                re.findall(r"<tr><td>([^<]+)</td><td[^>]*>([^<]+)</td>", table)}

    async def rollup(self) -> tuple[bytes, float]:
        token = await self.csrf(f"/submissions?year={self.year}")
        started = time.perf_counter()
        target = await self.post("/submissions/rollup", data={"csrf_token": token, "year": str(self.year)})
        while (status := (await self.get(target + "/status")).json()["status"]) in ("queued", "running"):
            await asyncio.sleep(0.5)
        took = time.perf_counter() - started
        if status != "done":
            raise LoadError(f"全市汇总表任务状态为 {status}")
        links = dict((name, href) for href, name in FILE_LINK.findall((await self.get(target)).text))
        name = f"全市汇总表_{self.year}.xlsx"
        if name not in links:
            raise LoadError(f"汇总任务没有 {name}：{list(links)}")
        return (await self.get(html.unescape(links[name]))).content, took


def rolled_rows(content: bytes) -> dict[str, list[str]]:
    """The 汇总表 sheet of the roll-up: {unit: [names]}."""
    ws = load_workbook(io.BytesIO(content), read_only=True)["汇总表"]
    rows = list(ws.iter_rows(values_only=True))
    at = next(i for i, r in enumerate(rows) if r and "单位" in r and "姓名" in r)
    unit_col, name_col = rows[at].index("单位"), rows[at].index("姓名")
    found: dict[str, list[str]] = {}
    for r in rows[at + 1:]:
        if r and r[unit_col] and r[name_col]:
            found.setdefault(str(r[unit_col]), []).append(str(r[name_col]))
    return found


def expected_rows(books: dict[str, bytes], year: int, folder: Path) -> dict[str, list[str]]:
    """What each unit's 附件2 for ``year`` holds, computed here from its workbook."""
    from sp_docs.documents import annex2
    from sp_docs.jobs import load_valid

    expected = {}
    for name, content in books.items():
        path = folder / f"{name}.xlsx"
        path.write_bytes(content)
        expected[name] = [r.name for r in annex2.build(load_valid(path)[0], name, year).rows]
    return expected


def pad(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal columns (a Chinese character takes two)."""
    return text + " " * max(0, width - sum(2 if ord(c) > 0x2E80 else 1 for c in text))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def job_times(database: Path) -> dict[str, list[tuple[float, float]]]:
    """{kind: [(queue wait, run time)]} of the finished jobs, from the service's database."""
    import datetime as dt

    def parse(text: str) -> dt.datetime:
        return dt.datetime.fromisoformat(str(text).replace(" ", "T")[:26])

    result: dict[str, list[tuple[float, float]]] = {}
    with sqlite3.connect(database) as db:
        for kind, created, started, finished in db.execute(
                "SELECT kind, created_at, started_at, finished_at FROM jobs WHERE finished_at IS NOT NULL"):
            c, s, f = parse(created), parse(started), parse(finished)
            result.setdefault(kind, []).append(((s - c).total_seconds(), (f - s).total_seconds()))
    return result


def recorded_submissions(database: Path, year: int) -> int:
    """Units whose newest submission for ``year`` is 已报送 (read from the database)."""
    with sqlite3.connect(database) as db:
        return db.execute("SELECT COUNT(*) FROM submissions s WHERE year = ? AND status = 'submitted' AND id = "
                          "(SELECT MAX(id) FROM submissions t WHERE t.unit_id = s.unit_id AND t.year = s.year)",
                          (year,)).fetchone()[0]


async def simulate(server: Server, base: str, books: dict[str, bytes], city: bytes, year: int,
                   stats: Stats) -> tuple[dict, float, tuple]:
    admin = Admin(base, "admin", ADMIN_PASSWORD, b"", year, stats)
    await admin.login()
    passwords = await admin.import_units(city)
    missing = sorted(set(books) - set(passwords))
    if missing:
        raise LoadError(f"导入后没有这些单位的账号：{missing}")
    start = asyncio.Event()
    units = [Unit(base, name, passwords[name], content, year, stats) for name, content in books.items()]
    tasks = [asyncio.create_task(u.run(start)) for u in units]
    await asyncio.sleep(0.2)  # every unit waits at the start line
    started, cpu_before, own_before = time.perf_counter(), server.cpu_seconds(), time.process_time()
    start.set()
    await asyncio.gather(*tasks)
    wall = time.perf_counter() - started
    cpu = (*(after - before for after, before in zip(server.cpu_seconds(), cpu_before)),
           time.process_time() - own_before)
    board = await admin.board()
    rolled, rollup_seconds = await admin.rollup()
    await admin.client.aclose()
    return {"board": board, "rolled": rolled, "rollup_seconds": rollup_seconds}, wall, cpu


def report(stats: Stats, outcome: dict, wall: float, cpu: tuple, loads: list, jobs: dict, recorded: int,
           expected: dict[str, list[str]], workers: int) -> bool:
    n = len(expected)
    print(f"\n网页服务负载：{n} 个单位同时操作，生成任务并发数 --workers {workers}，CPU {os.cpu_count()} 核")
    print(f"负载（1/5/15 分钟平均）：开始 {loads[0]}，结束 {loads[1]}")
    print(f"\n{pad('步骤', 14)}{'次数':>4}{'p50 s':>9}{'p95 s':>9}{'最长 s':>8}")
    for step, values in stats.times.items():
        if values:
            print(f"{pad(step, 14)}{len(values):>6}{statistics.median(values):>9.2f}{percentile(values, 0.95):>9.2f}"
                  f"{max(values):>9.2f}")
    for kind, pairs in sorted(jobs.items()):
        waits, runs = [w for w, _ in pairs], [r for _, r in pairs]
        print(f"  任务 {kind} ×{len(pairs)}：排队 p50 {statistics.median(waits):.2f} s / p95 "
              f"{percentile(waits, 0.95):.2f} s；运行 p50 {statistics.median(runs):.2f} s / p95 "
              f"{percentile(runs, 0.95):.2f} s")
    done = len(stats.submitted)
    print(f"\n全程 {wall:.1f} s；吞吐 {done / wall * 60:.1f} 个单位/分钟（登录到报送完成），"
          f"{stats.requests / wall:.1f} 个请求/s；CPU（user+sys）服务进程 {cpu[0]:.1f} s、工作进程 {cpu[1]:.1f} s、"
          f"本基准（模拟的浏览器）{cpu[2]:.1f} s")
    print(f"错误 {len(stats.errors)} 个" + "".join(f"\n  {e}" for e in stats.errors[:20]))
    board = outcome["board"]
    shown = sum(1 for name in expected if board.get(name) == "已报送")
    print(f"报送：成功 {done} 个单位；报送情况显示已报送 {shown} 个；数据库中已报送 {recorded} 个")
    rolled = rolled_rows(outcome["rolled"])
    lost = [f"{u}：应有 {sorted(expected.get(u, []))}，汇总表中 {sorted(rolled.get(u, []))}"
            for u in sorted(set(stats.submitted) | set(rolled))
            if sorted(rolled.get(u, [])) != sorted(expected.get(u, []) if u in stats.submitted else [])]
    mismatch = [u for u, rows in stats.submitted.items() if rows != len(expected[u])]
    total = sum(len(v) for u, v in expected.items() if u in stats.submitted)
    print(f"全市汇总表（{outcome['rollup_seconds']:.1f} s）：{sum(len(v) for v in rolled.values())} 行，"
          f"应有 {total} 行（{len(stats.submitted)} 个单位）；不符 {len(lost)} 个单位"
          + "".join(f"\n  {x}" for x in lost[:10]) + (f"；报送人数与数据不符：{mismatch}" if mismatch else ""))
    upload_p95 = percentile(stats.times["上传并检查"] or [99], 0.95)
    annex2_p95 = percentile(stats.times["生成附件2"] or [99], 0.95)
    checks = [("没有错误", not stats.errors), ("没有丢失的报送", done == shown == recorded == n and not lost and not mismatch),
              (f"上传并检查 p95 ≤ {TARGET_UPLOAD_P95:g} s", upload_p95 <= TARGET_UPLOAD_P95),
              (f"附件2 生成 p95 ≤ {TARGET_ANNEX2_P95:g} s", annex2_p95 <= TARGET_ANNEX2_P95)]
    print("\n目标：" + "；".join(f"{name} {'达标' if ok else '未达标'}" for name, ok in checks))
    return all(ok for _, ok in checks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument("--workers", type=int, default=1, help="sp-docs serve --workers（同时运行的生成任务数）")
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--keep", action="store_true", help="保留临时数据文件夹（服务日志 server.log 在其中）")
    parser.add_argument("--source", type=Path, default=ROOT,
                        help="运行哪一份 sp-docs 源码（含 src/ 的文件夹，默认本仓库；用于比较两个版本）")
    parser.add_argument("--profile", type=Path, help="用 py-spy 记录服务进程（各线程）的调用栈到此文件（raw 格式）")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="sp-docs-load-"))
    books, city = build_city(args.units)
    expected = expected_rows(books, args.year, folder)
    server = Server(folder / "data", args.workers, args.profile, args.source.resolve())
    server.cli("accounts", "add", "--data", str(server.data), "--username", "admin", "--admin", "--password-stdin",
               stdin=ADMIN_PASSWORD + "\n")
    base = server.start()
    stats = Stats()
    try:
        loads = [" / ".join(f"{v:.2f}" for v in os.getloadavg())]
        outcome, wall, cpu = asyncio.run(simulate(server, base, books, city, args.year, stats))
        loads.append(" / ".join(f"{v:.2f}" for v in os.getloadavg()))
    except (LoadError, httpx.HTTPError) as exc:
        print(f"基准未能完成：{type(exc).__name__} {exc}（服务日志：{folder / 'server.log'}）", file=sys.stderr)
        return 2
    finally:
        server.stop()
    database = server.data / "sp-docs.sqlite3"
    ok = report(stats, outcome, wall, cpu, loads, job_times(database), recorded_submissions(database, args.year),
                expected, args.workers)
    if args.keep:
        print(f"数据文件夹：{folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
