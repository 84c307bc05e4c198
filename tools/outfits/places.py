"""Where a look can be had in one go: online, or one store near the shopper (single-trip pickup)."""

from __future__ import annotations

from tools.db.shop import Shop
from tools.geo import haversine_km
from tools.shapes import Location
from tools.stock.stores import resolve_origin, store_map, stores_by_distance
from tools.taxonomy import LOCATION_ONLINE

NEAR_KM = 60.0
MAX_STORES = 3


def _near_stores(shop: Shop, point: tuple[float, float], first: str | None = None) -> list[str]:
    codes = [first] if first else []
    for distance, store in stores_by_distance(shop, point):
        if len(codes) >= MAX_STORES or distance > NEAR_KM:
            break
        if store.code not in codes and "pickup" in store.services:
            codes.append(store.code)
    return codes


def plan_places(shop: Shop, location: Location | None, origin: tuple[float, float] | None,
                notes: list[str]) -> tuple[list[str], tuple[float, float] | None, dict[str, str]]:
    """Places to try in order, the point distances are measured from, and display names.

    A city or store from the shopper → the nearest stores (up to 3 within 60 km) first, then online.
    Otherwise online first, then the stores nearest to the shopper's position if it is known.
    """
    stores = store_map(shop)
    names = {LOCATION_ONLINE: "Online"} | {code: s.name for code, s in stores.items()}
    point: tuple[float, float] | None = None
    store_code = None
    if location is not None:
        code = (location.store_code or "").strip().upper()
        if code and code in stores:
            store_code = code
        elif code:
            notes.append(f"unknown store {location.store_code!r}")
        point = resolve_origin(shop, city=location.city, lat=location.lat, lon=location.lon,
                               store_code=store_code)
        if point is None and (location.city or location.lat is not None):
            notes.append(f"unknown place {location.city!r}: looking online")
    distance_from = origin or point
    if point is not None:
        near = _near_stores(shop, point, store_code)
        if not near:
            notes.append(f"no store within {NEAR_KM:.0f} km: looking online")
        return [*near, LOCATION_ONLINE], distance_from, names
    fallback = _near_stores(shop, origin) if origin is not None else []
    return [LOCATION_ONLINE, *fallback], distance_from, names


def distance_km(shop: Shop, point: tuple[float, float] | None, code: str) -> float | None:
    store = store_map(shop).get(code)
    if point is None or store is None:
        return None
    return round(haversine_km(point[0], point[1], store.lat, store.lon), 1)
