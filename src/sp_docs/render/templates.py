"""Locating templates (built-in or the user's own folder) and the one Jinja2
environment every renderer uses: sandboxed, autoescaped, strict."""
from __future__ import annotations

from pathlib import Path

import jinja2
from jinja2 import meta
from jinja2.sandbox import SandboxedEnvironment

from ..errors import TemplateError

_PACKAGE_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
_CHECKOUT_TEMPLATES = Path(__file__).resolve().parents[3] / "templates"


def builtin_dir() -> Path:
    """``sp_docs/templates`` in an installed wheel, ``templates/`` in a checkout."""
    if _PACKAGE_TEMPLATES.is_dir():
        return _PACKAGE_TEMPLATES
    return _CHECKOUT_TEMPLATES


def find(kind: str, name: str, user_dir: Path | str | None = None) -> Path:
    """The template ``kind/name`` (kind: docx, xlsx, html), the user's copy first."""
    searched = []
    if user_dir:
        user_dir = Path(user_dir)
        for candidate in (user_dir / kind / name, user_dir / name):
            searched.append(candidate)
            if candidate.is_file():
                return candidate
    candidate = builtin_dir() / kind / name
    searched.append(candidate)
    if candidate.is_file():
        return candidate
    raise TemplateError(f"找不到模板 {kind}/{name}（查找了：{'、'.join(map(str, searched))}）")


def _format_number(value, digits: int = 0) -> str:
    if value is None or value == "":
        return ""
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def environment(search_path: list[Path] | None = None, *, autoescape: bool = True) -> SandboxedEnvironment:
    """A sandbox: user templates and user data can never reach Python internals."""
    env = SandboxedEnvironment(
        loader=jinja2.FileSystemLoader([str(p) for p in (search_path or [])]),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["number"] = _format_number
    return env


def check_fields(source: str, context: dict, template_name: str, env: jinja2.Environment | None = None) -> None:
    """Name every top-level field the template asks for that the view-model lacks."""
    env = env or environment()
    try:
        parsed = env.parse(source)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"模板 {template_name} 第{exc.lineno}行语法错误：{exc.message}") from None
    wanted = meta.find_undeclared_variables(parsed)
    missing = sorted(name for name in wanted if name not in context and name not in env.globals)
    if missing:
        raise TemplateError(f"模板 {template_name} 使用了数据中没有的字段：{'、'.join(missing)}")


def describe_render_error(exc: Exception, template_name: str) -> TemplateError:
    if isinstance(exc, jinja2.exceptions.SecurityError):
        return TemplateError(f"模板 {template_name} 试图访问不允许的内部属性，已拒绝：{exc}")
    if isinstance(exc, jinja2.UndefinedError):
        return TemplateError(f"模板 {template_name} 使用了数据中没有的字段：{exc.message}")
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return TemplateError(f"模板 {template_name} 第{exc.lineno}行语法错误：{exc.message}")
    return TemplateError(f"模板 {template_name} 渲染失败：{exc}")
