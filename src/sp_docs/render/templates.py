"""Locating templates (built-in or the user's own folder) and the one Jinja2
environment every renderer uses: sandboxed, autoescaped, strict."""
from __future__ import annotations

import re
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
    """The template ``kind/name`` (kind: docx, xlsx, html), the user's copy first.
    A user's file must lie inside the user's folder once links are resolved."""
    searched = []
    if user_dir:
        user_dir = Path(user_dir)
        for candidate in (user_dir / kind / name, user_dir / name):
            searched.append(candidate)
            if candidate.is_file():
                inside(candidate, user_dir, f"{kind}/{name}")
                return candidate
    candidate = builtin_dir() / kind / name
    searched.append(candidate)
    if candidate.is_file():
        return candidate
    raise TemplateError(f"找不到模板 {kind}/{name}（查找了：{'、'.join(map(str, searched))}）")


def inside(path: Path, root: Path, name: str) -> Path:
    """``path`` resolved (links followed); refused unless it lies inside ``root``."""
    resolved, boundary = Path(path).resolve(), Path(root).resolve()
    if not resolved.is_relative_to(boundary):
        raise TemplateError(f"模板文件“{name}”（{path}）是指向模板文件夹之外的链接，已拒绝读取")
    return resolved


_DRIVE = re.compile(r"^[A-Za-z]:")


class ContainedLoader(jinja2.BaseLoader):
    """``{% include/import/extends %}`` of files inside the given folders only:
    no absolute names, no ``..``, no link that leads outside (checked after resolving)."""

    def __init__(self, roots: list[Path]):
        self.roots = [Path(r) for r in roots]

    def get_source(self, environment, template):
        name = template.replace("\\", "/")
        parts = [p for p in name.split("/") if p not in ("", ".")]
        if name.startswith("/") or _DRIVE.match(name) or ".." in parts or not parts:
            raise TemplateError(f"模板引用的文件“{template}”不在模板文件夹内（不能用绝对路径或 ..），已拒绝读取")
        for root in self.roots:
            candidate = root.joinpath(*parts)
            if not (candidate.is_file() or candidate.is_symlink()):
                continue
            resolved = inside(candidate, root, template)
            if not resolved.is_file():
                continue
            source = resolved.read_text(encoding="utf-8")
            mtime = resolved.stat().st_mtime
            return source, str(resolved), lambda: resolved.is_file() and resolved.stat().st_mtime == mtime
        raise jinja2.TemplateNotFound(template)

    def list_templates(self):
        return []


def _format_number(value, digits: int = 0) -> str:
    if value is None or value == "":
        return ""
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def environment(search_path: list[Path] | None = None, *, autoescape: bool = True,
                label: str | Path | None = None) -> SandboxedEnvironment:
    """A sandbox: user templates and user data can never reach Python internals,
    files outside ``search_path`` or more than the render limits (render.sandbox)."""
    from .sandbox import LimitedEnvironment

    env = LimitedEnvironment(
        loader=ContainedLoader(list(search_path or [])),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.sp_label = str(label) if label else None
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
    if isinstance(exc, jinja2.TemplateNotFound):
        return TemplateError(f"模板 {template_name} 引用的文件“{exc.name}”在模板文件夹中找不到")
    if isinstance(exc, OverflowError):
        return TemplateError(f"模板 {template_name} 中的数值过大，无法计算")
    return TemplateError(f"模板 {template_name} 渲染失败：{exc}")
