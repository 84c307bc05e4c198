"""The graph's nodes. Each takes the state and the run's dependencies and returns an update."""

from __future__ import annotations

import uuid
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from langgraph.types import RunnableConfig, interrupt
from sqlalchemy import select

from agent import emit
from agent.context import (
    get_or_create_shopper,
    infer_presentation,
    journey_stage,
    load_history,
    request_events,
)
from agent.events import CardEvent, StateEvent, TextEvent, ToolCallEvent, ToolResultEvent
from agent.intents import classify
from agent.planner import plan_next
from agent.toolbox import TurnFacts, run_tool
from tools.database import session_scope
from tools.models import Product
from tools.shapes import Constraints, Goal
from tools.taxonomy import GOALS, UNKNOWN_GOAL

if TYPE_CHECKING:
    from agent.graph import Deps

_SEASON_BY_MONTH = {12: "winter", 1: "winter", 2: "winter", 3: "spring", 4: "spring", 5: "spring",
                    6: "summer", 7: "summer", 8: "summer", 9: "autumn", 10: "autumn", 11: "autumn"}


def _now(state: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(state["now"])


def load_context(state: dict[str, Any], deps: Deps, config: RunnableConfig) -> dict[str, Any]:
    from agent.language import detect_language

    now = _now(state)
    profile = get_or_create_shopper(deps.shop, state["shopper_id"], state.get("language") or "it", now)
    # short follow-ups ("taglia 52", "ok") keep the language the thread is in
    fallback = state.get("thread_language") or profile["language"]
    language = state.get("language") or detect_language(
        state["message"], default=fallback if fallback in ("it", "en") else "it")
    stored, bought_sizes, orders, last_order = load_history(deps.shop, profile, now)
    events = request_events(state.get("request_events") or [], now) + stored
    if profile["consent"]:
        profile["known_sizes"] = {**bought_sizes, **profile["known_sizes"]}
    else:  # without consent nothing personal shapes the answer
        profile["known_sizes"] = {}
        profile["city"] = None
    profile["journey"] = journey_stage(profile, orders, last_order, now)
    presentation = infer_presentation(events, state.get("layout_request"))
    emit.writer()(StateEvent(path="/presentation", value=presentation))
    return {"profile": profile, "events": events, "language": language, "thread_language": language,
            "presentation": presentation,
            "turn": int(state.get("turn") or 0) + 1}


def _product_facts(deps: Deps) -> Any:
    from agent.goals import ProductFacts

    def lookup(skus: Any) -> dict[str, Any]:
        wanted = sorted({s for s in skus if s})
        if not wanted:
            return {}
        with session_scope(deps.shop.engine) as s:
            rows = s.execute(select(Product.sku, Product.department, Product.category,
                                    Product.occasions, Product.formality, Product.seasons)
                             .where(Product.sku.in_(wanted))).all()
        return {r.sku: ProductFacts(sku=r.sku, department=r.department, category=r.category,
                                    occasions=tuple(r.occasions), formality=r.formality,
                                    seasons=tuple(r.seasons)) for r in rows}

    return lookup


def _known_cities(deps: Deps) -> dict[str, str]:
    from tools.lexicon import normalise
    from tools.stores import store_map

    cities: dict[str, str] = {}
    for code, store in sorted(store_map(deps.shop).items()):  # cached: stores rarely change
        cities.setdefault(normalise(store.city), code)
    return cities


def infer_goal(state: dict[str, Any], deps: Deps, config: RunnableConfig) -> dict[str, Any]:
    from agent.constraints import extract_constraints
    from agent.goals import TimedEvent
    from agent.goals import infer_goal as infer

    now = _now(state)
    profile = state["profile"]
    timed = [TimedEvent(type=e["type"], at=datetime.fromisoformat(e["at"]), sku=e.get("sku"),
                        text=e.get("text")) for e in state.get("events", [])]
    previous = Goal.model_validate(state["goal"]) if state.get("goal") else None
    goal = infer(timed, state["message"], now, _product_facts(deps), previous=previous,
                 profile_department=profile.get("department"), context=state.get("request_context"))
    prev_constraints = Constraints.model_validate(state["constraints"]) if state.get("constraints") else None
    constraints = extract_constraints(
        state["message"], previous=prev_constraints, profile_sizes=profile.get("known_sizes") or None,
        profile_city=profile.get("city"), known_cities=_known_cities(deps), department=goal.department)
    write = emit.writer()
    goal_json = goal.model_dump(mode="json")
    constraints_json = constraints.model_dump(mode="json")
    write(StateEvent(path="/goal", value=goal_json))
    write(StateEvent(path="/constraints", value=constraints_json))
    return {"goal": goal_json, "constraints": constraints_json, "intent": classify(state["message"])}


def plan(state: dict[str, Any], deps: Deps, config: RunnableConfig) -> dict[str, Any]:
    cap = deps.settings.llm_max_tool_calls
    if state.get("tool_calls_made", 0) >= cap:
        return {"planned": []}
    if deps.llm_planner is not None and state.get("intent") != "refuse":
        planned = deps.llm_planner.plan(state, _facts(state, deps, config))
        if planned is not None:
            return {"planned": planned[: cap - state.get("tool_calls_made", 0)], "planner_used": "llm"}
    return {"planned": plan_next(state), "planner_used": state.get("planner_used") or "deterministic"}


def _origin(state: dict[str, Any], deps: Deps) -> tuple[float, float] | None:
    from tools.geo import locate

    ctx = state.get("request_context") or {}
    if ctx.get("lat") is not None and ctx.get("lon") is not None:
        return float(ctx["lat"]), float(ctx["lon"])
    location = (state.get("constraints") or {}).get("location") or {}
    if location.get("lat") is not None and location.get("lon") is not None:
        return float(location["lat"]), float(location["lon"])
    if location.get("store_code"):
        from tools.stores import store_map

        store = store_map(deps.shop).get(location["store_code"])
        if store is not None:
            return store.lat, store.lon
    city = location.get("city") or ctx.get("city") or state.get("profile", {}).get("city")
    return locate(city=city) if city else None


def _facts(state: dict[str, Any], deps: Deps, config: RunnableConfig) -> TurnFacts:
    goal = state.get("goal") or {}
    label = goal.get("label", UNKNOWN_GOAL)
    spec = GOALS.get(label)
    now = _now(state)
    season = _SEASON_BY_MONTH[now.month]
    if spec and spec.seasons and season not in spec.seasons:
        season = spec.seasons[0]
    return TurnFacts(
        shopper_id=state["shopper_id"], thread_id=config["configurable"]["thread_id"],
        language=state.get("language") or "it", layout=state.get("presentation") or "image-grid",
        goal=label, department=goal.get("department"),
        constraints=Constraints.model_validate(state.get("constraints") or {}),
        origin=_origin(state, deps), season=season, now=now, last_outfit=state.get("last_outfit"),
        hold_minutes=deps.settings.reservation_hold_minutes)


def run_tools(state: dict[str, Any], deps: Deps, config: RunnableConfig) -> dict[str, Any]:
    from agent.reserve_step import confirm_reservation

    write = emit.writer()
    facts = _facts(state, deps, config)
    results = dict(state.get("results") or {})
    cards = list(state.get("cards") or [])
    log = list(state.get("tool_log") or [])
    last_outfit = state.get("last_outfit")
    for call in state.get("planned") or []:
        name, args = call["name"], dict(call["args"])
        if name == "reserve_in_store":
            outcome, shown = confirm_reservation(deps, facts, args, call["id"], interrupt)
        else:
            if name == "assemble_outfit":
                facts.query_vectors = _slot_vectors(facts)
            write(ToolCallEvent(call_id=call["id"], name=name, args=args))
            import time

            started = time.perf_counter()
            outcome = run_tool(deps.shop, name, args, facts)
            ms = (time.perf_counter() - started) * 1000
            write(ToolResultEvent(call_id=call["id"], name=name, status=outcome.status,
                                  summary=outcome.summary(), ms=round(ms, 2)))
            shown = ms
        results[name] = outcome.data
        log.append({"name": name, "args": args, "status": outcome.status, "ms": round(shown, 2)})
        for card in outcome.cards:
            card_id = f"card_{uuid.uuid4().hex[:10]}"
            write(CardEvent.model_validate({"card_id": card_id, "card": card}))
            cards.append(card)
            if card.get("type") == "sarto.outfit":
                last_outfit = card
                facts.last_outfit = card
    return {"results": results, "cards": cards, "tool_log": log, "planned": [],
            "tool_calls_made": state.get("tool_calls_made", 0) + len(state.get("planned") or []),
            "last_outfit": last_outfit}


def _slot_vectors(facts: TurnFacts) -> dict[str, Any] | None:
    if not facts.department or facts.goal not in GOALS:
        return None
    return _slot_prototypes(facts.goal, facts.department, facts.language)


@lru_cache(maxsize=128)
def _slot_prototypes(goal: str, department: str, language: str) -> dict[str, Any] | None:
    """The slot queries of a look depend only on goal, department and language, never on the
    shopper's words, so their vectors are constants: embedded in one batch, once per process."""
    from tools.embeddings import embed_queries
    from tools.outfits import slot_queries

    queries = slot_queries(goal, department, language)
    if not queries:
        return None
    vectors = embed_queries(list(queries.values()))
    return {slot: vectors[i] for i, slot in enumerate(queries)}


def compose(state: dict[str, Any], deps: Deps, config: RunnableConfig) -> dict[str, Any]:
    from agent.answer import compose_answer

    language = state.get("language") or "it"
    lines, question = compose_answer(state, language)
    if deps.llm_planner is not None and state.get("planner_used") == "llm":
        lines = deps.llm_planner.reword(state, lines, language)
    write = emit.writer()
    message_id = f"msg_{uuid.uuid4().hex[:12]}"
    body = "\n".join(lines)
    for i, line in enumerate(lines):
        write(TextEvent(message_id=message_id, delta=(line if i == 0 else "\n" + line)))
    return {"text": body, "question": question,
            "transcript": [{"role": "user", "text": state["message"], "at": state["now"]},
                           {"role": "assistant", "text": body, "cards": state.get("cards") or [],
                            "at": state["now"]}]}
