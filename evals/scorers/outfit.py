"""The look itself: every required slot of the goal filled, and pieces that belong together
(formality, season, colours, the PIM's compatible categories, one department)."""

from __future__ import annotations

from evals.scorers.base import TurnContext, Verdict
from tools.shapes import OutfitCard
from tools.taxonomy import GOALS, NEUTRAL_COLOURS, UNKNOWN_GOAL, size_system_for

MAX_ACCENT_COLOURS = 2  # more than two non-neutral colours in one look reads as a costume


def _expects_outfit(ctx: TurnContext) -> bool:
    exp = ctx.expect
    # a size that reads two ways is asked about first: the question, not a look, is the answer
    return exp.goal is not None and exp.goal != UNKNOWN_GOAL and not exp.must_ask_question \
        and not exp.asks_size_system


def _missing_slots(ctx: TurnContext, card: OutfitCard) -> list[str]:
    spec = GOALS.get(card.goal)
    if spec is None or card.department not in spec.slots:
        return [f"<no slots for goal {card.goal!r} in {card.department!r}>"]
    required = spec.slots[card.department][0]
    only = ctx.result.constraints.only_slots or ctx.expect.only_slots or []
    if only:
        required = tuple(s for s in (*required, *spec.slots[card.department][1]) if s.key in only)
    missing = []
    for slot in required:
        filled = any(it.slot == slot.key and it.category in slot.categories for it in card.items)
        if not filled and not _honestly_unavailable(ctx, card, slot.key, slot.categories):
            missing.append(slot.key)
    return missing


def _honestly_unavailable(ctx: TurnContext, card: OutfitCard, slot: str, categories: tuple[str, ...]) -> bool:
    """A slot the card declares missing is excused only when the shop really has nothing for it in
    the shopper's size anywhere (the scorer's own query): a complete look cannot exist then."""
    if slot not in card.missing_slots:
        return False
    sizes = ctx.result.constraints.sizes
    for category in categories:
        size = sizes.get(size_system_for(category, card.department))
        if size is None or ctx.records.units_in_size(card.department, (category,), size) > 0:
            return False
    return True


def outfit_completeness(ctx: TurnContext) -> Verdict | None:
    if not _expects_outfit(ctx) and not ctx.outfits:
        return None
    if not ctx.outfits:
        return Verdict("outfit_completeness", False, "no outfit card for a known goal")
    problems = []
    for n, card in enumerate(ctx.outfits):
        missing = _missing_slots(ctx, card)
        if missing:
            problems.append(f"outfit#{n} ({card.goal}, {card.department}) misses {', '.join(missing)}")
    return Verdict("outfit_completeness", not problems,
                   "; ".join(problems) or f"{len(ctx.outfits)} outfit(s) fill every required slot")


def _card_problems(ctx: TurnContext, n: int, card: OutfitCard) -> list[str]:
    spec = GOALS.get(card.goal)
    problems: list[str] = []
    lo, hi = spec.formality if spec else (1, 5)
    # the shopper asked for a look less (or more) formal than the occasion's usual: a step beyond it
    asked = [t.expect for t in ctx.case.turns[: ctx.turn_index + 1] if t.expect is not None]
    if any(e.less_formal for e in asked):
        lo = max(1, lo - 1)
    facts = []
    for item in card.items:
        product = ctx.records.product(item.sku)
        if product is None:
            continue  # grounding reports unknown SKUs
        facts.append(product)
        if product.department != card.department:
            problems.append(f"{item.sku} is {product.department}, the look is {card.department}")
        if product.formality is None or not lo <= product.formality <= hi:
            problems.append(f"{item.sku} formality {product.formality} outside {card.goal} range {lo}-{hi}")
        if spec and spec.seasons and not set(product.seasons) & set(spec.seasons):
            problems.append(f"{item.sku} seasons {list(product.seasons)} miss {list(spec.seasons)}")
    excluded = set(ctx.result.constraints.exclusions)
    for p in facts:
        if p.colours and p.colours[0] in excluded:
            problems.append(f"{p.sku} is {p.colours[0]}, which the shopper excluded")
    accents = {p.colours[0] for p in facts if p.colours and p.colours[0] not in NEUTRAL_COLOURS}
    if len(accents) > MAX_ACCENT_COLOURS:
        problems.append(f"{len(accents)} accent colours in one look: {', '.join(sorted(accents))}")
    wanted = set(ctx.result.constraints.colours)
    if wanted and facts and not any(wanted & set(p.colours) for p in facts):
        problems.append(f"no piece in the requested colours {', '.join(sorted(wanted))}")
    if len(facts) >= 2:
        for p in facts:
            partners = [q for q in facts if q is not p and (q.category in p.compatible_categories
                                                            or p.category in q.compatible_categories)]
            if not partners:
                problems.append(f"{p.sku} ({p.category}) pairs with no other piece per the PIM")
    return [f"outfit#{n}: {p}" for p in problems]


def compatibility(ctx: TurnContext) -> Verdict | None:
    if not ctx.outfits:
        return None
    problems = [p for n, card in enumerate(ctx.outfits) for p in _card_problems(ctx, n, card)]
    return Verdict("compatibility", not problems,
                   "; ".join(problems) or "formality, season, colours and PIM pairings all agree")
