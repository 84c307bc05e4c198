"""The one internal event stream of a run (DESIGN.md §5) and the turn request every surface sends.
The graph's nodes write these events through the run's `emit` callback; the HTTP layer only
encodes them (AG-UI, AI SDK UI message stream, JSON).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tools.clock import EARLIEST, LATEST, as_utc
from tools.shapes import BrowsingEvent, Card


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StepEvent(_Event):
    """A graph node started or finished (progress for the UI, timings for the evals)."""

    kind: Literal["step"] = "step"
    name: str  # load_context, infer_goal, plan, tools, compose
    status: Literal["started", "finished"]
    ms: float | None = None


class TextEvent(_Event):
    """A piece of the assistant's answer, streamed as it is written."""

    kind: Literal["text"] = "text"
    message_id: str
    delta: str


class ToolCallEvent(_Event):
    kind: Literal["tool_call"] = "tool_call"
    call_id: str
    name: str
    args: dict[str, Any]


class ToolResultEvent(_Event):
    kind: Literal["tool_result"] = "tool_result"
    call_id: str
    name: str
    status: str  # ok, not_found, unavailable, error ...
    summary: dict[str, Any] = {}
    ms: float = 0.0


class CardEvent(_Event):
    """A card to render; a later CardEvent with the same card_id replaces it."""

    kind: Literal["card"] = "card"
    card_id: str
    card: Card


class StateEvent(_Event):
    """Shared state the UI shows: /goal, /constraints, /presentation."""

    kind: Literal["state"] = "state"
    path: Literal["/goal", "/constraints", "/presentation"]
    value: Any


class InterruptEvent(_Event):
    """The run stops for the shopper's confirmation (a reservation); a confirming run resumes."""

    kind: Literal["interrupt"] = "interrupt"
    interrupt_id: str
    reason: Literal["confirm_reservation"] = "confirm_reservation"
    payload: dict[str, Any]  # store, items (sku, variant, size, price), total, hold_until


class ErrorEvent(_Event):
    kind: Literal["error"] = "error"
    code: str  # stable: llm_unavailable, bad_request, internal, cancelled ...
    message: str


RunEvent = Annotated[
    StepEvent | TextEvent | ToolCallEvent | ToolResultEvent | CardEvent | StateEvent
    | InterruptEvent | ErrorEvent,
    Field(discriminator="kind"),
]


class TurnRequest(BaseModel):
    """One shopper turn, whatever surface it came from."""

    model_config = ConfigDict(extra="forbid")

    shopper_id: str
    thread_id: str
    message: str = Field(max_length=4000)
    language: Literal["it", "en"] | None = None  # None: detect from the message
    events: list[BrowsingEvent] = []  # extra events sent with the turn (stored ones are loaded)
    now: datetime | None = None  # the turn's moment (replays, evals); never the shop's clock
    layout: Literal["image-grid", "spec-table", "carousel"] | None = None
    context: dict[str, Any] = {}  # from the app: lat, lon, weather ("rain"), city, store_code ("MI01")
    resume: Literal["confirm", "decline"] | None = None  # answer to a pending interrupt
    idempotency_key: str | None = None

    @field_validator("now")
    @classmethod
    def _a_moment_of_this_century(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        moment = as_utc(value)
        if not EARLIEST <= moment < LATEST:
            raise ValueError("now must be between 2000 and 2100")
        return moment
