"""What a store has on its shelves now, for its public page: the products with units a shopper can
still reserve there (on hand minus held), grouped by department and category, the most stocked
first. Read straight from the records, so a sale or a reservation shows on the next request."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import noload

from tools.catalog.exports.labels import category_label, department_label
from tools.catalog.exports.selection import feed_prices, only_listed, own
from tools.db.engine import session_scope
from tools.db.models import Inventory, Product, Store, Variant
from tools.db.shop import Shop
from tools.taxonomy import CATEGORIES, DEPARTMENTS, SIZE_RUNS

PER_SECTION = 24  # products shown per category: a flagship's page stays readable and light
OTHER_IT = "Altro"


@dataclass(frozen=True)
class StoreFacts:
    code: str
    name: str
    city: str
    address: str
    lat: float
    lon: float
    hours: dict[str, Any]
    services: tuple[str, ...]
    phone: str | None
    postal_code: str | None
    country: str | None


@dataclass(frozen=True)
class ShelfItem:
    sku: str
    title: str
    brand: str | None
    price: Decimal  # what the shopper pays
    list_price: Decimal | None  # the price before a sale, when on sale
    currency: str
    units: int  # free to reserve, all sizes together
    sizes: tuple[str, ...]  # sizes with a unit free
    image: str | None


@dataclass(frozen=True)
class ShelfSection:
    department: str | None
    category: str | None
    heading: str  # "Giacche"
    items: tuple[ShelfItem, ...]
    in_stock: int  # products of the section in stock (items shows at most PER_SECTION)


@dataclass(frozen=True)
class DepartmentShelf:
    department: str | None
    heading: str  # "Uomo"
    sections: tuple[ShelfSection, ...]


@dataclass(frozen=True)
class StoreShelf:
    store: StoreFacts
    departments: tuple[DepartmentShelf, ...]

    @property
    def products_in_stock(self) -> int:
        return sum(s.in_stock for d in self.departments for s in d.sections)

    @property
    def categories(self) -> list[str]:
        """Category headings, the best stocked first."""
        sections = [s for d in self.departments for s in d.sections if s.category]
        return list(dict.fromkeys(s.heading for s in sorted(sections, key=lambda s: -s.in_stock)))


def _facts(store: Store) -> StoreFacts:
    return StoreFacts(code=store.code, name=store.name, city=store.city, address=store.address,
                      lat=store.lat, lon=store.lon, hours=dict(store.hours or {}),
                      services=tuple(store.services or ()), phone=store.phone or None,
                      postal_code=own(store, "postal_code"), country=own(store, "country"))


def store_directory(shop: Shop) -> list[StoreFacts]:
    """Every store, by city then name."""
    with session_scope(shop.engine) as session:
        stores = session.scalars(select(Store).order_by(Store.city, Store.name, Store.code))
        return [_facts(s) for s in stores]


def _net() -> Any:
    free = Inventory.quantity - Inventory.reserved
    return case((free > 0, free), else_=0)


def _size_order(size: str, department: str | None) -> tuple[int, str]:
    for runs in SIZE_RUNS.values():
        run = runs.get(department or "", ())
        if size in run:
            return run.index(size), size
    return 999, size


def _order(department: str | None, category: str | None) -> tuple[int, int]:
    departments, categories = list(DEPARTMENTS), list(CATEGORIES)
    return (departments.index(department) if department in departments else len(departments),
            categories.index(category) if category in categories else len(categories))


def store_shelf(shop: Shop, code: str, per_section: int = PER_SECTION) -> StoreShelf | None:
    """The store's shelf now, or None for an unknown store code."""
    with session_scope(shop.engine) as session:
        store = session.get(Store, code)
        if store is None:
            return None
        facts = _facts(store)
        units = func.sum(_net()).label("units")
        stocked = session.execute(only_listed(
            select(Product.id, Product.sku, Product.department, Product.category, units)
            .select_from(Inventory).join(Variant, Variant.id == Inventory.variant_id)
            .join(Product, Product.id == Variant.product_id)
            .where(Inventory.location == code)
            .group_by(Product.id, Product.sku, Product.department, Product.category)
            .having(units > 0))).all()
        grouped: dict[tuple[str | None, str | None], list[Any]] = defaultdict(list)
        for row in stocked:
            grouped[(row.department, row.category)].append(row)
        shown = {key: sorted(rows, key=lambda r: (-r.units, r.sku))[:per_section]
                 for key, rows in grouped.items()}
        ids = [r.id for rows in shown.values() for r in rows]
        products = {p.id: p for p in session.scalars(
            select(Product).where(Product.id.in_(ids)).options(noload(Product.variants)))} if ids else {}
        sizes: dict[int, list[str]] = defaultdict(list)
        for product_id, size in session.execute(
                select(Variant.product_id, Variant.size).join(Inventory, Inventory.variant_id == Variant.id)
                .where(Inventory.location == code, Variant.product_id.in_(ids), _net() > 0)):
            sizes[product_id].append(size)

        def item(row: Any) -> ShelfItem:
            product = products[row.id]
            regular, sale = feed_prices(product.price, own(product, "list_price"))
            return ShelfItem(
                sku=product.sku, title=product.title_it or product.title_en or product.sku,
                brand=product.brand or None, price=sale if sale is not None else regular,
                list_price=regular if sale is not None else None, currency=product.currency or "EUR",
                units=int(row.units), image=product.image or None,
                sizes=tuple(sorted(sizes[row.id], key=lambda s: _size_order(s, product.department))))

        by_department: dict[str | None, list[ShelfSection]] = defaultdict(list)
        for (department, category), rows in sorted(shown.items(), key=lambda kv: _order(*kv[0])):
            by_department[department].append(ShelfSection(
                department=department, category=category,
                heading=category_label(category, "it") or OTHER_IT,
                items=tuple(item(r) for r in rows), in_stock=len(grouped[(department, category)])))
    return StoreShelf(store=facts, departments=tuple(
        DepartmentShelf(department=d, heading=department_label(d, "it") or OTHER_IT, sections=tuple(s))
        for d, s in by_department.items()))
