"""The stylist graph: load_context → infer_goal → read_moment → plan ⇄ tools → compose (DESIGN.md §3.1).

Built by a function; what a turn runs with (the shop, settings, the event sink, the optional LLM
planner) arrives per run as LangGraph's context, so the compiled graph holds no turn's data.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any, Protocol

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.runtime import Runtime

from agent.events import StepEvent
from agent.graph import nodes
from agent.graph.context import StylistContext
from agent.graph.moment import read_moment
from agent.state import StylistState


class Node(Protocol):
    def __call__(self, state: StylistState, runtime: Runtime[StylistContext]) -> StylistState: ...


StylistGraph = CompiledStateGraph[StylistState, StylistContext, StylistState, StylistState]


def timed(name: str, node: Node) -> Node:
    """Wrap a node: announce it, time it, add its time to the turn's timings."""

    def run(state: StylistState, runtime: Runtime[StylistContext]) -> StylistState:
        emit = runtime.context.emit
        emit(StepEvent(name=name, status="started"))
        started = time.perf_counter()
        update = node(state, runtime)
        ms = (time.perf_counter() - started) * 1000
        emit(StepEvent(name=name, status="finished", ms=round(ms, 2)))
        timings = dict(state.get("timings_ms") or {})
        timings[name] = round(timings.get(name, 0.0) + ms, 2)
        update["timings_ms"] = {**timings, **(update.get("timings_ms") or {})}
        return update

    return run


def _after_plan(state: StylistState) -> str:
    return "tools" if state.get("planned") else "compose"


def build_graph(checkpointer: BaseCheckpointSaver[Any] | None) -> StylistGraph:
    graph = StateGraph(StylistState, context_schema=StylistContext)
    graph.add_node("load_context", timed("load_context", nodes.load_context))
    graph.add_node("infer_goal", timed("infer_goal", nodes.infer_goal))
    graph.add_node("read_moment", timed("read_moment", read_moment))
    graph.add_node("plan", timed("plan", nodes.plan))
    graph.add_node("tools", timed("tools", nodes.run_tools))
    graph.add_node("compose", timed("compose", nodes.compose))
    graph.add_edge(START, "load_context")
    graph.add_edge("load_context", "infer_goal")
    graph.add_edge("infer_goal", "read_moment")
    graph.add_edge("read_moment", "plan")
    graph.add_conditional_edges("plan", _after_plan, {"tools": "tools", "compose": "compose"})
    graph.add_edge("tools", "plan")
    graph.add_edge("compose", END)
    return graph.compile(checkpointer=checkpointer)


def turn_input(shopper_id: str, message: str, language: str | None, now: datetime, layout: str | None,
               context: dict[str, Any], events: list[dict[str, Any]], new_thread: bool) -> StylistState:
    """A new turn's input: resets this turn's work, keeps what the thread remembers."""
    return {
        "shopper_id": shopper_id, "message": message, "language": language or "",
        "now": now.isoformat(), "layout_request": layout, "request_context": context,
        "request_events": events, "new_thread": new_thread, "planned": [], "tool_calls_made": 0,
        "tool_log": [], "results": {}, "cards": [], "text": "", "question": None,
        "pending_reservation": None, "timings_ms": {}, "intent": "outfit", "planner_used": "deterministic",
    }
