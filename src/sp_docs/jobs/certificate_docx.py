"""荣誉证书 as Word files: the built-in design laid out from the view-model (the same positions as
the PDF's), or a user's certificate.docx filled through its docxtpl tags."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..render.certificate_template_docx import DocxBatch

def docx_writer(batch, template_dir: Path | None = None, *, design: str | None = None, offset=None):
    """The DOCX side: the built-in design from the view-model's positions (the same as the
    PDF's); a user's certificate.docx through its docxtpl tags."""
    from ..render import templates

    settings = batch.settings
    builtin = templates.find("docx", "certificate.docx", template_dir) == templates.find("docx", "certificate.docx")
    if not builtin:
        return DocxBatch(template_dir, seal=settings.seal, seal_size=settings.seal_size)
    return ModelDocx(batch, design=design, offset=offset)


class ModelDocx:
    """Certificates as Word pages laid out from the view-model (documents.certificate.sheet_view)."""

    def __init__(self, batch, *, design: str | None = None, offset=None):
        self.batch, self.design, self.offset = batch, design, offset

    def _render(self, certs) -> bytes:
        from ..documents.certificate import sheet_view
        from ..render.certificate_docx import render_certificates_docx

        view = sheet_view(self.batch.settings, certs, self.design, self.offset)
        return render_certificates_docx(view, self.batch.settings.seal)

    def combined(self, certs, advance: Callable[[int], None] = lambda n: None) -> bytes:
        data = self._render(certs)
        advance(len(certs))
        return data

    def one(self, cert) -> bytes:
        return self._render([cert])
