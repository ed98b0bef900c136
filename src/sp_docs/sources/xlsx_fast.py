"""A direct reader of the cell values of an .xlsx workbook (zipfile + expat),
giving exactly what the openpyxl path of ``xlsx_cells`` gives, ~5 times faster
and without importing openpyxl.

Only values are read: shared and inline strings (rich text joined, phonetic
runs left out), numbers, booleans, errors, ISO dates, numbers shown as dates
(the number formats of ``xl/styles.xml``, both date systems) and the saved
results of formulas (``UnsavedFormula`` when there is none).  Whatever it does
not read the way openpyxl does (array formulas, a shared formula without a
saved result, odd cell references, other namespaces, a DTD …) raises
``Unsupported`` and ``xlsx_cells`` reads the workbook with openpyxl instead.
The package's safety checks (``safety.check_xlsx``: zip limits, DTDs, row and
cell counts) have already run when this reader opens it.
"""
from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path
from typing import Callable, Collection

from .xlsx_fast_sheet import SheetReader
from .xlsx_fast_values import MAC_EPOCH, MAIN, SEP, WINDOWS_EPOCH, Unsupported, make_parser, style_kinds

REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
WORKBOOK_TYPES = ("application/vnd.ms-excel.template.macroEnabled.main+xml",
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
                  "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")
SHARED_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
T, R, SI, SST = (f"{MAIN}{SEP}{tag}" for tag in ("t", "r", "si", "sst"))


def _elements(data: bytes) -> list[tuple[str, dict, int]]:
    """(name, attributes, depth) of every element of a small part."""
    found: list[tuple[str, dict, int]] = []
    depth = [0]

    def start(name, attrs):
        depth[0] += 1
        found.append((name, attrs, depth[0]))

    def end(_name):
        depth[0] -= 1

    make_parser(start, end).Parse(data, True)
    return found


class Book:
    """The parts of the package every sheet needs: sheets, shared strings, date styles, epoch."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        self.names = set(archive.namelist())
        overrides = self._content_types()
        workbook_part = self._workbook_part(overrides)
        self.epoch, sheets = self._workbook(workbook_part)
        self.sheets = self._sheet_parts(workbook_part, sheets)
        strings_part = next((name for name, kind in overrides if kind == SHARED_STRINGS), None)
        self.strings = read_shared_strings(archive.read(strings_part[1:])) if strings_part else []
        self.date_styles, self.duration_styles = self._styles()

    def _content_types(self) -> list[tuple[str, str]]:
        elements = _elements(self.archive.read("[Content_Types].xml"))
        if not elements or elements[0][0] != f"{CONTENT_TYPES}{SEP}Types":
            raise Unsupported("content types")
        self.defaults = {a.get("ContentType") for n, a, _ in elements if n == f"{CONTENT_TYPES}{SEP}Default"}
        return [(a.get("PartName", ""), a.get("ContentType")) for n, a, _ in elements
                if n == f"{CONTENT_TYPES}{SEP}Override"]

    def _workbook_part(self, overrides: list[tuple[str, str]]) -> str:
        for kind in WORKBOOK_TYPES:
            for name, found in overrides:
                if found == kind:
                    return name[1:]
        if self.defaults & set(WORKBOOK_TYPES):
            return "xl/workbook.xml"
        raise Unsupported("no workbook part")

    def _workbook(self, part: str) -> tuple:
        elements = _elements(self.archive.read(part))
        if not elements or elements[0][0] != f"{MAIN}{SEP}workbook":
            raise Unsupported("workbook namespace")
        epoch = WINDOWS_EPOCH
        sheets = []
        for name, attrs, depth in elements:
            if name == f"{MAIN}{SEP}workbookPr" and depth == 2:
                flag = attrs.get("date1904")
                if flag is not None and flag not in ("false", "f", "0") and bool(flag):
                    epoch = MAC_EPOCH
            elif name == f"{MAIN}{SEP}sheet" and depth == 3:
                if "id" in attrs:
                    raise Unsupported("sheet id without namespace")
                if attrs.get(f"{REL}{SEP}id"):
                    sheets.append((attrs.get("name"), attrs[f"{REL}{SEP}id"]))
        return epoch, sheets

    def _sheet_parts(self, workbook_part: str, sheets: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """(title, part) of each worksheet, in the workbook's order (chartsheets left out)."""
        folder, leaf = posixpath.split(workbook_part)
        rels_path = posixpath.join(folder, "_rels", f"{leaf}.rels")
        parent = posixpath.split(posixpath.dirname(rels_path))[0]
        rels = {}
        for name, attrs, _ in _elements(self.archive.read(rels_path)):
            if name != f"{PKG_REL}{SEP}Relationship":
                continue
            target = attrs.get("Target", "")
            if attrs.get("TargetMode") != "External":
                target = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(parent, target))
            rels[attrs.get("Id")] = (target, attrs.get("Type", ""))
        parts = []
        for title, rel_id in sheets:
            target, kind = rels[rel_id]
            if target in self.names and "chartsheet" not in kind:
                parts.append((title, target))
        return parts

    def _styles(self) -> tuple[set[int], set[int]]:
        if "xl/styles.xml" not in self.names:
            return set(), set()
        elements = _elements(self.archive.read("xl/styles.xml"))
        if not elements or elements[0][0] != f"{MAIN}{SEP}styleSheet":
            raise Unsupported("styles namespace")
        custom: dict[int, str] = {}
        ids: list[int] = []
        in_xfs = False
        for name, attrs, depth in elements:
            if depth == 2:
                in_xfs = name == f"{MAIN}{SEP}cellXfs"
            elif depth == 3 and name == f"{MAIN}{SEP}numFmt":
                custom[int(attrs["numFmtId"])] = attrs["formatCode"]
            elif depth == 3 and in_xfs and name == f"{MAIN}{SEP}xf":
                ids.append(int(attrs.get("numFmtId", 0)))
        return style_kinds(ids, custom)


def read_shared_strings(data: bytes) -> list[str]:
    """The shared strings: each ``<si>``'s own ``<t>`` and its rich-text runs' ``<t>``
    joined (phonetic runs left out), ``x005F_`` removed, as openpyxl does."""
    strings: list[str] = []
    stack: list[str] = []
    state = {"plain": None, "runs": [], "run": None, "chunks": None}

    def start(name, attrs):
        if state["chunks"] is not None:
            raise Unsupported("element inside text")
        stack.append(name)
        if len(stack) == 1 and name != SST:
            raise Unsupported("shared strings namespace")
        if name == T and len(stack) >= 2 and stack[-2] in (SI, R):
            if stack[-2] == SI or (len(stack) >= 3 and stack[-3] == SI):
                state["chunks"] = []
        elif name == SI:
            state["plain"], state["runs"] = None, []
        elif name == R and stack[-2] == SI:
            state["run"] = None

    def text(data):
        if state["chunks"] is not None:
            state["chunks"].append(data)

    def end(name):
        stack.pop()
        if state["chunks"] is not None:
            value, state["chunks"] = "".join(state["chunks"]), None
            if stack[-1] == SI:
                state["plain"] = value
            else:
                state["run"] = value
        elif name == R and stack and stack[-1] == SI:
            state["runs"].append(state["run"])
        elif name == SI:
            parts = ([state["plain"]] if state["plain"] is not None else []) + [r for r in state["runs"] if r is not None]
            strings.append("".join(parts).replace("x005F_", ""))

    parser = make_parser(start, end, text)
    parser.Parse(data, True)
    if stack:
        raise Unsupported("unfinished")
    return strings


def read_values(path: Path, prefer: Collection[str] = (), progress: Callable | None = None,
                every: int = 20_000) -> dict[str, list[tuple]]:
    """Each worksheet's rows of cell values, as ``xlsx_cells.read_sheet_values`` gives
    them; raises ``Unsupported`` (or any error) where openpyxl should read instead.
    ``progress(title, rows)`` is called every ``every`` rows with cells."""
    with zipfile.ZipFile(path) as archive:
        book = Book(archive)
        chosen = [(t, p) for t, p in book.sheets if t.strip() in prefer] or book.sheets
        sheets = {}
        for title, part in chosen:
            with archive.open(part) as handle:
                sheets[title] = SheetReader(book, title, progress, every).read(handle)
    return sheets

