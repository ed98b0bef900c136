"""Upload checks in a process of their own (``sp-docs serve --check-process``, on by default).

In the web process a check holds the GIL for its ~30 ms while every page, login and
download waits; fifty units uploading at once kept one core full.  Here the service
hands the stored file's path to one long-lived process at normal priority (the batch
workers run at a lower one) and awaits the result: the counts, the problems, and
whether the data is usable.  The process reads the workbook exactly as the CLI's
``check`` does (same safety checks and limits), keeps the dataset beside the stored
file for the jobs that follow (``jobs.dataset_cache``), dies with the service, and
is started again if it ever goes away.  Without it (``check_process=False``, the
tests' default) the check runs in a thread of the web process as before.
"""
from __future__ import annotations

import asyncio
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from starlette.concurrency import run_in_threadpool

from ..errors import Problems


@dataclass
class CheckResult:
    summary: str  # "" when the workbook could not be read at all
    usable: bool  # read, whatever its problems
    problems: Problems


def check_upload(path: str) -> CheckResult:
    """Check a stored workbook (in the check process or a thread)."""
    from ..jobs.check import check_workbook

    data, problems = check_workbook(Path(path))
    summary = ""
    if data is not None:
        summary = (f"单位 {len(data.units)} 个，教师 {len(data.teachers)} 人，双培对象 {len(data.trainees)} 人，"
                   f"培养记录 {len(data.records)} 条，计划 {len(data.plans)} 条，表彰 {len(data.awards)} 条")
    return CheckResult(summary, data is not None, problems)


def _start(store_root: str, parent: int) -> None:
    from ..jobs.dataset_cache import trust_folder
    from ..jobs.workers import die_with_parent

    # the pool starts this process from whichever request thread submits first: no kernel signal
    # tied to that thread, the watchdog only (the service's end also closes the pool's pipes)
    die_with_parent(parent, on_signal=False)
    trust_folder(store_root)
    from ..jobs import check  # noqa: F401  (imported while idle, not during the first check)


class CheckProcess:
    """One process that runs upload checks, or None of it (checks then run in a thread)."""

    def __init__(self, store_root: Path, enabled: bool):
        self.store_root, self.enabled = str(store_root), enabled
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def _executor(self) -> ProcessPoolExecutor:
        import os

        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                                 initializer=_start, initargs=(self.store_root, os.getpid()))
            return self._pool

    async def check(self, path: Path) -> CheckResult:
        if not self.enabled:
            return await run_in_threadpool(check_upload, str(path))
        loop = asyncio.get_running_loop()
        pool = self._executor()
        try:
            return await loop.run_in_executor(pool, check_upload, str(path))
        except BrokenProcessPool:  # the process died (killed, out of memory): once more, in a new one
            with self._lock:
                if self._pool is pool:
                    self._pool = None
            pool.shutdown(wait=False, cancel_futures=True)
            return await loop.run_in_executor(self._executor(), check_upload, str(path))

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
