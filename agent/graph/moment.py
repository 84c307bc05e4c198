"""The read_moment node: where the shopper's weather is, and the here and now of the turn, read
once per turn after the message is understood (so "no, vado a Palermo" counts at once)."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agent.graph.context import StylistContext
from agent.graph.facts import turn_now
from agent.state import StylistState
from tools.clock import as_utc
from tools.moment.reading import read_here_and_now
from tools.moment.weather import Place
from tools.stock.stores import store_map


def _coords(where: dict[str, Any]) -> tuple[float | None, float | None]:
    lat, lon = where.get("lat"), where.get("lon")
    return (float(lat), float(lon)) if lat is not None and lon is not None else (None, None)


def weather_place(state: StylistState, ctx: StylistContext) -> Place:
    """The place whose weather counts: a city the shopper named in the chat (where they are going
    beats where their phone is), else the app's coordinates or city, else the store page they came
    from, else the profile's city (present only with consent)."""
    request = state.get("request_context") or {}
    location = (state.get("constraints") or {}).get("location") or {}
    named = bool(location.get("city") or location.get("lat"))
    if named and location.get("source") in ("message", "conversation"):
        return Place(location.get("city"), *_coords(location))
    lat, lon = _coords(request)
    if lat is not None or request.get("city"):
        return Place(request.get("city"), lat, lon)
    store = store_map(ctx.shop).get(str(request["store_code"]).upper()) if request.get("store_code") else None
    if store is not None:
        return Place(store.city, store.lat, store.lon)
    if named:
        return Place(location.get("city"), *_coords(location))
    return Place()


def read_moment(state: StylistState, runtime: Runtime[StylistContext]) -> StylistState:
    ctx = runtime.context
    weather = (state.get("request_context") or {}).get("weather")
    here = read_here_and_now(weather_place(state, ctx), as_utc(turn_now(state)), ctx.weather,
                             str(weather) if weather else None)
    return {"moment": here.model_dump(mode="json")}
