"""Writing results: atomically, never silently over an existing file, with
file names that are safe on Windows, macOS and Linux."""
from __future__ import annotations

import contextvars
import hashlib
import json
import os
import re
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .errors import OutputExistsError, OutputIsInputError, SpDocsError
from .fsfaults import fault

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


# files read in this run (inputs are never written, with or without --force)
_INPUTS: contextvars.ContextVar[tuple[Path, ...]] = contextvars.ContextVar("sp_docs_inputs", default=())


def protect_input(path: Path | str) -> None:
    """Remember that ``path`` is an input of this run: no write may replace it."""
    path = Path(path)
    if path.is_file() and path not in _INPUTS.get():
        _INPUTS.set(_INPUTS.get() + (path,))


def new_run() -> None:
    """Forget the inputs of an earlier command (each CLI command is one run)."""
    _INPUTS.set(())


def release_input(path: Path | str) -> None:
    """For an editor of its own file (the interactive questionnaire updates its answers file)."""
    _INPUTS.set(tuple(p for p in _INPUTS.get() if p != Path(path)))


def _is_input(path: Path) -> bool:
    if not path.exists():
        return False
    for source in _INPUTS.get():
        try:
            if os.path.samefile(source, path):
                return True
        except OSError:  # the input is gone since: it is no longer at risk
            continue
    return False


def check_writable(path: Path, force: bool) -> None:
    if _is_input(path):
        raise OutputIsInputError(path)
    if path.exists() and not force:
        raise OutputExistsError(path)


def _make_folder(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise fault(exc, path) from None


def _temp_in(path: Path) -> tuple[int, str]:
    try:
        return tempfile.mkstemp(prefix=".tmp-", suffix=path.suffix, dir=path.parent)
    except OSError as exc:  # named after the user's file, not the hidden temporary one
        raise fault(exc, path) from None


def write_bytes(path: Path | str, data: bytes, *, force: bool = False) -> Path:
    """Write ``data`` to ``path`` via a temp file in the same folder + rename.  A
    file-system fault (no permission, disk full, read-only disk…) is a
    ``FileSystemError`` naming ``path``."""
    path = Path(path)
    check_writable(path, force)
    _make_folder(path)
    fd, tmp = _temp_in(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise fault(exc, path) from None
        raise
    _record(path)
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
        _make_folder(self.path)
        fd, tmp = _temp_in(self.path)
        os.close(fd)
        self.tmp = Path(tmp)
        return self.tmp

    def __exit__(self, exc_type, exc, tb) -> None:
        assert self.tmp is not None
        if exc_type is None:
            try:
                os.chmod(self.tmp, 0o644)
                os.replace(self.tmp, self.path)
            except OSError as error:
                self.tmp.unlink(missing_ok=True)
                raise fault(error, self.path) from None
            _record(self.path)
        else:
            self.tmp.unlink(missing_ok=True)
            if isinstance(exc, OSError) and not isinstance(exc, SpDocsError):
                raise fault(exc, self.path) from None


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
    removed: list[Path] = field(default_factory=list)  # earlier output of this kind, not produced again
    kept: list[Path] = field(default_factory=list)  # earlier output changed by hand since: left alone

    def summary(self) -> str:
        text = f"完成：成功 {len(self.written)} 个文件"
        if self.failed:
            text += f"，失败 {len(self.failed)} 项"
        if self.skipped:
            text += f"，已存在未覆盖 {len(self.skipped)} 个（加 --force 覆盖）"
        return text + removed_note(self.removed, self.kept)

    @property
    def ok(self) -> bool:
        return not self.failed


# --- what the tool wrote into an output folder, per document kind -----------------------------

MANIFEST = ".sp-docs-manifest.json"


@dataclass
class _Run:
    folder: Path
    kind: str
    written: dict[str, str] = field(default_factory=dict)  # relative path → sha256


_RUN: contextvars.ContextVar[_Run | None] = contextvars.ContextVar("sp_docs_run", default=None)


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def _record(path: Path) -> None:
    run = _RUN.get()
    if run is None:
        return
    try:
        relative = Path(path).resolve().relative_to(run.folder)
    except ValueError:
        return  # written outside the folder of this kind
    run.written[relative.as_posix()] = _digest(Path(path))


def _load_manifest(folder: Path) -> dict:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


@contextmanager
def tracked(folder: Path | str, kind: str, result: BatchResult, *, force: bool):
    """Record in ``folder/.sp-docs-manifest.json`` the files written inside the block
    for document ``kind``.  With ``force``, files this tool wrote earlier for the same
    kind that this run did not write again are removed (``result.removed``); a file
    changed since the tool wrote it, and any file the tool did not write, is left
    alone (``result.kept`` for the changed ones)."""
    folder = Path(folder)
    run = _Run(folder.resolve(), kind)
    token = _RUN.set(run)
    try:
        yield run
    except BaseException:
        _RUN.reset(token)
        if run.written:  # a failed run removes nothing but remembers what it wrote
            _update_manifest(folder, kind, run, result, cleanup=False)
        raise
    _RUN.reset(token)
    if run.written:
        _update_manifest(folder, kind, run, result, cleanup=force)


def _update_manifest(folder: Path, kind: str, run: _Run, result: BatchResult, *, cleanup: bool) -> None:
    force = cleanup
    manifest = _load_manifest(folder)
    previous = manifest.get(kind) if isinstance(manifest.get(kind), dict) else {}
    entries = dict(run.written)
    for relative, digest in previous.items():
        if relative in run.written:
            continue
        path = folder / relative
        if not path.is_file() or _is_input(path):
            continue
        try:
            same = _digest(path) == digest
        except OSError:
            same = False
        if not force:
            if same:
                entries[relative] = digest  # still ours: removed by a later --force run
            continue
        if not same:
            result.kept.append(path)  # changed by hand since: no longer ours to remove
            continue
        try:
            path.unlink()
        except OSError:
            result.kept.append(path)
            continue
        result.removed.append(path)
        _remove_empty_parents(path.parent, folder)
    manifest[kind] = entries
    write_text(folder / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True), force=True)


def _remove_empty_parents(folder: Path, top: Path) -> None:
    while folder != top and top in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def removed_note(removed: list[Path], kept: list[Path]) -> str:
    text = ""
    if removed:
        text += f"；删除了上次生成、本次不再生成的文件 {len(removed)} 个"
    if kept:
        names = "、".join(p.name for p in kept[:5]) + ("等" if len(kept) > 5 else "")
        text += f"；上次生成的 {len(kept)} 个文件本次不再生成，但已被手工修改，未删除：{names}"
    return text
