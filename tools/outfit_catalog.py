"""Batched candidate search for a whole look: every slot ranked on the in-memory catalog arrays,
then ONE database round trip that re-checks stock at the place and builds the product records.

It reuses the search's own mask and scoring (tools.search), so a slot's ranking matches what
search_products would return, without one database fetch per slot.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from sqlalchemy import and_, select

from tools.catalog_arrays import ALL_SIZES, CAT_CODE, COLOUR_BIT, SEASON_BIT, CatalogArrays, cents
from tools.index import Snapshot
from tools.index_text import fabric_label
from tools.lexicon import match_terms
from tools.models import Inventory, Product, Variant
from tools.search import attribute_bonus, candidate_mask, top_rows
from tools.shapes import Price, ProductHit, SearchFilters
from tools.shop import Shop

_lock = threading.Lock()
_pim: dict[int, tuple[CatalogArrays, CatalogPim]] = {}


@dataclass(frozen=True)
class CatalogPim:
    """PIM attributes the stylist needs that the search arrays do not carry, by catalog row."""

    formality: np.ndarray  # int8
    compatible: list[frozenset[str]]
    row_of_sku: dict[str, int]


def pim_of(shop: Shop, catalog: CatalogArrays) -> CatalogPim:
    """Loaded once per catalog load (the index reloads the catalog when products change)."""
    found = _pim.get(id(catalog))
    if found is not None and found[0] is catalog:
        return found[1]
    with shop.engine.connect() as conn:
        rows = conn.execute(select(Product.id, Product.formality, Product.compatible_categories)
                            ).tuples().all()
    formality = np.zeros(catalog.size, dtype=np.int8)
    compatible: list[frozenset[str]] = [frozenset()] * catalog.size
    for product_id, level, pairs in rows:
        row = int(catalog.row_of_id[product_id]) if product_id < len(catalog.row_of_id) else -1
        if row >= 0:
            formality[row] = level
            compatible[row] = frozenset(pairs or ())
    pim = CatalogPim(formality=formality, compatible=compatible,
                     row_of_sku={sku: i for i, sku in enumerate(catalog.skus)})
    with _lock:
        if len(_pim) > 4:
            _pim.clear()
        _pim[id(catalog)] = (catalog, pim)
    return pim


def compatible_of(shop: Shop, snap: Snapshot, sku: str) -> frozenset[str]:
    pim = pim_of(shop, snap.catalog)
    row = pim.row_of_sku.get(sku)
    return frozenset() if row is None else pim.compatible[row]


@dataclass(frozen=True)
class RowQuery:
    """One ranking: a slot's categories in one size, with or without the shopper's colours."""

    slot: str
    size: str  # "" = any size in stock at the place
    filters: SearchFilters
    query: str
    vector: np.ndarray | None
    coloured: bool


@dataclass(frozen=True)
class LookFilters:
    """Hard rules the search filters cannot express, applied on the arrays."""

    formality: tuple[int, int]
    seasons: tuple[str, ...]  # any of them (empty: any season)
    excluded_colours: frozenset[str]
    excluded_skus: frozenset[str]


def _extra_mask(shop: Shop, snap: Snapshot, rules: LookFilters) -> np.ndarray:
    cat = snap.catalog
    pim = pim_of(shop, cat)
    mask = (pim.formality >= rules.formality[0]) & (pim.formality <= rules.formality[1])
    if rules.seasons:
        mask &= (cat.seasons & np.uint32(sum(SEASON_BIT[s] for s in rules.seasons))) != 0
    if rules.excluded_colours:
        mask &= (cat.colours & np.uint32(sum(COLOUR_BIT[c] for c in rules.excluded_colours))) == 0
    if rules.excluded_skus:
        rows = [pim.row_of_sku[s] for s in rules.excluded_skus if s in pim.row_of_sku]
        mask[rows] = False
    return mask


def _scores(snap: Snapshot, rows: np.ndarray, wanted: RowQuery) -> np.ndarray:
    """The search's score (cosine + attribute bonus, tools.search) for the given rows.

    The cosine is a numpy einsum, not a BLAS matrix-vector product: with OpenBLAS threads competing
    for 2 busy cores, `block @ q` on a 3k x 384 block took 10-12 ms here, einsum 0.2 ms.
    """
    bonus, _ = attribute_bonus(snap, rows, match_terms(wanted.query))
    if wanted.vector is None:
        return bonus
    vector = np.asarray(wanted.vector, dtype=np.float32).reshape(-1)
    lo, hi = int(rows[0]), int(rows[-1]) + 1
    if hi - lo <= 3 * len(rows):  # a category is a contiguous block of rows: scan a view of it
        sims = np.einsum("ij,j->i", snap.vectors[lo:hi], vector)[rows - lo]
    else:
        sims = np.einsum("ij,j->i", snap.vectors[rows], vector)
    return sims + bonus


def rank_rows(shop: Shop, snap: Snapshot, wanted: RowQuery, extra: np.ndarray, best: int,
              cheapest: int) -> list[tuple[int, float]]:
    """(catalog row, score): the best-scoring rows plus the cheapest ones (for tight budgets)."""
    f = wanted.filters
    if f.size is not None and f.size not in snap.stock.size_code:
        return []
    if any(c not in CAT_CODE for c in f.categories or ()):
        return []
    rows = np.flatnonzero(candidate_mask(snap, f) & extra)
    if not len(rows):
        return []
    scores = _scores(snap, rows, wanted)
    picked = list(top_rows(scores, best))
    if cheapest and len(rows) > best:
        prices = snap.catalog.price_cents[rows]
        k = min(len(rows), cheapest + len(picked))
        head = np.argpartition(prices, k - 1)[:k] if k < len(rows) else np.arange(len(rows))
        order = head[np.lexsort((rows[head], prices[head]))]  # cheapest first, ties by row
        seen = {int(i) for i in picked}
        picked += [int(i) for i in order if int(i) not in seen][:cheapest]
    return [(int(rows[i]), float(scores[i])) for i in picked]


def fetch_candidates(shop: Shop, snap: Snapshot, place: str, queries: Sequence[RowQuery],
                     rules: LookFilters, best: int, cheapest: int
                     ) -> dict[tuple[str, bool], list[tuple[ProductHit, str]]]:
    """Per (slot, coloured): (hit, size) pairs in rank order, each re-checked in the database to
    be in stock at `place` in its size and to still pass the slot's filters."""
    extra = _extra_mask(shop, snap, rules)
    ranked = [(q, rank_rows(shop, snap, q, extra, best, cheapest)) for q in queries]
    score_of: dict[int, float] = {}
    for _, rows in ranked:
        for row, score in rows:
            score_of[int(snap.catalog.ids[row])] = score
    ids = sorted(score_of)
    hits: dict[int, ProductHit] = {}
    if ids:
        hits = _fetch_hits(shop, ids, score_of, place)
    out: dict[tuple[str, bool], list[tuple[ProductHit, str]]] = {}
    for wanted, rows in ranked:
        bucket = out.setdefault((wanted.slot, wanted.coloured), [])
        for row, _ in rows:
            hit = hits.get(int(snap.catalog.ids[row]))
            if hit is None or not _still_passes(hit, wanted):
                continue
            bucket.append((hit, wanted.size))
    return out


_HIT_COLUMNS = (Product.id, Product.sku, Product.title_it, Product.title_en, Product.department,
                Product.category, Product.subcategory, Product.brand, Product.price, Product.currency,
                Product.colours, Product.pattern, Product.fabric, Product.fit, Product.style,
                Product.formality, Product.occasions, Product.seasons, Product.image)
_SIZE_ORDER = {s: i for i, s in enumerate(ALL_SIZES)}


def _ordered(sizes: set[str]) -> list[str]:
    return sorted(sizes, key=lambda s: (_SIZE_ORDER.get(s, len(_SIZE_ORDER)), s))


def _fetch_hits(shop: Shop, ids: list[int], score_of: dict[int, float], place: str) -> dict[int, ProductHit]:
    """Fresh product records with the sizes free at `place` now (two queries for every slot).

    Leaner than the search's fetch: only the columns a look needs, so fewer JSON columns to decode.
    """
    free = Inventory.quantity - Inventory.reserved
    with shop.engine.connect() as conn:
        rows = conn.execute(select(*_HIT_COLUMNS).where(Product.id.in_(ids))).all()
        stock = conn.execute(
            select(Variant.product_id, Variant.size, Inventory.location)
            .outerjoin(Inventory, and_(Inventory.variant_id == Variant.id, Inventory.location == place,
                                       free > 0))
            .where(Variant.product_id.in_(ids))).tuples().all()
    sizes: dict[int, set[str]] = defaultdict(set)
    in_stock: dict[int, set[str]] = defaultdict(set)
    for product_id, size, location in stock:
        sizes[product_id].add(size)
        if location is not None:
            in_stock[product_id].add(size)
    hits = {}
    for r in rows:
        if not in_stock.get(r.id):
            continue
        hits[r.id] = ProductHit(
            sku=r.sku, title_it=r.title_it, title_en=r.title_en, department=r.department,
            category=r.category, subcategory=r.subcategory, brand=r.brand,
            price=Price(amount=Decimal(r.price), currency=r.currency), colours=list(r.colours or []),
            pattern=r.pattern, fabric=fabric_label(r.fabric), fit=r.fit, style=r.style,
            formality=r.formality, occasions=list(r.occasions or []), seasons=list(r.seasons or []),
            image=r.image, url=f"/products/{r.sku}", sizes=_ordered(sizes[r.id]),
            sizes_in_stock=_ordered(in_stock[r.id]), score=round(score_of[r.id], 6))
    return hits


def _still_passes(hit: ProductHit, wanted: RowQuery) -> bool:
    """The database's word on stock (in size at the place) and price, which may have moved."""
    f = wanted.filters
    if wanted.size and wanted.size not in hit.sizes_in_stock:
        return False
    if not hit.sizes_in_stock:
        return False
    price = Decimal(hit.price.amount)
    if f.max_price is not None and cents(price) > cents(f.max_price):
        return False
    if f.min_price is not None and cents(price) < cents(f.min_price):
        return False
    return not (f.colours and not set(f.colours) & set(hit.colours))
