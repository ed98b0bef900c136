"""Compiled Jinja2 code of the clause library kept in the per-user cache (``user_cache``).

Compiling the library's hundred-odd clause templates costs about a tenth of a second in every
new process; the compiled code objects are kept in one file (marshal) and read back next time.
The file is named by everything the code depends on besides the source — the Python bytecode
version, Jinja2's and sp-docs' versions, the environment's compile settings (which operators the
sandbox intercepts, constant folding, block options, extensions) — and each entry by the SHA-256
of its source; so a template built from cached code is the one ``from_string`` would build, and
the sandbox's checks run when it renders, as before.  Like Python's own ``__pycache__``, the file
is code: it is read only when it belongs to the user and no one else may write it; anything
else in it, or a file that cannot be read, is ignored and rewritten."""
from __future__ import annotations

import hashlib
import importlib.util
import marshal
import os
import types

from .. import user_cache


def _settings(env) -> str:
    """A digest of what the compiled code depends on besides the source."""
    import jinja2

    from .. import __version__

    parts = (importlib.util.MAGIC_NUMBER.hex(), jinja2.__version__, __version__, type(env).__qualname__,
             sorted(getattr(env, "intercepted_binops", ())), sorted(getattr(env, "intercepted_unops", ())),
             env.optimized, env.trim_blocks, env.lstrip_blocks, env.keep_trailing_newline, env.autoescape,
             sorted(env.extensions))
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def _trusted(path) -> bool:
    """The file is the user's own and only the user may write it (POSIX; elsewhere: the folder's
    own protection)."""
    try:
        stat = path.stat()
    except OSError:
        return False
    if not hasattr(os, "getuid"):
        return True
    return stat.st_uid == os.getuid() and not stat.st_mode & 0o022


class CodeCache:
    def __init__(self, env, name: str):
        self.env = env
        folder = user_cache.folder()
        self.path = folder / f"{name}-{_settings(env)}.marshal" if folder else None
        self.codes: dict[str, types.CodeType] = self._load()
        self.added = False

    def _load(self) -> dict:
        if self.path is None or not _trusted(self.path):
            return {}
        try:
            found = marshal.loads(self.path.read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            return {}
        if not isinstance(found, dict):
            return {}
        return {k: v for k, v in found.items() if isinstance(k, str) and isinstance(v, types.CodeType)}

    def template(self, source: str):
        """``env.from_string(source)``, from cached code when there is some."""
        key = hashlib.sha256(source.encode("utf-8")).hexdigest()
        code = self.codes.get(key)
        if code is None:
            code = self.codes[key] = self.env.compile(source)
            self.added = True
        return self.env.template_class.from_code(self.env, code, self.env.make_globals(None), None)

    def save(self) -> None:
        """Keep what was compiled in this process for the next one."""
        if self.added and self.path is not None:
            user_cache.write_atomically(self.path, marshal.dumps(self.codes))
            self.added = False
