"""Names sort in pinyin order exactly as before issue 14 — ``(lazy_pinyin(name,
TONE3), name)`` — while pypinyin (~0.3 s to import) is loaded only when two
different names must be ordered and one of them has a phrase or a character the
per-user table (text.pinyin_key, pinyin_table) does not hold."""
from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from pypinyin import Style, lazy_pinyin

from sp_docs import pinyin_table, text
from sp_docs.sources import xlsx_fast

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("data_examples", "tests/fixtures", "tests/office_files", "tests/bad_inputs")


def old_key(name: str) -> tuple:
    return (tuple(lazy_pinyin(name, style=Style.TONE3, errors="default")), name)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


@pytest.fixture(scope="module")
def all_names() -> list[str]:
    """Every short text of every example and fixture workbook and YAML file: the
    names (teachers, trainees, mentors, award winners) and more (units, titles)."""
    found: set[str] = set()
    for folder in FOLDERS:
        for path in (ROOT / folder).rglob("*"):
            if path.suffix.lower() == ".xlsx":
                try:
                    sheets = xlsx_fast.read_values(path)
                except Exception:  # noqa: BLE001 - the broken fixtures
                    continue
                found.update(v for rows in sheets.values() for row in rows for v in row if isinstance(v, str))
            elif path.suffix in (".yaml", ".yml") and "bomb" not in path.name:
                try:
                    found.update(_strings(yaml.safe_load(path.read_text(encoding="utf-8"))))
                except (yaml.YAMLError, UnicodeDecodeError):
                    continue
    names = sorted(n for n in found if 0 < len(n) <= 12)
    assert len(names) > 1000 and "阿依古丽·买买提" in names
    return names


@pytest.fixture(scope="module", autouse=True)
def own_cache(tmp_path_factory):
    import os

    saved = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    pinyin_table.table.cache_clear()
    text.pinyin_syllables.cache_clear()
    yield
    if saved is None:
        os.environ.pop("XDG_CACHE_HOME")
    else:
        os.environ["XDG_CACHE_HOME"] = saved
    pinyin_table.table.cache_clear()
    text.pinyin_syllables.cache_clear()


def test_every_name_sorts_as_before(all_names):
    shuffled = list(all_names)
    random.Random(14).shuffle(shuffled)
    assert sorted(shuffled, key=text.pinyin_key) == sorted(shuffled, key=old_key)
    # as the documents sort: unit and track first, the name last
    rows = [(i % 3, i % 2, name) for i, name in enumerate(shuffled)]
    assert sorted(rows, key=lambda r: (r[0], r[1], text.pinyin_key(r[2]))) == \
        sorted(rows, key=lambda r: (r[0], r[1], old_key(r[2])))
    # a name twice keeps the list order (a stable sort), with or without pinyin
    twice = [("b", "张三"), ("a", "张三"), ("c", "李四")]
    assert sorted(twice, key=lambda r: text.pinyin_key(r[1])) == sorted(twice, key=lambda r: old_key(r[1]))


def test_the_syllables_are_pypinyin_s(all_names):
    for name in all_names:
        assert text.pinyin_syllables(name) == old_key(name)[0], name


def test_random_names_of_table_characters_read_as_pypinyin_reads_them():
    found_table = pinyin_table.table()
    chars = sorted(found_table.chars)
    phrases = found_table.phrases()[0]
    common = [chr(c) for c in range(0x4E00, 0x9FA6) if chr(c) in found_table.chars]
    rng = random.Random(2026)
    from_table = with_phrase = 0
    for _ in range(20000):
        pool = common if rng.random() < 0.8 else chars
        name = "".join(rng.choice(pool) for _ in range(rng.choice((2, 2, 3, 3, 4))))
        if rng.random() < 0.3:  # a phrase inside (司马, 欧阳, 国强 …): segmented as pypinyin does
            phrase = rng.choice(phrases)
            cut = rng.randrange(len(name) + 1)
            name = name[:cut] + phrase + name[cut:]
            with_phrase += 1
        if rng.random() < 0.1:  # other characters: kept run by run
            cut = rng.randrange(len(name) + 1)
            name = name[:cut] + rng.choice(("·", " ", "A", "Ⅱ", "(1)", "·李", "\u3402")) + name[cut:]
        found = pinyin_table.table_syllables(name)
        if found is not None:
            from_table += 1
            assert found == old_key(name)[0], name
    assert from_table > 19000 and with_phrase > 5000  # the others hold U+3402


def test_the_table_is_built_from_pypinyin_character_by_character():
    chars, pairs, phrases, _ = pinyin_table.build_table()
    assert len(chars) > 40000 and len(pairs) > 30000 and len(phrases) > 40000
    for char in chars:  # every one (built from one character per reading)
        assert (chars[char],) == tuple(lazy_pinyin(char, style=Style.TONE3, errors="default")), char
    for phrase in random.Random(7).sample(sorted(phrases), 8000):
        assert phrases[phrase] == " ".join(lazy_pinyin(phrase, style=Style.TONE3, errors="default")), phrase
    assert "长春"[:2] in pairs and phrases["重庆"] == "chong2 qing4"


def test_the_cache_is_rebuilt_when_stale_or_corrupt_and_can_be_turned_off(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    pinyin_table.table.cache_clear()
    assert pinyin_table.table_syllables("王五") == ("wang2", "wu3")
    files = list((tmp_path / "sp-docs" / "pinyin").glob("*.marshal"))
    assert len(files) == 1
    files[0].write_bytes(b"not marshal")
    pinyin_table.table.cache_clear()
    assert pinyin_table.table_syllables("王五") == ("wang2", "wu3")
    assert files[0].stat().st_size > 100_000  # rebuilt
    monkeypatch.setattr(pinyin_table, "_stamp", lambda: "another-pypinyin")
    pinyin_table.table.cache_clear()
    assert pinyin_table.table_syllables("王五") == ("wang2", "wu3")
    assert (tmp_path / "sp-docs" / "pinyin" / "another-pypinyin.marshal").is_file()
    monkeypatch.setenv("SP_DOCS_CACHE", "off")
    pinyin_table.table.cache_clear()
    assert pinyin_table.table_syllables("王五") is None
    assert text.pinyin_syllables("王五x") == old_key("王五x")[0] == ("wang2", "wu3", "x")
    pinyin_table.table.cache_clear()


def _probe(code: str, cache: Path) -> list:
    import os

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300,
                          env={**os.environ, "XDG_CACHE_HOME": str(cache), "PYTHONPATH": str(ROOT / "src")})
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_pypinyin_is_loaded_only_when_it_must_order_two_names(tmp_path):
    code = ("import json, sys; from sp_docs.text import pinyin_key; names = {names!r}; "
            "order = sorted(names, key=lambda n: (n[0] == '李', pinyin_key(n))); "
            "print(json.dumps([order, 'pypinyin' in sys.modules]))")
    # different first key parts: no pinyin at all, even without the table
    assert _probe(code.format(names=["李四", "张三"]), tmp_path / "none") == [["张三", "李四"], False]
    _probe(code.format(names=["王五", "张三"]), tmp_path / "warm")  # builds the table
    assert _probe(code.format(names=["王五", "张三", "李四"]), tmp_path / "warm") == [["王五", "张三", "李四"], False]
    # a phrase inside a name (长春, 欧阳): read from the table too
    assert _probe(code.format(names=["张长春", "张三", "欧阳修"]), tmp_path / "warm") == \
        [["欧阳修", "张长春", "张三"], False]
    # Latin letters and the middle dot are kept as they are, as pypinyin keeps them
    assert _probe(code.format(names=["张三", "Zhang San", "阿依古丽·买买提"]), tmp_path / "warm") == \
        [["Zhang San", "阿依古丽·买买提", "张三"], False]
    # a Chinese character pypinyin has no reading for (U+3402): pypinyin reads that name
    assert _probe(code.format(names=["张三", "张\u3402"]), tmp_path / "warm") == [["张三", "张\u3402"], True]
