"""A stylist that listens (issue 13): after a correction the change holds AND everything the shopper
said before still holds; a direct question gets an answer, not a look; an ambiguous size gets one
question. Judged on the records (colours, formality) and on the thread's earlier answers."""

from __future__ import annotations

import re
from decimal import Decimal

from evals.scorers.base import TurnContext, Verdict
from tools.shapes import AvailabilityCard, OutfitCard
from tools.taxonomy import COLOUR_FAMILY

# A shade belongs to its family: "no grey" rules out charcoal too.
_FAMILY = COLOUR_FAMILY
_CHEAPER_SHARE, _CHEAPER_EUR = Decimal("0.15"), Decimal("30")
# The answer says why no cheaper look exists (it names the cheapest one or says it is already it).
_CANNOT = re.compile(r"(non (c.e|ho trovato|esiste|riesco)|gi[aà] (il|la) pi[uù]|nothing cheaper|"
                     r"already the cheapest|could not find|couldn.t find|no cheaper|nessun)", re.I)

_REFINING = ("not_colours", "not_categories", "has_slots", "new_in_slots", "different_look", "cheaper",
             "less_formal", "item_sizes", "answers_availability", "proposes_reservation", "asks_size_system")


def _is_refinement(ctx: TurnContext) -> bool:
    exp = ctx.expect
    return any(getattr(exp, name) for name in _REFINING)


def _excluded(colour: str, banned: set[str]) -> bool:
    return colour in banned or _FAMILY.get(colour) in banned


def _earlier_outfit(ctx: TurnContext) -> OutfitCard | None:
    for result in reversed(ctx.earlier):
        outfits = [c for c in result.cards if isinstance(c, OutfitCard)]
        if outfits:
            return outfits[-1]
    return None


def _formality(ctx: TurnContext, card: OutfitCard) -> float | None:
    facts = [ctx.records.product(i.sku) for i in card.items]
    values = [f.formality for f in facts if f is not None and f.formality is not None]
    return sum(values) / len(values) if values else None


def _carried_exclusions(ctx: TurnContext) -> tuple[set[str], set[str]]:
    """Colours and categories ruled out in this turn or any turn before it in the case."""
    colours: set[str] = set()
    categories: set[str] = set()
    for turn in ctx.case.turns[: ctx.turn_index + 1]:
        if turn.expect is not None:
            colours |= set(turn.expect.not_colours or ())
            categories |= set(turn.expect.not_categories or ())
    return colours, categories


def _look_problems(ctx: TurnContext, look: OutfitCard) -> list[str]:
    exp = ctx.expect
    problems: list[str] = []
    banned_colours, banned_categories = _carried_exclusions(ctx)
    for item in look.items:
        facts = ctx.records.product(item.sku)
        colours = facts.colours if facts else ()
        if colours and _excluded(colours[0], banned_colours):
            problems.append(f"{item.sku} is {colours[0]}, which the shopper ruled out")
        if item.category in banned_categories:
            problems.append(f"{item.sku} is a {item.category}, which the shopper ruled out")
    slots = {i.slot for i in look.items}
    for slot in exp.has_slots or ():
        if slot not in slots:
            problems.append(f"no {slot} in the look after the shopper asked for one")
    shown_before = {i.sku for r in ctx.earlier for c in r.cards if isinstance(c, OutfitCard) for i in c.items}
    for slot in exp.new_in_slots or ():
        pieces = [i.sku for i in look.items if i.slot == slot]
        if not pieces:
            problems.append(f"the {slot} slot is empty after a swap")
        elif all(p in shown_before for p in pieces):
            problems.append(f"the {slot} ({pieces[0]}) was already shown in this thread")
    if exp.different_look and all(i.sku in shown_before for i in look.items):
        problems.append("every piece was already shown in this thread")
    for slot, size in (exp.item_sizes or {}).items():
        for item in look.items:
            if item.slot == slot and item.size.upper() != size.upper():
                problems.append(f"the {slot} is in {item.size}, not {size}")
    previous = _earlier_outfit(ctx)
    if exp.cheaper and previous is not None:
        before, now = previous.total.amount, look.total.amount
        need = min(before * _CHEAPER_SHARE, _CHEAPER_EUR)
        if before - now < need and not _CANNOT.search(ctx.answer_text()):
            problems.append(f"total {now} is only {before - now} below {before} (needs {need:.2f}) "
                            "and the answer does not say why")
    if exp.less_formal and previous is not None:
        old, new = _formality(ctx, previous), _formality(ctx, look)
        if old is not None and new is not None and new >= old:
            problems.append(f"average formality {new:.2f} is not below the last look's {old:.2f}")
    return problems


def refinement(ctx: TurnContext) -> Verdict | None:
    if not _is_refinement(ctx):
        return None
    exp = ctx.expect
    result = ctx.result
    problems: list[str] = []
    # everything said before still holds: the goal, the sizes, the budget
    if exp.goal is not None and result.goal.label != exp.goal:
        problems.append(f"the goal became {result.goal.label}, not {exp.goal}")
    if exp.sizes is not None:
        got = {k: str(v).upper() for k, v in result.constraints.sizes.items()}
        lost = {k: v for k, v in exp.sizes.items() if got.get(k) != v.upper()}
        if lost:
            problems.append(f"sizes {lost} not kept (read {got})")
    if exp.budget is not None:
        budget = result.constraints.budget
        if budget is None or budget.max is None or Decimal(budget.max) != Decimal(exp.budget.max):
            problems.append(f"budget {exp.budget.max} not kept")
    if exp.answers_availability:
        ran = [t for t in result.tool_calls if t.name == "check_availability"]
        if not ran:
            problems.append("the availability tool was never called")
        if not any(isinstance(c, AvailabilityCard) for c in result.cards) and not ran:
            problems.append("no availability answer")
        if ctx.outfits:
            problems.append("a look was shown instead of an answer")
    if exp.proposes_reservation and result.pending_reservation is None:
        problems.append("no reservation was proposed")
    if exp.asks_size_system:
        if "?" not in ctx.answer_text():
            problems.append("an ambiguous size was not asked about")
        if any(label for label in result.constraints.sizes.values()):
            problems.append(f"a size was guessed: {result.constraints.sizes}")
    looks = ctx.outfits
    needs_look = any(getattr(exp, n) for n in ("not_colours", "not_categories", "has_slots", "new_in_slots",
                                                "different_look", "cheaper", "less_formal", "item_sizes"))
    if needs_look and not looks and not (exp.cheaper and _CANNOT.search(ctx.answer_text())):
        problems.append("no look after the correction")
    for look in looks:
        problems += _look_problems(ctx, look)
    if exp.budget is not None and exp.budget.scope == "total":
        for look in looks:
            if look.fits_budget and look.total.amount > exp.budget.max:
                problems.append(f"total {look.total.amount} over the budget {exp.budget.max}")
    reason = "; ".join(dict.fromkeys(problems)) or "the change holds, and so does everything said before"
    return Verdict("refinement", not problems, reason)


def size_recovery(ctx: TurnContext) -> Verdict | None:
    """English letter sizes and US/UK sizes read into the shop's system (cases tagged size_phrasing)."""
    if "size_phrasing" not in ctx.case.tags or ctx.expect.sizes is None:
        return None
    got = {k: str(v).upper() for k, v in ctx.result.constraints.sizes.items()}
    want = {k: v.upper() for k, v in ctx.expect.sizes.items()}
    missing = {k: v for k, v in want.items() if got.get(k) != v}
    return Verdict("size_recovery", not missing,
                   f"expected {want}, read {got}" if missing else f"read {want}")

