"""Tokens: guest (per device, rate-limited per IP), known shopper (via API key, merges the guest),
and refresh."""

from __future__ import annotations

import math
from typing import Any

import anyio.from_thread
from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from agent.server.deps import ApiKeyDep, AssistantDep, ResourcesDep, SettingsDep, ShopDep
from agent.server.fields import KnownShopperId
from agent.server.openapi import problem_responses
from agent.server.problems import ApiError
from agent.server.tokens import guest_id, issue_tokens, require_current, verify_access, verify_refresh
from tools.shoppers.merge import merge_guest
from tools.shoppers.profiles import ensure_shopper, shopper_exists, token_version

router = APIRouter(tags=["auth"])
JWT_CHARS = 4096  # far more than any token Sarto issues


class TokenAnswer(BaseModel):
    token: str
    refresh_token: str
    shopper_id: str
    expires_in: int
    token_type: str = "Bearer"


class GuestBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    device_id: str = Field(min_length=8, max_length=128)


class ShopperTokenBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    shopper_id: KnownShopperId = Field(description="the retailer's id for the shopper; ids starting "
                                                   "with G- are the guests'")
    guest_token: str | None = Field(default=None, max_length=JWT_CHARS,
                                    description="the guest's access token: their data moves to the shopper")


class RefreshBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    refresh_token: str = Field(max_length=JWT_CHARS)


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post("/v1/auth/guest", response_model=TokenAnswer, summary="A guest token for this device",
             description="Rate-limited per client address: 10 in any minute, counted across every "
                         "worker when they share Redis (SARTO_REDIS_URL).",
             responses=problem_responses(429))
def guest_token(body: GuestBody, request: Request, settings: SettingsDep, shop: ShopDep,
                resources: ResourcesDep) -> dict[str, Any]:
    wait_s = resources.guest_limiter.take(_client_ip(request))
    if wait_s > 0:
        retry = str(max(1, math.ceil(wait_s)))
        raise ApiError(429, "rate_limited", headers={"Retry-After": retry}, retry_after=int(retry))
    shopper_id = guest_id(settings, body.device_id)
    ensure_shopper(shop, shopper_id, is_guest=True)
    return issue_tokens(settings, shopper_id, "guest", token_version(shop, shopper_id))


@router.post("/v1/auth/shopper-token", response_model=TokenAnswer,
             summary="A token for a known shopper (retailer backend); merges the guest's data",
             responses=problem_responses(
                 (401, "Missing or invalid X-API-Key, or a guest_token that is invalid, expired or "
                       "revoked (`unauthorized`)."),
                 (422, "The body breaks this description, or guest_token is a known shopper's token, "
                       "not a guest's (`validation_error`).")))
def shopper_token(body: ShopperTokenBody, _key: ApiKeyDep, settings: SettingsDep, shop: ShopDep,
                  assistant: AssistantDep, resources: ResourcesDep) -> dict[str, Any]:
    ensure_shopper(shop, body.shopper_id, is_guest=False)
    if body.guest_token:
        claimed = verify_access(settings, body.guest_token)
        guest = require_current(claimed, token_version(shop, claimed.shopper_id))
        if guest.kind != "guest":
            raise ApiError(422, "validation_error", ("guest_token non è un token ospite.",
                                                     "guest_token is not a guest token."))
        # Threads first: dropping the guest row afterwards must not cascade to their conversations.
        assistant.merge_threads(guest.shopper_id, body.shopper_id)
        merge_guest(shop, guest.shopper_id, body.shopper_id)
        # a plain route runs in a worker thread: the run store is async (Redis), so hop to the loop
        anyio.from_thread.run(resources.runs.reassign, guest.shopper_id, body.shopper_id)
    return issue_tokens(settings, body.shopper_id, "shopper", token_version(shop, body.shopper_id))


@router.post("/v1/auth/refresh", response_model=TokenAnswer, summary="Exchange a refresh token",
             responses=problem_responses((401, "The refresh token is invalid, expired or revoked, or its "
                                               "shopper was erased (`unauthorized`).")))
def refresh(body: RefreshBody, settings: SettingsDep, shop: ShopDep) -> dict[str, Any]:
    principal = verify_refresh(settings, body.refresh_token)
    version = token_version(shop, principal.shopper_id)
    require_current(principal, version)  # erased (or merged) since the token was issued
    if not shopper_exists(shop, principal.shopper_id):
        raise ApiError(401, "unauthorized", ("Il profilo non esiste più.", "The profile no longer exists."))
    return issue_tokens(settings, principal.shopper_id, principal.kind, version)
