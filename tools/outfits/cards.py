"""Turn a chosen look into the outfit card the shopper sees (numbers from records, text templated)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal

from tools.budget import fits_budget, outfit_total, over_budget_by
from tools.catalog.hits import variant_id_of
from tools.outfits.harmony import Candidate
from tools.shapes import Budget, Layout, OutfitCard, OutfitItem, Price, StockAt
from tools.taxonomy import COLOURS, GoalSpec

# Fibre names as an Italian card says them ("100% lana", not "100% wool").
_FIBRE_IT = {
    "recycled polyester": "poliestere riciclato", "recycled_polyester": "poliestere riciclato",
    "wool": "lana", "cotton": "cotone", "linen": "lino", "silk": "seta", "cashmere": "cashmere",
    "polyester": "poliestere", "polyamide": "poliammide", "elastane": "elastan", "viscose": "viscosa",
    "leather": "pelle", "suede": "camoscio", "down": "piuma", "gore-tex": "gore-tex"}
_FIBRE_WORD = re.compile("|".join(sorted((re.escape(k) for k in _FIBRE_IT), key=len, reverse=True)))


def fabric_in(label: str, language: str) -> str:
    """The composition in the answer's language."""
    if language == "en" or not label:
        return label
    return _FIBRE_WORD.sub(lambda m: _FIBRE_IT[m.group(0)], label)


def fit_in(fit: str, language: str) -> str:
    return fit if language == "en" else _FIT_IT.get(fit, fit)


_FIT_IT = {"slim": "slim", "regular": "regolare", "relaxed": "comoda", "tailored": "sartoriale",
           "oversize": "oversize"}


def why(candidate: Candidate, goal: GoalSpec, language: str) -> str:
    """One line a stylist would say about the piece, from its attributes."""
    hit = candidate.hit
    colour = COLOURS.get(candidate.colour, ("", "", ()))
    # what the record does not say (a thin feed) is not guessed: the stylist says it could not tell
    if language == "en":
        words = [colour[1], hit.fabric or "I could not tell the fabric", f"{hit.fit} fit" if hit.fit else ""]
        text = f"For {goal.en}: {', '.join(w for w in words if w)}"
        if candidate.colour_match:
            text += ", in the colour you asked for"
        if hit.formality is None:
            text += "; the shop does not say how formal it is"
        return text
    words = [colour[0], fabric_in(hit.fabric, "it") or "non ho potuto verificare il tessuto",
             f"vestibilità {_FIT_IT.get(hit.fit, hit.fit)}" if hit.fit else ""]
    text = f"Per {goal.it}: {', '.join(w for w in words if w)}"
    if candidate.colour_match:
        text += ", nel colore che cerchi"
    if hit.formality is None:
        text += "; il negozio non dice quanto sia formale"
    return text


def stock_ids(candidate: Candidate) -> list[str]:
    """The variants whose stock the card shows: the chosen size, or every size in stock."""
    if candidate.variant_id:
        return [candidate.variant_id]
    return [variant_id_of(candidate.hit, s) for s in candidate.hit.sizes_in_stock]


def stock_for(candidate: Candidate, stock: Mapping[str, list[StockAt]]) -> list[StockAt]:
    ids = stock_ids(candidate)
    if len(ids) == 1:
        return stock.get(ids[0], [])
    summed: dict[str, StockAt] = {}
    for variant_id in ids:
        for loc in stock.get(variant_id, []):
            seen = summed.get(loc.location)
            summed[loc.location] = loc if seen is None else seen.model_copy(
                update={"quantity": seen.quantity + loc.quantity})
    return sorted(summed.values(), key=lambda s: (s.location != "online", s.distance_km is None,
                                                  s.distance_km or 0.0, s.location))


def available_at(candidate: Candidate, place: str, stock: Mapping[str, list[StockAt]]) -> bool:
    return any(s.location == place and s.quantity > 0 for s in stock_for(candidate, stock))


def item(candidate: Candidate, goal: GoalSpec, language: str,
         stock: Mapping[str, list[StockAt]]) -> OutfitItem:
    hit = candidate.hit
    return OutfitItem(
        sku=hit.sku, variant_id=candidate.variant_id,
        title=hit.title_en if language == "en" else hit.title_it, category=candidate.category,
        slot=candidate.slot, size=candidate.size, price=Price(amount=hit.price.amount),
        image=hit.image, url=hit.url, availability=stock_for(candidate, stock),
        why=why(candidate, goal, language), fabric=fabric_in(hit.fabric or "", language),
        fit=fit_in(hit.fit or "", language), colour=candidate.colour,
        sizes_in_stock=list(hit.sizes_in_stock), optional=candidate.optional)


def card(items: Sequence[Candidate], *, goal: GoalSpec, department: str, language: str, layout: Layout,
         budget: Budget | None, place: str, place_name: str | None,
         stock: Mapping[str, list[StockAt]], missing: Sequence[str] = (),
         alternatives: Mapping[str, Sequence[Candidate]] | None = None) -> OutfitCard:
    """The card; fits_budget and the gap always come from tools.budget on the items' prices."""
    prices = [Decimal(c.hit.price.amount) for c in items]
    total = outfit_total(prices)
    return OutfitCard(
        layout=layout, goal=goal.key, department=department,
        items=[item(c, goal, language, stock) for c in items], total=Price(amount=total), budget=budget,
        fits_budget=fits_budget(total, prices, budget),
        over_budget_by=over_budget_by(total, prices, budget), fulfilment=place,
        fulfilment_name=place_name, missing_slots=list(missing),
        alternatives={slot: [item(c, goal, language, stock) for c in alts]
                      for slot, alts in (alternatives or {}).items() if alts})
