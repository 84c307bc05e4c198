"""The in-process run buffer: gapless seqs, waiting readers, bounded memory, erasure."""

from __future__ import annotations

import asyncio

import pytest

from agent.server.problems import ApiError
from agent.server.runs.store import InMemoryRunStore

pytestmark = pytest.mark.anyio


async def test_readers_wait_for_new_events_and_see_the_end() -> None:
    store = InMemoryRunStore()
    store.create("r1", "S-1", "t-1")
    await store.append("r1", "RUN_STARTED", "{}")

    async def writer() -> None:
        await asyncio.sleep(0.02)
        await store.append("r1", "TEXT_MESSAGE_CONTENT", "{}")
        await store.finish("r1", "finished")

    task = asyncio.create_task(writer())
    await store.wait("r1", 1, timeout=2)
    assert [e.seq for e in store.read_after("r1", 1)] == [2]
    await task
    await store.wait("r1", 2, timeout=2)  # returns at once: the run finished
    assert store.peek("r1").finished and store.read_after("r1", 2) == []


async def test_other_shoppers_get_404_and_erasure_forgets_runs() -> None:
    store = InMemoryRunStore()
    store.create("r1", "S-1", "t-1")
    store.create("r2", "S-2", "t-2")
    with pytest.raises(ApiError) as caught:
        store.get("r1", "S-2")
    assert caught.value.status == 404
    with pytest.raises(ApiError):
        store.create("r1", "S-1", "t-1")  # a runId is used once
    assert store.delete_for_shopper("S-1") == 1
    assert store.peek("r1") is None and store.peek("r2") is not None


async def test_finished_runs_expire_and_the_store_stays_bounded() -> None:
    store = InMemoryRunStore(ttl_s=0.0, max_runs=3)
    for i in range(3):
        store.create(f"old{i}", "S-1", "t")
        await store.finish(f"old{i}", "finished")
    await asyncio.sleep(0.01)
    store.create("new", "S-1", "t")  # creating sweeps expired runs
    assert [r for r in ("old0", "old1", "old2") if store.peek(r)] == []
    live = InMemoryRunStore(ttl_s=3600, max_runs=3)
    for i in range(5):
        live.create(f"r{i}", "S-1", "t")
        await live.finish(f"r{i}", "finished")
    assert len([i for i in range(5) if live.peek(f"r{i}")]) <= 3 and live.peek("r4") is not None
