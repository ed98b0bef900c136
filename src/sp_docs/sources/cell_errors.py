"""The error a cell parser raises, and the Chinese "expected" messages it carries.

They live in :mod:`sp_docs.values` (shared with the documents); re-exported here for the readers.
"""
from __future__ import annotations

from ..values import (BOOL_EXPECTED, DATE_EXPECTED, INT_EXPECTED, TRACK_EXPECTED,  # noqa: F401
                      YEAR_EXPECTED, YEAR_MONTH_EXPECTED, NormalizeError)
