"""Build templates/docx/base.docx, the Chinese base under every DOCX of sp-docs
(zh-CN language, the official fonts in the font table with Windows alternates; see
sp_docs.render.docx_base).  Run it, then the other make_*templates.py, after changing it:
    python tools/make_docx_base.py
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from sp_docs.render.docx_base import BASE_NAME, build_base  # noqa: E402


def base_docx() -> Path:
    path = ROOT / "templates" / "docx" / BASE_NAME
    path.write_bytes(build_base())
    return path


if __name__ == "__main__":
    print("built", base_docx())
