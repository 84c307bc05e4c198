"""The one budget rule the planner and the evals share."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from tools.budget import fits_budget, outfit_total, over_budget_by
from tools.shapes import Budget

D = Decimal
prices = st.lists(st.decimals(min_value=D("0.01"), max_value=D("999.99"), places=2), min_size=1,
                  max_size=6)


def test_total_equal_to_budget_fits() -> None:
    budget = Budget(max=D("300"))
    items = [D("120.00"), D("180.00")]
    assert fits_budget(outfit_total(items), items, budget)
    assert over_budget_by(outfit_total(items), items, budget) is None


def test_one_cent_over_does_not_fit_and_reports_the_gap() -> None:
    budget = Budget(max=D("300"))
    items = [D("120.00"), D("180.01")]
    assert not fits_budget(outfit_total(items), items, budget)
    assert over_budget_by(outfit_total(items), items, budget) == D("0.01")


def test_per_item_budget_checks_each_piece_not_the_total() -> None:
    budget = Budget(max=D("100"), scope="per_item")
    cheap = [D("90"), D("100"), D("99.90")]
    assert fits_budget(outfit_total(cheap), cheap, budget)  # total 289.90 is fine per item
    one_dear = [D("90"), D("130")]
    assert not fits_budget(outfit_total(one_dear), one_dear, budget)
    assert over_budget_by(outfit_total(one_dear), one_dear, budget) == D("30")


def test_no_budget_always_fits() -> None:
    items = [D("5000")]
    assert fits_budget(D("5000"), items, None)
    assert fits_budget(D("5000"), items, Budget())
    assert over_budget_by(D("5000"), items, None) is None


def test_minimum_is_a_lower_bound() -> None:
    budget = Budget(min=D("200"), max=D("400"))
    assert not fits_budget(D("150"), [D("150")], budget)
    assert over_budget_by(D("150"), [D("150")], budget) == D("50")
    assert fits_budget(D("200"), [D("200")], budget)


def test_total_uses_decimal_arithmetic() -> None:
    assert outfit_total([D("0.10")] * 3) == D("0.30")
    assert outfit_total([]) == D("0")


@settings(max_examples=200, deadline=None)
@given(items=prices, limit=st.decimals(min_value=D("1"), max_value=D("3000"), places=2),
       per_item=st.booleans())
def test_fits_exactly_when_there_is_no_gap(items: list[Decimal], limit: Decimal, per_item: bool) -> None:
    budget = Budget(max=limit, scope="per_item" if per_item else "total")
    total = outfit_total(items)
    fits = fits_budget(total, items, budget)
    gap = over_budget_by(total, items, budget)
    assert fits == (gap is None)
    if per_item:
        assert fits == all(p <= limit for p in items)
    else:
        assert fits == (total <= limit)
        if gap is not None:
            assert total - gap == limit
