"""The datasets read in this process, kept for the next job that reads the
same file (the web service and ``sp-docs all`` read one workbook many times;
reading and checking the example workbook costs ~0.5 s, a copy from here ~15 ms).

Keyed by the resolved path and the file's size, modification and change times
and inode: a file changed in any way is read again.  Each caller gets its own
copy (the dataset and its problems are kept pickled), so a job that changes
the objects it was given changes nothing here.  ``SP_DOCS_CACHE=off`` turns it
off.  At most ``KEEP`` files and ``KEEP_BYTES`` of pickles are kept, the most
recently used (a city's 10,000-teacher workbook pickles to a few tens of MB).

Files under a folder given to ``trust_folder`` (the web service's file store, which only
the service writes) also keep their dataset on disk beside them, as
``<file>.<code tag>.dataset``: the upload check reads a unit's workbook once and the
worker processes that make its documents, and the 报送 of the same data, load that
pickle (~5 ms) instead of reading the workbook again.  Never for other folders: a
pickle is code, and a file left beside a user's workbook is not ours to trust.
"""
from __future__ import annotations

import functools
import hashlib
import pickle
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Callable

from ..user_cache import enabled, file_key

KEEP = 4
KEEP_BYTES = 64 * 1024 * 1024
_CACHE: OrderedDict[tuple, bytes] = OrderedDict()
_LOCK = threading.Lock()
_TRUSTED: set[Path] = set()




def cached(path: Path | str, load: Callable[[Path], tuple]) -> tuple:
    """``load(path)`` — or a copy of what it returned for the same, unchanged file."""
    from ..output import protect_input

    path = Path(path)
    key = file_key(path) if enabled() else None
    if key is None:
        return load(path)
    protect_input(path)  # read from here or not, it is this run's input: nothing may write over it
    with _LOCK:
        found = _CACHE.get(key)
        if found is not None:
            _CACHE.move_to_end(key)
    if found is not None:
        return pickle.loads(found)
    beside = _beside(key)
    found = _read_beside(beside, key)
    if found is not None:
        _keep(key, found)
        return pickle.loads(found)
    result = load(path)
    if file_key(path) != key:  # changed while being read: do not keep
        return result
    try:
        stored = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return result
    if len(stored) > KEEP_BYTES:
        return result
    _write_beside(beside, key, stored)
    _keep(key, stored)
    return result  # the cache holds a snapshot: changes to ``result`` do not reach it


def _keep(key: tuple, stored: bytes) -> None:
    with _LOCK:
        _CACHE[key] = stored
        _CACHE.move_to_end(key)
        while len(_CACHE) > KEEP or sum(map(len, _CACHE.values())) > KEEP_BYTES:
            _CACHE.popitem(last=False)


def trust_folder(folder: Path | str) -> None:
    """Keep the datasets of files under ``folder`` on disk beside them (see the module's note)."""
    _TRUSTED.add(Path(folder).resolve())


@functools.lru_cache(maxsize=1)
def _code_tag() -> str:
    """Changes whenever the package's code does (a pickle of older classes is not loaded)."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for source in sorted(package.rglob("*.py")):
        stat = source.stat()
        digest.update(f"{source.relative_to(package)}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()[:16]


def _beside(key: tuple) -> Path | None:
    path = Path(key[0])
    if not _TRUSTED or not any(path.is_relative_to(folder) for folder in _TRUSTED):
        return None
    return path.with_name(f"{path.name}.{_code_tag()}.dataset")


def _read_beside(beside: Path | None, key: tuple) -> bytes | None:
    if beside is None:
        return None
    try:
        stored_key, stored = pickle.loads(beside.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, ImportError):
        return None
    return stored if stored_key == key else None


def _write_beside(beside: Path | None, key: tuple, stored: bytes) -> None:
    if beside is None:
        return
    from ..errors import SpDocsError
    from ..output import write_bytes

    try:
        write_bytes(beside, pickle.dumps((key, stored), protocol=pickle.HIGHEST_PROTOCOL), force=True)
    except (OSError, SpDocsError):  # a full disk costs the next reader a re-read, nothing else
        pass


def remove_beside(path: Path) -> None:
    """Remove the datasets kept beside ``path`` (its file is being deleted)."""
    for kept in path.parent.glob(f"{path.name}.*.dataset"):
        kept.unlink(missing_ok=True)


def forget() -> None:
    with _LOCK:
        _CACHE.clear()
