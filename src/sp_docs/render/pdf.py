"""HTML + CSS (Jinja2) → PDF through WeasyPrint, with fonts resolved per role
and a URL fetcher that reads nothing but our assets and files the user named."""
from __future__ import annotations

import atexit
import logging
import os
from pathlib import Path
from urllib.parse import unquote, urlparse

import jinja2

from . import fonts, templates
from .fonts import weasy

logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)


def load_weasyprint():
    """Import WeasyPrint (once per process).  Its library loader tries several
    names per library and cffi asks ``ctypes.util.find_library`` about each name
    that fails, which runs ldconfig, gcc and ld (55 processes, 0.6–0.9 s of a cold
    start measured on 2 busy cores); the names it ends with (``libpango-1.0.so.0``
    …) load without that search, so the search is switched off for the import —
    and used after all when the import fails without it."""
    import sys

    if "weasyprint.pdf" in sys.modules:
        weasy.apply()
        return sys.modules["weasyprint"]
    import ctypes.util

    weasy.defer_font_tools()
    original = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        import weasyprint
        import weasyprint.pdf  # noqa: F401
    except OSError:
        ctypes.util.find_library = original
        for name in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
            del sys.modules[name]
        import weasyprint
        import weasyprint.pdf  # noqa: F401
    finally:
        ctypes.util.find_library = original
    weasy.apply()
    return weasyprint


class RefusedURL(Exception):
    pass


def _allowed(url: str, allowed_files: set[str], allowed_dirs: list[Path]) -> bool:
    parsed = urlparse(url)
    if parsed.scheme == "data":
        return True
    if parsed.scheme == "file":
        path = Path(unquote(parsed.path)).resolve()
        return str(path) in allowed_files or any(path.is_relative_to(d) for d in allowed_dirs)
    return False


def _check_asset(url: str, refused: list) -> None:
    """An image asset over the pixel limit is refused before WeasyPrint decodes it
    (and remembered, so the render fails with our message instead of dropping it)."""
    from .. import limits

    parsed = urlparse(url)
    if parsed.scheme != "file":
        return
    path = Path(unquote(parsed.path))
    try:
        if limits.image_size(path) is not None:
            limits.check_image(path, path)
    except limits.LimitExceeded as exc:
        refused.append(exc)
        raise RefusedURL(str(exc)) from None
    except OSError:
        return


def make_url_fetcher(allowed_files: set[str], allowed_dirs: list[Path], refused: list | None = None):
    """Only ``data:`` URLs, our own assets and files the user named; never the network.
    Images over the pixel limit are refused and added to ``refused``."""
    allowed_dirs = [d.resolve() for d in allowed_dirs]
    load_weasyprint()
    refused = [] if refused is None else refused
    try:  # WeasyPrint >= 68: a URLFetcher subclass
        from weasyprint.urls import URLFetcher
    except ImportError:  # older WeasyPrint: a plain function
        from weasyprint.urls import default_url_fetcher

        def fetch(url: str, *args, **kwargs):
            if not _allowed(url, allowed_files, allowed_dirs):
                raise RefusedURL(f"拒绝读取：{url}")
            _check_asset(url, refused)
            return default_url_fetcher(url, *args, **kwargs)

        return fetch

    class LocalOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if not _allowed(url, allowed_files, allowed_dirs):
                raise RefusedURL(f"拒绝读取：{url}")
            _check_asset(url, refused)
            return super().fetch(url, headers)

    return LocalOnlyFetcher()


_COMPILED: dict[tuple, jinja2.Template] = {}
_COMPILED_KEEP = 16


def _compiled(path: Path, template_name: str, context: dict) -> jinja2.Template:
    """The template at ``path``, compiled and its fields checked against ``context``'s
    names — kept for the next render of the same, unchanged file with the same names
    (compiling the plan's template costs 40–70 ms); a template that tripped a limit
    is compiled again (a new one has not tripped)."""
    search = (path.parent, templates.builtin_dir() / "html")
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns, stat.st_ino, search, frozenset(context))
    template = _COMPILED.get(key)
    if template is not None and getattr(template, "_sp_tripped", None) is None:
        return template
    env = templates.environment(list(search), label=path)
    source = path.read_text(encoding="utf-8")
    templates.check_fields(source, context, template_name, env)
    try:
        template = env.from_string(source)
    except (jinja2.TemplateError, TypeError, ValueError, ArithmeticError) as exc:
        raise templates.describe_render_error(exc, str(path)) from None
    if len(_COMPILED) >= _COMPILED_KEEP:
        _COMPILED.clear()
    _COMPILED[key] = template
    return template


def render_html(template_name: str, context: dict, *, user_dir: Path | None = None) -> tuple[str, Path]:
    path = templates.find("html", template_name, user_dir)
    template = _compiled(path, template_name, context)
    try:
        return template.render(**context), path.parent
    except (jinja2.TemplateError, TypeError, ValueError, ArithmeticError) as exc:
        raise templates.describe_render_error(exc, str(path)) from None


_FONT_SETUP: dict[tuple[int, str], tuple] = {}
atexit.register(_FONT_SETUP.clear)  # free it while WeasyPrint can still clean up (no noise at exit)


def _font_setup():
    """One FontConfiguration and @font-face stylesheet per process (and font
    set): a new FontConfiguration per document leaks ~40 MB each time
    (measured with WeasyPrint 70), which made every batch grow."""
    load_weasyprint()
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    css = fonts.font_face_css()
    key = (os.getpid(), css)
    setup = _FONT_SETUP.get(key)
    if setup is None:
        font_config = FontConfiguration()
        fetcher = make_url_fetcher(fonts.font_files(), [])  # the font files only
        setup = (font_config, CSS(string=css, font_config=font_config, url_fetcher=fetcher))
        for (pid, _), (inherited, _) in _FONT_SETUP.items():
            if pid != key[0]:  # a forked child must not delete its parent's @font-face files (__del__ → rmtree)
                inherited._folder = None
        _FONT_SETUP.clear()
        _FONT_SETUP[key] = setup
    return setup


def html_to_document(html: str, base_dir: Path, *, allowed_files: set[str] | frozenset = frozenset(),
                     extra_dirs: tuple[Path, ...] = ()):
    """The laid-out WeasyPrint document (its pages can be written together or one by one)."""
    load_weasyprint()
    from weasyprint import HTML

    font_config, stylesheet = _font_setup()
    refused: list = []
    fetcher = make_url_fetcher(set(allowed_files) | fonts.font_files(),
                               [base_dir, templates.builtin_dir() / "html", *extra_dirs], refused)
    document = HTML(string=fonts.ink_fallback_html(html), base_url=str(base_dir) + "/", url_fetcher=fetcher)
    rendered = document.render(stylesheets=[stylesheet], font_config=font_config)
    if refused:
        raise refused[0]
    return rendered


def html_to_pdf(html: str, base_dir: Path, *, allowed_files: set[str] | frozenset = frozenset(),
                extra_dirs: tuple[Path, ...] = ()) -> bytes:
    return html_to_document(html, base_dir, allowed_files=allowed_files, extra_dirs=extra_dirs).write_pdf()


def render_pdf(template_name: str, context: dict, *, user_dir: Path | None = None,
               allowed_files: set[str] | frozenset = frozenset()) -> bytes:
    """Render ``html/<template_name>`` with ``context`` and return PDF bytes."""
    html, base_dir = render_html(template_name, context, user_dir=user_dir)
    return html_to_pdf(html, base_dir, allowed_files=allowed_files)
