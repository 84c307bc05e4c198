"""Google's local inventory feed (tab-separated): one row per variant and store — `store_code, id,
quantity` and optionally `price, sale_price, availability, pickup_method, pickup_sla`. The `id`
is the variant's id from the product feed; whether it and the store exist is the importer's call."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from tools.catalog.feeds.problems import RowProblems
from tools.catalog.feeds.rows import FeedProblem, FeedStock
from tools.catalog.feeds.tables import read_table
from tools.catalog.feeds.values import BadValue, clean, parse_count, parse_price

REQUIRED = ("store_code", "id", "quantity")
FIELDS = ("id", "store_code", "quantity", "price", "sale_price", "availability", "pickup_method",
          "pickup_sla")
LOCAL_AVAILABILITY = {"in_stock", "out_of_stock", "limited_availability", "on_display_to_order",
                      "preorder", "backorder"}
_ALIASES = {"itemid": "id", "item_id": "id", "store": "store_code", "storecode": "store_code"}


def stock_column(header: str) -> str:
    name = re.sub(r"[\s\-]+", "_", header.strip().lower().removeprefix("g:")).strip("_")
    return _ALIASES.get(name, name)


def read_stock(path: Path, *, max_bytes: int) -> Iterator[FeedStock | FeedProblem]:
    """The stock rows of a local inventory feed, and a problem for each row that cannot be used."""
    seen: dict[tuple[str, str], int] = {}
    for row in read_table(Path(path), max_bytes=max_bytes, delimiters="\t", what="a local inventory feed",
                          canonical=stock_column, required=REQUIRED):
        problems = RowProblems(row.line)
        cells: dict[str, str | None] = {}
        for name in FIELDS:
            try:
                cells[name] = clean(row.cells.get(name))
            except BadValue as e:
                cells[name] = None
                problems.error(name, f"{name} {e}")
            if name == "id":
                problems.id = cells["id"]
        stock = _stock(problems, cells, seen)
        if stock is None:
            yield from problems.errors
        else:
            yield from problems.warnings
            yield stock


def _quantity(raw: str) -> int:
    quantity = parse_count(raw)
    if quantity < 0:
        raise BadValue(f"quantity {quantity} is negative; write 0 when the store has none")
    return quantity


def _availability(raw: str) -> str:
    value = re.sub(r"[\s\-]+", "_", raw.lower())
    if value not in LOCAL_AVAILABILITY:
        raise BadValue(f"availability '{raw}' is not one of {', '.join(sorted(LOCAL_AVAILABILITY))}")
    return value


def _stock(problems: RowProblems, cells: dict[str, str | None], seen: dict[tuple[str, str], int]
           ) -> FeedStock | None:
    ident, store = cells["id"], cells["store_code"]
    if not ident:
        problems.error("id", "id is missing; write the variant id of the product feed")
    elif len(ident) > 64:
        problems.error("id", f"id is {len(ident)} characters; at most 64")
    if not store:
        problems.error("store_code", "store_code is missing")
    elif len(store) > 32:
        problems.error("store_code", f"store_code is {len(store)} characters; at most 32")
    if cells["quantity"] is None:
        problems.error("quantity", "quantity is missing; write the units in the store, 0 when none")
    quantity = problems.need("quantity", cells["quantity"], _quantity)
    if problems.errors or ident is None or store is None or quantity is None:
        return None
    if (store, ident) in seen:
        problems.error("id", f"id '{ident}' in store {store} is already on line {seen[store, ident]}")
        return None
    seen[store, ident] = problems.line
    return FeedStock(
        line=problems.line, store_code=store, id=ident, quantity=quantity,
        price=problems.read("price", cells["price"], lambda s: parse_price(s, "price").amount),
        sale_price=problems.read("sale_price", cells["sale_price"],
                                 lambda s: parse_price(s, "sale_price").amount),
        availability=problems.read("availability", cells["availability"], _availability),
        pickup_method=cells["pickup_method"], pickup_sla=cells["pickup_sla"])
