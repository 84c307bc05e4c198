"""A throwaway PostgreSQL database on 127.0.0.1:5432 for tests that need the real server.

Use the `pg_url` fixture (import it into a test module: `from pg import pg_url  # noqa: F401`;
pytest puts tests/ on sys.path).
It skips with a visible reason when the server does not answer, and fails instead when CI=true.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

PG_HOST = "127.0.0.1:5432"
ROLES = ("postgres", "root")


def _admin_engine():  # type: ignore[no-untyped-def]
    """An AUTOCOMMIT engine on the `postgres` database with the first role that exists."""
    from sqlalchemy import create_engine, text

    errors = []
    for role in ROLES:
        engine = create_engine(
            f"postgresql+psycopg://{role}@{PG_HOST}/postgres",
            isolation_level="AUTOCOMMIT",
            connect_args={"connect_timeout": 3},
        )
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            return engine, role
        except Exception as exc:  # any failure means: try the next role
            errors.append(f"{role}: {exc.__class__.__name__}: {str(exc).splitlines()[0]}")
            engine.dispose()
    raise RuntimeError("; ".join(errors))


def _unavailable(reason: str) -> None:
    message = f"PostgreSQL on {PG_HOST} is not available: {reason}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def fresh_database() -> Iterator[str]:
    """The URL of a fresh, empty database with a random name; dropped afterwards."""
    from sqlalchemy import text

    try:
        admin, role = _admin_engine()
    except Exception as exc:
        _unavailable(str(exc))
        return
    name = f"sarto_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = f"postgresql+psycopg://{role}@{PG_HOST}/{name}"
    try:
        yield url
    finally:
        from tools.db.engine import get_engine

        # Close pooled connections of any engine the test opened, then drop the database.
        get_engine(url).dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture()
def pg_url() -> Iterator[str]:
    """The URL of a fresh, empty database with a random name; dropped after the test."""
    with fresh_database() as url:
        yield url
