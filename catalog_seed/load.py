"""Load the generated shop into the commerce store (SQLite or PostgreSQL) and build the catalog index."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from catalog_seed.browsing import generate_events
from catalog_seed.products import generate_catalog
from catalog_seed.shoppers import generate_shoppers, shopper_count
from catalog_seed.stock import inventory_rows, load_stores, store_rows
from tools.catalog.index import catalog_index
from tools.db.engine import create_schema, session_scope
from tools.db.models import (
    Base,
    Event,
    Inventory,
    Order,
    OrderLine,
    Product,
    Reservation,
    ReservationItem,
    Shopper,
    Store,
    Variant,
)
from tools.db.shop import Shop

log = logging.getLogger(__name__)

REFERENCE_NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
# the attributes a retailer's feed may lack; the seed invents every one of them
SEED_ATTRIBUTES = ("department", "category", "subcategory", "brand", "description_it", "description_en",
                   "occasions", "seasons", "colours", "pattern", "fit", "style", "formality", "fabric",
                   "compatible_categories", "target_age", "emotional", "sustainability")
CHUNK = 5000
_LOAD_CACHE_KB = 512_000
# Children before parents, so foreign keys never see a dangling row.
_DELETE_ORDER = (
    ReservationItem,
    Reservation,
    OrderLine,
    Order,
    Event,
    Inventory,
    Variant,
    Product,
    Shopper,
    Store,
)


@dataclass
class SeedSummary:
    products: int
    variants: int
    stores: int
    inventory_rows: int
    shoppers: int
    orders: int
    events: int
    seconds: float
    skipped: bool


def _chunks(rows: Iterable[dict[str, Any]], size: int = CHUNK) -> Iterator[list[dict[str, Any]]]:
    it = iter(rows)
    while batch := list(islice(it, size)):
        yield batch


class _Bars:
    """Rich progress bars when asked for, nothing otherwise."""

    def __init__(self, enabled: bool) -> None:
        self.progress: Any = None
        if enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.progress = Progress(
                TextColumn("{task.description:<12}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()
            )

    def __enter__(self) -> _Bars:
        if self.progress is not None:
            self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.__exit__(*exc)

    def task(self, name: str, total: int | None) -> int | None:
        return self.progress.add_task(name, total=total) if self.progress is not None else None

    def advance(self, task: int | None, n: int) -> None:
        if self.progress is not None and task is not None:
            self.progress.advance(task, n)


def _insert(
    session: Session,
    model: type[Base],
    rows: Iterable[dict[str, Any]],
    bars: _Bars,
    name: str,
    total: int | None,
) -> int:
    task = bars.task(name, total)
    count = 0
    statement = insert(Base.metadata.tables[model.__tablename__])  # Core: ~2x faster than ORM bulk
    for batch in _chunks(rows):
        session.execute(statement, batch)
        count += len(batch)
        bars.advance(task, len(batch))
    return count


def _as_seed(products: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every seed product says where its attributes came from, as an imported one does."""
    sources = {name: "seed" for name in SEED_ATTRIBUTES}
    for row in products:
        yield {**row, "origin": "seed", "retired": False, "attribute_sources": sources}


def _existing(shop: Shop, started: float) -> SeedSummary:
    counts: dict[str, int] = {}
    with session_scope(shop.engine) as session:
        for name, model in (
            ("products", Product),
            ("variants", Variant),
            ("stores", Store),
            ("inventory_rows", Inventory),
            ("shoppers", Shopper),
            ("orders", Order),
            ("events", Event),
        ):
            counts[name] = session.scalar(select(func.count()).select_from(model)) or 0
    return SeedSummary(**counts, seconds=time.perf_counter() - started, skipped=True)


def seed_shop(
    shop: Shop,
    products: int,
    seed: int,
    if_empty: bool = False,
    build_index: bool = True,
    progress: bool = True,
) -> SeedSummary:
    """Replace the shop's content with the seed catalog, stores, stock and shoppers for `seed`."""
    started = time.perf_counter()
    create_schema(shop.engine)
    if if_empty:
        with session_scope(shop.engine) as session:
            has_products = session.scalar(select(Product.id).limit(1)) is not None
        if has_products:
            log.info("seed skipped: the catalog is already loaded")
            return _existing(shop, started)
    catalog = generate_catalog(products, seed)
    stores = load_stores()
    history = generate_shoppers(catalog, stores, shopper_count(products), seed, REFERENCE_NOW)
    events = generate_events(history.shoppers, catalog, seed, REFERENCE_NOW)
    log.info("seed generated in %.1f s", time.perf_counter() - started)
    bars: AbstractContextManager[Any] = _Bars(progress) if progress else nullcontext(_Bars(False))
    sqlite = shop.engine.dialect.name == "sqlite"
    with bars as bar, session_scope(shop.engine) as session:
        if sqlite:  # a big page cache keeps the stock indexes in memory while millions of rows go in
            session.connection().exec_driver_sql(f"PRAGMA cache_size=-{_LOAD_CACHE_KB}")
        for model in _DELETE_ORDER:
            session.execute(delete(model))
        n_stores = _insert(session, Store, store_rows(stores), bar, "stores", len(stores))
        n_products = _insert(session, Product, _as_seed(catalog.products), bar, "products",
                             len(catalog.products))
        n_variants = _insert(session, Variant, catalog.variants, bar, "variants", len(catalog.variants))
        n_stock = _insert(
            session, Inventory, inventory_rows(catalog, stores, seed, REFERENCE_NOW), bar, "stock", None
        )
        n_shoppers = _insert(session, Shopper, history.shoppers, bar, "shoppers", len(history.shoppers))
        n_orders = _insert(session, Order, history.orders, bar, "orders", len(history.orders))
        _insert(session, OrderLine, history.lines, bar, "order lines", len(history.lines))
        n_events = _insert(session, Event, events, bar, "events", len(events))
    if sqlite:  # give the pooled connection its ordinary cache back
        with shop.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA cache_size=-2000")
    summary = SeedSummary(
        products=n_products,
        variants=n_variants,
        stores=n_stores,
        inventory_rows=n_stock,
        shoppers=n_shoppers,
        orders=n_orders,
        events=n_events,
        seconds=0.0,
        skipped=False,
    )
    if build_index:
        catalog_index(shop, for_sync=True).sync(progress=progress)
    summary.seconds = time.perf_counter() - started
    log.info(
        "seeded %d products, %d variants, %d stock rows, %d shoppers, %d orders, %d events in %.1f s",
        summary.products,
        summary.variants,
        summary.inventory_rows,
        summary.shoppers,
        summary.orders,
        summary.events,
        summary.seconds,
    )
    return summary
