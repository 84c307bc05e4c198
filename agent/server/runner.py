"""Start a run in a background task that writes AG-UI events into the run buffer.

RUN_STARTED and the first STATE_SNAPSHOT are written before the task starts, so they leave
before any tool runs. The client's connection is not the run: dropping it does not stop the run;
`POST /v1/runs/{id}/cancel` (or erasure) does, ending it with RUN_ERROR code "cancelled".
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from ag_ui.core import BaseEvent

from agent.events import ErrorEvent, TurnRequest
from agent.runtime import AssistantProtocol
from agent.server.agui import AguiMapper, encode
from agent.server.metrics import Metrics
from agent.server.runs import InMemoryRunStore, RunRecord
from tools.shapes import TurnResult

log = logging.getLogger("sarto.server.runs")


async def _write(store: InMemoryRunStore, run_id: str, events: list[BaseEvent]) -> None:
    for event in events:
        await store.append(run_id, event.type.value, encode(event))


# How long a streamed run waits for its first event to reach the client before the assistant starts:
# the assistant's worker thread competes for the GIL and would otherwise delay RUN_STARTED by 100+ ms.
FIRST_EVENT_GRACE_S = 0.05


async def start_run(store: InMemoryRunStore, assistant: AssistantProtocol, request: TurnRequest,
                    run_id: str, metrics: Metrics, streamed: bool = True) -> RunRecord:
    record = store.create(run_id, request.shopper_id, request.thread_id)
    mapper = AguiMapper(request.thread_id, run_id)
    await _write(store, run_id, mapper.start(request.layout))
    metrics.runs_started.inc()
    task = asyncio.create_task(_drive(store, assistant, request, mapper, metrics,
                                      record if streamed else None), name=f"sarto-run-{run_id}")
    store.attach_task(run_id, task)
    return record


async def _drive(store: InMemoryRunStore, assistant: AssistantProtocol, request: TurnRequest,
                 mapper: AguiMapper, metrics: Metrics, streamed: RunRecord | None) -> None:
    run_id = mapper.run_id
    started = time.perf_counter()
    first_event_at: float | None = None
    status, result, error = "error", None, None
    try:
        if streamed is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(streamed.first_sent.wait(), FIRST_EVENT_GRACE_S)
        async for item in assistant.astream(request):
            if first_event_at is None:
                first_event_at = time.perf_counter()
                metrics.time_to_first_event.observe(first_event_at - started)
            if isinstance(item, TurnResult):
                result = item.model_dump(mode="json")
                await _write(store, run_id, mapper.finish(item))
                status = "interrupted" if item.pending_reservation or mapper._interrupts else "finished"
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
        if store.peek(run_id) is not None:
            await _write(store, run_id, mapper.fail("cancelled", "The run was cancelled."))
        await store.finish(run_id, status, None, error)
        metrics.runs_finished.labels(status=status).inc()
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


def run_outcome(record: RunRecord) -> dict[str, Any]:
    """The non-streaming answer: the TurnResult plus run_id, or the error."""
    return {"run_id": record.run_id, "status": record.status, **(record.result or {}),
            **({"error": record.error} if record.error else {})}
