"""Choose one piece per slot so the whole look scores best and the total stays inside the budget.

Beam search over the slots (most constrained first). A partial look survives only if the cheapest
pieces of the remaining slots would still fit, so whenever some complete look fits, one is found.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import product

from tools.budget import fits_budget, outfit_total
from tools.outfits.harmony import HARD_LIMIT, Candidate, PairCache, statement_of
from tools.shapes import Budget

BEAM_WIDTH = 32
MAX_ACCENTS = 2  # statements in one look when no look with one exists


@dataclass(frozen=True)
class Look:
    items: tuple[Candidate, ...]
    score: float

    @property
    def total(self) -> Decimal:
        return outfit_total([c.price for c in self.items])

    @property
    def prices(self) -> list[Decimal]:
        return [c.price for c in self.items]


def total_floor(budget: Budget | None) -> Decimal | None:
    if budget is not None and budget.scope == "total" and budget.min is not None:
        return Decimal(budget.min)
    return None


def total_cap(budget: Budget | None, cheaper_than: Decimal | None) -> Decimal | None:
    """The most the whole look may cost (None: no limit on the total)."""
    caps: list[Decimal] = []
    if budget is not None and budget.scope == "total" and budget.max is not None:
        caps.append(Decimal(budget.max))
    if cheaper_than is not None:
        caps.append(Decimal(cheaper_than) - Decimal("0.01"))
    return min(caps) if caps else None


def item_allowed(candidate: Candidate, budget: Budget | None) -> bool:
    """Per-item budgets rule single pieces out before any choice is made."""
    if budget is None or budget.scope != "per_item":
        return True
    return fits_budget(candidate.price, [candidate.price], budget)


def _gain(candidate: Candidate, chosen: Sequence[Candidate], pairs: PairCache) -> float:
    return candidate.unary + sum(pairs(candidate, other) for other in chosen)


def best_look(slots: Sequence[Sequence[Candidate]], cap: Decimal | None, pairs: PairCache,
              beam_width: int = BEAM_WIDTH, floor: Decimal | None = None) -> Look | None:
    """Like `_best_look`, keeping to one statement (a colour family or a loud pattern) whenever any
    look can, else to two."""
    return (_best_look(slots, cap, pairs, beam_width, floor, 1)
            or _best_look(slots, cap, pairs, beam_width, floor, MAX_ACCENTS)
            or _best_look(slots, cap, pairs, beam_width, floor, None))


def _best_look(slots: Sequence[Sequence[Candidate]], cap: Decimal | None, pairs: PairCache,
               beam_width: int, floor: Decimal | None, max_accents: int | None) -> Look | None:
    """The best-scoring complete look whose total is <= cap, or None when none exists.

    With a floor (a budget minimum), the best look costing at least that much wins when the beam
    holds one."""
    if not slots or any(not s for s in slots):
        return None
    order = sorted(slots, key=lambda s: (len(s), s[0].slot))
    flat = [c for s in order for c in s]
    # Integer indices and a dense pair table keep the inner loop to list lookups.
    table = pairs.table(flat)
    unary = [c.unary for c in flat]
    cents = [int(c.price * 100) for c in flat]
    cap_cents = None if cap is None else int(Decimal(cap) * 100)
    groups, start = [], 0
    for s in order:
        groups.append(range(start, start + len(s)))
        start += len(s)
    cheapest = [min(cents[i] for i in g) for g in groups]
    rest = [sum(cheapest[i:]) for i in range(len(groups) + 1)]
    accent = [statement_of(c) for c in flat]
    beam: list[tuple[float, int, tuple[int, ...]]] = [(0.0, 0, ())]
    for depth, group in enumerate(groups):
        grown = []
        for score, total, chosen in beam:
            used = {accent[j] for j in chosen if accent[j]}
            for i in group:
                new_total = total + cents[i]
                if cap_cents is not None and new_total + rest[depth + 1] > cap_cents:
                    continue
                if max_accents is not None and accent[i] and len(used | {accent[i]}) > max_accents:
                    continue  # a second statement competes with the first, a third reads as a costume
                row = table[i]
                gain = unary[i] + sum(row[j] for j in chosen)
                grown.append((score + gain, new_total, (*chosen, i)))
        if not grown:
            return None
        # Ties: cheaper first, then catalog order of the flattened candidates (deterministic).
        grown.sort(key=lambda s: (-s[0], s[1], s[2]))
        beam = grown[:beam_width]
    floor_cents = None if floor is None else int(Decimal(floor) * 100)
    score, _, chosen = next((s for s in beam if floor_cents is None or s[1] >= floor_cents), beam[0])
    return Look(items=tuple(flat[i] for i in chosen), score=score)


def cheapest_look(slots: Sequence[Sequence[Candidate]]) -> Look | None:
    """The cheapest complete look a stylist would still send: one statement at most and one leather
    family, when the slots allow it (best score among equally cheap pieces); else the cheapest."""
    if not slots or any(not s for s in slots):
        return None
    options = [_cheap_options(s) for s in slots]
    best: tuple[Decimal, float, tuple[Candidate, ...]] | None = None
    for items in product(*options):
        if len({k for k in map(statement_of, items) if k}) > 1 or len({c.leather for c in items} - {0}) > 1:
            continue
        key = (outfit_total([c.price for c in items]), -sum(c.unary for c in items), items)
        if best is None or key[:2] < best[:2]:
            best = key
    items = best[2] if best else tuple(options_[0] for options_ in options)
    return Look(items=items, score=sum(c.unary for c in items))


def _cheap_options(slot: Sequence[Candidate]) -> list[Candidate]:
    """The cheapest piece, and the cheapest quiet one (no statement) of each leather family."""
    ranked = sorted(slot, key=lambda c: (c.price, -c.unary, c.sku))
    picks = [ranked[0]]
    for family in {c.leather for c in ranked}:
        quiet = next((c for c in ranked if not statement_of(c) and c.leather == family), None)
        if quiet is not None and quiet not in picks:
            picks.append(quiet)
    return picks


def add_optional(look: Look, optional_slots: Sequence[Sequence[Candidate]], budget: Budget | None,
                 cap: Decimal | None, pairs: PairCache) -> Look:
    """Add the best optional pieces, one per slot, while the look still fits the budget."""
    items = list(look.items)
    score = look.score
    ranked = sorted((s for s in optional_slots if s),
                    key=lambda s: (-max(c.unary for c in s), s[0].slot))
    for candidates in ranked:
        options = []
        for candidate in candidates:
            if not item_allowed(candidate, budget):
                continue
            total = outfit_total([c.price for c in items]) + candidate.price
            if cap is not None and total > cap:
                continue
            if any(pairs(candidate, other) < HARD_LIMIT for other in items):
                continue
            options.append((_gain(candidate, items, pairs), candidate))
        if options:
            gain, pick = max(options, key=lambda o: (o[0], -o[1].price, o[1].sku))
            items.append(pick)
            score += gain
    return Look(items=tuple(items), score=score)
