"""A scripted OpenAI-compatible chat-completions server on 127.0.0.1, for the LLM planner's tests.

One scripted `Reply` per model call: tool calls (arguments streamed in pieces), a text answer, an
HTTP error, a delay longer than the client's timeout, or malformed tool arguments. It answers both
`stream=true` (SSE chunks) and `stream=false`, and records every request it receives.

    @pytest.fixture
    def openai_fake():
        with serve_openai_fake() as fake:
            yield fake

    def test_x(openai_fake):
        base_url, script, requests = openai_fake
        script.append(tool_call("assemble_outfit", goal="job_interview"))
        script.append(text("Here you go"))
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple


@dataclass
class Reply:
    """What the fake model answers to one call."""

    text: str | None = None
    tool_calls: list[tuple[str, str]] = field(default_factory=list)  # (name, raw JSON arguments)
    status: int = 200
    delay_s: float = 0.0
    chunk_delay_s: float = 0.0  # a pause before every streamed chunk (a server that trickles bytes)
    text_from: Callable[[dict[str, Any]], str] | None = None  # the answer built from the request body


def tool_call(name: str, **args: Any) -> Reply:
    return Reply(tool_calls=[(name, json.dumps(args))])


def tool_calls(*calls: tuple[str, dict[str, Any]]) -> Reply:
    """Parallel tool calls in one answer (index 0, 1, …)."""
    return Reply(tool_calls=[(name, json.dumps(args)) for name, args in calls])


def malformed_call(name: str, raw_arguments: str) -> Reply:
    return Reply(tool_calls=[(name, raw_arguments)])


def text(content: str) -> Reply:
    return Reply(text=content)


def echo(build: Callable[[dict[str, Any]], str]) -> Reply:
    """A text answer computed from the request (e.g. a rewording of the draft it was sent)."""
    return Reply(text_from=build)


def http_error(status: int = 500) -> Reply:
    return Reply(status=status)


def slow(seconds: float, reply: Reply | None = None) -> Reply:
    base = reply or text("too late")
    return Reply(text=base.text, tool_calls=base.tool_calls, status=base.status, delay_s=seconds)


def trickle(seconds_per_chunk: float, reply: Reply | None = None) -> Reply:
    """A stream that starts at once and then sends each chunk late: every read is quick enough for
    the HTTP timeout, the whole answer is not."""
    base = reply or text("a very slow answer that arrives one word at a time")
    return Reply(text=base.text, tool_calls=base.tool_calls, chunk_delay_s=seconds_per_chunk)


class Script(list[Reply]):
    """Replies served in order; `repeat` (when set) answers every call after the list runs out."""

    repeat: Reply | None = None

    def next_reply(self) -> Reply | None:
        if self:
            return self.pop(0)
        return self.repeat


class FakeOpenAI(NamedTuple):
    base_url: str  # ends in /v1, as ChatOpenAI expects
    script: Script
    requests: list[dict[str, Any]]  # {"path", "authorization", "body"} per call, in order


_ids = itertools.count(1)


def _chunk(model: str, delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    return {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": int(time.time()),
            "model": model, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}


def _pieces(raw: str, parts: int = 3) -> list[str]:
    size = max(1, -(-len(raw) // parts))
    return [raw[i:i + size] for i in range(0, len(raw), size)] or [""]


def stream_chunks(reply: Reply, model: str, include_usage: bool) -> Iterator[dict[str, Any]]:
    """The chat-completions SSE chunks for one reply (wire format in TESTING.md)."""
    if reply.tool_calls:
        for index, (name, raw) in enumerate(reply.tool_calls):
            call_id = f"call_fake_{next(_ids)}"
            head = {"index": index, "id": call_id, "type": "function",
                    "function": {"name": name, "arguments": ""}}
            delta: dict[str, Any] = {"tool_calls": [head]}
            if index == 0:
                delta = {"role": "assistant", "content": None, **delta}
            yield _chunk(model, delta)
            for piece in _pieces(raw):
                yield _chunk(model, {"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
        yield _chunk(model, {}, "tool_calls")
    else:
        yield _chunk(model, {"role": "assistant", "content": ""})
        words = (reply.text or "").split(" ")
        for i, word in enumerate(words):
            yield _chunk(model, {"content": word if i == 0 else " " + word})
        yield _chunk(model, {}, "stop")
    if include_usage:
        yield {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": int(time.time()),
               "model": model, "choices": [],
               "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}}


def completion(reply: Reply, model: str) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.text}
    if reply.tool_calls:
        message["tool_calls"] = [{"id": f"call_fake_{next(_ids)}", "type": "function",
                                  "function": {"name": name, "arguments": raw}}
                                 for name, raw in reply.tool_calls]
    return {"id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()),
            "model": model,
            "choices": [{"index": 0, "message": message,
                         "finish_reason": "tool_calls" if reply.tool_calls else "stop"}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}}


def _handler(script: Script, requests: list[dict[str, Any]]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            requests.append({"path": self.path, "authorization": self.headers.get("Authorization"),
                             "body": body})
            reply = script.next_reply()
            try:
                if reply is None:
                    self._json(500, {"error": {"message": "script exhausted", "type": "server_error"}})
                    return
                if reply.delay_s:
                    time.sleep(reply.delay_s)
                if reply.text_from is not None:
                    reply = Reply(text=reply.text_from(body))
                if reply.status != 200:
                    self._json(reply.status, {"error": {"message": "scripted failure",
                                                        "type": "server_error"}})
                elif body.get("stream"):
                    self._stream(reply, body)
                else:
                    self._json(200, completion(reply, body.get("model", "fake")))
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout): nothing to answer

        def _json(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _stream(self, reply: Reply, body: dict[str, Any]) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()  # HTTP/1.0: the stream ends when the connection closes
            usage = bool((body.get("stream_options") or {}).get("include_usage"))
            for chunk in stream_chunks(reply, body.get("model", "fake"), usage):
                time.sleep(reply.chunk_delay_s)
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()

    return Handler


@contextmanager
def serve_openai_fake() -> Iterator[FakeOpenAI]:
    """Start the scripted server on a free loopback port; stop it on exit."""
    script = Script()
    requests: list[dict[str, Any]] = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(script, requests))
    server.daemon_threads = True
    server.block_on_close = False  # a handler sleeping past the client's timeout must not hold teardown
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True, name="openai-fake")
    thread.start()
    try:
        yield FakeOpenAI(f"http://127.0.0.1:{server.server_address[1]}/v1", script, requests)
    finally:
        server.shutdown()
        server.server_close()
