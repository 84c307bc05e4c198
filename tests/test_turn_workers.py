"""A worker runs at most `turn_workers` turns at once; the others wait their turn and still finish.

Deterministic turns are CPU work under one GIL: running eight at once made every one of them slower
(BENCHMARKS.md, Serve), so the server queues them instead.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from langgraph.checkpoint.memory import InMemorySaver

from agent.assistant import Assistant
from agent.events import TurnRequest
from agent.settings import Settings
from tools.shapes import TurnResult

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)


def test_default_runs_two_deterministic_turns_at_once_and_more_with_an_llm() -> None:
    assert Settings(turn_workers=None).resolved_turn_workers == 2
    assert Settings(turn_workers=None, llm_model="any-model").resolved_turn_workers == 16
    assert Settings(turn_workers=5).resolved_turn_workers == 5


def test_concurrent_turns_queue_behind_the_worker_limit_and_all_finish(shop: Any) -> None:
    assistant = Assistant.open(Settings(data_dir=shop.data_dir, turn_workers=2), shop,
                               checkpointer=InMemorySaver())
    real_stream = assistant.stream
    lock = threading.Lock()
    running, most = 0, 0

    def counted(request: TurnRequest, cancelled: threading.Event | None = None, **kw: Any) -> Iterator[Any]:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        try:
            yield from real_stream(request, cancelled, **kw)
        finally:
            with lock:
                running -= 1

    assistant.stream = counted  # type: ignore[method-assign]
    messages = ["colloquio di lavoro, taglia 50, uomo", "wedding guest outfit, size 42, woman",
                "look casual per il weekend, taglia 48, uomo", "gym clothes, size 40, woman",
                "fa freddo, look invernale, taglia 52, uomo", "everyday office outfit, size 44, woman"]

    async def all_turns() -> list[TurnResult]:
        return list(await asyncio.gather(*(
            assistant.arun(TurnRequest(shopper_id=f"queue-{i}", thread_id=f"queue-thread-{i}",
                                       message=m, now=NOW))
            for i, m in enumerate(messages))))

    results = asyncio.run(all_turns())
    assert most == 2
    assert [r.thread_id for r in results] == [f"queue-thread-{i}" for i in range(len(messages))]
    assert all(any(c.type == "sarto.outfit" for c in r.cards) for r in results), \
        [(r.thread_id, r.text[:80]) for r in results if not any(c.type == "sarto.outfit" for c in r.cards)]
