"""The error a cell parser raises, and the Chinese "expected" messages it carries."""
from __future__ import annotations


class NormalizeError(ValueError):
    """A cell value could not be normalised.

    ``str(e)`` is a Chinese message saying what is expected. ``e.value`` is the
    offending raw value (may be ``None``).
    """

    def __init__(self, message: str, value: object = None) -> None:
        super().__init__(message)
        self.expected = message
        self.value = value

    def __str__(self) -> str:
        return self.expected


# ---------------------------------------------------------------------------
# Expected-value messages (user facing, Simplified Chinese)
# ---------------------------------------------------------------------------

YEAR_MONTH_EXPECTED = "应为年月，如 1985.03"
DATE_EXPECTED = "应为完整日期，如 2021.03.05"
YEAR_EXPECTED = "应为年份，如 2021"
INT_EXPECTED = "应为整数，如 12"
BOOL_EXPECTED = "应为“是”或“否”（也可填 √/×、Y/N、1/0、有/无）"
TRACK_EXPECTED = "应为 1（骨干教师培养成共产党员）或 2（党员教师培养成教学骨干）"
