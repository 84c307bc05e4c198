"""GET /readyz: 200 when the database, the shared Redis (if any) and the catalog index answer; 503
naming the check that failed otherwise."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fakes import ScriptedAssistant

from agent.server.app import create_app
from agent.settings import Settings
from api.conftest import CLOSED_REDIS_URL
from tools.db.shop import Shop

pytestmark = pytest.mark.anyio


async def ready(app: Any) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c:
        return await c.get("/readyz")


async def test_the_test_app_is_ready(client: httpx.AsyncClient) -> None:
    r = await client.get("/readyz")
    assert r.status_code == 200
    # the scripted assistant needs no index at start: the first search would open it
    assert r.json() == {"status": "ready",
                        "checks": {"database": "ok", "redis": "not configured", "index": "on demand"}}


async def test_a_shared_redis_that_answers_is_ready(settings: Settings, mini_shop: Shop,
                                                    redis_url: str) -> None:
    app = create_app(settings.model_copy(update={"redis_url": redis_url}), assistant=ScriptedAssistant(),
                     shop=mini_shop)
    r = await ready(app)
    assert r.status_code == 200 and r.json()["checks"]["redis"] == "ok"


async def test_an_unreachable_redis_is_named_in_a_503(settings: Settings, mini_shop: Shop) -> None:
    app = create_app(settings.model_copy(update={"redis_url": CLOSED_REDIS_URL}),
                     assistant=ScriptedAssistant(), shop=mini_shop)
    r = await ready(app)
    assert r.status_code == 503 and r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["code"] == "unavailable" and "redis" in problem["detail"]
    assert problem["checks"] == {"database": "ok", "redis": "unreachable", "index": "on demand"}


async def test_an_app_whose_index_is_not_loaded_is_not_ready(settings: Settings, mini_shop: Shop) -> None:
    app = create_app(settings, shop=mini_shop)  # its own assistant and index: warm-up has not run
    r = await ready(app)
    assert r.status_code == 503 and r.json()["checks"]["index"] == "not loaded"


async def test_an_app_with_its_index_loaded_is_ready(settings: Settings, shop: Shop) -> None:
    app = create_app(settings, shop=shop)  # the session's seeded shop, its index built
    r = await ready(app)
    assert r.status_code == 200 and r.json()["checks"]["index"] == "ok"


async def test_readyz_is_described_beside_healthz(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert "/healthz" in paths
    responses = paths["/readyz"]["get"]["responses"]
    ok = responses["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/Readiness"}
    assert "503" in responses
