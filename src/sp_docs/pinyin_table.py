"""Pinyin of names without importing pypinyin (~0.3 s of a one-document run).

pypinyin loads its whole phrase dictionary (47,000 phrases) and character
dictionary on import.  This module keeps, in the per-user cache
(``$XDG_CACHE_HOME/sp-docs/pinyin``, else ``~/.cache``), a table derived from
the installed pypinyin only — no names of anyone: every character's TONE3
syllable as ``lazy_pinyin`` gives it, and every pair of characters that begins
a phrase.  A name whose characters are all in the table and none of whose
neighbouring pairs begins a phrase is segmented by pypinyin into single
characters, so its syllables are the characters' own; any other name (a phrase
inside, a letter, a rare character) is left to pypinyin.  The table is keyed by
pypinyin's files (size, modification time, version) and the Python version,
and rebuilt (~0.1 s after the import) when any changes; ``SP_DOCS_CACHE=off`` turns it off.
``tests/test_pinyin_order.py`` checks it against pypinyin character by character.
"""
from __future__ import annotations

import hashlib
import importlib.util
import marshal
import os
import sys
from functools import lru_cache
from pathlib import Path

TABLE_VERSION = 1
SEPARATOR = " "


def _cache_dir() -> Path | None:
    if os.environ.get("SP_DOCS_CACHE", "").strip().lower() in ("off", "0", "no", "false"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "sp-docs" / "pinyin"


def _stamp() -> str | None:
    """What identifies the installed pypinyin's data and behaviour, without importing it."""
    spec = importlib.util.find_spec("pypinyin")
    if spec is None or not spec.origin:
        return None
    folder = Path(spec.origin).parent
    parts = [f"v{TABLE_VERSION}", sys.version.split()[0], os.environ.get("PYPINYIN_NO_PHRASES", "")]
    for name in ("__init__.py", "pinyin_dict.json", "phrases_dict.json", "core.py", "constants.py"):
        try:
            stat = (folder / name).stat()
        except OSError:
            return None
        parts.append(f"{folder / name}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha1("\n".join(parts).encode("utf-8")).hexdigest()[:24]


def build_table() -> tuple[dict[str, str], set[str]]:
    """(character → TONE3 syllable, pairs of characters that begin a phrase), from pypinyin."""
    from pypinyin import Style, lazy_pinyin
    from pypinyin.constants import PHRASES_DICT, PINYIN_DICT, RE_HANS

    def syllable(char: str) -> str | None:
        found = lazy_pinyin(char, style=Style.TONE3, errors="default")
        return found[0] if len(found) == 1 and found[0] and SEPARATOR not in found[0] else None

    # a character's syllable depends only on its first reading (no phrase is one
    # character): ask pypinyin once per reading (~1,500), not per character (~42,000)
    groups: dict[str, list[str]] = {}
    for code, readings in PINYIN_DICT.items():
        char = chr(code)
        if RE_HANS.match(char):
            groups.setdefault(readings.split(",")[0], []).append(char)
    syllables: dict[str, str] = {}
    for chars in groups.values():
        first, last = syllable(chars[0]), syllable(chars[-1])
        for char in chars:
            found = first if first is not None and first == last else syllable(char)
            if found is not None:
                syllables[char] = found
    pairs = {phrase[:2] for phrase in PHRASES_DICT if len(phrase) >= 2}
    return syllables, pairs


def _write(target: Path, syllables: dict[str, str], pairs: set[str]) -> None:
    import tempfile

    data = marshal.dumps(("".join(syllables), SEPARATOR.join(syllables.values()), "".join(sorted(pairs))))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass  # a cache that cannot be written is only slower


def _read(target: Path) -> tuple[dict[str, str], set[str]] | None:
    try:
        chars, syllables, pairs = marshal.loads(target.read_bytes())
        table = dict(zip(chars, syllables.split(SEPARATOR)))
        if len(table) != len(chars) or len(pairs) % 2:
            return None
        return table, {pairs[i:i + 2] for i in range(0, len(pairs), 2)}
    except (OSError, ValueError, EOFError, TypeError):
        return None  # missing, corrupt or written by another Python: rebuilt


@lru_cache(maxsize=1)
def table() -> tuple[dict[str, str], set[str]] | None:
    """The table for the installed pypinyin (read from the cache, built there when missing)."""
    folder, stamp = _cache_dir(), _stamp()
    if folder is None or stamp is None:
        return None
    target = folder / f"{stamp}.marshal"
    found = _read(target)
    if found is None:
        found = build_table()
        _write(target, *found)
    return found


def table_syllables(name: str) -> tuple[str, ...] | None:
    """The syllables of ``name`` as ``lazy_pinyin(name, style=TONE3)`` gives them, or
    None when pypinyin must work them out (a phrase may be inside, or a character
    is not in the table)."""
    if not name:
        return None
    found = table()
    if found is None:
        return None
    syllables, pairs = found
    try:
        result = tuple(syllables[char] for char in name)
    except KeyError:
        return None
    if any(name[i:i + 2] in pairs for i in range(len(name) - 1)):
        return None
    return result
