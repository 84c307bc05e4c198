"""The graph's nodes: each takes the state and the turn's runtime and returns an update."""

from __future__ import annotations

import uuid
from datetime import datetime

from langgraph.runtime import Runtime
from langgraph.types import interrupt

from agent.answer.lines import answer_lines
from agent.events import CardEvent, StateEvent, TextEvent
from agent.graph.calls import call_tool
from agent.graph.context import StylistContext
from agent.graph.facts import turn_facts, turn_now
from agent.graph.reservation import confirm_reservation
from agent.planning.deterministic import plan_next
from agent.planning.handover import left_nothing, take_over
from agent.state import StylistState
from agent.understanding.browsing import infer_presentation, request_events
from agent.understanding.constraints import extract_constraints
from agent.understanding.goals import ProductFactsLookup, TimedEvent
from agent.understanding.goals import infer_goal as infer
from agent.understanding.intents import classify
from agent.understanding.language import detect_language
from agent.understanding.refinements import Refinement, apply_refinement, read_refinement
from agent.understanding.typos import respell_cues
from prompts.loader import say
from tools.catalog.index import catalog_index
from tools.catalog.products import product_facts
from tools.lexicon import normalise
from tools.shapes import Constraints, Goal
from tools.shoppers.profiles import get_or_create_shopper, journey_stage, load_history
from tools.shoppers.threads import start_thread
from tools.stock.stores import store_map
from tools.taxonomy import UNKNOWN_GOAL

Ctx = Runtime[StylistContext]


def load_context(state: StylistState, runtime: Ctx) -> StylistState:
    ctx = runtime.context
    now = turn_now(state)
    profile = get_or_create_shopper(ctx.shop, state["shopper_id"], state.get("language") or "it",
                                    ctx.clock())
    if state.get("new_thread"):
        start_thread(ctx.shop, ctx.thread_id, state["shopper_id"], state.get("message") or "", ctx.clock())
    # short follow-ups ("taglia 52", "ok") keep the language the thread is in
    fallback = state.get("thread_language") or profile["language"]
    language = state.get("language") or detect_language(
        state["message"], default="en" if fallback == "en" else "it")
    history = load_history(ctx.shop, profile, now)
    events = request_events(state.get("request_events") or [], now) + history.events
    if profile["consent"]:
        profile["known_sizes"] = {**history.bought_sizes, **profile["known_sizes"]}
    else:  # without consent nothing personal shapes the answer
        profile["known_sizes"] = {}
        profile["city"] = None
    profile["journey"] = journey_stage(profile, history.orders, history.last_order, now)
    presentation = infer_presentation(events, state.get("layout_request"))
    ctx.emit(StateEvent(path="/presentation", value=presentation))
    return {"profile": profile, "events": events, "language": language, "thread_language": language,
            "presentation": presentation, "new_thread": False, "turn": int(state.get("turn") or 0) + 1}


def _product_facts(ctx: StylistContext) -> ProductFactsLookup:
    return lambda skus: product_facts(ctx.shop, skus)


def _known_cities(ctx: StylistContext) -> dict[str, str]:
    cities: dict[str, str] = {}
    for code, store in sorted(store_map(ctx.shop).items()):  # cached: stores rarely change
        cities.setdefault(normalise(store.city), code)
    return cities


def infer_goal(state: StylistState, runtime: Ctx) -> StylistState:
    ctx = runtime.context
    now = turn_now(state)
    profile = state["profile"]
    timed = [TimedEvent(type=e["type"], at=datetime.fromisoformat(e["at"]), sku=e.get("sku"),
                        text=e.get("text")) for e in state.get("events", [])]
    previous = Goal.model_validate(state["goal"]) if state.get("goal") else None
    message = state["message"]
    refinement = Refinement()
    if previous is not None and previous.label != UNKNOWN_GOAL:
        refinement = read_refinement(message, previous.label, previous.department, state.get("last_outfit"))
    if refinement.changes_look and previous is not None:
        goal = previous  # a correction to the look ("più casual", "other shoes") keeps the occasion
    else:
        goal = infer(timed, respell_cues(message), now, _product_facts(ctx), previous=previous,
                     profile_department=profile.get("department"), context=state.get("request_context"),
                     encoder=catalog_index(ctx.shop).embedder)  # the index's model: loaded once
    prev_constraints = Constraints.model_validate(state["constraints"]) if state.get("constraints") else None
    constraints = extract_constraints(
        message, previous=prev_constraints, profile_sizes=profile.get("known_sizes") or None,
        profile_city=profile.get("city"), known_cities=_known_cities(ctx), department=goal.department)
    constraints = apply_refinement(constraints, prev_constraints, refinement, goal.label, goal.department)
    changed = prev_constraints is not None and (
        constraints.sizes != prev_constraints.sizes or constraints.location != prev_constraints.location)
    goal_json = goal.model_dump(mode="json")
    constraints_json = constraints.model_dump(mode="json")
    ctx.emit(StateEvent(path="/goal", value=goal_json))
    ctx.emit(StateEvent(path="/constraints", value=constraints_json))
    rejected = list(state.get("rejected_skus") or [])
    for item in (state.get("last_outfit") or {}).get("items", []) if refinement.swap_slots else []:
        if item["slot"] in refinement.swap_slots and item["sku"] not in rejected:
            rejected.append(item["sku"])  # swapped out: it stays out of the thread's later looks
    return {"goal": goal_json, "constraints": constraints_json, "intent": classify(message),
            "refinement": refinement.as_json(), "constraints_changed": changed, "rejected_skus": rejected}


def plan(state: StylistState, runtime: Ctx) -> StylistState:
    ctx = runtime.context
    model_turn = not state.get("tool_log") or state.get("planner_used") == "llm"
    if ctx.llm_planner is None or state.get("intent") == "refuse" or not model_turn:
        # The deterministic planner is bounded by construction (a first pass and one follow-up).
        return {"planned": plan_next(state), "planner_used": "deterministic"}
    cap = ctx.settings.llm_max_tool_calls
    made = state.get("tool_calls_made", 0)
    planned = ctx.llm_planner.plan(state, turn_facts(state, ctx)) if made < cap else []
    if planned:
        return {"planned": planned[: cap - made], "planner_used": "llm"}
    if planned == [] and not left_nothing(state):
        return {"planned": [], "planner_used": "llm"}  # the model is done and the records answer
    return take_over(state)  # the model failed, or its calls left the shopper with nothing


def run_tools(state: StylistState, runtime: Ctx) -> StylistState:
    ctx = runtime.context
    facts = turn_facts(state, ctx)
    results = dict(state.get("results") or {})
    cards = list(state.get("cards") or [])
    log = list(state.get("tool_log") or [])
    last_outfit = state.get("last_outfit")
    shown = {k: list(v) for k, v in (state.get("shown_by_slot") or {}).items()}
    planned = state.get("planned") or []
    for call in planned:
        name, args = call["name"], dict(call["args"])
        if name == "reserve_in_store":
            outcome, ms = confirm_reservation(ctx, facts, args, call["id"], interrupt)
        else:
            outcome, ms = call_tool(ctx, facts, call["id"], name, args)
        results[name] = outcome.data
        log.append({"name": name, "args": args, "status": outcome.status, "ms": round(ms, 2)})
        for card in outcome.cards:
            ctx.emit(CardEvent.model_validate({"card_id": f"card_{uuid.uuid4().hex[:10]}", "card": card}))
            cards.append(card)
            if card.get("type") == "sarto.outfit":
                last_outfit = facts.last_outfit = card
                for item in card.get("items", []):
                    seen = shown.setdefault(str(item["slot"]), [])
                    if item["sku"] not in seen:
                        seen.append(item["sku"])
    return {"results": results, "cards": cards, "tool_log": log, "planned": [],
            "tool_calls_made": state.get("tool_calls_made", 0) + len(planned), "last_outfit": last_outfit,
            "shown_by_slot": shown}


def compose(state: StylistState, runtime: Ctx) -> StylistState:
    ctx = runtime.context
    language = state.get("language") or "it"
    hours = {code: store.hours for code, store in store_map(ctx.shop).items()}  # cached directory
    lines, question = answer_lines(state, language, hours)
    if ctx.llm_planner is not None and state.get("planner_used") == "llm":
        lines = ctx.llm_planner.reword(state, lines, language)
    if not lines:  # a turn never ends in silence: say what was not found and what to try
        lines = [say(language, "nothing_found")]
    message_id = f"msg_{uuid.uuid4().hex[:12]}"
    for i, line in enumerate(lines):
        ctx.emit(TextEvent(message_id=message_id, delta=(line if i == 0 else "\n" + line)))
    body = "\n".join(lines)
    return {"text": body, "question": question,
            "transcript": [{"role": "user", "text": state["message"], "at": state["now"]},
                           {"role": "assistant", "text": body, "cards": state.get("cards") or [],
                            "at": state["now"]}]}
