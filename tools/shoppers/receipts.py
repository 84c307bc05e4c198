"""In-store digital receipts: a till's sale joins the shopper's unified history (online orders and
store purchases in one place), reconciled by loyalty id or email."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select

from tools.clock import as_utc
from tools.db.engine import session_scope
from tools.db.models import Order, OrderLine, Product, Shopper, Store, Variant
from tools.db.shop import Shop
from tools.errors import Invalid


def add_receipt(shop: Shop, receipt_id: str, store_code: str, placed_at: datetime,
                lines: Sequence[dict[str, Any]], loyalty_id: str | None, email: str | None) -> dict[str, Any]:
    """Store the receipt as a store order; the same receipt_id twice is stored once.

    Lines are {sku, size, quantity, unit_price}. Returns order_id, the reconciled shopper_id (None
    when nobody matched) and whether it was a duplicate."""
    order_id = f"R-{receipt_id}"
    with session_scope(shop.engine) as session:
        existing = session.get(Order, order_id)
        if existing is not None:
            return {"order_id": order_id, "shopper_id": existing.shopper_id, "duplicate": True}
        if session.get(Store, store_code) is None:
            raise Invalid("unknown_store", (f"Negozio sconosciuto: {store_code}.",
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
                      placed_at=as_utc(placed_at), total=Decimal("0"))
        total = Decimal("0")
        for line in lines:
            sku, size = line["sku"], line["size"]
            # by sku and size: an imported feed names its variants its own way
            variant_id = session.scalar(select(Variant.id).join(Product, Product.id == Variant.product_id)
                                        .where(Product.sku == sku, Variant.size == size)
                                        .order_by(Variant.id).limit(1))
            if variant_id is None:
                raise Invalid("unknown_variant", (f"Articolo sconosciuto: {sku} taglia {size}.",
                                                  f"Unknown item: {sku} size {size}."))
            total += line["unit_price"] * line["quantity"]
            order.lines.append(OrderLine(variant_id=variant_id, sku=line["sku"], quantity=line["quantity"],
                                         unit_price=line["unit_price"]))
        order.total = total
        session.add(order)
    return {"order_id": order_id, "shopper_id": shopper_id, "duplicate": False}
