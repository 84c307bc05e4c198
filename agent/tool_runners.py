"""Adapters from the agent's typed tool arguments to the plain tool functions in `tools/`."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, cast

from pydantic import BaseModel

from agent.toolbox import (
    AlternativesArgs,
    AvailabilityArgs,
    CancelArgs,
    NearbyStoresArgs,
    OutfitArgs,
    ReserveArgs,
    SearchArgs,
    ToolOutcome,
    TurnFacts,
)
from tools.shapes import AlternativesCard, Layout, SearchFilters
from tools.shop import Shop
from tools.taxonomy import size_system_for


def _dump(record: Any) -> dict[str, Any]:
    if isinstance(record, BaseModel):
        return record.model_dump(mode="json")
    if hasattr(record, "__dataclass_fields__"):
        from dataclasses import asdict

        return cast(dict[str, Any], _jsonable(asdict(record)))
    return cast(dict[str, Any], _jsonable(record))


def _jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def search(shop: Shop, args: BaseModel, facts: TurnFacts) -> ToolOutcome:
    from tools.search import SearchError, search_products

    a = cast(SearchArgs, args)
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
    card = {"type": "sarto.products", "layout": facts.layout,
            "title": a.query, "items": hits}
    return ToolOutcome("ok", {"status": "ok", "count": len(hits), "hits": hits}, [card])


def availability(shop: Shop, args: BaseModel, facts: TurnFacts) -> ToolOutcome:
    from tools.availability import check_availability

    a = cast(AvailabilityArgs, args)
    lat, lon = facts.origin if facts.origin else (None, None)
    card = _dump(check_availability(shop, a.sku, a.size, lat=lat, lon=lon))
    status = str(card.pop("status", "ok")) if "status" in card else "ok"
    if status != "ok":
        return ToolOutcome(status, {"status": status, **card})
    card["layout"] = "spec-table" if facts.layout == "spec-table" else card.get("layout", "spec-table")
    return ToolOutcome("ok", {"status": "ok", **card}, [card])


def nearby_stores(shop: Shop, args: BaseModel, facts: TurnFacts) -> ToolOutcome:
    from tools.stores import find_nearby_stores

    a = cast(NearbyStoresArgs, args)
    lat, lon = facts.origin if facts.origin and not a.city else (None, None)
    result = _dump(find_nearby_stores(shop, city=a.city, lat=lat, lon=lon, variant_id=a.variant_id))
    return ToolOutcome(str(result.get("status", "ok")), result)


def outfit(shop: Shop, args: BaseModel, facts: TurnFacts) -> ToolOutcome:
    from tools.outfits import assemble_outfit

    a = cast(OutfitArgs, args)
    goal = a.goal or facts.goal
    if not facts.department:
        return ToolOutcome("needs_department", {"status": "needs_department"})
    constraints = facts.constraints
    if a.only_slots:
        constraints = constraints.model_copy(update={"only_slots": a.only_slots})
    cheaper_than = None
    exclude: list[str] = []
    if a.cheaper and facts.last_outfit:
        cheaper_than = Decimal(str(facts.last_outfit["total"]["amount"]))
    plan = assemble_outfit(
        shop, goal, facts.department, constraints, origin=facts.origin, season=facts.season,
        language=facts.language, layout=cast(Layout, facts.layout), query_vectors=facts.query_vectors,
        exclude_skus=exclude, prefer_cheaper_than=cheaper_than)
    data = _dump(plan)
    cards = [c for c in (data.get("card"), data.get("closest")) if c]
    status = str(data.get("status", "ok"))
    return ToolOutcome(status, data, cards[:1])


def alternatives(shop: Shop, args: BaseModel, facts: TurnFacts) -> ToolOutcome:
    from tools.alternatives import find_budget_alternatives

    a = cast(AlternativesArgs, args)
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


def list_holds(shop: Shop, args: BaseModel, facts: TurnFacts) -> ToolOutcome:
    from tools.reservations import list_reservations

    found = [_dump(r) for r in list_reservations(shop, facts.shopper_id, facts.now)]
    return ToolOutcome("ok", {"status": "ok", "count": len(found), "reservations": found})


def cancel_hold(shop: Shop, args: BaseModel, facts: TurnFacts) -> ToolOutcome:
    from tools.reservations import cancel_reservation, list_reservations

    a = cast(CancelArgs, args)
    target = a.reservation_id
    if target is None:
        held = [r for r in (_dump(x) for x in list_reservations(shop, facts.shopper_id, facts.now))
                if r.get("status") == "held"]
        if not held:
            return ToolOutcome("not_found", {"status": "not_found"})
        target = str(held[0].get("reservation_id") or held[0].get("id"))
    result = _dump(cancel_reservation(shop, facts.shopper_id, target, facts.now))
    return ToolOutcome(str(result.get("status", "ok")), result)


def reserve(shop: Shop, args: BaseModel, facts: TurnFacts) -> ToolOutcome:
    """Only reached after the shopper confirmed (the graph interrupts before calling it)."""
    from tools.reservations import reserve_in_store

    a = cast(ReserveArgs, args)
    outfit_card = facts.last_outfit
    if not outfit_card or not a.store_code:
        return ToolOutcome("nothing_to_reserve", {"status": "nothing_to_reserve"})
    items = [(i["variant_id"], 1) for i in outfit_card["items"]]
    prices = {i["variant_id"]: Decimal(str(i["price"]["amount"])) for i in outfit_card["items"]}
    result = _dump(reserve_in_store(
        shop, facts.shopper_id, a.store_code, items, idempotency_key=None,
        thread_id=facts.thread_id, now=facts.now, hold_minutes=facts.hold_minutes,
        expected_prices=prices))
    return ToolOutcome(str(result.get("status", "held")), result)


RUNNERS: dict[str, Callable[[Shop, BaseModel, TurnFacts], ToolOutcome]] = {
    "search_products": search,
    "check_availability": availability,
    "find_nearby_stores": nearby_stores,
    "assemble_outfit": outfit,
    "find_budget_alternatives": alternatives,
    "reserve_in_store": reserve,
    "list_reservations": list_holds,
    "cancel_reservation": cancel_hold,
}
