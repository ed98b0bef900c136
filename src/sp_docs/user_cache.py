"""The per-user cache folder (``$XDG_CACHE_HOME/sp-docs``, else ``~/.cache/sp-docs``):
font metrics, the certificate background, the pinyin table.  ``SP_DOCS_CACHE=off``
turns every cache off (these and the in-process ones).  A cache file is written whole
or not at all; ``file_key`` says whether a file read earlier is still the same."""
from __future__ import annotations

import os
import tempfile
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
