"""docxtpl templates → DOCX bytes, rendered in the Jinja2 sandbox with autoescape.

A long-running process (the web service's workers) renders the same few templates
again and again.  What docxtpl redoes for every render — patching the document XML
into Jinja source, finding its undeclared variables, compiling it and the header,
footer and core-property templates in the sandbox — is kept per template file
(``_prepared``), keyed by the resolved path, the file's size, modification and
change times and inode, and the environment's settings: a file changed in any way
is read and compiled again, and each render still parses its own copy of the
package and runs under the sandbox's limits.  ``SP_DOCS_CACHE=off`` renders through
docxtpl's own code path, as before.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import jinja2
from jinja2 import meta, nodes
from docxtpl import DocxTemplate

from ..sources.safety import check_docx_template
from . import templates
from ..user_cache import FileMemo, enabled

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
    if enabled():
        prepared = _prepared(path, template_name)
        _check_fields(prepared.wanted, context, template_name)
        doc = _PreparedTemplate(prepared)
        env = prepared.env
    else:
        env = templates.environment([path.parent], label=path)
        with _described(path, template_name):
            wanted = DocxTemplate(str(path)).get_undeclared_template_variables(env)
        _check_fields(wanted, context, template_name)
        doc = DocxTemplate(str(path))  # the variable scan consumed the first instance's state
    with _described(path, template_name, rendering=True):
        doc.render(context, jinja_env=env, autoescape=True)
    if post_process is not None:
        post_process(doc.docx)
    finish_document(doc.docx, author=author, title=title)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _check_fields(wanted, context: dict, template_name: str) -> None:
    missing = sorted(name for name in wanted if name not in context)
    if missing:
        raise templates.TemplateError(f"模板 {template_name} 使用了数据中没有的字段：{'、'.join(missing)}")


class _described:
    """docxtpl's and lxml's refusals of a template as ``TemplateError`` in Chinese."""

    def __init__(self, path: Path, template_name: str, *, rendering: bool = False):
        self.path, self.name, self.rendering = path, template_name, rendering

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if exc is None:
            return False
        if isinstance(exc, XML_ERRORS):
            raise describe_xml_error(exc, self.path) from None
        errors = (jinja2.TemplateError, TypeError, ValueError, ArithmeticError) if self.rendering else jinja2.TemplateError
        if isinstance(exc, errors):
            raise templates.describe_render_error(exc, self.name) from None
        return False


# docxtpl.DocxTemplate.render_properties renders these core properties as templates
_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
# templates kept (the built-in ones are 7 files of ~7 KB), 32 MB of them at most
_CACHE = FileMemo(16, max_bytes=32 * 1024 * 1024, size=lambda prepared: len(prepared.data))


@dataclass
class _Prepared:
    """One template file, read and compiled: its bytes (each render parses its own
    package from them), the sandbox it was compiled in, the fields it asks for and
    the compiled body, header/footer (by relationship id) and property templates."""
    data: bytes
    env: jinja2.Environment
    wanted: frozenset
    body: jinja2.Template | None = None
    parts: dict = field(default_factory=dict)
    properties: dict = field(default_factory=dict)




def _prepared(path: Path, template_name: str) -> _Prepared:
    """The compiled template of ``path`` — from the cache when the file is unchanged."""
    # the environment's settings: its search path and label (templates.environment)
    return _CACHE.get(path, lambda: _compile(path.read_bytes(), path, template_name),
                      extra=(str(path.parent), str(path)))


def _compile(data: bytes, path: Path, template_name: str) -> _Prepared:
    """What ``DocxTemplate.get_undeclared_template_variables`` and ``render`` derive
    from the package before they render, done once."""
    env = templates.environment([path.parent], label=path)
    tpl = DocxTemplate(io.BytesIO(data))
    with _described(path, template_name):
        tpl.init_docx()
        body = _parsed(env, tpl.patch_xml(tpl.get_xml()))
        parts = {}
        for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
            for rel_key, part in tpl.get_headers_footers(uri):
                xml = tpl.get_part_xml(part)
                parts[rel_key] = (_parsed(env, tpl.patch_xml(xml)), tpl.get_headers_footers_encoding(xml))
        # docxtpl scans the body and then the headers and footers as one template: their statements in turn
        whole = nodes.Template([*body.body, *(node for tree, _ in parts.values() for node in tree.body)], lineno=1)
        whole.set_environment(env)
        prepared = _Prepared(data, env, frozenset(meta.find_undeclared_variables(whole)))
        prepared.body = env.from_string(body)
        prepared.parts = {k: (env.from_string(tree), enc) for k, (tree, enc) in parts.items()}
        props = tpl.docx.core_properties
        prepared.properties = {name: _property_template(env, getattr(props, name)) for name in _PROPERTIES}
    return prepared


def _property_template(env: jinja2.Environment, text: str):
    """A compiled template, or the text itself when it has no Jinja syntax and no line
    ends Jinja would normalise (it renders to itself)."""
    return env.from_string(text) if "{" in text or "\r" in text else text


def _parsed(env: jinja2.Environment, xml: str):
    """The patched XML of a part parsed once (for its fields and to compile), with a line
    per paragraph as docxtpl's ``render_xml_part`` compiles it (its errors name that line)."""
    return env.parse(re.sub(r"<w:p([ >])", r"\n<w:p\1", xml))


class _PreparedTemplate(DocxTemplate):
    """docxtpl's ``render`` with the prepared templates in place of patching and
    compiling the XML again; everything after (tables, ids, footnotes) is docxtpl's."""

    def __init__(self, prepared: _Prepared):
        super().__init__(io.BytesIO(prepared.data))
        self.prepared = prepared

    def build_xml(self, context, jinja_env=None):
        return self._run(self.prepared.body, self.docx._part, context)

    def build_headers_footers_xml(self, context, uri, jinja_env=None):
        for rel_key, part in self.get_headers_footers(uri):
            template, encoding = self.prepared.parts[rel_key]
            yield rel_key, self._run(template, part, context).encode(encoding)

    def render_properties(self, context, jinja_env=None) -> None:
        for name, template in self.prepared.properties.items():
            value = template if isinstance(template, str) else template.render(context)
            setattr(self.docx.core_properties, name, value)

    def _run(self, template: jinja2.Template, part, context) -> str:
        """``render_xml_part`` after its ``from_string``."""
        self.current_rendering_part = part
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", template.render(context))
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        return self.resolve_listing(xml)
