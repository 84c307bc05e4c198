"""A shopper's data: browsing events, in-store receipts, conversations, GDPR export and erasure."""

from __future__ import annotations

import asyncio
import math
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from agent.server.deps import (
    ApiKeyDep,
    AssistantDep,
    OwnerOrBackendDep,
    ResourcesDep,
    RunStoreDep,
    SettingsDep,
    ShopDep,
    ShopperDep,
)
from agent.server.fields import Id, Price, Whole
from agent.server.openapi import problem_responses, shop_values
from agent.server.problems import ApiError, not_found
from tools.clock import CLOCK_SKEW, shop_now
from tools.errors import ShopError
from tools.shapes import BrowsingEvent, Moment
from tools.shoppers.browsing import add_events
from tools.shoppers.privacy import erase_rows, export_rows
from tools.shoppers.profiles import shopper_exists
from tools.shoppers.receipts import add_receipt, claim_receipt
from tools.shoppers.runs import unanswered_messages

router = APIRouter(tags=["shoppers"])
Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
ShopperId = Annotated[Id, Path(description="the shopper's id (with a shopper token: their own)")]
THEIRS = (404, "No such shopper, or another shopper's id (`not_found`).")
FUTURE = (409, "A moment after the shop's clock (more than 5 minutes ahead): fix the device's or the "
               "till's clock (`in_the_future`).")


class EventIn(BrowsingEvent):
    """A browsing event as a client sends it: a moment is RFC 3339 with its offset."""

    at: Moment | None = None  # type: ignore[assignment]


class EventsBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    events: list[EventIn] = Field(min_length=1, max_length=500)
    channel: Literal["web", "app"] = "web"


@router.post("/v1/shoppers/{shopper_id}/events", summary="Store browsing events (max 500 per call)",
             responses=problem_responses(401, THEIRS, FUTURE))
def post_events(shopper_id: ShopperId, body: EventsBody, caller: OwnerOrBackendDep,
                shop: ShopDep) -> dict[str, int]:
    return {"accepted": add_events(shop, shopper_id, body.events, body.channel)}


class ReceiptLine(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sku: str = Field(min_length=1, max_length=64)
    size: str = Field(min_length=1, max_length=24)
    quantity: Whole = Field(ge=1, le=100)
    unit_price: Price


class ReceiptBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    receipt_id: str = Field(min_length=1, max_length=36, pattern=r"^[A-Za-z0-9_.:-]+$")
    store_code: str = Field(min_length=1, max_length=32, json_schema_extra=shop_values("stores"))
    loyalty_id: str | None = Field(default=None, max_length=32)
    email: str | None = Field(default=None, max_length=160,
                              pattern=r"^[^@ \t\n\r\f\v]+@[^@ \t\n\r\f\v]+\.[^@ \t\n\r\f\v]+$")
    placed_at: Moment
    lines: list[ReceiptLine] = Field(min_length=1, max_length=200)


@router.post("/v1/receipts", summary="An in-store digital receipt (retailer backend)",
             description="The same receipt_id again answers 200 with the order first stored.",
             status_code=201,
             responses={200: {"description": "this receipt was stored before"}, **problem_responses(
                 401, (404, "A line names a product and size the shop does not have "
                            "(`unknown_variant`)."), FUTURE,
                 (422, "The body breaks this description (`validation_error`), or names a store the "
                       "shop does not have (`unknown_store`)."))})
def post_receipt(body: ReceiptBody, _key: ApiKeyDep, shop: ShopDep, settings: SettingsDep,
                 response: Response) -> dict[str, Any]:
    if body.placed_at > shop_now() + CLOCK_SKEW:
        raise ApiError(409, "in_the_future", ("placed_at è nel futuro.", "placed_at is in the future."))
    result = add_receipt(shop, body.receipt_id, body.store_code, body.placed_at,
                         [line.model_dump() for line in body.lines], body.loyalty_id, body.email,
                         now=shop_now())
    response.status_code = 200 if result.pop("duplicate") else 201
    claim = result.get("claim")
    if claim is not None:
        template = settings.receipt_claim_url
        claim["url"] = template.replace("{code}", claim["code"].replace("-", "")) if template else None
    return result


class ClaimBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=40, description="as printed (groups, spaces and case "
                                                                "do not matter) or as the QR carries it")


@router.post("/v1/receipts/claim", summary="Attach a paper receipt to the shopper with its one-time code",
             description="The code printed on a receipt no loyalty card or email matched (see POST "
                         "/v1/receipts). It works once, for 30 days, and never moves a receipt that "
                         "already belongs to a shopper. After 5 wrong codes in an hour the shopper's "
                         "claims wait (429 with Retry-After).",
             responses=problem_responses(
                 401, (404, "No receipt has this code (`not_found`)."),
                 (409, "The code was used (`code_used`) or has expired (`code_expired`), or the "
                       "receipt already belongs to a shopper (`already_claimed`)."),
                 (429, "Too many wrong codes in the last hour (`too_many_attempts`).")))
def claim_receipt_route(body: ClaimBody, shopper: ShopperDep, shop: ShopDep,
                        resources: ResourcesDep, response: Response) -> dict[str, Any]:
    limiter = resources.claim_limiter
    wait_s = limiter.wait(shopper.shopper_id)
    if wait_s > 0:
        raise ApiError(429, "too_many_attempts", (
            "Troppi codici sbagliati: riprova più tardi.", "Too many wrong codes: try again later."),
            headers={"Retry-After": str(math.ceil(wait_s))})
    try:
        return claim_receipt(shop, shopper.shopper_id, body.code, shop_now())
    except ShopError:
        limiter.take(shopper.shopper_id)  # every refused code counts: used, expired or unknown
        raise


@router.get("/v1/threads", summary="The shopper's conversations, newest first",
            responses=problem_responses(401))
def list_threads(shopper: ShopperDep, assistant: AssistantDep, limit: Limit = 20,
                 offset: Offset = 0) -> dict[str, Any]:
    threads = assistant.list_threads(shopper.shopper_id)
    return {"items": threads[offset:offset + limit], "total": len(threads), "limit": limit, "offset": offset}


@router.get("/v1/threads/{thread_id}", summary="One conversation: messages and cards",
            responses=problem_responses(401, (404, "No such thread of this shopper (`not_found`).")))
def get_thread(thread_id: Annotated[Id, Path()], shopper: ShopperDep, assistant: AssistantDep,
               shop: ShopDep) -> dict[str, Any]:
    thread = assistant.get_thread(shopper.shopper_id, thread_id)
    # what the shopper said in turns that never reached an answer (the process died, the run
    # failed or was cancelled) is part of the conversation too
    unanswered = unanswered_messages(shop, thread_id, shopper.shopper_id)
    if thread is None and not unanswered:
        raise not_found("thread")
    thread = thread or {"thread_id": thread_id, "messages": [], "cards": []}
    messages = sorted([*thread["messages"], *unanswered], key=lambda m: str(m.get("at") or ""))
    return {**thread, "thread_id": thread_id, "messages": messages}


@router.get("/v1/shoppers/{shopper_id}/export", summary="Everything Sarto holds on a shopper (GDPR)",
            responses=problem_responses(401, THEIRS))
def export_shopper(shopper_id: ShopperId, caller: OwnerOrBackendDep, shop: ShopDep,
                   assistant: AssistantDep) -> dict[str, Any]:
    data = export_rows(shop, shopper_id)
    threads = []
    for t in assistant.list_threads(shopper_id):
        full = assistant.get_thread(shopper_id, t["thread_id"])
        threads.append({**t, **(full or {})})
    return {**data, "threads": threads}


@router.delete("/v1/shoppers/{shopper_id}", status_code=204, summary="Erase a shopper (GDPR)",
               description="Every token issued to the shopper stops working.",
               responses=problem_responses(401, THEIRS))
async def erase_shopper(shopper_id: ShopperId, caller: OwnerOrBackendDep, shop: ShopDep,
                        assistant: AssistantDep, runs: RunStoreDep) -> Response:
    if not await asyncio.to_thread(shopper_exists, shop, shopper_id):
        raise not_found("shopper")
    await runs.delete_for_shopper(shopper_id)  # stops live runs first, so none writes after erasure
    await asyncio.to_thread(assistant.delete_shopper_threads, shopper_id)
    await asyncio.to_thread(erase_rows, shop, shopper_id)
    return Response(status_code=204)
