"""Kept for old importers: the table specifications live in ``sp_docs.tables``."""
from ..tables import ANNEX2, Column, TableSpec  # noqa: F401
