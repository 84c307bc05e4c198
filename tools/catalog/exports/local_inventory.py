"""Google's local inventory feed: every variant each store stocks, with the units a shopper can
still reserve there (on hand minus held for pickup), the product's price and how pickup works.

Held units are `inventory.reserved`, which reserve-in-store keeps; the caller releases expired
holds first (`tools.stock.reservations.expire_reservations`), as the CLI does."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import Row, Select, func, select, tuple_
from sqlalchemy.orm import Session

from tools.catalog.exports.products_feed import DEFAULT_BASE_URL
from tools.catalog.exports.selection import (
    feed_prices,
    keyset_pages,
    local_availability,
    money,
    net_units,
    only_listed,
    own_column,
)
from tools.catalog.exports.writers import (
    ExportError,
    ExportSummary,
    Format,
    Progress,
    check_target,
    open_feed,
)
from tools.db.engine import session_scope
from tools.db.models import Inventory, Product, Store, Variant
from tools.db.shop import Shop

LOCAL_COLUMNS = ("store_code", "id", "quantity", "price", "sale_price", "availability", "pickup_method",
                 "pickup_sla")
PICKUP_SERVICE = "pickup"  # a store offering it holds reservations for pickup the same day


def _stock_statement(*columns: Any) -> Select[Any]:
    # Only stores that exist: the "online" location and stock left behind by a removed store are not local.
    return only_listed(select(*columns).select_from(Inventory)
                       .join(Store, Store.code == Inventory.location)
                       .join(Variant, Variant.id == Inventory.variant_id)
                       .join(Product, Product.id == Variant.product_id))


def _stock_page(after: tuple[Any, ...] | None, size: int) -> Select[Any]:
    # Columns, not the Product: loading it would decode its JSON attributes on every stock row.
    statement = _stock_statement(Inventory.variant_id, Inventory.location, Inventory.quantity,
                                 Inventory.reserved, Product.price, Product.currency,
                                 own_column("list_price"))
    if after is not None:
        statement = statement.where(tuple_(Inventory.variant_id, Inventory.location) > tuple_(*after))
    return statement.order_by(Inventory.variant_id, Inventory.location).limit(size)


def pickup_stores(shop: Shop) -> frozenset[str]:
    with session_scope(shop.engine) as session:
        stores = session.scalars(select(Store))
        return frozenset(s.code for s in stores if PICKUP_SERVICE in (s.services or []))


def local_row(row: Row[Any], pickup: bool) -> dict[str, str | None]:
    units = net_units(row.quantity, row.reserved)
    price, sale_price = feed_prices(row.price, row.list_price)
    return {
        "store_code": row.location,
        "id": row.variant_id,
        "quantity": str(units),
        "price": money(price, row.currency),
        "sale_price": money(sale_price, row.currency),
        "availability": local_availability(units),
        "pickup_method": "reserve" if pickup else "not supported",
        "pickup_sla": "same_day" if pickup and units > 0 else None,
    }


def count_local_rows(shop: Shop) -> int:
    with session_scope(shop.engine) as session:
        return int(session.scalar(_stock_statement(func.count())) or 0)


def export_local_inventory(shop: Shop, out: Path | TextIO, format: Format = "tsv",
                           base_url: str = DEFAULT_BASE_URL,
                           progress: Progress | None = None) -> ExportSummary:
    """Write the local inventory feed (TSV or RSS 2.0 XML); raises ExportError when no store has
    stock rows or the file cannot be written."""
    check_target(out, format)
    total = count_local_rows(shop)
    if total == 0:
        raise ExportError("no store stocks anything: nothing to export (import stores and "
                          "`sarto import inventory` first)")

    pickup = pickup_stores(shop)

    def convert(_: Session, rows: Sequence[Row[Any]]) -> list[dict[str, str | None]]:
        return [local_row(row, row.location in pickup) for row in rows]

    written = 0
    with open_feed(out, format, LOCAL_COLUMNS, "Sarto — inventario locale", base_url) as feed:
        for page in keyset_pages(shop, _stock_page, lambda row: (row.variant_id, row.location), convert):
            for values in page:
                feed.row(values)
            written += len(page)
            if progress is not None:
                progress(written, total)
    return ExportSummary(rows=written, format=format)
