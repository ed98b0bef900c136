"""The file store: every file kept under a generated name (never a user's file
name), in two-letter sub-folders of DIR/files."""
from __future__ import annotations

import re
import secrets
import shutil
from pathlib import Path

from ..output import write_bytes

_STORED = re.compile(r"^[0-9a-f]{32}\.(xlsx|docx|pdf|zip|png|yaml)$")


class FileStore:
    def __init__(self, root: Path):
        from ..jobs.dataset_cache import trust_folder

        self.root = Path(root)
        trust_folder(self.root)  # only the service writes here: datasets may be kept beside the files

    def path(self, stored_name: str) -> Path:
        if not _STORED.match(stored_name):
            raise ValueError("not a stored file name")
        return self.root / stored_name[:2] / stored_name

    @staticmethod
    def new_name(suffix: str) -> str:
        suffix = suffix.lower().lstrip(".")
        if not re.fullmatch(r"xlsx|docx|pdf|zip|png|yaml", suffix):
            raise ValueError(f"unexpected file type {suffix}")
        return f"{secrets.token_hex(16)}.{suffix}"

    def save_bytes(self, data: bytes, suffix: str) -> str:
        name = self.new_name(suffix)
        target = self.path(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        write_bytes(target, data)
        return name

    def remove(self, stored_name: str) -> None:
        """Delete a stored file and what was kept beside it (its dataset, ``jobs.dataset_cache``)."""
        from ..jobs.dataset_cache import remove_beside

        path = self.path(stored_name)
        path.unlink(missing_ok=True)
        remove_beside(path)

    def save_file(self, source: Path, suffix: str) -> str:
        """Move ``source`` (a finished file in the work folder) into the store."""
        name = self.new_name(suffix)
        target = self.path(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(source), str(target))
        return name
