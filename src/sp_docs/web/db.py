"""The database: an engine for SQLite (WAL) or PostgreSQL, sessions, and the
Alembic migrations shipped in this package, run at every start."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).with_name("migrations")


def make_engine(url: str):
    sqlite = url.startswith("sqlite")
    # SQLite: no cap on pooled connections (a file handle each).  The routes are async and
    # open sessions on the event loop: a capped pool that is empty blocks the loop until a
    # connection comes back, and the requests holding them need that loop to finish — with
    # 50 units at once the service stalled 30 s and answered 500 (benchmarks/web_load.py).
    # PostgreSQL: room for 80 (its default max_connections is 100), opened only as needed.
    pool = {"pool_size": 10, "max_overflow": -1} if sqlite else {"pool_size": 20, "max_overflow": 60}
    engine = create_engine(url, pool_pre_ping=True, **pool,
                           connect_args={"check_same_thread": False, "timeout": 30} if sqlite else {})
    if sqlite:
        @event.listens_for(engine, "connect")
        def _pragmas(connection, _record):  # noqa: ANN001 - SQLAlchemy's signature
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()
    return engine


def alembic_config(connection=None):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def migrate(engine) -> None:
    """Bring the schema to the newest revision (creates it on first start)."""
    from alembic import command

    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")


class Database:
    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def migrate(self) -> None:
        migrate(self.engine)

    @contextmanager
    def session(self):
        session: Session = self.sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
