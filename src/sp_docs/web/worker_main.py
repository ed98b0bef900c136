"""One worker process of ``runner.ProcessRunner``: ``python -m sp_docs.web.worker_main``.

Talks to the service over its standard streams.  stdin: first a line of JSON
(data folder, database URL, the service's pid, memory cap in MB), then one line
``run <job id>`` per job; end of stdin means stop.  The service reads ``ready`` and
``done <job id>`` from the process's original stdout (``print`` in a job goes to
stderr instead, never into the conversation).

The worker dies with the service (PR_SET_PDEATHSIG and a parent watch, as the
CLI's render workers), ignores Ctrl-C (the service answers it), runs every job
in its main thread — so the render sandbox's SIGALRM time limit and RLIMIT_AS
memory cap apply — and under a cap on its whole address space (``--job-memory``).
After a job that ran out of memory it exits and the service starts a fresh one.
"""
from __future__ import annotations

import json
import logging
import os
import signal
import sys

log = logging.getLogger("sp_docs.web")
OUT_OF_MEMORY_EXIT = 3


def cap_memory(megabytes: float | None) -> None:
    """The soft RLIMIT_AS of this process (its address space), if a cap is set."""
    if not megabytes:
        return
    try:
        import resource
    except ImportError:  # not POSIX: no cap
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = int(megabytes * 1024 * 1024)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


WORKER_NICENESS = 10


def lower_priority() -> None:
    """Batch jobs yield the CPU to the web process: a page, a login or an upload check
    waits for no ledger or 附件2 being laid out (on 2 cores with 50 units at once, the
    checks otherwise queued behind the jobs)."""
    try:
        os.nice(WORKER_NICENESS)
    except (AttributeError, OSError):  # not POSIX, or not allowed: run at the same priority
        pass


def run_one(worker, job_id: int) -> int:
    """Run one job; 0 to go on, ``OUT_OF_MEMORY_EXIT`` when this process should end.

    This is the call a queue worker (Celery, RQ) makes for a job id: the job is
    claimed atomically, so a duplicate delivery does nothing."""
    from .tasks import mark_lost

    try:
        worker(job_id)
    except MemoryError:  # the job is marked failed (over the memory cap); a fresh process takes the next
        return OUT_OF_MEMORY_EXIT
    except Exception:  # noqa: BLE001 - the last guard: the job must not stay 进行中
        log.exception("job %s crashed", job_id)
        mark_lost(worker.db, worker.settings, job_id, "crashed")
    return 0


def _preload() -> None:
    """Import what jobs use while idle, so the first job does not wait for it."""
    try:
        from ..jobs import annex1, annex2, certificates, ledgers, mentors, plan  # noqa: F401
        from ..render import docx, fastplan, fasttable, plan_docx, xlsx  # noqa: F401  (openpyxl, python-docx, docxtpl: ~0.6 s)
        from ..render.pdf import load_weasyprint

        load_weasyprint()
    except Exception:  # noqa: BLE001 - the job itself will report the problem
        log.warning("worker: preload failed", exc_info=True)


def main() -> int:
    channel = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    commands = os.fdopen(os.dup(0), "r", encoding="utf-8")
    os.dup2(2, 1)  # anything printed goes to the service's stderr, not into the channel
    with open(os.devnull, "rb") as nothing:  # programs a job starts (pdftoppm) cannot read the commands
        os.dup2(nothing.fileno(), 0)
    line = commands.readline()
    if not line.strip():
        return 2
    config = json.loads(line)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from ..jobs.workers import die_with_parent

    die_with_parent(int(config["parent"]))
    cap_memory(config.get("memory_mb"))
    lower_priority()
    logging.basicConfig(level=logging.WARNING, format=f"sp-docs worker {os.getpid()}: %(levelname)s %(message)s")
    from .config import Settings
    from .db import Database
    from .storage import FileStore
    from .tasks import Worker

    settings = Settings(config["data"], config.get("database"), job_memory_mb=config.get("memory_mb") or 0,
                        job_seconds=config.get("seconds") or 0)
    db = Database(settings.db_url)
    worker = Worker(db, FileStore(settings.files_dir), settings)
    _preload()
    channel.write("ready\n")
    for command in commands:
        verb, _, value = command.strip().partition(" ")
        if verb != "run" or not value.isdigit():
            continue
        code = run_one(worker, int(value))
        channel.write(f"done {value}\n")
        if code:
            return code
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
