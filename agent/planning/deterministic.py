"""The deterministic planner: the default, keyless, networkless way to choose this turn's tool calls.

It is called after every tools pass (plan ⇄ tools) and returns nothing when the turn has what it
needs; `compose` then writes the answer from the tool records.
"""

from __future__ import annotations

from typing import Any

from agent.state import PlannedCall, StylistState
from agent.understanding.constraints import asked_size
from agent.understanding.products import named_skus
from tools.lexicon import match_terms
from tools.table import TOOLS
from tools.taxonomy import UNKNOWN_GOAL

Call = tuple[str, dict[str, Any]]


def _call(name: str, **args: Any) -> Call:
    if name not in TOOLS:
        raise KeyError(f"the planner asked for {name!r}, which is not in the tool table")
    return name, args


def _priciest_sku(card: dict[str, Any] | None) -> str | None:
    if not card or not card.get("items"):
        return None
    top = max(card["items"], key=lambda i: (float(i["price"]["amount"]), i["sku"]))
    return str(top["sku"])


def plan_next(state: StylistState) -> list[PlannedCall]:
    """The next tool calls, with ids unique in the thread (its turn and the call's place in it)."""
    made, turn = state.get("tool_calls_made", 0), state.get("turn", 0)
    return [{"id": f"call_{turn}_{made + i + 1}", "name": name, "args": args}
            for i, (name, args) in enumerate(_next_calls(state))]


def _next_calls(state: StylistState) -> list[Call]:
    intent = state.get("intent", "outfit")
    results: dict[str, Any] = state.get("results") or {}
    if results:
        return _follow_up(intent, results, state)
    goal = (state.get("goal") or {}).get("label", UNKNOWN_GOAL)
    department = (state.get("goal") or {}).get("department")
    last_outfit = state.get("last_outfit")
    message = state.get("message", "")

    if intent == "refuse":
        return []
    if intent == "list_reservations":
        return [_call("list_reservations")]
    if intent == "cancel_reservation":
        return [_call("cancel_reservation")]
    if intent == "store_info":
        city = ((state.get("constraints") or {}).get("location") or {}).get("city")
        return [_call("find_nearby_stores", city=city)]
    named = named_skus(message)
    if named and intent in ("availability", "outfit"):
        # a product asked for by its code: the answer is its stock, not a look
        size = asked_size(message, department) or _said_size(state)
        return [_call("check_availability", sku=sku, size=size) for sku in named[:3]]
    if intent == "reserve":
        store = _pickup_code(state)
        same_look_there = last_outfit is not None and (store is None or _all_held_at(last_outfit, store))
        if last_outfit and goal != UNKNOWN_GOAL and department and (
                (state.get("constraints_changed") and not same_look_there) or _unsized(last_outfit)):
            # "camicia L, e prenota a Roma": dress again in the new size and place, then hold that
            return [_call("assemble_outfit", goal=goal, only_slots=None)]
        if not last_outfit:
            return []
        return [_call("reserve_in_store", store_code=store if same_look_there else None)]
    refinement = state.get("refinement") or {}
    refining = bool(last_outfit) and any(refinement.get(k) for k in
                                         ("swap_slots", "drop_slots", "add_slots", "more", "formality_shift"))
    if intent == "availability" and last_outfit and not refining:
        return _availability_calls(message, last_outfit, state)
    if goal == UNKNOWN_GOAL:
        terms = match_terms(message)
        if terms.categories:
            return [_call("search_products", query=message, categories=terms.categories,
                          colours=terms.colours or None, department=department)]
        return []  # compose asks one good question
    if not department:
        return []  # compose asks for the department
    if (state.get("constraints") or {}).get("ambiguous_sizes"):
        return []  # "size 8": compose asks which system before anything is dressed in a guess
    only = (state.get("constraints") or {}).get("only_slots") or None
    args: dict[str, Any] = {"goal": goal, "only_slots": only,
                            "cheaper": intent == "cheaper" and bool(last_outfit)}
    if last_outfit:
        if refinement.get("swap_slots"):
            args["swap_slots"] = refinement["swap_slots"]
        if refinement.get("more"):
            args["more"] = True
        if refinement.get("formality_shift"):
            args["formality_shift"] = refinement["formality_shift"]
    return [_call("assemble_outfit", **args)]


def _pickup_code(state: StylistState) -> str | None:
    """The store the shopper names in this message ("prenota a Roma"), else None: the look's own
    store, or the nearest one holding every piece (agent.graph.reservation.pickup_store)."""
    location = (state.get("constraints") or {}).get("location") or {}
    if location.get("source") == "message" and location.get("store_code"):
        return str(location["store_code"])
    return None


def _all_held_at(outfit: dict[str, Any], store: str) -> bool:
    """Whether every piece of the look shown is in stock, in its size, at the store."""
    return all(any(s["location"] == store and s.get("quantity", 0) > 0 for s in i.get("availability", []))
               for i in outfit.get("items", []))


def _unsized(outfit: dict[str, Any]) -> bool:
    return any(not i.get("size") for i in outfit.get("items", []))


def _said_size(state: StylistState) -> str | None:
    sizes = (state.get("constraints") or {}).get("sizes") or {}
    return next(iter(sizes.values()), None) if len(sizes) == 1 else None


def _follow_up(intent: str, results: dict[str, Any], state: StylistState) -> list[Call]:
    """Second pass: hold the look just re-dressed, or cheaper pieces when asked or over budget."""
    outfit = results.get("assemble_outfit")
    if intent == "reserve" and outfit and "reserve_in_store" not in results:
        card = outfit.get("card")
        if outfit.get("status") == "ok" and card:
            store = _pickup_code(state)  # the named store if the new look is all there, else its own
            held = store if store and _all_held_at(card, store) else None
            return [_call("reserve_in_store", store_code=held)]
        return []
    if not outfit or "find_budget_alternatives" in results:
        return []
    card = outfit.get("card") or outfit.get("closest")
    over = outfit.get("status") == "over_budget"
    if intent == "cheaper" or over:
        sku = _priciest_sku(card)
        if sku:
            return [_call("find_budget_alternatives", sku=sku)]
    return []


def _availability_calls(message: str, outfit: dict[str, Any], state: StylistState) -> list[Call]:
    """Availability of the outfit's pieces the message names (all of them if it names none)."""
    terms = match_terms(message)
    items = [i for i in outfit.get("items", []) if i["category"] in terms.categories] or \
        outfit.get("items", [])[:4]
    size = asked_size(message)
    return [_call("check_availability", sku=i["sku"], size=size or i.get("size") or None)
            for i in items[:4]]
