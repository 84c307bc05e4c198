"""Guest sign-ups are limited per client address across every worker that shares Redis, and per
worker without it; a Redis that is down leaves each worker limiting on its own."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import httpx
import pytest
from fakes import ScriptedAssistant

from agent.server.app import create_app
from agent.settings import Settings
from api.conftest import CLOSED_REDIS_URL
from tools.db.shop import Shop

pytestmark = pytest.mark.anyio
LIMIT = 10  # guest sign-ups per client address per minute


@pytest.fixture
def address() -> str:
    # An address of its own per test: the shared counts never meet another test's (or run's).
    return f"2001:db8::{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}"


async def two_workers(settings: Settings, shop: Shop, address: str,
                      stack: AsyncExitStack) -> list[httpx.AsyncClient]:
    """Two apps over one shop, as two worker processes would be, both called from `address`."""
    clients = []
    for _ in range(2):
        app = create_app(settings, assistant=ScriptedAssistant(), shop=shop)
        transport = httpx.ASGITransport(app=app, client=(address, 40000))
        clients.append(await stack.enter_async_context(httpx.AsyncClient(transport=transport,
                                                                          base_url="http://test")))
    return clients


@pytest.fixture
async def stack() -> AsyncIterator[AsyncExitStack]:
    async with AsyncExitStack() as s:
        yield s


async def sign_up(client: httpx.AsyncClient, n: int) -> httpx.Response:
    return await client.post("/v1/auth/guest", json={"device_id": f"device-shared-{n:04d}"})


async def test_workers_sharing_redis_share_the_guest_limit(
        settings: Settings, redis_url: str, mini_shop: Shop, address: str, stack: AsyncExitStack) -> None:
    first, second = await two_workers(settings.model_copy(update={"redis_url": redis_url}), mini_shop,
                                      address, stack)
    answers = [await sign_up((first, second)[n % 2], n) for n in range(LIMIT)]
    assert [a.status_code for a in answers] == [200] * LIMIT
    for worker in (first, second):
        refused = await sign_up(worker, LIMIT)
        assert refused.status_code == 429 and refused.json()["code"] == "rate_limited"
        assert 1 <= int(refused.headers["retry-after"]) <= 60


async def test_without_redis_each_worker_keeps_its_own_limit(settings: Settings, mini_shop: Shop,
                                                             address: str, stack: AsyncExitStack) -> None:
    first, second = await two_workers(settings, mini_shop, address, stack)
    answers = [await sign_up(first, n) for n in range(LIMIT + 1)]
    assert [a.status_code for a in answers] == [200] * LIMIT + [429]
    assert (await sign_up(second, 0)).status_code == 200


async def test_a_redis_that_is_down_leaves_each_worker_limiting_on_its_own(
        settings: Settings, mini_shop: Shop, address: str, stack: AsyncExitStack) -> None:
    (worker, _) = await two_workers(settings.model_copy(update={"redis_url": CLOSED_REDIS_URL}), mini_shop,
                                    address, stack)
    answers = [await sign_up(worker, n) for n in range(LIMIT + 1)]
    assert [a.status_code for a in answers] == [200] * LIMIT + [429]  # neither refused nor unlimited
    assert int(answers[-1].headers["retry-after"]) >= 1
