"""The run buffers, in process and in Redis: gapless seqs, waiting readers, bounded memory,
erasure, and (Redis) runs shared by workers, cancelled from another worker, lost with their worker."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator

import pytest

from agent.server.problems import ApiError
from agent.server.runs.redis_store import RedisRunStore
from agent.server.runs.store import InMemoryRunStore, RunStore

pytestmark = pytest.mark.anyio
REDIS_URL = "redis://127.0.0.1:6379/14"


@pytest.fixture(params=["memory", "redis"])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[RunStore]:
    if request.param == "memory":
        yield InMemoryRunStore()
        return
    runs = await _redis_store()
    yield runs
    await runs.cancel_all()
    await runs.redis.aclose()


async def _redis_store(prefix: str | None = None) -> RedisRunStore:
    from redis.asyncio import Redis

    client = Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except Exception as exc:  # the real server is part of every dev and CI machine
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Redis at {REDIS_URL} is not available: {exc}")
        pytest.skip(f"Redis at {REDIS_URL} is not available: {exc}")
    runs = RedisRunStore(client, prefix=prefix or f"test-{uuid.uuid4().hex[:8]}:")
    await runs.start()
    return runs


async def test_readers_wait_for_new_events_and_see_the_end(store: RunStore) -> None:
    await store.create("r1", "S-1", "t-1")
    await store.append("r1", "RUN_STARTED", "{}")

    async def writer() -> None:
        await asyncio.sleep(0.02)
        await store.append("r1", "TEXT_MESSAGE_CONTENT", "{}")
        await store.finish("r1", "finished")

    task = asyncio.create_task(writer())
    await store.wait("r1", 1, timeout=2)
    assert [e.seq for e in await store.read_after("r1", 1)] == [2]
    await task
    await store.wait("r1", 2, timeout=2)  # returns at once: the run finished
    assert (await store.peek("r1")).finished and await store.read_after("r1", 2) == []


async def test_other_shoppers_get_404_and_erasure_forgets_runs(store: RunStore) -> None:
    await store.create("r1", "S-1", "t-1")
    await store.create("r2", "S-2", "t-2")
    with pytest.raises(ApiError) as caught:
        await store.get("r1", "S-2")
    assert caught.value.status == 404
    with pytest.raises(ApiError):
        await store.create("r1", "S-1", "t-1")  # a runId is used once
    assert await store.delete_for_shopper("S-1") == 1
    assert await store.peek("r1") is None and await store.peek("r2") is not None


async def test_finished_runs_expire_and_the_store_stays_bounded() -> None:
    store = InMemoryRunStore(ttl_s=0.0, max_runs=3)
    for i in range(3):
        await store.create(f"old{i}", "S-1", "t")
        await store.finish(f"old{i}", "finished")
    await asyncio.sleep(0.01)
    await store.create("new", "S-1", "t")  # creating sweeps expired runs
    assert [r for r in ("old0", "old1", "old2") if await store.peek(r)] == []
    live = InMemoryRunStore(ttl_s=3600, max_runs=3)
    for i in range(5):
        await live.create(f"r{i}", "S-1", "t")
        await live.finish(f"r{i}", "finished")
    assert len([i for i in range(5) if await live.peek(f"r{i}")]) <= 3 and await live.peek("r4") is not None


async def test_a_run_on_one_worker_is_read_and_cancelled_from_another() -> None:
    prefix = f"test-{uuid.uuid4().hex[:8]}:"
    one, two = await _redis_store(prefix), await _redis_store(prefix)
    try:
        await one.create("r1", "S-1", "t-1", idempotency_key="k1", fingerprint="f")
        await one.append("r1", "RUN_STARTED", "{}")

        async def turn() -> None:  # the run's task lives on worker one
            try:
                await asyncio.sleep(30)
            except asyncio.CancelledError:
                await one.append("r1", "RUN_ERROR", '{"code":"cancelled"}')
                await one.finish("r1", "cancelled", None, {"code": "cancelled", "message": "run cancelled"})
                raise
        one.attach_task("r1", asyncio.create_task(turn()))
        seen = await two.get("r1", "S-1")
        assert not seen.finished and (await two.by_key("S-1", "k1")) is not None
        assert (await two.active_for_thread("t-1", "S-1")) is not None
        with pytest.raises(ApiError):
            await two.get("r1", "S-2")
        assert [e.type for e in await two.read_after("r1", 0)] == ["RUN_STARTED"]
        assert await two.cancel("r1")  # published: worker one stops its task
        ended = await asyncio.wait_for(two.settled("r1"), 5)
        assert ended.status == "cancelled"
        assert [e.type for e in await two.read_after("r1", 1)] == ["RUN_ERROR"]
    finally:
        for runs in (one, two):
            await runs.cancel_all()
            await runs.redis.aclose()


async def test_a_run_whose_worker_died_is_no_longer_held() -> None:
    prefix = f"test-{uuid.uuid4().hex[:8]}:"
    dying, other = await _redis_store(prefix), await _redis_store(prefix)
    try:
        await dying.create("r1", "S-1", "t-1")
        await dying.append("r1", "RUN_STARTED", "{}")
        assert await other.peek("r1") is not None
        for task in dying._background:  # its heartbeat stops, as when the process is killed
            task.cancel()
        await dying.redis.delete(dying._worker(dying.worker))  # ... and its lease runs out
        assert await other.peek("r1") is None  # the caller ends it as interrupted from the database
    finally:
        for runs in (dying, other):
            await runs.cancel_all()
            await runs.redis.aclose()


async def test_a_guest_who_signs_in_keeps_their_runs_and_keys(store: RunStore) -> None:
    await store.create("r1", "G-1", "t-1", idempotency_key="k1", fingerprint="f")
    await store.create("r2", "S-3", "t-2")
    await store.reassign("G-1", "S-1")
    assert (await store.get("r1", "S-1")).thread_id == "t-1"
    assert (await store.by_key("S-1", "k1")) is not None and await store.by_key("G-1", "k1") is None
    with pytest.raises(ApiError):
        await store.get("r1", "G-1")
    assert (await store.get("r2", "S-3")).shopper_id == "S-3"  # nobody else's runs move
