"""The catalog's filterable attributes and stock as numpy arrays, for exact filtered search.

Rows are ordered by department, category and sku, so a category is a contiguous slice of the
vector matrix. Multi-valued attributes (occasions, seasons, colours) are bitmasks. An unknown
attribute (NULL) is code -1 or no bits, which no filter matches. Retired products are not loaded:
nothing built on these arrays (search, outfits, alternatives) can offer them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
from sqlalchemy import Engine, func, select

from tools.catalog.index_text import content_hash, index_text
from tools.db.models import Inventory, OrderLine, Product, Store, Variant
from tools.taxonomy import (
    CATEGORIES,
    COLOURS,
    DEPARTMENTS,
    FIBRES,
    LOCATION_ONLINE,
    OCCASIONS,
    PATTERNS,
    SEASONS,
    SIZE_RUNS,
    STYLES,
)

DEPT_KEYS = tuple(DEPARTMENTS)
CAT_KEYS = tuple(CATEGORIES)
OCC_KEYS = tuple(OCCASIONS)
SEASON_KEYS = tuple(SEASONS)
COLOUR_KEYS = tuple(COLOURS)
STYLE_KEYS = tuple(STYLES)
DEPT_CODE = {k: i for i, k in enumerate(DEPT_KEYS)}
CAT_CODE = {k: i for i, k in enumerate(CAT_KEYS)}
OCC_BIT = {k: 1 << i for i, k in enumerate(OCC_KEYS)}
SEASON_BIT = {k: 1 << i for i, k in enumerate(SEASON_KEYS)}
COLOUR_BIT = {k: 1 << i for i, k in enumerate(COLOUR_KEYS)}
STYLE_CODE = {k: i for i, k in enumerate(STYLE_KEYS)}
FIBRE_BIT = {k: 1 << i for i, k in enumerate(FIBRES)}
PATTERN_CODE = {k: i for i, k in enumerate(PATTERNS)}
# A fibre names the garment when it is a fair part of it: "cotton shirt" is not the 3% elastane.
_MAIN_FIBRE_PCT = 30
ALL_SIZES: tuple[str, ...] = tuple(dict.fromkeys(
    s for runs in SIZE_RUNS.values() for run in runs.values() for s in run))

_PRODUCT_COLUMNS = (Product.id, Product.sku, Product.department, Product.category,
                    Product.subcategory, Product.title_it, Product.title_en, Product.price,
                    Product.occasions, Product.seasons, Product.colours, Product.fabric,
                    Product.style, Product.pattern, Product.attribute_confidence,
                    Product.attribute_sources)


def _bits(values: Any, table: dict[str, int]) -> int:
    out = 0
    for v in values or ():
        out |= table.get(v, 0)
    return out


def _main_fibres(fabric: Any) -> int:
    out = 0
    for part in fabric or ():
        pct = part.get("pct")
        if pct is None or pct >= _MAIN_FIBRE_PCT:
            out |= FIBRE_BIT.get(str(part.get("fibre")), 0)
    return out


def _sure(confidence: Any, attribute: str) -> float:
    """How sure the catalog is of one attribute: no entry means certain (the seed, a feed's word)."""
    value = (confidence or {}).get(attribute)
    try:
        return min(1.0, max(0.0, float(value))) if value is not None else 1.0
    except (TypeError, ValueError):
        return 1.0


def _sureness(rows: list[dict[str, Any]], attribute: str) -> np.ndarray:
    return np.array([_sure(r["attribute_confidence"], attribute) for r in rows], dtype=np.float32)


def cents(amount: Decimal | float) -> int:
    return int((Decimal(str(amount)) * 100).to_integral_value())


@dataclass
class CatalogArrays:
    ids: np.ndarray  # int64 product id per row
    skus: list[str]
    texts: list[str]
    hashes: list[str]
    department: np.ndarray  # int8 code
    category: np.ndarray  # int16 code
    price_cents: np.ndarray  # int64
    occasions: np.ndarray  # uint32 bits
    seasons: np.ndarray  # uint32 bits
    colours: np.ndarray  # uint32 bits, every colour of the product
    primary_colour: np.ndarray  # int8 code, -1 unknown
    style: np.ndarray  # int8 code, -1 unknown
    fibres: np.ndarray  # uint32 bits, the fibres that make up a fair part of the fabric
    pattern: np.ndarray  # int8 code, -1 unknown
    # float32 0..1 per row: how sure a derived attribute is (1.0 = certain, also when unknown)
    occasions_sure: np.ndarray
    seasons_sure: np.ndarray
    style_sure: np.ndarray
    formality_sure: np.ndarray
    popularity: np.ndarray  # float32, log of units sold
    row_of_id: np.ndarray  # int32 lookup product id -> row, -1 when absent

    @property
    def size(self) -> int:
        return len(self.skus)


def load_catalog(engine: Engine, space: str) -> CatalogArrays:
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(
            select(*_PRODUCT_COLUMNS).where(Product.retired.is_(False)))]
        sold = dict(conn.execute(select(OrderLine.sku, func.sum(OrderLine.quantity))
                                 .group_by(OrderLine.sku)).tuples().all())
    rows.sort(key=lambda r: (DEPT_CODE.get(r["department"], 99), CAT_CODE.get(r["category"], 999),
                             r["sku"]))
    texts = [index_text(r) for r in rows]
    ids = np.array([r["id"] for r in rows], dtype=np.int64)
    row_of_id = np.full(int(ids.max()) + 1 if len(ids) else 1, -1, dtype=np.int32)
    row_of_id[ids] = np.arange(len(ids), dtype=np.int32)
    return CatalogArrays(
        ids=ids,
        skus=[r["sku"] for r in rows],
        texts=texts,
        hashes=[content_hash(t, space) for t in texts],
        department=np.array([DEPT_CODE.get(r["department"], -1) for r in rows], dtype=np.int8),
        category=np.array([CAT_CODE.get(r["category"], -1) for r in rows], dtype=np.int16),
        price_cents=np.array([cents(r["price"]) for r in rows], dtype=np.int64),
        occasions=np.array([_bits(r["occasions"], OCC_BIT) for r in rows], dtype=np.uint32),
        seasons=np.array([_bits(r["seasons"], SEASON_BIT) for r in rows], dtype=np.uint32),
        colours=np.array([_bits(r["colours"], COLOUR_BIT) for r in rows], dtype=np.uint32),
        primary_colour=np.array([COLOUR_KEYS.index(r["colours"][0])
                                 if r["colours"] and r["colours"][0] in COLOUR_BIT else -1
                                 for r in rows], dtype=np.int8),
        style=np.array([STYLE_CODE.get(r["style"], -1) for r in rows], dtype=np.int8),
        fibres=np.array([_main_fibres(r["fabric"]) for r in rows], dtype=np.uint32),
        pattern=np.array([PATTERN_CODE.get(r["pattern"], -1) for r in rows], dtype=np.int8),
        occasions_sure=_sureness(rows, "occasions"),
        seasons_sure=_sureness(rows, "seasons"),
        style_sure=_sureness(rows, "style"),
        formality_sure=_sureness(rows, "formality"),
        popularity=np.log1p(np.array([float(sold.get(r["sku"], 0) or 0) for r in rows],
                                     dtype=np.float32)),
        row_of_id=row_of_id,
    )


@dataclass
class StockArrays:
    """Available units (on hand minus held) > 0, one entry per (variant, location)."""

    row: np.ndarray  # int32 catalog row
    size: np.ndarray  # int16 size code
    location: np.ndarray  # int16 location code; entries sorted by location
    loc_span: dict[int, tuple[int, int]]
    in_stock_anywhere: np.ndarray  # bool per catalog row
    size_code: dict[str, int] = field(default_factory=dict)
    location_code: dict[str, int] = field(default_factory=dict)


def load_stock(engine: Engine, catalog: CatalogArrays) -> StockArrays:
    available = Inventory.quantity - Inventory.reserved
    query = (select(Variant.product_id, Variant.size, Inventory.location)
             .join(Variant, Variant.id == Inventory.variant_id).where(available > 0))
    with engine.connect() as conn:
        entries = conn.execute(query).tuples().all()
        stores = conn.execute(select(Store.code)).scalars().all()
    size_code = {s: i for i, s in enumerate(ALL_SIZES)}
    location_code = {LOCATION_ONLINE: 0}
    for code in sorted(stores):
        location_code.setdefault(code, len(location_code))
    for _, size, location in entries:  # labels the taxonomy does not know still filter exactly
        if size not in size_code:
            size_code[size] = len(size_code)
        if location not in location_code:
            location_code[location] = len(location_code)
    n = len(entries)
    product_ids = np.fromiter((e[0] for e in entries), dtype=np.int64, count=n)
    known = product_ids < len(catalog.row_of_id)
    rows = np.where(known, catalog.row_of_id[np.where(known, product_ids, 0)], -1)
    sizes = np.fromiter((size_code[e[1]] for e in entries), dtype=np.int16, count=n)
    locations = np.fromiter((location_code[e[2]] for e in entries), dtype=np.int16, count=n)
    keep = rows >= 0
    rows, sizes, locations = rows[keep].astype(np.int32), sizes[keep], locations[keep]
    order = np.lexsort((rows, locations))
    rows, sizes, locations = rows[order], sizes[order], locations[order]
    loc_span: dict[int, tuple[int, int]] = {}
    if len(locations):
        codes, starts = np.unique(locations, return_index=True)
        ends = np.append(starts[1:], len(locations))
        loc_span = {int(c): (int(s), int(e)) for c, s, e in zip(codes, starts, ends, strict=True)}
    anywhere = np.zeros(catalog.size, dtype=bool)
    anywhere[rows] = True
    return StockArrays(row=rows, size=sizes, location=locations, loc_span=loc_span,
                       in_stock_anywhere=anywhere, size_code=size_code, location_code=location_code)
