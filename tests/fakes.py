"""Test doubles: a scripted assistant that speaks the AssistantProtocol like the real one.

It yields a realistic turn (steps, goal/constraints state, a tool call and its result, text in
several deltas, an outfit card, an interrupt when the shopper asks to reserve) with small sleeps so
streaming, resume and cancel are observable, and it keeps threads in memory.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from agent.events import (
    CardEvent,
    ErrorEvent,
    InterruptEvent,
    RunEvent,
    StateEvent,
    StepEvent,
    TextEvent,
    ToolCallEvent,
    ToolResultEvent,
    TurnRequest,
)
from tools.shapes import (
    Budget,
    Constraints,
    Goal,
    OutfitCard,
    OutfitItem,
    Price,
    StockAt,
    ToolCall,
    TurnResult,
)
from tools.shoppers.threads import ThreadNotFound

_ITEMS = [
    ("MW-BLZ-0001", "blazer", "jacket", "Blazer in lana blu", "50", "189.00"),
    ("MW-TRS-0002", "trousers", "trousers", "Pantalone sartoriale grigio", "50", "89.00"),
    ("MW-SHR-0003", "shirt", "shirt", "Camicia bianca in popeline", "L", "49.90"),
    ("MW-SHO-0004", "formal_shoes", "shoes", "Derby in pelle nera", "43", "129.00"),
]


def outfit_card(layout: str = "image-grid") -> OutfitCard:
    items = [
        OutfitItem(sku=sku, variant_id=f"{sku}-{size}", title=title, category=cat, slot=slot,
                   size=size, price=Price(amount=Decimal(price)), image=f"/images/{sku}.svg",
                   url=f"/products/{sku}", why="formale, adatto a un colloquio",
                   availability=[StockAt(location="online", quantity=3),
                                 StockAt(location="MI01", quantity=1, distance_km=2.4)])
        for sku, cat, slot, title, size, price in _ITEMS
    ]
    total = sum((i.price.amount for i in items), Decimal("0"))
    return OutfitCard(layout=layout, goal="job_interview", department="menswear",  # type: ignore[arg-type]
                      items=items, total=Price(amount=total), budget=Budget(max=Decimal("500")),
                      fits_budget=total <= 500, fulfilment="online")


class ScriptedAssistant:
    """Implements agent.surfaces.AssistantProtocol with a fixed, realistic script."""

    def __init__(self, delay: float = 0.01, text_delay: float | None = None) -> None:
        self.delay = delay
        self.text_delay = delay if text_delay is None else text_delay
        self.requests: list[TurnRequest] = []
        self.threads: dict[str, dict[str, Any]] = {}  # thread_id -> {shopper_id, messages, cards, ...}

    def claim_thread(self, request: TurnRequest) -> bool:
        thread = self.threads.get(request.thread_id)
        if thread is not None and thread["shopper_id"] != request.shopper_id:
            raise ThreadNotFound(request.thread_id)
        return thread is None

    async def astream(self, request: TurnRequest, new_thread: bool | None = None
                      ) -> AsyncIterator[RunEvent | TurnResult]:
        self.requests.append(request)
        lang = request.language or "it"
        d = self.delay
        if request.message.strip().lower() == "boom":
            yield StepEvent(name="load_context", status="started")
            yield ErrorEvent(code="llm_unavailable", message="the model did not answer")
            return
        goal = Goal(label="job_interview", confidence=0.82, department="menswear")
        constraints = Constraints(budget=Budget(max=Decimal("500")), sizes={"IT": "50"})
        yield StepEvent(name="load_context", status="started")
        await asyncio.sleep(d)
        yield StepEvent(name="load_context", status="finished", ms=d * 1000)
        yield StepEvent(name="infer_goal", status="started")
        yield StateEvent(path="/goal", value=goal.model_dump(mode="json"))
        yield StateEvent(path="/constraints", value=constraints.model_dump(mode="json"))
        yield StepEvent(name="infer_goal", status="finished", ms=1.0)
        yield StepEvent(name="tools", status="started")
        yield ToolCallEvent(call_id="call_1", name="search_products",
                            args={"query": "giacca formale", "filters": {"department": "menswear"}})
        await asyncio.sleep(d)
        yield ToolResultEvent(call_id="call_1", name="search_products", status="ok",
                              summary={"hits": 4}, ms=d * 1000)
        yield StepEvent(name="tools", status="finished", ms=d * 1000)
        yield StepEvent(name="compose", status="started")
        words = (["Ecco ", "un look ", "completo ", "per il colloquio, ", "sotto i 500 €."] if lang == "it"
                 else ["Here is ", "a complete ", "look ", "for the interview, ", "under €500."])
        message_id = f"msg-{request.thread_id}-{len(self.requests)}"
        for w in words:
            yield TextEvent(message_id=message_id, delta=w)
            await asyncio.sleep(self.text_delay)
        card = outfit_card(request.layout or "image-grid")
        yield CardEvent(card_id=f"outfit-{len(self.requests)}", card=card)
        pending = None
        wants_reservation = any(w in request.message.lower() for w in ("prenota", "reserve"))
        if wants_reservation and request.resume is None:
            pending = {"store_code": "MI01", "items": [{"sku": i.sku, "variant_id": i.variant_id,
                                                        "size": i.size, "price": float(i.price.amount)}
                                                       for i in card.items],
                       "total": float(card.total.amount), "hold_until": "2026-12-01T19:00:00+01:00"}
            yield InterruptEvent(interrupt_id=f"int-{len(self.requests)}", payload=pending)
        yield StepEvent(name="compose", status="finished", ms=1.0)
        text = "".join(words)
        result = TurnResult(thread_id=request.thread_id, shopper_id=request.shopper_id, language=lang,
                            goal=goal, constraints=constraints, presentation=card.layout, cards=[card],
                            text=text, pending_reservation=pending,
                            tool_calls=[ToolCall(name="search_products", args={"query": "giacca"})])
        thread = self.threads.setdefault(request.thread_id, {
            "shopper_id": request.shopper_id, "messages": [], "cards": [], "title": request.message[:60]})
        thread["messages"] += [{"role": "user", "text": request.message}, {"role": "assistant", "text": text}]
        thread["cards"].append(card.model_dump(mode="json"))
        thread["updated_at"] = datetime.now(UTC).isoformat()
        yield result

    async def arun(self, request: TurnRequest) -> TurnResult:
        result = None
        async for item in self.astream(request):
            if isinstance(item, TurnResult):
                result = item
        assert result is not None
        return result

    def run(self, request: TurnRequest) -> TurnResult:
        return asyncio.run(self.arun(request))

    def list_threads(self, shopper_id: str) -> list[dict[str, Any]]:
        mine = [{"thread_id": tid, "title": t["title"], "updated_at": t["updated_at"]}
                for tid, t in self.threads.items() if t["shopper_id"] == shopper_id]
        return sorted(mine, key=lambda t: t["updated_at"], reverse=True)

    def get_thread(self, shopper_id: str, thread_id: str) -> dict[str, Any] | None:
        t = self.threads.get(thread_id)
        if t is None or t["shopper_id"] != shopper_id:
            return None
        return {"thread_id": thread_id, "messages": list(t["messages"]), "cards": list(t["cards"])}

    def delete_shopper_threads(self, shopper_id: str) -> int:
        mine = [tid for tid, t in self.threads.items() if t["shopper_id"] == shopper_id]
        for tid in mine:
            del self.threads[tid]
        return len(mine)

    def merge_threads(self, from_shopper_id: str, to_shopper_id: str) -> int:
        moved = 0
        for t in self.threads.values():
            if t["shopper_id"] == from_shopper_id:
                t["shopper_id"] = to_shopper_id
                moved += 1
        return moved
