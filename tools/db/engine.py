"""Engine and sessions for the commerce store: SQLite in the data folder, or PostgreSQL by URL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, Executable, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from tools.db.migrate import migrate


def sqlite_url(data_dir: Path) -> str:
    return f"sqlite:///{data_dir / 'sarto.db'}"


def _tune_sqlite(dbapi_conn: object, _record: object) -> None:
    # WAL lets readers (search, availability) run while a reservation writes; busy_timeout makes
    # concurrent reservations queue instead of failing with "database is locked".
    cur = dbapi_conn.cursor()  # type: ignore[attr-defined]
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


@lru_cache(maxsize=8)
def get_engine(url: str) -> Engine:
    """One engine per URL for the life of the process."""
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
        event.listen(engine, "connect", _tune_sqlite)
    else:
        engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    return engine


def create_schema(engine: Engine) -> None:
    """Bring the database to the newest schema (tools/db/migrate.py); a no-op when it is there."""
    migrate(engine)


@lru_cache(maxsize=8)
def _factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A unit of work: commit on success, roll back on any error."""
    session = _factory(engine)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def rowcount(session: Session, statement: Executable) -> int:
    """How many rows an UPDATE or DELETE touched."""
    return int(session.execute(statement).rowcount)  # type: ignore[attr-defined]
