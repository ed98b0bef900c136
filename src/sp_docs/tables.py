"""Table specifications: for each tabular document, its columns once — header
text, view-model field, printed width and Excel number format.

Every format is built from the spec: the HTML template loops over
``context["table"]``, the DOCX/XLSX templates are generated from it
(tools/make_templates.py), the 实施方案's blank annex takes its widths from it,
and the roll-up reader (sources/returns.py) recognises returned workbooks by its
headers.  It imports nothing from sp_docs, so documents and readers both use it.  Changing a
column means changing the spec (and regenerating the templates)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    header: str  # as printed in the header row
    field: str  # attribute of the view-model's row
    width_mm: float  # printed width (DOCX; the HTML takes the same proportions)
    xlsx_width: float  # Excel column width, in characters of the default font
    number_format: str = "@"  # Excel: "@" text (1985.03 stays text), "0" a whole number
    align: str = "center"  # in the data rows


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[Column, ...]

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(c.field for c in self.columns)

    @property
    def widths_mm(self) -> list[float]:
        return [c.width_mm for c in self.columns]

    def width_percents(self) -> list[int]:
        """Each column's share of the table width, in whole percent (as the HTML sets it)."""
        total = sum(self.widths_mm)
        return [round(100 * c.width_mm / total) for c in self.columns]

    def cells(self, row) -> list[str]:
        """A view-model row as the cells a reader sees, in column order."""
        return [str(getattr(row, f)) for f in self.fields]

    def blank_rows(self, count: int) -> list[list[str]]:
        return [[""] * len(self.columns) for _ in range(count)]

    def context(self) -> list[dict]:
        """For templates: one dict per column (header, field, width_percent)."""
        return [{"header": c.header, "field": c.field, "width_percent": p}
                for c, p in zip(self.columns, self.width_percents())]



# 附件2 “双培”工程实施情况汇总表 (the seed's columns, in its order)
ANNEX2 = TableSpec("附件2", (
    Column("序号", "seq", 14, 7, "0"),
    Column("姓名", "name", 24, 14),
    Column("出生年月", "birth", 26, 12),
    Column("“双培”类别", "track", 26, 12, "0"),
    Column("完成年度", "year", 24, 11, "0"),
    Column("备注", "note", 42, 30, align="left"),
))
