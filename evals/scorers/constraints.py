"""Constraint extraction: budget, sizes, colours and city as facts, compared as sets (P/R/F1).

A field the case leaves out is not checked; a field it gives (even empty) is checked both ways, so a
budget or colour the shopper never mentioned counts as a false positive.
"""

from __future__ import annotations

from decimal import Decimal

from evals.scorers.base import TurnContext, Verdict
from tools.lexicon import strip_accents

# English exonyms shoppers type for the store cities and a few others.
_CITY_ALIASES = {"milan": "milano", "rome": "roma", "naples": "napoli", "turin": "torino",
                 "florence": "firenze", "venice": "venezia", "genoa": "genova", "padua": "padova"}

Fact = tuple[str, ...]


def normalise_city(city: str) -> str:
    plain = strip_accents(city).strip().lower()
    return _CITY_ALIASES.get(plain, plain)


def _money(value: Decimal | float | int) -> str:
    return f"{Decimal(str(value)).quantize(Decimal('0.01'))}"


def expected_facts(ctx: TurnContext) -> tuple[set[Fact], set[str]]:
    """The facts the case expects, and which fields are checked at all."""
    exp = ctx.expect
    facts: set[Fact] = set()
    checked: set[str] = set()
    if exp.budget is not None:
        checked.add("budget")
        facts.add(("budget", _money(exp.budget.max), exp.budget.scope))
    elif exp.no_budget:
        checked.add("budget")
    if exp.sizes is not None:
        checked.add("sizes")
        facts |= {("size", system, label.upper()) for system, label in exp.sizes.items()}
    if exp.colours is not None:
        checked.add("colours")
        facts |= {("colour", c) for c in exp.colours}
    if exp.city is not None:
        checked.add("city")
        facts.add(("city", normalise_city(exp.city)))
    return facts, checked


def predicted_facts(ctx: TurnContext, checked: set[str]) -> set[Fact]:
    cons = ctx.result.constraints
    facts: set[Fact] = set()
    if "budget" in checked and cons.budget is not None and cons.budget.max is not None:
        facts.add(("budget", _money(cons.budget.max), cons.budget.scope))
    if "sizes" in checked:
        facts |= {("size", system, str(label).upper()) for system, label in cons.sizes.items()}
    if "colours" in checked:
        facts |= {("colour", c) for c in cons.colours}
    if "city" in checked and cons.location is not None:
        city = cons.location.city
        if city is None and cons.location.store_code:
            city = ctx.records.store_cities.get(cons.location.store_code)
        if city:
            facts.add(("city", normalise_city(city)))
    return facts


def constraint_extraction(ctx: TurnContext) -> Verdict | None:
    expected, checked = expected_facts(ctx)
    if not checked:
        return None
    predicted = predicted_facts(ctx, checked)
    tp, fp, fn = expected & predicted, predicted - expected, expected - predicted
    parts = []
    if fn:
        parts.append("missed " + ", ".join("=".join(f) for f in sorted(fn)))
    if fp:
        parts.append("invented " + ", ".join("=".join(f) for f in sorted(fp)))
    reason = "; ".join(parts) or f"all {len(tp)} expected constraints extracted, nothing extra"
    return Verdict("constraint_extraction", not fp and not fn, reason,
                   {"tp": len(tp), "fp": len(fp), "fn": len(fn)})
