"""Product records as the surfaces read them: the detail a product page shows, and the facts goal
inference weighs for the products a shopper looked at."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from tools.db.engine import session_scope
from tools.db.models import Product
from tools.db.shop import Shop
from tools.shapes import ProductFacts
from tools.taxonomy import ENRICHED_ATTRIBUTES


@dataclass(frozen=True)
class ProductRecord:
    columns: dict[str, Any]  # every PIM column but the internal id and content hash
    sizes: list[dict[str, str]]  # variant_id, size, size_system
    content_hash: str  # changes whenever what a shopper reads of the product changes


def product_record(shop: Shop, sku: str) -> ProductRecord | None:
    """The product with this sku, or None."""
    with session_scope(shop.engine) as session:
        product = session.scalar(select(Product).where(Product.sku == sku))
        if product is None:
            return None
        return ProductRecord(
            columns={c.key: getattr(product, c.key) for c in Product.__table__.columns
                     if c.key not in ("id", "content_hash")},
            sizes=[{"variant_id": v.id, "size": v.size, "size_system": v.size_system}
                   for v in product.variants],
            content_hash=product.content_hash)


def attribute_provenance(columns: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each attribute the stylist reasons with: its value, where it came from and how sure that is
    (a value with no confidence recorded is the seed's or the retailer's own: certain)."""
    sources = columns.get("attribute_sources") or {}
    confidence = columns.get("attribute_confidence") or {}
    out: dict[str, dict[str, Any]] = {}
    for name in ENRICHED_ATTRIBUTES:
        value = columns.get(name)
        known = value not in (None, [], "")
        out[name] = {"value": value if known else None,
                     "source": sources.get(name) if known else None,
                     "confidence": float(confidence.get(name, 1.0)) if known else 0.0}
    return out


def product_facts(shop: Shop, skus: Iterable[str | None]) -> dict[str, ProductFacts]:
    """What goal inference weighs of each product; unknown skus are left out."""
    wanted = sorted({s for s in skus if s})
    if not wanted:
        return {}
    with session_scope(shop.engine) as s:
        rows = s.execute(select(Product.sku, Product.department, Product.category, Product.occasions,
                                Product.formality, Product.seasons).where(Product.sku.in_(wanted))).all()
    return {r.sku: ProductFacts(sku=r.sku, department=r.department, category=r.category,
                                occasions=tuple(r.occasions or ()), formality=r.formality,
                                seasons=tuple(r.seasons or ())) for r in rows}
