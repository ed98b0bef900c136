"""The job runner: where batch work runs, outside the web request.

``JobRunner`` is the whole interface the routes use: ``submit(job_id)``.  The
job's inputs are already in the database (``Job.params``) and ``tasks.run_job``
does the work, so another runner — a Celery or RQ worker calling
``tasks.run_job(job_id)`` on another machine that shares DIR and the database —
can replace ``LocalRunner`` without touching the documents."""
from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Protocol

log = logging.getLogger("sp_docs.web")


class JobRunner(Protocol):
    def submit(self, job_id: int) -> None: ...

    def shutdown(self) -> None: ...


class LocalRunner:
    """A pool of worker threads in the service process (``workers`` jobs at once;
    the rest wait in the queue, shown as 排队中)."""

    def __init__(self, run: Callable[[int], None], workers: int = 1):
        self._run = run
        self._pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="sp-docs-job")

    def submit(self, job_id: int) -> None:
        self._pool.submit(self._safe_run, job_id)

    def _safe_run(self, job_id: int) -> None:
        try:
            self._run(job_id)
        except Exception:  # noqa: BLE001 - run_job records failures itself; this is the last guard
            log.exception("job %s crashed", job_id)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


class InlineRunner:
    """Runs the job at once in the caller (tests, scripts)."""

    def __init__(self, run: Callable[[int], None]):
        self._run = run

    def submit(self, job_id: int) -> None:
        self._run(job_id)

    def shutdown(self) -> None:
        pass
