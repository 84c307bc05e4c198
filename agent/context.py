"""load_context: who the shopper is, what they browsed and bought, where they are — consent-aware.

Without consent only this session's browsing (last 24 hours, or sent with the turn) is used;
purchase history, stored sizes and older browsing need `consent_personalisation`.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from tools.database import session_scope
from tools.models import Event, Order, OrderLine, Shopper, Variant
from tools.shop import Shop

SESSION_WINDOW = timedelta(hours=24)
HISTORY_WINDOW = timedelta(days=730)
MAX_EVENTS = 200

_VISUAL_WORDS = ("lookbook", "video", "foto", "photo", "gallery", "ispirazione", "inspiration", "look")
_ANALYTICAL_WORDS = ("guida alle taglie", "size guide", "tabella taglie", "specifiche", "spec",
                     "confronta", "compare", "comparison", "recensioni", "reviews", "composizione")


def get_or_create_shopper(shop: Shop, shopper_id: str, language: str, now: datetime) -> dict[str, Any]:
    """An unknown id is a new guest, not an error."""
    with session_scope(shop.engine) as s:
        row = s.get(Shopper, shopper_id)
        if row is None:
            row = Shopper(id=shopper_id, is_guest=True, language=language, created_at=now,
                          known_sizes={}, consent_personalisation=False, consent_marketing=False,
                          tier="none")
            s.add(row)
            s.flush()
        return {
            "id": row.id, "name": row.name, "tier": row.tier, "is_guest": row.is_guest,
            "consent": bool(row.consent_personalisation), "language": row.language,
            "city": row.city, "department": row.department,
            "known_sizes": dict(row.known_sizes or {}),
        }


def _aware(at: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything is stored in UTC.
    from datetime import UTC

    return at if at.tzinfo else at.replace(tzinfo=UTC)


def load_history(shop: Shop, profile: dict[str, Any], now: datetime) -> tuple[list[dict[str, Any]],
                                                                                 dict[str, str], int,
                                                                                 datetime | None]:
    """Stored events (and, with consent, purchases as events), sizes bought, orders count."""
    since = now - (HISTORY_WINDOW if profile["consent"] else SESSION_WINDOW)
    events: list[dict[str, Any]] = []
    sizes: dict[str, Counter[str]] = {}
    orders = 0
    last_order: datetime | None = None
    with session_scope(shop.engine) as s:
        rows = s.scalars(
            select(Event).where(Event.shopper_id == profile["id"], Event.at >= since, Event.at <= now)
            .order_by(Event.at.desc()).limit(MAX_EVENTS)).all()
        events = [{"type": e.type, "sku": e.sku, "text": e.text, "at": _aware(e.at).isoformat()}
                  for e in rows]
        if profile["consent"]:
            lines = s.execute(
                select(Order.placed_at, Order.channel, OrderLine.sku, Variant.size, Variant.size_system)
                .join(OrderLine, OrderLine.order_id == Order.id)
                .join(Variant, Variant.id == OrderLine.variant_id, isouter=True)
                .where(Order.shopper_id == profile["id"], Order.placed_at <= now)
                .order_by(Order.placed_at.desc()).limit(MAX_EVENTS)).all()
            seen_orders: set[datetime] = set()
            for placed_at, _channel, sku, size, system in lines:
                placed = _aware(placed_at)
                seen_orders.add(placed)
                last_order = max(last_order or placed, placed)
                events.append({"type": "purchase", "sku": sku, "text": None, "at": placed.isoformat()})
                if size and system:
                    sizes.setdefault(system, Counter())[size] += 1
            orders = len(seen_orders)
    bought = {system: counts.most_common(1)[0][0] for system, counts in sizes.items()}
    return events, bought, orders, last_order


def journey_stage(profile: dict[str, Any], orders: int, last_order: datetime | None,
                  now: datetime) -> str:
    if orders == 0:
        return "new"
    if last_order is not None and now - last_order > timedelta(days=365):
        return "lapsing"
    if orders >= 5 or profile["tier"] in ("gold", "platinum"):
        return "loyal"
    return "active"


def infer_presentation(events: list[dict[str, Any]], requested: str | None) -> str:
    """The client's choice wins; else visual vs analytical browsing; else image-grid."""
    if requested:
        return requested
    visual = analytical = 0
    for event in events:
        text = (event.get("text") or "").lower()
        analytical += any(w in text for w in _ANALYTICAL_WORDS)
        visual += any(w in text for w in _VISUAL_WORDS)
    return "spec-table" if analytical > visual else "image-grid"


def request_events(raw: list[dict[str, Any]], now: datetime) -> list[dict[str, Any]]:
    """Events sent with the turn: `days_ago` becomes a time relative to the explicit now."""
    out = []
    for event in raw:
        at = event.get("at")
        if at is None:
            at = now - timedelta(days=float(event.get("days_ago") or 0))
        elif isinstance(at, str):
            at = datetime.fromisoformat(at)
        out.append({"type": event["type"], "sku": event.get("sku"), "text": event.get("text"),
                    "at": _aware(at).isoformat()})
    return out
