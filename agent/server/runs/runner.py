"""Start a run in a background task that writes AG-UI events into the run buffer.

RUN_STARTED and the first STATE_SNAPSHOT are written before the task starts, so they leave
before any tool runs. The client's connection is not the run: dropping it does not stop the run;
`POST /v1/runs/{id}/cancel` (or erasure) does, ending it with RUN_ERROR code "cancelled".
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import time
from dataclasses import dataclass
from typing import Any

from ag_ui.core import BaseEvent

from agent.events import ErrorEvent, TurnRequest
from agent.server.metrics import Metrics
from agent.server.problems import ApiError
from agent.server.runs.store import RunRecord, RunStore
from agent.server.wire.agui import AguiMapper, encode
from agent.surfaces import AssistantProtocol
from tools.clock import shop_now
from tools.db.shop import Shop
from tools.shapes import TurnResult
from tools.shoppers.runs import finish_run, record_run

log = logging.getLogger("sarto.server.runs")


async def _write(store: RunStore, run_id: str, events: list[BaseEvent]) -> None:
    for event in events:
        await store.append(run_id, event.type.value, encode(event))


# How long a streamed run waits for its first event to reach the client before the assistant starts:
# the assistant's worker thread competes for the GIL and would otherwise delay RUN_STARTED by 100+ ms.
FIRST_EVENT_GRACE_S = 0.05


def _stop_if_cancelled() -> None:
    """Raise the cancel a library swallowed: on Python 3.11 `asyncio.wait_for` (redis-py wraps every
    write in it) returns normally when the cancel lands as the awaited call completes, so the run
    would go on to RUN_FINISHED; only `Task.cancelling()` still tells."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


def fingerprint(request: TurnRequest) -> str:
    """What a turn asks, so a key sent again with a different request is told apart from a retry."""
    asked = request.model_dump(mode="json", include={"thread_id", "message", "resume", "language", "layout"})
    return hashlib.sha256(json.dumps(asked, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class Started:
    record: RunRecord
    replayed: bool  # a retry with the same idempotency key: the first run, not a new turn


async def start_run(store: RunStore, assistant: AssistantProtocol, request: TurnRequest,
                    run_id: str, metrics: Metrics, shop: Shop, streamed: bool = True) -> Started:
    """Claim the thread (404 if it is another shopper's) and record the run with the shopper's
    message (one write, before the turn: it survives the process), then run the turn in the
    background. With an idempotency key already used by this shopper, nothing runs: the first run
    answers again."""
    asked = fingerprint(request)
    if request.idempotency_key:
        earlier = await store.by_key(request.shopper_id, request.idempotency_key)
        if earlier is not None:
            if earlier.fingerprint != asked:
                raise ApiError(409, "idempotency_key_reused", (
                    "Questa idempotency_key è già stata usata per una richiesta diversa.",
                    "This idempotency_key was already used for a different request."))
            return Started(earlier, replayed=True)
    def claim_and_record() -> bool:  # one hop to a worker thread for both
        new = assistant.claim_thread(request)
        record_run(shop, run_id, request.shopper_id, request.thread_id, request.message, shop_now())
        return new

    new_thread = await asyncio.to_thread(claim_and_record)
    record = await store.create(run_id, request.shopper_id, request.thread_id, request.idempotency_key, asked)
    mapper = AguiMapper(request.thread_id, run_id)
    await _write(store, run_id, mapper.start(request.layout))
    metrics.runs_started.inc()
    task = asyncio.create_task(_drive(store, assistant, request, new_thread, mapper, metrics, shop,
                                      record if streamed else None), name=f"sarto-run-{run_id}")
    store.attach_task(run_id, task)
    return Started(record, replayed=False)


async def _drive(store: RunStore, assistant: AssistantProtocol, request: TurnRequest,
                 new_thread: bool, mapper: AguiMapper, metrics: Metrics, shop: Shop,
                 streamed: RunRecord | None) -> None:
    run_id = mapper.run_id
    started = time.perf_counter()
    first_event_at: float | None = None
    status, result, error = "error", None, None
    try:
        if streamed is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(store.first_sent(run_id).wait(), FIRST_EVENT_GRACE_S)
        async for item in assistant.astream(request, new_thread=new_thread):
            _stop_if_cancelled()  # a cancel swallowed by the last write ends the run here
            if first_event_at is None:
                first_event_at = time.perf_counter()
                metrics.time_to_first_event.observe(first_event_at - started)
            if isinstance(item, TurnResult):
                result = item.model_dump(mode="json")
                await _write(store, run_id, mapper.finish(item))
                status = "interrupted" if item.pending_reservation or mapper.interrupted else "finished"
                break
            if isinstance(item, ErrorEvent):
                error = {"code": item.code, "message": item.message}
                await _write(store, run_id, mapper.fail(item.code, item.message))
                break
            await _write(store, run_id, mapper.map(item))
        else:
            error = {"code": "internal", "message": "the run ended without a result"}
            await _write(store, run_id, mapper.fail(**error))
    except asyncio.CancelledError:
        status, error = "cancelled", {"code": "cancelled", "message": "run cancelled"}
        if await store.peek(run_id) is not None:
            await _write(store, run_id, mapper.fail("cancelled", "The run was cancelled."))
        await store.finish(run_id, status, None, error)
        metrics.runs_finished.labels(status=status).inc()
        await asyncio.shield(asyncio.to_thread(finish_run, shop, run_id, status, shop_now()))
        raise
    except LookupError:  # e.g. the thread is another shopper's: indistinguishable from missing
        error = {"code": "not_found", "message": "thread not found"}
        await _write(store, run_id, mapper.fail(**error))
    except Exception:  # the stream gets a clean RUN_ERROR; the traceback goes to the log
        log.exception("run %s failed", run_id)
        error = {"code": "internal", "message": "internal error"}
        await _write(store, run_id, mapper.fail(**error))
    if error is not None:
        status = "error"
    await store.finish(run_id, status, result, error)
    metrics.runs_finished.labels(status=status).inc()
    metrics.turn_duration.observe(time.perf_counter() - started)
    await asyncio.to_thread(finish_run, shop, run_id, status, shop_now())


def run_outcome(record: RunRecord) -> dict[str, Any]:
    """The non-streaming answer: the TurnResult plus run_id, or the error."""
    return {"run_id": record.run_id, "status": record.status, **(record.result or {}),
            **({"error": record.error} if record.error else {})}
