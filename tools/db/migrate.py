"""The schema's version: bring a database to the newest migration (tools/db/migrations/), and tell
whether the models and the migrations agree.

Every start migrates (`open_shop`), so the usual case — already at head — costs one query and
never loads Alembic. A migration runs in one transaction under a lock: PostgreSQL's advisory lock,
SQLite's write lock (`BEGIN IMMEDIATE`), so two workers starting at once migrate once and a failed
migration leaves the schema as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, inspect, text
from sqlalchemy.pool import StaticPool

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# LangGraph's PostgreSQL saver keeps its checkpoint tables in the shop's database (its own
# migrations): not ours to create, compare or drop. (SQLite keeps them in another file.)
LANGGRAPH_TABLES = frozenset({"checkpoints", "checkpoint_blobs", "checkpoint_writes",
                              "checkpoint_migrations", "writes"})
_PG_LOCK = 0x5A7_0011  # the advisory lock every Sarto process takes to migrate one database


@dataclass(frozen=True)
class Migration:
    before: str | None  # None: an empty database, or one made by create_all before migrations
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


def include_name(name: str | None, type_: str, _parent_names: Any) -> bool:
    """What Alembic may look at when it compares: everything but LangGraph's tables."""
    return not (type_ == "table" and name in LANGGRAPH_TABLES)


class NewerSchema(RuntimeError):
    """The database was migrated by a newer Sarto: this one does not know its schema."""


@lru_cache(maxsize=1)
def revisions() -> tuple[str, ...]:
    """Every revision, oldest first: revision files are named after their ids, which sort in order."""
    return tuple(sorted(p.stem for p in (MIGRATIONS / "versions").glob("[0-9][0-9][0-9][0-9]_*.py")))


def head_revision() -> str:
    return revisions()[-1]


def current_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.scalar(text("SELECT version_num FROM alembic_version"))


def migrate(engine: Engine) -> Migration:
    """Upgrade the database to head: an empty one from scratch, one made by an older Sarto (our
    tables, no `alembic_version`) from the baseline, an up-to-date one not at all."""
    head = head_revision()
    with engine.connect() as connection:
        before = current_revision(connection)
    if before == head:
        return Migration(before, head)
    if before is not None and before not in revisions():
        raise NewerSchema(f"the database is at schema {before}, which this Sarto does not know (its "
                          f"newest is {head}): run the Sarto that migrated it, or a newer one")
    with _locked(engine) as connection:
        before = current_revision(connection)  # another process may have migrated meanwhile
        if before != head:
            _upgrade(connection)
    return Migration(before, head)


def _config(connection: Connection) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def _upgrade(connection: Connection) -> None:
    from alembic import command

    command.upgrade(_config(connection), "head")


@contextmanager
def _locked(engine: Engine) -> Iterator[Connection]:
    """A connection inside one transaction that only this process may migrate in; committed at
    the end, rolled back on any error."""
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _PG_LOCK})
            connection.commit()
            try:
                with connection.begin():
                    yield connection
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _PG_LOCK})
                connection.commit()
        elif engine.dialect.name == "sqlite":
            with _sqlite_transaction(connection):
                yield connection
        else:
            with connection.begin():
                yield connection


@contextmanager
def _sqlite_transaction(connection: Connection) -> Iterator[None]:
    """SQLite's driver commits DDL as it goes unless we open the transaction ourselves (the
    SQLAlchemy recipe for transactional DDL on pysqlite). Foreign keys are off meanwhile: a batch
    migration recreates a table by dropping it, and with them on, the drop would cascade to the
    rows that reference it."""
    raw: Any = connection.connection.driver_connection
    level = raw.isolation_level
    raw.isolation_level = None
    try:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            yield
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
    finally:
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()
        raw.isolation_level = level


def schema_differences(engine: Engine | None = None) -> list[Any]:
    """What Alembic's autogenerate would write to make the database match the models; [] when the
    migrations say all the models say. Without an engine: the migrations replayed on an empty
    in-memory SQLite database."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from tools.db.models import Base

    if engine is None:
        engine = create_engine("sqlite://", poolclass=StaticPool)
        migrate(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "include_name": include_name, "compare_type": True, "target_metadata": Base.metadata})
        return list(compare_metadata(context, Base.metadata))
