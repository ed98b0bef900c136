"""One worksheet's rows of cell values, read with expat the way openpyxl's
read-only worksheet (``iter_rows(values_only=True)`` after ``reset_dimensions``)
and ``xlsx_cells._all_rows`` give them: rows numbered by ``r`` (missing rows
empty, a repeated or backward row number skipped), a row as wide as its last
cell, every row padded to the widest, a formula cell as its saved result."""
from __future__ import annotations

from typing import Callable

from .xlsx_fast_values import MAIN, SEP, Unsupported, UnsavedFormula, column_of, make_parser, typed_value

C, V, F, IS, T, R, ROW, WORKSHEET = (f"{MAIN}{SEP}{tag}"
                                     for tag in ("c", "v", "f", "is", "t", "r", "row", "worksheet"))
PROGRESS_EVERY = 20_000


def row_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        number = float(text)
        if not number.is_integer():
            raise Unsupported(f"row number {text!r}") from None
        return int(number)


class SheetReader:
    """Parses one worksheet part; ``read(handle)`` returns its padded rows."""

    def __init__(self, book, title: str, progress: Callable[[str, int], None] | None = None,
                 every: int = PROGRESS_EVERY):
        self.book, self.title, self.progress, self.every = book, title, progress, every
        self.rows: list = []        # a list of values per row with cells, None for an empty row
        self.next_row = 1           # openpyxl's ``counter``: the row number expected next
        self.row_counter = 0        # the last row number seen (rows without ``r`` count on)
        self.filled = 0
        self.depth = 0
        self.row_depth = self.cell_depth = self.inline_depth = -1
        self.cells: list = []
        self.col_counter = 0
        self.shared_masters: set = set()
        self.chunks: list | None = None  # text of the <v>, <f> or <t> being read
        self.target = ""
        self.cell: list = []
        self.run: str | None = None
        self.in_run = False

    def read(self, handle) -> list[tuple]:
        parser = make_parser(self.start, self.end, self.text)
        parser.ParseFile(handle)
        width = max((len(row) for row in self.rows if row), default=0)
        blank = (None,) * width
        return [tuple(row) + (None,) * (width - len(row)) if row else blank for row in self.rows]

    # -- expat handlers -------------------------------------------------------

    def text(self, data: str) -> None:
        if self.chunks is not None:
            self.chunks.append(data)

    def start(self, name: str, attrs: dict) -> None:
        if self.chunks is not None:
            raise Unsupported("element inside a value")
        self.depth += 1
        depth = self.depth
        if depth == self.cell_depth + 1 and self.cell_depth > 0:
            self.cell_child(name, attrs)
        elif self.inline_depth > 0 and depth > self.inline_depth:
            self.inline_child(name, depth)
        elif name == C:
            if depth != self.row_depth + 1 or self.row_depth < 0:
                raise Unsupported("cell outside a row")
            self.cell_depth, self.cell = depth, [attrs, None, None, None, None, None]
        elif name == ROW:
            self.row_counter = row_number(attrs["r"]) if "r" in attrs else self.row_counter + 1
            self.row_depth, self.cells, self.col_counter = depth, [], 0
        elif depth == self.row_depth + 1 and self.row_depth > 0:
            raise Unsupported("a row holds something other than cells")  # openpyxl counts it as a cell
        elif depth == 1 and name != WORKSHEET:
            raise Unsupported("worksheet namespace")

    def cell_child(self, name: str, attrs: dict) -> None:
        # cell: [attributes, <v> text, <f> attributes, <f> text, inline plain text, inline runs]
        cell = self.cell
        if name == V and cell[1] is None:
            self.chunks, self.target = [], "v"
        elif name == F and cell[2] is None:
            cell[2] = attrs
            self.chunks, self.target = [], "f"
        elif name == IS and cell[5] is None:
            cell[5] = []
            self.inline_depth = self.depth

    def inline_child(self, name: str, depth: int) -> None:
        if name == T and depth == self.inline_depth + 1:
            self.chunks, self.target = [], "plain"
        elif name == R and depth == self.inline_depth + 1:
            self.run, self.in_run = None, True
        elif name == T and depth == self.inline_depth + 2 and self.in_run:
            self.chunks, self.target = [], "run"

    def end(self, name: str) -> None:
        depth = self.depth
        self.depth -= 1
        if self.chunks is not None:
            text, self.chunks = "".join(self.chunks), None
            cell, target = self.cell, self.target
            if target == "v":
                cell[1] = text
            elif target == "f":
                cell[3] = text
            elif target == "plain":
                cell[4] = text
            else:
                self.run = text
            return
        if depth == self.cell_depth:
            self.cell_depth = -1
            self.end_cell()
        elif depth == self.inline_depth:
            self.inline_depth = -1
        elif self.inline_depth > 0 and name == R and depth == self.inline_depth + 1:
            if self.run is not None:
                self.cell[5].append(self.run)
            self.in_run = False
        elif depth == self.row_depth:
            self.row_depth = -1
            self.end_row()

    # -- cells and rows -------------------------------------------------------

    def end_cell(self) -> None:
        attrs, v_text, f_attrs, f_text, plain, runs = self.cell
        reference = attrs.get("r")
        if reference:
            self.col_counter = column = column_of(reference)
        else:
            self.col_counter = column = self.col_counter + 1
        kind = attrs.get("t", "n")
        style = attrs.get("s")
        style = int(style) if style else (0 if style is None else -1)
        if f_attrs is not None:
            value = self.formula_value(kind, v_text, f_attrs, f_text, style)
        elif kind == "inlineStr":
            value = None if runs is None else "".join(([plain] if plain is not None else []) + runs)
        else:
            value = typed_value(kind, v_text, style, self.book) if v_text else None
        self.cells.append((column, value))

    def formula_value(self, kind: str, v_text, f_attrs: dict, f_text, style: int):
        """The saved result of a formula, or ``UnsavedFormula`` (its text as openpyxl gives it)."""
        if kind == "inlineStr":
            raise Unsupported("formula with an inline string")
        formula_type = f_attrs.get("t")
        if formula_type in ("array", "dataTable"):
            raise Unsupported("array or data table formula")  # openpyxl keeps an object, not the result
        formula = "=" + (f_text or "")
        if formula_type == "shared":
            index = f_attrs.get("si")
            if index in self.shared_masters:
                if not v_text:
                    raise Unsupported("shared formula without a saved result")  # openpyxl translates it
            elif formula != "=":
                self.shared_masters.add(index)
        if not v_text:
            return UnsavedFormula(formula)
        return typed_value(kind, v_text, style, self.book)

    def end_row(self) -> None:
        number = self.row_counter
        rows = self.rows
        while self.next_row < number:
            rows.append(None)
            self.next_row += 1
        if self.next_row <= number:
            cells = self.cells
            if cells:
                width = cells[-1][0]
                values = [None] * width
                for column, value in cells:
                    if column <= width:
                        values[column - 1] = value
                rows.append(values)
                self.filled += 1
                if self.progress is not None and self.filled % self.every == 0:
                    self.progress(self.title, self.filled)
            else:
                rows.append(None)
            self.next_row += 1
        self.cells = []
