"""Grounding: every SKU, title, price, total and stock figure the shopper reads exists and matches the
records, in the cards and in the text (euro amounts and SKUs are parsed out of the words)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from evals.scorers.base import TurnContext, Verdict
from tools.shapes import AlternativesCard, AvailabilityCard, OutfitCard, ProductsCard

SKU = re.compile(r"\b[A-Z]{2,5}-[A-Z]{2,4}-\d{3,8}\b")
_NUM = r"\d{1,3}(?:[.,\s]\d{3})*(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
EURO = re.compile(rf"€\s?({_NUM})|({_NUM})\s?(?:€|eur\b|euro\b)", re.I)
CENT = Decimal("0.01")


def parse_amount(raw: str) -> Decimal | None:
    """'1.290,00' / '1,290.00' / '129,90' / '129.9' / '1 290' -> Decimal."""
    s = raw.replace(" ", "").replace("\u00a0", "")
    if "," in s and "." in s:
        decimal_sep = "," if s.rfind(",") > s.rfind(".") else "."
        thousands = "." if decimal_sep == "," else ","
        s = s.replace(thousands, "").replace(decimal_sep, ".")
    elif "," in s or "." in s:
        sep = "," if "," in s else "."
        head, _, tail = s.rpartition(sep)
        s = (head.replace(sep, "") + "." + tail) if len(tail) <= 2 else s.replace(sep, "")
    try:
        return Decimal(s).quantize(CENT)
    except InvalidOperation:
        return None


def euro_amounts(text: str) -> list[Decimal]:
    amounts = []
    for m in EURO.finditer(text):
        value = parse_amount(m.group(1) or m.group(2))
        if value is not None:
            amounts.append(value)
    return amounts


def _allowed_amounts(ctx: TurnContext) -> set[Decimal]:
    """Figures the text may quote: record prices, totals, budgets, gaps, savings, the shopper's own."""
    allowed: set[Decimal] = set()
    budgets = []
    if ctx.result.constraints.budget is not None:
        budgets.append(ctx.result.constraints.budget)
    for _, item in ctx.offered_items():
        allowed.add(Decimal(item.price.amount))
    for card in ctx.result.cards:
        if isinstance(card, OutfitCard):
            allowed.add(Decimal(card.total.amount))
            if card.over_budget_by is not None:
                allowed.add(Decimal(card.over_budget_by))
            if card.budget is not None:
                budgets.append(card.budget)
            # "the cheaper option saves €X": differences between an item and its alternatives
            for slot, alts in card.alternatives.items():
                for base in (it for it in card.items if it.slot == slot):
                    for alt in alts:
                        allowed.add(abs(Decimal(base.price.amount) - Decimal(alt.price.amount)))
                        allowed.add(Decimal(card.total.amount) - Decimal(base.price.amount)
                                    + Decimal(alt.price.amount))
        elif isinstance(card, ProductsCard):
            allowed |= {Decimal(h.price.amount) for h in card.items}
        elif isinstance(card, AlternativesCard) and card.saves is not None:
            allowed.add(Decimal(card.saves))
    # "without the shoes it comes to €X (€Y over)": the look minus one piece, and its gap
    totals = {Decimal(c.total.amount) for c in ctx.outfits}
    totals |= {Decimal(c.total.amount) - Decimal(it.price.amount) for c in ctx.outfits for it in c.items}
    allowed |= totals
    # "€60 less than the last one": the thread's earlier looks and what this one saves on them
    earlier = {Decimal(c.total.amount) for r in ctx.earlier for c in r.cards if isinstance(c, OutfitCard)}
    allowed |= earlier | {abs(before - now) for before in earlier for now in totals}
    for budget in budgets:
        for value in (budget.max, budget.min):
            if value is not None:
                allowed.add(Decimal(value))
                allowed |= {abs(total - Decimal(value)) for total in totals}
    for message in ctx.messages_so_far:
        allowed |= set(euro_amounts(message))
        allowed |= {Decimal(n).quantize(CENT) for n in re.findall(r"\b\d{2,5}\b", message)}
    return {a.quantize(CENT) for a in allowed}


def _card_problems(ctx: TurnContext) -> list[str]:
    problems: list[str] = []
    for where, item in ctx.offered_items():
        product = ctx.records.product(item.sku)
        if product is None:
            problems.append(f"{where}: SKU {item.sku} does not exist")
            continue
        if Decimal(item.price.amount) != product.price:
            problems.append(f"{where}: {item.sku} priced {item.price.amount}, record says {product.price}")
        if item.title not in (product.title_it, product.title_en):
            problems.append(f"{where}: {item.sku} titled {item.title!r}, not the catalog title")
        if item.category != product.category:
            problems.append(f"{where}: {item.sku} category {item.category}, record says {product.category}")
        # a location listed once per size (no size label) is read as its sum
        shown: dict[str, int] = {}
        for stock in item.availability:
            shown[stock.location] = shown.get(stock.location, 0) + stock.quantity
        for location, quantity in shown.items():
            real = ctx.stock_of(item, location)
            if quantity != real:
                problems.append(f"{where}: {item.sku} {item.size or 'all sizes'} at {location}: "
                                f"{quantity} shown, {real} in stock")
    for n, card in enumerate(ctx.result.cards):
        if isinstance(card, OutfitCard):
            real_total = sum((Decimal(it.price.amount) for it in card.items), Decimal(0))
            if Decimal(card.total.amount) != real_total:
                problems.append(f"outfit#{n}: total {card.total.amount}, items add up to {real_total}")
        elif isinstance(card, ProductsCard):
            for hit in card.items:
                product = ctx.records.product(hit.sku)
                if product is None:
                    problems.append(f"products#{n}: SKU {hit.sku} does not exist")
                elif Decimal(hit.price.amount) != product.price:
                    problems.append(f"products#{n}: {hit.sku} priced {hit.price.amount}, record says "
                                    f"{product.price}")
        elif isinstance(card, AvailabilityCard):
            if ctx.records.product(card.sku) is None:
                problems.append(f"availability#{n}: SKU {card.sku} does not exist")
            for stock in card.locations:
                real = ctx.stock.available_in_sizes(card.sku, stock.location,
                                                    None if card.size is None else [card.size])
                if stock.quantity != real:
                    problems.append(f"availability#{n}: {card.sku} at {stock.location}: {stock.quantity} "
                                    f"shown, {real} in stock")
    return problems


def _text_problems(ctx: TurnContext) -> list[str]:
    text = ctx.answer_text()
    problems = [f"text names SKU {sku}, which does not exist"
                for sku in sorted(set(SKU.findall(text))) if ctx.records.product(sku) is None]
    allowed = _allowed_amounts(ctx)
    for amount in euro_amounts(text):
        if amount not in allowed:
            problems.append(f"text quotes €{amount}, which matches no price, total or budget shown")
    return problems


def grounding(ctx: TurnContext) -> Verdict | None:
    if not ctx.result.cards and not ctx.answer_text().strip():
        return None
    problems = _card_problems(ctx) + _text_problems(ctx)
    return Verdict("grounding", not problems,
                   "; ".join(problems[:6]) or "every SKU, price, total and stock figure matches the records",
                   {"problems": len(problems)})
