"""The stylist graph: load_context → infer_goal → plan ⇄ tools → compose (DESIGN.md §3.1).

Built by a function with its dependencies; nodes stream progress, state and cards through the
run's event writer (agent/emit.py) so every surface only encodes them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.types import RunnableConfig

from agent import nodes
from agent.emit import writing_for
from agent.events import StepEvent
from agent.settings import Settings
from agent.state import StylistState
from tools.shop import Shop

NodeFn = Any  # LangGraph's overloads do not accept a plain (state, config) callable type


@dataclass
class Deps:
    shop: Shop
    settings: Settings
    llm_planner: Any | None = None  # agent.llm_planner.LLMPlanner when SARTO_LLM_MODEL is set


def timed(name: str, fn: Callable[[dict[str, Any], Deps, RunnableConfig], dict[str, Any]],
          deps: Deps) -> NodeFn:
    """Wrap a node: announce it, time it, record the time in the state."""

    def run(state: dict[str, Any], config: RunnableConfig) -> dict[str, Any]:
        with writing_for(config) as write:
            write(StepEvent(name=name, status="started"))
            started = time.perf_counter()
            update = fn(state, deps, config)
            ms = (time.perf_counter() - started) * 1000
            write(StepEvent(name=name, status="finished", ms=round(ms, 2)))
        timings = dict(state.get("timings_ms") or {})
        timings[name] = round(timings.get(name, 0.0) + ms, 2)
        update["timings_ms"] = {**timings, **(update.get("timings_ms") or {})}
        return update

    return run


def _after_plan(state: dict[str, Any]) -> str:
    return "tools" if state.get("planned") else "compose"


def build_graph(deps: Deps, checkpointer: BaseCheckpointSaver[Any] | None) -> Any:
    graph = StateGraph(StylistState)
    graph.add_node("load_context", timed("load_context", nodes.load_context, deps))
    graph.add_node("infer_goal", timed("infer_goal", nodes.infer_goal, deps))
    graph.add_node("plan", timed("plan", nodes.plan, deps))
    graph.add_node("tools", timed("tools", nodes.run_tools, deps))
    graph.add_node("compose", timed("compose", nodes.compose, deps))
    graph.add_edge(START, "load_context")
    graph.add_edge("load_context", "infer_goal")
    graph.add_edge("infer_goal", "plan")
    graph.add_conditional_edges("plan", _after_plan, {"tools": "tools", "compose": "compose"})
    graph.add_edge("tools", "plan")
    graph.add_edge("compose", END)
    return graph.compile(checkpointer=checkpointer)


def turn_input(shopper_id: str, message: str, language: str | None, now: datetime,
               layout: str | None, context: dict[str, Any], events: list[dict[str, Any]]) -> dict[str, Any]:
    """A new turn's input: resets this turn's work, keeps what the thread remembers."""
    return {
        "shopper_id": shopper_id, "message": message, "language": language or "",
        "now": now.isoformat(), "layout_request": layout, "request_context": context,
        "request_events": events, "planned": [], "tool_calls_made": 0, "tool_log": [],
        "results": {}, "cards": [], "text": "", "question": None, "pending_reservation": None,
        "timings_ms": {}, "intent": "outfit", "planner_used": "deterministic",
    }
