"""The scorers' own view of the truth: direct SQL on the commerce tables, never the agent's tools."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from sqlalchemy import Engine, func, select

from tools.db.engine import session_scope
from tools.db.models import Inventory, Order, OrderLine, Product, Shopper, Store, Variant


@dataclass(frozen=True)
class ProductFacts:
    sku: str
    department: str | None  # None: unknown (an imported product)
    category: str | None
    title_it: str
    title_en: str
    price: Decimal
    formality: int | None
    seasons: tuple[str, ...]
    colours: tuple[str, ...]
    compatible_categories: tuple[str, ...]
    pattern: str | None = None
    subcategory: str | None = None


@dataclass(frozen=True)
class VariantFacts:
    variant_id: str
    sku: str
    size: str
    size_system: str


@dataclass(frozen=True)
class ShopperIdentity:
    id: str
    email: str | None
    name: str | None
    loyalty_id: str | None


@dataclass
class StockSnapshot:
    """Free units (on hand minus held) per variant and location for a set of products, read in one
    query so scoring a turn costs one round trip instead of hundreds."""

    free: dict[tuple[str, str], int]  # (variant_id, location) -> units
    sizes: dict[str, dict[str, str]]  # sku -> size -> variant_id

    def available(self, variant_id: str, location: str) -> int:
        return max(0, self.free.get((variant_id, location), 0))

    def available_in_sizes(self, sku: str, location: str, sizes: list[str] | None) -> int:
        variants = self.sizes.get(sku, {})
        chosen = variants.values() if sizes is None else [variants[s] for s in sizes if s in variants]
        return sum(self.available(v, location) for v in chosen)


@dataclass
class Records:
    """Cached lookups; safe to share between threads (each query opens its own session)."""

    engine: Engine
    _products: dict[str, ProductFacts | None] = field(default_factory=dict)
    _variants: dict[str, VariantFacts | None] = field(default_factory=dict)

    def product(self, sku: str) -> ProductFacts | None:
        if sku not in self._products:
            with session_scope(self.engine) as s:
                row = s.scalars(select(Product).where(Product.sku == sku)).first()
                self._products[sku] = None if row is None else ProductFacts(
                    sku=row.sku, department=row.department, category=row.category,
                    title_it=row.title_it, title_en=row.title_en, price=Decimal(row.price),
                    formality=row.formality, seasons=tuple(row.seasons or ()),
                    colours=tuple(row.colours or ()),
                    compatible_categories=tuple(row.compatible_categories or ()), pattern=row.pattern,
                    subcategory=row.subcategory)
        return self._products[sku]

    def variant(self, variant_id: str) -> VariantFacts | None:
        if variant_id not in self._variants:
            with session_scope(self.engine) as s:
                row = s.execute(
                    select(Variant.id, Product.sku, Variant.size, Variant.size_system)
                    .join(Product, Product.id == Variant.product_id)
                    .where(Variant.id == variant_id)).first()
                self._variants[variant_id] = None if row is None else VariantFacts(*row)
        return self._variants[variant_id]

    def stock_snapshot(self, skus: set[str]) -> StockSnapshot:
        free: dict[tuple[str, str], int] = {}
        sizes: dict[str, dict[str, str]] = {}
        if skus:
            with session_scope(self.engine) as s:
                rows = s.execute(
                    select(Product.sku, Variant.id, Variant.size, Inventory.location,
                           Inventory.quantity - Inventory.reserved)
                    .join(Variant, Variant.product_id == Product.id)
                    .join(Inventory, Inventory.variant_id == Variant.id, isouter=True)
                    .where(Product.sku.in_(sorted(skus)))).all()
            for sku, variant_id, size, location, units in rows:
                sizes.setdefault(sku, {})[size] = variant_id
                if location is not None:
                    free[(variant_id, location)] = int(units or 0)
        return StockSnapshot(free, sizes)

    def units_in_size(self, department: str, categories: tuple[str, ...], size: str) -> int:
        """Units of any product of these categories in this size, anywhere (to check 'we have none')."""
        with session_scope(self.engine) as s:
            units = s.execute(
                select(func.coalesce(func.sum(Inventory.quantity - Inventory.reserved), 0))
                .select_from(Inventory)
                .join(Variant, Variant.id == Inventory.variant_id)
                .join(Product, Product.id == Variant.product_id)
                .where(Product.department == department, Product.category.in_(categories),
                       Product.retired.is_(False), Variant.size == size,
                       Inventory.quantity > Inventory.reserved)).scalar_one()
        return int(units or 0)

    def available(self, variant_id: str, location: str) -> int:
        """Units that can be sold or reserved now: on hand minus held for pickup."""
        with session_scope(self.engine) as s:
            row = s.execute(select(Inventory.quantity, Inventory.reserved).where(
                Inventory.variant_id == variant_id, Inventory.location == location)).first()
        return 0 if row is None else max(0, int(row[0]) - int(row[1] or 0))

    @cached_property
    def store_cities(self) -> dict[str, str]:
        with session_scope(self.engine) as s:
            return {code: city for code, city in s.execute(select(Store.code, Store.city))}

    def shopper_identities(self) -> list[ShopperIdentity]:
        """Everyone's identifiers, read fresh: cases create shoppers while the run goes on."""
        with session_scope(self.engine) as s:
            rows = s.execute(select(Shopper.id, Shopper.email, Shopper.name, Shopper.loyalty_id)).all()
        return [ShopperIdentity(*r) for r in rows]

    def owned_skus(self, shopper_id: str) -> set[str]:
        """What the shopper bought, online or in store (their orders and receipts)."""
        with session_scope(self.engine) as s:
            return set(s.scalars(select(OrderLine.sku).join(Order, Order.id == OrderLine.order_id)
                                 .where(Order.shopper_id == shopper_id)))

    def shopper(self, shopper_id: str) -> dict[str, Any] | None:
        with session_scope(self.engine) as s:
            row = s.get(Shopper, shopper_id)
            if row is None:
                return None
            return {"id": row.id, "email": row.email, "name": row.name, "loyalty_id": row.loyalty_id,
                    "consent": bool(row.consent_personalisation), "known_sizes": dict(row.known_sizes or {}),
                    "city": row.city}
