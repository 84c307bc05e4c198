"""The one tool table: every tool the stylist can call, with its name, its argument model (whose
docstring is what a model reads), the adapter that runs it and the plain function behind it.

Both planners, the graph's tools step, the HTTP routes and outside agents read this table, so a
tool is added or changed in one place. Hard constraints (budget, sizes, place, the shopper) come
from `TurnFacts`, resolved from the conversation, never from a planner's arguments; every failure
becomes a status the planner can act on, and every card is built from tool records.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar, cast

from pydantic import BaseModel, Field, ValidationError

from tools.catalog.products import product_facts
from tools.catalog.search import SearchError, search_products
from tools.db.shop import Shop
from tools.outfits.alternatives import CHEAPER_EUR, CHEAPER_SHARE, find_budget_alternatives
from tools.outfits.assemble import OutfitPlan, assemble_outfit
from tools.shapes import (
    AlternativesCard,
    AvailabilityCard,
    Constraints,
    Layout,
    SearchFilters,
    first_error,
    jsonable,
)
from tools.shoppers.wardrobe import owned_that_fit
from tools.stock.availability import check_availability
from tools.stock.reservations import cancel_reservation, list_reservations, reserve_in_store
from tools.stock.stores import find_nearby_stores
from tools.taxonomy import GOALS, size_system_for

log = logging.getLogger(__name__)


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
    """What the tools need to know about the shopper and the conversation, resolved once per turn."""

    shopper_id: str
    thread_id: str
    language: str
    layout: str
    goal: str
    department: str | None
    constraints: Constraints
    origin: tuple[float, float] | None
    season: str | None
    now: datetime  # the moment of the turn for the shopper (season, recency); may be replayed
    shop_now: datetime  # the shop's own clock: reservations are made and expire on it, never on `now`
    last_outfit: dict[str, Any] | None
    hold_minutes: int
    shown_by_slot: Mapping[str, Sequence[str]] = field(default_factory=dict)  # pieces shown in the thread
    rejected_skus: Sequence[str] = ()  # pieces the shopper swapped out
    owned_skus: Sequence[str] = ()  # pieces the shopper already bought (with consent): never new again
    wet: bool = False  # rain where the shopper is (app, forecast, a rainy month): no suede or linen


def _dump(record: Any) -> dict[str, Any]:
    return cast(dict[str, Any], jsonable(record))


# --- search_products ---------------------------------------------------------------------------

class SearchArgs(BaseModel):
    """Search the catalog: free text (Italian or English) plus optional hard filters."""

    query: str = Field(description="what to look for, e.g. 'giacca blu elegante'")
    department: str | None = Field(default=None, description="menswear | womenswear | kids")
    categories: list[str] | None = Field(default=None, description="category keys, e.g. ['blazer']")
    colours: list[str] | None = Field(default=None, description="colour keys, e.g. ['navy']")
    max_price: float | None = Field(default=None, description="euros, inclusive")


def _search(shop: Shop, a: SearchArgs, facts: TurnFacts) -> ToolOutcome:
    size = None
    if a.categories and len(a.categories) == 1 and facts.department:
        size = facts.constraints.sizes.get(size_system_for(a.categories[0], facts.department))
    budget = facts.constraints.budget
    max_price = a.max_price
    if budget is not None and budget.max is not None:
        cap = float(budget.max)
        max_price = min(max_price, cap) if max_price is not None else cap
    try:
        filters = SearchFilters(
            department=a.department or facts.department, categories=a.categories,
            colours=a.colours or None, max_price=Decimal(str(max_price)) if max_price else None,
            size=size, in_stock_only=True)
        result = search_products(shop, a.query, filters, limit=8)
    except (SearchError, ValueError) as exc:
        return ToolOutcome("bad_arguments", {"status": "bad_arguments", "detail": str(exc)})
    hits = [h.model_dump(mode="json") for h in result.hits]
    if not hits:
        return ToolOutcome("not_found", {"status": "not_found", "count": 0})
    card = {"type": "sarto.products", "layout": facts.layout, "title": a.query, "items": hits}
    return ToolOutcome("ok", {"status": "ok", "count": len(hits), "hits": hits}, [card])


# --- check_availability ------------------------------------------------------------------------

class AvailabilityArgs(BaseModel):
    """Where a product is in stock, per size: online and per store with distance."""

    sku: str
    size: str | None = None


def _availability(shop: Shop, a: AvailabilityArgs, facts: TurnFacts) -> ToolOutcome:
    lat, lon = facts.origin if facts.origin else (None, None)
    result = check_availability(shop, a.sku, a.size, lat=lat, lon=lon, language=facts.language)
    data = _dump(result)
    if result.status != "ok":
        return ToolOutcome(result.status, data)
    # The card is what the shopper sees: the result's own card fields, not the agent's extras.
    shown = result.model_dump(include=set(AvailabilityCard.model_fields))
    card = _dump(AvailabilityCard.model_validate(shown))
    return ToolOutcome("ok", data, [card])


# --- find_nearby_stores ------------------------------------------------------------------------

class NearbyStoresArgs(BaseModel):
    """Stores by distance from the shopper, optionally only those holding a variant."""

    city: str | None = None
    variant_id: str | None = None


def _nearby_stores(shop: Shop, a: NearbyStoresArgs, facts: TurnFacts) -> ToolOutcome:
    lat, lon = facts.origin if facts.origin and not a.city else (None, None)
    result = _dump(find_nearby_stores(shop, city=a.city, lat=lat, lon=lon, variant_id=a.variant_id))
    return ToolOutcome(str(result.get("status", "ok")), result)


# --- assemble_outfit ---------------------------------------------------------------------------

class OutfitArgs(BaseModel):
    """Dress the whole look for the shopper's goal in their sizes, budget and place."""

    goal: str | None = Field(default=None, description="goal key; default: the inferred goal")
    only_slots: list[str] | None = Field(default=None, description="e.g. ['shoes'] for only the shoes")
    cheaper: bool = Field(default=False,
                          description="a look at least 15% or EUR 30 cheaper than the last one")
    swap_slots: list[str] | None = Field(default=None, description="slots whose piece the shopper wants "
                                         "replaced, e.g. ['jacket']: pieces shown there are not repeated")
    more: bool = Field(default=False, description="other options: pieces not shown yet in this thread")
    formality_shift: int = Field(default=0, ge=-1, le=1, description="-1 less formal, +1 more formal")


_SHOWN_OK = ("ok", "needs_size")


def cheaper_need(total: Decimal) -> Decimal:
    return min(total * CHEAPER_SHARE, CHEAPER_EUR).quantize(Decimal("0.01"))


def _shifted_band(shop: Shop, goal: str, last: Mapping[str, Any] | None,
                  shift: int) -> tuple[int, int] | None:
    """The formality band for "less formal" (-1) or "more formal" (+1): a step past the last look's
    own pieces, reaching one step beyond the occasion's usual band at most."""
    spec = GOALS.get(goal)
    if not shift or spec is None:
        return None
    lo, hi = spec.formality
    skus = [i["sku"] for i in (last or {}).get("items", [])]
    known = [f.formality for f in product_facts(shop, skus).values() if f.formality is not None]
    if shift < 0:
        top = max(1, min(hi, max(known, default=hi)) - 1)
        return max(1, min(lo - 1, top)), top
    bottom = min(5, max(lo, min(known, default=lo)) + 1)
    return bottom, min(5, max(hi + 1, bottom))


def _derived_slot_missing(missing: Sequence[str], goal: str, department: str | None,
                         sizes: Mapping[str, str]) -> bool:
    """Whether a slot came out empty in a size only derived from the other system (IT 52 -> XL):
    only then is the look dressed again without the equivalent."""
    spec = GOALS.get(goal)
    if not missing or spec is None or not department or department not in spec.slots:
        return False
    derived = {s for s, other in (("INT", "IT"), ("IT", "INT")) if s not in sizes and other in sizes}
    slots = {slot.key: slot.categories for group in spec.slots[department] for slot in group}
    return any(size_system_for(c, department) in derived for key in missing for c in slots.get(key, ()))


def _outfit(shop: Shop, a: OutfitArgs, facts: TurnFacts) -> ToolOutcome:
    if not facts.department:
        return ToolOutcome("needs_department", {"status": "needs_department"})
    constraints = facts.constraints
    if a.only_slots:
        constraints = constraints.model_copy(update={"only_slots": a.only_slots})
    if facts.wet:  # suede spots and linen soaks: not on a rainy day
        constraints = constraints.model_copy(update={"exclusions": [
            *constraints.exclusions, *(f for f in ("suede", "linen") if f not in constraints.exclusions)]})
    rejected = set(facts.rejected_skus) | set(facts.owned_skus)
    fresh = {sku for slot in (a.swap_slots or []) for sku in facts.shown_by_slot.get(slot, [])}
    if a.more:
        fresh |= {sku for skus in facts.shown_by_slot.values() for sku in skus}
    before = Decimal(str(facts.last_outfit["total"]["amount"])) if a.cheaper and facts.last_outfit else None
    need = cheaper_need(before) if before is not None else None

    def dress(exclude: set[str], cheaper_than: Decimal | None) -> OutfitPlan:
        def once(derive: bool) -> OutfitPlan:
            return assemble_outfit(
                shop, a.goal or facts.goal, facts.department or "", constraints, origin=facts.origin,
                season=facts.season, language=facts.language, layout=cast(Layout, facts.layout),
                exclude_skus=sorted(exclude), prefer_cheaper_than=cheaper_than,
                required_slots=constraints.wanted_slots, formality_band=band, derive_sizes=derive)
        plan = once(True)
        if _derived_slot_missing(plan.missing_slots, a.goal or facts.goal, facts.department,
                                 constraints.sizes):
            plain = once(False)  # nothing in the equivalent size: pieces in any size, and ask it
            if len(plain.missing_slots) < len(plan.missing_slots):
                return plain
        return plan

    band = _shifted_band(shop, a.goal or facts.goal, facts.last_outfit, a.formality_shift)

    cap = before - need + Decimal("0.01") if before is not None and need is not None else None
    plan = dress(rejected | fresh, cap)
    repeated = cheaper_short = False
    if plan.status not in _SHOWN_OK and before is not None:
        # nothing is that much cheaper: the cheapest look there is, and the answer says so
        cheaper_short = True
        plan = dress(rejected | fresh, before)
        if plan.status not in _SHOWN_OK:
            plan = dress(rejected, before)
    if plan.status not in _SHOWN_OK and fresh:
        # nothing new fits the slot: the best again, and the answer says it was seen already
        repeated = True
        plan = dress(rejected, cap if not cheaper_short else before)
    data = _dump(plan)
    data.update(repeated=repeated, swapped=list(a.swap_slots or []), more=a.more,
                formality_shift=a.formality_shift)
    if before is not None:
        data.update(previous_total=float(before), cheaper_need=float(need or 0), cheaper_short=cheaper_short)
    cards = [c for c in (data.get("card"), data.get("closest")) if c]
    if data.get("card") and facts.owned_skus and facts.department:  # consented history only
        data["owned"] = owned_that_fit(shop, facts.shopper_id, facts.owned_skus, a.goal or facts.goal,
                                       facts.department, data["card"])
    return ToolOutcome(str(data.get("status", "ok")), data, cards[:1])


# --- find_budget_alternatives --------------------------------------------------------------------

class AlternativesArgs(BaseModel):
    """Cheaper compatible replacements for one piece of the outfit."""

    sku: str
    max_price: float | None = None


def _alternatives(shop: Shop, a: AlternativesArgs, facts: TurnFacts) -> ToolOutcome:
    size, place = None, "online"
    if facts.last_outfit:
        place = facts.last_outfit.get("fulfilment", "online")
        for item in facts.last_outfit.get("items", []):
            if item["sku"] == a.sku:
                size = item.get("size") or None
    card = _dump(find_budget_alternatives(
        shop, a.sku, size, place, max_price=Decimal(str(a.max_price)) if a.max_price else None,
        department=facts.department, language=facts.language))
    status = str(card.pop("status", "ok")) if "status" in card else "ok"
    if status != "ok" or not card.get("items"):
        return ToolOutcome("not_found", {"status": "not_found"})
    card["layout"] = facts.layout
    shown = {k: v for k, v in card.items() if k in AlternativesCard.model_fields}
    return ToolOutcome("ok", {"status": "ok", **card}, [shown])


# --- reservations ------------------------------------------------------------------------------

class ReserveArgs(BaseModel):
    """Hold the last outfit at a store for pickup. Needs the shopper's explicit confirmation."""

    store_code: str | None = Field(default=None, description="default: the outfit's store or nearest")


def _reserve(shop: Shop, a: ReserveArgs, facts: TurnFacts) -> ToolOutcome:
    """Only reached after the shopper confirmed (the graph interrupts before calling it)."""
    outfit_card = facts.last_outfit
    if not outfit_card or not a.store_code:
        return ToolOutcome("nothing_to_reserve", {"status": "nothing_to_reserve"})
    items = [(i["variant_id"], 1) for i in outfit_card["items"]]
    prices = {i["variant_id"]: Decimal(str(i["price"]["amount"])) for i in outfit_card["items"]}
    result = _dump(reserve_in_store(
        shop, facts.shopper_id, a.store_code, items, idempotency_key=None,
        thread_id=facts.thread_id, now=facts.shop_now, hold_minutes=facts.hold_minutes,
        expected_prices=prices))
    return ToolOutcome(str(result.get("status", "held")), result)


class NoArgs(BaseModel):
    """The shopper's reservations for pickup, newest first."""


def _list_holds(shop: Shop, a: NoArgs, facts: TurnFacts) -> ToolOutcome:
    found = [_dump(r) for r in list_reservations(shop, facts.shopper_id, facts.shop_now)]
    return ToolOutcome("ok", {"status": "ok", "count": len(found), "reservations": found})


class CancelArgs(BaseModel):
    """Cancel one of the shopper's reservations (default: the latest)."""

    reservation_id: str | None = None


def _cancel_hold(shop: Shop, a: CancelArgs, facts: TurnFacts) -> ToolOutcome:
    target = a.reservation_id
    if target is None:
        held = [r for r in (_dump(x) for x in list_reservations(shop, facts.shopper_id, facts.shop_now))
                if r.get("status") == "held"]
        if not held:
            return ToolOutcome("not_found", {"status": "not_found"})
        target = str(held[0].get("reservation_id") or held[0].get("id"))
    result = _dump(cancel_reservation(shop, facts.shopper_id, target, facts.shop_now))
    return ToolOutcome(str(result.get("status", "ok")), result)


# --- the table ---------------------------------------------------------------------------------

ArgsT = TypeVar("ArgsT", bound=BaseModel)


@dataclass(frozen=True)
class Tool(Generic[ArgsT]):
    name: str
    args: type[ArgsT]
    run: Callable[[Shop, ArgsT, TurnFacts], ToolOutcome]
    function: Callable[..., Any]  # the plain function in its domain room
    route: str | None = None  # the HTTP route that serves the same function, if any

    @property
    def description(self) -> str:
        """What the tool does, written for the model that chooses it (the argument model's docstring)."""
        return inspect.getdoc(self.args) or self.name


TOOLS: dict[str, Tool[Any]] = {tool.name: tool for tool in (
    Tool("search_products", SearchArgs, _search, search_products, "GET /v1/catalog/search"),
    Tool("check_availability", AvailabilityArgs, _availability, check_availability, "GET /v1/availability"),
    Tool("find_nearby_stores", NearbyStoresArgs, _nearby_stores, find_nearby_stores, "GET /v1/stores"),
    Tool("assemble_outfit", OutfitArgs, _outfit, assemble_outfit),
    Tool("find_budget_alternatives", AlternativesArgs, _alternatives, find_budget_alternatives),
    Tool("reserve_in_store", ReserveArgs, _reserve, reserve_in_store, "POST /v1/reservations"),
    Tool("list_reservations", NoArgs, _list_holds, list_reservations, "GET /v1/reservations"),
    Tool("cancel_reservation", CancelArgs, _cancel_hold, cancel_reservation,
         "DELETE /v1/reservations/{reservation_id}"),
)}


def validate_args(name: str, args: dict[str, Any]) -> BaseModel | str:
    """Typed arguments, or the reason they are wrong (fed back to the planner)."""
    tool = TOOLS.get(name)
    if tool is None:
        return f"unknown tool {name!r}; tools: {', '.join(TOOLS)}"
    try:
        return tool.args.model_validate(args)
    except ValidationError as exc:
        return f"bad arguments for {name}: {first_error(exc, with_location=False)}"


def run_tool(shop: Shop, name: str, args: dict[str, Any], facts: TurnFacts) -> ToolOutcome:
    """Run one tool; every failure becomes a status the planner can act on."""
    parsed = validate_args(name, args)
    if isinstance(parsed, str):
        return ToolOutcome("bad_arguments", {"status": "bad_arguments", "detail": parsed})
    try:
        return TOOLS[name].run(shop, parsed, facts)
    except Exception as exc:  # a tool must never take the turn down with it
        log.exception("tool %s failed", name)
        return ToolOutcome("error", {"status": "error", "detail": type(exc).__name__})
