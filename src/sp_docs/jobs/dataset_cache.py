"""The datasets read in this process, kept for the next job that reads the
same file (the web service and ``sp-docs all`` read one workbook many times;
reading and checking the example workbook costs ~0.5 s, a copy from here ~15 ms).

Keyed by the resolved path and the file's size, modification and change times
and inode: a file changed in any way is read again.  Each caller gets its own
copy (the dataset and its problems are kept pickled), so a job that changes
the objects it was given changes nothing here.  ``SP_DOCS_CACHE=off`` turns it
off.  At most ``KEEP`` files and ``KEEP_BYTES`` of pickles are kept, the most
recently used (a city's 10,000-teacher workbook pickles to a few tens of MB).
"""
from __future__ import annotations

import os
import pickle
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Callable

KEEP = 4
KEEP_BYTES = 64 * 1024 * 1024
_CACHE: OrderedDict[tuple, bytes] = OrderedDict()
_LOCK = threading.Lock()


def _key(path: Path) -> tuple | None:
    try:
        resolved = path.resolve()
        stat = resolved.stat()
    except OSError:
        return None
    return (str(resolved), stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


def enabled() -> bool:
    return os.environ.get("SP_DOCS_CACHE", "").strip().lower() not in ("off", "0", "no", "false")


def cached(path: Path | str, load: Callable[[Path], tuple]) -> tuple:
    """``load(path)`` — or a copy of what it returned for the same, unchanged file."""
    path = Path(path)
    key = _key(path) if enabled() else None
    if key is None:
        return load(path)
    with _LOCK:
        found = _CACHE.get(key)
        if found is not None:
            _CACHE.move_to_end(key)
    if found is not None:
        return pickle.loads(found)
    result = load(path)
    if _key(path) != key:  # changed while being read: do not keep
        return result
    try:
        stored = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return result
    if len(stored) > KEEP_BYTES:
        return result
    with _LOCK:
        _CACHE[key] = stored
        _CACHE.move_to_end(key)
        while len(_CACHE) > KEEP or sum(map(len, _CACHE.values())) > KEEP_BYTES:
            _CACHE.popitem(last=False)
    return result  # the cache holds a snapshot: changes to ``result`` do not reach it


def forget() -> None:
    with _LOCK:
        _CACHE.clear()
