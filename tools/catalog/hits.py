"""Turn ranked catalog rows into ProductHit records, re-checking every hard filter in the database.

The in-memory arrays can lag behind the database (a reservation just took the last unit, a price
changed): a row that no longer passes is dropped here and the caller backfills from the next ones.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, and_, bindparam, select

from tools.catalog.index_text import fabric_label
from tools.db.models import Inventory, Product, Variant
from tools.shapes import Price, ProductHit, SearchFilters

_LETTER_ORDER = {s: i for i, s in enumerate(("XXS", "XS", "S", "M", "L", "XL", "XXL", "XXXL", "TU"))}
# Only what a card shows or a filter re-checks: every JSON column costs a json.loads per row.
_PRODUCT_COLUMNS = [Product.__table__.c[name] for name in (
    "id", "sku", "title_it", "title_en", "department", "category", "subcategory", "brand", "price",
    "currency", "colours", "pattern", "fabric", "fit", "style", "formality", "occasions", "seasons",
    "image")]
_AVAILABLE = Inventory.quantity - Inventory.reserved
# Built once: building a select and its cache key per search cost ~0.5 ms of the ~3 ms fetch.
_PRODUCTS = select(*_PRODUCT_COLUMNS).where(Product.id.in_(bindparam("ids", expanding=True)),
                                             Product.retired.is_(False))
_VARIANTS_ANYWHERE = (
    select(Variant.product_id, Variant.size, Inventory.location, Variant.id)
    .outerjoin(Inventory, and_(Inventory.variant_id == Variant.id, _AVAILABLE > 0))
    .where(Variant.product_id.in_(bindparam("ids", expanding=True))))
_VARIANTS_AT = (
    select(Variant.product_id, Variant.size, Inventory.location, Variant.id)
    .outerjoin(Inventory, and_(Inventory.variant_id == Variant.id, _AVAILABLE > 0,
                               Inventory.location == bindparam("location")))
    .where(Variant.product_id.in_(bindparam("ids", expanding=True))))


def needs_stock(filters: SearchFilters) -> bool:
    return bool(filters.size or filters.location or filters.in_stock_only)


def passes_attributes(row: Any, f: SearchFilters) -> bool:
    """The non-stock hard filters, on a fresh product row. An unknown (NULL) attribute never passes
    a filter on it."""
    if f.department and row["department"] != f.department:
        return False
    if f.categories and row["category"] not in f.categories:
        return False
    if f.occasion and f.occasion not in (row["occasions"] or ()):
        return False
    if f.season and f.season not in (row["seasons"] or ()):
        return False
    if f.colours and not set(f.colours) & set(row["colours"] or ()):
        return False
    price = Decimal(row["price"])
    if f.min_price is not None and price < f.min_price:
        return False
    return not (f.max_price is not None and price > f.max_price)


def fetch_hits(engine: Engine, product_ids: list[int], scores: list[float],
               matched: list[list[str]], filters: SearchFilters,
               need: int | None = None) -> list[ProductHit | None]:
    """One ProductHit per id (same order), or None where the product fails a hard filter now.

    With `need`, stops building cards once that many pass (the rest of the list is None): the
    caller asks for a few spare ids in case stock moved, and rarely needs them.
    """
    with engine.connect() as conn:
        products = {r["id"]: r for r in (row._mapping for row in conn.execute(
            _PRODUCTS, {"ids": product_ids}))}
        if filters.location:
            variant_rows = conn.execute(_VARIANTS_AT, {"ids": product_ids,
                                                       "location": filters.location}).tuples().all()
        else:
            variant_rows = conn.execute(_VARIANTS_ANYWHERE, {"ids": product_ids}).tuples().all()
    sizes: dict[int, set[str]] = defaultdict(set)
    in_stock: dict[int, set[str]] = defaultdict(set)
    variants: dict[int, dict[str, str]] = defaultdict(dict)
    for product_id, size, location, variant_id in variant_rows:
        sizes[product_id].add(size)
        if location is not None:  # of two variants in one size (two colours), the one in stock
            in_stock[product_id].add(size)
            variants[product_id][size] = variant_id
        else:
            variants[product_id].setdefault(size, variant_id)
    out: list[ProductHit | None] = []
    built = 0
    for pid, score, matches in zip(product_ids, scores, matched, strict=True):
        row = products.get(pid)
        stocked = in_stock.get(pid, set())
        if (need is not None and built >= need) or row is None or not passes_attributes(row, filters):
            out.append(None)
            continue
        if needs_stock(filters) and (not stocked or (filters.size and filters.size not in stocked)):
            out.append(None)
            continue
        out.append(product_hit(row, sizes.get(pid, set()), stocked, score, matches, variants.get(pid)))
        built += 1
    return out


def _size_key(size: str) -> tuple[int, float, str]:
    """Numbers by value (IT, EU), ages by years ("2A"), letters by the international run."""
    if size.isdigit():
        return (0, float(size), size)
    if size.endswith("A") and size[:-1].isdigit():
        return (1, float(size[:-1]), size)
    return (2, float(_LETTER_ORDER.get(size, len(_LETTER_ORDER))), size)


def ordered_sizes(sizes: set[str]) -> list[str]:
    return sorted(sizes, key=_size_key)


def variant_id_of(hit: ProductHit, size: str) -> str:
    """The variant of a hit in a size: the one the database named, else the seed's "<sku>-<size>"
    (a hit built without its variants)."""
    return hit.variant_ids.get(size) or f"{hit.sku}-{size}"


def product_hit(row: Any, sizes: set[str], stocked: set[str], score: float, matched: list[str],
                variant_ids: dict[str, str] | None = None) -> ProductHit:
    """A hit from a products row (a mapping of its columns), its sizes and their variants."""
    return ProductHit(
        sku=row["sku"], title_it=row["title_it"], title_en=row["title_en"],
        department=row["department"], category=row["category"], subcategory=row["subcategory"],
        brand=row["brand"], price=Price(amount=Decimal(row["price"]), currency=row["currency"]),
        colours=list(row["colours"] or []), pattern=row["pattern"],
        fabric=fabric_label(row["fabric"]), fit=row["fit"], style=row["style"],
        formality=row["formality"], occasions=list(row["occasions"] or []),
        seasons=list(row["seasons"] or []), image=row["image"], url=f"/products/{row['sku']}",
        sizes=ordered_sizes(sizes), sizes_in_stock=ordered_sizes(stocked), score=round(float(score), 6),
        matched=matched, variant_ids=variant_ids or {})
