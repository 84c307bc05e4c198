"""THE budget rule (DESIGN.md §5): one implementation shared by the outfit planner and the eval scorers.

Inclusive: a look costing exactly the budget fits. The budget applies to the outfit total unless the
shopper said per item; a minimum, when given, is a lower bound on the same scope.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from tools.shapes import Budget

_ZERO = Decimal("0")


def outfit_total(prices: Sequence[Decimal]) -> Decimal:
    """The sum of the item prices, as Decimal (never float)."""
    return sum((Decimal(p) for p in prices), _ZERO)


def _gaps(total: Decimal, item_prices: Sequence[Decimal], budget: Budget) -> Decimal:
    """How far the look is from the rule; 0 when it fits."""
    if budget.scope == "per_item":
        gap = _ZERO
        for price in item_prices:
            price = Decimal(price)
            if budget.max is not None and price > budget.max:
                gap += price - budget.max
            if budget.min is not None and price < budget.min:
                gap += budget.min - price
        return gap
    total = Decimal(total)
    if budget.max is not None and total > budget.max:
        return total - Decimal(budget.max)
    if budget.min is not None and total < budget.min:
        return Decimal(budget.min) - total
    return _ZERO


def fits_budget(total: Decimal, item_prices: Sequence[Decimal], budget: Budget | None) -> bool:
    """True when the look respects the budget.

    scope "total": min <= total <= max; scope "per_item": min <= every item <= max.
    No budget (or one without bounds) always fits.
    """
    if budget is None:
        return True
    return _gaps(total, item_prices, budget) == _ZERO


def over_budget_by(total: Decimal, item_prices: Sequence[Decimal], budget: Budget | None) -> Decimal | None:
    """The gap (> 0) to close for the look to fit, or None when it fits.

    Per item it is the sum of each item's excess, i.e. what the shopper must save across the
    pieces that break the limit.
    """
    if budget is None:
        return None
    gap = _gaps(total, item_prices, budget)
    return gap if gap > _ZERO else None
