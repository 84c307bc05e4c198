"""Stock levels from the retailer: absolute quantities on hand per variant and location.
(The local inventory feed for search engines is written by tools/catalog/exports.)"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from tools.catalog.index import open_index
from tools.db.engine import session_scope
from tools.db.models import Inventory, Store, Variant
from tools.db.shop import Shop
from tools.errors import Invalid
from tools.taxonomy import LOCATION_ONLINE


def set_stock(shop: Shop, updates: Sequence[dict[str, Any]]) -> int:
    """Apply {variant_id, location, quantity} updates in one transaction (all or none)."""
    now = datetime.now(UTC)
    with session_scope(shop.engine) as session:
        stores = set(session.scalars(select(Store.code)))
        for u in updates:
            if u["location"] != LOCATION_ONLINE and u["location"] not in stores:
                raise Invalid("unknown_location", (f"Luogo sconosciuto: {u['location']}.",
                                                   f"Unknown location: {u['location']}."))
            if session.get(Variant, u["variant_id"]) is None:
                raise Invalid("unknown_variant", (f"Variante sconosciuta: {u['variant_id']}.",
                                                  f"Unknown variant: {u['variant_id']}."))
            row = session.get(Inventory, (u["variant_id"], u["location"]))
            if row is None:
                session.add(Inventory(variant_id=u["variant_id"], location=u["location"],
                                      quantity=u["quantity"], reserved=0, updated_at=now))
            else:
                row.quantity, row.updated_at = u["quantity"], now
    # Search filters on a stock snapshot: refresh it if the index is open (never open it just for this).
    index = open_index(shop)
    if index is not None:
        index.refresh_stock()
    return len(updates)
