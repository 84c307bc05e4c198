"""Issue 13's own examples, each over several turns of one thread on the seeded shop: the stylist
follows corrections, keeps what was said before, and answers direct questions directly."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from sqlalchemy import select

from agent.assistant import Assistant
from agent.events import TurnRequest
from agent.settings import Settings
from tools.db.engine import session_scope
from tools.db.models import Product, Store
from tools.shapes import OutfitCard, TurnResult
from tools.taxonomy import COLOUR_FAMILY

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
FIRST = "Ho un colloquio in banca lunedì, sono un uomo, porto la 50 e le scarpe 43, massimo 700 euro"


@pytest.fixture(scope="module")
def assistant(shop: Any) -> Assistant:
    return Assistant.open(Settings(data_dir=shop.data_dir), shop, checkpointer=InMemorySaver())


def say(assistant: Assistant, thread: str, message: str, **extra: Any) -> TurnResult:
    return assistant.run(TurnRequest.model_validate({
        "shopper_id": f"shopper-{thread}", "thread_id": thread, "message": message, "now": NOW, **extra}))


def look(result: TurnResult) -> OutfitCard:
    outfits = [c for c in result.cards if isinstance(c, OutfitCard)]
    assert outfits, f"no look in: {result.text}"
    return outfits[-1]


def piece(card: OutfitCard, slot: str) -> str | None:
    return next((i.sku for i in card.items if i.slot == slot), None)


def colours_of(shop: Any, skus: list[str]) -> dict[str, list[str]]:
    with session_scope(shop.engine) as s:
        return {sku: list(c or []) for sku, c in s.execute(
            select(Product.sku, Product.colours).where(Product.sku.in_(skus)))}


def first_look(assistant: Assistant, thread: str) -> OutfitCard:
    card = look(say(assistant, thread, FIRST))
    assert card.goal == "job_interview" and card.department == "menswear"
    return card


def kept_everything(result: TurnResult, card: OutfitCard) -> None:
    """The goal, the sizes and the budget said in the first turn still hold."""
    assert result.goal.label == "job_interview"
    assert result.constraints.sizes.get("IT") == "50" and result.constraints.sizes.get("EU") == "43"
    assert result.constraints.budget is not None and result.constraints.budget.max == Decimal("700")
    assert card.total.amount <= Decimal("700")
    for item in card.items:
        assert item.size in ("50", "43", "TU") or item.slot in ("shirt",), item


@pytest.mark.parametrize("message,slot", [("Mostrami un'altra giacca", "jacket"),
                                          ("Show me a different jacket", "jacket"),
                                          ("Mostrami altre scarpe", "shoes"),
                                          ("Togli la giacca da smoking", "jacket")])
def test_a_swapped_piece_is_a_new_one_and_the_rest_holds(assistant: Assistant, message: str,
                                                          slot: str) -> None:
    thread = f"swap-{abs(hash(message))}"
    before = first_look(assistant, thread)
    result = say(assistant, thread, message)
    after = look(result)
    assert piece(after, slot) is not None and piece(after, slot) != piece(before, slot)
    kept_everything(result, after)
    again = look(say(assistant, thread, message))  # and a third one is new in the thread too
    assert piece(again, slot) not in (piece(before, slot), piece(after, slot))


@pytest.mark.parametrize("message,colour", [("Non mi piace il marrone", "brown"),
                                            ("I'd rather not wear black", "black"),
                                            ("il grigio non lo porto mai", "grey")])
def test_a_disliked_colour_leaves_the_look_in_any_phrasing(assistant: Assistant, shop: Any, message: str,
                                                           colour: str) -> None:
    thread = f"colour-{colour}"
    first_look(assistant, thread)
    result = say(assistant, thread, message)
    after = look(result)
    for sku, colours in colours_of(shop, [i.sku for i in after.items]).items():
        families = set(colours) | {COLOUR_FAMILY[c] for c in colours if c in COLOUR_FAMILY}
        assert colour not in families, (sku, colours)
    kept_everything(result, after)
    # a later swap keeps the colour out
    later = look(say(assistant, thread, "other shoes please"))
    for sku, colours in colours_of(shop, [i.sku for i in later.items]).items():
        assert colour not in colours, (sku, colours)


def test_cheaper_is_really_cheaper_and_says_by_how_much(assistant: Assistant) -> None:
    before = first_look(assistant, "cheaper")
    result = say(assistant, "cheaper", "Qualcosa di più economico")
    after = look(result)
    saved = before.total.amount - after.total.amount
    enough = min(before.total.amount * Decimal("0.15"), Decimal("30"))
    assert saved >= enough or "Non ho trovato" in result.text
    assert "in meno" in result.text or "Non ho trovato" in result.text
    kept_everything(result, after)


def test_a_removed_tie_stays_removed(assistant: Assistant) -> None:
    first_look(assistant, "no-tie")
    result = say(assistant, "no-tie", "Togli la cravatta")
    assert "tie" not in {i.category for i in look(result).items}
    kept_everything(result, look(result))
    later = say(assistant, "no-tie", "Mostrami altre scarpe")
    assert "tie" not in {i.category for i in look(later).items}


def test_a_corrected_size_dresses_the_look_again(assistant: Assistant) -> None:
    first_look(assistant, "size-48")
    result = say(assistant, "size-48", "Scusa, la taglia giusta è 48")
    after = look(result)
    assert result.constraints.sizes.get("IT") == "48"
    assert {i.size for i in after.items if i.slot in ("jacket", "trousers")} == {"48"}


def test_a_shirt_size_and_a_pickup_city_in_one_message_reserve_the_redressed_look(
        assistant: Assistant, shop: Any) -> None:
    first_look(assistant, "reserve-roma")
    result = say(assistant, "reserve-roma", "camicia L, e prenota il ritiro a Roma")
    assert result.pending_reservation is not None, result.text
    with session_scope(shop.engine) as s:
        city = s.scalar(select(Store.city).where(Store.code == result.pending_reservation["store_code"]))
    assert city == "Roma"
    shirt = next(i for i in result.pending_reservation["items"] if "amicia" in i["title"])
    assert shirt["size"] == "L"


def test_a_product_asked_for_by_its_code_gets_its_stock_not_a_look(assistant: Assistant,
                                                                   shop: Any) -> None:
    with session_scope(shop.engine) as s:
        sku = s.scalar(select(Product.sku).where(Product.category == "blazer",
                                                 Product.department == "menswear").order_by(Product.sku))
    result = say(assistant, "sku-question", f"Avete la giacca {sku} in taglia 50 nel negozio di Napoli?")
    assert [t.name for t in result.tool_calls] == ["check_availability"]
    assert result.tool_calls[0].args["sku"] == sku and result.tool_calls[0].args["size"] == "50"
    assert not any(isinstance(c, OutfitCard) for c in result.cards)
    assert "da te" not in result.text


def test_a_named_city_measures_distances_from_that_city(assistant: Assistant) -> None:
    result = say(assistant, "city-distance",
                 "Ho un colloquio, sono un uomo, taglia 50, scarpe 43, ritiro a Napoli")
    assert "0 km da te" not in result.text and "km da te" not in result.text


def test_the_readme_example_keeps_every_constraint_after_the_department_question(
        assistant: Assistant) -> None:
    thread = "readme"
    first = say(assistant, thread, "Ciao, mi aiuti? Ho un colloquio, taglia 50, scarpe 43, sotto i 600 euro")
    if not [c for c in first.cards if isinstance(c, OutfitCard)]:
        assert "?" in first.text
        first = say(assistant, thread, "uomo")
    card = look(first)
    assert first.goal.label == "job_interview" and card.department == "menswear"
    assert first.constraints.sizes.get("IT") == "50" and first.constraints.sizes.get("EU") == "43"
    assert first.constraints.budget is not None and first.constraints.budget.max == Decimal("600")
    assert card.total.amount <= Decimal("600")


@pytest.mark.parametrize("message,expect", [
    ("A che ora apre il negozio di Torino?", "Orari"),
    ("What are the opening hours of your Milan store?", "Opening hours"),
    ("Fate sartoria nel negozio di Roma?", "sartoria")])
def test_store_questions_are_answered_from_the_store_records(assistant: Assistant, shop: Any,
                                                             message: str, expect: str) -> None:
    result = say(assistant, f"store-{abs(hash(message))}", message)
    assert [t.name for t in result.tool_calls] == ["find_nearby_stores"]
    assert expect in result.text and not any(isinstance(c, OutfitCard) for c in result.cards)
    with session_scope(shop.engine) as s:
        named = [(n, a) for n, a in s.execute(select(Store.name, Store.address)) if n in result.text]
    assert named and all(address in result.text for _, address in named)


def test_a_us_shoe_size_is_converted_and_the_conversion_shown(assistant: Assistant) -> None:
    result = say(assistant, "us-shoes", "running gear for a guy, size 10 shoes")
    assert result.constraints.sizes.get("EU") == "43"
    assert "US 10 → EU 43" in result.text
    shoes = [i for i in look(result).items if i.slot == "shoes"]
    assert shoes and shoes[0].size == "43"


def test_an_ambiguous_size_gets_one_question_then_the_answer_is_used(assistant: Assistant) -> None:
    first = say(assistant, "size-8", "wedding outfit for a woman, size 8")
    assert first.text.count("?") == 1 and not first.cards and not first.constraints.sizes
    second = say(assistant, "size-8", "US, for dresses")
    assert second.constraints.sizes.get("IT") == "44" and "US 8 → IT 44" in second.text
    dress = [i for i in look(second).items if i.slot == "dress"]
    assert dress and dress[0].size == "44"


@pytest.mark.parametrize("message,size", [("in a medium", "M"), ("xx-large", "XXL"), ("2xl", "XXL"),
                                          ("a small", "S")])
def test_english_letter_sizes_dress_the_look(assistant: Assistant, message: str, size: str) -> None:
    result = say(assistant, f"letters-{size}-{len(message)}", f"gym outfit for me (man), {message}")
    assert result.constraints.sizes.get("INT") == size
    assert {i.size for i in look(result).items if i.slot == "top"} <= {size}
