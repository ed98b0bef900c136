"""One school, one document: cold-start latency and peak memory (``run.py --latency``).

Each command runs in a NEW process (``sp-docs`` from this checkout's venv), three
times; the median wall time is reported with that run's CPU time (user + sys)
and peak memory (the child's max RSS from ``os.wait4``, which for soffice
includes the soffice.bin it waits for).  The per-user cache
(``$XDG_CACHE_HOME/sp-docs``: font metrics, the certificate background) lives
in a temporary folder: the first run fills it and is reported on its own line
("空缓存"); the three timed runs then find it, as every run after a user's first.

Reference: LibreOffice converting the combined certificate DOCX of the same list
to PDF (its profile warmed by one untimed conversion), in the same run.

Warm: the 实施方案 and 附件2 jobs called three times in one long-running process
(the web service's case); the second and third calls are reported.

Python byte code is written and used as by an installed package
(``PYTHONDONTWRITEBYTECODE`` is removed from the children's environment and the
source compiled first), so the figures do not include compiling sp-docs.

``--latency-against DIR`` (a checkout of another version, e.g. made with
``git worktree add /tmp/base main``) runs that version's code with the same
Python and libraries, alternating with this one, so that both are measured
under the same machine load; the table then shows both and their CPU ratio.
"""
from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "data_examples"
UNIT = "青川市第一中学"
TARGET_COLD_S = 1.5
TARGET_RATIO = 0.75
TARGET_PEAK_MB = 200
TARGET_WARM_S = 0.3


@dataclass
class Run:
    wall: float
    cpu: float
    peak_mb: float
    status: int


def _sp_docs(src: Path | None = None) -> list[str]:
    """argv prefix running sp-docs: this checkout's, or the one whose ``src`` folder is given."""
    if src is not None:
        return [sys.executable, "-c", "import sys; from sp_docs.cli import main; sys.argv[0] = 'sp-docs'; "
                                      "sys.exit(main())"]
    found = Path(sys.executable).with_name("sp-docs")
    return [str(found) if found.exists() else (shutil.which("sp-docs") or "sp-docs")]


def _environment(work: Path, src: Path | None = None) -> dict:
    env = dict(os.environ, XDG_CACHE_HOME=str(work / "cache"), SP_DOCS_NO_COLOR="1")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: byte code compiled once, then read
    if src is not None:
        env["PYTHONPATH"] = str(src)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(src or ROOT / "src")], env=env,
                   capture_output=True, check=False)
    return env


def run_once(command: list[str], env: dict) -> Run:
    """One new process: wall time, its CPU time and peak RSS (``wait4``)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, process.returncode)


def _median(runs: list[Run]) -> Run:
    ordered = sorted(runs, key=lambda r: r.wall)
    return ordered[len(ordered) // 2]


def median_run(make_command, env: dict, repeat: int = 3) -> tuple[Run, list[Run]]:
    """``make_command(i)`` → argv (a fresh output folder each time); the median run by wall time."""
    runs = [run_once(make_command(i), env) for i in range(repeat)]
    return _median(runs), runs


def alternating_runs(make_commands, envs: list[dict], repeat: int = 3) -> list[tuple[Run, list[Run]]]:
    """Each version (``make_commands[k](i)`` with ``envs[k]``) in turn, ``repeat`` rounds."""
    runs: list[list[Run]] = [[] for _ in envs]
    for i in range(repeat):
        for k, (make_command, env) in enumerate(zip(make_commands, envs)):
            runs[k].append(run_once(make_command(i), env))
    return [(_median(r), r) for r in runs]


def _warm_script(out: Path) -> str:
    return f"""
import json, time
from pathlib import Path
from sp_docs.jobs.plan import plan
from sp_docs.jobs.annex2 import annex2
times = {{}}
for name, call in (("plan", lambda o: plan(Path({str(EXAMPLES / 'answers.yaml')!r}), o, force=True)),
                   ("annex2", lambda o: annex2(Path({str(EXAMPLES / 'city.xlsx')!r}), {UNIT!r}, o, force=True))):
    for i in (1, 2, 3):
        start = time.perf_counter(); cpu = time.process_time()
        call(Path({str(out)!r}) / f"{{name}}{{i}}")
        times[f"{{name}}{{i}}"] = (time.perf_counter() - start, time.process_time() - cpu)
print(json.dumps(times))
"""


def warm_times(env: dict, work: Path) -> dict:
    script = _warm_script(work / f"warm{len(list(work.glob('warm*')))}")
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, cwd=ROOT,
                          timeout=600)
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def _soffice_reference(env: dict, work: Path) -> tuple[Run, list[Run]] | None:
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    if binary is None:
        return None
    docx_dir = work / "docx"
    subprocess.run([*_sp_docs(), "certificates", str(EXAMPLES / "city.xlsx"), "--format", "docx", "-o",
                    str(docx_dir)], env=env, check=True, capture_output=True, cwd=ROOT)
    docx = next(docx_dir.glob("*.docx"))
    profile = (work / "lo-profile").as_uri()

    def command(i: int) -> list[str]:
        return [binary, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir",
                str(work / f"lo{i}"), str(docx)]

    run_once(command(99), env)  # a fresh profile's first start is slow: warm it, untimed
    return median_run(command, env)


def _line(label: str, run: Run, runs: list[Run] | None = None) -> str:
    spread = f"（{' / '.join(f'{r.wall:.2f}' for r in runs)}）" if runs else ""
    failed = "" if run.status == 0 else f"  退出码 {run.status}"
    return f"{label:<34}{run.wall:>7.2f} s{run.cpu:>8.2f} s{run.peak_mb:>8.0f} MB  {spread}{failed}"


def _commands(sp: list[str], work: Path) -> dict:
    return {
        "plan": ("sp-docs plan answers.yaml（DOCX+PDF）",
                 lambda i: [*sp, "plan", str(EXAMPLES / "answers.yaml"), "-o", str(work / f"plan{i}")]),
        "annex2": ("sp-docs annex 2 --unit 青川市第一中学（3 种格式）",
                   lambda i: [*sp, "annex", "2", str(EXAMPLES / "city.xlsx"), "--unit", UNIT, "-o",
                              str(work / f"annex{i}")]),
        "certificates": ("sp-docs certificates --format pdf（58 张）",
                         lambda i: [*sp, "certificates", str(EXAMPLES / "city.xlsx"), "--format", "pdf", "-o",
                                    str(work / f"cert{i}")]),
    }


def _cold(versions: list[tuple[str, dict, dict]], repeat: int) -> tuple[dict[str, Run], bool]:
    """The cold runs of each version (label, commands, env), alternating; this version's results."""
    failed = False
    results: dict[str, Run] = {}
    for key in versions[0][1]:
        measured = alternating_runs([commands[key][1] for _, commands, _ in versions],
                                    [env for _, _, env in versions], repeat)
        for (name, commands, _), (run, runs) in zip(versions, measured):
            failed |= any(r.status != 0 for r in runs)
            print(_line(name + commands[key][0], run, runs), flush=True)
        results[key] = measured[0][0]
        if len(versions) > 1:
            base = measured[1][0]
            print(f"{'':<4}CPU 之比（本版 / 对照版）：{measured[0][0].cpu / base.cpu:.2f}", flush=True)
    return results, failed


def _warm(versions: list[tuple[str, dict, dict]], work: Path) -> None:
    print()
    print("常驻进程（同一进程内第二、三次调用；第一次含导入）：")
    for name, _, env in versions:
        warm = warm_times(env, work)
        for key, label in (("plan", "实施方案"), ("annex2", "附件2")):
            (w1, c1), (w2, c2), (w3, c3) = warm[f"{key}1"], warm[f"{key}2"], warm[f"{key}3"]
            verdict = "达标" if min(w2, w3) <= TARGET_WARM_S else "未达标"
            print(f"  {name}{label}：第一次 {w1:.2f} s（CPU {c1:.2f} s），第二次 {w2:.2f} s（CPU {c2:.2f} s），"
                  f"第三次 {w3:.2f} s（CPU {c3:.2f} s）  目标 ≤ {TARGET_WARM_S} s：{verdict}")


def latency(repeat: int = 3, against: Path | None = None) -> int:
    """Print the table; exit status 1 when a command failed.  ``against``: another
    checkout (its ``src`` folder is put first on ``PYTHONPATH``), measured alternately."""
    work = Path(tempfile.mkdtemp(prefix="spbench_latency_"))
    env = _environment(work)
    versions = [("" if against is None else "本版 ", _commands(_sp_docs(), work), env)]
    if against is not None:
        src = Path(against).resolve() / "src"
        other = work / "against"
        versions.append(("对照版 ", _commands(_sp_docs(src), other), _environment(other, src)))
    load = os.getloadavg()
    print(f"机器：{os.cpu_count()} 核；开始时负载 {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"冷启动：每条命令新开进程，{repeat} 次取墙钟中位数；CPU = 用户+系统时间；峰值 = 该进程最大 RSS")
    if against is not None:
        print(f"对照版：{against}（同一 Python 与依赖库，与本版交替运行）")
    print()
    print(f"{'命令':<34}{'墙钟':>9}{'CPU':>10}{'峰值':>11}  （各次墙钟）")
    try:
        for name, commands, version_env in versions:
            first = run_once(commands["certificates"][1](100), version_env)
            print(_line(f"{name}首次运行（空缓存）：证书", first))
        results, failed = _cold(versions, repeat)
        reference = _soffice_reference(env, work)
        if reference:
            results["soffice"] = reference[0]
            print(_line("参照：LibreOffice 合并证书 DOCX→PDF", *reference))
        else:
            print("（未安装 LibreOffice：没有参照）")
        _warm(versions, work)
        _verdicts(results)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    load = os.getloadavg()
    print(f"结束时负载 {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}（其他进程占用 CPU 时墙钟偏长，CPU 时间较稳定）")
    return 1 if failed else 0


def _verdicts(results: dict[str, Run]) -> None:
    print()
    print("与目标比较（本版）：")
    for key in ("plan", "annex2", "certificates"):
        run = results[key]
        print(f"  {key}：墙钟 {run.wall:.2f} s（目标 ≤ {TARGET_COLD_S} s）{'达标' if run.wall <= TARGET_COLD_S else '未达标'}；"
              f"CPU {run.cpu:.2f} s；峰值 {run.peak_mb:.0f} MB（目标 ≤ {TARGET_PEAK_MB} MB）"
              f"{'达标' if run.peak_mb <= TARGET_PEAK_MB else '未达标'}")
    soffice = results.get("soffice")
    if soffice and soffice.wall:
        cert = results["certificates"]
        ratio, cpu_ratio = cert.wall / soffice.wall, cert.cpu / soffice.cpu if soffice.cpu else 0
        print(f"  证书 / LibreOffice：墙钟 {ratio:.2f}，CPU {cpu_ratio:.2f}（目标 ≤ {TARGET_RATIO}）"
              f"{'达标' if ratio <= TARGET_RATIO else '未达标'}")
