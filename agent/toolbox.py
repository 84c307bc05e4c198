"""The tools as the agent sees them: typed arguments, one runner, results and cards as JSON.

Both planners call tools through `run_tool`, so arguments are validated in one place and every
card a shopper sees is built from tool records. Hard constraints (budget, sizes, place) come from
the graph state, never from a planner's arguments.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from tools.shapes import Constraints
from tools.shop import Shop

log = logging.getLogger(__name__)


class SearchArgs(BaseModel):
    """Search the catalog: free text (Italian or English) plus optional hard filters."""

    query: str = Field(description="what to look for, e.g. 'giacca blu elegante'")
    department: str | None = Field(default=None, description="menswear | womenswear | kids")
    categories: list[str] | None = Field(default=None, description="category keys, e.g. ['blazer']")
    colours: list[str] | None = Field(default=None, description="colour keys, e.g. ['navy']")
    max_price: float | None = Field(default=None, description="euros, inclusive")


class AvailabilityArgs(BaseModel):
    """Where a product is in stock, per size: online and per store with distance."""

    sku: str
    size: str | None = None


class NearbyStoresArgs(BaseModel):
    """Stores by distance from the shopper, optionally only those holding a variant."""

    city: str | None = None
    variant_id: str | None = None


class OutfitArgs(BaseModel):
    """Dress the whole look for the shopper's goal in their sizes, budget and place."""

    goal: str | None = Field(default=None, description="goal key; default: the inferred goal")
    only_slots: list[str] | None = Field(default=None, description="e.g. ['shoes'] for only the shoes")
    cheaper: bool = Field(default=False, description="look for a cheaper outfit than the last one")


class AlternativesArgs(BaseModel):
    """Cheaper compatible replacements for one piece of the outfit."""

    sku: str
    max_price: float | None = None


class ReserveArgs(BaseModel):
    """Hold the last outfit at a store for pickup. Needs the shopper's explicit confirmation."""

    store_code: str | None = Field(default=None, description="default: the outfit's store or nearest")


class NoArgs(BaseModel):
    """No arguments."""


class CancelArgs(BaseModel):
    """Cancel one of the shopper's reservations (default: the latest)."""

    reservation_id: str | None = None


TOOL_ARGS: dict[str, type[BaseModel]] = {
    "search_products": SearchArgs,
    "check_availability": AvailabilityArgs,
    "find_nearby_stores": NearbyStoresArgs,
    "assemble_outfit": OutfitArgs,
    "find_budget_alternatives": AlternativesArgs,
    "reserve_in_store": ReserveArgs,
    "list_reservations": NoArgs,
    "cancel_reservation": CancelArgs,
}


@dataclass
class ToolOutcome:
    status: str
    data: dict[str, Any] = field(default_factory=dict)
    cards: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        keep = ("status", "detail", "total", "fits_budget", "fulfilment", "count", "pickup_code",
                "over_budget_by")
        return {k: v for k, v in self.data.items() if k in keep}


@dataclass
class TurnFacts:
    """What the tools need from the graph state, resolved once per turn."""

    shopper_id: str
    thread_id: str
    language: str
    layout: str
    goal: str
    department: str | None
    constraints: Constraints
    origin: tuple[float, float] | None
    season: str | None
    now: datetime
    last_outfit: dict[str, Any] | None
    hold_minutes: int
    query_vectors: dict[str, Any] | None = None


def validate_args(name: str, args: dict[str, Any]) -> BaseModel | str:
    """Typed arguments, or the reason they are wrong (fed back to the planner)."""
    model = TOOL_ARGS.get(name)
    if model is None:
        return f"unknown tool {name!r}; tools: {', '.join(TOOL_ARGS)}"
    try:
        return model.model_validate(args)
    except ValidationError as exc:
        return f"bad arguments for {name}: {exc.errors()[0]['msg']}"


def run_tool(shop: Shop, name: str, args: dict[str, Any], facts: TurnFacts) -> ToolOutcome:
    """Run one tool; every failure becomes a status the planner can act on."""
    parsed = validate_args(name, args)
    if isinstance(parsed, str):
        return ToolOutcome("bad_arguments", {"status": "bad_arguments", "detail": parsed})
    from agent import tool_runners

    try:
        return tool_runners.RUNNERS[name](shop, parsed, facts)
    except Exception as exc:  # a tool must never take the turn down with it
        log.exception("tool %s failed", name)
        return ToolOutcome("error", {"status": "error", "detail": type(exc).__name__})


def money(value: Decimal | float | str) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))
