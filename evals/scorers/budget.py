"""Budget adherence: an outfit over budget is never presented as fitting, in the card or in words,
and an impossible budget gets an honest answer with the closest option."""

from __future__ import annotations

import re
from decimal import Decimal

from evals.scorers.base import TurnContext, Verdict
from tools.budget import fits_budget, outfit_total, over_budget_by
from tools.shapes import Budget

# Sentences that claim the look fits, and words that turn such a sentence into a denial.
FIT_CLAIMS = ("within your budget", "within budget", "within the budget", "in budget", "fits your budget",
              "fits the budget", "fits in your budget", "under your budget", "under budget",
              "nel budget", "nel tuo budget", "entro il budget", "entro il tuo budget", "rientra nel",
              "rispetta il budget", "sotto il budget", "dentro il budget", "nei limiti del")
NEGATIONS = ("non ", "not ", "n't", "over", "sopra", "oltre", "supera", "exceed", "nessun", "no outfit",
             "nothing", "niente")
# a sentence about a different look ("without the shoes it would be within budget") claims nothing
HEDGES = ("without", "senza", "would", "sarebbe", "verrebbe", "if you", "se togli", "se rinunci",
          "instead", "invece", "cheaper", "meno cara", "alternativ")
HONEST_MISS = ("over budget", "over your budget", "above your budget", "exceed", "more than your budget",
               "doesn't fit", "does not fit", "not within", "isn't within", "can't fit", "cannot fit",
               "couldn't", "could not", "fuori budget", "oltre il budget", "sopra il budget", "supera",
               "non rientra", "non sta nel", "non entra", "non riesco", "non è possibile", "impossibile",
               "closest", "più vicin", "sfora", "nothing fits", "too low", "troppo basso", "in più",
               "more than", "oltre")

_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


def claims_fit(text: str) -> list[str]:
    """Sentences saying the look is within budget (and not denying it)."""
    claims = []
    for sentence in _SENTENCE.split(text):
        low = sentence.lower()
        if any(c in low for c in FIT_CLAIMS) and not any(n in low for n in (*NEGATIONS, *HEDGES)):
            claims.append(sentence.strip())
    return claims


def admits_miss(text: str) -> bool:
    low = text.lower()
    return any(p in low for p in HONEST_MISS)


def budget_adherence(ctx: TurnContext) -> Verdict | None:
    impossible = ctx.expect.impossible_budget
    if not ctx.outfits and not impossible:
        return None
    problems: list[str] = []
    any_miss = False
    wanted = ctx.result.constraints.budget
    for n, card in enumerate(ctx.outfits):
        prices = [Decimal(it.price.amount) for it in card.items]
        real = fits_budget(outfit_total(prices), prices, card.budget)
        any_miss |= not real
        if card.fits_budget != real:
            problems.append(f"outfit#{n} says fits_budget={card.fits_budget} but the rule on its prices "
                            f"(total {outfit_total(prices)}, budget {_show(card)}) says {real}")
        if wanted is not None and wanted.max is not None and (
                card.budget is None or card.budget.max != wanted.max or card.budget.scope != wanted.scope):
            problems.append(f"outfit#{n} is judged against budget {_show(card)}, the shopper's is "
                            f"{wanted.max} {wanted.scope}")
        stated = ctx.expect.budget
        if stated is not None:
            # the shopper's own words are the budget, whether or not the assistant caught them
            theirs = Budget(max=stated.max, scope=stated.scope)
            if not fits_budget(outfit_total(prices), prices, theirs):
                any_miss = True
                if card.fits_budget:
                    problems.append(f"outfit#{n} is presented as fitting but costs {outfit_total(prices)}, "
                                    f"over the shopper's {stated.max} {stated.scope}")
        gap = over_budget_by(outfit_total(prices), prices, card.budget)
        if not real and card.over_budget_by is not None and gap is not None and card.over_budget_by != gap:
            problems.append(f"outfit#{n} over_budget_by {card.over_budget_by}, really {gap}")
    text = ctx.answer_text()
    if any_miss:
        claims = claims_fit(text)
        if claims:
            problems.append(f"text claims the over-budget look fits: {claims[0]!r}")
        if not admits_miss(text):
            problems.append("an over-budget look is shown without saying it is over budget")
    if impossible:
        if not ctx.outfits:
            problems.append("impossible budget answered without the closest option")
        elif not any_miss:
            problems.append("impossible budget, yet every outfit shown is said to fit")
    return Verdict("budget_adherence", not problems,
                   "; ".join(problems) or ("over budget and said so" if any_miss else "every outfit fits "
                                           "its budget as the rule says"))


def _show(card: object) -> str:
    budget = getattr(card, "budget", None)
    return "none" if budget is None else f"{budget.max} {budget.scope}"
