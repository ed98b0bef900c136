"""The service's tables.  Times are UTC.  Public ids (random) appear in URLs;
integer ids stay inside the database."""
from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def public_id() -> str:
    return secrets.token_urlsafe(12)


class Base(DeclarativeBase):
    pass


class Unit(Base):
    __tablename__ = "units"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    parent: Mapped["Unit | None"] = relationship(remote_side="Unit.id")


class Account(Base):
    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    unit: Mapped[Unit | None] = relationship()


class WebSession(Base):
    __tablename__ = "sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    account: Mapped[Account] = relationship()


class LoginFailure(Base):
    __tablename__ = "login_failures"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[str] = mapped_column(String(64), default="")
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Upload(Base):
    """One uploaded data workbook and what the check found in it."""
    __tablename__ = "uploads"
    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=public_id)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80))
    size: Mapped[int] = mapped_column(Integer)
    valid: Mapped[bool] = mapped_column(Boolean, default=False)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    problems: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of rows
    summary: Mapped[str] = mapped_column(Text, default="")
    account: Mapped[Account] = relationship()


class Job(Base):
    """A document generation: queued → running → done | failed | interrupted."""
    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=public_id)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)  # None: an admin's job
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200), default="")
    params: Mapped[str] = mapped_column(Text, default="{}")  # JSON, inputs kept for a rerun
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    stage: Mapped[str] = mapped_column(String(100), default="")  # what the job is doing now
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    account: Mapped[Account] = relationship()
    files: Mapped[list["StoredFile"]] = relationship(back_populates="job", order_by="StoredFile.id")


class StoredFile(Base):
    """A produced file: shown under ``name``, kept under the generated ``stored_name``."""
    __tablename__ = "files"
    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=public_id)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)  # None: an admin's
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id"), index=True)
    role: Mapped[str] = mapped_column(String(16), default="document")  # document | zip | preview
    name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80))
    size: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    job: Mapped[Job | None] = relationship(back_populates="files")


class Answers(Base):
    """A unit's questionnaire draft (raw answers as typed, JSON)."""
    __tablename__ = "answers"
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), unique=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    data: Mapped[str] = mapped_column(Text, default="{}")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEntry(Base):
    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    username: Mapped[str] = mapped_column(String(64), default="")
    unit_name: Mapped[str] = mapped_column(String(200), default="")
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(String(64), default="")


class Submission(Base):
    """One 报送 of a unit's 附件2 for a year, with the exact file; never overwritten.
    The unit's status for the year is its newest submission's: submitted (已报送),
    returned (已退回, with the bureau's comment) or withdrawn (未报送)."""
    __tablename__ = "submissions"
    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=public_id)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    year: Mapped[int] = mapped_column(Integer, index=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("files.id"))
    rows: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="submitted")
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str] = mapped_column(String(64), default="")
    source: Mapped[str] = mapped_column(String(16), default="generated")  # generated | uploaded (own 附件2)
    account: Mapped[Account] = relationship()
    file: Mapped[StoredFile] = relationship()
    unit: Mapped[Unit] = relationship()


class ApiToken(Base):
    """An account's API token (``Authorization: Bearer``): only its SHA-256 is kept;
    one per account (a new one replaces the old)."""
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    account: Mapped[Account] = relationship()


class YearClosure(Base):
    """A year closed for 报送: for every unit (``unit_id`` None: by an admin) or for a
    parent unit's sub-units.  Reopening deletes the row (the audit log keeps both)."""
    __tablename__ = "year_closures"
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    closed_by: Mapped[str] = mapped_column(String(64), default="")
    closed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    unit: Mapped[Unit | None] = relationship()
