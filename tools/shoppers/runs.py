"""The runs of a conversation as the server ran them: each written before its turn starts, so what
a shopper said survives a process that dies mid-turn, and a client that resumes after a restart is
told the run ended instead of finding nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from tools.clock import as_utc
from tools.db.engine import session_scope
from tools.db.models import Run, Thread
from tools.db.shop import Shop
from tools.errors import Conflict
from tools.shoppers.threads import TITLE_CHARS

LIVE = "running"
LOST = "lost"  # its process died: the client gets RUN_ERROR "interrupted"
# statuses whose message the graph never wrote to the conversation (it ended before compose)
UNANSWERED = (LIVE, LOST, "error", "cancelled")


def record_run(shop: Shop, run_id: str, shopper_id: str, thread_id: str, message: str,
               now: datetime) -> None:
    """One transaction before the turn: the run and its message (and the thread's row, when this is
    its first turn, so the conversation is listed even if the turn never gets further)."""
    with session_scope(shop.engine) as s:
        if s.get(Run, run_id) is not None:
            raise Conflict("conflict", ("Questo runId esiste già.", "This runId already exists."))
        if s.get(Thread, thread_id) is None:
            s.add(Thread(id=thread_id, shopper_id=shopper_id, title=(message.strip() or "…")[:TITLE_CHARS],
                         created_at=now, updated_at=now))
        s.add(Run(id=run_id, shopper_id=shopper_id, thread_id=thread_id, message=message, status=LIVE,
                  created_at=now))


def finish_run(shop: Shop, run_id: str, status: str, now: datetime) -> None:
    with session_scope(shop.engine) as s:
        s.execute(update(Run).where(Run.id == run_id, Run.status == LIVE)
                  .values(status=status, finished_at=now))


def orphaned_run(shop: Shop, run_id: str, shopper_id: str, now: datetime) -> bool | None:
    """For a run no live process holds: True when it was still running (its process died; it is
    marked lost now), False when it had ended, None when it is not this shopper's (or unknown)."""
    with session_scope(shop.engine) as s:
        row = s.get(Run, run_id)
        if row is None or row.shopper_id != shopper_id:
            return None
        if row.status in (LIVE, LOST):
            row.status, row.finished_at = LOST, row.finished_at or now
            return True
        return False


def orphaned_run_of_thread(shop: Shop, thread_id: str, shopper_id: str, now: datetime) -> str | None:
    """The thread's newest run if its process died while running it (marked lost now)."""
    with session_scope(shop.engine) as s:
        row = s.scalars(select(Run).where(Run.thread_id == thread_id, Run.shopper_id == shopper_id)
                        .order_by(Run.created_at.desc()).limit(1)).first()
        if row is None or row.status not in (LIVE, LOST):
            return None
        row.status, row.finished_at = LOST, row.finished_at or now
        return row.id


def unanswered_messages(shop: Shop, thread_id: str, shopper_id: str) -> list[dict[str, Any]]:
    """What the shopper said in runs that never reached an answer: still kept in the conversation."""
    with session_scope(shop.engine) as s:
        rows = s.scalars(select(Run).where(Run.thread_id == thread_id, Run.shopper_id == shopper_id,
                                           Run.status.in_(UNANSWERED), Run.message != "")
                         .order_by(Run.created_at)).all()
        return [{"role": "user", "text": r.message, "at": as_utc(r.created_at).isoformat(),
                 "answered": False} for r in rows]
