"""The per-user cache (``$XDG_CACHE_HOME/sp-docs``): font faces and the certificate
background.  Cached and uncached runs give the same PDF bytes; a changed font
file (mtime or size) invalidates both; a corrupt cache file is rebuilt."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml

from sp_docs.documents import certificate as doc
from sp_docs.jobs import certificates as job
from sp_docs.render import fastpdf, fonts
from sp_docs.render.fonts import faces
from sp_docs.sources.award_list import read_award_list

NAMES = ["张三", "欧阳明月", "阿依古丽·买买提", "李\u4dae", "王𠮷"]


def _forget_process_caches() -> None:
    fonts.forget()
    doc.metrics.cache_clear()
    fastpdf._BACKGROUNDS.clear()


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    monkeypatch.delenv("SP_DOCS_CACHE", raising=False)
    _forget_process_caches()
    yield folder / "sp-docs"
    _forget_process_caches()


def _smallest_font_copy(tmp_path: Path) -> tuple[Path, int]:
    path, index = min({(p, i) for key in fonts.ROLES for p, i in fonts.font_sources(key)},
                      key=lambda item: os.path.getsize(item[0]))
    copy = tmp_path / ("copy" + Path(path).suffix)
    shutil.copyfile(path, copy)
    return copy, index


def _fields(face: faces.Face) -> tuple:
    return (face.upem, face.ascent, face.descent, face.cff, face.name, face.coverage, face.default_advance,
            face.advances, face.empty)


def test_face_is_read_once_then_from_the_cache_until_the_file_changes(tmp_path, cache, monkeypatch):
    copy, index = _smallest_font_copy(tmp_path)
    read = []
    real_read = faces.read_face
    monkeypatch.setattr(faces, "read_face", lambda *a: read.append(a) or real_read(*a))
    first = faces.face(str(copy), index)
    assert first is not None and len(read) == 1
    cached = list((cache / "fonts").glob("*.json"))
    assert len(cached) == 1 and cached[0].stat().st_size < copy.stat().st_size / 20  # kilobytes, not the font
    faces.face.cache_clear()
    again = faces.face(str(copy), index)
    assert len(read) == 1 and _fields(again) == _fields(first)  # from the cache, the same face

    stat = copy.stat()
    os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))  # touched: read again
    faces.face.cache_clear()
    assert _fields(faces.face(str(copy), index)) == _fields(first) and len(read) == 2

    cached[0].write_text('{"version": 2, "coverage": [[1', encoding="utf-8")  # corrupt: ignored, rebuilt
    faces.face.cache_clear()
    assert _fields(faces.face(str(copy), index)) == _fields(first) and len(read) == 3
    faces.face.cache_clear()
    faces.face(str(copy), index)
    assert len(read) == 3  # the rebuilt cache file is good


def _batch(tmp_path: Path):
    listing = tmp_path / "list.yaml"
    rows = [{"姓名": n, "所在单位": "青川市第一中学", "荣誉称号": "优秀教师"} for n in NAMES]
    listing.write_text(yaml.safe_dump({"表彰": rows}, allow_unicode=True), encoding="utf-8")
    settings = tmp_path / "settings.yaml"
    settings.write_text(yaml.safe_dump({"颁发单位": "青川市教育局", "颁发日期": "2025.09.10"}, allow_unicode=True),
                        encoding="utf-8")
    batch = doc.build(read_award_list(listing).rows, doc.load_settings(settings))
    assert len(batch.certificates) == len(NAMES), [f.describe() for f in batch.failures]
    return batch


def test_cached_and_uncached_certificate_pdfs_are_identical(tmp_path, cache, monkeypatch):
    filled = job.combined_pdf(_batch(tmp_path), engine="fast")  # reads fonts, lays out the background
    assert list((cache / "fonts").glob("*.json")) and list((cache / "certificates").glob("*.bin"))

    _forget_process_caches()
    from sp_docs.render import pdf

    def refuse(*args, **kwargs):
        raise AssertionError("laid out again although cached")

    with monkeypatch.context() as m:  # now everything must come from the cache
        m.setattr(faces, "read_face", refuse)
        m.setattr(pdf, "html_to_pdf", refuse)
        from_cache = job.combined_pdf(_batch(tmp_path), engine="fast")

    _forget_process_caches()
    monkeypatch.setenv("SP_DOCS_CACHE", "off")
    uncached = job.combined_pdf(_batch(tmp_path), engine="fast")
    assert from_cache == filled == uncached  # byte for byte: text, positions, fonts, background


def test_background_cache_follows_the_font_files(tmp_path, cache, monkeypatch):
    copy, _ = _smallest_font_copy(tmp_path)
    monkeypatch.setattr(fonts, "files_in_use", lambda: [str(copy)])
    html = "<html><body>荣誉证书</body></html>"
    key = fastpdf.background_key(html)
    assert fastpdf.background_key(html) == key and fastpdf.background_key(html + " ") != key
    stat = copy.stat()
    os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    touched = fastpdf.background_key(html)
    assert touched != key
    with copy.open("ab") as handle:
        handle.write(b"\0")
    os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))  # same mtime, other size
    assert fastpdf.background_key(html) not in (key, touched)


def test_corrupt_background_cache_is_laid_out_again(tmp_path, cache):
    batch = _batch(tmp_path)
    good = job.combined_pdf(batch, engine="fast")
    (stored,) = (cache / "certificates").glob("*.bin")
    stored.write_bytes(stored.read_bytes()[:-10])  # truncated
    _forget_process_caches()
    assert job.combined_pdf(batch, engine="fast") == good
    assert fastpdf._load_background(stored) is not None  # written again, whole
