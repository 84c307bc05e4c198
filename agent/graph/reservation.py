"""Reserve-for-pickup needs the shopper's explicit yes: propose, interrupt, act on the answer.

LangGraph re-runs the node when the confirming turn resumes it, so everything before the
interrupt is a pure function of the state (same store, same items, same proposal).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from agent.graph.calls import call_tool
from agent.graph.context import StylistContext
from tools.stock.stores import store_map
from tools.table import ToolOutcome, TurnFacts


def pickup_store(outfit: dict[str, Any], requested: str | None) -> str | None:
    """The requested store, the outfit's store, or the nearest store holding every piece."""
    if requested:
        return requested
    if outfit.get("fulfilment") not in (None, "online"):
        return str(outfit["fulfilment"])
    common: dict[str, float] | None = None
    for item in outfit.get("items", []):
        here = {s["location"]: s.get("distance_km") or 0.0 for s in item.get("availability", [])
                if s["location"] != "online" and s.get("quantity", 0) > 0}
        common = here if common is None else {k: v for k, v in common.items() if k in here}
    if not common:
        return None
    return min(common, key=lambda code: (common[code], code))


def build_proposal(ctx: StylistContext, facts: TurnFacts, store_code: str) -> dict[str, Any] | None:
    """What the shopper is asked to confirm: the store, the pieces, the total, the hold deadline."""
    store = store_map(ctx.shop).get(store_code)
    if store is None:
        return None
    outfit = facts.last_outfit or {}
    items = [{"sku": i["sku"], "variant_id": i["variant_id"], "title": i["title"], "size": i.get("size"),
              "price": i["price"]["amount"]} for i in outfit.get("items", [])]
    total = sum((Decimal(str(i["price"])) for i in items), Decimal("0"))
    hold_until = facts.shop_now + timedelta(minutes=facts.hold_minutes)
    return {"store_code": store.code, "store_name": store.name, "address": store.address,
            "hours": dict(store.hours), "items": items, "total": float(total),
            "hold_until": hold_until.isoformat()}


def confirm_reservation(ctx: StylistContext, facts: TurnFacts, args: dict[str, Any], call_id: str,
                        interrupt: Callable[[Any], Any]) -> tuple[ToolOutcome, float]:
    outfit = facts.last_outfit
    if not outfit or any(not i.get("size") for i in outfit.get("items", [])):
        return ToolOutcome("nothing_to_reserve", {"status": "nothing_to_reserve"}), 0.0
    store_code = pickup_store(outfit, args.get("store_code"))
    proposal = build_proposal(ctx, facts, store_code) if store_code else None
    if proposal is None:
        return ToolOutcome("no_store", {"status": "no_store"}), 0.0
    answer = interrupt({"reason": "confirm_reservation", "proposal": proposal})
    if answer != "confirm":
        return ToolOutcome("declined", {"status": "declined"}), 0.0
    return call_tool(ctx, facts, call_id, "reserve_in_store", {"store_code": store_code})
