"""When the model's turn would leave the shopper with nothing, the deterministic planner takes it.

A model can finish a turn having shown nothing: an empty reply, a lookup of a product code that does
not exist, a call the tools refused. The shopper asked for something; the deterministic planner
answers the same message from scratch, so a faulty model never ends a turn in silence.
"""

from __future__ import annotations

from typing import Any

from agent.planning.deterministic import plan_next
from agent.state import StylistState

# Statuses that carry no record a shopper can act on (everything else is a fact from the records:
# "out of stock", "not in that size", a held reservation, an outfit over budget with the closest).
NOTHING_TO_SHOW = frozenset({"not_found", "bad_arguments", "error", "invalid", "needs_department"})


def left_nothing(state: StylistState) -> bool:
    """True when this turn's tool records give the shopper no card and no answer to act on."""
    if state.get("cards"):
        return False
    results: dict[str, Any] = state.get("results") or {}
    return all(r.get("status") in NOTHING_TO_SHOW for r in results.values())


def take_over(state: StylistState) -> StylistState:
    """The deterministic planner's first calls for this message, as if the model had not run.

    The model's results are set aside (its calls stay in the turn's tool log), so the answer is
    written only from what the deterministic calls return. From here on the turn is the
    deterministic planner's: the model is not asked again.
    """
    fresh: StylistState = {**state, "results": {}}
    return {"planned": plan_next(fresh), "results": {}, "planner_used": "deterministic"}
