"""Settings of one running service."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

MAX_UPLOAD = 20 * 1024 * 1024  # a real data workbook is a few MB at most


@dataclass
class Settings:
    data_dir: Path
    database_url: str | None = None
    trusted_proxies: list[str] = field(default_factory=list)  # X-Forwarded-* honoured only from these
    max_upload: int = MAX_UPLOAD
    workers: int = 1  # worker processes = concurrent batch jobs (runner.ProcessRunner)
    job_seconds: int = 3600  # a job running longer is stopped (0: no limit)
    job_memory_mb: int = 2048  # address space of one worker process (RLIMIT_AS; 0: no cap)
    check_process: bool = False  # upload checks in a process of their own (web/checks.py; serve: on)
    session_hours: int = 12
    throttle_failures: int = 5  # failed logins of one user name …
    throttle_minutes: int = 15  # … within this window lock it for the rest of the window

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir).resolve()

    @property
    def db_url(self) -> str:
        url = self.database_url or f"sqlite:///{self.data_dir / 'sp-docs.sqlite3'}"
        if url.startswith("postgresql://") or url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]  # psycopg 3, not psycopg2
        return url

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def work_dir(self) -> Path:
        return self.data_dir / "work"

    def prepare(self) -> None:
        for folder in (self.data_dir, self.files_dir, self.work_dir):
            folder.mkdir(parents=True, exist_ok=True)
