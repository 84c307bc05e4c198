"""The catalog tools over HTTP: search, product detail, availability, stores, stock updates.

Routes validate and translate; the logic is the tools' (tools/catalog/, tools/stock/).
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from agent.server.deps import ApiKeyDep, ShopDep
from agent.server.problems import ApiError, not_found
from tools.catalog.index_text import fabric_label
from tools.catalog.products import product_record
from tools.catalog.search import SearchError, search_products
from tools.db.shop import Shop
from tools.shapes import SearchFilters
from tools.stock.availability import check_availability
from tools.stock.inventory import set_stock
from tools.stock.stores import find_nearby_stores, store_map
from tools.table import TOOLS
from tools.taxonomy import CATEGORIES, COLOURS, DEPARTMENTS, LOCATION_ONLINE, OCCASIONS, SEASONS

router = APIRouter(tags=["catalog"])
Lang = Literal["it", "en"]


def _one_of(name: str, value: str | None, allowed: list[str]) -> str | None:
    if value is None or value == "":
        return None
    if value not in allowed:
        raise ApiError(422, "validation_error",
                       (f"{name}: valore sconosciuto {value!r}.", f"{name}: unknown value {value!r}."),
                       param=name, allowed=allowed)
    return value


def _many(name: str, values: list[str] | None, allowed: list[str]) -> list[str] | None:
    if not values:
        return None
    flat = [v.strip() for raw in values for v in raw.split(",") if v.strip()]
    return [_one_of(name, v, allowed) or v for v in flat] or None


def _store_codes(shop: Shop) -> list[str]:
    return sorted(store_map(shop))


@router.get("/v1/catalog/search", summary="Search the catalog with hard filters",
            description=TOOLS["search_products"].description)
async def search(
    shop: ShopDep,
    q: Annotated[str, Query(max_length=200)] = "",
    department: str | None = None,
    category: Annotated[list[str] | None, Query()] = None,
    occasion: str | None = None,
    season: str | None = None,
    colour: Annotated[list[str] | None, Query()] = None,
    min_price: Annotated[Decimal | None, Query(ge=0, le=100_000)] = None,
    max_price: Annotated[Decimal | None, Query(ge=0, le=100_000)] = None,
    size: Annotated[str | None, Query(max_length=8)] = None,
    location: Annotated[str | None, Query(max_length=8)] = None,
    in_stock: bool = False,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=400)] = 0,
    lang: Lang = "it",
) -> dict[str, Any]:
    if min_price is not None and max_price is not None and min_price > max_price:
        raise ApiError(422, "validation_error",
                       ("min_price supera max_price.", "min_price exceeds max_price."))
    if location:
        _one_of("location", location, [LOCATION_ONLINE, *_store_codes(shop)])
    filters = SearchFilters(
        department=_one_of("department", department, list(DEPARTMENTS)),
        categories=_many("category", category, list(CATEGORIES)),
        occasion=_one_of("occasion", occasion, list(OCCASIONS)),
        season=_one_of("season", season, list(SEASONS)),
        colours=_many("colour", colour, list(COLOURS)),
        min_price=min_price, max_price=max_price, size=size or None, location=location or None,
        in_stock_only=in_stock)
    try:
        # The search is CPU work (embedding, numpy): off the event loop so streams keep flowing.
        result = await asyncio.to_thread(search_products, shop, q, filters, limit, offset)
    except SearchError as exc:
        raise ApiError(422, "validation_error", str(exc)) from exc
    data: dict[str, Any] = result.model_dump(mode="json")
    data.update(limit=limit, offset=offset, lang=lang)
    return data


@router.get("/v1/catalog/products/{sku}", summary="A product's detail: PIM attributes, sizes, stock")
def product_detail(sku: str, shop: ShopDep, lang: Lang = "it") -> dict[str, Any]:
    record = product_record(shop, sku.upper())
    if record is None:
        raise not_found("product")
    columns, sizes = record.columns, record.sizes
    availability = check_availability(shop, columns["sku"], language=lang)
    return {
        **columns,
        "price": {"amount": float(columns["price"]), "currency": columns["currency"]},
        "fabric": fabric_label(columns["fabric"]),  # "70% wool, 30% cashmere", as on search hits
        "fabric_composition": columns["fabric"],
        "title": columns["title_en" if lang == "en" else "title_it"],
        "description": columns["description_en" if lang == "en" else "description_it"],
        "sizes": sizes,
        "sizes_in_stock": availability.sizes_in_stock,
        "availability": [loc.model_dump(mode="json") for loc in availability.locations],
        "image": f"/images/{columns['sku']}.svg",
        "url": f"/products/{columns['sku']}",
    }


@router.get("/v1/availability", summary="Where a product (and size) is available now",
            description=TOOLS["check_availability"].description)
def availability(shop: ShopDep, sku: Annotated[str, Query(min_length=1, max_length=32)],
                 size: Annotated[str | None, Query(max_length=8)] = None,
                 city: Annotated[str | None, Query(max_length=48)] = None,
                 lat: Annotated[float | None, Query(ge=-90, le=90)] = None,
                 lon: Annotated[float | None, Query(ge=-180, le=180)] = None,
                 lang: Lang = "it") -> dict[str, Any]:
    if (lat is None) != (lon is None):
        raise ApiError(422, "validation_error", ("Indica sia lat sia lon.", "Give both lat and lon."))
    result = check_availability(shop, sku, size=size, city=city, lat=lat, lon=lon, language=lang)
    if result.status == "not_found":
        raise not_found("product")
    if result.status in ("unknown_size", "invalid"):
        raise ApiError(422, result.status if result.status == "unknown_size" else "validation_error",
                       result.detail or result.status)
    return result.model_dump(mode="json")


@router.get("/v1/stores", summary="Stores near a city or coordinates, with hours and services",
            description=TOOLS["find_nearby_stores"].description)
def stores(shop: ShopDep, city: Annotated[str | None, Query(max_length=48)] = None,
           lat: Annotated[float | None, Query(ge=-90, le=90)] = None,
           lon: Annotated[float | None, Query(ge=-180, le=180)] = None,
           variant_id: Annotated[str | None, Query(max_length=48)] = None,
           service: Literal["pickup", "tailoring", "styling"] | None = None,
           limit: Annotated[int, Query(ge=1, le=50)] = 20) -> dict[str, Any]:
    result = find_nearby_stores(shop, city=city, lat=lat, lon=lon, variant_id=variant_id, limit=limit,
                                service=service)
    if result.status == "not_found":
        raise not_found("variant")
    if result.status in ("invalid", "unknown_location"):
        code = "unknown_location" if result.status == "unknown_location" else "validation_error"
        raise ApiError(422, code, result.detail or result.status)
    return result.model_dump(mode="json")


class StockUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    variant_id: str = Field(min_length=1, max_length=48)
    location: str = Field(min_length=1, max_length=8)
    quantity: int = Field(ge=0, le=1_000_000, strict=True)  # `true` is not a quantity


class InventoryBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    updates: list[StockUpdate] = Field(min_length=1, max_length=5000)


@router.post("/v1/inventory", summary="Bulk stock levels (retailer backend)")
def post_inventory(body: InventoryBody, _key: ApiKeyDep, shop: ShopDep) -> dict[str, int]:
    return {"updated": set_stock(shop, [u.model_dump() for u in body.updates])}
