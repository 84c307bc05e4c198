"""Where a product can be had now, per size: online and in stores, nearest first."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Literal

from pydantic import Field
from sqlalchemy import select

from tools.db.engine import session_scope
from tools.db.models import Inventory, Product, Variant
from tools.db.shop import Shop
from tools.geo import haversine_km
from tools.shapes import AvailabilityCard, StockAt
from tools.stock.stores import StoreInfo, resolve_origin, store_map
from tools.taxonomy import LOCATION_ONLINE

_CHUNK = 2000  # ids per IN (...) list: well under SQLite's and PostgreSQL's parameter limits


class AvailabilityResult(AvailabilityCard):
    """The availability card plus what the agent needs to act: a status and every size."""

    status: Literal["ok", "out_of_stock", "not_found", "unknown_size", "invalid"] = "ok"
    detail: str | None = None
    # size -> locations with stock; filled only when no size was asked
    sizes: dict[str, list[StockAt]] = Field(default_factory=dict)
    sizes_in_stock: list[str] = Field(default_factory=list)
    size_range: list[str] = Field(default_factory=list)  # every size the product comes in
    origin: tuple[float, float] | None = None


def _stock_at(location: str, quantity: int, origin: tuple[float, float] | None,
              stores: dict[str, StoreInfo]) -> StockAt:
    store = stores.get(location)
    if store is None:
        return StockAt(location=location, quantity=quantity)
    distance = None if origin is None else round(haversine_km(origin[0], origin[1], store.lat, store.lon), 1)
    return StockAt(location=location, quantity=quantity, distance_km=distance, store_name=store.name,
                   city=store.city)


def sort_locations(locations: Iterable[StockAt]) -> list[StockAt]:
    """Online first, then stores nearest first (unknown distance last), ties by code."""
    return sorted(locations, key=lambda s: (s.location != LOCATION_ONLINE,
                                            s.distance_km is None, s.distance_km or 0.0, s.location))


def _free_stock(shop: Shop, variant_ids: Sequence[str]) -> list[tuple[str, str, int]]:
    """(variant_id, location, available) for rows with something available, in one query per chunk."""
    rows: list[tuple[str, str, int]] = []
    ids = sorted(set(variant_ids))
    with session_scope(shop.engine) as session:
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start:start + _CHUNK]
            free = Inventory.quantity - Inventory.reserved
            rows.extend((v, loc, int(q)) for v, loc, q in session.execute(
                select(Inventory.variant_id, Inventory.location, free)
                .where(Inventory.variant_id.in_(chunk), free > 0)))
    return rows


def availability_for_variants(shop: Shop, variant_ids: Sequence[str],
                              origin: tuple[float, float] | None) -> dict[str, list[StockAt]]:
    """Locations with free stock for each variant (every asked id is a key; [] when none).

    One query (per 2000 ids), so the outfit assembler can check a whole look and its alternatives.
    """
    stores = store_map(shop)
    found: dict[str, list[StockAt]] = {v: [] for v in variant_ids}
    for variant_id, location, free in _free_stock(shop, variant_ids):
        found[variant_id].append(_stock_at(location, free, origin, stores))
    return {v: sort_locations(locs) for v, locs in found.items()}


def check_availability(shop: Shop, sku: str, size: str | None = None, city: str | None = None,
                       lat: float | None = None, lon: float | None = None,
                       language: str = "it") -> AvailabilityResult:
    """Where a product is available now, online and in stores, with the distance from the shopper.

    Args:
        sku: the product code, e.g. "SRT-BLZ-000123".
        size: a size label of the product ("50", "M", "43", "TU"); omit it to see every size.
        city: the shopper's city or a store code (optional), or lat/lon: distances are from there.
    Returns AvailabilityResult: `locations` (online first, then stores nearest first; quantity is
    what can be bought or reserved now) for the size, or summed over sizes with `sizes` per size when
    no size was given; status "ok", "out_of_stock" (nothing anywhere), "not_found" (unknown sku) or
    "unknown_size" (detail lists the product's sizes).
    """
    sku = (sku or "").strip().upper()
    if not sku:
        return AvailabilityResult(status="invalid", detail="give a product sku", sku="", title="",
                                  size=size, locations=[])
    origin = resolve_origin(shop, city=city, lat=lat, lon=lon)
    with session_scope(shop.engine) as session:
        product = session.scalars(select(Product).where(Product.sku == sku)).first()
        if product is None:
            return AvailabilityResult(status="not_found", detail=f"no product with sku {sku!r}", sku=sku,
                                      title="", size=size, locations=[], origin=origin)
        title = product.title_en if language == "en" else product.title_it
        if product.retired:  # readable for past orders, but nothing to buy or reserve any more
            return AvailabilityResult(status="out_of_stock", detail=f"{sku} is no longer sold", sku=sku,
                                      title=title, size=size, locations=[], origin=origin)
        run = [(v.id, v.size) for v in session.scalars(
            select(Variant).where(Variant.product_id == product.id).order_by(Variant.id))]
    size_of = {vid: s for vid, s in run}
    if size is not None:
        wanted = size.strip().upper()
        matching = [vid for vid, s in run if s.upper() == wanted]
        if not matching:
            return AvailabilityResult(status="unknown_size", sku=sku, title=title, size=size, locations=[],
                                      origin=origin, size_range=[s for _, s in run],
                                      detail=f"{sku} comes in sizes {', '.join(s for _, s in run)}")
        variant_ids = matching
    else:
        variant_ids = [vid for vid, _ in run]
    by_variant = availability_for_variants(shop, variant_ids, origin)
    per_size: dict[str, list[StockAt]] = {size_of[v]: locs for v, locs in by_variant.items()}
    in_stock = [s for _, s in run if per_size.get(s)]
    if size is not None:
        locations = per_size[size_of[variant_ids[0]]]
        label: str | None = size_of[variant_ids[0]]
        sizes: dict[str, list[StockAt]] = {}
    else:
        totals: dict[str, int] = defaultdict(int)
        sample: dict[str, StockAt] = {}
        for locs in per_size.values():
            for loc in locs:
                totals[loc.location] += loc.quantity
                sample[loc.location] = loc
        locations = sort_locations(sample[k].model_copy(update={"quantity": q}) for k, q in totals.items())
        label, sizes = None, {s: per_size[s] for s in in_stock}
    return AvailabilityResult(status="ok" if locations else "out_of_stock", sku=sku, title=title,
                              size=label, locations=locations, sizes=sizes, sizes_in_stock=in_stock,
                              origin=origin)
