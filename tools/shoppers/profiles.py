"""Who the shopper is: their row (a guest until the shop knows them), their browsing and purchase
history as the stylist reads it, and where they are in their relationship with the brand.

Without consent only this session's browsing (last 24 hours) is read; purchase history, stored
sizes and older browsing need `consent_personalisation`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tools.clock import as_utc
from tools.db.engine import session_scope
from tools.db.models import Event, Order, OrderLine, Shopper, TokenVersion, Variant
from tools.db.shop import Shop

SESSION_WINDOW = timedelta(hours=24)
HISTORY_WINDOW = timedelta(days=730)
MAX_EVENTS = 200


def get_or_create_shopper(shop: Shop, shopper_id: str, language: str, now: datetime) -> dict[str, Any]:
    """The shopper's profile; an unknown id is a new guest, not an error."""
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


def ensure_shopper(shop: Shop, shopper_id: str, is_guest: bool) -> None:
    """The shopper row exists after this (guests get theirs on their first token)."""
    with session_scope(shop.engine) as session:
        if session.get(Shopper, shopper_id) is None:
            session.add(Shopper(id=shopper_id, is_guest=is_guest, created_at=datetime.now(UTC),
                                known_sizes={}))


def token_version(shop: Shop, shopper_id: str) -> int:
    """The generation of the shopper's tokens that is valid now (0 until one is revoked)."""
    with shop.engine.connect() as conn:
        found = conn.execute(select(TokenVersion.version).where(TokenVersion.shopper_id == shopper_id))
        return int(found.scalar() or 0)


def revoke_tokens(session: Session, shopper_id: str) -> None:
    """Every token issued to the shopper so far stops working (inside the caller's transaction)."""
    row = session.get(TokenVersion, shopper_id)
    if row is None:
        session.add(TokenVersion(shopper_id=shopper_id, version=1, changed_at=datetime.now(UTC)))
    else:
        row.version, row.changed_at = row.version + 1, datetime.now(UTC)


def shopper_exists(shop: Shop, shopper_id: str) -> bool:
    with session_scope(shop.engine) as session:
        return session.get(Shopper, shopper_id) is not None


@dataclass
class History:
    """What the stylist may read of a shopper's past, already filtered by their consent."""

    events: list[dict[str, Any]] = field(default_factory=list)  # stored browsing, purchases as events
    bought_sizes: dict[str, str] = field(default_factory=dict)  # size system -> most bought size
    orders: int = 0
    last_order: datetime | None = None


def load_history(shop: Shop, profile: dict[str, Any], now: datetime) -> History:
    """Stored events (and, with consent, purchases as events), sizes bought, orders count."""
    since = now - (HISTORY_WINDOW if profile["consent"] else SESSION_WINDOW)
    history = History()
    sizes: dict[str, Counter[str]] = {}
    with session_scope(shop.engine) as s:
        rows = s.scalars(
            select(Event).where(Event.shopper_id == profile["id"], Event.at >= since, Event.at <= now)
            .order_by(Event.at.desc()).limit(MAX_EVENTS)).all()
        history.events = [{"type": e.type, "sku": e.sku, "text": e.text, "at": as_utc(e.at).isoformat()}
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
                placed = as_utc(placed_at)
                seen_orders.add(placed)
                history.last_order = max(history.last_order or placed, placed)
                history.events.append({"type": "purchase", "sku": sku, "text": None,
                                       "at": placed.isoformat()})
                if size and system:
                    sizes.setdefault(system, Counter())[size] += 1
            history.orders = len(seen_orders)
    history.bought_sizes = {system: counts.most_common(1)[0][0] for system, counts in sizes.items()}
    return history


def journey_stage(profile: dict[str, Any], orders: int, last_order: datetime | None,
                  now: datetime) -> str:
    """new, active, loyal or lapsing: where the shopper is in their relationship with the brand."""
    if orders == 0:
        return "new"
    if last_order is not None and now - last_order > timedelta(days=365):
        return "lapsing"
    if orders >= 5 or profile["tier"] in ("gold", "platinum"):
        return "loyal"
    return "active"
