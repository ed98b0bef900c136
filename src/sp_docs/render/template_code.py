"""Compiled Jinja2 code of the clause library kept in the per-user cache (``user_cache``).

Compiling the library's hundred-odd clause templates costs about a tenth of a second in every
new process; the compiled code objects are kept in one file (marshal, named by the Jinja2 and
Python versions, each entry by the SHA-256 of its source) and read back next time.  Compiling is
deterministic, so a template built from cached code is the one ``from_string`` would build; the
sandbox's checks run when the template renders, as before.  A file that cannot be read is
ignored and rewritten."""
from __future__ import annotations

import hashlib
import marshal
import sys

from .. import user_cache


class CodeCache:
    def __init__(self, env, name: str):
        import jinja2

        self.env = env
        folder = user_cache.folder()
        version = f"{jinja2.__version__}-{sys.implementation.cache_tag}"
        self.path = folder / f"{name}-{version}.marshal" if folder else None
        self.codes: dict[str, object] = self._load()
        self.added = False

    def _load(self) -> dict:
        if self.path is None:
            return {}
        try:
            found = marshal.loads(self.path.read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            return {}
        return found if isinstance(found, dict) else {}

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
