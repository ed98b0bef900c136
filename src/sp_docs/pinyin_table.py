"""Pinyin of names without importing pypinyin (~0.3 s of a one-document run).

pypinyin loads its whole phrase dictionary (47,000 phrases) and character
dictionary on import.  This module keeps, in the per-user cache
(``$XDG_CACHE_HOME/sp-docs/pinyin``, else ``~/.cache``), a table derived from
the installed pypinyin only — no names of anyone: every character's TONE3
syllable as ``lazy_pinyin`` gives it, every pair of characters that begins a
phrase, and every phrase's syllables.  A name whose characters are all in the
table and none of whose neighbouring pairs begins a phrase is segmented by
pypinyin into single characters, so its syllables are the characters' own; a
name with a phrase inside is segmented here as pypinyin does (its strict
forward maximum matching, copied in ``_segments``; the phrases are loaded only
then); other characters (·, letters, spaces) are kept run by run as pypinyin
keeps them (``errors="default"``); a name with a Chinese character pypinyin has
no reading for is left to pypinyin.  The table is keyed by
pypinyin's files (size, modification time, version) and the Python version,
and rebuilt (~0.1 s after the import) when any changes; ``SP_DOCS_CACHE=off`` turns it off.
``tests/test_pinyin_order.py`` checks it against pypinyin character by character.
"""
from __future__ import annotations

import bisect
import hashlib
import importlib.util
import marshal
import os
import sys
from functools import lru_cache
from pathlib import Path

from . import user_cache

TABLE_VERSION = 3
SEPARATOR = " "


def _cache_dir() -> Path | None:
    found = user_cache.folder()
    return found / "pinyin" if found else None


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


def build_table() -> tuple[dict[str, str], set[str], dict[str, str], str]:
    """(character → TONE3 syllable, pairs of characters that begin a phrase,
    phrase → its syllables joined by spaces, pypinyin's pattern of a Chinese character), from pypinyin."""
    from pypinyin import Style, lazy_pinyin
    from pypinyin.constants import PHRASES_DICT, PINYIN_DICT, RE_HANS

    def syllables_of(text: str) -> list[str] | None:
        found = lazy_pinyin(text, style=Style.TONE3, errors="default")
        good = len(found) == len(text) and all(s and SEPARATOR not in s and "\n" not in s for s in found)
        return found if good else None

    # a syllable depends only on the reading (TONE3 of the tone-marked reading):
    # ask pypinyin once per first reading (~1,500), not per character (~42,000)
    groups: dict[str, list[str]] = {}
    for code, readings in PINYIN_DICT.items():
        char = chr(code)
        if RE_HANS.match(char):
            groups.setdefault(readings.split(",")[0], []).append(char)
    chars: dict[str, str] = {}
    by_reading: dict[str, str] = {}
    for reading, members in groups.items():
        first, last = syllables_of(members[0]), syllables_of(members[-1])
        if first is not None and first == last:
            by_reading[reading] = first[0]
        for char in members:
            found = first if first is not None and first == last else syllables_of(char)
            if found is not None:
                chars[char] = found[0]
    phrases: dict[str, str] = {}
    for phrase, readings in PHRASES_DICT.items():
        if len(readings) == len(phrase) and all(r and r[0] in by_reading for r in readings):
            phrases[phrase] = SEPARATOR.join(by_reading[r[0]] for r in readings)
        elif (found := syllables_of(phrase)) is not None:
            phrases[phrase] = SEPARATOR.join(found)
        else:
            phrases[phrase] = ""  # pypinyin reads a name with this phrase
    pairs = {phrase[:2] for phrase in PHRASES_DICT if len(phrase) >= 2}
    return chars, pairs, phrases, RE_HANS.pattern


def serialize(chars: dict[str, str], pairs: set[str], phrases: dict[str, str], hans: str) -> bytes:
    """The table as sorted strings: read back without building any dict or set."""
    ordered, keys = sorted(chars), sorted(phrases)
    return marshal.dumps(("".join(ordered), SEPARATOR.join(chars[c] for c in ordered), "".join(sorted(pairs)),
                          "\n".join(keys), "\n".join(phrases[key] for key in keys), hans))


class SortedChars:
    """Character → syllable over a sorted string of characters (bisection)."""

    def __init__(self, chars: str, syllables: list[str]):
        if len(chars) != len(syllables) or any(a >= b for a, b in zip(chars, chars[1:])):
            raise ValueError("inconsistent pinyin table")
        self.text, self.syllables = chars, syllables

    def __contains__(self, char: str) -> bool:
        at = bisect.bisect_left(self.text, char)
        return at < len(self.text) and self.text[at] == char

    def __getitem__(self, char: str) -> str:
        at = bisect.bisect_left(self.text, char)
        if at < len(self.text) and self.text[at] == char:
            return self.syllables[at]
        raise KeyError(char)

    def __iter__(self):
        return iter(self.text)

    def __len__(self) -> int:
        return len(self.text)


class SortedPairs:
    """A sorted string of two-character pairs, searched by bisection."""

    def __init__(self, text: str):
        if len(text) % 2:
            raise ValueError("inconsistent pinyin table")
        self.text = text

    def __len__(self) -> int:
        return len(self.text) // 2

    def __getitem__(self, index: int) -> str:
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self.text[2 * index:2 * index + 2]

    def __contains__(self, pair: str) -> bool:
        at = bisect.bisect_left(self, pair)
        return at < len(self) and self[at] == pair


class Table:
    """The characters and pairs at once; the phrases when a name needs them."""

    def __init__(self, data: bytes):
        chars, syllables, pairs, phrase_keys, phrase_values, hans = marshal.loads(data)
        self.chars = SortedChars(chars, syllables.split(SEPARATOR))
        self.pairs = SortedPairs(pairs)
        self._phrase_text, self._hans = (phrase_keys, phrase_values), hans
        self._phrases: tuple[list[str], list[str]] | None = None

    def is_hans(self, char: str) -> bool:
        """A character pypinyin reads as Chinese (its ``RE_HANS``)."""
        import re

        return char in self.chars or re.match(self._hans, char) is not None

    def phrases(self) -> tuple[list[str], list[str]]:
        """(the phrases in sorted order, their syllables): looked up by bisection, no set to build."""
        if self._phrases is None:
            keys, values = (text.split("\n") for text in self._phrase_text)
            if len(keys) != len(values) or any(a >= b for a, b in zip(keys, keys[1:])):
                raise ValueError("inconsistent pinyin table")
            self._phrases = (keys, values)
        return self._phrases


def _read(target: Path) -> Table | None:
    try:
        return Table(target.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None  # missing, corrupt or written by another Python: rebuilt


@lru_cache(maxsize=1)
def table() -> Table | None:
    """The table for the installed pypinyin (read from the cache, built there when missing)."""
    folder, stamp = _cache_dir(), _stamp()
    if folder is None or stamp is None:
        return None
    target = folder / f"{stamp}.marshal"
    found = _read(target)
    if found is None:
        data = serialize(*build_table())
        user_cache.write_atomically(target, data)
        found = Table(data)
    return found


def _segments(text: str, keys: list[str]):
    """pypinyin's strict forward maximum matching (``pypinyin.seg.mmseg``, ``no_non_phrases=True``):
    the longest phrase at each place, as long as every shorter start is the start of some phrase."""
    remain = text
    while remain:
        last_word, last_index = "", 0
        for index in range(len(remain)):
            word = remain[:index + 1]
            at = bisect.bisect_left(keys, word)
            if at < len(keys) and keys[at].startswith(word):  # the start of a phrase
                if keys[at] == word:
                    last_word, last_index = word, index + 1
                continue
            if last_word:
                yield last_word
                remain = remain[last_index:]
            else:
                yield remain[0]
                remain = remain[1:]
            break
        else:
            if last_word:
                yield last_word
                remain = remain[last_index:]
            else:
                yield from remain
                break


def table_syllables(name: str) -> tuple[str, ...] | None:
    """The syllables of ``name`` as ``lazy_pinyin(name, style=TONE3, errors="default")``
    gives them, or None when pypinyin must work them out (a Chinese character not in
    the table)."""
    found = table() if name else None
    if found is None:
        return None
    if all(char in found.chars for char in name):
        return _hans_syllables(found, name)
    result: list[str] = []
    for run, hans in _runs(found, name):  # pypinyin's simple_seg: Chinese and other runs
        if not hans:
            result.append(run)  # errors="default": kept as it is
            continue
        syllables = _hans_syllables(found, run) if all(char in found.chars for char in run) else None
        if syllables is None:
            return None
        result.extend(syllables)
    return tuple(result)


def _runs(found: Table, name: str):
    start = 0
    for index in range(1, len(name) + 1):
        if index == len(name) or found.is_hans(name[index]) != found.is_hans(name[start]):
            yield name[start:index], found.is_hans(name[start])
            start = index


def _hans_syllables(found: Table, run: str) -> tuple[str, ...] | None:
    chars = found.chars
    if not any(run[i:i + 2] in found.pairs for i in range(len(run) - 1)):
        return tuple(chars[char] for char in run)
    keys, values = found.phrases()
    result: list[str] = []
    for word in _segments(run, keys):
        if len(word) == 1:
            result.append(chars[word])
            continue
        syllables = values[bisect.bisect_left(keys, word)]
        if not syllables:
            return None
        result.extend(syllables.split(SEPARATOR))
    return tuple(result)
