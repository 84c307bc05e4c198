"""Availability truth: every size, place and "available together" claim checked with our own SQL
on Inventory and Variant, and sizes the shopper asked for are the sizes offered."""

from __future__ import annotations

from evals.scorers.base import TurnContext, Verdict
from tools.shapes import AvailabilityCard, OutfitItem
from tools.taxonomy import size_system_for


def _size_problems(ctx: TurnContext, where: str, item: OutfitItem, wanted: dict[str, str]) -> list[str]:
    variant = ctx.records.variant(item.variant_id)
    if variant is None or variant.sku != item.sku:
        return [f"{where}: variant {item.variant_id!r} is not a variant of {item.sku}"]
    problems = []
    if variant.size != item.size:
        problems.append(f"{where}: {item.sku} shown in size {item.size}, variant is {variant.size}")
    asked = wanted.get(variant.size_system)
    if asked is not None and variant.size.upper() != asked:
        problems.append(f"{where}: {item.sku} offered in {variant.size_system} {variant.size}, "
                        f"the shopper wears {asked}")
    return problems


def availability_truth(ctx: TurnContext) -> Verdict | None:
    problems: list[str] = []
    checked = 0
    wanted_sizes = {k: str(v).upper() for k, v in ctx.result.constraints.sizes.items()}
    for where, item in ctx.offered_items():
        checked += 1
        if item.variant_id or item.size:
            problems += _size_problems(ctx, where, item, wanted_sizes)
        else:
            product = ctx.records.product(item.sku)
            system = (product and product.category and product.department
                      and size_system_for(product.category, product.department))
            if system and system in wanted_sizes:
                problems.append(f"{where}: {item.sku} shown without a size although the shopper wears "
                                f"{system} {wanted_sizes[system]}")
        for stock in item.availability:
            if stock.quantity > 0 and ctx.stock_of(item, stock.location) <= 0:
                problems.append(f"{where}: {item.sku} size {item.size or 'any'} claimed at "
                                f"{stock.location}, none there")
    for n, card in enumerate(ctx.outfits):
        for item in card.items:
            if item.optional:
                continue
            checked += 1
            if ctx.stock_of(item, card.fulfilment) <= 0:
                problems.append(f"outfit#{n}: fulfilment {card.fulfilment} but {item.sku} size "
                                f"{item.size or 'any'} is not in stock there")
    for shown in ctx.result.cards:
        if isinstance(shown, AvailabilityCard):
            for stock in shown.locations:
                checked += 1
                if stock.quantity > 0 and ctx.stock.available_in_sizes(
                        shown.sku, stock.location, None if shown.size is None else [shown.size]) <= 0:
                    problems.append(f"availability: {shown.sku} size {shown.size} claimed at "
                                    f"{stock.location}, none there")
    if not checked:
        return None
    return Verdict("availability_truth", not problems,
                   "; ".join(problems[:6]) or f"{checked} stock claims hold in the inventory",
                   {"problems": len(problems)})
