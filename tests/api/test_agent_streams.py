"""The assistant's streams in process: AG-UI events, AI SDK UI message stream, JSON run, replay."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from ag_ui.core import Event, EventType
from pydantic import TypeAdapter

from api.conftest import shopper_headers
from api.sse import SseEvent, parse_sse
from tools.shapes import TurnResult

pytestmark = pytest.mark.anyio
AGUI_EVENT: TypeAdapter[Any] = TypeAdapter(Event)


def run_input(run_id: str, text: str, thread_id: str = "t-1", **props: Any) -> dict[str, Any]:
    return {"threadId": thread_id, "runId": run_id, "state": {}, "tools": [], "context": [],
            "messages": [{"id": f"m-{run_id}", "role": "user", "content": text}],
            "forwardedProps": {"language": "it", **props}}


async def agui_run(client: httpx.AsyncClient, headers: dict[str, str], run_id: str,
                   text: str = "Ho un colloquio, cosa mi metto?", **props: Any) -> list[SseEvent]:
    r = await client.post("/v1/agent/run", json=run_input(run_id, text, **props), headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/event-stream")
    assert r.headers["x-accel-buffering"] == "no"
    assert r.headers["cache-control"] == "no-cache"
    return parse_sse(r.text)


async def test_agui_stream_is_valid_protocol(client: httpx.AsyncClient) -> None:
    headers = await shopper_headers(client, "S-LOYAL-1")
    events = await agui_run(client, headers, "run-a1")
    models = [AGUI_EVENT.validate_json(e.data) for e in events]
    types = [m.type for m in models]
    assert types[0] == EventType.RUN_STARTED and types[1] == EventType.STATE_SNAPSHOT
    assert types[-1] == EventType.RUN_FINISHED
    assert types.count(EventType.TEXT_MESSAGE_CONTENT) >= 2
    assert types.index(EventType.TEXT_MESSAGE_START) < types.index(EventType.TEXT_MESSAGE_END)
    assert {EventType.TOOL_CALL_START, EventType.TOOL_CALL_ARGS, EventType.TOOL_CALL_END,
            EventType.TOOL_CALL_RESULT, EventType.STATE_DELTA, EventType.STEP_STARTED} <= set(types)
    outfit = next(m for m in models if m.type == EventType.ACTIVITY_SNAPSHOT)
    assert outfit.activity_type == "sarto.outfit"
    assert len(outfit.content["items"]) == 4 and outfit.content["layout"] == "image-grid"
    goal_patch = next(m for m in models if m.type == EventType.STATE_DELTA).delta[0]
    assert goal_patch.path == "/goal" and goal_patch.value["label"] == "job_interview"
    text = "".join(m.delta for m in models if m.type == EventType.TEXT_MESSAGE_CONTENT)
    assert models[-1].result["text"] == text  # the streamed text is the turn's text


async def test_agui_ids_are_run_and_increasing_seq(client: httpx.AsyncClient) -> None:
    headers = await shopper_headers(client, "S-LOYAL-1")
    events = await agui_run(client, headers, "run-a2")
    assert all(e.id is not None and e.id.startswith("run-a2:") for e in events)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].retry is not None and all(e.retry is None for e in events[1:])


async def test_text_message_is_closed_before_other_events(client: httpx.AsyncClient) -> None:
    headers = await shopper_headers(client, "S-LOYAL-1")
    types = [e.json["type"] for e in await agui_run(client, headers, "run-a3")]
    open_text = False
    for t in types:
        if t == "TEXT_MESSAGE_START":
            open_text = True
        elif t == "TEXT_MESSAGE_END":
            open_text = False
        elif t != "TEXT_MESSAGE_CONTENT":
            assert not open_text, f"{t} arrived inside an open text message"


async def test_reservation_request_ends_with_interrupt_outcome(client: httpx.AsyncClient) -> None:
    headers = await shopper_headers(client, "S-LOYAL-1")
    events = await agui_run(client, headers, "run-a4", "prenota il look a Milano")
    finished = AGUI_EVENT.validate_json(events[-1].data)
    assert finished.type == EventType.RUN_FINISHED
    assert finished.outcome.type == "interrupt"
    interrupt = finished.outcome.interrupts[0]
    assert interrupt.reason == "confirm_reservation"
    assert interrupt.metadata["payload"]["store_code"] == "MI01"


async def test_confirm_resume_is_forwarded_to_the_assistant(client: httpx.AsyncClient,
                                                            assistant: Any) -> None:
    headers = await shopper_headers(client, "S-LOYAL-1")
    body = run_input("run-a5", "", resume="confirm")
    body["messages"] = []
    r = await client.post("/v1/agent/run", json=body, headers=headers)
    assert r.status_code == 200
    assert assistant.requests[-1].resume == "confirm"
    assert parse_sse(r.text)[-1].json["outcome"]["type"] == "success"


async def test_assistant_error_ends_with_run_error(client: httpx.AsyncClient) -> None:
    headers = await shopper_headers(client, "S-LOYAL-1")
    events = await agui_run(client, headers, "run-a6", "boom")
    last = events[-1].json
    assert last["type"] == "RUN_ERROR" and last["code"] == "llm_unavailable"
    assert "RUN_FINISHED" not in [e.json["type"] for e in events]


async def test_replay_after_seq_and_last_event_id(client: httpx.AsyncClient) -> None:
    headers = await shopper_headers(client, "S-LOYAL-1")
    full = await agui_run(client, headers, "run-a7")
    cut = 5
    r = await client.get("/v1/runs/run-a7/events", params={"after": cut}, headers=headers)
    assert [e.id for e in parse_sse(r.text)] == [e.id for e in full[cut:]]
    r = await client.get("/v1/runs/run-a7/events", headers={**headers, "Last-Event-ID": f"run-a7:{cut}"})
    assert [e.data for e in parse_sse(r.text)] == [e.data for e in full[cut:]]
    r = await client.get("/v1/runs/run-a7/events", params={"after": 0}, headers=headers)
    replay = parse_sse(r.text)
    assert replay[0].json["type"] == "RUN_STARTED" and len(replay) == len(full)


async def test_runs_and_threads_are_private(client: httpx.AsyncClient) -> None:
    anna = await shopper_headers(client, "S-LOYAL-1")
    bruno = await shopper_headers(client, "S-OTHER-2")
    await agui_run(client, anna, "run-a8", thread_id="t-anna")
    assert (await client.get("/v1/runs/run-a8/events", headers=bruno)).status_code == 404
    assert (await client.post("/v1/runs/run-a8/cancel", headers=bruno)).status_code == 404
    assert (await client.get("/v1/threads/t-anna", headers=bruno)).status_code == 404
    assert (await client.get("/v1/runs/run-a8/events")).status_code == 401
    mine = (await client.get("/v1/threads/t-anna", headers=anna)).json()
    assert mine["messages"][0]["role"] == "user" and mine["cards"][0]["type"] == "sarto.outfit"


async def test_run_input_errors_are_problems(client: httpx.AsyncClient) -> None:
    headers = await shopper_headers(client, "S-LOYAL-1")
    r = await client.post("/v1/agent/run", json=run_input("run-a9", "ciao", language="fr"), headers=headers)
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["code"] == "validation_error" and "language" in r.json()["detail"]
    r = await client.post("/v1/agent/run", json={"threadId": "t"}, headers=headers)
    assert r.status_code == 422 and r.json()["code"] == "validation_error"
    await agui_run(client, headers, "run-a10")
    r = await client.post("/v1/agent/run", json=run_input("run-a10", "ancora"), headers=headers)
    assert r.status_code == 409 and r.json()["code"] == "conflict"


async def test_ai_sdk_ui_message_stream(client: httpx.AsyncClient) -> None:
    headers = await shopper_headers(client, "S-LOYAL-1")
    body = {"id": "chat-1", "messages": [{"id": "u1", "role": "user",
                                          "parts": [{"type": "text", "text": "Ho un colloquio"}]}]}
    r = await client.post("/v1/chat", json=body, headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["x-vercel-ai-ui-message-stream"] == "v1"
    events = parse_sse(r.text)
    assert events[-1].data == "[DONE]"
    chunks = [e.json for e in events[:-1]]
    types = [c["type"] for c in chunks]
    assert types[:2] == ["start", "start-step"] and types[-2:] == ["finish-step", "finish"]
    assert types.count("text-delta") >= 2
    assert {"text-start", "text-end", "tool-input-available", "tool-output-available", "data-outfit",
            "data-state"} <= set(types)
    tool_in = next(c for c in chunks if c["type"] == "tool-input-available")
    assert tool_in["toolName"] == "search_products" and tool_in["input"]["query"]
    outfit = next(c for c in chunks if c["type"] == "data-outfit")
    assert outfit["data"]["type"] == "sarto.outfit" and outfit["id"]


async def test_json_run_returns_turn_result(client: httpx.AsyncClient) -> None:
    headers = {**await shopper_headers(client, "S-LOYAL-1"), "Accept-Language": "en"}
    r = await client.post("/v1/runs", json={"message": "I have a job interview"}, headers=headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["run_id"].startswith("run-") and body["status"] == "finished"
    result = TurnResult.model_validate({k: v for k, v in body.items() if k not in ("run_id", "status")})
    assert result.language == "en" and result.cards[0].type == "sarto.outfit"
    r = await client.get(f"/v1/runs/{body['run_id']}/events", params={"after": 0}, headers=headers)
    assert parse_sse(r.text)[-1].json["type"] == "RUN_FINISHED"


async def test_a_retried_json_run_answers_with_the_first_run(client: httpx.AsyncClient,
                                                             assistant: Any) -> None:
    headers = await shopper_headers(client, "S-LOYAL-1")
    body = {"message": "Ho un colloquio, cosa mi metto?", "idempotency_key": "retry-0001"}
    first = await client.post("/v1/runs", json=body, headers=headers)
    again = await client.post("/v1/runs", json=body, headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.json()["run_id"] == first.json()["run_id"]
    assert again.json()["thread_id"] == first.json()["thread_id"]
    assert again.headers["idempotent-replayed"] == "true" and "idempotent-replayed" not in first.headers
    assert len(assistant.requests) == 1  # the turn ran once
    changed = await client.post("/v1/runs", json={**body, "message": "Cerco un abito da sera"},
                                headers=headers)
    assert changed.status_code == 409 and changed.json()["code"] == "idempotency_key_reused"
    other = await shopper_headers(client, "S-NEW-9")  # keys are per shopper
    mine = await client.post("/v1/runs", json=body, headers=other)
    assert mine.status_code == 200 and mine.json()["run_id"] != first.json()["run_id"]
    assert len(assistant.requests) == 2


async def test_a_retried_agui_run_streams_the_first_run_again(client: httpx.AsyncClient,
                                                              assistant: Any) -> None:
    headers = await shopper_headers(client, "S-LOYAL-1")
    first = await agui_run(client, headers, "run-idem-1", idempotency_key="agui-retry-01")
    again = await agui_run(client, headers, "run-idem-2", idempotency_key="agui-retry-01")
    assert [e.data for e in again] == [e.data for e in first]
    assert first[-1].json["type"] == "RUN_FINISHED" and len(assistant.requests) == 1


async def test_chat_passes_where_the_shopper_is_like_the_other_surfaces(
        client: httpx.AsyncClient, assistant: Any) -> None:
    headers = await shopper_headers(client, "S-LOYAL-1")
    body = {"id": "chat-ctx", "context": {"lat": 40.8518, "lon": 14.2681, "city": "Napoli"},
            "messages": [{"id": "u1", "role": "user",
                          "parts": [{"type": "text", "text": "Ho un colloquio"}]}]}
    r = await client.post("/v1/chat", json=body, headers=headers)
    assert r.status_code == 200, r.text
    assert assistant.requests[-1].context == {"lat": 40.8518, "lon": 14.2681, "city": "Napoli"}
    bad = {**body, "id": "chat-ctx-bad", "context": {"lat": 123.0, "lon": 14.2}}
    r = await client.post("/v1/chat", json=bad, headers=headers)
    assert r.status_code == 422 and "lat" in r.text
