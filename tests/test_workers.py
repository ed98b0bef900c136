"""Worker processes die with the command (issue 13): SIGKILL of the parent of a
ledger batch leaves no worker alive within 5 seconds; Ctrl-C stops everything
and says so."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import process_alive

ROOT = Path(__file__).resolve().parents[1]
CITY = ROOT / "data_examples" / "city.xlsx"

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.add(int(entry.name))
    return found


def _start_batch(tmp_path: Path) -> tuple[subprocess.Popen, set[int]]:
    """A ledger batch on two workers, once both workers are running."""
    command = [sys.executable, "-m", "sp_docs.cli", "ledgers", str(CITY), "-o", str(tmp_path / "out"),
               "--format", "pdf", "--jobs", "2"]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                               start_new_session=True)
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    while time.monotonic() < deadline and process.poll() is None:
        workers = {p for p in _children(process.pid) if process_alive(p)}
        if len(workers) >= 2:
            return process, workers
        time.sleep(0.1)
    process.kill()
    pytest.fail(f"the batch never had two workers: {process.communicate()}")


def _wait_gone(workers: set[int], seconds: float) -> set[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        alive = {p for p in workers if process_alive(p)}
        if not alive:
            return alive
        time.sleep(0.1)
    return {p for p in workers if process_alive(p)}


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_killing_the_parent_kills_the_workers(tmp_path, sig):
    process, workers = _start_batch(tmp_path)
    os.kill(process.pid, sig)
    process.communicate(timeout=10)
    alive = _wait_gone(workers, 5)
    for pid in alive:  # do not leave them behind even when the test fails
        os.kill(pid, signal.SIGKILL)
    assert not alive, f"workers still alive 5 s after the parent was killed: {alive}"


def test_ctrl_c_stops_everything_and_says_so(tmp_path):
    process, workers = _start_batch(tmp_path)
    os.killpg(process.pid, signal.SIGINT)  # what a terminal sends: the whole process group
    _, err = process.communicate(timeout=20)
    alive = _wait_gone(workers, 5)
    for pid in alive:
        os.kill(pid, signal.SIGKILL)
    assert not alive
    assert process.returncode == 130
    text = err.decode()
    assert "已中断" in text and "已停止全部后台进程" in text and "Traceback" not in text
    assert not list((tmp_path / "out").glob("*.pdf"))  # nothing half-written
