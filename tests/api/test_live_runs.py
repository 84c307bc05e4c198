"""Runs over a real socket (uvicorn on 127.0.0.1): first event timing, drop and resume, cancel."""

from __future__ import annotations

import time
from typing import Any

import httpx

from api.conftest import API_KEY, LiveServer
from api.sse import SseEvent, parse_sse


def _token(live: LiveServer, shopper_id: str = "S-LOYAL-1") -> dict[str, str]:
    r = httpx.post(f"{live.base_url}/v1/auth/shopper-token", json={"shopper_id": shopper_id},
                   headers={"X-API-Key": API_KEY})
    return {"Authorization": f"Bearer {r.json()['token']}"}


def _body(run_id: str) -> dict[str, Any]:
    return {"threadId": f"t-{run_id}", "runId": run_id, "state": {}, "tools": [], "context": [],
            "messages": [{"id": "m1", "role": "user", "content": "Ho un colloquio"}], "forwardedProps": {}}


class Wire:
    """Reads SSE events off a streaming response, as far as asked, keeping the rest for later."""

    def __init__(self, response: httpx.Response) -> None:
        self.chunks = response.iter_text()
        self.buffer = ""

    def read(self, stop_after: int | None = None) -> list[SseEvent]:
        events: list[SseEvent] = []
        while True:
            while "\n\n" in self.buffer:
                block, self.buffer = self.buffer.split("\n\n", 1)
                events += parse_sse(block + "\n\n")
                if stop_after is not None and len(events) >= stop_after:
                    return events
            chunk = next(self.chunks, None)
            if chunk is None:
                return events
            self.buffer += chunk


def _read_events(response: httpx.Response, stop_after: int | None = None) -> list[SseEvent]:
    return Wire(response).read(stop_after)


def test_run_started_leaves_before_any_tool_finishes(live_server: LiveServer) -> None:
    headers = _token(live_server)
    started = time.perf_counter()
    with httpx.stream("POST", f"{live_server.base_url}/v1/agent/run", json=_body("run-l1"),
                      headers=headers, timeout=10) as r:
        first = _read_events(r, stop_after=1)[0]
        elapsed = time.perf_counter() - started
        buffered = [e.type for e in live_server.app.state.resources.runs.held("run-l1").events]
        assert first.json["type"] == "RUN_STARTED"
        assert "TOOL_CALL_RESULT" not in buffered, "the first event waited for a tool"
        assert elapsed < 1.0


def test_dropped_client_resumes_without_gaps_or_duplicates(live_server: LiveServer) -> None:
    headers = _token(live_server)
    url = live_server.base_url
    with httpx.stream("POST", f"{url}/v1/agent/run", json=_body("run-l2"), headers=headers,
                      timeout=10) as r:
        head = _read_events(r, stop_after=6)  # drop mid-run
    record = live_server.app.state.resources.runs.held("run-l2")
    assert not record.finished, "the test must drop the connection while the run is still going"
    with httpx.stream("GET", f"{url}/v1/runs/run-l2/events",
                      headers={**headers, "Last-Event-ID": head[-1].id}, timeout=10) as r:
        tail = _read_events(r)
    resumed = head + tail
    assert [e.seq for e in resumed] == list(range(1, len(resumed) + 1))
    assert resumed[-1].json["type"] == "RUN_FINISHED"  # the drop did not cancel the run
    replay = parse_sse(httpx.get(f"{url}/v1/runs/run-l2/events?after=0", headers=headers, timeout=10).text)
    assert [e.data for e in replay] == [e.data for e in resumed]
    after = parse_sse(httpx.get(f"{url}/v1/runs/run-l2/events?after=3", headers=headers, timeout=10).text)
    assert [e.id for e in after] == [e.id for e in resumed[3:]]


def test_cancel_stops_the_run_with_run_error(live_server: LiveServer) -> None:
    headers = _token(live_server)
    url = live_server.base_url
    with httpx.stream("POST", f"{url}/v1/agent/run", json=_body("run-l3"), headers=headers,
                      timeout=10) as r:
        wire = Wire(r)
        events = wire.read(stop_after=3)
        answer = httpx.post(f"{url}/v1/runs/run-l3/cancel", headers=headers, timeout=10)
        assert answer.status_code == 200 and answer.json()["status"] == "cancelled"
        events += wire.read()
    last = events[-1].json
    assert last["type"] == "RUN_ERROR" and last["code"] == "cancelled"
    assert "RUN_FINISHED" not in [e.json["type"] for e in events]
    again = httpx.post(f"{url}/v1/runs/run-l3/cancel", headers=headers, timeout=10)
    assert again.status_code == 409 and again.json()["code"] == "conflict"


def test_a_dropped_chat_stream_resumes_like_use_chat_does(live_server: LiveServer) -> None:
    """useChat's `resume`: GET /v1/chat/{id}/stream gives the running turn's whole UI message
    stream again; once the turn is over it answers 204 (the answer is in the thread)."""
    headers = _token(live_server)
    chat = {"id": "chat-resume-1", "messages": [{"id": "u1", "role": "user",
                                                 "parts": [{"type": "text", "text": "Ho un colloquio"}]}]}
    with httpx.stream("POST", f"{live_server.base_url}/v1/chat", json=chat, headers=headers, timeout=10) as r:
        run_id = r.headers["x-sarto-run-id"]
        dropped = _read_events(r, stop_after=3)
    assert [e.json["type"] for e in dropped][:1] == ["start"]
    assert not live_server.app.state.resources.runs.held(run_id).finished, "the turn ended before the drop"

    other = _token(live_server, "S-OTHER-2")
    assert httpx.get(f"{live_server.base_url}/v1/chat/chat-resume-1/stream", headers=other).status_code == 404
    with httpx.stream("GET", f"{live_server.base_url}/v1/chat/chat-resume-1/stream", headers=headers,
                      timeout=10) as r:
        assert r.status_code == 200 and r.headers["x-vercel-ai-ui-message-stream"] == "v1"
        assert r.headers["x-sarto-run-id"] == run_id
        resumed = _read_events(r)
    types = [e.data if e.data == "[DONE]" else e.json["type"] for e in resumed]
    assert types[0] == "start" and types[-2:] == ["finish", "[DONE]"]
    assert "data-outfit" in types and types.count("text-delta") >= 2
    for chat_id in ("chat-resume-1", "never-started"):
        r = httpx.get(f"{live_server.base_url}/v1/chat/{chat_id}/stream", headers=headers)
        assert r.status_code == 204, (chat_id, r.text)
