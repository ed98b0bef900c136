"""Which font an office suite on this machine draws for each font role of a DOCX.

A DOCX names the official fonts (方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312, 宋体).
On Windows with those fonts installed Word/WPS use them; without the GB2312 variants the
font table's alternate names send Word/WPS to 仿宋 / 楷体 / 宋体.  On Linux, LibreOffice
and WPS ask fontconfig, which knows none of these names: the alias file
templates/fontconfig/65-sp-docs-gongwen.conf maps them (and the Windows names) to the open
fonts the PDF embeds.  scripts/setup.sh installs it for everyone; ``sp-docs fonts
--install-aliases`` for the current user."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from . import fonts, templates

ALIAS_FILE = "65-sp-docs-gongwen.conf"
SYSTEM_CONF_DIR = Path("/etc/fonts/conf.d")
PACKAGES = "fonts-noto-cjk fonts-arphic-ukai texlive-lang-chinese"


def alias_source() -> Path:
    return templates.builtin_dir() / "fontconfig" / ALIAS_FILE


def user_conf_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "fontconfig" / "conf.d"


def installed_aliases() -> list[Path]:
    """Where the alias file is installed (system-wide and/or for this user)."""
    return [d / ALIAS_FILE for d in (SYSTEM_CONF_DIR, user_conf_dir()) if (d / ALIAS_FILE).is_file()]


def install_user_aliases() -> Path:
    """Copy the alias file to ~/.config/fontconfig/conf.d (no root needed) and refresh the cache."""
    from ..output import write_bytes

    target = write_bytes(user_conf_dir() / ALIAS_FILE, alias_source().read_bytes(), force=True)
    if shutil.which("fc-cache"):
        subprocess.run(["fc-cache"], capture_output=True, timeout=300, check=False)
    return target


def office_font(name: str) -> str | None:
    """The family fontconfig gives for ``name`` in Chinese text (what LibreOffice/WPS draw)."""
    if not shutil.which("fc-match"):
        return None
    try:
        out = subprocess.run(["fc-match", "--format", "%{family[0]}", f"{name}:lang=zh-cn"],
                             capture_output=True, text=True, timeout=60).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return out or None


def pdf_family(role_key: str) -> str | None:
    """The family name of the font the PDF embeds for the role (Fandol files by their stem)."""
    resolved = fonts.resolve(role_key)
    if resolved is None:
        return None
    return resolved.candidate.family or Path(resolved.path).stem.split("-")[0]


def report() -> list[dict]:
    """Per role: the name in the DOCX → what this machine resolves it to → what the PDF embeds."""
    rows = []
    for key, role in fonts.ROLES.items():
        office, pdf = office_font(role.official), pdf_family(key)
        if office == role.official:
            status = "official"
        elif office and pdf and office == pdf:
            status = "same_as_pdf"
        else:
            status = "fallback"
        rows.append({"role": role.label, "docx": role.official, "office": office or "（无 fontconfig）",
                     "pdf": pdf or "（未找到）", "status": status})
    return rows


def advice(rows: list[dict]) -> list[str]:
    """What to install when a role falls back (Chinese, for ``sp-docs fonts``)."""
    bad = [r for r in rows if r["status"] == "fallback"]
    if not bad:
        return []
    names = "、".join(f"{r['docx']}（现为 {r['office']}）" for r in bad)
    lines = [f"在本机的 LibreOffice/WPS 中，这些字体会被替换为其他字体，排版与 PDF 不同：{names}。"]
    if not installed_aliases():
        lines.append("运行 sp-docs fonts --install-aliases（为当前用户安装字体别名，无需管理员权限），"
                     "或用管理员权限运行 scripts/setup.sh（为所有用户安装）。")
    lines.append(f"需要的开源字体：sudo apt-get install {PACKAGES}；"
                 "也可以安装官方字体（方正小标宋简体、仿宋_GB2312、楷体_GB2312、黑体、宋体）。")
    return lines
