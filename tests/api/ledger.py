"""Reserve-in-store as the database keeps it, for tests that kill a worker mid-reservation: what
inventory says is reserved against what held reservations add up to, and the row locks of a hold."""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from tools.db.engine import session_scope
from tools.db.models import Inventory, Reservation, ReservationItem, Store

LOCK_ROW = "SELECT 1 FROM inventory WHERE location = :s AND variant_id = :v FOR UPDATE"


def reserved_not_held(engine: Engine) -> dict[tuple[str, str], tuple[int, int]]:
    """(store, variant) -> (inventory.reserved, units in held reservations) where they differ."""
    with session_scope(engine) as s:
        counted = {(loc, v): n for v, loc, n in s.execute(
            select(Inventory.variant_id, Inventory.location, Inventory.reserved)
            .where(Inventory.reserved != 0))}
        held = {(store, v): int(n) for store, v, n in s.execute(
            select(Reservation.store_code, ReservationItem.variant_id, func.sum(ReservationItem.quantity))
            .join(ReservationItem, ReservationItem.reservation_id == Reservation.id)
            .where(Reservation.status == "held")
            .group_by(Reservation.store_code, ReservationItem.variant_id))}
    return {k: (counted.get(k, 0), held.get(k, 0)) for k in counted.keys() | held.keys()
            if counted.get(k, 0) != held.get(k, 0)}


def two_free_items(engine: Engine) -> tuple[str, str, str]:
    """A pickup store and two of its variants with a unit free, in the order a hold locks them."""
    with session_scope(engine) as s:
        stores = sorted(code for code, services in s.execute(select(Store.code, Store.services))
                        if "pickup" in services)
        for store in stores:
            free = s.scalars(select(Inventory.variant_id).where(
                Inventory.location == store, Inventory.quantity - Inventory.reserved >= 1)
                .order_by(Inventory.variant_id).limit(2)).all()
            if len(free) == 2:
                first, second = sorted(free)
                return store, first, second
    raise AssertionError("no pickup store has two variants in stock")


def reserved(engine: Engine, store: str, variant_ids: list[str]) -> list[int]:
    with engine.connect() as c:
        return [c.execute(text("SELECT reserved FROM inventory WHERE location = :s AND variant_id = :v"),
                          {"s": store, "v": v}).scalar_one() for v in variant_ids]


def locked(engine: Engine, store: str, variant_id: str) -> bool:
    """Whether another transaction holds the row (its uncommitted hold)."""
    with engine.connect() as c:
        try:
            c.execute(text(f"{LOCK_ROW} NOWAIT"), {"s": store, "v": variant_id})
            return False
        except OperationalError:
            return True
