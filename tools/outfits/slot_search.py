"""Batched candidate search for a whole look: every slot ranked on the in-memory catalog arrays,
then ONE database round trip that re-checks stock at the place and builds the product records.

It reuses the search's own mask and scoring (tools.catalog.search), so a slot's ranking matches what
search_products would return, without one database fetch per slot.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from sqlalchemy import Connection, bindparam, select

from tools.catalog.arrays import CAT_CODE, COLOUR_BIT, SEASON_BIT, CatalogArrays, cents
from tools.catalog.hits import ordered_sizes, product_hit
from tools.catalog.index import Snapshot
from tools.catalog.search import attribute_bonus, candidate_mask, top_rows
from tools.db.models import Inventory, Product, Variant
from tools.db.shop import CacheSlot, Shop
from tools.lexicon import match_terms
from tools.shapes import Price, ProductHit, SearchFilters


@dataclass(frozen=True)
class CatalogPim:
    """PIM attributes the stylist needs that the search arrays do not carry, by catalog row."""

    formality: np.ndarray  # int8; 0 where unknown, below every goal's band
    compatible: list[frozenset[str]]
    row_of_sku: dict[str, int]


_PIM = CacheSlot[tuple[CatalogArrays, CatalogPim]]("outfit_pim")


def pim_of(shop: Shop, catalog: CatalogArrays) -> CatalogPim:
    """Loaded once per catalog load (the index reloads the catalog when products change)."""
    found = shop.peek(_PIM)
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
            formality[row] = level or 0
            compatible[row] = frozenset(pairs or ())
    pim = CatalogPim(formality=formality, compatible=compatible,
                     row_of_sku={sku: i for i, sku in enumerate(catalog.skus)})
    shop.remember(_PIM, (catalog, pim))
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


SURE_FORMALITY = 0.8  # a derived formality below this may be one step off when a slot is otherwise empty


@dataclass(frozen=True)
class LookFilters:
    """Hard rules the search filters cannot express, applied on the arrays."""

    formality: tuple[int, int]
    seasons: tuple[str, ...]  # any of them (empty: any season)
    excluded_colours: frozenset[str]
    excluded_skus: frozenset[str]
    # a thin feed's pieces (formality or seasons not known yet) may fill a slot nothing known fills,
    # and so may a piece whose derived formality is one step off the band but unsure (a guess)
    unknown_ok: bool = False


def _extra_mask(shop: Shop, snap: Snapshot, rules: LookFilters) -> np.ndarray:
    cat = snap.catalog
    pim = pim_of(shop, cat)
    mask = (pim.formality >= rules.formality[0]) & (pim.formality <= rules.formality[1])
    if rules.unknown_ok:
        near = (pim.formality >= rules.formality[0] - 1) & (pim.formality <= rules.formality[1] + 1)
        mask |= (pim.formality == 0) | (near & (cat.formality_sure < SURE_FORMALITY))
    if rules.seasons:
        in_season = (cat.seasons & np.uint32(sum(SEASON_BIT[s] for s in rules.seasons))) != 0
        mask &= (in_season | (cat.seasons == 0)) if rules.unknown_ok else in_season
    if rules.excluded_colours:
        mask &= (cat.colours & np.uint32(sum(COLOUR_BIT[c] for c in rules.excluded_colours))) == 0
    if rules.excluded_skus:
        rows = [pim.row_of_sku[s] for s in rules.excluded_skus if s in pim.row_of_sku]
        mask[rows] = False
    return mask


def _scores(snap: Snapshot, rows: np.ndarray, wanted: RowQuery) -> np.ndarray:
    """The search's score (cosine + attribute bonus, tools.catalog.search) for the given rows.

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


# Built once with expanding parameters: building `.in_(list)` per call coerced every id (~1 ms a look).
_PRICES = select(Product.id, Product.price, Product.currency, Product.content_hash).where(
    Product.id.in_(bindparam("ids", expanding=True)), Product.retired.is_(False))
_DESCRIPTIONS = select(Product.id, Product.sku, Product.title_it, Product.title_en, Product.department,
                       Product.category, Product.subcategory, Product.brand, Product.price,
                       Product.currency, Product.colours, Product.pattern, Product.fabric, Product.fit,
                       Product.style, Product.formality, Product.occasions, Product.seasons, Product.image,
                       Product.content_hash).where(
    Product.id.in_(bindparam("ids", expanding=True)))
_VARIANTS = select(Variant.product_id, Variant.id, Variant.size).where(
    Variant.product_id.in_(bindparam("ids", expanding=True)))
_FREE_AT = select(Inventory.variant_id).where(
    Inventory.location == bindparam("place"), Inventory.quantity - Inventory.reserved > 0,
    Inventory.variant_id.in_(bindparam("variants", expanding=True)))


@dataclass(frozen=True)
class _Described:
    """A product's description and size run, which change only with its record (and content_hash).
    `hit` is a template: each look copies it with the price, stock and score of the moment."""

    digest: str
    hit: ProductHit
    variants: tuple[tuple[str, str], ...]  # (variant id, size)


@dataclass
class _DescribedCache:
    by_id: dict[int, _Described] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


_DESCRIBED = CacheSlot[_DescribedCache]("outfit_described")
_DESCRIBED_MAX = 200_000


def _describe(conn: Connection, ids: list[int]) -> dict[int, _Described]:
    by_product: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for product_id, variant_id, size in conn.execute(_VARIANTS, {"ids": ids}):
        by_product[product_id].append((variant_id, size))
    found = {}
    for r in conn.execute(_DESCRIPTIONS, {"ids": ids}):
        variants = by_product[r.id]
        by_size: dict[str, str] = {}
        for variant_id, size in sorted(variants):
            by_size.setdefault(size, variant_id)
        hit = product_hit(r._mapping, set(by_size), set(), 0.0, [], by_size)
        found[r.id] = _Described(digest=r.content_hash, hit=hit, variants=tuple(variants))
    return found


def _fetch_hits(shop: Shop, ids: list[int], score_of: dict[int, float], place: str) -> dict[int, ProductHit]:
    """Product records with their current price and the sizes free at `place` now.

    Price, currency and stock come from the database on every call; descriptions are kept between
    turns while the product's content_hash is unchanged (decoding their JSON columns for every
    candidate was most of a look's database time). The hits share the template's lists: nothing
    downstream mutates a hit.
    """
    cache = shop.cached(_DESCRIBED, _DescribedCache)
    known = cache.by_id
    with shop.engine.connect() as conn:
        prices = conn.execute(_PRICES, {"ids": ids}).tuples().all()
        stale = [pid for pid, _, _, digest in prices if (d := known.get(pid)) is None or d.digest != digest]
        if stale:
            fresh = _describe(conn, stale)
            with cache.lock:
                if len(known) + len(fresh) > _DESCRIBED_MAX:
                    known.clear()
                known.update(fresh)
        described = {pid: known.get(pid) for pid, *_ in prices}
        variant_size = {vid: (pid, size) for pid, d in described.items() if d is not None
                        for vid, size in d.variants}
        stocked = conn.execute(_FREE_AT, {"place": place, "variants": list(variant_size)}).scalars().all()
    in_stock: dict[int, set[str]] = defaultdict(set)
    for vid in stocked:
        pid, size = variant_size[vid]
        in_stock[pid].add(size)
    hits = {}
    for pid, price, currency, _ in prices:
        d = described[pid]
        if d is not None and in_stock.get(pid):
            hits[pid] = d.hit.model_copy(update={
                "price": Price.model_construct(amount=Decimal(price), currency=currency),
                "sizes_in_stock": ordered_sizes(in_stock[pid]), "score": round(score_of[pid], 6)})
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
