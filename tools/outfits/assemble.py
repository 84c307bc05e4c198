"""The stylist: a complete look for a goal, in the shopper's sizes, at one place, inside the budget."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Literal

import numpy as np
from pydantic import Field

from tools.budget import over_budget_by
from tools.catalog.index import catalog_index
from tools.db.shop import CacheSlot, Shop
from tools.outfits.alternatives import CHEAPER_EUR, CHEAPER_SHARE
from tools.outfits.candidates import (
    SlotNeed,
    SlotSearch,
    build_candidates,
    gather_hits,
    has_stand_ins,
    parse_exclusions,
    slot_needs,
)
from tools.outfits.cards import available_at, card, stock_ids
from tools.outfits.harmony import HARD_LIMIT, Candidate, PairCache
from tools.outfits.places import plan_places
from tools.outfits.solver import (
    Look,
    add_optional,
    best_look,
    cheapest_look,
    item_allowed,
    total_cap,
    total_floor,
)
from tools.shapes import Amount, Budget, Constraints, Layout, OutfitCard, Record, StockAt
from tools.stock.availability import availability_for_variants
from tools.taxonomy import CATEGORIES, COLOURS, DEPARTMENTS, GOALS, SEASONS, GoalSpec

PlanStatus = Literal["ok", "over_budget", "incomplete", "needs_size", "invalid"]
MAX_ALTERNATIVES = 5


class DropSuggestion(Record):
    slot: str
    saves: Amount
    new_gap: Amount | None  # None: without that piece the look fits


class OutfitPlan(Record):
    """What assemble_outfit found; the agent renders `card` (or `closest` when over budget)."""

    status: PlanStatus
    card: OutfitCard | None = None
    closest: OutfitCard | None = None  # the cheapest complete look when nothing fits the budget
    over_budget_by: Amount | None = None
    drop_suggestion: DropSuggestion | None = None
    missing_slots: list[str] = Field(default_factory=list)
    # slot -> size system to ask for ("IT", "INT", "EU", "AGE")
    needs_size: dict[str, str] = Field(default_factory=dict)
    place: str | None = None
    notes: list[str] = Field(default_factory=list)
    detail: str | None = None
    timings_ms: dict[str, float] = Field(default_factory=dict)


def slot_queries(goal: str, department: str, language: str = "it") -> dict[str, str]:
    """slot -> the search text for it, so a planner can embed a whole turn in one call."""
    spec = GOALS[goal]
    required, optional = spec.slots.get(department, ((), ()))
    dept = DEPARTMENTS[department][1 if language == "en" else 0]
    label = spec.en if language == "en" else spec.it
    out = {}
    for slot in (*required, *optional):
        words = " / ".join(CATEGORIES[c].en if language == "en" else CATEGORIES[c].it
                           for c in slot.categories)
        joiner = "for" if language == "en" else "per"
        out[slot.key] = f"{words} {joiner} {label}, {dept}"
    return out


@dataclass
class _Attempt:
    place: str
    needs: list[SlotNeed]
    slots: dict[str, list[Candidate]]  # within the price bounds
    priced_out: dict[str, list[Candidate]] = field(default_factory=dict)  # slots empty within bounds
    look: Look | None = None  # the best look that fits the budget (required slots present)
    closest: Look | None = None  # the cheapest look when none fits
    missing: list[str] = field(default_factory=list)  # required slots with nothing at this place

    @property
    def complete(self) -> bool:
        return not self.missing


def _validate(goal: str, department: str, constraints: Constraints, season: str | None, language: str,
              alternatives_per_slot: int) -> str | None:
    if goal not in GOALS:
        return f"unknown goal {goal!r}; goals: {', '.join(GOALS)}"
    if department not in GOALS[goal].slots:
        return f"{goal} has no outfit for {department!r}; departments: {', '.join(GOALS[goal].slots)}"
    if season is not None and season not in SEASONS:
        return f"unknown season {season!r}; seasons: {', '.join(SEASONS)}"
    if language not in ("it", "en"):
        return "language must be 'it' or 'en'"
    if not 0 <= alternatives_per_slot <= MAX_ALTERNATIVES:
        return f"alternatives_per_slot must be 0-{MAX_ALTERNATIVES}"
    budget = constraints.budget
    if budget is not None and budget.max is not None and budget.min is not None and budget.min > budget.max:
        return "the budget minimum is above the maximum"
    known = {s.key for pair in GOALS[goal].slots[department] for s in pair}
    unknown = [s for s in constraints.only_slots if s not in known]
    if unknown:
        return f"unknown slot(s) {', '.join(unknown)} for {goal}; slots: {', '.join(sorted(known))}"
    return None


_PROTOTYPES = CacheSlot[dict[tuple[str, str, str], dict[str, np.ndarray]]]("outfit_slot_prototypes")


def slot_prototypes(shop: Shop, goal: str, department: str, language: str) -> dict[str, np.ndarray]:
    """The vectors of a look's slot queries. The queries depend only on goal, department and
    language, never on the shopper's words, so their vectors are constants of the shop's encoder:
    embedded in one batch the first time a look of that kind is dressed (at most 12 goals × 3
    departments × 2 languages)."""
    known = shop.cached(_PROTOTYPES, dict)
    key = (goal, department, language)
    found = known.get(key)
    if found is None:
        queries = slot_queries(goal, department, language)
        vectors = catalog_index(shop).embedder.encode(list(queries.values()))
        found = known[key] = dict(zip(queries, vectors, strict=True))
    return found


def _attempt(shop: Shop, place: str, needs: list[SlotNeed], ctx: SlotSearch, pairs: PairCache,
             cap: Decimal | None, notes: list[str]) -> _Attempt:
    hits = gather_hits(shop, needs, place, ctx, notes)
    slots = build_candidates(shop, needs, hits, ctx)
    slots = {k: [c for c in v if item_allowed(c, ctx.budget)] for k, v in slots.items()}
    attempt = _Attempt(place=place, needs=needs, slots=slots)
    _price_out(shop, attempt, ctx, notes)
    _solve(attempt, ctx.budget, cap, pairs)
    return attempt


def _price_out(shop: Shop, attempt: _Attempt, ctx: SlotSearch, notes: list[str]) -> None:
    empty = [n for n in attempt.needs if not n.optional and not attempt.slots[n.key]]
    attempt.priced_out = {}
    if empty and (ctx.max_price is not None or ctx.budget is not None):
        # Nothing within the budget: look again without price bounds, to show the closest look.
        loose = replace(ctx, budget=None, max_price=None)
        loose_hits = gather_hits(shop, empty, attempt.place, loose, notes)
        attempt.priced_out = build_candidates(shop, empty, loose_hits, loose)


def _complete(attempts: Sequence[_Attempt]) -> bool:
    return any(a.complete and a.look is not None for a in attempts)


def _try_places(shop: Shop, places: Sequence[str], needs: list[SlotNeed], ctx: SlotSearch,
                pairs: PairCache, cap: Decimal | None, notes: list[str],
                looser: Sequence[GoalSpec] = ()) -> list[_Attempt]:
    """Places in order until one has a complete look inside the budget under the taste rules; when
    none has, each place again with its empty slots searched under the looser readings."""
    attempts = []
    for place in places:
        attempts.append(_attempt(shop, place, needs, ctx, pairs, cap, notes))
        if _complete(attempts[-1:]):
            return attempts
    for attempt in attempts:
        if _relax(shop, attempt, ctx, pairs, cap, notes, looser):
            break
    return attempts


def _relax(shop: Shop, attempt: _Attempt, ctx: SlotSearch, pairs: PairCache, cap: Decimal | None,
           notes: list[str], looser: Sequence[GoalSpec]) -> bool:
    """Fill the slots nothing in stock fills under the season and dress-code rules with the first
    looser reading that has something (the season relaxed, then the black-tie limit); only those
    slots are searched again, so the rest of the look keeps the rules. True when it completes."""
    changed = False
    for need in attempt.needs:
        if need.optional or attempt.slots[need.key]:
            continue
        for spec in looser:
            wider = replace(ctx, goal=spec)
            found = build_candidates(shop, [need], gather_hits(shop, [need], attempt.place, wider, notes),
                                     wider)
            allowed = [c for c in found.get(need.key, []) if item_allowed(c, ctx.budget)]
            if allowed:
                attempt.slots[need.key], changed = allowed, True
                notes.append(f"nothing for the {need.key} within the season and dress code: formality "
                             f"{spec.formality[0]}-{spec.formality[1]}, seasons "
                             f"{', '.join(spec.seasons) or 'any'} instead")
                break
    if not changed:
        return False
    attempt.priced_out = {k: v for k, v in attempt.priced_out.items() if not attempt.slots[k]}
    _solve(attempt, ctx.budget, cap, pairs)
    return attempt.complete and attempt.look is not None


def _solve(attempt: _Attempt, budget: Budget | None, cap: Decimal | None, pairs: PairCache) -> None:
    required = [n.key for n in attempt.needs if not n.optional]
    attempt.missing = [k for k in required if not attempt.slots[k] and not attempt.priced_out.get(k)]
    present = [attempt.slots[k] for k in required if attempt.slots[k]]
    optional = [attempt.slots[n.key] for n in attempt.needs if n.optional]
    priced_out = any(not attempt.slots[k] and attempt.priced_out.get(k) for k in required)
    look = None if priced_out or not present else best_look(present, cap, pairs, floor=total_floor(budget))
    attempt.look = None if look is None else add_optional(look, optional, budget, cap, pairs)
    attempt.closest = None
    if attempt.look is None:
        attempt.closest = cheapest_look([attempt.slots[k] or attempt.priced_out.get(k, [])
                                         for k in required if k not in attempt.missing])


def _choose(attempts: Sequence[_Attempt]) -> _Attempt:
    """The first place with a complete look in budget; else the complete look closest to the
    budget; else the most complete place (places earlier in the list win ties)."""
    for attempt in attempts:
        if attempt.complete and attempt.look is not None:
            return attempt
    complete = [a for a in attempts if a.complete and a.closest is not None]
    if complete:
        return min(complete, key=lambda a: (a.closest.total if a.closest else Decimal(0),
                                            attempts.index(a)))
    return min(attempts, key=lambda a: (len(a.missing), attempts.index(a)))


# Categories whose kind is a role in the look: a briefcase is no alternative to a clutch.
ROLE_BY_KIND = frozenset({"bag"})


def _same_role(other: Candidate, pick: Candidate) -> bool:
    if pick.category not in ROLE_BY_KIND or not pick.hit.subcategory or not other.hit.subcategory:
        return True
    return other.hit.subcategory == pick.hit.subcategory


def _alternatives(attempt: _Attempt, look: Look, count: int, pairs: PairCache) -> dict[str, list[Candidate]]:
    """Up to `count` other pieces per slot, cheaper first, that still go with the rest of the look."""
    out: dict[str, list[Candidate]] = {}
    chosen = {c.slot: c for c in look.items}
    for slot, pick in chosen.items():
        others = [c for s, c in chosen.items() if s != slot]
        # a cheaper alternative saves what a shopper notices (15% or EUR 30), else it is not cheaper
        near = pick.price - min(pick.price * CHEAPER_SHARE, CHEAPER_EUR)
        fitting = [c for c in attempt.slots.get(slot, []) if c.sku != pick.sku
                   and (c.price <= near or c.price >= pick.price) and _same_role(c, pick)
                   and all(pairs(c, o) >= HARD_LIMIT for o in others)]
        out[slot] = sorted(fitting, key=lambda c: (c.price, c.sku))[:count]
    return out


def _drop_suggestion(look: Look, budget: Budget | None) -> DropSuggestion | None:
    """Which optional piece to drop to close (most of) the gap; None when the look has none."""
    optional = [c for c in look.items if c.optional]
    if not optional:
        return None
    drop = max(optional, key=lambda c: (c.price, c.sku))
    rest = [c.price for c in look.items if c is not drop]
    return DropSuggestion(slot=drop.slot, saves=drop.price,
                          new_gap=over_budget_by(sum(rest, Decimal(0)), rest, budget))


def assemble_outfit(shop: Shop, goal: str, department: str, constraints: Constraints, *,
                    origin: tuple[float, float] | None, season: str | None = None, language: str = "it",
                    layout: Layout = "image-grid", exclude_skus: Sequence[str] = (),
                    prefer_cheaper_than: Decimal | None = None, alternatives_per_slot: int = 3,
                    required_slots: Sequence[str] = (),
                    formality_band: tuple[int, int] | None = None, derive_sizes: bool = True) -> OutfitPlan:
    """Dress the shopper for a goal: one piece per slot, all in their sizes at ONE place.

    Args:
        goal: a goal key (e.g. "job_interview"); department: "menswear", "womenswear" or "kids".
        constraints: budget (total or per item), sizes by size system, colours (strong preference),
            location (city or store: the nearest stores are tried first), exclusions (hard),
            only_slots (e.g. ["shoes"]).
        origin: the shopper's coordinates, for distances. season: the current season (a preference).
        exclude_skus: pieces the shopper already rejected. prefer_cheaper_than: the new look must cost
            less than this total ("something cheaper"). required_slots: optional slots the shopper
            asked for ("add a belt"). formality_band: replaces the goal's band when the shopper asked
            for a look less or more formal than the last one.
    Returns OutfitPlan with status "ok" (card fits), "over_budget" (card None; `closest` is the
    cheapest complete look with over_budget_by and maybe a drop_suggestion), "incomplete" (some
    slots have nothing in size at any place: missing_slots), "needs_size" (ask the size system in
    `needs_size`; the card's items there have size ""), or "invalid" (detail says why). Every item
    on a card is in stock in its size at card.fulfilment ("online" or a store code).
    """
    started = time.perf_counter()
    error = _validate(goal, department, constraints, season, language, alternatives_per_slot)
    if error is not None:
        return OutfitPlan(status="invalid", detail=error)
    spec: GoalSpec = GOALS[goal]
    if formality_band is not None:
        spec = replace(spec, formality=formality_band)
    # the taste rules first; a slot nothing in stock fills under them is searched again with the
    # season relaxed, then the black-tie limit (a thin feed may call every shirt it has formality 5)
    strict = dressed_for(spec, season, constraints.black_tie)
    looser: list[GoalSpec] = []
    for wider in (dressed_for(spec, None, constraints.black_tie), dressed_for(spec, season, True),
                  dressed_for(spec, None, True)):
        if (wider.formality, wider.seasons) != (strict.formality, strict.seasons) and all(
                (wider.formality, wider.seasons) != (w.formality, w.seasons) for w in looser):
            looser.append(wider)
    spec = strict
    notes: list[str] = []
    exclusions = parse_exclusions(constraints.exclusions)
    if goal in SOBER_GOALS:  # no floral skirt at a bank interview
        exclusions.patterns.update(LOUD_PATTERNS)
    if exclusions.unknown:
        notes.append(f"exclusions not understood: {', '.join(exclusions.unknown)}")
    needs = [replace(n, optional=False) if n.key in required_slots else n
             for n in slot_needs(spec, department, constraints, exclusions, notes, derive_sizes)]
    if not any(not n.optional for n in needs):
        return OutfitPlan(status="invalid", detail="no slot left to dress after the exclusions", notes=notes)
    budget = constraints.budget
    cap = total_cap(budget, prefer_cheaper_than)
    queries = slot_queries(goal, department, language)
    ctx = SlotSearch(goal=spec, department=department, queries=queries,
                     vectors=slot_prototypes(shop, goal, department, language),
                     season_bonus=season if (not spec.seasons or season in spec.seasons) else None,
                     colours=[c for c in constraints.colours
                              if c in COLOURS and c not in exclusions.colours],
                     exclusions=exclusions, exclude_skus=frozenset(exclude_skus), budget=budget,
                     max_price=cap)
    places, distance_origin, names = plan_places(shop, constraints.location, origin, notes)
    timings = {"prepare_ms": (time.perf_counter() - started) * 1000}
    pairs = PairCache()
    attempts = _try_places(shop, places, needs, ctx, pairs, cap, notes, looser)
    if ctx.colours and not _complete(attempts):
        # The colours are a strong preference, not a reason to miss the budget: try without them.
        relaxed = _try_places(shop, places, needs, replace(ctx, colours=[]), pairs, cap, notes, looser)
        if _complete(relaxed):
            notes.append(f"no look in {', '.join(ctx.colours)} fits: other colours instead")
            attempts = relaxed
    in_budget = _complete(attempts)
    if (budget is not None or cap is not None) and not in_budget and has_stand_ins(shop):
        # The budget is hard; a formality the catalog only guessed is not: on a thin catalog, pieces
        # whose derived formality is a step off the band (or unknown) may make the budget.
        lenient = _try_places(shop, places, needs, replace(ctx, lenient=True), pairs, cap, notes, looser)
        if _complete(lenient):
            notes.append("no look of surely formal-enough pieces fits the budget: pieces whose "
                         "formality the catalog only guessed instead")
            attempts = lenient
    timings["search_solve_ms"] = (time.perf_counter() - started) * 1000 - timings["prepare_ms"]
    chosen = _choose(attempts)
    if chosen.place != places[0]:
        notes.append(f"not available together at {names.get(places[0], places[0])}: "
                     f"{names.get(chosen.place, chosen.place)} instead")
    plan = _finish(shop, chosen, spec, department, language, layout, budget, cap, distance_origin,
                   alternatives_per_slot, pairs, names)
    plan.notes = list(dict.fromkeys(notes + plan.notes))
    timings["total_ms"] = (time.perf_counter() - started) * 1000
    plan.timings_ms = {k: round(v, 2) for k, v in timings.items()}
    return plan


SOBER_GOALS = frozenset({"job_interview", "business_travel"})
LOUD_PATTERNS = ("floral", "polka_dots")
BLACK_TIE = 5  # the formality of tuxedos, tailcoats and evening gowns
BLACK_TIE_GOALS = frozenset({"formal_evening"})


def dressed_for(spec: GoalSpec, season: str | None, black_tie: bool) -> GoalSpec:
    """The goal as a stylist dresses it on the day: black tie only for a formal evening or when the
    shopper asks for it, and, when the occasion has no season of its own, only pieces made for
    the season of the date (no puffer in July, no Bermuda shorts in December)."""
    lo, hi = spec.formality
    if hi >= BLACK_TIE and spec.key not in BLACK_TIE_GOALS and not black_tie:
        spec = replace(spec, formality=(min(lo, BLACK_TIE - 1), BLACK_TIE - 1))
    if not spec.seasons and season:
        spec = replace(spec, seasons=(season,))
    return spec


def _verified_stock(shop: Shop, attempt: _Attempt, budget: Budget | None, cap: Decimal | None,
                    origin: tuple[float, float] | None, count: int, pairs: PairCache
                    ) -> tuple[dict[str, list[StockAt]], dict[str, list[Candidate]]]:
    """Stock of the look and its alternatives in ONE query; a piece sold out since the search
    (a reservation in between) is dropped and the look chosen again."""
    for _ in range(3):
        look = attempt.look or attempt.closest
        if look is None:
            return {}, {}
        alternatives = _alternatives(attempt, look, count, pairs) if attempt.look is not None else {}
        ids = [v for c in (*look.items, *(a for alts in alternatives.values() for a in alts))
               for v in stock_ids(c)]
        stock = availability_for_variants(shop, ids, origin)
        gone = {c.sku for c in look.items if not available_at(c, attempt.place, stock)}
        if not gone:
            return stock, {slot: [a for a in alts if available_at(a, attempt.place, stock)]
                           for slot, alts in alternatives.items()}
        for key in attempt.slots:
            attempt.slots[key] = [c for c in attempt.slots[key] if c.sku not in gone]
        for key in attempt.priced_out:
            attempt.priced_out[key] = [c for c in attempt.priced_out[key] if c.sku not in gone]
        _solve(attempt, budget, cap, pairs)
    attempt.look = attempt.closest = None  # stock keeps moving under us: show nothing rather than guess
    return {}, {}


def _finish(shop: Shop, attempt: _Attempt, spec: GoalSpec, department: str, language: str, layout: Layout,
            budget: Budget | None, cap: Decimal | None, origin: tuple[float, float] | None, count: int,
            pairs: PairCache, names: Mapping[str, str]) -> OutfitPlan:
    stock, alternatives = _verified_stock(shop, attempt, budget, cap, origin, count, pairs)

    def render(look: Look, alts: Mapping[str, Sequence[Candidate]] | None = None) -> OutfitCard:
        return card(look.items, goal=spec, department=department, language=language, layout=layout,
                    budget=budget, place=attempt.place, place_name=names.get(attempt.place),
                    stock=stock, missing=attempt.missing, alternatives=alts)

    look = attempt.look
    asked = {n.key: n.ask_size_system for n in attempt.needs if n.ask_size_system}
    shown = attempt.look or attempt.closest
    needs_size = {k: v for k, v in asked.items() if shown and any(c.slot == k for c in shown.items)}
    if look is None and attempt.closest is None:
        return OutfitPlan(status="incomplete", missing_slots=attempt.missing, place=attempt.place,
                          needs_size=needs_size, detail="nothing in size and in stock for this look")
    if look is None:
        assert attempt.closest is not None
        closest = render(attempt.closest)
        status: PlanStatus = "incomplete" if attempt.missing else "over_budget"
        return OutfitPlan(status=status, closest=closest, over_budget_by=closest.over_budget_by,
                          drop_suggestion=_drop_suggestion(attempt.closest, budget),
                          missing_slots=attempt.missing, needs_size=needs_size, place=attempt.place)
    shown_card = render(look, alternatives)
    status = "incomplete" if attempt.missing else ("needs_size" if needs_size else "ok")
    return OutfitPlan(status=status, card=shown_card, missing_slots=attempt.missing, needs_size=needs_size,
                      place=attempt.place)
