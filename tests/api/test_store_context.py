"""A store chosen before the chat (the store page's link) reaches the turn: the run carries it as
context, and the turn takes that store as where the shopper is unless they name another place."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from fakes import ScriptedAssistant

from agent.graph.facts import shopper_origin
from api.conftest import shopper_headers
from tools.db.shop import Shop

pytestmark = pytest.mark.anyio


def run_input(run_id: str, context: dict[str, Any]) -> dict[str, Any]:
    return {"threadId": f"t-{run_id}", "runId": run_id, "state": {}, "tools": [], "context": [],
            "messages": [{"id": f"m-{run_id}", "role": "user", "content": "Cerco una giacca"}],
            "forwardedProps": {"language": "it", "context": context}}


async def test_the_chosen_store_reaches_the_turn(client: httpx.AsyncClient,
                                                 assistant: ScriptedAssistant) -> None:
    headers = await shopper_headers(client, "S-LOYAL-1")
    r = await client.post("/v1/agent/run", json=run_input("run-store-1", {"store_code": "MI01"}),
                          headers=headers)
    assert r.status_code == 200, r.text
    assert assistant.requests[-1].context == {"store_code": "MI01"}


async def test_a_store_code_that_is_not_a_code_is_refused(client: httpx.AsyncClient) -> None:
    headers = await shopper_headers(client, "S-LOYAL-1")
    r = await client.post("/v1/agent/run", json=run_input("run-store-2", {"store_code": "<b>MI01</b>"}),
                          headers=headers)
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "store_code" in r.json()["detail"]


def test_the_chosen_store_is_where_the_shopper_is(mini_shop: Shop) -> None:
    ctx = SimpleNamespace(shop=mini_shop)
    state: Any = {"request_context": {"store_code": "RM01"}, "constraints": {}}
    assert shopper_origin(state, ctx) == (41.9, 12.48)  # type: ignore[arg-type]


def test_a_place_the_shopper_names_wins_over_the_chosen_store(mini_shop: Shop) -> None:
    ctx = SimpleNamespace(shop=mini_shop)
    said: Any = {"request_context": {"store_code": "RM01"},
                 "constraints": {"location": {"city": "Milano", "store_code": "MI01", "source": "message"}}}
    assert shopper_origin(said, ctx) == (45.4642, 9.19)  # type: ignore[arg-type]
    profile: Any = {"request_context": {"store_code": "RM01"},
                    "constraints": {"location": {"city": "Milano", "source": "profile"}}}
    assert shopper_origin(profile, ctx) == (41.9, 12.48)  # type: ignore[arg-type]
