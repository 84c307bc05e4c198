"""Sizes as English-speaking and tourist shoppers write them: letter words, US/UK shoe and clothes
sizes converted to the shop's EU and IT, and small numbers that read several ways left to ask about."""

from __future__ import annotations

import pytest

from agent.understanding.sizes import read_sizes

# --- letter sizes in words -------------------------------------------------------------------

@pytest.mark.parametrize(("message", "label"), [
    ("a small", "S"), ("size small", "S"), ("I'd like it in a medium", "M"), ("a medium", "M"), ("med", "M"),
    ("sz M", "M"), ("a large", "L"), ("size large", "L"), ("an extra large", "XL"), ("x-large", "XL"),
    ("extra large", "XL"), ("xl", "XL"), ("xx-large", "XXL"), ("2xl", "XXL"), ("XXL", "XXL"),
    ("extra small", "XS"), ("xs", "XS"), ("a small fleece", "S"), ("I take a large", "L"),
    ("I wear a medium size", "M"), ("a large black coat", "L"), ("M please", "M"), ("an L hoodie", "L"),
    ("a small or a medium", "M"),
])
def test_english_letter_sizes_are_int_sizes(message: str, label: str) -> None:
    assert read_sizes(message).chosen == {"INT": label}


@pytest.mark.parametrize("message", ["3x large", "3xl", "xxx-large", "XXXL"])
def test_a_size_the_shop_does_not_make_is_kept_as_said(message: str) -> None:
    assert read_sizes(message, "menswear").chosen == {"INT": "XXXL"}


@pytest.mark.parametrize("message", [
    "a small bag", "a large bag", "medium heels", "I live in a small town", "a small and cosy shop",
    "a medium size bag", "a large selection of coats", "medium blue shirt", "I'm looking for a shirt",
    "it's nice", "I'M LOOKING FOR A SHIRT", "a jumper from M&S",
])
def test_size_words_that_describe_something_else_are_not_sizes(message: str) -> None:
    assert read_sizes(message).chosen == {}


# --- shoes: US and UK to EU ------------------------------------------------------------------

@pytest.mark.parametrize(("message", "department", "eu", "said"), [
    ("US 9", "menswear", "42", ("9", "US")),
    ("size 10 shoes", "menswear", "43", ("10", "US")),
    ("boots size 11 US", "menswear", "44", ("11", "US")),
    ("UK 9 shoes", "menswear", "43", ("9", "UK")),
    ("US 7 boots", "womenswear", "38", ("7", "US")),
    ("size 8 sandals", "womenswear", "39", ("8", "US")),
    ("shoes UK 5", "womenswear", "38", ("5", "UK")),
    ("US women's 8 sneakers", None, "39", ("8", "US")),
])
def test_us_and_uk_shoe_sizes_become_eu(message: str, department: str | None, eu: str,
                                        said: tuple[str, str]) -> None:
    reading = read_sizes(message, department)
    assert reading.chosen == {"EU": eu}
    assert reading.converted == {"EU": said}


@pytest.mark.parametrize(("message", "department", "eu"), [
    ("shoes size 6.5", "womenswear", "38"), ("size 9 1/2 shoes", "menswear", "43"),
    ("9 and a half shoes", "menswear", "43"), ("scarpe 37,5", "womenswear", "38"),
])
def test_a_half_size_rounds_up_to_the_next_eu_size(message: str, department: str, eu: str) -> None:
    assert read_sizes(message, department).chosen == {"EU": eu}


@pytest.mark.parametrize(("message", "department", "eu"), [
    ("EU 39 shoes", "womenswear", "39"), ("shoes 44 EU", "menswear", "44"), ("scarpe 43", None, "43"),
])
def test_eu_shoe_sizes_stay_as_they_are(message: str, department: str | None, eu: str) -> None:
    reading = read_sizes(message, department)
    assert reading.chosen == {"EU": eu}
    assert reading.converted == {}


@pytest.mark.parametrize(("message", "eu"), [
    ("size 10 shoes for my husband", "43"), ("US 9 shoes for my wife", "40"),
])
def test_the_message_names_whose_shoes_when_the_department_is_unknown(message: str, eu: str) -> None:
    assert read_sizes(message).chosen == {"EU": eu}


def test_a_us_shoe_size_with_no_department_is_asked_about_not_guessed() -> None:
    reading = read_sizes("size 10 shoes")
    assert reading.chosen == {}
    assert [(o.department, o.label) for o in reading.ambiguous[0].options] == [("menswear", "43"),
                                                                                ("womenswear", "41")]


# --- clothes: US and UK to IT ----------------------------------------------------------------

@pytest.mark.parametrize(("message", "department", "it", "said"), [
    ("US 6 dress", "womenswear", "42", ("6", "US")),
    ("US 10 dress", "womenswear", "46", ("10", "US")),
    ("UK 10 dress", "womenswear", "42", ("10", "UK")),
    ("UK 12", "womenswear", "44", ("12", "UK")),
    ("US 40 jacket", "menswear", "50", ("40", "US")),
    ("UK 38 chest", "menswear", "48", ("38", "UK")),
    ("40R", "menswear", "50", ("40R", "US")),
    ("I'm a 42 regular", None, "52", ("42", "US")),
])
def test_us_and_uk_clothes_sizes_become_it(message: str, department: str | None, it: str,
                                           said: tuple[str, str]) -> None:
    reading = read_sizes(message, department)
    assert reading.chosen == {"IT": it}
    assert reading.converted == {"IT": said}


@pytest.mark.parametrize(("message", "department"), [
    ("US 42 shoes", "menswear"), ("US 40 jacket", "womenswear"), ("show us 3 dresses", "womenswear"),
    ("I want 2 sneakers", "womenswear"), ("42 regular fit shirt", "menswear"),
])
def test_numbers_no_us_or_uk_size_explains_are_not_read(message: str, department: str) -> None:
    assert read_sizes(message, department).chosen == {}


def test_a_converted_size_and_an_italian_size_in_one_message() -> None:
    reading = read_sizes("taglia 50 e scarpe US 9", "menswear")
    assert reading.chosen == {"IT": "50", "EU": "42"}
    assert reading.converted == {"EU": ("9", "US")}


# --- numbers that read several ways ----------------------------------------------------------

@pytest.mark.parametrize(("message", "department"), [
    ("I'm a size 8", "womenswear"), ("wedding outfit for a woman, size 8", None), ("I'm a 10", "womenswear"),
])
def test_a_womans_bare_small_size_is_ambiguous_not_chosen(message: str, department: str | None) -> None:
    reading = read_sizes(message, department)
    assert reading.chosen == {}
    assert len(reading.ambiguous) == 1
    assert {(o.said_system, o.system) for o in reading.ambiguous[0].options} == {
        ("US", "IT"), ("UK", "IT"), ("US", "EU")}


def test_an_ambiguous_size_lists_what_each_reading_would_be() -> None:
    options = read_sizes("I'm a size 8", "womenswear").ambiguous[0].options
    assert {(o.said_system, o.system, o.label) for o in options} == {
        ("US", "IT", "44"), ("UK", "IT", "40"), ("US", "EU", "39")}


def test_a_dress_size_without_its_system_is_us_or_uk() -> None:
    ambiguous = read_sizes("a 10 dress", "womenswear").ambiguous
    assert ambiguous[0].label == "10"
    assert {(o.said_system, o.label) for o in ambiguous[0].options} == {("US", "46"), ("UK", "42")}


@pytest.mark.parametrize(("message", "department", "it"), [
    ("taglia 42", "womenswear", "42"), ("I'm a 42 in Italian sizes", "womenswear", "42"),
    ("taglia 50", "menswear", "50"),
])
def test_an_italian_size_is_never_ambiguous(message: str, department: str, it: str) -> None:
    reading = read_sizes(message, department)
    assert reading.chosen == {"IT": it}
    assert reading.ambiguous == []


def test_a_small_number_in_a_question_about_a_shown_piece_is_only_asked() -> None:
    reading = read_sizes("do you have it in size 8?", "womenswear")
    assert reading.asked == ["8"]
    assert reading.ambiguous == []


@pytest.mark.parametrize("message", ["for my daughter, size 8", "at 10 am", "my son is 10", "2 camicie"])
def test_childrens_sizes_and_other_numbers_are_not_ambiguous_sizes(message: str) -> None:
    reading = read_sizes(message)
    assert reading.ambiguous == []
    assert reading.chosen == {}
