"""First-party shopper data behind the API: shopper rows, browsing events, in-store receipts,
guest merge, GDPR export and erasure. Plain functions over the commerce database."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, or_, select, update

from agent.events import BrowsingEvent
from agent.server.problems import ApiError, not_found
from tools.database import session_scope
from tools.models import Event, Inventory, Order, OrderLine, Reservation, Shopper, Store, Variant
from tools.shop import Shop

log = logging.getLogger("sarto.server")


def _now() -> datetime:
    return datetime.now(UTC)


def ensure_shopper(shop: Shop, shopper_id: str, is_guest: bool) -> None:
    """The shopper row exists after this (guests get theirs on their first token)."""
    with session_scope(shop.engine) as session:
        if session.get(Shopper, shopper_id) is None:
            session.add(Shopper(id=shopper_id, is_guest=is_guest, created_at=_now(), known_sizes={}))


def shopper_exists(shop: Shop, shopper_id: str) -> bool:
    with session_scope(shop.engine) as session:
        return session.get(Shopper, shopper_id) is not None


def check_thread_owner(shop: Shop, thread_id: str, shopper_id: str) -> None:
    """404 before a run starts on another shopper's thread (the assistant refuses it too)."""
    from tools import models

    thread = getattr(models, "Thread", None)
    if thread is None:
        return
    with session_scope(shop.engine) as session:
        row = session.get(thread, thread_id)
        if row is not None and row.shopper_id != shopper_id:
            raise not_found("thread")


def merge_guest(shop: Shop, guest_id: str, shopper_id: str) -> dict[str, int]:
    """Move a guest's events, orders and reservations to the shopper, then drop the guest row."""
    if guest_id == shopper_id:
        return {}
    with session_scope(shop.engine) as session:
        moved = {}
        for model in (Event, Order):
            moved[model.__tablename__] = _rowcount(
                session, update(model).where(model.shopper_id == guest_id).values(shopper_id=shopper_id))
        # A reservation whose idempotency key the shopper already used stays a duplicate: skip it.
        taken = set(session.scalars(select(Reservation.idempotency_key)
                                    .where(Reservation.shopper_id == shopper_id)))
        reservations = session.scalars(select(Reservation).where(Reservation.shopper_id == guest_id)).all()
        for r in reservations:
            if r.idempotency_key not in taken:
                r.shopper_id = shopper_id
        moved["reservations"] = len(reservations)
        session.flush()
        guest = session.get(Shopper, guest_id)
        if guest is not None and guest.is_guest:
            remaining = session.scalar(select(func.count()).select_from(Reservation)
                                       .where(Reservation.shopper_id == guest_id))
            if not remaining:
                session.delete(guest)
    log.info("merged guest %s into %s: %s", guest_id, shopper_id, moved)
    return moved


def add_events(shop: Shop, shopper_id: str, events: list[BrowsingEvent], channel: str) -> int:
    now = _now()
    with session_scope(shop.engine) as session:
        if session.get(Shopper, shopper_id) is None:
            raise not_found("shopper")
        for e in events:
            at = e.at or (now - timedelta(days=e.days_ago) if e.days_ago is not None else now)
            if at.tzinfo is None:
                at = at.replace(tzinfo=UTC)
            if at > now + timedelta(minutes=5):
                raise ApiError(422, "validation_error", ("Un evento ha una data nel futuro.",
                                                         "An event is dated in the future."))
            session.add(Event(shopper_id=shopper_id, type=e.type, sku=e.sku, text=e.text, at=at,
                              channel=channel))
    return len(events)


def add_receipt(shop: Shop, receipt_id: str, store_code: str, placed_at: datetime,
                lines: list[dict[str, Any]], loyalty_id: str | None, email: str | None) -> dict[str, Any]:
    """An in-store receipt joins the unified history; the same receipt_id twice is stored once."""
    order_id = f"R-{receipt_id}"
    with session_scope(shop.engine) as session:
        existing = session.get(Order, order_id)
        if existing is not None:
            return {"order_id": order_id, "shopper_id": existing.shopper_id, "duplicate": True}
        if session.get(Store, store_code) is None:
            raise ApiError(422, "unknown_store", (f"Negozio sconosciuto: {store_code}.",
                                                  f"Unknown store: {store_code}."))
        shopper_id = None
        if loyalty_id or email:
            conds = []
            if loyalty_id:
                conds.append(Shopper.loyalty_id == loyalty_id)
            if email:
                conds.append(func.lower(Shopper.email) == email.lower())
            shopper_id = session.scalar(select(Shopper.id).where(or_(*conds)).limit(1))
        order = Order(id=order_id, shopper_id=shopper_id, channel="store", store_code=store_code,
                      placed_at=placed_at if placed_at.tzinfo else placed_at.replace(tzinfo=UTC),
                      total=Decimal("0"))
        total = Decimal("0")
        for line in lines:
            variant_id = f"{line['sku']}-{line['size']}"
            if session.get(Variant, variant_id) is None:
                raise ApiError(422, "unknown_variant", (f"Articolo sconosciuto: {line['sku']} taglia "
                                                        f"{line['size']}.",
                                                        f"Unknown item: {line['sku']} size {line['size']}."))
            total += line["unit_price"] * line["quantity"]
            order.lines.append(OrderLine(variant_id=variant_id, sku=line["sku"], quantity=line["quantity"],
                                         unit_price=line["unit_price"]))
        order.total = total
        session.add(order)
    return {"order_id": order_id, "shopper_id": shopper_id, "duplicate": False}


def set_stock(shop: Shop, updates: list[dict[str, Any]]) -> int:
    """Bulk stock levels from the retailer (absolute quantities on hand)."""
    now = _now()
    with session_scope(shop.engine) as session:
        stores = set(session.scalars(select(Store.code)))
        for u in updates:
            if u["location"] != "online" and u["location"] not in stores:
                raise ApiError(422, "unknown_location", (f"Luogo sconosciuto: {u['location']}.",
                                                         f"Unknown location: {u['location']}."))
            if session.get(Variant, u["variant_id"]) is None:
                raise ApiError(422, "unknown_variant", (f"Variante sconosciuta: {u['variant_id']}.",
                                                        f"Unknown variant: {u['variant_id']}."))
            row = session.get(Inventory, (u["variant_id"], u["location"]))
            if row is None:
                session.add(Inventory(variant_id=u["variant_id"], location=u["location"],
                                      quantity=u["quantity"], reserved=0, updated_at=now))
            else:
                row.quantity, row.updated_at = u["quantity"], now
    # Search filters on a stock snapshot: refresh it if the index is open (never open it just for this).
    if shop._index is not None:
        shop._index.refresh_stock()
    return len(updates)


def _row(obj: Any) -> dict[str, Any]:
    out = {}
    for col in obj.__table__.columns:
        value = getattr(obj, col.key)
        out[col.key] = float(value) if isinstance(value, Decimal) else (
            value.isoformat() if isinstance(value, datetime) else value)
    return out


def export_rows(shop: Shop, shopper_id: str) -> dict[str, Any]:
    with session_scope(shop.engine) as session:
        shopper = session.get(Shopper, shopper_id)
        if shopper is None:
            raise not_found("shopper")
        events = session.scalars(select(Event).where(Event.shopper_id == shopper_id).order_by(Event.at))
        orders = session.scalars(select(Order).where(Order.shopper_id == shopper_id)
                                 .order_by(Order.placed_at))
        reservations = session.scalars(select(Reservation).where(Reservation.shopper_id == shopper_id)
                                       .order_by(Reservation.created_at))
        return {
            "shopper": _row(shopper),
            "events": [_row(e) for e in events],
            "orders": [{**_row(o), "lines": [_row(line) for line in o.lines]} for o in orders],
            "reservations": [{**_row(r), "items": [_row(i) for i in r.items]} for r in reservations],
        }


def erase_rows(shop: Shop, shopper_id: str) -> dict[str, int]:
    """Delete the shopper's rows; held reservations give their stock back first."""
    from tools.reservations import cancel_reservation

    with session_scope(shop.engine) as session:
        if session.get(Shopper, shopper_id) is None:
            raise not_found("shopper")
        held = session.scalars(select(Reservation.id).where(Reservation.shopper_id == shopper_id,
                                                            Reservation.status == "held")).all()
    for reservation_id in held:  # the reservation tool releases the held units
        cancel_reservation(shop, shopper_id, reservation_id, _now())
    with session_scope(shop.engine) as session:
        counts = {"reservations_released": len(held)}
        reservation_ids = select(Reservation.id).where(Reservation.shopper_id == shopper_id)
        order_ids = select(Order.id).where(Order.shopper_id == shopper_id)
        from tools.models import ReservationItem

        session.execute(delete(ReservationItem).where(ReservationItem.reservation_id.in_(reservation_ids)))
        counts["reservations"] = _rowcount(session, delete(Reservation)
                                           .where(Reservation.shopper_id == shopper_id))
        session.execute(delete(OrderLine).where(OrderLine.order_id.in_(order_ids)))
        counts["orders"] = _rowcount(session, delete(Order).where(Order.shopper_id == shopper_id))
        counts["events"] = _rowcount(session, delete(Event).where(Event.shopper_id == shopper_id))
        _delete_threads_rows(session, shopper_id)
        session.execute(delete(Shopper).where(Shopper.id == shopper_id))
    return counts


def _rowcount(session: Any, statement: Any) -> int:
    return int(session.execute(statement).rowcount)


def _delete_threads_rows(session: Any, shopper_id: str) -> None:
    from tools import models

    thread = getattr(models, "Thread", None)  # the thread-ownership table, when present
    if thread is not None:
        session.execute(delete(thread).where(thread.shopper_id == shopper_id))
