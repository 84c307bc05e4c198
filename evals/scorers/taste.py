"""Taste (issue 14), judged on the records of every look shown: black tie only for a formal evening
or when asked, at most one statement colour or pattern, leathers in one family, every piece made for
the season of the turn's date (or of its place's weather), nothing the shopper already owns proposed
again, "cheaper" alternatives really cheaper, and Italian that agrees and stays Italian."""

from __future__ import annotations

import re
from decimal import Decimal

from evals.scorers.base import TurnContext, Verdict
from tools.shapes import AlternativesCard, OutfitCard
from tools.taxonomy import COLOUR_FAMILY, GOALS, NEUTRAL_COLOURS

_BLACK_TIE_ASKED = re.compile(r"(black tie|smoking|tuxedo|frac|tailcoat|white tie|gala|abito da sera|"
                              r"evening gown)", re.I)
_STATEMENT_PATTERNS = frozenset({"floral", "polka_dots", "check"})
_LEATHER = ("formal_shoes", "casual_shoes", "boots", "belt", "bag")
_LEATHER_FAMILY = {"black": "black", "charcoal": "black", "brown": "brown", "camel": "brown",
                   "burgundy": "brown", "beige": "brown"}
_SEASON_BY_MONTH = {12: "winter", 1: "winter", 2: "winter", 3: "spring", 4: "spring", 5: "spring",
                    6: "summer", 7: "summer", 8: "summer", 9: "autumn", 10: "autumn", 11: "autumn"}
_CHEAPER_SHARE, _CHEAPER_EUR = Decimal("0.15"), Decimal("30")
# Italian text: a woman invited is "invitata"; fabric and fit values must not stay in English.
_IT_WRONG = re.compile(r"(invitato a un matrimonio \(donna\)|\b\d+% (wool|cotton|linen|silk|"
                       r"polyester|viscose|elastane)\b|·\s*(regular|slim|tailored|relaxed|oversize)\b|"
                       r"\bsize TU\b)", re.I)


def _seasons(ctx: TurnContext) -> set[str]:
    """The season of the turn's date, and the one the place's weather dressed it for when the answer
    went by one (Palermo in September is summer; the weather_context scorer checks that season
    against the provider's data)."""
    turn = ctx.case.turns[ctx.turn_index]
    from evals.setup import reference_now

    seasons = {_SEASON_BY_MONTH[(turn.now or reference_now()).month]}
    if ctx.result.here_and_now is not None:
        seasons.add(ctx.result.here_and_now.season)
    return seasons


def _look_problems(ctx: TurnContext, card: OutfitCard, asked_black_tie: bool, owned: set[str]) -> list[str]:
    problems: list[str] = []
    facts = [(item, ctx.records.product(item.sku)) for item in card.items]
    known = [(item, f) for item, f in facts if f is not None]
    spec = GOALS.get(card.goal)
    # an occasion with seasons of its own (a beach holiday in November) is dressed for them
    seasons = set(spec.seasons) if spec and spec.seasons else _seasons(ctx)
    for item, f in known:
        if f.formality == 5 and card.goal != "formal_evening" and not asked_black_tie:
            problems.append(f"black tie: {item.sku} (formality 5) in a {card.goal} look")
        if f.seasons and not seasons & set(f.seasons):
            problems.append(f"off season: {item.sku} is for {'/'.join(f.seasons)}, not {'/'.join(seasons)}")
        if item.sku in owned:
            problems.append(f"owned: {item.sku} was already bought by the shopper")
    # one statement colour (however many pieces wear it) or one statement pattern
    # (a yellow polka-dot tie is one statement, not two)
    statements = {f"{f.pattern} {item.sku}" for item, f in known if f.pattern in _STATEMENT_PATTERNS}
    loud = [f.colours[0] for _, f in known
            if f.colours and f.colours[0] not in NEUTRAL_COLOURS and f.pattern not in _STATEMENT_PATTERNS]
    statements |= {COLOUR_FAMILY.get(c, c) for c in loud}  # tones of one colour are one statement
    if len(statements) > 1:
        problems.append(f"statement pieces: {', '.join(sorted(statements))}")
    leathers = {_LEATHER_FAMILY.get(f.colours[0]) for item, f in known
                if item.category in _LEATHER and f.colours} - {None}
    if len(leathers) > 1:
        problems.append(f"leathers: {', '.join(sorted(str(x) for x in leathers))} in one look")
    for slot, alternatives in card.alternatives.items():
        base = next((i for i in card.items if i.slot == slot), None)
        for alt in alternatives:
            if base is not None and alt.price.amount < base.price.amount:
                saved = base.price.amount - alt.price.amount
                if saved < min(base.price.amount * _CHEAPER_SHARE, _CHEAPER_EUR):
                    problems.append(f"cheaper by only {saved}: {alt.sku} for {base.sku}")
    return problems


def taste(ctx: TurnContext) -> Verdict | None:
    looks = ctx.outfits
    cheaper_cards = [c for c in ctx.result.cards if isinstance(c, AlternativesCard)]
    italian = ctx.result.language == "it" and bool(looks)
    if not looks and not cheaper_cards:
        return None
    asked_black_tie = any(_BLACK_TIE_ASKED.search(m) for m in ctx.messages_so_far)
    me = ctx.records.shopper(ctx.shopper_id) or {}
    owned = ctx.records.owned_skus(ctx.shopper_id) if me.get("consent") else set()
    problems: list[str] = []
    for card in looks:
        problems += _look_problems(ctx, card, asked_black_tie, owned)
    for alternatives in cheaper_cards:
        if alternatives.saves is not None and alternatives.items:
            # the card's own saving against the piece it replaces: at least 15% or EUR 30
            saves = Decimal(alternatives.saves)
            replaced = max(i.price.amount for i in alternatives.items) + saves
            if saves < min(replaced * _CHEAPER_SHARE, _CHEAPER_EUR):
                problems.append(f"offered as cheaper but saves only {saves}")
    if italian:
        text = ctx.answer_text() + " ".join(i.fabric + " " + i.fit for c in looks for i in c.items)
        wrong = _IT_WRONG.search(text)
        if wrong:
            problems.append(f"Italian: {wrong.group(0)!r}")
    return Verdict("taste", not problems, "; ".join(problems[:6]) or "a look a stylist would sign")
