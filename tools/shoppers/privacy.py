"""GDPR: everything the shop holds on a shopper, and erasing it (held stock goes back on sale
first). Conversations live in the checkpointer: the assistant erases and exports those."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select

from tools.db.engine import rowcount, session_scope
from tools.db.models import (
    Event,
    Order,
    OrderLine,
    ReceiptClaim,
    Reservation,
    ReservationItem,
    Run,
    Shopper,
    Thread,
)
from tools.db.shop import Shop
from tools.errors import NotFound
from tools.shapes import jsonable
from tools.shoppers.profiles import revoke_tokens
from tools.stock.reservations import cancel_reservation


def _row(obj: Any) -> dict[str, Any]:
    return jsonable({col.key: getattr(obj, col.key) for col in obj.__table__.columns})  # type: ignore[no-any-return]


def export_rows(shop: Shop, shopper_id: str) -> dict[str, Any]:
    """The shopper's row, browsing events, orders (online and in store) and reservations."""
    with session_scope(shop.engine) as session:
        shopper = session.get(Shopper, shopper_id)
        if shopper is None:
            raise NotFound("shopper")
        events = session.scalars(select(Event).where(Event.shopper_id == shopper_id).order_by(Event.at))
        orders = session.scalars(select(Order).where(Order.shopper_id == shopper_id)
                                 .order_by(Order.placed_at))
        reservations = session.scalars(select(Reservation).where(Reservation.shopper_id == shopper_id)
                                       .order_by(Reservation.created_at))
        runs = session.scalars(select(Run).where(Run.shopper_id == shopper_id).order_by(Run.created_at))
        return {
            "shopper": _row(shopper),
            "events": [_row(e) for e in events],
            "orders": [{**_row(o), "lines": [_row(line) for line in o.lines]} for o in orders],
            "reservations": [{**_row(r), "items": [_row(i) for i in r.items]} for r in reservations],
            "runs": [_row(r) for r in runs],  # every message sent, as the server received it
        }


def erase_rows(shop: Shop, shopper_id: str) -> dict[str, int]:
    """Delete the shopper's rows; held reservations give their stock back first."""
    with session_scope(shop.engine) as session:
        if session.get(Shopper, shopper_id) is None:
            raise NotFound("shopper")
        held = session.scalars(select(Reservation.id).where(Reservation.shopper_id == shopper_id,
                                                            Reservation.status == "held")).all()
    for reservation_id in held:  # the reservation tool releases the held units
        cancel_reservation(shop, shopper_id, reservation_id, datetime.now(UTC))
    with session_scope(shop.engine) as session:
        counts = {"reservations_released": len(held)}
        reservation_ids = select(Reservation.id).where(Reservation.shopper_id == shopper_id)
        order_ids = select(Order.id).where(Order.shopper_id == shopper_id)
        session.execute(delete(ReservationItem).where(ReservationItem.reservation_id.in_(reservation_ids)))
        counts["reservations"] = rowcount(session, delete(Reservation)
                                          .where(Reservation.shopper_id == shopper_id))
        session.execute(delete(OrderLine).where(OrderLine.order_id.in_(order_ids)))
        session.execute(delete(ReceiptClaim).where(ReceiptClaim.order_id.in_(order_ids)))
        counts["orders"] = rowcount(session, delete(Order).where(Order.shopper_id == shopper_id))
        counts["events"] = rowcount(session, delete(Event).where(Event.shopper_id == shopper_id))
        session.execute(delete(Thread).where(Thread.shopper_id == shopper_id))
        counts["runs"] = rowcount(session, delete(Run).where(Run.shopper_id == shopper_id))
        session.execute(delete(Shopper).where(Shopper.id == shopper_id))
        revoke_tokens(session, shopper_id)
    return counts
