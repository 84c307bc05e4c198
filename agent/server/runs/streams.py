"""SSE bodies read from a run buffer: the AG-UI stream (with `id: <run_id>:<seq>` for resume) and
the Vercel AI SDK UI message stream (protocol v1) translated from the same buffered events."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

from ag_ui.core import RunErrorEvent
from sse_starlette import EventSourceResponse, ServerSentEvent

from agent.server.runs.store import BufferedEvent, RunStore
from agent.server.wire import ai_sdk
from agent.server.wire.agui import TERMINAL_TYPES, encode

SEP = "\n"  # the AG-UI JS client splits events on "\n\n": CRLF would break it
RETRY_MS = 2000
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
AI_SDK_HEADERS = {**SSE_HEADERS, **ai_sdk.HEADERS}


async def buffered(store: RunStore, run_id: str, after: int) -> AsyncIterator[BufferedEvent]:
    """Every event after `after`, then live ones until the run's terminal event."""
    seq = after
    while True:
        events = await store.read_after(run_id, seq)
        for event in events:
            seq = event.seq
            yield event
            if event.type in TERMINAL_TYPES:
                return
        record = await store.peek(run_id)
        if record is None:  # its worker died while this client waited: the run ends here, retryable
            yield BufferedEvent(seq + 1, "RUN_ERROR", encode(lost_run_error()))
            return
        if record.finished and not await store.read_after(run_id, seq):
            return
        if not events:
            await store.wait(run_id, seq, timeout=5.0)


def _mark_sent(store: RunStore, run_id: str) -> None:
    # Resumed after the first yield: the server has handed that event to the socket.
    store.mark_sent(run_id)


async def agui_sse(store: RunStore, run_id: str, after: int) -> AsyncIterator[ServerSentEvent]:
    first = True
    async for event in buffered(store, run_id, after):
        yield ServerSentEvent(data=event.data, id=f"{run_id}:{event.seq}",
                              retry=RETRY_MS if first else None, sep=SEP)
        if first:
            _mark_sent(store, run_id)
        first = False


def sse_response(body: AsyncIterator[ServerSentEvent], headers: dict[str, str] | None = None
                 ) -> EventSourceResponse:
    return EventSourceResponse(body, sep=SEP, ping=15, headers=headers or SSE_HEADERS)


async def ai_sdk_sse(store: RunStore, run_id: str) -> AsyncIterator[ServerSentEvent]:
    translator = ai_sdk.AiSdkTranslator()
    async for event in buffered(store, run_id, 0):
        for chunk in translator.chunks(json.loads(event.data)):
            yield ServerSentEvent(data=json.dumps(chunk, separators=(",", ":")), sep=SEP)
        _mark_sent(store, run_id)
    yield ServerSentEvent(data="[DONE]", sep=SEP)


# --- runs whose process died -----------------------------------------------------------------

LOST_MESSAGE = ("The server restarted while this run was answering; nothing was lost of what you "
                "wrote: send it again to get the answer (retryable).")


def lost_run_error() -> RunErrorEvent:
    return RunErrorEvent(message=LOST_MESSAGE, code="interrupted")


async def lost_run_sse(run_id: str, after: int) -> AsyncIterator[ServerSentEvent]:
    """What a client resuming a run after the restart gets: the run's end, as RUN_ERROR."""
    yield ServerSentEvent(data=encode(lost_run_error()), id=f"{run_id}:{after + 1}", retry=RETRY_MS, sep=SEP)


async def lost_chat_sse(run_id: str) -> AsyncIterator[ServerSentEvent]:
    translator = ai_sdk.AiSdkTranslator()
    for chunk in translator.chunks(json.loads(encode(lost_run_error()))):
        yield ServerSentEvent(data=json.dumps(chunk, separators=(",", ":")), sep=SEP)
    yield ServerSentEvent(data="[DONE]", sep=SEP)
