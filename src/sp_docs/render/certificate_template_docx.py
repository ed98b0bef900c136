"""荣誉证书 from a user's certificate.docx (docxtpl tags): the template's document.xml compiled
once, one Jinja2 render of it per person, zipped with the template's other parts.  The
built-in design is not rendered this way but from the view-model's positions
(render/certificate_docx.py).  Moved here from jobs/certificates.py."""
from __future__ import annotations

import io
from pathlib import Path
from typing import Callable

from ..errors import SpDocsError


class DocxBatch:
    """The certificate DOCX template compiled once; one render per person is a
    Jinja2 render of document.xml plus a zip of the template's parts."""

    def __init__(self, template_dir: Path | None = None, *, seal: Path | None = None, seal_size: float = 42.0):
        import jinja2
        from docxtpl import DocxTemplate

        from . import templates

        from .ooxml import split_document_body

        from .docx import XML_ERRORS, describe_xml_error
        from ..sources.safety import check_docx_template

        path = templates.find("docx", "certificate.docx", template_dir)
        check_docx_template(path)
        self.package = path.read_bytes()
        tpl = DocxTemplate(str(path))
        try:
            tpl.init_docx()
            source = tpl.patch_xml(tpl.get_xml())  # the <w:body> element with docxtpl's tag clean-up
        except XML_ERRORS as exc:
            raise describe_xml_error(exc, path) from None
        env = templates.environment([path.parent], label=path)
        templates.check_fields(source, dict.fromkeys(DOCX_FIELDS, ""), "certificate.docx", env)
        try:
            self.template = env.from_string(source)
        except jinja2.TemplateError as exc:
            raise templates.describe_render_error(exc, "certificate.docx") from None
        import zipfile

        with zipfile.ZipFile(io.BytesIO(self.package)) as package:
            document = package.read("word/document.xml").decode("utf-8")
        head, _, tail = split_document_body(document)
        self.head, self.tail = head, tail[tail.rindex("</w:body>"):]
        self.seal_xml, self.seal_geometry, self.drawings = "", None, 0
        if seal is not None:
            self._add_seal(path, Path(seal), seal_size)

    def _add_seal(self, path: Path, seal: Path, size_mm: float) -> None:
        """The seal as a picture part of the package and a floating picture, in front of the
        text, centred over the 颁发单位 paragraph that holds the template's {{r seal }} tag."""
        import re

        from docx import Document
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.image.image import Image
        from docx.shared import Mm, Pt

        from .ooxml import floating_picture_run

        document = Document(str(path))
        holder = next((p for p in document.paragraphs if re.search(r"\{\{r\s+seal\s*\}\}", p.text)), None)
        if holder is None:  # a user's template without the tag: the seal stays in the PDF only
            return
        section = document.sections[0]
        column = section.page_width - section.left_margin - section.right_margin
        fmt, style_fmt = holder.paragraph_format, holder.style.paragraph_format
        size = next((r.font.size for r in holder.runs if r.font.size and "seal" not in r.text), None)
        size = size or holder.style.font.size or Pt(20)
        self.seal_geometry = {
            "column": column, "size": size, "seal": Mm(size_mm),
            "left": fmt.left_indent or style_fmt.left_indent or 0,
            "right": fmt.right_indent or style_fmt.right_indent or 0,
            "align": {WD_ALIGN_PARAGRAPH.RIGHT: "right", WD_ALIGN_PARAGRAPH.CENTER: "center"}.get(
                holder.alignment if holder.alignment is not None else holder.style.paragraph_format.alignment,
                "left"),
        }
        try:
            image = Image.from_file(str(seal))
            seal_height = Mm(size_mm) * image.px_height // max(image.px_width, 1)
        except Exception:
            raise SpDocsError(f"印章图片无法读取（应为 PNG）：{seal}") from None
        line = int(size * 1.3)  # the 颁发单位 line: the seal's centre on the line's centre
        try:
            self.package, self.seal_xml = floating_picture_run(self.package, seal, size_mm,
                                                               offset_y_emu=(line - seal_height) // 2)
        except Exception:
            raise SpDocsError(f"印章图片无法放入 Word 文件（应为 PNG）：{seal}") from None

    def _seal_for(self, cert) -> str:
        """The seal run for one certificate: centred over its 颁发单位 text."""
        if not self.seal_xml:
            return ""
        from markupsafe import Markup

        from .ooxml import SEAL_ID_MARK, SEAL_X_MARK

        g = self.seal_geometry
        text = cert.field("issuer").text
        width = sum(g["size"] if ord(c) >= 0x2E80 else g["size"] // 2 for c in text)
        if g["align"] == "right":
            centre = g["column"] - g["right"] - width // 2
        elif g["align"] == "center":
            centre = g["left"] + (g["column"] - g["left"] - g["right"]) // 2
        else:
            centre = g["left"] + width // 2
        self.drawings += 1
        return Markup(self.seal_xml.replace(SEAL_X_MARK, str(int(centre - g["seal"] // 2)))
                      .replace(f'id="{SEAL_ID_MARK}"', f'id="{1000 + self.drawings}"'))

    def xml(self, cert) -> str:
        from . import templates
        import jinja2

        try:
            xml = self.template.render(**docx_context(cert), seal=self._seal_for(cert))
        except (jinja2.TemplateError, TypeError, ValueError, ArithmeticError) as exc:
            raise templates.describe_render_error(exc, "certificate.docx") from None
        return xml.replace(LINE_BREAK, '</w:t><w:br/><w:t xml:space="preserve">')

    def parts(self, cert) -> tuple[str, str]:
        """(body content, final sectPr) of one rendered certificate."""
        from .ooxml import split_document_body

        _, content, sect = split_document_body(self.xml(cert))
        return content, sect[:sect.rindex("</w:body>")]

    def one(self, cert) -> bytes:
        from .ooxml import docx_with_parts

        content, sect = self.parts(cert)
        return docx_with_parts(self.package, {"word/document.xml": (self.head + content + sect + self.tail)
                                              .encode("utf-8")})

    def combined(self, certs, advance: Callable[[int], None] = lambda n: None) -> bytes:
        from .ooxml import PAGE_BREAK_PARAGRAPH, docx_with_parts

        sect = ""
        bodies = []
        for cert in certs:
            content, sect = self.parts(cert)
            bodies.append(content)
            advance(1)
        xml = self.head + PAGE_BREAK_PARAGRAPH.join(bodies) + sect + self.tail
        return docx_with_parts(self.package, {"word/document.xml": xml.encode("utf-8")})


# The body keeps the PDF's line breaks (the view-model fits the 荣誉称号 on one line with its
# quotes); the marker becomes a <w:br/> in the rendered XML.
LINE_BREAK = "\u2028"
DOCX_FIELDS = ("greeting", "body", "closing", "issuer", "date", "number", "name", "unit", "title", "seal")


def docx_context(cert) -> dict:
    body = cert.field("body")
    # the body field holds the sentence and the closing, broken into lines.  At the template's
    # size (the view-model did not shrink the text) the PDF's lines fit the Word column too and
    # are kept, so the 荣誉称号 stays on one line with its quotes; shrunk text is re-wrapped.
    paragraphs = _paragraphs(body.lines, LINE_BREAK if body.size >= body.box.size else "")
    return {"greeting": cert.field("greeting").text, "body": paragraphs[0] if paragraphs else "",
            "closing": "".join(paragraphs[1:]), "issuer": cert.field("issuer").text,
            "date": cert.field("date").text, "number": cert.field("number").text,
            "name": cert.name, "unit": cert.unit, "title": cert.title}


def _paragraphs(lines: list[str], joiner: str = "") -> list[str]:
    paragraphs: list[str] = []
    for line in lines:
        if line.startswith("\u3000\u3000") or not paragraphs:
            paragraphs.append(line)
        else:
            paragraphs[-1] += joiner + line
    return paragraphs
