"""The stylist: complete looks, in size, in stock at one place, inside the budget — checked against
the database with our own SQL, not through the code under test."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import bindparam, text

from tools.budget import fits_budget, outfit_total
from tools.outfits.alternatives import find_budget_alternatives
from tools.outfits.assemble import OutfitPlan, assemble_outfit
from tools.shapes import Budget, Constraints, Location, OutfitCard
from tools.taxonomy import GOALS, size_system_for

SIZES = {"menswear": {"IT": "50", "INT": "L", "EU": "43"},
         "womenswear": {"IT": "42", "INT": "M", "EU": "38"},
         "kids": {"AGE": "8A", "EU": "31"}}
GOAL_DEPARTMENTS = [(g, d) for g, spec in GOALS.items() for d in spec.slots]


def dress(shop, goal: str, department: str, constraints: Constraints, **kw) -> OutfitPlan:
    return assemble_outfit(shop, goal, department, constraints, origin=kw.pop("origin", None), **kw)


def product_rows(shop, skus: list[str]) -> dict[str, dict]:
    query = text("SELECT sku, price, formality, colours, fabric, category FROM products "
                 "WHERE sku IN :skus").bindparams(bindparam("skus", expanding=True))
    with shop.engine.connect() as conn:
        return {r.sku: r._asdict() for r in conn.execute(query, {"skus": skus})}


def free_at(shop, variant_ids: list[str], location: str) -> dict[str, int]:
    query = text("SELECT variant_id, quantity - reserved AS free FROM inventory WHERE location = :loc "
                 "AND variant_id IN :ids").bindparams(bindparam("ids", expanding=True))
    with shop.engine.connect() as conn:
        return {r.variant_id: int(r.free) for r in conn.execute(query, {"loc": location, "ids": variant_ids})}


def assert_card_is_true(shop, card: OutfitCard) -> None:
    """Prices are the catalog's, fits_budget is the rule's, every sized item is free at the place."""
    rows = product_rows(shop, [i.sku for i in card.items])
    prices = [Decimal(str(rows[i.sku]["price"])) for i in card.items]
    assert [i.price.amount for i in card.items] == prices
    assert card.total.amount == outfit_total(prices)
    assert card.fits_budget == fits_budget(card.total.amount, prices, card.budget)
    sized = [i.variant_id for i in card.items if i.size]
    free = free_at(shop, sized, card.fulfilment)
    assert all(free.get(v, 0) > 0 for v in sized), (card.fulfilment, free, sized)
    for item in card.items:
        assert not item.size or item.variant_id == f"{item.sku}-{item.size}"
        assert any(a.location == card.fulfilment and a.quantity > 0 for a in item.availability)


@pytest.mark.parametrize(("goal", "department"), GOAL_DEPARTMENTS)
def test_every_goal_dresses_every_department(shop, goal: str, department: str) -> None:
    plan = dress(shop, goal, department, Constraints(sizes=SIZES[department]))
    assert plan.status == "ok", plan.notes
    assert plan.card is not None
    card = plan.card
    required, _ = GOALS[goal].slots[department]
    assert {s.key for s in required} <= {i.slot for i in card.items}
    slot_categories = {s.key: s.categories for pair in GOALS[goal].slots[department] for s in pair}
    rows = product_rows(shop, [i.sku for i in card.items])
    lo, hi = GOALS[goal].formality
    for item in card.items:
        assert item.category in slot_categories[item.slot]
        system = size_system_for(item.category, department)
        assert item.size == ("TU" if system == "ONE" else SIZES[department][system])
        assert lo <= rows[item.sku]["formality"] <= hi
    assert_card_is_true(shop, card)


budgets = st.one_of(st.none(), st.builds(
    lambda amount, per_item: Budget(max=Decimal(amount), scope="per_item" if per_item else "total"),
    st.integers(min_value=20, max_value=1500), st.booleans()))
places = st.one_of(st.none(), st.sampled_from([Location(city="Milano"), Location(city="Napoli"),
                                               Location(city="Trieste"), Location(store_code="RM01"),
                                               Location(city="Padova")]))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pair=st.sampled_from(GOAL_DEPARTMENTS), budget=budgets, place=places,
       drop_size=st.sampled_from([None, "IT", "INT", "EU"]))
def test_no_card_breaks_budget_or_stock(shop, pair, budget, place, drop_size) -> None:
    goal, department = pair
    sizes = {k: v for k, v in SIZES[department].items() if k != drop_size}
    plan = dress(shop, goal, department, Constraints(budget=budget, sizes=sizes, location=place))
    for card in (plan.card, plan.closest):
        if card is not None:
            assert_card_is_true(shop, card)
    if plan.status in ("ok", "needs_size") and plan.card is not None:
        assert plan.card.fits_budget
    if plan.status == "over_budget":
        assert plan.card is None and plan.closest is not None
        assert not plan.closest.fits_budget and plan.over_budget_by is not None
    if plan.status == "needs_size":
        assert drop_size in plan.needs_size.values()


def test_impossible_budget_offers_the_closest_look_and_the_gap(shop) -> None:
    budget = Budget(max=Decimal("40"))
    plan = dress(shop, "job_interview", "menswear", Constraints(budget=budget, sizes=SIZES["menswear"]))
    assert plan.status == "over_budget"
    assert plan.card is None
    assert plan.closest is not None and not plan.closest.fits_budget
    assert plan.over_budget_by == plan.closest.total.amount - Decimal("40")
    assert {i.slot for i in plan.closest.items} == {"jacket", "trousers", "shirt", "shoes"}
    assert_card_is_true(shop, plan.closest)


def test_a_budget_exactly_at_the_cheapest_look_fits(shop) -> None:
    """Inclusive budget: the cheapest complete look is found when the budget equals its price."""
    sizes = SIZES["womenswear"]
    cheapest = dress(shop, "wedding_guest", "womenswear", Constraints(budget=Budget(max=Decimal("1")),
                                                                       sizes=sizes)).closest
    assert cheapest is not None
    exact = Budget(max=cheapest.total.amount)
    plan = dress(shop, "wedding_guest", "womenswear", Constraints(budget=exact, sizes=sizes))
    assert plan.status == "ok" and plan.card is not None
    assert plan.card.total.amount <= exact.max  # type: ignore[operator]
    assert not any(i.optional for i in plan.card.items)  # no room left for a bag or a blazer


def test_optional_pieces_join_only_when_they_fit(shop) -> None:
    sizes = SIZES["menswear"]
    roomy = dress(shop, "job_interview", "menswear", Constraints(budget=Budget(max=Decimal("3000")),
                                                                  sizes=sizes))
    assert roomy.card is not None and any(i.optional for i in roomy.card.items)
    required_only = [i for i in roomy.card.items if not i.optional]
    tight = Budget(max=outfit_total([i.price.amount for i in required_only]))
    plan = dress(shop, "job_interview", "menswear", Constraints(budget=tight, sizes=sizes))
    assert plan.card is not None and plan.card.fits_budget
    assert plan.card.total.amount <= tight.max  # type: ignore[operator]


def test_per_item_budget_caps_every_piece(shop) -> None:
    budget = Budget(max=Decimal("90"), scope="per_item")
    plan = dress(shop, "casual_weekend", "menswear", Constraints(budget=budget, sizes=SIZES["menswear"]))
    assert plan.status == "ok" and plan.card is not None
    assert all(i.price.amount <= Decimal("90") for i in plan.card.items)
    assert plan.card.total.amount > Decimal("90")  # the total is not what is capped


def test_a_budget_range_is_respected_at_both_ends(shop) -> None:
    budget = Budget(min=Decimal("450"), max=Decimal("700"))
    plan = dress(shop, "job_interview", "menswear", Constraints(budget=budget, sizes=SIZES["menswear"]))
    assert plan.status == "ok" and plan.card is not None
    assert Decimal("450") <= plan.card.total.amount <= Decimal("700")
    assert plan.card.fits_budget


def test_only_slots_dresses_just_those(shop) -> None:
    only_shoes = Constraints(sizes=SIZES["menswear"], only_slots=["shoes"])
    plan = dress(shop, "job_interview", "menswear", only_shoes)
    assert plan.card is not None
    assert [i.slot for i in plan.card.items] == ["shoes"]


def test_colour_preference_is_honoured(shop) -> None:
    plan = dress(shop, "job_interview", "menswear", Constraints(sizes=SIZES["menswear"], colours=["navy"]))
    assert plan.card is not None
    rows = product_rows(shop, [i.sku for i in plan.card.items])
    jacket = next(i for i in plan.card.items if i.slot == "jacket")
    assert "navy" in rows[jacket.sku]["colours"]
    assert sum("navy" in rows[i.sku]["colours"] for i in plan.card.items) >= len(plan.card.items) // 2


def test_exclusions_are_never_broken(shop) -> None:
    constraints = Constraints(sizes=SIZES["menswear"], exclusions=["nero", "wool", "tie"])
    plan = dress(shop, "job_interview", "menswear", constraints)
    assert plan.card is not None
    rows = product_rows(shop, [i.sku for i in plan.card.items])
    for item in plan.card.items:
        assert "black" not in rows[item.sku]["colours"]
        assert "wool" not in str(rows[item.sku]["fabric"])
        assert item.category != "tie"


def test_unknown_size_asks_instead_of_guessing(shop) -> None:
    plan = dress(shop, "job_interview", "menswear", Constraints(sizes={"EU": "43"}))
    assert plan.status == "needs_size"
    assert plan.needs_size == {"jacket": "IT", "trousers": "IT", "shirt": "INT"}
    assert plan.card is not None
    for item in plan.card.items:
        assert item.size == ("" if item.slot in plan.needs_size else ("43" if item.slot == "shoes" else "TU"))
        assert item.sizes_in_stock


def test_a_city_is_dressed_from_its_store_or_online_with_a_note(shop) -> None:
    plan = dress(shop, "office_everyday", "womenswear",
                 Constraints(sizes=SIZES["womenswear"], location=Location(city="Roma")))
    assert plan.card is not None
    assert plan.card.fulfilment in ("RM01", "online")
    if plan.card.fulfilment == "online":
        assert any("instead" in n for n in plan.notes)
    else:
        assert plan.card.fulfilment_name and "Roma" in plan.card.fulfilment_name


def test_something_cheaper_and_without_rejected_pieces(shop) -> None:
    constraints = Constraints(sizes=SIZES["menswear"])
    first = dress(shop, "business_travel", "menswear", constraints)
    assert first.card is not None
    rejected = [first.card.items[0].sku]
    cheaper = dress(shop, "business_travel", "menswear", constraints,
                    prefer_cheaper_than=first.card.total.amount, exclude_skus=rejected)
    assert cheaper.card is not None
    assert cheaper.card.total.amount < first.card.total.amount
    assert rejected[0] not in {i.sku for i in cheaper.card.items}


def test_a_colour_that_breaks_the_budget_gives_way(shop) -> None:
    sizes = SIZES["womenswear"]
    plain = dress(shop, "office_everyday", "womenswear", Constraints(budget=Budget(max=Decimal("1")),
                                                                      sizes=sizes)).closest
    assert plain is not None
    constraints = Constraints(budget=Budget(max=plain.total.amount), sizes=sizes, colours=["red"])
    plan = dress(shop, "office_everyday", "womenswear", constraints)
    assert plan.card is not None and plan.card.fits_budget
    rows = product_rows(shop, [i.sku for i in plan.card.items])
    if not any("red" in rows[i.sku]["colours"] for i in plan.card.items):
        assert any("other colours" in n for n in plan.notes), plan.notes


def test_same_request_same_look(shop) -> None:
    constraints = Constraints(budget=Budget(max=Decimal("500")), sizes=SIZES["womenswear"])
    first = dress(shop, "date_night", "womenswear", constraints)
    second = dress(shop, "date_night", "womenswear", constraints)
    assert first.card is not None and second.card is not None
    assert [i.sku for i in first.card.items] == [i.sku for i in second.card.items]


def test_bad_arguments_are_a_status(shop) -> None:
    assert dress(shop, "job_interview", "kids", Constraints()).status == "invalid"
    assert assemble_outfit(shop, "space_walk", "menswear", Constraints(), origin=None).status == "invalid"
    assert dress(shop, "job_interview", "menswear", Constraints(only_slots=["hat"])).status == "invalid"


def test_budget_alternatives_are_cheaper_in_size_at_the_place(shop) -> None:
    plan = dress(shop, "job_interview", "menswear", Constraints(sizes=SIZES["menswear"]))
    assert plan.card is not None
    jacket = max(plan.card.items, key=lambda i: i.price.amount)
    found = find_budget_alternatives(shop, jacket.sku, jacket.size, plan.card.fulfilment)
    assert found.status == "ok" and found.items
    assert all(i.price.amount < jacket.price.amount for i in found.items)
    assert [i.price.amount for i in found.items] == sorted(i.price.amount for i in found.items)
    free = free_at(shop, [i.variant_id for i in found.items], plan.card.fulfilment)
    assert all(free.get(i.variant_id, 0) > 0 for i in found.items)
    assert found.saves == jacket.price.amount - found.items[0].price.amount
    assert find_budget_alternatives(shop, "SRT-XXX-000000", None, "online").status == "not_found"


@pytest.mark.parametrize("budget", [None, Decimal("100"), Decimal("200")])
def test_a_presented_look_has_at_most_two_statement_colours(shop, budget) -> None:
    from tools.taxonomy import NEUTRAL_COLOURS

    for goal, department in GOAL_DEPARTMENTS:
        constraints = Constraints(sizes=SIZES[department],
                                  budget=Budget(max=budget) if budget is not None else None)
        plan = dress(shop, goal, department, constraints)
        if plan.card is None:
            continue
        accents = {item.colour for item in plan.card.items if item.colour not in NEUTRAL_COLOURS}
        assert len(accents) <= 2, f"{goal}/{department}: {sorted(accents)}"


def test_a_look_reads_prices_and_changed_descriptions_fresh(shop) -> None:
    """Descriptions are kept between looks; what a shopper pays and can take home never is."""
    constraints = Constraints(sizes=SIZES["menswear"])
    before = dress(shop, "job_interview", "menswear", constraints)
    assert before.card is not None
    item = before.card.items[0]
    with shop.engine.connect() as conn:
        old = conn.execute(text("SELECT price, title_it, content_hash FROM products WHERE sku = :s"),
                           {"s": item.sku}).one()
    new_price = Decimal(str(old.price)) - Decimal("0.01")
    change = text("UPDATE products SET price = :p, title_it = :t, content_hash = :h WHERE sku = :s")
    try:
        with shop.engine.begin() as conn:
            conn.execute(change, {"p": str(new_price), "t": "Giacca rinominata", "h": "changed",
                                  "s": item.sku})
        after = dress(shop, "job_interview", "menswear", constraints)
        assert after.card is not None
        same = next(i for i in after.card.items if i.sku == item.sku)
        assert same.price.amount == new_price
        assert same.title == "Giacca rinominata"
        assert_card_is_true(shop, after.card)
    finally:
        with shop.engine.begin() as conn:
            conn.execute(change, {"p": str(old.price), "t": old.title_it, "h": old.content_hash,
                                  "s": item.sku})
    restored = dress(shop, "job_interview", "menswear", constraints)
    assert restored.card is not None
    assert [(i.sku, i.price.amount, i.title) for i in restored.card.items] == \
        [(i.sku, i.price.amount, i.title) for i in before.card.items]


def test_sizes_on_a_card_read_smallest_first(shop) -> None:
    """The same order as search: 38, 40, 42 … (menswear and womenswear sizes used to interleave)."""
    plan = dress(shop, "office_everyday", "womenswear", Constraints(sizes=SIZES["womenswear"]))
    assert plan.card is not None
    numeric = [i.sizes_in_stock for i in plan.card.items
               if len(i.sizes_in_stock) > 1 and all(s.isdigit() for s in i.sizes_in_stock)]
    assert numeric, "the look has a piece in several numeric sizes"
    for sizes in numeric:
        assert sizes == sorted(sizes, key=int), sizes
