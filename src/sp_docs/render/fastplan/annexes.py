"""The three 附件 pages of the plan (being written: until then the plan falls back to WeasyPrint)."""
from __future__ import annotations

from ..fasttable import Unsupported


def annex_pages(context, placed):
    raise Unsupported("annexes")
