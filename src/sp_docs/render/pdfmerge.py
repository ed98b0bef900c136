"""Concatenate PDFs page by page while streaming: each part's objects are
renumbered and written out at once, so merging 10,000 pages keeps only the
page numbers and object offsets in memory (pypdf's PdfWriter keeps every page
object until the end)."""
from __future__ import annotations

import io
from typing import BinaryIO

from pypdf import PdfReader
from pypdf.generic import (ArrayObject, DictionaryObject, IndirectObject, NameObject, NumberObject,
                           StreamObject, TextStringObject)



class Renumbering:
    """Copies objects of one PDF into another: every indirect reference reached
    gets a new object number from ``allocate`` and is queued for copying."""

    def __init__(self, allocate):
        self.allocate = allocate
        self.mapping: dict[int, int] = {}
        self.queue: list[int] = []

    def ref(self, ref: IndirectObject) -> IndirectObject:
        number = self.mapping.get(ref.idnum)
        if number is None:
            number = self.mapping[ref.idnum] = self.allocate()
            self.queue.append(ref.idnum)
        return IndirectObject(number, 0, None)  # type: ignore[arg-type]

    def remap(self, obj):
        """``obj`` with its references renumbered, in place (containers are walked)."""
        if isinstance(obj, IndirectObject):
            return self.ref(obj)
        if isinstance(obj, (DictionaryObject, StreamObject)):
            for key in list(obj.keys()):
                dict.__setitem__(obj, key, self.remap(dict.__getitem__(obj, key)))
            return obj
        if isinstance(obj, ArrayObject):
            for i, value in enumerate(obj):
                list.__setitem__(obj, i, self.remap(value))
            return obj
        return obj

class StreamingPdfMerger:
    """``append(pdf_bytes)`` any number of times, then ``finish()``.  Only the
    pages (and what they reference) are kept; outlines and named destinations
    of the parts are not."""

    CATALOG, PAGES, INFO = 1, 2, 3

    def __init__(self, out: BinaryIO | None = None):
        self.out = out if out is not None else io.BytesIO()
        self.offsets: dict[int, int] = {}
        self.pages: list[int] = []
        self.next_id = 4
        self.out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def _allocate(self) -> int:
        number = self.next_id
        self.next_id += 1
        return number

    def _write(self, number: int, obj) -> None:
        self.offsets[number] = self.out.tell()
        self.out.write(f"{number} 0 obj\n".encode())
        obj.write_to_stream(self.out)
        self.out.write(b"\nendobj\n")

    def append(self, data: bytes) -> int:
        """Add every page of the PDF ``data``; returns the number of pages added."""
        reader = PdfReader(io.BytesIO(data))
        renumber = Renumbering(self._allocate)
        mapping, queue, new_ref, remap = renumber.mapping, renumber.queue, renumber.ref, renumber.remap

        page_ids = []
        for page in reader.pages:
            ref = page.indirect_reference
            page_ids.append(new_ref(ref).idnum)
        parents = set(page_ids)
        while queue:
            old = queue.pop()
            obj = reader.get_object(old)
            number = mapping[old]
            if number in parents and isinstance(obj, DictionaryObject):
                dict.pop(obj, "/Parent", None)  # the part's own page tree is not copied
                obj = remap(obj)
                dict.__setitem__(obj, NameObject("/Parent"), IndirectObject(self.PAGES, 0, None))
            else:
                obj = remap(obj)
            self._write(number, obj)
        self.pages += page_ids
        return len(page_ids)

    def finish(self, title: str = "", creator: str = "sp-docs") -> BinaryIO:
        pages = DictionaryObject({
            NameObject("/Type"): NameObject("/Pages"),
            NameObject("/Kids"): ArrayObject(IndirectObject(n, 0, None) for n in self.pages),
            NameObject("/Count"): NumberObject(len(self.pages)),
        })
        self._write(self.PAGES, pages)
        self._write(self.CATALOG, DictionaryObject({
            NameObject("/Type"): NameObject("/Catalog"),
            NameObject("/Pages"): IndirectObject(self.PAGES, 0, None)}))
        info = DictionaryObject({NameObject("/Producer"): TextStringObject("sp-docs")})
        if title:
            info[NameObject("/Title")] = TextStringObject(title)
        if creator:
            info[NameObject("/Creator")] = TextStringObject(creator)
        self._write(self.INFO, info)
        xref = self.out.tell()
        size = self.next_id
        lines = [f"xref\n0 {size}\n".encode(), b"0000000000 65535 f \n"]
        for number in range(1, size):
            offset = self.offsets.get(number)
            lines.append(f"{offset:010d} 00000 n \n".encode() if offset is not None else b"0000000000 65535 f \n")
        self.out.write(b"".join(lines))
        self.out.write(f"trailer\n<< /Size {size} /Root {self.CATALOG} 0 R /Info {self.INFO} 0 R >>\n"
                       f"startxref\n{xref}\n%%EOF\n".encode())
        return self.out
