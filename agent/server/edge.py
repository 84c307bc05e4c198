"""The edge every request crosses first: text no store can keep is refused here, once, for every
route and every database (PostgreSQL rejects NUL in text; no store can encode a lone surrogate),
and bodies are bounded in size.

A pure ASGI middleware, so streamed responses pass through untouched; a JSON body is read whole
(it is bounded) and handed on unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote_plus

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agent.server.problems import problem

MAX_BODY_BYTES = 2 * 1024 * 1024  # the largest JSON body (5,000 stock updates) is ~400 KB
# Feed uploads stream to disk under the route's own limit (SARTO_IMPORT_MAX_MB), unbuffered here.
UPLOAD_PATHS = frozenset({"/v1/catalog/imports"})


def unusable_text(text: str) -> bool:
    """NUL, or a lone surrogate (valid in JSON escapes, unencodable as UTF-8)."""
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _strings(value: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            name = "<a key>" if unusable_text(key) else key  # never echo the text refused
            yield f"{where}.{name}", key
            yield from _strings(item, f"{where}.{name}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, f"{where}.{i}")


def _bad_json_text(body: bytes) -> str | None:
    """What makes the body's text unusable; None when nothing does (or it is not JSON at all: the
    route's own validation answers that). JSON is UTF-8 (RFC 8259): other bytes are refused."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"body: not UTF-8 (byte {exc.start})"
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    where = next((where for where, value in _strings(data, "body") if unusable_text(value)), None)
    return None if where is None else f"{where}: text with a NUL byte or invalid Unicode"


class InputGuard:
    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query = unquote_plus(scope.get("query_string", b"").decode("latin-1"))
        if unusable_text(scope["path"]) or unusable_text(query):
            await self._refuse(scope, send, 422, "the path or the query holds a NUL byte or invalid Unicode")
            return
        if scope["method"] not in ("POST", "PUT", "PATCH", "DELETE") or scope["path"] in UPLOAD_PATHS:
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_body:
            await self._refuse(scope, send, 413, f"the body is over {self.max_body} bytes")
            return
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_body:
                await self._refuse(scope, send, 413, f"the body is over {self.max_body} bytes")
                return
        if _is_json(scope):
            why = _bad_json_text(body)
            if why is not None:
                await self._refuse(scope, send, 422, why)
                return
        await self.app(scope, _replay(body, receive), send)

    async def _refuse(self, scope: Scope, send: Send, status: int, detail: str) -> None:
        code = "payload_too_large" if status == 413 else "validation_error"
        response = problem(Request(scope), status, code, detail)
        await response(scope, _no_receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _is_json(scope: Scope) -> bool:
    for name, value in scope.get("headers", []):
        if name == b"content-type":
            return b"json" in value.lower()
    return True  # FastAPI reads a body without a content type as JSON


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # later: the disconnect, when the client goes

    return replay


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}
