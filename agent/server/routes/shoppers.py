"""A shopper's data: browsing events, in-store receipts, conversations, GDPR export and erasure."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field, model_validator

from agent.server.deps import (
    ApiKeyDep,
    AssistantDep,
    OwnerOrBackendDep,
    RunStoreDep,
    ShopDep,
    ShopperDep,
)
from agent.server.problems import not_found
from tools.clock import CLOCK_SKEW, EARLIEST, as_utc, shop_now
from tools.shapes import BrowsingEvent, Money
from tools.shoppers.browsing import add_events
from tools.shoppers.privacy import erase_rows, export_rows
from tools.shoppers.profiles import shopper_exists
from tools.shoppers.receipts import add_receipt
from tools.shoppers.runs import unanswered_messages

router = APIRouter(tags=["shoppers"])
Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0)]


class EventsBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    events: list[BrowsingEvent] = Field(min_length=1, max_length=500)
    channel: Literal["web", "app"] = "web"


@router.post("/v1/shoppers/{shopper_id}/events", summary="Store browsing events (max 500 per call)")
def post_events(shopper_id: str, body: EventsBody, caller: OwnerOrBackendDep,
                shop: ShopDep) -> dict[str, int]:
    return {"accepted": add_events(shop, shopper_id, body.events, body.channel)}


class ReceiptLine(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sku: str = Field(min_length=1, max_length=32)
    size: str = Field(min_length=1, max_length=8)
    quantity: int = Field(ge=1, le=100, strict=True)
    unit_price: Money


class ReceiptBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    receipt_id: str = Field(min_length=1, max_length=36, pattern=r"^[A-Za-z0-9_.:-]+$")
    store_code: str = Field(min_length=1, max_length=8)
    loyalty_id: str | None = Field(default=None, max_length=32)
    email: str | None = Field(default=None, max_length=160, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    placed_at: datetime
    lines: list[ReceiptLine] = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _not_in_future(self) -> ReceiptBody:
        placed = as_utc(self.placed_at)  # a time without a zone is UTC, as everywhere in the shop
        if placed > shop_now() + CLOCK_SKEW:
            raise ValueError("placed_at is in the future")
        if placed < EARLIEST:
            raise ValueError("placed_at is before 2000")
        self.placed_at = placed
        return self


@router.post("/v1/receipts", summary="An in-store digital receipt (retailer backend)")
def post_receipt(body: ReceiptBody, _key: ApiKeyDep, shop: ShopDep, response: Response) -> dict[str, Any]:
    result = add_receipt(shop, body.receipt_id, body.store_code, body.placed_at,
                                      [line.model_dump() for line in body.lines], body.loyalty_id,
                                      body.email)
    response.status_code = 200 if result.pop("duplicate") else 201
    return result


@router.get("/v1/threads", summary="The shopper's conversations, newest first")
def list_threads(shopper: ShopperDep, assistant: AssistantDep, limit: Limit = 20,
                 offset: Offset = 0) -> dict[str, Any]:
    threads = assistant.list_threads(shopper.shopper_id)
    return {"items": threads[offset:offset + limit], "total": len(threads), "limit": limit, "offset": offset}


@router.get("/v1/threads/{thread_id}", summary="One conversation: messages and cards")
def get_thread(thread_id: str, shopper: ShopperDep, assistant: AssistantDep, shop: ShopDep) -> dict[str, Any]:
    thread = assistant.get_thread(shopper.shopper_id, thread_id)
    # what the shopper said in turns that never reached an answer (the process died, the run
    # failed or was cancelled) is part of the conversation too
    unanswered = unanswered_messages(shop, thread_id, shopper.shopper_id)
    if thread is None and not unanswered:
        raise not_found("thread")
    thread = thread or {"thread_id": thread_id, "messages": [], "cards": []}
    messages = sorted([*thread["messages"], *unanswered], key=lambda m: str(m.get("at") or ""))
    return {**thread, "thread_id": thread_id, "messages": messages}


@router.get("/v1/shoppers/{shopper_id}/export", summary="Everything Sarto holds on a shopper (GDPR)")
def export_shopper(shopper_id: str, caller: OwnerOrBackendDep, shop: ShopDep,
                   assistant: AssistantDep) -> dict[str, Any]:
    data = export_rows(shop, shopper_id)
    threads = []
    for t in assistant.list_threads(shopper_id):
        full = assistant.get_thread(shopper_id, t["thread_id"])
        threads.append({**t, **(full or {})})
    return {**data, "threads": threads}


@router.delete("/v1/shoppers/{shopper_id}", status_code=204, summary="Erase a shopper (GDPR)")
async def erase_shopper(shopper_id: str, caller: OwnerOrBackendDep, shop: ShopDep,
                        assistant: AssistantDep, runs: RunStoreDep) -> Response:
    if not await asyncio.to_thread(shopper_exists, shop, shopper_id):
        raise not_found("shopper")
    runs.delete_for_shopper(shopper_id)  # stops live runs first, so none writes after erasure
    await asyncio.to_thread(assistant.delete_shopper_threads, shopper_id)
    await asyncio.to_thread(erase_rows, shop, shopper_id)
    return Response(status_code=204)
