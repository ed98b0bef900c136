"""Sessions (a random token in an HttpOnly cookie, its hash in the database),
CSRF tokens, login throttling and the audit log."""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import secrets

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, joinedload

from .accounts import hash_password, needs_rehash, verify_password
from .models import Account, AuditEntry, LoginFailure, WebSession, utcnow

COOKIE = "spdocs_session"
LOGIN_CSRF_COOKIE = "spdocs_login_csrf"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def start_session(db: Session, account: Account, hours: int) -> tuple[str, WebSession]:
    token = secrets.token_urlsafe(32)
    row = WebSession(token_hash=_hash(token), account_id=account.id, csrf=secrets.token_urlsafe(32),
                     expires_at=utcnow() + dt.timedelta(hours=hours))
    db.add(row)
    db.flush()
    return token, row


def find_session(db: Session, token: str | None) -> WebSession | None:
    if not token or len(token) > 100:
        return None
    # one query for the session, its account and the account's unit (every request asks for all three)
    row = db.get(WebSession, _hash(token), options=[joinedload(WebSession.account).joinedload(Account.unit)])
    if row is None:
        return None
    if _aware(row.expires_at) < utcnow():
        db.delete(row)
        return None
    return row


def end_session(db: Session, token: str | None) -> None:
    if token:
        db.execute(delete(WebSession).where(WebSession.token_hash == _hash(token)))


def same_token(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))


def locked_out(db: Session, username: str, failures: int, minutes: int) -> bool:
    since = utcnow() - dt.timedelta(minutes=minutes)
    count = db.scalar(select(func.count()).select_from(LoginFailure)
                      .where(LoginFailure.username == username, LoginFailure.at >= since))
    return (count or 0) >= failures


ADDRESS_FACTOR = 4  # one address guessing many user names is stopped too


def _address_failures(db: Session, address: str, minutes: int) -> int:
    since = utcnow() - dt.timedelta(minutes=minutes)
    return db.scalar(select(func.count()).select_from(LoginFailure)
                     .where(LoginFailure.address == address[:64], LoginFailure.at >= since)) or 0


def check_login(db: Session, username: str, password: str, address: str, *, failures: int,
                minutes: int) -> tuple[Account | None, str]:
    """The account, or None and the Chinese reason.  Wrong passwords are counted per
    user name; after ``failures`` of them within ``minutes`` even the right one is refused
    (and after four times as many from one address, every login from there)."""
    username = (username or "").strip()[:64]
    if locked_out(db, username, failures, minutes):
        return None, f"登录失败次数过多，该账号已暂时锁定。请 {minutes} 分钟后再试，或请管理员重置密码。"
    if address and _address_failures(db, address, minutes) >= failures * ADDRESS_FACTOR:
        return None, f"这台电脑的登录失败次数过多，已暂时锁定。请 {minutes} 分钟后再试。"
    account = db.scalar(select(Account).where(Account.username == username))
    # an unknown user name costs a hash check too, so the answer's timing does not tell names apart
    if not verify_password(account.password_hash if account else _unknown_user_hash(), password or "") \
            or account is None:
        db.add(LoginFailure(username=username, address=address[:64]))
        return None, "用户名或密码不正确，请检查后重新输入（注意大小写）。"
    if needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
    db.execute(delete(LoginFailure).where(LoginFailure.username == username))
    return account, ""


@functools.lru_cache(maxsize=1)
def _unknown_user_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def audit(db: Session, account: Account | None, action: str, detail: str = "", address: str = "",
          *, username: str | None = None) -> None:
    db.add(AuditEntry(account_id=account.id if account else None,
                      username=username if username is not None else (account.username if account else ""),
                      unit_name=account.unit.name if account and account.unit else "",
                      action=action, detail=detail[:2000], address=address[:64]))


TOKEN_PREFIX = "spd_"


def create_api_token(db: Session, account: Account) -> str:
    """A new API token for the account (replacing its old one); only its hash is stored,
    so the returned text is shown once."""
    from .models import ApiToken

    db.execute(delete(ApiToken).where(ApiToken.account_id == account.id))
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.add(ApiToken(token_hash=_hash(token), account_id=account.id))
    db.flush()
    return token


def api_token_of(db: Session, account: Account):
    from .models import ApiToken

    return db.scalar(select(ApiToken).where(ApiToken.account_id == account.id))


def find_api_account(db: Session, token: str | None) -> Account | None:
    from .models import ApiToken

    if not token or len(token) > 100 or not token.startswith(TOKEN_PREFIX):
        return None
    row = db.scalar(select(ApiToken).where(ApiToken.token_hash == _hash(token)))
    if row is None:
        return None
    row.last_used_at = utcnow()
    return row.account
