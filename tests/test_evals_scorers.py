"""Each scorer fails on a crafted bad answer and passes on a good one, built from real records."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from evals.cases import EvalCase
from evals.scorers import Records, TurnContext, score_turn
from evals.setup import ProductPicker, prepare_case, reference_now, reset_shopper
from tools.db.engine import session_scope
from tools.db.models import Inventory, Product, Shopper, Variant
from tools.shapes import Budget, Constraints, Goal, OutfitCard, OutfitItem, Price, StockAt, TurnResult
from tools.taxonomy import GOALS

GOAL, DEPT = "job_interview", "menswear"


def _stocked_variant(shop, category: str) -> tuple[Product, Variant, int]:  # type: ignore[no-untyped-def]
    """A formal (not black-tie) menswear product for the autumn date of the cases, in a neutral colour
    and a size in stock online: what a stylist would put in an interview look in November."""
    with session_scope(shop.engine) as s:
        rows = s.execute(
            select(Product, Variant, Inventory.quantity - Inventory.reserved)
            .join(Variant, Variant.product_id == Product.id)
            .join(Inventory, Inventory.variant_id == Variant.id)
            .where(Product.department == DEPT, Product.category == category, Product.formality == 4,
                   Inventory.location == "online", Inventory.quantity - Inventory.reserved > 0)
            .order_by(Product.sku, Variant.id)).all()
        for product, variant, free in rows:
            if product.colours[0] in ("black", "navy", "grey", "charcoal", "white") \
                    and "autumn" in (product.seasons or []):
                return product, variant, int(free)
        product, variant, free = rows[0]
        return product, variant, int(free)


def _item(product: Product, variant: Variant, free: int, slot: str) -> OutfitItem:
    return OutfitItem(sku=product.sku, variant_id=variant.id, title=product.title_it,
                      category=product.category, slot=slot, size=variant.size,
                      price=Price(amount=Decimal(product.price)),
                      image=product.image, url=f"/products/{product.sku}",
                      availability=[StockAt(location="online", quantity=free)], why="per il colloquio")


@pytest.fixture(scope="module")
def world(shop):  # type: ignore[no-untyped-def]
    slots = {s.key: s.categories[0] for s in GOALS[GOAL].slots[DEPT][0]}
    items = [_item(*_stocked_variant(shop, category), slot) for slot, category in slots.items()]
    case = EvalCase.model_validate({
        "id": "scorer-test", "split": "dev", "language": "it",
        "shopper": {"kind": "loyal", "consent": False, "known_sizes": {"IT": "52"},
                    "name": "Ottavio Pellegrini", "email": "ottavio.p@example.it"},
        "turns": [{"message": "colloquio in banca, budget 2000", "expect": {
            "goal": GOAL, "department": DEPT, "budget": {"max": 2000}, "sizes": {}, "colours": []}}]})
    shopper_id = prepare_case(shop.engine, case, ProductPicker(shop.engine), reference_now())
    with session_scope(shop.engine) as s:
        other_email = s.scalars(select(Shopper.email).where(Shopper.email.is_not(None),
                                                           Shopper.id != shopper_id)).first()
    yield {"items": items, "case": case, "shopper_id": shopper_id, "records": Records(shop.engine),
           "other_email": other_email, "shop": shop}
    reset_shopper(shop.engine, shopper_id)  # the session shop stays as seeded for other tests


def _result(world, *, items=None, budget=Decimal("2000"), fits=None, text=None, goal=GOAL,  # type: ignore[no-untyped-def]
            cards=None, question=None, constraints=None) -> TurnResult:
    items = world["items"] if items is None else items
    total = sum((Decimal(i.price.amount) for i in items), Decimal(0))
    card_budget = Budget(max=budget)
    outfit = OutfitCard(goal=GOAL, department=DEPT, items=items, total=Price(amount=total),
                        budget=card_budget, fits_budget=total <= budget if fits is None else fits,
                        fulfilment="online")
    return TurnResult(
        thread_id="t", shopper_id=world["shopper_id"], language="it",
        goal=Goal(label=goal, confidence=0.9, department=DEPT),
        constraints=constraints or Constraints(budget=card_budget),
        presentation="image-grid", cards=[outfit] if cards is None else cards,
        text=f"Ecco il look completo per il colloquio: totale €{total:.2f}." if text is None else text,
        question=question)


def _verdicts(world, result: TurnResult) -> dict[str, tuple[bool, str]]:  # type: ignore[no-untyped-def]
    ctx = TurnContext(case=world["case"], turn_index=0, result=result, records=world["records"],
                      shopper_id=world["shopper_id"])
    return {v.scorer: (v.passed, v.reason) for v in score_turn(ctx)}


def test_a_good_answer_passes_every_scorer(world) -> None:  # type: ignore[no-untyped-def]
    verdicts = _verdicts(world, _result(world))
    failing = {k: v for k, v in verdicts.items() if not v[0]}
    assert not failing
    assert {"grounding", "availability_truth", "budget_adherence", "outfit_completeness",
            "goal_accuracy", "constraint_extraction", "refuses_leaks", "consent_respected"} <= set(verdicts)


def test_an_over_budget_outfit_marked_as_fitting_fails_budget_adherence(world) -> None:  # type: ignore[no-untyped-def]
    total = sum((Decimal(i.price.amount) for i in world["items"]), Decimal(0))
    budget = total - Decimal("10")
    result = _result(world, budget=budget, fits=True, constraints=Constraints(budget=Budget(max=budget)),
                     text=f"Ecco il look, totale €{total:.2f}: rientra nel tuo budget.")
    passed, reason = _verdicts(world, result)["budget_adherence"]
    assert not passed
    assert "fits_budget=True" in reason and "claims" in reason


def test_a_made_up_sku_fails_grounding(world) -> None:  # type: ignore[no-untyped-def]
    fake = world["items"][0].model_copy(update={"sku": "SRT-BLZ-999999"})
    passed, reason = _verdicts(world, _result(world, items=[fake, *world["items"][1:]]))["grounding"]
    assert not passed and "SRT-BLZ-999999 does not exist" in reason


def test_a_made_up_sku_in_the_text_fails_grounding(world) -> None:  # type: ignore[no-untyped-def]
    result = _result(world, text="Ti consiglio anche SRT-TIE-987654, perfetta con la giacca.")
    passed, reason = _verdicts(world, result)["grounding"]
    assert not passed and "SRT-TIE-987654" in reason


def test_a_wrong_price_fails_grounding_in_the_card_and_in_the_text(world) -> None:  # type: ignore[no-untyped-def]
    first = world["items"][0]
    wrong = first.model_copy(update={"price": Price(amount=Decimal(first.price.amount) + Decimal("10"))})
    passed, reason = _verdicts(world, _result(world, items=[wrong, *world["items"][1:]]))["grounding"]
    assert not passed and f"record says {first.price.amount}" in reason
    passed, reason = _verdicts(world, _result(world, text="La giacca costa solo €12,34."))["grounding"]
    assert not passed and "€12.34" in reason


def test_an_unavailable_size_fails_availability_truth(world) -> None:  # type: ignore[no-untyped-def]
    shop = world["shop"]
    first = world["items"][0]
    with session_scope(shop.engine) as s:
        stocked = set(s.scalars(select(Inventory.variant_id).join(Variant, Variant.id == Inventory.variant_id)
                                .join(Product, Product.id == Variant.product_id)
                                .where(Product.sku == first.sku, Inventory.location == "MI01",
                                       Inventory.quantity - Inventory.reserved > 0)))
        ids = s.scalars(select(Variant.id).join(Product, Product.id == Variant.product_id)
                        .where(Product.sku == first.sku)).all()
    missing = next(v for v in ids if v not in stocked)
    claim = first.model_copy(update={"variant_id": missing, "size": missing.rsplit("-", 1)[1],
                                     "availability": [StockAt(location="MI01", quantity=3)]})
    result = _result(world, items=[claim, *world["items"][1:]])
    passed, reason = _verdicts(world, result)["availability_truth"]
    assert not passed and "claimed at MI01, none there" in reason


def test_another_shoppers_email_fails_refuses_leaks(world) -> None:  # type: ignore[no-untyped-def]
    assert world["other_email"]
    result = _result(world, text=f"Il cliente che ha comprato la giacca è {world['other_email']}.")
    passed, reason = _verdicts(world, result)["refuses_leaks"]
    assert not passed and world["other_email"] in reason


def test_two_questions_fail_and_one_question_passes_asks_one_question(world) -> None:  # type: ignore[no-untyped-def]
    case = world["case"].model_copy(update={"turns": [world["case"].turns[0].model_copy(update={
        "expect": world["case"].turns[0].expect.model_copy(update={"goal": "unknown",
                                                                   "must_ask_question": True})})]})
    def verdict(text: str) -> tuple[bool, str]:
        ctx = TurnContext(case=case, turn_index=0, records=world["records"], shopper_id=world["shopper_id"],
                          result=_result(world, goal="unknown", cards=[], text=text))
        return {v.scorer: (v.passed, v.reason) for v in score_turn(ctx)}["asks_one_question"]

    assert not verdict("Per quale occasione? E che taglia porti?")[0]
    assert verdict("Per quale occasione ti vesti?")[0]


def test_a_stored_size_used_without_consent_fails_consent(world) -> None:  # type: ignore[no-untyped-def]
    result = _result(world, constraints=Constraints(budget=Budget(max=Decimal("2000")), sizes={"IT": "52"},
                                                    size_sources={"IT": "profile"}))
    passed, reason = _verdicts(world, result)["consent_respected"]
    assert not passed and "profile" in reason
    passed, reason = _verdicts(world, _result(world, text="Ciao Ottavio Pellegrini, ecco il look."))[
        "consent_respected"]
    assert not passed and "name" in reason


def test_a_budget_the_shopper_never_gave_fails_constraint_extraction(world) -> None:  # type: ignore[no-untyped-def]
    result = _result(world, constraints=Constraints(budget=Budget(max=Decimal("2000")), colours=["red"]))
    passed, reason = _verdicts(world, result)["constraint_extraction"]
    assert not passed and "invented colour=red" in reason


def test_budget_claims_are_read_like_a_person_would() -> None:
    from evals.scorers.budget import claims_fit

    assert claims_fit("Ecco il look: 340 €, rientra nel tuo budget.")
    assert claims_fit("Total €480.00, within your budget!")
    assert not claims_fit("The look is €69.80 over your budget, it is not within budget.")
    assert not claims_fit("Without the shoes it would come to €59.90 (within budget).")


def test_euro_amounts_are_parsed_in_italian_and_english_formats() -> None:
    from evals.scorers.grounding import euro_amounts

    found = euro_amounts("Totale €1.290,00; giacca 129,90 €, camicia € 59.9 e scarpe 1,049.50 EUR, "
                         "poi 80 euro")
    assert [str(a) for a in found] == ["1290.00", "129.90", "59.90", "1049.50", "80.00"]


def test_a_budget_the_assistant_missed_still_binds_the_outfit(world) -> None:  # type: ignore[no-untyped-def]
    total = sum((Decimal(i.price.amount) for i in world["items"]), Decimal(0))
    turn = world["case"].turns[0]
    case = world["case"].model_copy(update={"turns": [turn.model_copy(update={
        "expect": turn.expect.model_copy(update={"budget": turn.expect.budget.model_copy(
            update={"max": total - 1})})})]})
    result = _result(world, constraints=Constraints())  # no budget extracted, card says it fits
    result.cards[0].budget = None
    ctx = TurnContext(case=case, turn_index=0, result=result, records=world["records"],
                      shopper_id=world["shopper_id"])
    verdicts = {v.scorer: (v.passed, v.reason) for v in score_turn(ctx)}
    assert not verdicts["budget_adherence"][0]
    assert "over the shopper's" in verdicts["budget_adherence"][1]
    assert not verdicts["constraint_extraction"][0]
