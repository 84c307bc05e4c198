"""What the exports read: which products are listed, their prices as Google writes them, and
the records in keyset pages (each page its own short read, so memory stays bounded and no long
transaction holds the database while a big feed is written)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import Row, Select, null
from sqlalchemy.orm import Session

from tools.db.engine import session_scope
from tools.db.models import Product
from tools.db.shop import Shop

PAGE_SIZE = 2000
LOW_STOCK = 2  # units at or under which a store's stock is "limited"
CENT = Decimal("0.01")

S = TypeVar("S", bound=Select[Any])
T = TypeVar("T")


def only_listed(statement: S) -> S:
    """Every export reads products through here (the statement already joins Product): retired
    products leave the feeds and the store pages."""
    return statement.where(Product.retired.is_(False))


def own(record: object, column: str) -> Any:
    """A column migration 0002 adds (gender, list_price, colour, gtin, ...): the record's own value
    when the schema has it, else None, so the exports run before and after the migration."""
    return getattr(record, column, None)


def amount(value: Decimal | float | str) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


def money(value: Decimal | None, currency: str) -> str | None:
    """Google's price format: "249.00 EUR"."""
    return None if value is None else f"{amount(value)} {currency or 'EUR'}"


def own_column(name: str) -> Any:
    """A product column migration 0002 adds, or NULL before it, so a select can name it either way."""
    column = getattr(Product, name, None)
    return (null() if column is None else column).label(name)


def feed_prices(price: Decimal, list_price: Decimal | None) -> tuple[Decimal, Decimal | None]:
    """(price, sale_price) as Google reads them: `price` is the regular price; when the product is
    on sale (a list price above `price`, what the shopper pays), `sale_price` is what they pay."""
    paid = amount(price)
    if list_price is not None and amount(list_price) > paid:
        return amount(list_price), paid
    return paid, None


def net_units(quantity: int | None, reserved: int | None) -> int:
    """Units a shopper can still have: on hand minus held for pickup, never negative."""
    return max(0, int(quantity or 0) - int(reserved or 0))


def local_availability(units: int) -> str:
    """Google's local inventory availability for the units free in a store."""
    if units <= 0:
        return "out_of_stock"
    return "limited_availability" if units <= LOW_STOCK else "in_stock"


def keyset_pages(shop: Shop, page: Callable[[tuple[Any, ...] | None, int], Select[Any]],
                 key: Callable[[Row[Any]], tuple[Any, ...]],
                 convert: Callable[[Session, Sequence[Row[Any]]], list[T]],
                 page_size: int | None = None) -> Iterator[list[T]]:
    """Pages of converted rows: `page(after, size)` selects the next rows ordered by `key`, until
    one comes back empty."""
    page_size = page_size or PAGE_SIZE
    after: tuple[Any, ...] | None = None
    while True:
        with session_scope(shop.engine) as session:
            rows = session.execute(page(after, page_size)).all()
            if not rows:
                return
            after = key(rows[-1])
            converted = convert(session, rows)
        yield converted
