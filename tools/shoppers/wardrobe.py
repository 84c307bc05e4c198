"""What the shopper already owns that goes with a look: pieces bought online or in store (read only
with consent: the caller passes the SKUs the consented history holds), by the look's own slots."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from tools.budget import outfit_total
from tools.db.engine import session_scope
from tools.db.models import Order, OrderLine, Product, Store
from tools.db.shop import Shop
from tools.taxonomy import GOALS

MAX_MENTIONED = 2  # a stylist names one or two pieces, not the whole wardrobe


def owned_that_fit(shop: Shop, shopper_id: str, owned_skus: Sequence[str], goal: str, department: str,
                   card: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Owned pieces that could take a slot of this look (same kind of piece, formal enough for the
    goal), newest purchase first, with where they were bought and the piece of the look they could
    stand in for."""
    spec = GOALS.get(goal)
    if not owned_skus or spec is None or department not in spec.slots:
        return []
    slot_of = {c: s.key for group in spec.slots[department] for s in group for c in s.categories}
    in_look = {str(i.get("slot")): i for i in card.get("items") or []}
    lo, hi = spec.formality
    out: list[dict[str, Any]] = []
    with session_scope(shop.engine) as s:
        rows = s.execute(
            select(Product.sku, Product.title_it, Product.title_en, Product.category, Product.formality,
                   Product.department, Order.channel, Store.name)
            .join(OrderLine, OrderLine.sku == Product.sku)
            .join(Order, Order.id == OrderLine.order_id)
            .join(Store, Store.code == Order.store_code, isouter=True)
            .where(Order.shopper_id == shopper_id, Product.sku.in_(list(owned_skus)))
            .order_by(Order.placed_at.desc())).all()
    seen: set[str] = set()
    for sku, title_it, title_en, category, formality, dept, channel, store in rows:
        slot = slot_of.get(category or "")
        if sku in seen or slot not in in_look or dept != department:
            continue
        if formality is None or not lo <= formality <= hi:  # unknown formality: not vouched for
            continue
        seen.add(sku)
        item = in_look[slot]
        price = Decimal(str((item.get("price") or {}).get("amount") or 0))
        total = Decimal(str((card.get("total") or {}).get("amount") or 0))
        out.append({"sku": sku, "title_it": title_it, "title_en": title_en, "slot": slot,
                    "store": store if channel == "store" else None, "instead_of": item.get("sku"),
                    "total_without": float(outfit_total([total - price]))})
        if len(out) == MAX_MENTIONED:
            break
    return out
