"""Command modules.  Each module defines ``register(main)`` that adds its click
commands to the ``sp-docs`` group; ``cli.py`` calls every one of them."""
from __future__ import annotations

import importlib
import pkgutil


def register_all(main) -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "register"):
            module.register(main)
