"""The stylist graph's state: what a thread remembers and what a turn works on. The planners and
the answer read it too, so it sits beside the graph, not inside it. Values are plain JSON-able
dicts so any checkpointer stores them."""

from __future__ import annotations

import operator
from typing import Annotated, Any, TypedDict


class PlannedCall(TypedDict):
    id: str
    name: str
    args: dict[str, Any]


class StylistState(TypedDict, total=False):
    # this turn's input
    shopper_id: str
    message: str
    language: str  # it | en
    thread_language: str  # the language the conversation is in, for short follow-ups
    now: str  # ISO time, explicit so recency weighting is reproducible
    layout_request: str | None
    request_context: dict[str, Any]  # app context: lat, lon, city, weather, store_code
    request_events: list[dict[str, Any]]
    new_thread: bool  # the thread's first turn: load_context binds it to the shopper
    turn: int

    # loaded by load_context
    profile: dict[str, Any]
    events: list[dict[str, Any]]
    origin: list[float] | None  # shopper's coordinates, when known
    presentation: str
    moment: dict[str, Any]  # this turn's here and now (tools.shapes.HereAndNow): place, local time, weather

    # kept across turns of a thread
    goal: dict[str, Any]
    constraints: dict[str, Any]
    last_outfit: dict[str, Any] | None  # the OutfitCard last shown
    shown_by_slot: dict[str, list[str]]  # every piece shown in the thread, by slot (never repeat one)
    rejected_skus: list[str]  # pieces the shopper swapped out: they stay out of later looks
    transcript: Annotated[list[dict[str, Any]], operator.add]

    # this turn's work
    intent: str
    refinement: dict[str, Any]  # what this message changes in the last look (understanding.refinements)
    constraints_changed: bool  # this message changed sizes or place (a reservation re-dresses first)
    planned: list[PlannedCall]
    tool_calls_made: int
    tool_log: list[dict[str, Any]]
    results: dict[str, Any]  # tool name -> its last result (JSON)
    cards: list[dict[str, Any]]
    text: str
    question: str | None
    pending_reservation: dict[str, Any] | None
    planner_used: str
    timings_ms: dict[str, float]
