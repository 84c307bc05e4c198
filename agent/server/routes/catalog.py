"""The catalog tools over HTTP: search, product detail, availability, stores, stock updates.

Routes validate and translate; the logic is the tools' (tools/catalog/, tools/stock/).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from agent.server.catalog_watch import STOCK_CHANNEL
from agent.server.deps import ApiKeyDep, ResourcesDep, ShopDep
from agent.server.fields import STORE_CODE_MAX, SizeLabel, VariantId, Whole, is_known_city, known_cities
from agent.server.openapi import problem_responses, shop_values
from agent.server.problems import ApiError, not_found
from tools.catalog.index_text import fabric_label
from tools.catalog.products import attribute_provenance, product_record
from tools.catalog.search import SearchError, browse_products
from tools.db.shop import Shop
from tools.shapes import Money, SearchFilters
from tools.stock.availability import check_availability
from tools.stock.inventory import set_stock
from tools.stock.stores import find_nearby_stores, store_map
from tools.table import TOOLS
from tools.taxonomy import CATEGORIES, COLOURS, DEPARTMENTS, LOCATION_ONLINE, OCCASIONS, SEASONS

log = logging.getLogger("sarto.server")

router = APIRouter(tags=["catalog"])
Lang = Literal["it", "en"]
Sku = Annotated[str, Path(min_length=1, max_length=64, description="the product's SKU, e.g. SRT-BLZ-000123")]
# Money as a query parameter: the same bounds and cents as in a body.
PriceQuery = Annotated[Money, WithJsonSchema(
    {"type": "number", "minimum": 0, "maximum": 100_000, "multipleOf": 0.01})]


def _values(values: Iterable[str], what: str) -> Any:
    return Query(description=what, json_schema_extra={"enum": list(values)})


def _one_of(name: str, value: str | None, allowed: list[str]) -> str | None:
    if value is None:
        return None
    if value not in allowed:
        raise ApiError(422, "validation_error",
                       (f"{name}: valore sconosciuto {value!r}.", f"{name}: unknown value {value!r}."),
                       param=name, allowed=allowed)
    return value


def _many(name: str, values: list[str] | None, allowed: list[str]) -> list[str] | None:
    return [_one_of(name, v, allowed) or v for v in values] if values else None


def _store_codes(shop: Shop) -> list[str]:
    return sorted(store_map(shop))


@router.get("/v1/catalog/search", summary="Search the catalog with hard filters, or browse it",
            description=TOOLS["search_products"].description + " Over HTTP, no words and no filters "
                        "browse the catalog (most popular first), and a price range whose min_price is "
                        "above its max_price holds no products.",
            responses=problem_responses(422))
async def search(
    shop: ShopDep,
    q: Annotated[str, Query(max_length=200, description="what the shopper typed (Italian or English)")] = "",
    department: Annotated[str | None, _values(DEPARTMENTS, "a department")] = None,
    category: Annotated[list[str] | None, Query(
        description="categories (repeat the parameter for more)",
        json_schema_extra={"items": {"type": "string", "enum": list(CATEGORIES)}})] = None,
    occasion: Annotated[str | None, _values(OCCASIONS, "an occasion")] = None,
    season: Annotated[str | None, _values(SEASONS, "a season")] = None,
    colour: Annotated[list[str] | None, Query(
        description="colours (repeat the parameter for more)",
        json_schema_extra={"items": {"type": "string", "enum": list(COLOURS)}})] = None,
    min_price: Annotated[PriceQuery | None, Query(description="euros")] = None,
    max_price: Annotated[PriceQuery | None, Query(description="euros")] = None,
    size: Annotated[SizeLabel | None, Query(description="in stock in this size")] = None,
    location: Annotated[str | None, Query(max_length=STORE_CODE_MAX,
                                          description="in stock online or at this store",
                                          json_schema_extra=shop_values("locations"))] = None,
    in_stock: bool = False,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=400)] = 0,
    lang: Lang = "it",
) -> dict[str, Any]:
    if location:
        _one_of("location", location, [LOCATION_ONLINE, *_store_codes(shop)])
    filters = SearchFilters(
        department=_one_of("department", department, list(DEPARTMENTS)),
        categories=_many("category", category, list(CATEGORIES)),
        occasion=_one_of("occasion", occasion, list(OCCASIONS)),
        season=_one_of("season", season, list(SEASONS)),
        colours=_many("colour", colour, list(COLOURS)),
        min_price=min_price, max_price=max_price, size=size, location=location,
        in_stock_only=in_stock)
    try:
        # The search is CPU work (embedding, numpy): off the event loop so streams keep flowing.
        result = await asyncio.to_thread(browse_products, shop, q, filters, limit, offset)
    except SearchError as exc:
        raise ApiError(422, "validation_error", str(exc)) from exc
    data: dict[str, Any] = result.model_dump(mode="json")
    data.update(limit=limit, offset=offset, lang=lang)
    return data


@router.get("/v1/catalog/products/{sku}", summary="A product's detail: PIM attributes, sizes, stock",
            responses=problem_responses(404))
def product_detail(sku: Sku, shop: ShopDep, lang: Lang = "it") -> dict[str, Any]:
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
        "attributes": attribute_provenance(columns),
        "sizes_in_stock": availability.sizes_in_stock,
        "availability": [loc.model_dump(mode="json") for loc in availability.locations],
        "image": f"/images/{columns['sku']}.svg",
        "url": f"/products/{columns['sku']}",
    }


COORDINATES = "with the other coordinate: distances are from there (one alone places nobody)"


@router.get("/v1/availability", summary="Where a product (and size) is available now",
            description=TOOLS["check_availability"].description,
            responses=problem_responses((404, "No such product, or it is not made in that size "
                                              "(`not_found`, `unknown_size`).")))
def availability(shop: ShopDep, sku: Annotated[str, Query(min_length=1, max_length=64)],
                 size: Annotated[str | None, Query(max_length=24)] = None,
                 city: Annotated[str | None, Query(max_length=48, description="distances from this city, "
                                                   "when Sarto knows it")] = None,
                 lat: Annotated[float | None, Query(ge=-90, le=90, description=COORDINATES)] = None,
                 lon: Annotated[float | None, Query(ge=-180, le=180, description=COORDINATES)] = None,
                 lang: Lang = "it") -> dict[str, Any]:
    if lat is None or lon is None:
        lat = lon = None
    result = check_availability(shop, sku, size=size, city=city, lat=lat, lon=lon, language=lang)
    if result.status in ("not_found", "unknown_size"):
        raise ApiError(404, result.status, result.detail or result.status)
    if result.status == "invalid":
        raise ApiError(422, "validation_error", result.detail or result.status)
    return result.model_dump(mode="json")


@router.get("/v1/stores", summary="Stores near a city or coordinates, with hours and services",
            description=TOOLS["find_nearby_stores"].description,
            responses=problem_responses((404, "No such variant (`not_found`).")))
def stores(shop: ShopDep,
           city: Annotated[str | None, Query(max_length=48, description="a city Sarto knows (any case)",
                                             json_schema_extra=shop_values("cities"))] = None,
           lat: Annotated[float | None, Query(ge=-90, le=90, description=COORDINATES)] = None,
           lon: Annotated[float | None, Query(ge=-180, le=180, description=COORDINATES)] = None,
           variant_id: Annotated[VariantId | None, Query(description="only stores that have it now")] = None,
           service: Literal["pickup", "tailoring", "styling"] | None = None,
           limit: Annotated[int, Query(ge=1, le=50)] = 20) -> dict[str, Any]:
    if city is not None:
        cities = sorted({s.city for s in store_map(shop).values()})
        if not is_known_city(city, cities):
            raise ApiError(422, "unknown_location",
                           (f"Luogo sconosciuto: {city!r}.", f"Unknown place: {city!r}."),
                           param="city", allowed=known_cities(cities))
    if lat is None or lon is None:
        lat = lon = None
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
    variant_id: VariantId
    location: str = Field(min_length=1, max_length=STORE_CODE_MAX, description="online or a store code",
                          json_schema_extra=shop_values("locations"))
    quantity: Whole = Field(ge=0, le=1_000_000)  # `true` is not a quantity


class InventoryBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    updates: list[StockUpdate] = Field(min_length=1, max_length=5000)


@router.post("/v1/inventory", summary="Bulk stock levels (retailer backend)",
             responses=problem_responses(401, (404, "A variant the shop does not have (`unknown_variant`).")))
def post_inventory(body: InventoryBody, _key: ApiKeyDep, shop: ShopDep,
                   resources: ResourcesDep) -> dict[str, int]:
    updated = set_stock(shop, [u.model_dump() for u in body.updates])
    if resources.redis_client is not None:  # the other workers reload their stock snapshot
        try:
            resources.redis_client.publish(STOCK_CHANNEL, "inventory")
        except Exception:  # stored anyway; the others see it at their next import poll or restart
            log.warning("could not announce a stock update on Redis", exc_info=True)
    return {"updated": updated}
