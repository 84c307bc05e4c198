"""Reserve in store for pickup (shopper), list and cancel; the store staff's view (API key).

The reservation rules (stock holds, idempotency, pickup codes, expiry) live in tools/stock/reservations.py.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from agent.server.deps import ApiKeyDep, SettingsDep, ShopDep, ShopperDep
from agent.server.problems import ApiError, not_found
from tools.shapes import Money
from tools.stock.reservations import (
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
    variant_id: str = Field(min_length=1, max_length=48)
    quantity: int = Field(default=1, ge=1, le=10, strict=True)


class ReservationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    store_code: str = Field(min_length=1, max_length=8)
    items: list[ReservationItemIn] = Field(min_length=1, max_length=20)
    idempotency_key: str = Field(min_length=8, max_length=128)
    thread_id: str | None = Field(default=None, max_length=64)
    # the prices the shopper saw (variant_id -> EUR): a changed price stops the reservation
    expected_prices: dict[Annotated[str, Field(min_length=1, max_length=48)], Money] | None = Field(
        default=None, max_length=20)


@router.post("/v1/reservations", status_code=201, summary="Reserve items in a store for pickup",
             description=TOOLS["reserve_in_store"].description + " Over HTTP the client names the "
                         "store and the items (variant ids), with an idempotency key; the shopper's "
                         "confirmation is the client's to collect.")
async def reserve(body: ReservationIn, shopper: ShopperDep, shop: ShopDep, settings: SettingsDep,
                  response: Response) -> dict[str, Any]:
    result = await asyncio.to_thread(
        reserve_in_store, shop, shopper.shopper_id, body.store_code,
        [(i.variant_id, i.quantity) for i in body.items], body.idempotency_key, body.thread_id,
        datetime.now(UTC), settings.reservation_hold_minutes, body.expected_prices)
    data = _answer(result)
    if data.get("replayed"):
        response.status_code = 200  # the same request again: the same reservation, nothing new held
    return data


@router.get("/v1/reservations", summary="The shopper's reservations, newest first",
            description=TOOLS["list_reservations"].description)
def my_reservations(shopper: ShopperDep, shop: ShopDep,
                    limit: Annotated[int, Query(ge=1, le=100)] = 50,
                    offset: Annotated[int, Query(ge=0)] = 0) -> dict[str, Any]:
    found = list_reservations(shop, shopper.shopper_id, datetime.now(UTC))
    items = [r.model_dump(mode="json") for r in found]
    return {"items": items[offset:offset + limit], "total": len(items), "limit": limit, "offset": offset}


@router.delete("/v1/reservations/{reservation_id}", summary="Cancel a reservation; the stock is released",
               description=TOOLS["cancel_reservation"].description)
def cancel(reservation_id: str, shopper: ShopperDep, shop: ShopDep) -> dict[str, Any]:
    return _answer(cancel_reservation(shop, shopper.shopper_id, reservation_id, datetime.now(UTC)))


@router.get("/v1/stores/{store_code}/reservations", summary="A store's reservations (staff)")
def store_view(store_code: str, _key: ApiKeyDep, shop: ShopDep,
               limit: Annotated[int, Query(ge=1, le=500)] = 100,
               offset: Annotated[int, Query(ge=0)] = 0) -> dict[str, Any]:

    code = store_code.strip().upper()
    if code not in store_map(shop):
        raise not_found("store")
    items = [r.model_dump(mode="json") for r in store_reservations(shop, code, datetime.now(UTC))]
    return {"store_code": code, "items": items[offset:offset + limit], "total": len(items),
            "limit": limit, "offset": offset}
