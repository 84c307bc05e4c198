"""One tool call as the shopper's stream shows it: announced, run through the tool table, its
status and time reported."""

from __future__ import annotations

import time
from typing import Any

from agent.events import ToolCallEvent, ToolResultEvent
from agent.graph.context import StylistContext
from tools.table import ToolOutcome, TurnFacts, run_tool


def call_tool(ctx: StylistContext, facts: TurnFacts, call_id: str, name: str,
              args: dict[str, Any]) -> tuple[ToolOutcome, float]:
    """The tool's outcome and how long it ran (ms)."""
    ctx.emit(ToolCallEvent(call_id=call_id, name=name, args=args))
    started = time.perf_counter()
    outcome = run_tool(ctx.shop, name, args, facts)
    ms = (time.perf_counter() - started) * 1000
    ctx.emit(ToolResultEvent(call_id=call_id, name=name, status=outcome.status,
                             summary=outcome.summary(), ms=round(ms, 2)))
    return outcome, ms
