"""A digest of a shop's seeded content, equal across databases: same seed, same digest."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, select

from tools.db.models import Event, Inventory, Order, OrderLine, Product, Shopper, Store, Variant


def _norm(value: Any) -> str:
    # SQLite hands back naive datetimes and float-ish numerics; PostgreSQL aware ones and Decimals.
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    if isinstance(value, Decimal | float):
        return str(Decimal(str(value)).quantize(Decimal("0.01")))
    return repr(value)


def shop_digest(engine: Engine) -> str:
    """sha256 over products, variants, stock, stores, shoppers, orders and events, in a stable order."""
    queries = (
        select(
            Product.sku,
            Product.price,
            Product.title_it,
            Product.title_en,
            Product.colours,
            Product.formality,
            Product.fabric,
            Product.content_hash,
        ).order_by(Product.sku),
        select(Variant.id, Variant.size, Variant.size_system).order_by(Variant.id),
        select(Inventory.variant_id, Inventory.location, Inventory.quantity).order_by(
            Inventory.variant_id, Inventory.location
        ),
        select(Store.code, Store.lat, Store.lon, Store.hours).order_by(Store.code),
        select(Shopper.id, Shopper.email, Shopper.known_sizes, Shopper.created_at).order_by(Shopper.id),
        select(Order.id, Order.channel, Order.store_code, Order.total, Order.placed_at).order_by(Order.id),
        select(OrderLine.order_id, OrderLine.variant_id, OrderLine.quantity).order_by(
            OrderLine.order_id, OrderLine.variant_id, OrderLine.quantity
        ),
        select(Event.shopper_id, Event.at, Event.type, Event.sku, Event.text).order_by(
            Event.shopper_id, Event.at, Event.type, Event.sku, Event.text
        ),
    )
    digest = hashlib.sha256()
    with engine.connect() as connection:
        for query in queries:
            for row in connection.execute(query):
                digest.update("|".join(_norm(v) for v in row).encode())
                digest.update(b"\n")
    return digest.hexdigest()
