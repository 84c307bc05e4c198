"""The facts the tools run on, resolved from the state once per tools step: the shopper, the
goal, the hard constraints and where the shopper is (never taken from a planner's arguments)."""

from __future__ import annotations

from datetime import datetime

from agent.graph.context import StylistContext
from agent.state import StylistState
from tools.geo import locate
from tools.moment.weather import CALENDAR_SEASON
from tools.shapes import Constraints
from tools.stock.stores import store_map
from tools.table import TurnFacts
from tools.taxonomy import GOALS, UNKNOWN_GOAL


def turn_now(state: StylistState) -> datetime:
    return datetime.fromisoformat(state["now"])


def shopper_origin(state: StylistState, ctx: StylistContext) -> tuple[float, float] | None:
    """The app's coordinates, else the place the shopper named (coordinates, store, city), else the
    store the shopper chose before the chat (a store page's link), else the profile's city."""
    request = state.get("request_context") or {}
    if request.get("lat") is not None and request.get("lon") is not None:
        return float(request["lat"]), float(request["lon"])
    location = (state.get("constraints") or {}).get("location") or {}
    chosen = request.get("store_code")  # the store page the shopper came from
    if chosen and location.get("source") in (None, "profile"):
        store = store_map(ctx.shop).get(str(chosen).upper())
        if store is not None:
            return store.lat, store.lon
    if location.get("lat") is not None and location.get("lon") is not None:
        return float(location["lat"]), float(location["lon"])
    # a city the shopper named: distances from its centre, not from the store that happens to be there
    named = locate(city=location["city"]) if location.get("city") else None
    if named is not None:
        return named
    if location.get("store_code"):
        store = store_map(ctx.shop).get(location["store_code"])
        if store is not None:
            return store.lat, store.lon
    city = location.get("city") or request.get("city") or (state.get("profile") or {}).get("city")
    return locate(city=city) if city else None


def turn_facts(state: StylistState, ctx: StylistContext) -> TurnFacts:
    goal = state.get("goal") or {}
    label = goal.get("label", UNKNOWN_GOAL)
    spec = GOALS.get(label)
    now = turn_now(state)
    # the app's weather, else the forecast or the usual weather of the place (agent.graph.moment)
    moment = state.get("moment") or {}
    season = moment.get("season") or CALENDAR_SEASON[now.month]
    if spec and spec.seasons and season not in spec.seasons:
        season = spec.seasons[0]
    return TurnFacts(
        shopper_id=state["shopper_id"], thread_id=ctx.thread_id,
        language=state.get("language") or "it", layout=state.get("presentation") or "image-grid",
        goal=label, department=goal.get("department"),
        constraints=Constraints.model_validate(state.get("constraints") or {}),
        origin=shopper_origin(state, ctx), season=season, now=now, shop_now=ctx.clock(),
        last_outfit=state.get("last_outfit"),
        shown_by_slot=state.get("shown_by_slot") or {}, rejected_skus=state.get("rejected_skus") or [],
        # purchases are among the events only with consent (tools.shoppers.profiles.load_history)
        owned_skus=[e["sku"] for e in state.get("events") or []
                    if e.get("type") == "purchase" and e.get("sku")],
        hold_minutes=ctx.settings.reservation_hold_minutes, wet=bool(moment.get("wet")))
