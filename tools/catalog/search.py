"""Catalog search: free text (Italian or English) plus hard filters that are never broken.

Score = cosine similarity of the query (said in both languages, tools.catalog.bilingual) to the
product text + bonuses for attributes the query names exactly in either language (category, colour,
occasion, season, style, department, fibre, pattern), computed exactly over every product that
passes the filters, then re-checked against the database.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from decimal import Decimal

import numpy as np
from sqlalchemy import select

from tools.catalog.arrays import (
    ALL_SIZES,
    CAT_CODE,
    COLOUR_BIT,
    COLOUR_KEYS,
    DEPT_CODE,
    FIBRE_BIT,
    OCC_BIT,
    PATTERN_CODE,
    SEASON_BIT,
    STYLE_CODE,
    cents,
)
from tools.catalog.bilingual import bilingual_query, match_materials
from tools.catalog.embeddings import DIMENSIONS
from tools.catalog.hits import fetch_hits, needs_stock
from tools.catalog.index import Snapshot, catalog_index
from tools.db.models import Store
from tools.db.shop import Shop
from tools.lexicon import TermMatches, match_terms, normalise
from tools.shapes import ProductHit, SearchFilters, SearchResult
from tools.taxonomy import CATEGORIES, COLOURS, DEPARTMENTS, LOCATION_ONLINE, OCCASIONS, SEASONS

MAX_QUERY_CHARS = 1000
MAX_PRICE = Decimal(100_000)
MAX_LIMIT = 100
MAX_OFFSET = 10_000

# Bonuses on top of cosine similarity (which mostly lies in 0.2-0.8 for this model).
W_CATEGORY = 0.2
W_COLOUR_PRIMARY = 0.12
W_COLOUR_ANY = 0.07
W_COLOUR_NEAR = 0.04
W_DEPARTMENT = 0.05
W_OCCASION = 0.06
W_SEASON = 0.04
W_STYLE = 0.05
W_FIBRE = 0.05
W_PATTERN = 0.05
W_POPULARITY = 0.002
_GATHER_RATIO = 4
# Shoppers say "blu" and mean navy too: a near colour earns a smaller bonus.
NEAR_COLOURS = {"blue": ("navy", "light_blue"), "navy": ("blue",), "light_blue": ("blue",),
                "grey": ("charcoal",), "charcoal": ("grey", "black"), "beige": ("camel", "cream"),
                "camel": ("beige", "brown"), "red": ("burgundy",), "burgundy": ("red",),
                "green": ("olive",), "olive": ("green",), "cream": ("white", "beige"),
                "white": ("cream",)}


class SearchError(ValueError):
    """Bad search input; the message says what is allowed."""


def _check_keys(name: str, values: list[str], allowed: Mapping[str, object]) -> None:
    bad = [v for v in values if v not in allowed]
    if bad:
        raise SearchError(f"unknown {name} {', '.join(map(repr, bad))}; allowed: {', '.join(allowed)}")


def _has_filter(f: SearchFilters) -> bool:
    return any(v not in (None, False, []) for v in f.model_dump().values())


def validate(shop: Shop, snap: Snapshot, query: str, f: SearchFilters, limit: int, offset: int,
             browse: bool = False) -> None:
    if not isinstance(query, str):
        raise SearchError("query must be text")
    if len(query) > MAX_QUERY_CHARS:
        raise SearchError(f"query is too long ({len(query)} characters; at most {MAX_QUERY_CHARS})")
    if not query.strip() and not _has_filter(f) and not browse:
        raise SearchError("say what you are looking for, or give at least one filter")
    if not 1 <= limit <= MAX_LIMIT:
        raise SearchError(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
    if not 0 <= offset <= MAX_OFFSET:
        raise SearchError(f"offset must be between 0 and {MAX_OFFSET}, got {offset}")
    if f.department is not None:
        _check_keys("department", [f.department], DEPARTMENTS)
    _check_keys("category", f.categories or [], CATEGORIES)
    _check_keys("colour", f.colours or [], COLOURS)
    if f.occasion is not None:
        _check_keys("occasion", [f.occasion], OCCASIONS)
    if f.season is not None:
        _check_keys("season", [f.season], SEASONS)
    for name, price in (("min_price", f.min_price), ("max_price", f.max_price)):
        if price is not None and (not price.is_finite() or price < 0 or price > MAX_PRICE):
            raise SearchError(f"{name} must be between 0 and {MAX_PRICE} euros, got {price}")
    if f.min_price is not None and f.max_price is not None and f.min_price > f.max_price:
        raise SearchError(f"min_price ({f.min_price}) is above max_price ({f.max_price})")
    if f.size is not None and f.size not in snap.stock.size_code:
        raise SearchError(f"unknown size {f.size!r}; sizes look like {', '.join(ALL_SIZES)}")
    if f.location is not None and f.location not in snap.stock.location_code:
        with shop.engine.connect() as conn:  # a store opened since the stock was loaded
            codes = sorted(conn.execute(select(Store.code)).scalars().all())
        if f.location not in codes:
            raise SearchError(f"unknown location {f.location!r}; use {LOCATION_ONLINE!r} or a store "
                              f"code: {', '.join(codes)}")


def candidate_mask(snap: Snapshot, f: SearchFilters) -> np.ndarray:
    """True for every product passing all hard filters, as far as the in-memory arrays know."""
    cat = snap.catalog
    mask = np.ones(cat.size, dtype=bool)
    if f.department:
        mask &= cat.department == DEPT_CODE[f.department]
    if f.categories:
        mask &= np.isin(cat.category, [CAT_CODE[c] for c in f.categories])
    if f.occasion:
        mask &= (cat.occasions & np.uint32(OCC_BIT[f.occasion])) != 0
    if f.season:
        mask &= (cat.seasons & np.uint32(SEASON_BIT[f.season])) != 0
    if f.colours:
        bits = sum(COLOUR_BIT[c] for c in set(f.colours))
        mask &= (cat.colours & np.uint32(bits)) != 0
    if f.min_price is not None:
        mask &= cat.price_cents >= cents(f.min_price)
    if f.max_price is not None:
        mask &= cat.price_cents <= cents(f.max_price)
    if needs_stock(f):
        mask &= _stock_mask(snap, f)
    return mask


def _stock_mask(snap: Snapshot, f: SearchFilters) -> np.ndarray:
    stock = snap.stock
    if f.location is None and f.size is None:
        return stock.in_stock_anywhere
    rows, sizes = stock.row, stock.size
    if f.location is not None:
        code = stock.location_code.get(f.location)
        start, end = stock.loc_span.get(code, (0, 0)) if code is not None else (0, 0)
        rows, sizes = rows[start:end], sizes[start:end]
    if f.size is not None:
        rows = rows[sizes == stock.size_code[f.size]]
    out = np.zeros(snap.catalog.size, dtype=bool)
    out[rows] = True
    return out


Matches = list[tuple[str, np.ndarray]]


def attribute_bonus(snap: Snapshot, rows: np.ndarray, terms: TermMatches) -> tuple[np.ndarray, Matches]:
    """Bonus per row, and for the 'matched' list, which exact matches each row has."""
    cat = snap.catalog
    bonus = np.zeros(len(rows), dtype=np.float32)
    hits: Matches = []

    def add(label: str, weight: float, hit: np.ndarray, sure: np.ndarray | None = None) -> None:
        # a derived attribute counts as much as the catalog is sure of it (a guessed occasion
        # ranks below a certain one)
        bonus[hit] += weight if sure is None else weight * sure[rows][hit]
        hits.append((label, hit))

    for key in terms.categories:
        add(f"category:{key}", W_CATEGORY, cat.category[rows] == CAT_CODE[key])
    colours = cat.colours[rows]
    for key in terms.colours:
        primary = cat.primary_colour[rows] == COLOUR_KEYS.index(key)
        anywhere = (colours & np.uint32(COLOUR_BIT[key])) != 0
        add(f"colour:{key}", W_COLOUR_ANY, anywhere)
        bonus[primary] += W_COLOUR_PRIMARY - W_COLOUR_ANY
        near_bits = sum(COLOUR_BIT[c] for c in NEAR_COLOURS.get(key, ()) if c not in terms.colours)
        if near_bits:
            bonus[~anywhere & ((colours & np.uint32(near_bits)) != 0)] += W_COLOUR_NEAR
    for key in terms.departments:
        add(f"department:{key}", W_DEPARTMENT, cat.department[rows] == DEPT_CODE[key])
    for key in terms.occasions:
        add(f"occasion:{key}", W_OCCASION, (cat.occasions[rows] & np.uint32(OCC_BIT[key])) != 0,
            cat.occasions_sure)
    for key in terms.seasons:
        add(f"season:{key}", W_SEASON, (cat.seasons[rows] & np.uint32(SEASON_BIT[key])) != 0,
            cat.seasons_sure)
    for key in terms.styles:
        if key in STYLE_CODE:
            add(f"style:{key}", W_STYLE, cat.style[rows] == STYLE_CODE[key], cat.style_sure)
    for key in terms.fibres:
        if key in FIBRE_BIT:
            add(f"fibre:{key}", W_FIBRE, (cat.fibres[rows] & np.uint32(FIBRE_BIT[key])) != 0)
    for key in terms.patterns:
        add(f"pattern:{key}", W_PATTERN, cat.pattern[rows] == PATTERN_CODE[key])
    bonus += W_POPULARITY * cat.popularity[rows]
    return bonus, hits


def score_rows(snap: Snapshot, rows: np.ndarray, query_vector: np.ndarray | None,
               terms: TermMatches) -> tuple[np.ndarray, Matches]:
    """Exact score of every candidate row (cosine + attribute bonus)."""
    bonus, hits = attribute_bonus(snap, rows, terms)
    if query_vector is None or not len(rows):
        return bonus, hits
    lo, hi = int(rows[0]), int(rows[-1]) + 1
    # Gathering scattered rows copies them (0.15-0.3 us a row); a product over the contiguous span
    # is a view (0.05 us a row, 100k x 384 in 5 ms, measured here): scan the span only when the
    # candidates fill more than a quarter of it.
    if len(rows) * _GATHER_RATIO >= hi - lo:
        sims = (snap.vectors[lo:hi] @ query_vector)[rows - lo]
    else:
        sims = snap.vectors[rows] @ query_vector
    return sims + bonus, hits


def top_rows(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k best scores, best first; ties by catalog order (deterministic)."""
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    part = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
    return part[np.lexsort((part, -scores[part]))]


# Italian "abito" is a suit for a man and a dress for a woman: words that say which.
_FEMININE = frozenset({"sposa", "donna", "lei", "femminile", "ragazza", "signora"})
_BRIDAL = frozenset({"sposa", "sposina"})


_AMBIGUOUS_SUIT = frozenset({"abito", "abiti"})


def _refine(query: str, terms: TermMatches) -> TermMatches:
    words = set(normalise(query).split())
    said_abito = any(kind == "category" and phrase in _AMBIGUOUS_SUIT for kind, _, phrase in terms.phrases)
    # "suit for women" is a suit: only the Italian word is a dress when a woman wears it
    if "suit" in terms.categories and said_abito and (words & _FEMININE or "womenswear" in terms.departments):
        terms.categories[terms.categories.index("suit")] = "dress"
        if "womenswear" not in terms.departments:
            terms.departments.append("womenswear")
    if words & _BRIDAL and "ceremony" not in terms.occasions:
        terms.occasions.append("ceremony")
    return terms


def _ranking_terms(query: str, f: SearchFilters) -> TermMatches:
    """What the query names (fibres and patterns too), plus the filter colours: among 'red or
    navy' items, the ones that are mostly red or navy (primary colour) come first, also when
    browsing without words."""
    terms = match_materials(query, _refine(query, match_terms(query))) if query.strip() else TermMatches()
    for colour in f.colours or ():
        if colour not in terms.colours:
            terms.colours.append(colour)
    return terms


def _query_vector(shop: Shop, query: str, terms: TermMatches,
                  given: np.ndarray | None) -> np.ndarray | None:
    if given is not None:
        vec = np.asarray(given, dtype=np.float32).reshape(-1)
        if vec.shape != (DIMENSIONS,) or not np.isfinite(vec).all():
            raise SearchError(f"query_vector must be {DIMENSIONS} finite numbers")
        return vec
    if not query.strip():
        return None
    # the catalog may be written in the other language: embed the query said in both
    return catalog_index(shop).embedder.encode([bilingual_query(query, terms)])[0]


def search_products(shop: Shop, query: str, filters: SearchFilters | None = None, limit: int = 20,
                    offset: int = 0, query_vector: np.ndarray | None = None,
                    browse: bool = False) -> SearchResult:
    """Find products for free text (Italian or English) that pass every hard filter.

    Hits carry the sizes in stock at the filtered location (else anywhere). An empty query with
    filters browses (ranked by the filters' attribute matches and popularity); with no filters
    either it is refused unless `browse` (the shop's own listing) asks for the whole catalog.
    """
    started = time.perf_counter()
    f = filters or SearchFilters()
    index = catalog_index(shop)
    snap = index.snapshot
    assert snap is not None
    validate(shop, snap, query, f, limit, offset, browse)
    timings: dict[str, float] = {}
    t = time.perf_counter()
    terms = _ranking_terms(query, f)
    vector = _query_vector(shop, query, terms, query_vector)
    timings["embed_ms"] = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    rows = np.flatnonzero(candidate_mask(snap, f))
    if vector is not None:
        vector = np.where(np.isfinite(vector), vector, 0).astype(np.float32)
    scores, matches = score_rows(snap, rows, vector, terms)
    timings["rank_ms"] = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    hits = _verified_top(shop, snap, rows, scores, matches, f, offset + limit)
    timings["fetch_ms"] = (time.perf_counter() - t) * 1000
    timings["total_ms"] = (time.perf_counter() - started) * 1000
    return SearchResult(query=query, filters=f, hits=hits[offset:offset + limit],
                        total_candidates=len(rows),
                        timings_ms={k: round(v, 3) for k, v in timings.items()})


def browse_products(shop: Shop, query: str, filters: SearchFilters | None = None, limit: int = 20,
                    offset: int = 0) -> SearchResult:
    """What a shopper sees in the shop's listing: the search for their words and filters, or, with
    neither, the whole catalog most popular first. A price range whose minimum is above its maximum,
    or a size no product comes in (a retailer's feed has its own labels), holds no products (the
    search tool, for a model that can fix its call, refuses both instead)."""
    f = filters or SearchFilters()
    if f.min_price is not None and f.max_price is not None and f.min_price > f.max_price:
        return SearchResult(query=query, filters=f, hits=[], total_candidates=0)
    if f.size is not None:
        snap = catalog_index(shop).snapshot
        if snap is not None and f.size not in snap.stock.size_code:
            return SearchResult(query=query, filters=f, hits=[], total_candidates=0)
    return search_products(shop, query, f, limit, offset, browse=True)


def _verified_top(shop: Shop, snap: Snapshot, rows: np.ndarray, scores: np.ndarray,
                  matches: Matches, f: SearchFilters, need: int) -> list[ProductHit]:
    """The best `need` candidates that still pass every hard filter in the database."""
    hits: list[ProductHit] = []
    taken = 0
    k = need + (need // 2 + 5 if needs_stock(f) else 0)
    order = top_rows(scores, k)
    while taken < len(rows):
        batch = order[taken:]
        ids = [int(i) for i in snap.catalog.ids[rows[batch]]]
        labels = [[label for label, hit in matches if hit[i]] for i in batch]
        fetched = fetch_hits(shop.engine, ids, [float(scores[i]) for i in batch], labels, f,
                             need=need - len(hits))
        hits.extend(h for h in fetched if h is not None)
        taken = len(order)
        if len(hits) >= need or taken >= len(rows):
            break
        # Stock moved since the arrays were loaded: look further down the ranking.
        k = min(len(rows), max(2 * k, need * 4))
        order = top_rows(scores, k)
    return hits[:need]

