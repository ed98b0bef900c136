"""What filling an XLSX template means, without openpyxl: the ``{{ field }}`` placeholders,
their look-up in the view-model (never executed), the type a cell's number format asks
for, and the text that must not become a formula.  Used by ``render.xlsx`` (openpyxl)
and ``render.xlsx_direct`` (the built-in templates written directly)."""
from __future__ import annotations

import re

from ..errors import TemplateError

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][\w.]*)\s*\}\}")
ROW_PLACEHOLDER = re.compile(r"\{\{\s*row\.")
FORMULA_PREFIXES = ("=", "+", "-", "@")
# the characters XML 1.0 cannot hold (openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE)
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
_NUMERIC_FORMAT = re.compile(r"[0#]")
_INTEGER_TEXT = re.compile(r"-?(0|[1-9]\d{0,14})")
_PERCENT_TEXT = re.compile(r"-?\d+(\.\d+)?%")


def lookup(context: dict, dotted: str, template_name: str):
    value = context
    for part in dotted.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, (list, tuple)) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        elif not isinstance(value, dict) and hasattr(value, part) and not part.startswith("_"):
            value = getattr(value, part)
        else:
            raise TemplateError(f"模板 {template_name} 使用了数据中没有的字段：{dotted}")
    return value


def format_kind(number_format: str | None) -> str | None:
    """The type a template cell declares by its number format: a numeric format
    ("0", "#,##0", "0.0%") asks for a number, "@" or General keeps the value as given."""
    fmt = number_format or "General"
    if fmt in ("General", "@") or not _NUMERIC_FORMAT.search(fmt):
        return None
    return "percent" if "%" in fmt else "int"


def typed(value, kind: str | None):
    """``value`` as the cell should hold it: ``int`` turns digit text ("1", "2025")
    into a number, ``percent`` turns "67%" into 0.67; anything else is unchanged."""
    if kind == "int" and isinstance(value, str) and _INTEGER_TEXT.fullmatch(value.strip()):
        return int(value.strip())
    if kind == "percent" and isinstance(value, str) and _PERCENT_TEXT.fullmatch(value.strip()):
        return float(value.strip()[:-1]) / 100
    return value


def filled(text, context: dict, template_name: str, kind: str | None):
    """``(True, value)`` for a cell text holding placeholders (a whole ``{{ x }}`` keeps the
    value's type, as ``kind`` asks), ``(False, text)`` for any other value."""
    if not isinstance(text, str) or "{{" not in text:
        return False, text
    whole = PLACEHOLDER.fullmatch(text.strip())
    if whole:
        value = lookup(context, whole.group(1), template_name)
        return True, "" if value is None else typed(value, kind)
    return True, PLACEHOLDER.sub(lambda m: str(lookup(context, m.group(1), template_name) or ""), text)


def is_total(item) -> bool:
    return bool(item.get("total") if isinstance(item, dict) else getattr(item, "total", False))
