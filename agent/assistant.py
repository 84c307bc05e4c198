"""Assistant: the stylist graph opened once per process, with its checkpointer and its threads.
Every surface (HTTP, CLI, evals) runs turns through it.

Turns run the synchronous graph in a worker thread (the sync SQLite checkpointer is the fastest
here) and hand events to asyncio as they are written, so streaming starts before tools finish.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from langgraph.types import Command
from pydantic import TypeAdapter

from agent.answer.render import proposal_text
from agent.events import ErrorEvent, InterruptEvent, RunEvent, TextEvent, TurnRequest
from agent.graph.build import build_graph, turn_input
from agent.graph.checkpoints import keep_latest, open_checkpointer
from agent.graph.context import StylistContext
from agent.planning.llm import LLMPlanner
from agent.settings import Settings
from agent.state import StylistState
from agent.understanding.intents import is_confirmation
from tools.clock import Clock, shop_now
from tools.db.shop import Shop, open_shop
from tools.moment.forecast import weather_provider
from tools.shapes import Card, Constraints, Goal, HereAndNow, ToolCall, TurnResult
from tools.shoppers import threads

log = logging.getLogger(__name__)
_cards = TypeAdapter(list[Card])


class Assistant:
    def __init__(self, shop: Shop, settings: Settings, checkpointer: Any,
                 llm_planner: LLMPlanner | None = None, clock: Clock = shop_now):
        self.shop = shop
        self.clock = clock
        self.settings = settings
        self.checkpointer = checkpointer
        self.llm_planner = llm_planner
        self.graph = build_graph(checkpointer)
        self.weather = weather_provider(settings.weather_url, settings.weather_budget_ms / 1000)
        self._executor = ThreadPoolExecutor(max_workers=settings.resolved_turn_workers,
                                            thread_name_prefix="sarto-turn")

    @classmethod
    def open(cls, settings: Settings, shop: Shop | None = None, checkpointer: Any = None) -> Assistant:
        shop = shop or open_shop(settings.resolved_database_url, settings.data_dir, settings.chroma_url)
        llm = LLMPlanner.from_settings(settings) if settings.llm_model else None
        return cls(shop, settings, checkpointer or open_checkpointer(settings), llm)

    # --- turns -----------------------------------------------------------------------------

    def claim_thread(self, request: TurnRequest) -> bool:
        """Before a turn: True when its thread is new; ThreadNotFound when it is another shopper's
        (surfaces call this first to answer 404 before a stream starts)."""
        return threads.claim_thread(self.shop, request.thread_id, request.shopper_id, self.clock())

    def stream(self, request: TurnRequest, cancelled: threading.Event | None = None,
               on_event: Callable[[RunEvent], None] | None = None,
               new_thread: bool | None = None) -> Iterator[RunEvent | TurnResult]:
        """The turn's events, then its TurnResult. With `on_event`, the nodes' events go to it the
        moment they are written (from this thread) and only the closing items are yielded; without
        it they are yielded after each graph step. `new_thread` is `claim_thread`'s answer when the
        caller already claimed the thread."""
        started = time.perf_counter()
        now = request.now or self.clock()
        if new_thread is None:
            new_thread = self.claim_thread(request)
        config: Any = {"configurable": {"thread_id": request.thread_id}}
        graph_input: Any = self._input(request, now, config, new_thread)
        written: deque[RunEvent] = deque()
        context = StylistContext(shop=self.shop, settings=self.settings, thread_id=request.thread_id,
                                 emit=on_event if on_event is not None else written.append,
                                 llm_planner=self.llm_planner, clock=self.clock, weather=self.weather)
        interrupts: list[Any] = []
        values: Any = {}
        # durability="exit": one checkpoint write per turn (and at an interrupt), not one per step
        for mode, chunk in self.graph.stream(graph_input, config, context=context, durability="exit",
                                             stream_mode=["updates", "values"]):
            while written:
                yield written.popleft()
            if cancelled is not None and cancelled.is_set():
                yield ErrorEvent(code="cancelled", message="run cancelled")
                return
            if mode == "values":
                values = chunk
            elif isinstance(chunk, dict) and "__interrupt__" in chunk:
                interrupts.extend(chunk["__interrupt__"])
        while written:
            yield written.popleft()
        keep_latest(self.checkpointer, request.thread_id)
        pending = None
        if interrupts:
            pending = interrupts[0].value["proposal"]
            language = values.get("language") or "it"
            text = proposal_text(pending, language)
            values = {**values, "text": text, "question": text}
            yield TextEvent(message_id=f"msg_{interrupts[0].id[:12]}", delta=text)
            yield InterruptEvent(interrupt_id=str(interrupts[0].id), payload=pending)
        yield self._result(request, values, pending, (time.perf_counter() - started) * 1000)

    def _input(self, request: TurnRequest, now: datetime, config: Any, new_thread: bool) -> Any:
        answer = request.resume
        if answer is None:
            said = is_confirmation(request.message)
            answer = None if said is None else ("confirm" if said else "decline")
        # Only a yes/no can answer a pending reservation, so only then is the saved state read here
        # (the graph loads it again to run the turn: reading it twice costs every turn a full load).
        if answer is not None and not new_thread:
            state = self.graph.get_state(config)
            if state.interrupts:
                return Command(resume=answer, update=self._answered(state, request, now))
        events = [e.model_dump(mode="json") for e in request.events]
        return turn_input(request.shopper_id, request.message, request.language, now, request.layout,
                          request.context, events, new_thread)

    @staticmethod
    def _answered(state: Any, request: TurnRequest, now: datetime) -> StylistState:
        """The proposing turn ended at the question, before compose wrote it to the transcript:
        record it now, so the thread's history reads ask → question → answer → outcome."""
        values = state.values
        asked_at = values.get("now") or now.isoformat()
        question = proposal_text(state.interrupts[0].value["proposal"], values.get("language") or "it")
        message = request.message or request.resume or ""
        return {"transcript": [{"role": "user", "text": values.get("message", ""), "at": asked_at},
                               {"role": "assistant", "text": question, "cards": [], "at": asked_at}],
                "message": message, "now": now.isoformat()}

    def _result(self, request: TurnRequest, values: dict[str, Any], pending: dict[str, Any] | None,
                total_ms: float) -> TurnResult:
        timings = dict(values.get("timings_ms") or {})
        timings["total"] = round(total_ms, 2)
        return TurnResult(
            thread_id=request.thread_id, shopper_id=request.shopper_id,
            language="en" if values.get("language") == "en" else "it",
            goal=Goal.model_validate(values.get("goal") or {"label": "unknown", "confidence": 0.0}),
            constraints=Constraints.model_validate(values.get("constraints") or {}),
            presentation=values.get("presentation") or "image-grid",
            cards=_cards.validate_python(values.get("cards") or []),
            text=values.get("text") or "", question=values.get("question"),
            pending_reservation=pending,
            tool_calls=[ToolCall(name=t["name"], args=t["args"], status=t["status"], ms=t["ms"])
                        for t in values.get("tool_log") or []],
            timings_ms=timings,
            here_and_now=HereAndNow.model_validate(values["moment"]) if values.get("moment") else None)

    def run(self, request: TurnRequest) -> TurnResult:
        result = None
        for item in self.stream(request):
            if isinstance(item, TurnResult):
                result = item
        if result is None:
            raise RuntimeError("the run was cancelled")
        return result

    async def astream(self, request: TurnRequest, cancelled: threading.Event | None = None,
                      new_thread: bool | None = None) -> AsyncIterator[RunEvent | TurnResult]:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[Any] = asyncio.Queue()
        done = object()
        stop = cancelled or threading.Event()

        def push(item: Any) -> None:
            loop.call_soon_threadsafe(queue.put_nowait, item)

        def work() -> None:
            try:
                for item in self.stream(request, stop, on_event=push, new_thread=new_thread):
                    push(item)
            except BaseException as exc:  # surfaced to the consumer, never swallowed
                loop.call_soon_threadsafe(queue.put_nowait, exc)
            finally:
                loop.call_soon_threadsafe(queue.put_nowait, done)

        loop.run_in_executor(self._executor, work)
        try:
            while True:
                item = await queue.get()
                if item is done:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            stop.set()

    async def arun(self, request: TurnRequest) -> TurnResult:
        result = None
        async for item in self.astream(request):
            if isinstance(item, TurnResult):
                result = item
        if result is None:
            raise RuntimeError("the run was cancelled")
        return result

    # --- threads ---------------------------------------------------------------------------

    def list_threads(self, shopper_id: str) -> list[dict[str, Any]]:
        return threads.list_threads(self.shop, shopper_id)

    def get_thread(self, shopper_id: str, thread_id: str) -> dict[str, Any] | None:
        if not threads.owns_thread(self.shop, shopper_id, thread_id):
            return None
        values = self.graph.get_state({"configurable": {"thread_id": thread_id}}).values
        transcript = values.get("transcript") or []
        return {"thread_id": thread_id,
                "messages": [{"role": m["role"], "text": m["text"], "at": m.get("at")} for m in transcript],
                "cards": [c for m in transcript for c in m.get("cards", [])],
                "goal": values.get("goal"), "constraints": values.get("constraints")}

    def delete_shopper_threads(self, shopper_id: str) -> int:
        ids = threads.delete_threads(self.shop, shopper_id)
        for thread_id in ids:
            self.checkpointer.delete_thread(thread_id)
        return len(ids)

    def merge_threads(self, from_shopper_id: str, to_shopper_id: str) -> int:
        return threads.move_threads(self.shop, from_shopper_id, to_shopper_id)
