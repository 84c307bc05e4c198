"""Who owns each conversation. The messages live in the LangGraph checkpointer; these rows say
whose they are, so one shopper never reaches another's thread (it answers as missing, never as
forbidden)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update

from tools.db.engine import session_scope
from tools.db.models import Thread
from tools.db.shop import Shop
from tools.errors import NotFound

TITLE_CHARS = 120


class ThreadNotFound(NotFound):
    """The thread belongs to another shopper (answered as 404, never 403)."""

    def __init__(self, thread_id: str) -> None:
        super().__init__("thread")
        self.thread_id = thread_id


def check_thread_owner(shop: Shop, thread_id: str, shopper_id: str) -> None:
    """Raise ThreadNotFound when the thread exists and is another shopper's."""
    with session_scope(shop.engine) as s:
        owner = s.scalar(select(Thread.shopper_id).where(Thread.id == thread_id))
    if owner is not None and owner != shopper_id:
        raise ThreadNotFound(thread_id)


def claim_thread(shop: Shop, thread_id: str, shopper_id: str, now: datetime) -> bool:
    """Before a turn: True when the thread is new (its row is written with the shopper's, by
    `start_thread`); an existing one of theirs is marked as just used; another's raises."""
    with session_scope(shop.engine) as s:
        row = s.get(Thread, thread_id)
        if row is None:
            return True
        if row.shopper_id != shopper_id:
            raise ThreadNotFound(thread_id)
        row.updated_at = now
        return False


def start_thread(shop: Shop, thread_id: str, shopper_id: str, message: str, now: datetime) -> None:
    """Bind a new thread to its shopper (whose row must exist), titled by its first message."""
    with session_scope(shop.engine) as s:
        row = s.get(Thread, thread_id)
        if row is not None:  # the same first turn twice (a double submit): it is already theirs
            if row.shopper_id != shopper_id:
                raise ThreadNotFound(thread_id)
            return
        s.add(Thread(id=thread_id, shopper_id=shopper_id, title=(message.strip() or "…")[:TITLE_CHARS],
                     created_at=now, updated_at=now))


def list_threads(shop: Shop, shopper_id: str) -> list[dict[str, Any]]:
    """The shopper's conversations: thread_id, title, updated_at (newest first)."""
    with session_scope(shop.engine) as s:
        rows = s.scalars(select(Thread).where(Thread.shopper_id == shopper_id)
                         .order_by(Thread.updated_at.desc())).all()
        return [{"thread_id": t.id, "title": t.title, "updated_at": t.updated_at.isoformat()}
                for t in rows]


def owns_thread(shop: Shop, shopper_id: str, thread_id: str) -> bool:
    with session_scope(shop.engine) as s:
        owner = s.scalar(select(Thread.shopper_id).where(Thread.id == thread_id))
    return owner is not None and owner == shopper_id


def delete_threads(shop: Shop, shopper_id: str) -> list[str]:
    """Drop the shopper's thread rows; returns their ids (the caller erases the messages)."""
    with session_scope(shop.engine) as s:
        ids = list(s.scalars(select(Thread.id).where(Thread.shopper_id == shopper_id)))
        s.execute(delete(Thread).where(Thread.shopper_id == shopper_id))
    return ids


def move_threads(shop: Shop, from_shopper_id: str, to_shopper_id: str) -> int:
    """A guest logged in: their conversations now belong to the shopper."""
    with session_scope(shop.engine) as s:
        result = s.execute(update(Thread).where(Thread.shopper_id == from_shopper_id)
                           .values(shopper_id=to_shopper_id))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
