"""Accounts and units: Argon2 password hashes, units with parent units, and
which units an account may see (its own and every sub-unit; an admin all)."""
from __future__ import annotations

import os
import secrets
import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import SpDocsError
from .models import Account, Unit

# OWASP's Argon2id setting (19 MiB, 2 passes, 1 lane): ~0.06 s of CPU a check against ~0.3 s for
# argon2-cffi's default (64 MiB, 3 passes, 4 lanes), which made 50 logins at once cost 13 s of the
# service's CPU.  Hashes made with other settings still verify and are rewritten at the next login.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
MIN_PASSWORD = 8
PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/l/I


class AccountError(SpDocsError):
    """A request about accounts that cannot be carried out; the message says why and what to do."""


def use_cheap_hashes() -> None:
    """Tests only: a fast Argon2 setting (the hashes stay real Argon2id)."""
    global _hasher
    _hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


# Argon2 takes ~0.25 s of CPU and 64 MiB a check: 50 logins at once in the request
# thread pool (40 threads) took 2.4 GB and starved every other request.  Checks on at
# most half the cores leave the rest to the pages: on 2 cores, one at a time halved the
# upload+check p95 of 50 units at once (benchmarks/web_load.py, docs/benchmarks.md).
_hashing = threading.BoundedSemaphore(max(1, (os.cpu_count() or 2) // 2))


def needs_rehash(stored_hash: str) -> bool:
    """Whether a hash that just verified was made with other settings than the current ones."""
    try:
        return _hasher.check_needs_rehash(stored_hash)
    except (InvalidHashError, ValueError):
        return True


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        with _hashing:
            return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def new_password(length: int = 12) -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"密码至少 {MIN_PASSWORD} 位，请换一个更长的密码")


def check_username(username: str) -> str:
    name = (username or "").strip()
    if not name or len(name) > 64 or any(c.isspace() or ord(c) < 32 for c in name):
        raise AccountError("用户名应为 1–64 个字符，不含空格；请换一个用户名")
    return name


def clean_unit_name(name: str) -> str:
    text = " ".join((name or "").split())
    if not text or len(text) > 200:
        raise AccountError("单位名称不能为空，且不超过 200 字")
    return text


def get_or_create_unit(db: Session, name: str, parent: str | None = None) -> Unit:
    name = clean_unit_name(name)
    unit = db.scalar(select(Unit).where(Unit.name == name))
    parent_unit = get_or_create_unit(db, parent) if parent else None
    if unit is None:
        unit = Unit(name=name, parent=parent_unit)
        db.add(unit)
        db.flush()
    elif parent_unit is not None and unit.parent_id is None and parent_unit.id != unit.id:
        if unit.id in {u.id for u in _ancestors(parent_unit)}:
            raise AccountError(f"单位“{name}”不能挂在自己的下属单位“{parent}”下")
        unit.parent = parent_unit
    return unit


def _ancestors(unit: Unit) -> list[Unit]:
    found, current = [], unit
    while current is not None and current not in found:
        found.append(current)
        current = current.parent
    return found


def add_account(db: Session, username: str, password: str, *, admin: bool = False,
                unit_name: str | None = None) -> Account:
    username = check_username(username)
    check_password_rules(password)
    if not admin and not unit_name:
        raise AccountError("请指定账号所属的单位（--unit 单位名称），或用 --admin 创建管理员")
    if db.scalar(select(Account).where(Account.username == username)) is not None:
        raise AccountError(f"用户名“{username}”已存在；要改密码请用“重置密码”")
    unit = get_or_create_unit(db, unit_name) if unit_name else None
    account = Account(username=username, password_hash=hash_password(password), is_admin=admin, unit=unit)
    db.add(account)
    db.flush()
    return account


def reset_password(db: Session, username: str, password: str) -> Account:
    check_password_rules(password)
    account = db.scalar(select(Account).where(Account.username == username))
    if account is None:
        raise AccountError(f"没有用户名为“{username}”的账号（accounts list 可列出全部账号）")
    account.password_hash = hash_password(password)
    from .models import WebSession

    db.query(WebSession).filter(WebSession.account_id == account.id).delete()  # log out everywhere
    return account


def list_accounts(db: Session) -> list[Account]:
    return list(db.scalars(select(Account).order_by(Account.username)))


def subtree_ids(db: Session, unit_id: int) -> set[int]:
    """The unit and all its sub-units (any depth)."""
    children: dict[int | None, list[int]] = {}
    for uid, parent in db.execute(select(Unit.id, Unit.parent_id)):
        children.setdefault(parent, []).append(uid)
    found, todo = set(), [unit_id]
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(children.get(current, []))
    return found


def visible_unit_ids(db: Session, account: Account) -> set[int] | None:
    """The units whose data the account may see; None = every unit (admin)."""
    if account.is_admin:
        return None
    if account.unit_id is None:
        return set()
    return subtree_ids(db, account.unit_id)


def can_see(db: Session, account: Account, unit_id: int | None) -> bool:
    """``unit_id`` None: something of no unit (an admin's roll-up): admins only."""
    if account.is_admin:
        return True
    if unit_id is None or account.unit_id is None:
        return False
    # up from the unit to the top (every request asks this: no reading of the whole unit list)
    seen: set[int] = set()
    current: int | None = unit_id
    while current is not None and current not in seen:
        if current == account.unit_id:
            return True
        seen.add(current)
        unit = db.get(Unit, current)
        current = unit.parent_id if unit is not None else None
    return False
