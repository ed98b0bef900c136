"""The job runner: where batch work runs, outside the web request and the web process.

``JobRunner`` is the whole interface the routes use: ``submit(job_id)`` (and
``shutdown()`` when the service stops).  A job's inputs are already in the database
(``Job.params``), and one call does a job: ``tasks.Worker(db, store, settings)(job_id)``
claims it (an atomic ``UPDATE … WHERE status='queued'``, so a job never runs twice),
calls the ``jobs/`` function and files the results at the end.  That call is the
line for a queue: a Celery or RQ task that makes it on any machine sharing the
database and the data folder replaces ``ProcessRunner`` without touching the
documents (``sp_docs.web.worker_main.run_one`` is that call with its last guard).

- ``ProcessRunner`` (``sp-docs serve``): ``--workers`` worker processes
  (``python -m sp_docs.web.worker_main``), one job at a time each; the rest wait in
  the queue (排队中).  A worker dies with the service (PR_SET_PDEATHSIG, parent
  watch, end of its stdin), runs under the limits (RLIMIT_AS, the render limits in
  its main thread, a time limit per job); a worker that dies mid-job gets its job
  marked 已中断 and is replaced.
- ``InlineRunner``: runs the job at once in the caller (tests, the accounts commands).
"""
from __future__ import annotations

import json
import logging
import os
import queue
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Callable, Protocol

log = logging.getLogger("sp_docs.web")
TICK_SECONDS = 0.5
STOP_SECONDS = 5.0


class JobRunner(Protocol):
    def submit(self, job_id: int) -> None: ...

    def shutdown(self) -> None: ...


@dataclass
class _Process:
    popen: subprocess.Popen
    started: float
    job: int | None = None
    since: float = 0.0  # when the job was handed to it
    ready: bool = False
    timed_out: bool = False


class ProcessRunner:
    """``settings.workers`` worker processes fed from one queue.

    One manager thread owns the processes and the queue (no locks): it starts the
    workers (the thread that starts a process is the one its PR_SET_PDEATHSIG
    watches, so it lives as long as the runner), hands each idle one the next job
    id, kills a job over ``settings.job_seconds`` and replaces any worker that
    exits.  ``lost(job_id, reason)`` — reason ``stopped`` | ``crashed`` | ``timeout``
    — marks a job whose worker died; it returns the job's status (``queued``: it
    had not started, so it goes back to the head of the queue)."""

    def __init__(self, settings, lost: Callable[[int, str], str]):
        self.settings = settings
        self.size = max(1, int(settings.workers))
        self._lost = lost
        self._events: queue.Queue = queue.Queue()
        self._queue: deque[int] = deque()
        self._processes: list[_Process] = []
        self._quick_deaths = 0  # workers in a row that died before they were ready
        self._spawn_at = 0.0
        self._thread = threading.Thread(target=self._manage, name="sp-docs-job-runner", daemon=True)
        self._thread.start()

    def submit(self, job_id: int) -> None:
        self._events.put(("submit", job_id))

    def shutdown(self) -> None:
        if self._thread.is_alive():
            self._events.put(("stop", None))
            self._thread.join(timeout=STOP_SECONDS + 10)

    @property
    def pids(self) -> list[int]:
        """The worker processes' ids (for monitoring and tests)."""
        return [p.popen.pid for p in list(self._processes)]

    # -- the manager thread -------------------------------------------------------

    def _manage(self) -> None:
        while True:
            try:
                kind, value = self._events.get(timeout=TICK_SECONDS)
            except queue.Empty:
                kind, value = "tick", None
            try:
                if kind == "stop":
                    self._stop()
                    return
                self._handle(kind, value)
                self._keep_workers()
                self._dispatch()
            except Exception:  # noqa: BLE001 - the manager must survive (its death would kill the workers)
                log.exception("job runner: %s", kind)

    def _handle(self, kind: str, value) -> None:
        if kind == "submit":
            self._queue.append(value)
        elif kind == "line":
            process, text = value
            if text == "ready":
                process.ready, self._quick_deaths = True, 0
            elif text.startswith("done "):
                process.job = None
        elif kind == "exit":
            self._exited(value)
        self._check_time()

    def _exited(self, process: _Process) -> None:
        if process in self._processes:
            self._processes.remove(process)
        job, process.job = process.job, None
        if job is not None:
            reason = "timeout" if process.timed_out else "crashed"
            log.warning("job %s: worker %s exited with %s (%s)", job, process.popen.pid, process.popen.returncode,
                        reason)
            if self._lost(job, reason) == "queued":
                self._queue.appendleft(job)
        if not process.ready:  # died while starting: wait longer each time before the next one
            self._quick_deaths += 1
            self._spawn_at = time.monotonic() + min(30.0, 2.0 ** self._quick_deaths)
            log.error("job runner: a worker process exited while starting (code %s)", process.popen.returncode)

    def _keep_workers(self) -> None:
        while len(self._processes) < self.size and time.monotonic() >= self._spawn_at:
            self._spawn()

    def _spawn(self) -> None:
        config = {"data": str(self.settings.data_dir), "database": self.settings.database_url,
                  "parent": os.getpid(), "memory_mb": self.settings.job_memory_mb,
                  "seconds": self.settings.job_seconds}
        popen = subprocess.Popen([sys.executable, "-m", "sp_docs.web.worker_main"], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, text=True, encoding="utf-8", bufsize=1, close_fds=True)
        process = _Process(popen, time.monotonic())
        self._processes.append(process)
        try:
            popen.stdin.write(json.dumps(config) + "\n")  # settings on a pipe: no password in argv
            popen.stdin.flush()
        except OSError:
            pass  # it died at once: its reader reports the exit
        threading.Thread(target=self._read, args=(process,), name="sp-docs-job-reader", daemon=True).start()

    def _read(self, process: _Process) -> None:
        for line in process.popen.stdout:
            self._events.put(("line", (process, line.strip())))
        process.popen.wait()
        self._events.put(("exit", process))

    def _dispatch(self) -> None:
        for process in self._processes:
            if not self._queue:
                return
            if not process.ready or process.job is not None or process.popen.poll() is not None:
                continue  # starting (the time limit counts from the hand-over), busy or exiting
            job = self._queue.popleft()
            try:
                process.popen.stdin.write(f"run {job}\n")
                process.popen.stdin.flush()
            except OSError:  # exiting; the job goes to the next worker
                self._queue.appendleft(job)
                continue
            process.job, process.since = job, time.monotonic()

    def _check_time(self) -> None:
        limit = self.settings.job_seconds
        if not limit:
            return
        now = time.monotonic()
        for process in self._processes:
            if process.job is not None and not process.timed_out and now - process.since > limit:
                log.warning("job %s: over the time limit of %s s, worker %s killed", process.job, limit,
                            process.popen.pid)
                process.timed_out = True
                process.popen.kill()

    def _stop(self) -> None:
        """Idle workers end with their stdin; busy ones are killed and their jobs marked
        interrupted now (a restart would say the same).  Queued jobs stay queued."""
        for process in self._processes:
            try:
                process.popen.stdin.close()
            except OSError:
                pass
            if process.job is not None:
                process.popen.kill()
        deadline = time.monotonic() + STOP_SECONDS
        for process in self._processes:
            try:
                process.popen.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.popen.kill()
                process.popen.wait()
            if process.job is not None:
                self._lost(process.job, "stopped")
        self._processes.clear()


class InlineRunner:
    """Runs the job at once in the caller (tests, scripts)."""

    def __init__(self, run: Callable[[int], None]):
        self._run = run

    def submit(self, job_id: int) -> None:
        self._run(job_id)

    def shutdown(self) -> None:
        pass
