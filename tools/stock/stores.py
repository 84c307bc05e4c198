"""The shop's physical stores: a per-process directory, and "which stores near me (have it)"."""

from __future__ import annotations

import logging
from typing import Any, Literal

from pydantic import Field
from sqlalchemy import select

from tools.db.engine import session_scope
from tools.db.models import Inventory, Store, Variant
from tools.db.shop import CacheSlot, Shop
from tools.geo import haversine_km, locate
from tools.lexicon import normalise
from tools.shapes import Record

log = logging.getLogger(__name__)

MAX_LIMIT = 50
MAX_QUANTITY = 20


class StoreInfo(Record):
    code: str
    name: str
    city: str
    address: str
    lat: float
    lon: float
    hours: dict[str, Any]
    services: list[str]
    phone: str | None  # None: the directory does not say


class NearbyStore(Record):
    code: str
    name: str
    city: str
    address: str
    distance_km: float | None
    hours: dict[str, Any]
    services: list[str]
    phone: str | None  # None: the directory does not say
    available: int | None = None  # units of the asked variant free to reserve there


class NearbyStores(Record):
    status: Literal["ok", "needs_location", "unknown_location", "not_found", "invalid"] = "ok"
    detail: str | None = None
    origin: tuple[float, float] | None = None
    variant_id: str | None = None
    stores: list[NearbyStore] = Field(default_factory=list)


STORE_DIRECTORY = CacheSlot[dict[str, StoreInfo]]("store_directory")


def store_map(shop: Shop) -> dict[str, StoreInfo]:
    """Every store by code, read once per shop (stores rarely change; whoever writes them calls
    `forget_store_directory`)."""
    cached = shop.peek(STORE_DIRECTORY)
    if cached is not None:
        return cached
    with session_scope(shop.engine) as session:
        rows = session.scalars(select(Store).order_by(Store.code)).all()
        stores = {
            s.code: StoreInfo(code=s.code, name=s.name, city=s.city, address=s.address, lat=s.lat,
                              lon=s.lon, hours=dict(s.hours or {}), services=list(s.services or []),
                              phone=s.phone)
            for s in rows
        }
    if stores:  # an empty shop is probably about to be seeded: do not remember it
        shop.remember(STORE_DIRECTORY, stores)
    return stores


def forget_store_directory(shop: Shop) -> None:
    """After importing or re-seeding stores: the next read sees them."""
    shop.forget(STORE_DIRECTORY)


def resolve_origin(shop: Shop, city: str | None = None, lat: float | None = None,
                   lon: float | None = None, store_code: str | None = None) -> tuple[float, float] | None:
    """The shopper's position from coordinates, a store code or a city (Italian or English name,
    or the city of one of the shop's stores); None when none of them is known."""
    if lat is not None and lon is not None:
        return locate(lat=lat, lon=lon)
    stores = store_map(shop)
    for code in (store_code, city):
        if code and code.strip().upper() in stores:
            store = stores[code.strip().upper()]
            return (store.lat, store.lon)
    if not city:
        return None
    found = locate(city=city)
    if found is not None:
        return found
    wanted = normalise(city)
    for store in stores.values():
        if normalise(store.city) == wanted:
            return (store.lat, store.lon)
    return None


def stores_by_distance(shop: Shop, origin: tuple[float, float]) -> list[tuple[float, StoreInfo]]:
    """(distance_km, store) nearest first; ties by code."""
    ranked = [(round(haversine_km(origin[0], origin[1], s.lat, s.lon), 1), s)
              for s in store_map(shop).values()]
    ranked.sort(key=lambda pair: (pair[0], pair[1].code))
    return ranked


def _available_by_store(shop: Shop, variant_id: str) -> dict[str, int] | None:
    with session_scope(shop.engine) as session:
        if session.get(Variant, variant_id) is None:
            return None
        rows = session.execute(
            select(Inventory.location, Inventory.quantity - Inventory.reserved)
            .where(Inventory.variant_id == variant_id)).all()
    return {loc: int(free) for loc, free in rows}


def find_nearby_stores(shop: Shop, city: str | None = None, lat: float | None = None,
                       lon: float | None = None, variant_id: str | None = None, quantity: int = 1,
                       limit: int = 5, service: str | None = None) -> NearbyStores:
    """Stores nearest to the shopper, optionally only those that can hand over a product now.

    Args:
        city: a city name (Italian or English, e.g. "Napoli"/"Naples") or a store code ("NA01").
        lat, lon: the shopper's coordinates (preferred over city when both are given).
        variant_id: "<sku>-<size>", e.g. "SRT-BLZ-000123-50"; then only stores with at least
            `quantity` units free (on hand minus held for pickup) are listed, with `available`.
        limit: how many stores (1-50). service: "pickup", "tailoring" or "styling".
    Returns NearbyStores: status "ok" with stores nearest first (distance_km), "needs_location"
    (all stores, no distances: ask where the shopper is), "unknown_location" (the city is not
    known), "not_found" (no such variant) or "invalid" (bad arguments, see detail).
    """
    if not 1 <= limit <= MAX_LIMIT:
        return NearbyStores(status="invalid", detail=f"limit must be between 1 and {MAX_LIMIT}")
    if not 1 <= quantity <= MAX_QUANTITY:
        return NearbyStores(status="invalid", detail=f"quantity must be between 1 and {MAX_QUANTITY}")
    if (lat is None) != (lon is None):
        return NearbyStores(status="invalid", detail="give both lat and lon, or a city")
    origin = resolve_origin(shop, city=city, lat=lat, lon=lon)
    stores = store_map(shop)
    free: dict[str, int] | None = None
    if variant_id is not None:
        free = _available_by_store(shop, variant_id)
        if free is None:
            return NearbyStores(status="not_found", variant_id=variant_id,
                                detail=f"no product variant {variant_id!r}; variant ids look like "
                                       "'<sku>-<size>'")
    candidates = list(stores.values())
    if service:
        candidates = [s for s in candidates if service in s.services]
    if free is not None:
        candidates = [s for s in candidates if free.get(s.code, 0) >= quantity]

    def distance(s: StoreInfo) -> float | None:
        return None if origin is None else round(haversine_km(origin[0], origin[1], s.lat, s.lon), 1)

    ranked = sorted(candidates, key=lambda s: (distance(s) or 0.0, s.code))[:limit]
    listed = [NearbyStore(code=s.code, name=s.name, city=s.city, address=s.address,
                          distance_km=distance(s), hours=s.hours, services=s.services, phone=s.phone,
                          available=None if free is None else free.get(s.code, 0))
              for s in ranked]
    if origin is None and (city or lat is not None):
        return NearbyStores(status="unknown_location", variant_id=variant_id, stores=listed,
                            detail=f"unknown place {city!r}; try a city name such as Milano or Roma")
    if origin is None:
        return NearbyStores(status="needs_location", variant_id=variant_id, stores=listed,
                            detail="no city or coordinates given: stores are not sorted by distance")
    return NearbyStores(status="ok", origin=origin, variant_id=variant_id, stores=listed)
