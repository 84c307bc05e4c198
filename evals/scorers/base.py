"""What every scorer receives and returns: one turn in context, and a verdict that explains itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from evals.cases import EvalCase, Expect
from evals.scorers.records import Records, StockSnapshot
from tools.shapes import AlternativesCard, AvailabilityCard, OutfitCard, OutfitItem, TurnResult


@dataclass
class Verdict:
    scorer: str
    passed: bool
    reason: str
    detail: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"scorer": self.scorer, "passed": self.passed, "reason": self.reason, "detail": self.detail}


@dataclass
class TurnContext:
    """One scored turn: the case, which turn, what was expected, what came back, the records."""

    case: EvalCase
    turn_index: int
    result: TurnResult
    records: Records
    shopper_id: str
    earlier: list[TurnResult] = field(default_factory=list)  # this thread's earlier answers, oldest first

    @property
    def expect(self) -> Expect:
        turn = self.case.turns[self.turn_index]
        return turn.expect or Expect()

    @property
    def messages_so_far(self) -> list[str]:
        return [t.message for t in self.case.turns[: self.turn_index + 1]]

    @property
    def outfits(self) -> list[OutfitCard]:
        return [c for c in self.result.cards if isinstance(c, OutfitCard)]

    def offered_items(self) -> list[tuple[str, OutfitItem]]:
        """Every concrete item the shopper is shown, with where it was shown."""
        items: list[tuple[str, OutfitItem]] = []
        for n, card in enumerate(self.result.cards):
            if isinstance(card, OutfitCard):
                items += [(f"outfit#{n}", it) for it in card.items]
                for slot, alts in card.alternatives.items():
                    items += [(f"outfit#{n} alternative for {slot}", it) for it in alts]
            elif isinstance(card, AlternativesCard):
                items += [(f"alternatives#{n}", it) for it in card.items]
        return items

    @cached_property
    def stock(self) -> StockSnapshot:
        """The inventory of every product this turn shows, read once."""
        skus = {item.sku for _, item in self.offered_items()}
        skus |= {c.sku for c in self.result.cards if isinstance(c, AvailabilityCard)}
        return self.records.stock_snapshot(skus)

    def stock_of(self, item: OutfitItem, location: str) -> int:
        """Units really there: of the chosen variant or, when no size was chosen yet (the shopper
        gave none), of the sizes the item lists as in stock (all sizes if it lists none)."""
        if item.variant_id:
            return self.stock.available(item.variant_id, location)
        return self.stock.available_in_sizes(item.sku, location, item.sizes_in_stock or None)

    def answer_text(self) -> str:
        """The words the shopper reads: the text plus the question when it is not already in it."""
        text = self.result.text or ""
        question = self.result.question or ""
        if question and question.strip() not in text:
            text = f"{text}\n{question}"
        return text
