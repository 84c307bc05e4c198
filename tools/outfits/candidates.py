"""The pieces that may fill each slot of a look at one fulfilment place, in the shopper's sizes.

Hard rules here (size, stock at the place, formality, season, exclusions, per-item budget) are
applied before the solver sees a candidate; soft ones become the candidate's score.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

import numpy as np

from tools.catalog.hits import variant_id_of
from tools.catalog.index import Snapshot, catalog_index
from tools.db.shop import Shop
from tools.lexicon import FIBRE_WORDS, match_terms, normalise
from tools.outfits.harmony import Candidate
from tools.outfits.slot_search import (
    SURE_FORMALITY,
    LookFilters,
    RowQuery,
    compatible_of,
    fetch_candidates,
    pim_of,
)
from tools.shapes import Budget, Constraints, ProductHit, SearchFilters
from tools.taxonomy import (
    CATEGORIES,
    COLOUR_FAMILY,
    COLOURS,
    FIBRES,
    INT_TO_IT,
    IT_TO_INT,
    PATTERNS,
    GoalSpec,
    size_system_for,
)

log = logging.getLogger(__name__)

KEEP_PER_SLOT = 12
KEEP_CHEAP = 3

W_FORMALITY = 0.10
W_OCCASION = 0.15
W_SEASON = 0.08
W_COLOUR = 0.30


@dataclass
class Exclusions:
    colours: set[str] = field(default_factory=set)
    categories: set[str] = field(default_factory=set)
    fibres: set[str] = field(default_factory=set)
    patterns: set[str] = field(default_factory=set)
    unknown: list[str] = field(default_factory=list)

    def allows(self, hit: ProductHit) -> bool:
        if self.colours & set(hit.colours) or hit.category in self.categories:
            return False
        if hit.pattern in self.patterns:
            return False
        fabric = hit.fabric.lower()
        return not any(f.replace("_", " ") in fabric for f in self.fibres)


def parse_exclusions(words: Sequence[str]) -> Exclusions:
    """Colours, categories, fibres and patterns the shopper does not want, from keys or words."""
    out = Exclusions()
    for word in words:
        key = normalise(word).replace(" ", "_")
        plain = normalise(word)
        if key in COLOURS:
            out.colours.add(key)
        elif key in CATEGORIES:
            out.categories.add(key)
        elif key in FIBRES or plain in FIBRE_WORDS:
            out.fibres.add(key if key in FIBRES else FIBRE_WORDS[plain])
        elif key in PATTERNS:
            out.patterns.add(key)
        else:
            terms = match_terms(word)
            if terms.colours or terms.categories:
                out.colours.update(terms.colours)
                out.categories.update(terms.categories)
            else:
                out.unknown.append(word)
    out.colours.update(shade for shade, family in COLOUR_FAMILY.items() if family in out.colours)
    return out


@dataclass(frozen=True)
class SlotNeed:
    """A slot of the look and the size asked for each of its categories ("" = not known)."""

    key: str
    categories: tuple[str, ...]
    sizes: dict[str, str]
    optional: bool
    ask_size_system: str | None = None  # set when no category's size is known


def size_for(category: str, department: str, sizes: Mapping[str, str], derive: bool = True) -> str | None:
    """The shopper's size for a category, "TU" for one-size pieces, None when unknown or invalid."""
    system = size_system_for(category, department)
    if system == "ONE":
        return "TU"
    label = sizes.get(system)
    if label is None and derive:  # only the other clothing system known: its usual equivalent (said)
        if system == "INT" and "IT" in sizes:
            label = IT_TO_INT.get(department, {}).get(sizes["IT"].strip().upper())
        elif system == "IT" and "INT" in sizes:
            label = INT_TO_IT.get(department, {}).get(sizes["INT"].strip().upper())
    if label is None:
        return None
    # A real size the shop does not make (IT 62, EU 47) is kept: that slot then finds nothing in
    # the shopper's size and the answer says so, instead of showing pieces in no size at all.
    return label.strip().upper()


def slot_needs(goal: GoalSpec, department: str, constraints: Constraints,
               exclusions: Exclusions, notes: list[str], derive_sizes: bool = True) -> list[SlotNeed]:
    required, optional = goal.slots[department]
    only = set(constraints.only_slots)
    shopper_sizes = {k.strip().upper(): v for k, v in constraints.sizes.items()}
    needs = []
    for slot, is_optional in [*((s, False) for s in required), *((s, True) for s in optional)]:
        if only and slot.key not in only:
            continue
        categories = [c for c in slot.categories if c not in exclusions.categories]
        if not categories:
            notes.append(f"slot {slot.key}: every category is excluded")
            continue
        sizes = {c: size_for(c, department, shopper_sizes, derive_sizes) for c in categories}
        known = {c: s for c, s in sizes.items() if s is not None}
        if known:
            needs.append(SlotNeed(slot.key, tuple(known), known, optional=is_optional and not only))
        else:
            system = size_system_for(categories[0], department)
            needs.append(SlotNeed(slot.key, tuple(categories), dict.fromkeys(categories, ""),
                                  optional=is_optional and not only, ask_size_system=system))
    return needs


@dataclass
class SlotSearch:
    """Everything that shapes the candidate search for one turn (same for every slot)."""

    goal: GoalSpec
    department: str
    queries: Mapping[str, str]
    vectors: Mapping[str, np.ndarray]
    season_bonus: str | None
    colours: list[str]
    exclusions: Exclusions
    exclude_skus: frozenset[str]
    budget: Budget | None
    max_price: Decimal | None
    # every slot may take stand-ins (unknown, or unsure and a step off the formality band): asked
    # when no look of sure pieces fits the budget, on a thin catalog
    lenient: bool = False


def has_stand_ins(shop: Shop) -> bool:
    """Whether the catalog has pieces of unknown or unsure formality (a thin feed's): only then can
    a lenient search find anything a strict one did not."""
    snap = catalog_index(shop).snapshot
    if snap is None:
        return False
    pim = pim_of(shop, snap.catalog)
    return bool((pim.formality == 0).any() or (snap.catalog.formality_sure < SURE_FORMALITY).any())


def _item_price_bounds(ctx: SlotSearch) -> tuple[Decimal | None, Decimal | None]:
    low = high = None
    if ctx.budget is not None and ctx.budget.scope == "per_item":
        low = ctx.budget.min
        high = ctx.budget.max
    if ctx.max_price is not None:
        high = ctx.max_price if high is None else min(Decimal(high), ctx.max_price)
    return (None if low is None else Decimal(low)), (None if high is None else Decimal(high))


def _acceptable(hit: ProductHit, ctx: SlotSearch, unknown_ok: bool = False,
                formality_sure: float = 1.0) -> bool:
    """In the goal's formality band and season. With `unknown_ok` (a slot no known piece fills), a
    piece whose formality or seasons are not known yet may stand in, and so may one whose derived
    formality is a step off the band and unsure; a sure mismatch never does."""
    lo, hi = ctx.goal.formality
    if hit.sku in ctx.exclude_skus:
        return False
    if hit.formality is None:
        if not unknown_ok:
            return False
    elif not lo <= hit.formality <= hi:
        near = lo - 1 <= hit.formality <= hi + 1
        if not (unknown_ok and near and formality_sure < SURE_FORMALITY):
            return False
    if ctx.goal.seasons and not set(ctx.goal.seasons) & set(hit.seasons) and (hit.seasons or not unknown_ok):
        return False
    return ctx.exclusions.allows(hit)


def _row_queries(needs: Sequence[SlotNeed], place: str, ctx: SlotSearch) -> list[RowQuery]:
    """One ranking per slot and size label (categories of a slot can use different size systems),
    twice when the shopper named colours: with them (hard where possible) and without."""
    low, high = _item_price_bounds(ctx)
    queries: list[RowQuery] = []
    for need in needs:
        by_size: dict[str, list[str]] = {}
        for category in need.categories:
            by_size.setdefault(need.sizes[category], []).append(category)
        for size, categories in sorted(by_size.items()):
            base = SearchFilters(department=ctx.department, categories=categories, size=size or None,
                                 location=place, in_stock_only=True, min_price=low, max_price=high)
            variants = [(base, False)]
            if ctx.colours:
                variants.append((base.model_copy(update={"colours": list(ctx.colours)}), True))
            queries.extend(RowQuery(slot=need.key, size=size, filters=f, query=ctx.queries[need.key],
                                    vector=ctx.vectors.get(need.key), coloured=coloured)
                           for f, coloured in variants)
    return queries


def gather_hits(shop: Shop, needs: Sequence[SlotNeed], place: str, ctx: SlotSearch,
                notes: list[str]) -> dict[str, list[tuple[ProductHit, str, bool]]]:
    """Per slot (hit, size, colour_match). The shopper's colours are hard for the slots where at
    least one piece has them, and ignored for the others."""
    snap = catalog_index(shop).snapshot
    if snap is None:
        notes.append("the catalog index is not loaded")
        return {n.key: [] for n in needs}
    rules = LookFilters(formality=ctx.goal.formality, seasons=ctx.goal.seasons,
                        excluded_colours=frozenset(ctx.exclusions.colours), excluded_skus=ctx.exclude_skus)
    found = fetch_candidates(shop, snap, place, _row_queries(needs, place, ctx), rules,
                             best=KEEP_PER_SLOT - KEEP_CHEAP + 2, cheapest=KEEP_CHEAP)
    empty = list(needs) if ctx.lenient else [
        n for n in needs
        if not any(_acceptable(h, ctx) for c in (True, False) for h, _ in found.get((n.key, c), []))]
    thin: set[str] = set()
    if empty:  # second pass for those slots only: pieces a thin feed has not described yet
        more = fetch_candidates(shop, snap, place, _row_queries(empty, place, ctx),
                                replace(rules, unknown_ok=True),
                                best=KEEP_PER_SLOT - KEEP_CHEAP + 2, cheapest=KEEP_CHEAP)
        found.update(more)
        thin = {n.key for n in empty}
    out: dict[str, list[tuple[ProductHit, str, bool]]] = {}
    rows = pim_of(shop, snap.catalog).row_of_sku

    def fits(hit: ProductHit, loose: bool) -> bool:
        row = rows.get(hit.sku)
        sure = float(snap.catalog.formality_sure[row]) if loose and row is not None else 1.0
        return _acceptable(hit, ctx, loose, sure)

    for need in needs:
        loose = need.key in thin
        coloured = [(h, s) for h, s in found.get((need.key, True), []) if fits(h, loose)]
        plain = [(h, s) for h, s in found.get((need.key, False), []) if fits(h, loose)]
        out[need.key] = ([(h, s, True) for h, s in coloured] if coloured
                         else [(h, s, False) for h, s in plain])
        if ctx.colours and not coloured and plain:
            notes.append(f"slot {need.key}: nothing in {', '.join(ctx.colours)} at {place}, other colours")
    return out


@dataclass(frozen=True)
class Sureness:
    """How sure the catalog is of a piece's derived attributes (enrichment's confidence, 0..1)."""

    occasions: float = 1.0
    seasons: float = 1.0
    formality: float = 1.0


def sureness_of(snap: Snapshot | None, row: int | None) -> Sureness:
    if snap is None or row is None:
        return Sureness()
    cat = snap.catalog
    return Sureness(occasions=float(cat.occasions_sure[row]), seasons=float(cat.seasons_sure[row]),
                    formality=float(cat.formality_sure[row]))


def _unary(hit: ProductHit, ctx: SlotSearch, colour_match: bool,
           sure: Sureness = Sureness()) -> tuple[float, tuple[str, ...]]:
    """The piece's own score in the look; a guessed occasion or formality earns only as much
    credit as the catalog is sure of it, so a certain piece wins over an otherwise equal guess."""
    lo, hi = ctx.goal.formality
    mid, span = (lo + hi) / 2, max(1.0, (hi - lo) / 1.0)
    reasons: list[str] = []
    if hit.formality is None:  # a stand-in of unknown formality: no credit for what is not known
        score = hit.score
    else:
        score = hit.score + W_FORMALITY * sure.formality * (1 - abs(hit.formality - mid) / span)
        reasons = ["formality"]
    if set(hit.occasions) & set(ctx.goal.occasions):
        score += W_OCCASION * sure.occasions
        reasons.append("occasion")
    if ctx.season_bonus and ctx.season_bonus in hit.seasons:
        score += W_SEASON * sure.seasons
        reasons.append("season")
    if colour_match:
        score += W_COLOUR
        reasons.append("colour")
    return score, tuple(reasons)


def build_candidates(shop: Shop, needs: Sequence[SlotNeed],
                     hits: Mapping[str, list[tuple[ProductHit, str, bool]]],
                     ctx: SlotSearch) -> dict[str, list[Candidate]]:
    """Candidates per slot, best first, at most KEEP_PER_SLOT (one DB query for the PIM pairings)."""
    snap = catalog_index(shop).snapshot
    row_of_sku = {} if snap is None else pim_of(shop, snap.catalog).row_of_sku
    out: dict[str, list[Candidate]] = {}
    for need in needs:
        seen: set[str] = set()
        candidates = []
        for hit, size, matched in hits.get(need.key, []):
            if hit.sku in seen:
                continue
            seen.add(hit.sku)
            unary, reasons = _unary(hit, ctx, matched, sureness_of(snap, row_of_sku.get(hit.sku)))
            candidates.append(Candidate(
                slot=need.key, hit=hit, size=size, variant_id=variant_id_of(hit, size) if size else "",
                compatible=frozenset() if snap is None else compatible_of(shop, snap, hit.sku),
                unary=unary, optional=need.optional,
                colour_match=matched, reasons=reasons))
        candidates.sort(key=lambda c: (-c.unary, c.sku))
        # The best-scoring pieces, plus the cheapest of the rest so tight budgets still have options.
        best = candidates[:KEEP_PER_SLOT - KEEP_CHEAP]
        cheap = sorted(candidates[len(best):], key=lambda c: (c.price, c.sku))[:KEEP_CHEAP]
        out[need.key] = best + cheap
    return out
