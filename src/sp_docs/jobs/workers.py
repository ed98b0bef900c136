"""Worker processes that never outlive the command that started them.

A batch renders on a pool of forked processes.  Each worker asks the kernel to
kill it when its parent dies (``prctl(PR_SET_PDEATHSIG)`` on Linux, whatever the
signal, SIGKILL included) and also watches its parent's pid, for systems
without prctl.  Workers ignore Ctrl-C: the parent gets it, kills every worker at
once and reports the interruption (instead of each worker printing a traceback
and the pool hanging on a broken pipe)."""
from __future__ import annotations

import os
import signal
import threading
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Callable

PR_SET_PDEATHSIG = 1
WATCH_SECONDS = 0.5


def die_with_parent(parent: int, *, on_signal: bool = True) -> None:
    """End this process when ``parent`` does: a signal from the kernel (Linux; it fires when
    the parent's *thread* that started this process ends, so ``on_signal=False`` for a process
    started from a short-lived thread) and a watchdog thread checking the parent."""
    try:
        import ctypes

        if on_signal:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the watchdog below still works
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)

    def watch() -> None:
        while True:
            if os.getppid() != parent:
                os._exit(1)
            threading.Event().wait(WATCH_SECONDS)

    threading.Thread(target=watch, name="sp-docs-parent-watch", daemon=True).start()


def _initialize(parent: int, then: Callable[[], None] | None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(parent)
    if then is not None:
        then()


def new_pool(workers: int, initializer: Callable[[], None] | None = None) -> ProcessPoolExecutor:
    """A process pool (forked where possible, WeasyPrint imported first so the workers
    share its memory) whose workers die with this process."""
    import multiprocessing

    context = None
    if "fork" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("fork")
        from ..render.pdf import load_weasyprint

        load_weasyprint()
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_initialize,
                               initargs=(os.getpid(), initializer))


def stop(pool: ProcessPoolExecutor) -> None:
    """Kill every worker now and drop the queued work (Ctrl-C, or a failure in the parent)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        try:
            process.kill()
        except (OSError, AttributeError, ValueError):
            pass
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        try:
            process.join(timeout=5)
        except (OSError, AssertionError, ValueError):
            pass


@contextmanager
def pool(workers: int, initializer: Callable[[], None] | None = None):
    """``with pool(n) as executor:`` — on Ctrl-C or any error the workers are killed
    at once instead of finishing the queued chunks; on success they are joined."""
    executor = new_pool(workers, initializer)
    try:
        yield executor
    except BaseException:
        stop(executor)
        raise
    executor.shutdown(wait=True)
