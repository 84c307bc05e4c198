"""The assistant over HTTP: AG-UI run (SSE), AI SDK chat (SSE), JSON run, resume and cancel."""

from __future__ import annotations

import asyncio
import re
import uuid
from typing import Annotated, Any, Literal

from ag_ui.core import RunAgentInput
from fastapi import APIRouter, Header, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, WithJsonSchema
from sse_starlette import EventSourceResponse

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
from agent.server.fields import Id, Layout
from agent.server.openapi import problem_responses, stream_response
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
from tools.shapes import MOMENT_JSON_SCHEMA, Moment, first_error
from tools.shoppers.runs import orphaned_run, orphaned_run_of_thread
from tools.shoppers.threads import check_thread_owner

router = APIRouter(tags=["assistant"])
RUN_ID_HEADER = "x-sarto-run-id"  # the chat's run, for GET /v1/runs/{id}/events and cancel
MAX_MESSAGE_CHARS = 4000  # what a turn reads of the shopper's message
_MOMENT: TypeAdapter[Any] = TypeAdapter(Moment)
RunIdPath = Annotated[Id, Path(description="the run's id (runId, or the x-sarto-run-id of a chat)")]
AGUI_STREAM = stream_response("AG-UI events (RUN_STARTED … RUN_FINISHED or RUN_ERROR), one JSON object "
                              "per `data:` line, each with `id: <run_id>:<seq>` for Last-Event-ID.")
AI_SDK_STREAM = stream_response("The Vercel AI SDK UI message stream (protocol v1), ending with "
                                "`data: [DONE]`; the run's id is in the x-sarto-run-id header.")
NOT_YOURS = (404, "The thread or run is another shopper's, or does not exist (`not_found`).")
TAKEN = (409, "This runId was used before, or this idempotency key was used for a different request "
              "(`conflict`, `idempotency_key_reused`).")


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
    # Read only once the caller may set it: a guest learns nothing of the field but "not allowed".
    now: Annotated[Any, WithJsonSchema({"anyOf": [MOMENT_JSON_SCHEMA, {"type": "null"}]})] = Field(
        default=None, description="the turn's moment for replays; only with the shop's X-API-Key "
                                  "(else 403 now_not_allowed)")
    resume: Literal["confirm", "decline"] | None = None
    idempotency_key: str | None = Field(default=None, max_length=128)
    context: RunContext | None = None


class RunInput(RunAgentInput):
    """AG-UI's RunAgentInput, with what Sarto reads of it spelled out."""

    thread_id: Id
    run_id: Id
    forwarded_props: ForwardedProps | None = None


def _text_of(content: Any) -> str:
    """The text of a message (its text parts joined); a turn reads its first 4,000 characters."""
    if isinstance(content, str):
        text = content
    elif isinstance(content, list):
        text = " ".join(str(getattr(p, "text", "") or (p.get("text", "") if isinstance(p, dict) else ""))
                        for p in content)
    else:
        text = ""
    return text.strip()[:MAX_MESSAGE_CHARS]


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


@router.post("/v1/agent/run", summary="Run a turn, streamed as AG-UI events over SSE",
             description="The shopper's last user message is the turn (its first 4,000 characters); "
                         "with none, or none with text, Sarto answers from what it knows of the shopper "
                         "(a question when it knows nothing yet). A `resume` entry or "
                         "`forwardedProps.resume` answers a pending reservation.",
             response_class=EventSourceResponse,
             responses={**AGUI_STREAM, **problem_responses(
                 401, (403, "forwardedProps.now without the shop's X-API-Key (`now_not_allowed`)."),
                 NOT_YOURS, TAKEN)})
async def agent_run(body: RunInput, shopper: ShopperDep, assistant: AssistantDep,
                    resources: ResourcesDep, settings: SettingsDep, http: Request) -> Any:
    props = body.forwarded_props or ForwardedProps()
    resume = props.resume
    for entry in body.resume or []:  # AG-UI 1.0 native resume entries answer our interrupt too
        answer = entry.payload if isinstance(entry.payload, str) else None
        resume = "decline" if entry.status == "cancelled" or answer == "decline" else "confirm"
    users = [m for m in body.messages if m.role == "user"]
    message = _text_of(users[-1].content) if users else ""
    if props.now is not None and not (settings.env == "evaluation"
                                      or api_key_ok(settings, http.headers.get("x-api-key"))):
        raise ApiError(403, "now_not_allowed", (
            "forwardedProps.now può essere impostato solo dal backend del negozio (X-API-Key) o in "
            "modalità valutazione (SARTO_ENV=evaluation).",
            "forwardedProps.now can only be set by the shop's backend (X-API-Key) or in evaluation "
            "mode (SARTO_ENV=evaluation)."))
    try:
        now = _MOMENT.validate_python(props.now) if props.now is not None else None
    except ValidationError as exc:
        raise _validation(f"forwardedProps.now: {first_error(exc, with_location=False)}") from exc
    request = _turn(shopper.shopper_id, body.thread_id, message, props.language or _asked_language(http),
                    layout=props.layout, now=now, resume=resume,
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
    id: Id
    messages: list[ChatMessage] = Field(min_length=1)
    language: Literal["it", "en"] | None = None
    layout: Layout | None = None
    resume: Literal["confirm", "decline"] | None = None
    context: RunContext | None = None  # where the shopper is, as on /v1/agent/run and /v1/runs


@router.post("/v1/chat", summary="Run a turn as a Vercel AI SDK UI message stream (useChat)",
             description="The last user message's text parts are the turn (their first 4,000 "
                         "characters); with no text Sarto answers from what it knows of the shopper.",
             response_class=EventSourceResponse,
             responses={**AI_SDK_STREAM, **problem_responses(401, NOT_YOURS, TAKEN)})
async def chat(body: ChatBody, shopper: ShopperDep, assistant: AssistantDep,
               resources: ResourcesDep, http: Request) -> Any:
    users = [m for m in body.messages if m.role == "user"]
    message = _text_of([p for p in users[-1].parts if p.type == "text"]) if users else ""
    run_id = f"run-{uuid.uuid4().hex[:20]}"
    request = _turn(shopper.shopper_id, body.id, message, body.language or _asked_language(http),
                    layout=body.layout, resume=body.resume,
                    context=body.context.model_dump(exclude_none=True) if body.context else None)
    await start_run(resources.runs, assistant, request, run_id, resources.metrics, resources.shop())
    return sse_response(ai_sdk_sse(resources.runs, run_id), headers={**AI_SDK_HEADERS, RUN_ID_HEADER: run_id})


@router.get("/v1/chat/{chat_id}/stream", summary="Resume the chat's running turn (useChat `resume`)",
            response_class=EventSourceResponse,
            responses={**AI_SDK_STREAM, 204: {"description": "no turn of this chat is running"},
                       **problem_responses(401, NOT_YOURS)})
async def chat_stream(chat_id: Annotated[Id, Path()], shopper: ShopperDep, resources: ResourcesDep) -> Any:
    """The AI SDK's reconnect after a dropped connection or a page reload: the running turn's whole
    UI message stream again, or 204 when none is running (the answer is then in GET /v1/threads/{id})."""
    shop = resources.shop()
    await asyncio.to_thread(check_thread_owner, shop, chat_id, shopper.shopper_id)
    record = await resources.runs.active_for_thread(chat_id, shopper.shopper_id)
    if record is None:  # none running here; one that was running when the server died has ended
        lost = await asyncio.to_thread(orphaned_run_of_thread, shop, chat_id, shopper.shopper_id, shop_now())
        if lost is not None:
            return sse_response(lost_chat_sse(lost), headers={**AI_SDK_HEADERS, RUN_ID_HEADER: lost})
        return Response(status_code=204)
    return sse_response(ai_sdk_sse(resources.runs, record.run_id),
                        headers={**AI_SDK_HEADERS, RUN_ID_HEADER: record.run_id})


class RunBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    thread_id: Id | None = None
    message: str = Field(default="", max_length=MAX_MESSAGE_CHARS,
                         description="what the shopper said; empty: Sarto answers from what it knows")
    language: Literal["it", "en"] | None = None
    layout: Layout | None = None
    resume: Literal["confirm", "decline"] | None = None
    idempotency_key: str | None = Field(default=None, max_length=128)
    context: RunContext | None = None


@router.post("/v1/runs", summary="Run a turn and answer with the TurnResult as JSON",
             description="A retry with the same `idempotency_key` (same shopper, same request) answers "
                         "with the first run instead of running the turn again (header "
                         "`Idempotent-Replayed: true`), while that run is kept (15 minutes after it "
                         "ends); the same key on a different request is refused (409).",
             responses=problem_responses(401, NOT_YOURS, TAKEN, 500, 503))
async def run_json(body: RunBody, shopper: ShopperDep, assistant: AssistantDep,
                   resources: ResourcesDep, http: Request, response: Response) -> dict[str, Any]:
    thread_id = body.thread_id
    if thread_id is None and body.idempotency_key:  # a retry continues the first try's new thread
        earlier = await resources.runs.by_key(shopper.shopper_id, body.idempotency_key)
        thread_id = earlier.thread_id if earlier is not None else None
    thread_id = thread_id or f"t-{uuid.uuid4().hex[:20]}"
    run_id = f"run-{uuid.uuid4().hex[:20]}"
    request = _turn(shopper.shopper_id, thread_id, body.message, body.language or _asked_language(http),
                    layout=body.layout,
                    resume=body.resume, idempotency_key=body.idempotency_key,
                    context=body.context.model_dump(exclude_none=True) if body.context else None)
    started = await start_run(resources.runs, assistant, request, run_id, resources.metrics,
                              resources.shop(), streamed=False)
    if started.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    record = await resources.runs.settled(started.record.run_id)
    if record.error:
        status = _ERROR_STATUS.get(record.error["code"], 500)
        raise ApiError(status, record.error["code"], record.error["message"], run_id=record.run_id)
    return run_outcome(record)


# A run that ended in error, as the JSON run answers it.
_ERROR_STATUS = {"llm_unavailable": 503, "not_found": 404, "cancelled": 409}


def _after(run_id: str, after: int | None, last_event_id: str | None) -> int:
    """Where the stream resumes: `after`, else the Last-Event-ID if it names an event of this run
    (`<run_id>:<seq>`, as the stream's `id:` lines do); any other says nothing about this run, and
    the stream starts from its first event."""
    if after is not None:
        return after
    rid, _, seq = (last_event_id or "").rpartition(":")
    return int(seq) if rid == run_id and re.fullmatch(r"[0-9]{1,9}", seq) else 0


@router.get("/v1/runs/{run_id}/events", summary="Resume a run's AG-UI stream after a seq",
            response_class=EventSourceResponse,
            responses={**AGUI_STREAM, **problem_responses(401, NOT_YOURS)})
async def run_events(run_id: RunIdPath, shopper: ShopperDep, runs: RunStoreDep, shop: ShopDep,
                     after: Annotated[int | None, Query(ge=0, le=1_000_000)] = None,
                     last_event_id: Annotated[str | None, Header(
                         max_length=128, description="`<run_id>:<seq>` of the last event received; "
                         "another value starts the stream from its first event")] = None) -> Any:
    seq = _after(run_id, after, last_event_id)
    if await runs.peek(run_id) is None:  # no live worker holds it: ended, or its worker died mid-run
        lost = await asyncio.to_thread(orphaned_run, shop, run_id, shopper.shopper_id, shop_now())
        if lost:
            return sse_response(lost_run_sse(run_id, seq))
    await runs.get(run_id, shopper.shopper_id)  # 404 unless it is this shopper's run
    return sse_response(agui_sse(runs, run_id, seq))


@router.post("/v1/runs/{run_id}/cancel", summary="Stop a running turn",
             responses=problem_responses(401, NOT_YOURS, (409, "The run already ended (`conflict`).")))
async def cancel_run(run_id: RunIdPath, shopper: ShopperDep, runs: RunStoreDep) -> dict[str, str]:
    record = await runs.get(run_id, shopper.shopper_id)
    if not await runs.cancel(run_id):
        raise ApiError(409, "conflict", (f"Il run è già terminato ({record.status}).",
                                         f"The run already ended ({record.status})."),
                       run_status=record.status)
    ended = await runs.settled(run_id)  # the task writes RUN_ERROR "cancelled" before it ends
    if ended.status != "cancelled":  # another worker's run finished before the cancel reached it
        raise ApiError(409, "conflict", (f"Il run è già terminato ({ended.status}).",
                                         f"The run already ended ({ended.status})."),
                       run_status=ended.status)
    return {"status": "cancelled", "run_id": run_id}
