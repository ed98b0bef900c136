"""Writing results: atomically, never silently over an existing file, with
file names that are safe on Windows, macOS and Linux."""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import OutputExistsError

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


MAX_NAME_BYTES = 240  # file systems allow 255 bytes (UTF-8); room for unique_path's "_2" …
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}$")


def safe_filename(name: str, max_length: int = 120, max_bytes: int = MAX_NAME_BYTES) -> str:
    """A file name made from user text: no separators, no reserved characters, and
    short enough for any file system (at most ``max_bytes`` in UTF-8 — a Chinese
    character takes three).  A name cut short keeps its start (编号, then the name),
    a short hash of the whole name (names that share a start stay apart) and its
    extension."""
    cleaned = _UNSAFE.sub("_", name).strip().strip(".") or "未命名"
    if len(cleaned) <= max_length and len(cleaned.encode("utf-8")) <= max_bytes:
        return cleaned
    match = _EXTENSION.search(cleaned)
    extension = match.group(0) if match else ""
    stem = cleaned[:len(cleaned) - len(extension)]
    mark = "~" + hashlib.sha1(cleaned.encode("utf-8")).hexdigest()[:6]
    room_bytes = max_bytes - len(extension) - len(mark)
    room_chars = max(1, max_length - len(extension) - len(mark))
    cut = stem[:room_chars]
    while len(cut.encode("utf-8")) > room_bytes:
        cut = cut[:-1]
    return cut.rstrip(" .") + mark + extension


def check_writable(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise OutputExistsError(path)


def write_bytes(path: Path | str, data: bytes, *, force: bool = False) -> Path:
    """Write ``data`` to ``path`` via a temp file in the same folder + rename."""
    path = Path(path)
    check_writable(path, force)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=path.suffix, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path


def write_text(path: Path | str, text: str, *, force: bool = False) -> Path:
    return write_bytes(path, text.encode("utf-8"), force=force)


class AtomicPath:
    """For writers that need a path (e.g. a library saving to a file name):
    ``with AtomicPath(target, force) as tmp: save(tmp)`` renames on success."""

    def __init__(self, path: Path | str, force: bool = False):
        self.path = Path(path)
        self.force = force
        self.tmp: Path | None = None

    def __enter__(self) -> Path:
        check_writable(self.path, self.force)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=self.path.suffix, dir=self.path.parent)
        os.close(fd)
        self.tmp = Path(tmp)
        return self.tmp

    def __exit__(self, exc_type, exc, tb) -> None:
        assert self.tmp is not None
        if exc_type is None:
            os.chmod(self.tmp, 0o644)
            os.replace(self.tmp, self.path)
        else:
            self.tmp.unlink(missing_ok=True)


def unique_path(folder: Path, stem: str, suffix: str, taken: set[str]) -> Path:
    """``folder/stem.suffix``, or ``stem_2.suffix`` … when the name is taken in this batch."""
    base = safe_filename(stem)
    candidate = base
    n = 2
    while candidate + suffix in taken:
        candidate = f"{base}_{n}"
        n += 1
    taken.add(candidate + suffix)
    return folder / (candidate + suffix)


@dataclass
class BatchResult:
    """What a batch command did: files written, items that failed and why."""

    written: list[Path] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)

    def summary(self) -> str:
        text = f"完成：成功 {len(self.written)} 个文件"
        if self.failed:
            text += f"，失败 {len(self.failed)} 项"
        if self.skipped:
            text += f"，已存在未覆盖 {len(self.skipped)} 个（加 --force 覆盖）"
        return text

    @property
    def ok(self) -> bool:
        return not self.failed
