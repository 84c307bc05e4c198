"""The assistant over HTTP: AG-UI run (SSE), AI SDK chat (SSE), JSON run, resume and cancel."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from ag_ui.core import RunAgentInput
from fastapi import APIRouter, Header, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agent.events import TurnRequest
from agent.server.deps import (
    AssistantDep,
    ResourcesDep,
    RunStoreDep,
    SettingsDep,
    ShopDep,
    ShopperDep,
    api_key_ok,
)
from agent.server.problems import ApiError, Language, language_of
from agent.server.runs.runner import run_outcome, start_run
from agent.server.runs.streams import (
    AI_SDK_HEADERS,
    agui_sse,
    ai_sdk_sse,
    lost_chat_sse,
    lost_run_sse,
    sse_response,
)
from tools.clock import shop_now
from tools.shapes import first_error
from tools.shoppers.runs import orphaned_run, orphaned_run_of_thread
from tools.shoppers.threads import check_thread_owner

router = APIRouter(tags=["assistant"])
RUN_ID_HEADER = "x-sarto-run-id"  # the chat's run, for GET /v1/runs/{id}/events and cancel
Layout = Literal["image-grid", "spec-table", "carousel"]


class RunContext(BaseModel):
    model_config = ConfigDict(extra="allow")

    lat: float | None = Field(default=None, ge=-90, le=90, strict=True)
    lon: float | None = Field(default=None, ge=-180, le=180, strict=True)
    city: str | None = Field(default=None, max_length=48)
    weather: str | None = Field(default=None, max_length=32)
    store_code: str | None = Field(default=None, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")


class ForwardedProps(BaseModel):
    """What the widget/app sends in RunAgentInput.forwardedProps."""

    model_config = ConfigDict(extra="ignore")

    language: Literal["it", "en"] | None = None
    layout: Layout | None = None
    now: datetime | None = None
    resume: Literal["confirm", "decline"] | None = None
    idempotency_key: str | None = Field(default=None, max_length=128)
    context: RunContext | None = None


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(str(getattr(p, "text", "") or (p.get("text", "") if isinstance(p, dict) else ""))
                        for p in content).strip()
    return ""


def _asked_language(request: Request) -> Language | None:
    """Accept-Language picks the assistant's language only when the client sent one."""
    return language_of(request) if request.headers.get("accept-language") else None


def _validation(detail: str) -> ApiError:
    return ApiError(422, "validation_error", detail)


def _turn(shopper_id: str, thread_id: str, message: str, language: Language | None,
          **extra: Any) -> TurnRequest:
    try:
        return TurnRequest(shopper_id=shopper_id, thread_id=thread_id, message=message,
                           language=language, **{k: v for k, v in extra.items() if v is not None})
    except ValidationError as exc:
        raise _validation(first_error(exc)) from exc


def _check_ids(*ids: str) -> None:
    for value in ids:
        if not value or len(value) > 64 or any(c.isspace() for c in value):
            raise _validation("threadId/runId must be 1-64 characters without spaces")


@router.post("/v1/agent/run", summary="Run a turn, streamed as AG-UI events over SSE")
async def agent_run(body: RunAgentInput, shopper: ShopperDep, assistant: AssistantDep,
                    resources: ResourcesDep, settings: SettingsDep, http: Request) -> Any:
    _check_ids(body.thread_id, body.run_id)
    try:
        props = ForwardedProps.model_validate(body.forwarded_props or {})
    except ValidationError as exc:
        raise _validation(f"forwardedProps.{first_error(exc)}") from exc
    resume = props.resume
    for entry in body.resume or []:  # AG-UI 1.0 native resume entries answer our interrupt too
        answer = entry.payload if isinstance(entry.payload, str) else None
        resume = "decline" if entry.status == "cancelled" or answer == "decline" else "confirm"
    users = [m for m in body.messages if m.role == "user"]
    message = _text_of(users[-1].content) if users else ""
    if not message and resume is None:
        raise _validation("messages: a user message (or a resume answer) is needed")
    if props.now is not None and not (settings.env == "evaluation"
                                      or api_key_ok(settings, http.headers.get("x-api-key"))):
        raise ApiError(403, "now_not_allowed", (
            "forwardedProps.now può essere impostato solo dal backend del negozio (X-API-Key) o in "
            "modalità valutazione (SARTO_ENV=evaluation).",
            "forwardedProps.now can only be set by the shop's backend (X-API-Key) or in evaluation "
            "mode (SARTO_ENV=evaluation)."))
    request = _turn(shopper.shopper_id, body.thread_id, message, props.language or _asked_language(http),
                    layout=props.layout, now=props.now, resume=resume,
                    idempotency_key=props.idempotency_key,
                    context=props.context.model_dump(exclude_none=True) if props.context else None)
    started = await start_run(resources.runs, assistant, request, body.run_id, resources.metrics,
                              resources.shop())
    return sse_response(agui_sse(resources.runs, started.record.run_id, 0))


class ChatPart(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str = ""
    role: Literal["user", "assistant", "system"]
    parts: list[ChatPart] = []


class ChatBody(BaseModel):
    """The body `useChat` (AI SDK) posts; extra keys from `body:` options are read if known."""

    model_config = ConfigDict(extra="allow")
    id: str = Field(min_length=1, max_length=64)
    messages: list[ChatMessage] = Field(min_length=1)
    language: Literal["it", "en"] | None = None
    layout: Layout | None = None
    resume: Literal["confirm", "decline"] | None = None


@router.post("/v1/chat", summary="Run a turn as a Vercel AI SDK UI message stream (useChat)")
async def chat(body: ChatBody, shopper: ShopperDep, assistant: AssistantDep,
               resources: ResourcesDep, http: Request) -> Any:
    _check_ids(body.id)
    users = [m for m in body.messages if m.role == "user"]
    message = " ".join(p.text or "" for p in users[-1].parts if p.type == "text").strip() if users else ""
    if not message and body.resume is None:
        raise _validation("messages: the last user message has no text part")
    run_id = f"run-{uuid.uuid4().hex[:20]}"
    request = _turn(shopper.shopper_id, body.id, message, body.language or _asked_language(http),
                    layout=body.layout,
                    resume=body.resume)
    await start_run(resources.runs, assistant, request, run_id, resources.metrics, resources.shop())
    return sse_response(ai_sdk_sse(resources.runs, run_id), headers={**AI_SDK_HEADERS, RUN_ID_HEADER: run_id})


@router.get("/v1/chat/{chat_id}/stream", summary="Resume the chat's running turn (useChat `resume`)",
            responses={204: {"description": "no turn of this chat is running"}})
async def chat_stream(chat_id: str, shopper: ShopperDep, resources: ResourcesDep) -> Any:
    """The AI SDK's reconnect after a dropped connection or a page reload: the running turn's whole
    UI message stream again, or 204 when none is running (the answer is then in GET /v1/threads/{id})."""
    _check_ids(chat_id)
    shop = resources.shop()
    await asyncio.to_thread(check_thread_owner, shop, chat_id, shopper.shopper_id)
    record = resources.runs.active_for_thread(chat_id, shopper.shopper_id)
    if record is None:  # none running here; one that was running when the server died has ended
        lost = await asyncio.to_thread(orphaned_run_of_thread, shop, chat_id, shopper.shopper_id, shop_now())
        if lost is not None:
            return sse_response(lost_chat_sse(lost), headers={**AI_SDK_HEADERS, RUN_ID_HEADER: lost})
        return Response(status_code=204)
    return sse_response(ai_sdk_sse(resources.runs, record.run_id),
                        headers={**AI_SDK_HEADERS, RUN_ID_HEADER: record.run_id})


class RunBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    thread_id: str | None = Field(default=None, max_length=64)
    message: str = Field(default="", max_length=4000)
    language: Literal["it", "en"] | None = None
    layout: Layout | None = None
    resume: Literal["confirm", "decline"] | None = None
    idempotency_key: str | None = Field(default=None, max_length=128)
    context: RunContext | None = None


@router.post("/v1/runs", summary="Run a turn and answer with the TurnResult as JSON",
             description="A retry with the same `idempotency_key` (same shopper, same request) answers "
                         "with the first run instead of running the turn again (header "
                         "`Idempotent-Replayed: true`), while that run is kept (15 minutes after it "
                         "ends); the same key on a different request is refused (422).")
async def run_json(body: RunBody, shopper: ShopperDep, assistant: AssistantDep,
                   resources: ResourcesDep, http: Request, response: Response) -> dict[str, Any]:
    if not body.message.strip() and body.resume is None:
        raise _validation("message: must not be empty")
    thread_id = body.thread_id
    if thread_id is None and body.idempotency_key:  # a retry continues the first try's new thread
        earlier = resources.runs.by_key(shopper.shopper_id, body.idempotency_key)
        thread_id = earlier.thread_id if earlier is not None else None
    thread_id = thread_id or f"t-{uuid.uuid4().hex[:20]}"
    _check_ids(thread_id)
    run_id = f"run-{uuid.uuid4().hex[:20]}"
    request = _turn(shopper.shopper_id, thread_id, body.message, body.language or _asked_language(http),
                    layout=body.layout,
                    resume=body.resume, idempotency_key=body.idempotency_key,
                    context=body.context.model_dump(exclude_none=True) if body.context else None)
    started = await start_run(resources.runs, assistant, request, run_id, resources.metrics,
                              resources.shop(), streamed=False)
    record = started.record
    if started.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    while not record.finished:
        await resources.runs.wait(run_id, len(record.events), timeout=5.0)
    if record.error:
        status = 503 if record.error["code"] == "llm_unavailable" else 500
        raise ApiError(status, record.error["code"], record.error["message"], run_id=record.run_id)
    return run_outcome(record)


def _after(run_id: str, after: int | None, last_event_id: str | None) -> int:
    if after is not None:
        return after
    if last_event_id:
        rid, _, seq = last_event_id.rpartition(":")
        if rid and rid != run_id:
            raise _validation("Last-Event-ID belongs to another run")
        if not seq.isdigit():
            raise _validation("Last-Event-ID must be <run_id>:<seq>")
        return int(seq)
    return 0


@router.get("/v1/runs/{run_id}/events", summary="Resume a run's AG-UI stream after a seq")
async def run_events(run_id: str, shopper: ShopperDep, runs: RunStoreDep, shop: ShopDep,
                     after: Annotated[int | None, Query(ge=0)] = None,
                     last_event_id: Annotated[str | None, Header()] = None) -> Any:
    seq = _after(run_id, after, last_event_id)
    if runs.peek(run_id) is None:  # not held by this process: ended, or its process died mid-run
        lost = await asyncio.to_thread(orphaned_run, shop, run_id, shopper.shopper_id, shop_now())
        if lost:
            return sse_response(lost_run_sse(run_id, seq))
    runs.get(run_id, shopper.shopper_id)  # 404 unless it is this shopper's run
    return sse_response(agui_sse(runs, run_id, seq))


@router.post("/v1/runs/{run_id}/cancel", summary="Stop a running turn")
async def cancel_run(run_id: str, shopper: ShopperDep, runs: RunStoreDep) -> dict[str, str]:
    record = runs.get(run_id, shopper.shopper_id)
    if not runs.cancel(run_id):
        raise ApiError(409, "conflict", (f"Il run è già terminato ({record.status}).",
                                         f"The run already ended ({record.status})."),
                       run_status=record.status)
    while not record.finished:  # the task writes RUN_ERROR "cancelled" before it ends
        await runs.wait(run_id, len(record.events), timeout=1.0)
    return {"status": "cancelled", "run_id": run_id}
