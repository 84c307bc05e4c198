"""Constraint extraction: budgets, sizes, colours, exclusions, places and follow-ups, in both languages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.understanding.constraints import asked_size, extract_constraints, wants_cheaper
from tools.shapes import Budget, Constraints, Location

STORES = {"milano": "MI01", "roma": "RM01", "napoli": "NA01", "torino": "TO01", "firenze": "FI01",
          "bologna": "BO01", "venezia": "VE01", "verona": "VR01", "genova": "GE01", "bari": "BA01",
          "palermo": "PA01", "padova": "PD01", "trieste": "", "lecce": "", "perugia": ""}


# --- budget ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("message", "max_", "min_", "scope"), [
    ("under 200", "200", None, "total"),
    ("max 150€", "150", None, "total"),
    ("budget 300 euro", "300", None, "total"),
    ("sotto i 120", "120", None, "total"),
    ("massimo 250 tutto compreso", "250", None, "total"),
    ("between 50 and 80", "80", "50", "total"),
    ("tra 100 e 200 euro", "200", "100", "total"),
    ("non più di 300", "300", None, "total"),
    ("entro i 400", "400", None, "total"),
    ("fino a 250", "250", None, "total"),
    ("€200", "200", None, "total"),
    ("200 eur", "200", None, "total"),
    ("less than 90", "90", None, "total"),
    ("up to 120", "120", None, "total"),
    ("at most 300", "300", None, "total"),
    ("max 80 a pezzo", "80", None, "per_item"),
    ("100 each", "100", None, "per_item"),
    ("shirts and trousers, 60 per item", "60", None, "per_item"),
    ("sotto i 200 euri", "200", None, "total"),
    ("massimo 250€", "250", None, "total"),
    ("il mio budget è 300", "300", None, "total"),
    ("ho 1.200 € da spendere", "1200", None, "total"),
    ("una cintura sotto i 49,90", "49.90", None, "total"),
    ("giacca taglia 50 sotto i 300 euro e scarpe 43", "300", None, "total"),
    ("50-80 euro", "80", "50", "total"),
    ("sotto i 200 ma non meno di 100", "200", "100", "total"),
    ("con 200 euro cosa mi consigli?", "200", None, "total"),
])
def test_budget_phrasings(message: str, max_: str, min_: str | None, scope: str) -> None:
    budget = extract_constraints(message).budget
    assert budget is not None
    assert budget.max == Decimal(max_)
    assert budget.min == (Decimal(min_) if min_ else None)
    assert (budget.scope, budget.source, budget.currency) == (scope, "message", "EUR")


@pytest.mark.parametrize("message", [
    "taglia 52", "size 44", "2 camicie", "vorrei 3 paia di calze", "alle 18", "nel 2024",
    "entro le 18", "fino alle 19", "I need it by 18:00", "per un bimbo di 8 anni", "scarpe 43",
    "max 2 camicie", "sotto i 40 anni", "tra 2 giorni", "something cheaper", "più economico",
    "costa 120€?", "il 10% di sconto",
])
def test_sizes_quantities_times_and_years_are_not_budgets(message: str) -> None:
    assert extract_constraints(message).budget is None


@settings(max_examples=150, deadline=None)
@given(amount=st.integers(min_value=1, max_value=1_000_000), italian=st.booleans())
def test_under_any_whole_amount_is_an_inclusive_total_maximum(amount: int, italian: bool) -> None:
    message = f"sotto i {amount}" if italian else f"under {amount}"
    budget = extract_constraints(message).budget
    assert budget is not None and budget.max == amount and budget.min is None and budget.scope == "total"


@settings(max_examples=100, deadline=None)
@given(amount=st.decimals(min_value=Decimal("1"), max_value=Decimal("99999"), places=2,
                          allow_nan=False, allow_infinity=False), italian=st.booleans())
def test_under_any_amount_with_cents_is_read_exactly(amount: Decimal, italian: bool) -> None:
    message = f"sotto i {str(amount).replace('.', ',')} euro" if italian else f"under €{amount}"
    budget = extract_constraints(message).budget
    assert budget is not None and budget.max == amount and budget.scope == "total"


@pytest.mark.parametrize(("message", "expected"), [
    ("something cheaper", True), ("qualcosa di più economico", True), ("è troppo caro", True),
    ("meno caro?", True), ("too expensive", True), ("in nero", False), ("under 200", False),
    ("taglia 52", False),
])
def test_wants_cheaper_is_a_flag_not_a_number(message: str, expected: bool) -> None:
    assert wants_cheaper(message) is expected
    if expected:
        assert extract_constraints(message).budget is None


# --- sizes -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("message", "department", "sizes"), [
    ("taglia 52", None, {"IT": "52"}),
    ("size 50", "menswear", {"IT": "50"}),
    ("la 48", None, {"IT": "48"}),
    ("porto la M", None, {"INT": "M"}),
    ("I'm a medium", None, {"INT": "M"}),
    ("I wear a large", None, {"INT": "L"}),
    ("XL please", None, {"INT": "XL"}),
    ("scarpe 43", None, {"EU": "43"}),
    ("numero 43", None, {"EU": "43"}),
    ("shoe size 42", None, {"EU": "42"}),
    ("EU 38", "womenswear", {"EU": "38"}),
    ("porto il 44", None, {"EU": "44"}),
    ("size 42 shoes", None, {"EU": "42"}),
    ("size 43", None, {"EU": "43"}),
    ("per un bimbo di 8 anni", None, {"AGE": "8A"}),
    ("mia figlia ha 7 anni", None, {"AGE": "8A"}),
    ("taglia 50 e scarpe 43", "menswear", {"IT": "50", "EU": "43"}),
    ("taglia 40", "womenswear", {"IT": "40"}),
    ("porto una 50 di giacca e il 42 di scarpe", "menswear", {"IT": "50", "EU": "42"}),
    ("size M shirt", None, {"INT": "M"}),
])
def test_size_phrasings_by_size_system(message: str, department: str | None, sizes: dict[str, str]) -> None:
    found = extract_constraints(message, department=department)
    assert found.sizes == sizes
    assert set(found.size_sources.values()) == {"message"}


@pytest.mark.parametrize("message", [
    "a large bag", "ho 35 anni", "2 anni fa", "2 camicie", "under 200", "in l'altro colore", "taglia 40",
])
def test_words_and_numbers_that_are_not_a_size(message: str) -> None:
    assert extract_constraints(message, department="menswear").sizes == {}


@pytest.mark.parametrize(("message", "asked"), [
    ("Available in size 6?", "6"), ("c'è la 44?", "44"), ("avete la 48?", "48"),
    ("do you have it in 52", "52"), ("ce l'avete in M?", "M"), ("is the jacket available in 50?", "50"),
    ("è disponibile il 42 di scarpe?", "42"),
])
def test_a_size_in_a_question_is_asked_about_not_chosen(message: str, asked: str) -> None:
    assert extract_constraints(message).sizes == {}
    assert asked_size(message) == asked


def test_a_stated_size_next_to_a_question_is_still_the_shoppers() -> None:
    found = extract_constraints("porto la 48, c'è?")
    assert found.sizes == {"IT": "48"}
    assert asked_size("porto la 48, c'è?") is None


def test_profile_sizes_fill_gaps_and_message_sizes_win() -> None:
    found = extract_constraints("taglia 52", profile_sizes={"IT": "50", "INT": "L", "EU": "43"},
                                department="menswear")
    assert found.sizes == {"IT": "52", "INT": "L", "EU": "43"}
    assert found.size_sources == {"IT": "message", "INT": "profile", "EU": "profile"}


def test_profile_sizes_outside_the_departments_run_are_left_out() -> None:
    found = extract_constraints("ciao", profile_sizes={"IT": "50", "EU": "43"}, department="kids")
    assert found.sizes == {}


# --- colours and exclusions ------------------------------------------------------------------

@pytest.mark.parametrize(("message", "colours", "exclusions"), [
    ("giacca blu", ["blue"], []),
    ("in nero", ["black"], []),
    ("No, in nero", ["black"], []),
    ("no black", [], ["black"]),
    ("niente nero", [], ["black"]),
    ("senza cravatta", [], ["tie"]),
    ("not the tie", [], ["tie"]),
    ("no wool", [], ["wool"]),
    ("niente lana, in blu navy", ["navy"], ["wool"]),
    ("anything but brown or black", [], ["brown", "black"]),
    ("grigio o antracite, tranne il nero", ["grey", "charcoal"], ["black"]),
])
def test_colours_and_exclusions(message: str, colours: list[str], exclusions: list[str]) -> None:
    found = extract_constraints(message)
    assert found.colours == colours
    assert found.exclusions == exclusions


# --- location --------------------------------------------------------------------------------

@pytest.mark.parametrize(("message", "city", "store"), [
    ("ritiro a Napoli", "Napoli", "NA01"),
    ("in store in Rome", "Roma", "RM01"),
    ("can I pick it up in Milan?", "Milano", "MI01"),
    ("sono a Torino", "Torino", "TO01"),
    ("Florence please", "Firenze", "FI01"),
    ("ritiro a Venezia", "Venezia", "VE01"),
    ("a Genova", "Genova", "GE01"),
    ("Padua", "Padova", "PD01"),
    ("vivo a Trieste", "Trieste", None),
    ("I'm in Lecce", "Lecce", None),
    ("abito a Roma ma ritiro a Milano", "Milano", "MI01"),
    ("MI01", "Milano", "MI01"),
    ("lo ritiro da rm01", "Roma", "RM01"),
])
def test_location_from_city_names_and_store_codes(message: str, city: str, store: str | None) -> None:
    location = extract_constraints(message, known_cities=STORES).location
    assert location is not None
    assert (location.city, location.store_code, location.source) == (city, store, "message")


def test_cities_without_a_known_store_table_use_the_chains_stores() -> None:
    location = extract_constraints("ritiro a Bari").location
    assert location is not None and (location.city, location.store_code) == ("Bari", "BA01")
    location = extract_constraints("sono a Cagliari").location
    assert location is not None and (location.city, location.store_code) == ("Cagliari", None)


def test_profile_city_fills_the_gap_and_the_message_wins() -> None:
    from_profile = extract_constraints("ciao", profile_city="Perugia", known_cities=STORES).location
    assert from_profile == Location(city="Perugia", store_code=None, source="profile")
    said = extract_constraints("ritiro a Bologna", profile_city="Perugia", known_cities=STORES).location
    assert said is not None and (said.city, said.store_code, said.source) == ("Bologna", "BO01", "message")


def test_no_city_no_location() -> None:
    assert extract_constraints("una giacca blu per il colloquio").location is None


# --- only some slots -------------------------------------------------------------------------

@pytest.mark.parametrize(("message", "slots"), [
    ("only the shoes", ["shoes"]), ("solo le scarpe", ["shoes"]), ("just the jacket", ["jacket"]),
    ("mi serve solo la giacca e la cravatta", ["jacket", "tie"]), ("only need a belt", ["belt"]),
    ("solo per il matrimonio", []), ("just looking", []),
])
def test_only_slots(message: str, slots: list[str]) -> None:
    assert extract_constraints(message).only_slots == slots


def test_whole_outfit_after_only_shoes_resets_the_slots() -> None:
    first = extract_constraints("solo le scarpe")
    assert extract_constraints("show me the whole outfit", previous=first).only_slots == []
    assert extract_constraints("in nero", previous=first).only_slots == ["shoes"]


# --- follow-ups ------------------------------------------------------------------------------

@pytest.fixture
def first_turn() -> Constraints:
    return extract_constraints("giacca blu taglia 52 sotto i 300 euro, ritiro a Napoli, niente lana",
                               known_cities=STORES)


def test_first_turn_reads_everything(first_turn: Constraints) -> None:
    assert first_turn.budget == Budget(max=Decimal("300"), source="message")
    assert first_turn.sizes == {"IT": "52"}
    assert first_turn.colours == ["blue"]
    assert first_turn.location == Location(city="Napoli", store_code="NA01", source="message")
    assert first_turn.exclusions == ["wool"]


def test_follow_up_in_black_changes_only_the_colour(first_turn: Constraints) -> None:
    after = extract_constraints("in black", previous=first_turn, known_cities=STORES)
    assert after.colours == ["black"]
    assert after.budget is not None and after.budget.max == 300 and after.budget.source == "conversation"
    assert after.sizes == {"IT": "52"} and after.size_sources == {"IT": "conversation"}
    assert after.location is not None and after.location.store_code == "NA01"
    assert after.exclusions == ["wool"]


def test_follow_up_size_changes_only_the_size(first_turn: Constraints) -> None:
    after = extract_constraints("taglia 50", previous=first_turn, known_cities=STORES)
    assert after.sizes == {"IT": "50"} and after.size_sources == {"IT": "message"}
    assert after.colours == ["blue"]
    assert after.budget is not None and after.budget.max == 300


def test_follow_up_city_changes_only_the_location(first_turn: Constraints) -> None:
    after = extract_constraints("ritiro a Milano", previous=first_turn, known_cities=STORES)
    assert after.location == Location(city="Milano", store_code="MI01", source="message")
    assert after.sizes == {"IT": "52"} and after.colours == ["blue"]


def test_follow_up_budget_replaces_the_old_one(first_turn: Constraints) -> None:
    after = extract_constraints("max 80 a pezzo", previous=first_turn, known_cities=STORES)
    assert after.budget == Budget(max=Decimal("80"), scope="per_item", source="message")


def test_cheaper_follow_up_keeps_the_budget_number(first_turn: Constraints) -> None:
    after = extract_constraints("something cheaper", previous=first_turn, known_cities=STORES)
    assert after.budget is not None and after.budget.max == 300
    assert wants_cheaper("something cheaper")


def test_available_in_size_follow_up_does_not_change_the_chosen_size(first_turn: Constraints) -> None:
    after = extract_constraints("è disponibile in 54?", previous=first_turn, known_cities=STORES)
    assert after.sizes == {"IT": "52"}
    assert asked_size("è disponibile in 54?") == "54"


def test_a_colour_once_excluded_can_be_asked_for_again() -> None:
    first = extract_constraints("no black")
    after = extract_constraints("actually, in black", previous=first)
    assert after.colours == ["black"] and after.exclusions == []


def test_also_in_adds_a_colour() -> None:
    first = extract_constraints("in blu")
    assert extract_constraints("anche in grigio", previous=first).colours == ["blue", "grey"]


# --- budgets said the way people talk (figure first, negated floors, rough figures, follow-ups) ----

@pytest.mark.parametrize(("message", "max_", "scope"), [
    ("gym gear, 90 all in", "90", "total"),
    ("sneakers and jeans for 150 tops", "150", "total"),
    ("date outfit, 200 max", "200", "total"),
    ("look per l'ufficio, 250 al massimo", "250", "total"),
    ("nothing above 45 each please", "45", "per_item"),
    ("nessun pezzo oltre i 70 euro", "70", "per_item"),
    ("non voglio spendere più di 300 in tutto", "300", "total"),
    ("I don't want to spend more than 250", "250", "total"),
    ("cena elegante, sui 400", "400", "total"),
    ("around 250 for the whole look", "250", "total"),
    ("intorno ai 180 euro", "180", "total"),
    ("300 or so", "300", "total"),
    ("diciamo 320", "320", "total"),
    ("ok, facciamo 500", "500", "total"),
    ("80 per piece, not in total", "80", "per_item"),
    ("300 in total, not each", "300", "total"),
])
def test_budgets_people_actually_type(message: str, max_: str, scope: str) -> None:
    budget = extract_constraints(message).budget
    assert budget is not None, message
    assert (budget.max, budget.scope, budget.min) == (Decimal(max_), scope, None)


@pytest.mark.parametrize("message", [
    "make it a 48", "make it size 50", "diciamo la 48", "facciamo 2 camicie", "alle 18 al massimo",
    "nothing over size 44", "sui 40 anni", "around 10 am", "say 48 jacket", "money is not an issue",
    "taglia 52 massimo", "2 shirts max",
])
def test_sizes_times_and_quantities_stay_out_of_the_softer_budget_cues(message: str) -> None:
    assert extract_constraints(message).budget is None


@pytest.mark.parametrize("message", ["can we make it 350?", "hmm, let's say 350", "make it 350 instead"])
def test_a_new_figure_in_a_follow_up_replaces_the_budget(message: str) -> None:
    first = extract_constraints("wedding guest look, budget 500")
    after = extract_constraints(message, previous=first)
    assert after.budget == Budget(max=Decimal("350"), scope="total", source="message")


def test_a_scope_change_without_a_figure_keeps_the_amount() -> None:
    first = extract_constraints("budget 300")
    after = extract_constraints("actually per item, not total", previous=first)
    assert after.budget is not None and (after.budget.max, after.budget.scope) == (300, "per_item")
    back = extract_constraints("sorry, I meant 300 in total", previous=after)
    assert back.budget is not None and back.budget.scope == "total"
    assert extract_constraints("in blu", previous=after).budget == after.budget.model_copy(
        update={"source": "conversation"})


# --- sizes tied to the garment next to them, pairs, questions that name a need, kids' ages -------

@pytest.mark.parametrize(("message", "department", "sizes"), [
    ("50 blazer and 44 shoes", "menswear", {"IT": "50", "EU": "44"}),
    ("un 46 di giacca", None, {"IT": "46"}),
    ("I'm a 42 in Italian sizes", "womenswear", {"IT": "42"}),
    ("size 36 pumps and a 40 skirt", "womenswear", {"EU": "36", "IT": "40"}),
    ("taglia L e 41", "womenswear", {"INT": "L", "EU": "41"}),
    ("XL and 45", "menswear", {"INT": "XL", "EU": "45"}),
    ("scarpe da trekking 40 e felpa M", "womenswear", {"EU": "40", "INT": "M"}),
    ("stivali 39, piumino S", "womenswear", {"EU": "39", "INT": "S"}),
    ("just the boots, size 39", "womenswear", {"EU": "39"}),
    ("camicia bianca L", None, {"INT": "L"}),
])
def test_a_number_is_read_by_the_garment_or_size_beside_it(message: str, department: str | None,
                                                             sizes: dict[str, str]) -> None:
    assert extract_constraints(message, department=department).sizes == sizes


@pytest.mark.parametrize(("message", "department", "sizes"), [
    ("do you have hiking boots in 44 and a rain jacket in M?", "menswear", {"EU": "44", "INT": "M"}),
    ("avete stivali 38? mi servono per il weekend", "womenswear", {"EU": "38"}),
    ("c'è il 41 di sneakers? mi serve per la palestra", "menswear", {"EU": "41"}),
])
def test_a_question_for_a_kind_of_garment_in_a_size_gives_the_shoppers_size(
        message: str, department: str, sizes: dict[str, str]) -> None:
    found = extract_constraints(message, department=department)
    assert found.sizes == sizes
    assert asked_size(message, department) is None


@pytest.mark.parametrize(("message", "asked"), [
    ("do you have it in 44?", "44"), ("avete questa giacca in 50?", "50"),
    ("is the coat available in M?", "M"),
    ("is the blazer available in 52? I need it for friday", "52"),
])
def test_a_question_about_a_shown_piece_stays_an_availability_question(message: str, asked: str) -> None:
    assert extract_constraints(message, department="menswear").sizes == {}
    assert asked_size(message, "menswear") == asked


@pytest.mark.parametrize(("message", "department", "sizes"), [
    ("taglia 64", "menswear", {"IT": "64"}), ("scarpe 48", "menswear", {"EU": "48"}),
    ("size 34 sandals", "womenswear", {"EU": "34"}),
])
def test_real_sizes_the_shop_does_not_stock_are_kept(message: str, department: str,
                                                     sizes: dict[str, str]) -> None:
    assert extract_constraints(message, department=department).sizes == sizes


@pytest.mark.parametrize(("message", "department"), [
    ("size 12", "womenswear"), ("taglia 30", "menswear"), ("scarpe 70", None),
])
def test_numbers_no_one_wears_are_not_sizes(message: str, department: str | None) -> None:
    assert extract_constraints(message, department=department).sizes == {}


@pytest.mark.parametrize(("message", "sizes"), [
    ("for my boy, he is 6", {"AGE": "6A"}), ("my daughter (she's 4) needs a coat", {"AGE": "4A"}),
    ("un regalo per mio figlio, compie 12 anni", {"AGE": "12A"}), ("my husband, he's 45", {}),
])
def test_a_childs_age_is_their_size(message: str, sizes: dict[str, str]) -> None:
    assert extract_constraints(message).sizes == sizes


@pytest.mark.parametrize(("message", "colours"), [
    ("cappotto blu navy", ["navy"]), ("pantaloni verde militare", ["olive"]),
    ("charcoal grey trousers or black", ["charcoal", "black"]),
    ("giacca grigia e pantaloni blu", ["grey", "blue"]),
])
def test_a_shade_after_its_colour_family_is_the_colour(message: str, colours: list[str]) -> None:
    assert extract_constraints(message).colours == colours


def test_a_dress_code_is_not_a_colour() -> None:
    assert extract_constraints("a black tie dinner").colours == []
    assert extract_constraints("black tie dinner, in navy").colours == ["navy"]
