"""Where conversation threads are saved: LangGraph's SQLite saver by default, its PostgreSQL saver
when the shop's database is PostgreSQL.

Only a thread's latest checkpoint is ever read (Sarto does not replay or fork turns), so after each
turn the older ones are deleted: a thread's saved state stays one checkpoint long instead of growing
by a full copy of the state per turn (2 GB after ~16k benchmark turns, before this).
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Sequence
from typing import Any

from langgraph.checkpoint.sqlite import SqliteSaver

from agent.settings import Settings

log = logging.getLogger(__name__)


class LatestSqliteSaver(SqliteSaver):
    """SqliteSaver with `prune` (the PostgreSQL saver has its own; the SQLite one has none)."""

    def prune(self, thread_ids: Sequence[str], *, strategy: str = "keep_latest") -> None:
        if isinstance(thread_ids, str):
            raise TypeError("thread_ids must be a sequence of thread ids, not one string")
        if strategy == "delete":
            for thread_id in thread_ids:
                self.delete_thread(thread_id)
            return
        if strategy != "keep_latest":
            raise ValueError(f"unknown prune strategy {strategy!r}")
        with self.cursor() as cur:
            for thread_id in thread_ids:
                # per namespace, everything before its latest checkpoint (ids sort by time),
                # with those checkpoints' pending writes; the latest keeps its writes (an interrupt)
                for table in ("writes", "checkpoints"):
                    cur.execute(
                        f"DELETE FROM {table} WHERE thread_id = ? AND checkpoint_id < ("
                        "SELECT max(c.checkpoint_id) FROM checkpoints c WHERE c.thread_id = ? "
                        f"AND c.checkpoint_ns = {table}.checkpoint_ns)", (thread_id, thread_id))


_SETUP_LOCK = 0x5A7_0012  # beside tools.db.migrate's lock for the shop's own schema


def _try_lock(conn: Any) -> bool:
    row = conn.execute("SELECT pg_try_advisory_lock(%s) AS got", (_SETUP_LOCK,)).fetchone()
    return bool(row and row["got"])


def open_checkpointer(settings: Settings) -> Any:
    url = settings.resolved_database_url
    if url.startswith("postgresql"):
        from langgraph.checkpoint.postgres import PostgresSaver
        from psycopg.rows import dict_row
        from psycopg_pool import ConnectionPool

        conninfo = url.replace("postgresql+psycopg://", "postgresql://")
        pool = ConnectionPool(conninfo, max_size=10, open=True,
                              kwargs={"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row})
        saver = PostgresSaver(pool)  # type: ignore[arg-type]
        # Workers starting together would race on the checkpointer's own migrations table
        # (UniqueViolation on checkpoint_migrations_pkey): one sets it up, the others wait. They
        # wait by retrying a try-lock, not inside pg_advisory_lock: the setup's CREATE INDEX
        # CONCURRENTLY waits for every open statement, a blocked lock call included (a deadlock).
        with pool.connection() as lock:
            while not _try_lock(lock):
                time.sleep(0.1)
            try:
                saver.setup()
            finally:
                lock.execute("SELECT pg_advisory_unlock(%s)", (_SETUP_LOCK,))
        return saver
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(settings.data_dir / "checkpoints.db", check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    return LatestSqliteSaver(conn)


def keep_latest(checkpointer: Any, thread_id: str) -> None:
    """Drop a thread's older checkpoints; a saver without `prune` (in memory, in tests) keeps them."""
    try:
        checkpointer.prune([thread_id], strategy="keep_latest")
    except NotImplementedError:
        return
    except Exception:  # a failed clean-up must not fail the turn that already answered
        log.warning("could not prune the checkpoints of thread %s", thread_id, exc_info=True)
