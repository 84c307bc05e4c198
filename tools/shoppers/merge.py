"""A guest signs in: what they did as a guest (browsing, orders, reservations) becomes the
shopper's, and the guest row goes."""

from __future__ import annotations

import logging

from sqlalchemy import func, select, update

from tools.db.engine import rowcount, session_scope
from tools.db.models import Event, Order, Reservation, Run, Shopper
from tools.db.shop import Shop
from tools.shoppers.profiles import revoke_tokens

log = logging.getLogger(__name__)


def merge_guest(shop: Shop, guest_id: str, shopper_id: str) -> dict[str, int]:
    """Move a guest's events, orders and reservations to the shopper, then drop the guest row."""
    if guest_id == shopper_id:
        return {}
    with session_scope(shop.engine) as session:
        moved = {}
        for model in (Event, Order, Run):
            moved[model.__tablename__] = rowcount(
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
                revoke_tokens(session, guest_id)  # the guest's token must not start a new guest
    log.info("merged guest %s into %s: %s", guest_id, shopper_id, moved)
    return moved
