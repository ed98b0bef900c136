"""The per-user cache folder (``$XDG_CACHE_HOME/sp-docs``, else ``~/.cache/sp-docs``):
font metrics, the certificate background, the pinyin table.  ``SP_DOCS_CACHE=off``
turns every cache off (these and the in-process ones).  A cache file is written whole
or not at all; ``file_key`` says whether a file read earlier is still the same."""
from __future__ import annotations

import os
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path


def enabled() -> bool:
    return os.environ.get("SP_DOCS_CACHE", "").strip().lower() not in ("off", "0", "no", "false")


def folder() -> Path | None:
    """The cache folder; None when caches are turned off."""
    if not enabled():
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "sp-docs"


def write_atomically(target: Path, data: bytes) -> None:
    """Write a cache file whole or not at all (a failure leaves no cache, never half a file)."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass  # a cache that cannot be written is only slower


def file_key(path: Path) -> tuple | None:
    """What identifies a file's content without reading it (resolved path, size, modification
    and change times, inode): any change, even one that restores the mtime, gives another key.
    None when the file cannot be found."""
    try:
        resolved = Path(path).resolve()
        stat = resolved.stat()
    except OSError:
        return None
    return (str(resolved), stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


class FileMemo:
    """What a process made from a file (a parsed template, say), kept while the file is
    unchanged (``file_key``; a file that changed while it was read is not kept): the ``keep``
    last used, and with ``size`` no more than ``max_bytes`` of them (the newest always stays).
    ``SP_DOCS_CACHE=off`` keeps nothing.  Safe to share between threads."""

    def __init__(self, keep: int, *, max_bytes: int | None = None, size=None):
        self.keep, self.max_bytes, self.size = keep, max_bytes, size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def get(self, path: Path, make, *, extra: tuple = ()):
        """The value kept for ``path`` (and ``extra``, what else it was made from), else ``make()``."""
        if not enabled():
            return make()
        before = file_key(path)
        key = before and (*before, *extra)
        if key:
            with self._lock:
                found = self._items.get(key)
                if found is not None:
                    self._items.move_to_end(key)
                    return found
        value = make()
        if key and file_key(path) == before:  # not changed while it was read
            with self._lock:
                self._items[key] = value
                while len(self._items) > 1 and (len(self._items) > self.keep or self._too_big()):
                    self._items.popitem(last=False)
        return value

    def _too_big(self) -> bool:
        return self.max_bytes is not None and sum(map(self.size, self._items.values())) > self.max_bytes
