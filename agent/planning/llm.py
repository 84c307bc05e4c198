"""The optional LLM planner: a chat model with the shop's tools bound chooses this turn's tool calls.

Any failure (timeout, HTTP error, malformed or unknown tool call) returns None so the graph hands
the turn to the deterministic planner (`agent/planning/handover.py`), as it does when the model's
calls leave the shopper with nothing to show. The model's wording of the answer is shown only when the
grounding check finds every figure in it in this turn's records.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from decimal import Decimal
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage

from agent.answer.grounding import check_grounding, prices_in
from agent.settings import Settings
from agent.state import PlannedCall, StylistState
from prompts.loader import prompt
from tools.table import TOOLS, TurnFacts, validate_args

log = logging.getLogger(__name__)

HISTORY_MESSAGES = 12  # earlier turns sent to the model; older ones rarely change the plan
SUMMARY_CHARS = 2000  # per tool result, so a long search does not crowd out the conversation
_LANGUAGE_NAMES = {"it": "Italian", "en": "English"}


class PlannerFailure(Exception):
    """The model's answer cannot be used; the deterministic planner takes the turn."""


def tool_specs() -> list[dict[str, Any]]:
    """OpenAI function specs named as the graph runs them (the docstrings are the descriptions)."""
    from langchain_core.utils.function_calling import convert_to_openai_tool

    specs = []
    for name, tool in TOOLS.items():
        spec = convert_to_openai_tool(tool.args)
        spec["function"]["name"] = name
        spec["function"]["description"] = tool.description
        specs.append(spec)
    return specs


class LLMPlanner:
    def __init__(self, model: Any, settings: Settings):
        self.settings = settings
        self._model = model
        self._with_tools = model.bind_tools(tool_specs())

    @classmethod
    def from_settings(cls, settings: Settings) -> LLMPlanner:
        from agent.planning.model_factory import build_chat_model

        return cls(build_chat_model(settings), settings)

    # --- plan ------------------------------------------------------------------------------

    def plan(self, state: StylistState, facts: TurnFacts) -> list[PlannedCall] | None:
        """The next tool calls; [] when the model is done; None when the model cannot be used."""
        started = time.perf_counter()
        try:
            reply = self._stream_reply(plan_messages(state, facts))
            planned = _planned_calls(reply)
        except Exception as exc:  # any model failure: the deterministic planner answers
            log.warning("LLM planner failed after %.0f ms, deterministic planner takes the turn: %s",
                        (time.perf_counter() - started) * 1000, _reason(exc))
            return None
        done = {_call_key(t["name"], t["args"]) for t in state.get("tool_log") or []}
        if planned and all(_call_key(c["name"], c["args"]) in done for c in planned):
            return []  # asking again for what it already has: the results are in, compose answers
        return planned

    def _stream_reply(self, messages: list[BaseMessage]) -> AIMessage:
        # Streaming reads tool-call arguments as the server sends them; the wall-clock deadline
        # also bounds a server that trickles bytes (the HTTP timeout is per read).
        deadline = time.monotonic() + self.settings.llm_timeout_s
        reply: Any = None
        for chunk in self._with_tools.stream(messages):
            reply = chunk if reply is None else reply + chunk
            if time.monotonic() > deadline:
                raise TimeoutError(f"no complete answer within {self.settings.llm_timeout_s} s")
        if reply is None:
            raise PlannerFailure("empty response")
        return reply  # type: ignore[no-any-return]

    # --- reword ----------------------------------------------------------------------------

    def reword(self, state: StylistState, lines: list[str], language: str) -> list[str]:
        """The model's friendlier wording of the template answer, or `lines` when it is not grounded."""
        if not lines:
            return lines
        draft = "\n".join(lines)
        system = prompt("reword_system").format(
            language_name=_LANGUAGE_NAMES.get(language, "Italian"), draft=draft)
        messages: list[BaseMessage] = [SystemMessage(system), *_history(state),
                                       HumanMessage(str(state.get("message") or ""))]
        try:
            reply = self._model.invoke(messages)
        except Exception as exc:
            log.warning("LLM wording failed, keeping the template answer: %s", _reason(exc))
            return lines
        text = reply.content.strip() if isinstance(reply.content, str) else ""
        problems = wording_problems(text, draft, state)
        if problems:
            log.info("LLM wording rejected, keeping the template answer: %s", "; ".join(problems[:5]))
            return lines
        return [line.rstrip() for line in text.splitlines() if line.strip()]


def wording_problems(text: str, draft: str, state: StylistState) -> list[str]:
    """Why a model's wording cannot replace the draft: unbacked figures or dropped prices."""
    if not text:
        return ["empty answer"]
    records = {"results": state.get("results") or {}, "constraints": state.get("constraints") or {}}
    problems = check_grounding(text, records, also=[draft])
    written: set[Decimal] = set()
    for _, readings in prices_in(text):
        written |= readings
    for shown, readings in prices_in(draft):
        if not readings & written:
            problems.append(f"price dropped: {shown}")
    return problems


def plan_messages(state: StylistState, facts: TurnFacts) -> list[BaseMessage]:
    """System rules and turn context, the conversation, the message, then this turn's tool results."""
    language = facts.language if facts.language in _LANGUAGE_NAMES else "it"
    system = prompt("planner_system").format(language=_LANGUAGE_NAMES[language],
                                             context=_context(state, facts))
    messages: list[BaseMessage] = [SystemMessage(system), *_history(state),
                                   HumanMessage(str(state.get("message") or ""))]
    log_entries = state.get("tool_log") or []
    results: dict[str, Any] = state.get("results") or {}
    last_of = {entry["name"]: i for i, entry in enumerate(log_entries)}
    for i, entry in enumerate(log_entries):
        call_id = f"call_{i + 1}"
        messages.append(AIMessage(content="", tool_calls=[
            {"id": call_id, "name": entry["name"], "args": entry["args"], "type": "tool_call"}]))
        # `results` keeps each tool's last result, so earlier calls of the same tool show only status
        result = results.get(entry["name"]) if last_of[entry["name"]] == i else None
        body = summarise(entry["name"], result) if result is not None else {"status": entry["status"]}
        messages.append(ToolMessage(content=_compact(body), tool_call_id=call_id))
    return messages


def _context(state: StylistState, facts: TurnFacts) -> str:
    goal = state.get("goal") or {}
    constraints = facts.constraints.model_dump(mode="json", exclude_none=True,
                                               exclude={"size_sources"})
    context: dict[str, Any] = {
        "goal": goal.get("label", "unknown"), "goal_confidence": goal.get("confidence"),
        "department": facts.department, "constraints": constraints,
        "intent": state.get("intent"), "season": facts.season,
    }
    if facts.last_outfit:
        context["outfit_shown_earlier"] = _card_summary(facts.last_outfit)
    return _compact(context)


def _history(state: StylistState) -> list[BaseMessage]:
    messages: list[BaseMessage] = []
    for entry in (state.get("transcript") or [])[-HISTORY_MESSAGES:]:
        text = str(entry.get("text") or "")
        messages.append(HumanMessage(text) if entry.get("role") == "user" else AIMessage(text))
    return messages


def summarise(name: str, result: dict[str, Any]) -> dict[str, Any]:
    """The part of a tool result the model needs to decide what next (not the whole card)."""
    out: dict[str, Any] = {k: result[k] for k in ("status", "detail", "count", "over_budget_by",
                                                     "missing_slots", "pickup_code") if result.get(k)}
    if name == "assemble_outfit":
        for key in ("card", "closest"):
            if result.get(key):
                out[key] = _card_summary(result[key])
    elif name == "search_products":
        out["hits"] = [{"sku": h.get("sku"), "title": h.get("title_en"), "price": _amount(h.get("price")),
                        "sizes_in_stock": (h.get("sizes_in_stock") or [])[:8]}
                       for h in (result.get("hits") or [])[:6]]
    elif name == "check_availability":
        out.update({k: result.get(k) for k in ("sku", "title", "size")})
        out["locations"] = [{k: s.get(k) for k in ("location", "quantity", "distance_km")}
                            for s in (result.get("locations") or [])[:6]]
    elif name == "find_budget_alternatives":
        out["items"] = [_item(i) for i in (result.get("items") or [])[:5]]
        out["saves"] = result.get("saves")
    else:
        out = dict(result)
    return out


def _card_summary(card: dict[str, Any]) -> dict[str, Any]:
    return {"total": _amount(card.get("total")), "fits_budget": card.get("fits_budget"),
            "fulfilment": card.get("fulfilment"), "items": [_item(i) for i in card.get("items") or []]}


def _item(item: dict[str, Any]) -> dict[str, Any]:
    return {"sku": item.get("sku"), "slot": item.get("slot"), "title": item.get("title"),
            "size": item.get("size"), "price": _amount(item.get("price"))}


def _amount(price: Any) -> Any:
    return price.get("amount") if isinstance(price, dict) else price


def _compact(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    return text if len(text) <= SUMMARY_CHARS else text[:SUMMARY_CHARS] + "…"


def _planned_calls(reply: AIMessage) -> list[PlannedCall]:
    if reply.invalid_tool_calls:
        bad = reply.invalid_tool_calls[0]
        raise PlannerFailure(f"malformed arguments for {bad.get('name')!r}")
    # Streamed arguments are parsed leniently (a cut-off '{"query": "x' becomes {"query": "x"}),
    # so the raw text is parsed again strictly: a truncated call must not run as a different one.
    for piece in getattr(reply, "tool_call_chunks", None) or []:
        try:
            args = json.loads(piece.get("args") or "{}")
        except json.JSONDecodeError as exc:
            raise PlannerFailure(f"malformed arguments for {piece.get('name')!r}") from exc
        if not isinstance(args, dict):
            raise PlannerFailure(f"arguments for {piece.get('name')!r} are not an object")
    planned: list[PlannedCall] = []
    for call in reply.tool_calls:
        parsed = validate_args(call["name"], call["args"])
        if isinstance(parsed, str):
            raise PlannerFailure(parsed)
        planned.append({"id": f"call_{uuid.uuid4().hex[:12]}", "name": call["name"],
                        "args": parsed.model_dump(mode="json", exclude_none=True)})
    return planned


def _call_key(name: str, args: dict[str, Any]) -> str:
    clean = {k: v for k, v in args.items() if v is not None}
    return name + json.dumps(clean, sort_keys=True, default=str)


def _reason(exc: Exception) -> str:
    return f"{type(exc).__name__}: {str(exc)[:200]}"
