"""The one font module: font roles of GB/T 9704 documents, how each resolves to
a real font, and what the tool reads of a font (``faces``: coverage, advances,
glyph ink, cached per user) — shared by text measurement (certificates), the
direct PDF writer (render/fastpdf.py) and the 生僻字 check.

DOCX files name the official fonts (Word/WPS on the user's machine use them);
the PDF path embeds the first font of each role's chain that is installed, and
takes a character the font does not draw (no glyph, or an empty one) from the
next font of the chain.
"""
from __future__ import annotations

import functools
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from . import faces
from .faces import Face, face

TEXLIVE_FANDOL = Path("/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol")


@dataclass(frozen=True)
class Candidate:
    family: str = ""  # a family fontconfig knows
    file: str = ""  # or a font file fontconfig does not know (e.g. TeX Live's Fandol)
    weight: int = 400


@dataclass(frozen=True)
class Role:
    key: str
    label: str
    official: str  # written into DOCX (w:eastAsia)
    ascii: str  # Latin/digit font written into DOCX (the official font too: the PDF draws digits with it)
    chain: tuple[Candidate, ...]


def _fandol(name: str) -> str:
    return str(TEXLIVE_FANDOL / name)


ROLES: dict[str, Role] = {
    "title": Role("title", "标题（小标宋）", "方正小标宋简体", "方正小标宋简体", (
        Candidate("方正小标宋简体"), Candidate("FZXiaoBiaoSong-B05S"), Candidate("方正小标宋_GBK"),
        Candidate("Noto Serif CJK SC", weight=700), Candidate(file=_fandol("FandolSong-Bold.otf")),
        Candidate("AR PL SungtiL GB"))),
    "hei": Role("hei", "黑体", "黑体", "黑体", (
        Candidate("黑体"), Candidate("SimHei"), Candidate("Noto Sans CJK SC"),
        Candidate(file=_fandol("FandolHei-Regular.otf")))),
    "kai": Role("kai", "楷体", "楷体_GB2312", "楷体_GB2312", (
        Candidate("楷体_GB2312"), Candidate("楷体"), Candidate("KaiTi"), Candidate("AR PL UKai CN"),
        Candidate(file=_fandol("FandolKai-Regular.otf")), Candidate("AR PL KaitiM GB"))),
    "fang": Role("fang", "仿宋", "仿宋_GB2312", "仿宋_GB2312", (
        Candidate("仿宋_GB2312"), Candidate("仿宋"), Candidate("FangSong"),
        Candidate(file=_fandol("FandolFang-Regular.otf")), Candidate("Noto Serif CJK SC"))),
    "song": Role("song", "宋体（页码）", "宋体", "宋体", (
        Candidate("宋体"), Candidate("SimSun"), Candidate("Noto Serif CJK SC"),
        Candidate(file=_fandol("FandolSong-Regular.otf")), Candidate("AR PL SungtiL GB"))),
}

# Fonts tried for a glyph the role's own font lacks (rare characters in names).
GLYPH_FALLBACKS = (Candidate("Noto Serif CJK SC"), Candidate("Noto Sans CJK SC"),
                   Candidate("AR PL UKai CN"))


@dataclass(frozen=True)
class ResolvedFont:
    role: Role
    candidate: Candidate
    path: str
    index: int
    family: str  # the CSS family name to use
    fallback: bool  # True when not the official font

    @property
    def css_name(self) -> str:
        return f"sp-{self.role.key}"


@functools.lru_cache(maxsize=1)
def installed_families() -> dict[str, tuple[str, int]]:
    """family name → (file, face index) for every font fontconfig knows."""
    if not shutil.which("fc-list"):
        return {}
    try:
        out = subprocess.run(["fc-list", "--format", "%{family}\t%{file}\t%{index}\t%{style}\n"],
                             capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    families: dict[str, tuple[str, int]] = {}
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) < 3:
            continue
        names, path, index = parts[0], parts[1], parts[2]
        style = parts[3] if len(parts) > 3 else ""
        for name in names.split(","):
            name = name.strip()
            # Prefer the regular face of a family; keep bold only as "name:bold".
            key = name + (":bold" if "Bold" in style else "")
            if key not in families:
                families[key] = (path, int(index or 0))
    return families


def _locate(candidate: Candidate) -> tuple[str, int] | None:
    if candidate.file:
        return (candidate.file, 0) if Path(candidate.file).is_file() else None
    families = installed_families()
    if candidate.weight >= 700 and candidate.family + ":bold" in families:
        return families[candidate.family + ":bold"]
    return families.get(candidate.family)


@functools.lru_cache(maxsize=None)
def resolve(role_key: str) -> ResolvedFont | None:
    role = ROLES[role_key]
    for position, candidate in enumerate(role.chain):
        found = _locate(candidate)
        if found:
            family = candidate.family or f"sp-file-{role_key}"
            return ResolvedFont(role, candidate, found[0], found[1], family, position != 0)
    return None


def font_face_css() -> str:
    """CSS that gives every role a class ``f-<role>`` and a family ``sp-<role>``-style stack."""
    rules = []
    fallback_families = [c.family for c in GLYPH_FALLBACKS if _locate(c)]
    for key in ROLES:
        font = resolve(key)
        stack = []
        if font is not None:
            if font.candidate.file:
                rules.append(f'@font-face {{ font-family: "{font.family}"; '
                             f'src: url("{Path(font.path).as_uri()}"); }}')
            stack.append(font.family)
        stack += [f for f in fallback_families if f not in stack]
        family_css = ", ".join(f'"{name}"' for name in stack) or "serif"
        weight = font.candidate.weight if font else 400
        rules.append(f".f-{key} {{ font-family: {family_css}; font-weight: {weight}; }}")
    return "\n".join(rules)


def font_files() -> set[str]:
    """Font files the PDF path may read (for the URL fetcher's allow list)."""
    files = set()
    for key in ROLES:
        font = resolve(key)
        if font and font.candidate.file:
            files.add(str(Path(font.path).resolve()))
    return files


def font_sources(role_key: str) -> list[tuple[str, int]]:
    """(file, face index) of the role's font, then of each glyph fallback — the
    order the PDF's font stack uses, so metrics and glyph checks agree with it."""
    sources: list[tuple[str, int]] = []
    resolved = resolve(role_key)
    if resolved:
        sources.append((resolved.path, resolved.index))
    for candidate in GLYPH_FALLBACKS:
        found = _locate(candidate)
        if found and found not in sources:
            sources.append(found)
    return sources


@functools.lru_cache(maxsize=None)
def role_faces(role_key: str) -> tuple[Face, ...]:
    """The readable faces of ``font_sources(role_key)``, in the same order."""
    found = (face(path, index) for path, index in font_sources(role_key))
    return tuple(f for f in found if f is not None)


def face_for(code: int, chain: tuple[Face, ...]) -> Face | None:
    """The first face of ``chain`` that draws ``code`` (listed AND inked), or None."""
    for candidate in chain:
        if candidate.has(code):
            return candidate
    return None


def missing_glyphs(text: str, role_key: str = "fang") -> list[str]:
    """Characters of ``text`` that neither the role's font nor any fallback can
    draw: not in any cmap, or listed with an empty glyph (no ink)."""
    chain = role_faces(role_key)
    missing = []
    for char in dict.fromkeys(text):
        code = ord(char)
        if char.isspace() or code < 0x20:
            continue
        if face_for(code, chain) is None:
            missing.append(char)
    return missing


@functools.lru_cache(maxsize=1)
def _inkless() -> dict[str, str]:
    """Characters some font in use lists without ink → the CSS family of the
    first glyph fallback that draws them (characters no fallback draws are left
    to the 生僻字 check)."""
    faces_in_use = {f for key in ROLES for f in role_faces(key)}
    fallbacks = [(c.family, face(*found)) for c in GLYPH_FALLBACKS if (found := _locate(c))]
    out: dict[str, str] = {}
    for code in sorted({code for f in faces_in_use for code in f.empty}):
        family = next((name for name, f in fallbacks if f is not None and f.has(code)), None)
        if family:
            out[chr(code)] = family
    return out


@functools.lru_cache(maxsize=1)
def _inkless_pattern() -> re.Pattern | None:
    chars = _inkless()
    return re.compile("[" + "".join(re.escape(c) for c in chars) + "]") if chars else None


_TAG_RE = re.compile(r"(<[^>]*>)")


def ink_fallback_html(html: str) -> str:
    """Set each character that a font lists with an EMPTY glyph in a fallback
    family that draws it.  Pango takes a character from the first font of the
    CSS stack whose cmap lists it, ink or not (AR PL UKai's 䶮 prints blank);
    the direct PDF writer and the view-model's metrics skip such fonts
    (``face_for``), and this gives WeasyPrint's documents the same choice.
    Only text between tags of the body is touched."""
    inkless = _inkless()
    # str.find per character: 0.06 s for 4 MB of HTML and 47 characters; one regex pass: 0.15 s
    if not inkless or not any(char in html for char in inkless):
        return html
    pattern = _inkless_pattern()
    start = html.find("<body")
    head, body = (html[:start], html[start:]) if start >= 0 else ("", html)

    def wrap(match: re.Match) -> str:
        family = inkless[match.group(0)].replace("'", "")
        return f"<span style=\"font-family: '{family}'\">{match.group(0)}</span>"

    parts = _TAG_RE.split(body)
    in_raw = False  # inside <script>/<style>: never touched
    for i, part in enumerate(parts):
        if i % 2:
            lowered = part.lower()
            if lowered.startswith(("<style", "<script")):
                in_raw = True
            elif lowered.startswith(("</style", "</script")):
                in_raw = False
        elif not in_raw and part:
            parts[i] = pattern.sub(wrap, part)
    return head + "".join(parts)


def forget() -> None:
    """Drop the faces read in this process (the per-user cache stays)."""
    role_faces.cache_clear()
    _inkless.cache_clear()
    _inkless_pattern.cache_clear()
    faces.forget()


def files_in_use() -> list[str]:
    """Every font file a role or glyph fallback resolves to (cache keys depend on them)."""
    files = {path for key in ROLES for path, _ in font_sources(key)}
    return sorted(files)


def report() -> list[dict]:
    """One row per role for ``sp-docs fonts``."""
    rows = []
    for key, role in ROLES.items():
        font = resolve(key)
        rows.append({
            "role": role.label,
            "official": role.official,
            "pdf_font": (font.candidate.family or Path(font.path).stem) if font else "（未找到）",
            "file": font.path if font else "",
            "fallback": font is None or font.fallback,
        })
    return rows
