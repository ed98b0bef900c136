"""docxtpl templates → DOCX bytes, rendered in the Jinja2 sandbox with autoescape."""
from __future__ import annotations

import io
from datetime import datetime, timezone
from pathlib import Path

import jinja2
from docxtpl import DocxTemplate

from ..sources.safety import check_docx_template
from . import templates

try:
    from lxml.etree import XMLSyntaxError as _LxmlError
except ImportError:  # pragma: no cover - docxtpl needs lxml
    _LxmlError = SyntaxError
XML_ERRORS = (_LxmlError,)


def describe_xml_error(exc: Exception, path: Path) -> templates.TemplateError:
    """lxml's (English) refusal of a template's XML, in Chinese, naming the file."""
    text = str(exc).lower()
    if "amplification" in text or "entity" in text or "huge" in text:
        return templates.TemplateError(f"DOCX 模板 {path} 中的 XML 含有实体膨胀或超大内容，为安全起见已拒绝处理")
    return templates.TemplateError(f"DOCX 模板 {path} 中的 XML 已损坏，请在 Word/WPS 中打开后另存为 .docx")


def finish_document(document, *, author: str = "", title: str = "") -> None:
    """What every DOCX gets before it is saved: core properties from the data (author =
    the issuing unit, title = the document's title, created = now) and full-width quotes."""
    from .ooxml import east_asian_hints

    now = datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None)
    props = document.core_properties
    props.author = author or "sp-docs"
    props.last_modified_by = author or "sp-docs"
    props.title = title
    props.created = now
    props.modified = now
    props.revision = 1
    props.language = "zh-CN"
    props.comments = ""
    east_asian_hints(document.element.body)


def render_docx(template_name: str, context: dict, *, user_dir: Path | None = None,
                post_process=None, author: str = "", title: str = "") -> bytes:
    """Render ``docx/<template_name>``; ``post_process(document)`` may adjust the
    python-docx Document (e.g. OOXML helpers from ``render.ooxml``) before saving."""
    path = templates.find("docx", template_name, user_dir)
    check_docx_template(path)
    env = templates.environment([path.parent], label=path)
    doc = DocxTemplate(str(path))
    try:
        wanted = doc.get_undeclared_template_variables(env)
    except jinja2.TemplateError as exc:
        raise templates.describe_render_error(exc, template_name) from None
    except XML_ERRORS as exc:
        raise describe_xml_error(exc, path) from None
    missing = sorted(name for name in wanted if name not in context)
    if missing:
        raise templates.TemplateError(f"模板 {template_name} 使用了数据中没有的字段：{'、'.join(missing)}")
    doc = DocxTemplate(str(path))  # the variable scan consumed the first instance's state
    try:
        doc.render(context, jinja_env=env, autoescape=True)
    except XML_ERRORS as exc:
        raise describe_xml_error(exc, path) from None
    except (jinja2.TemplateError, TypeError, ValueError, ArithmeticError) as exc:
        raise templates.describe_render_error(exc, template_name) from None
    if post_process is not None:
        post_process(doc.docx)
    finish_document(doc.docx, author=author, title=title)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
