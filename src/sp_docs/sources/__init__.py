"""Sources: read, normalise and validate what users hand us.

``load_dataset`` is imported when first asked for, so that a light module of the package (telling
a file's kind, say) does not bring in every reader and the model."""
from __future__ import annotations

__all__ = ["load_dataset"]


def __getattr__(name: str):
    if name == "load_dataset":
        from .dataset import load_dataset

        return load_dataset
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
