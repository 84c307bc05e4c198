"""Reserve in store for pickup (shopper), list and cancel; the store staff's view (API key).

The reservation rules (stock holds, idempotency, pickup codes, expiry) live in tools/stock/reservations.py.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from agent.server.deps import ApiKeyDep, SettingsDep, ShopDep, ShopperDep
from agent.server.fields import Id, Price, VariantId, Whole
from agent.server.openapi import problem_responses, shop_values
from agent.server.problems import ApiError, not_found
from tools.stock.reservations import (
    MAX_UNITS_PER_ITEM,
    cancel_reservation,
    list_reservations,
    reserve_in_store,
    store_reservations,
)
from tools.stock.stores import store_map
from tools.table import TOOLS

router = APIRouter(tags=["reservations"])

# tool status -> (HTTP status, problem code); held/cancelled/expired/collected are answers
_FAILURES = {
    "not_found": (404, "not_found"),
    "out_of_stock": (409, "out_of_stock"),
    "price_changed": (409, "price_changed"),
    "pickup_unavailable": (409, "pickup_unavailable"),
    "invalid": (422, "validation_error"),
}


def _answer(result: Any) -> dict[str, Any]:
    data: dict[str, Any] = result.model_dump(mode="json")
    if data["status"] in _FAILURES:
        http, code = _FAILURES[data["status"]]
        extra = {k: data[k] for k in ("out_of_stock", "price_changes") if data.get(k)}
        raise ApiError(http, code, data.get("detail") or data["status"], **extra)
    return data


class ReservationItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    variant_id: VariantId
    quantity: Whole = Field(default=1, ge=1, le=10)


class ReservationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    store_code: str = Field(min_length=1, max_length=32, json_schema_extra=shop_values("stores"))
    items: list[ReservationItemIn] = Field(min_length=1, max_length=20)
    idempotency_key: str = Field(min_length=8, max_length=128)
    thread_id: Id | None = None
    # the prices the shopper saw (variant_id -> EUR): a changed price stops the reservation
    expected_prices: dict[VariantId, Price] | None = Field(
        default=None, max_length=20)


REFUSED = (409, "The items cannot be held: not enough stock (`out_of_stock`, with what is available), "
                "a price changed since the shopper saw it (`price_changed`), the store does not offer "
                "pickup (`pickup_unavailable`), or lines of one item add up to more than 10 units "
                "(`too_many_units`).")


@router.post("/v1/reservations", status_code=201, summary="Reserve items in a store for pickup",
             description=TOOLS["reserve_in_store"].description + " Over HTTP the client names the "
                         "store and the items (variant ids), with an idempotency key; the shopper's "
                         "confirmation is the client's to collect. The same idempotency key again "
                         "answers 200 with the first reservation.",
             responses={200: {"description": "the reservation made before with this idempotency key"},
                        **problem_responses(401, (404, "No such store or variant (`not_found`)."),
                                            REFUSED)})
async def reserve(body: ReservationIn, shopper: ShopperDep, shop: ShopDep, settings: SettingsDep,
                  response: Response) -> dict[str, Any]:
    units: Counter[str] = Counter()
    for item in body.items:  # lines of the same item add up
        units[item.variant_id.strip()] += item.quantity
    over = sorted(v for v, n in units.items() if n > MAX_UNITS_PER_ITEM)
    if over:
        items = ", ".join(over)
        raise ApiError(409, "too_many_units", (
            f"Al massimo {MAX_UNITS_PER_ITEM} pezzi dello stesso articolo per prenotazione: {items}.",
            f"At most {MAX_UNITS_PER_ITEM} units of one item per reservation: {items}."), variant_ids=over)
    result = await asyncio.to_thread(
        reserve_in_store, shop, shopper.shopper_id, body.store_code,
        [(i.variant_id, i.quantity) for i in body.items], body.idempotency_key, body.thread_id,
        datetime.now(UTC), settings.reservation_hold_minutes, body.expected_prices)
    data = _answer(result)
    if data.get("replayed"):
        response.status_code = 200  # the same request again: the same reservation, nothing new held
    return data


@router.get("/v1/reservations", summary="The shopper's reservations, newest first",
            description=TOOLS["list_reservations"].description, responses=problem_responses(401))
def my_reservations(shopper: ShopperDep, shop: ShopDep,
                    limit: Annotated[int, Query(ge=1, le=100)] = 50,
                    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> dict[str, Any]:
    found = list_reservations(shop, shopper.shopper_id, datetime.now(UTC))
    items = [r.model_dump(mode="json") for r in found]
    return {"items": items[offset:offset + limit], "total": len(items), "limit": limit, "offset": offset}


@router.delete("/v1/reservations/{reservation_id}", summary="Cancel a reservation; the stock is released",
               description=TOOLS["cancel_reservation"].description,
               responses=problem_responses(401, (404, "No such reservation of this shopper (`not_found`).")))
def cancel(reservation_id: Annotated[str, Path(max_length=64)], shopper: ShopperDep,
           shop: ShopDep) -> dict[str, Any]:
    return _answer(cancel_reservation(shop, shopper.shopper_id, reservation_id, datetime.now(UTC)))


@router.get("/v1/stores/{store_code}/reservations", summary="A store's reservations (staff)",
            responses=problem_responses(401, (404, "No such store (`not_found`).")))
def store_view(store_code: Annotated[str, Path(max_length=32, json_schema_extra=shop_values("stores"))],
               _key: ApiKeyDep, shop: ShopDep,
               limit: Annotated[int, Query(ge=1, le=500)] = 100,
               offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> dict[str, Any]:

    code = store_code.strip().upper()
    if code not in store_map(shop):
        raise not_found("store")
    items = [r.model_dump(mode="json") for r in store_reservations(shop, code, datetime.now(UTC))]
    return {"store_code": code, "items": items[offset:offset + limit], "total": len(items),
            "limit": limit, "offset": offset}
