"""Browsing events the storefront and the app send, stored for goal inference."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from tools.clock import CLOCK_SKEW, as_utc
from tools.db.engine import session_scope
from tools.db.models import Event, Shopper
from tools.db.shop import Shop
from tools.errors import Conflict, NotFound
from tools.shapes import BrowsingEvent


def add_events(shop: Shop, shopper_id: str, events: Sequence[BrowsingEvent], channel: str) -> int:
    """Store the events (all or none); one dated in the future refuses the batch."""
    now = datetime.now(UTC)
    with session_scope(shop.engine) as session:
        if session.get(Shopper, shopper_id) is None:
            raise NotFound("shopper")
        for e in events:
            at = as_utc(e.at or (now - timedelta(days=e.days_ago) if e.days_ago is not None else now))
            if at > now + CLOCK_SKEW:  # the device's clock is wrong: the shop's is the one that counts
                raise Conflict("in_the_future", ("Un evento ha una data nel futuro.",
                                                 "An event is dated in the future."))
            session.add(Event(shopper_id=shopper_id, type=e.type, sku=e.sku, text=e.text, at=at,
                              channel=channel))
    return len(events)
