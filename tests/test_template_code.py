"""The clause library's compiled code kept in the per-user cache (render/template_code.py): a plan
built from cached code is the plan built from the sources; a damaged cache file is ignored and
rewritten; a changed clause is compiled anew, not served stale."""
from __future__ import annotations

import pytest

import helpers
from sp_docs.documents import implementation_plan as ip
from sp_docs.questionnaire import answers as answers_mod
from sp_docs.render.template_code import CodeCache


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("SP_DOCS_CACHE", raising=False)
    ip._code_cache.cache_clear()
    ip._compiled.cache_clear()
    yield tmp_path / "sp-docs"
    ip._code_cache.cache_clear()
    ip._compiled.cache_clear()


def _plan_text() -> list[str]:
    view = ip.build(answers_mod.load(helpers.EXAMPLES / "answers.yaml"))
    ip._code_cache.cache_clear()  # the next build is a new process's: it reads the file
    ip._compiled.cache_clear()
    return view.text_lines()


def test_cached_code_gives_the_same_plan(cache_home):
    first = _plan_text()
    files = list(cache_home.glob("clauses-*.marshal"))
    assert len(files) == 1 and files[0].stat().st_size > 1000
    assert _plan_text() == first
    files[0].write_bytes(b"\x00damaged")
    assert _plan_text() == first
    assert files[0].read_bytes() != b"\x00damaged"  # rewritten whole


def test_a_changed_source_is_compiled_anew(cache_home):
    env = ip._env()
    cache = CodeCache(env, "t")
    assert cache.template("{{ a }}甲").render(a=1) == "1甲"
    cache.save()
    again = CodeCache(env, "t")
    assert again.template("{{ a }}甲").render(a=2) == "2甲"
    assert not again.added
    assert again.template("{{ a }}乙").render(a=3) == "3乙"
    assert again.added


def test_only_the_users_own_code_is_read(cache_home):
    """A file others may write, or entries that are not code, are never run (and get replaced)."""
    import marshal
    import os

    env = ip._env()
    cache = CodeCache(env, "t")
    cache.template("{{ a }}丙")
    cache.save()
    cache.path.chmod(0o666)
    assert CodeCache(env, "t").codes == {}
    cache.path.chmod(0o600)
    assert len(CodeCache(env, "t").codes) == 1
    key = next(iter(CodeCache(env, "t").codes))
    cache.path.write_bytes(marshal.dumps({key: "not code", 1: 2}))
    os.chmod(cache.path, 0o600)
    again = CodeCache(env, "t")
    assert again.codes == {} and again.template("{{ a }}丙").render(a=4) == "4丙"


def test_the_file_name_follows_the_compile_settings(cache_home):
    """Code compiled under other settings (say, operators the sandbox no longer intercepts) is
    kept apart, never served."""
    env = ip._env()
    other = type("Other", (type(env),), {"intercepted_binops": frozenset({"+"})})()
    assert CodeCache(env, "t").path != CodeCache(other, "t").path
