"""Goals said in ordinary words: the message's meaning (MiniLM against shoppers' sentences) beside the
word rules, misspelt occasion words, and the turns that must leave the goal alone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import numpy as np
import pytest

from agent.understanding.goal_meaning import EXEMPLARS, NO_GOAL, meaning_vote, respell
from agent.understanding.goals import infer_goal
from tools.catalog.embeddings import Embedder
from tools.shapes import Goal, ProductFacts
from tools.taxonomy import GOALS

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


class CountingEncoder:
    """The real embedder, counting the texts each call encodes."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.calls: list[int] = []

    @property
    def space(self) -> str:
        return "counting-" + self.inner.space  # its own exemplar cache entry

    def encode(self, texts: list[str]) -> np.ndarray:
        self.calls.append(len(texts))
        return self.inner.encode(texts)


@pytest.fixture(scope="module")
def encoder() -> Embedder:
    return Embedder()


def no_products(skus: Sequence[str]) -> dict[str, ProductFacts]:
    return {}


def read(message: str, encoder: Embedder | CountingEncoder | None,
         previous: Goal | None = None) -> Goal:
    return infer_goal([], message, NOW, no_products, previous=previous, encoder=encoder)


def thread_on(label: str) -> Goal:
    return Goal(label=label, confidence=0.9, source="message")


def test_every_goal_has_its_own_exemplars() -> None:
    assert set(EXEMPLARS) == {*GOALS, NO_GOAL}
    for goal, sentences in EXEMPLARS.items():
        assert 10 <= len(sentences) <= (100 if goal == NO_GOAL else 25), goal
        assert len(set(sentences)) == len(sentences), goal
    every = [s for sentences in EXEMPLARS.values() for s in sentences]
    assert len(set(every)) == len(every)  # one sentence, one owner


@pytest.mark.parametrize(("message", "label"), [
    # the brief's own examples
    ("My best friend is getting married in Tuscany in July. What should I wear?", "wedding_guest"),
    ("It's been pouring all week and I walk to the office", "rainy_days"),
    ("Walking the Via Francigena for a week in May", "outdoor_hiking"),
    # weddings said without the word
    ("my sister's big day is in October and I'm a bridesmaid", "wedding_guest"),
    ("mio cugino si sposa, cosa mi metto?", "wedding_guest"),
    ("la mia amica del cuore si sposa a luglio in Puglia", "wedding_guest"),
    ("my oldest friend is tying the knot in Lake Como", "wedding_guest"),
    ("I've been asked to be a groomsman", "wedding_guest"),
    # interviews and a new job
    ("I'm meeting the hiring manager tomorrow", "job_interview"),
    ("second round at Deloitte on Thursday, I'm so nervous", "job_interview"),
    ("first day at the new company on Monday", "office_everyday"),
    ("we're back at the office full time from September", "office_everyday"),
    ("torniamo in sede tutti i giorni", "office_everyday"),
    # taking someone out
    ("our anniversary dinner is on Friday", "date_night"),
    ("I'm taking my boyfriend out for his birthday dinner", "date_night"),
    ("porto mia moglie a cena per festeggiare dieci anni", "date_night"),
    # the sea, the snow
    ("a week at the sea in Sardinia", "beach_holiday"),
    ("andiamo a Sharm a dicembre", "beach_holiday"),  # a winter month, yet the Red Sea
    ("Ibiza with the girls in July", "beach_holiday"),
    ("ski week in Val Gardena", "winter_cold"),
    ("I'm moving to Helsinki for work in November", "winter_cold"),
    ("mi trasferisco in Canada, lì fa un freddo cane", "winter_cold"),
    # sport, evenings, work trips, trails
    ("I'm getting back into running after the winter", "sport_training"),
    ("just joined a gym next to my flat", "sport_training"),
    ("a gala at the Four Seasons", "formal_evening"),
    ("black-tie dinner at the embassy", "formal_evening"),
    ("andiamo alla prima della Scala", "formal_evening"),
    ("a conference in Barcelona next month", "business_travel"),
    ("flying to Dubai for client meetings all week", "business_travel"),
    ("trekking in the Dolomites in August", "outdoor_hiking"),
    ("a walk along the Cinque Terre paths", "outdoor_hiking"),
])
def test_a_goal_said_in_ordinary_words(message: str, label: str, encoder: Embedder) -> None:
    goal = read(message, encoder)
    assert (goal.label, goal.source) == (label, "message")
    assert goal.evidence[0].type == "message"


@pytest.mark.parametrize(("message", "label"), [
    ("my cousin's weding is in three weeks", "wedding_guest"),
    ("ho un colloqio giovedì in un'agenzia", "job_interview"),
    ("got an intervew at Google next week", "job_interview"),
    ("matrimono di mia sorella a giugno", "wedding_guest"),
    ("ricomincio con la palestar", "sport_training"),
])
def test_a_misspelt_occasion_is_read_without_the_model(message: str, label: str) -> None:
    assert read(message, None).label == label


@pytest.mark.parametrize("text", [
    "la sposta a domani", "mio marito lavora in banca", "we're spending Christmas at home",
    "giacche eleganti", "weddings",
])
def test_real_words_are_not_respelt_into_occasions(text: str) -> None:
    assert respell(text) == text


@pytest.mark.parametrize("message", [
    "ciao", "taglia 52", "sotto i 300 euro", "hai altre scarpe?", "no black please",
    "prenota il ritiro a Roma", "is it available in Milan?", "I need some new clothes",
    "can you make it cheaper?", "grazie, perfetto",
])
def test_a_turn_about_something_else_names_no_goal(message: str, encoder: Embedder) -> None:
    assert read(message, encoder).label == "unknown"
    assert meaning_vote(message, encoder) is None


@pytest.mark.parametrize("message", [
    "no black please", "something cheaper", "la giacca è troppo lunga", "hai altre scarpe?",
    "le scarpe non mi convincono", "make it a bit more laid back", "e una borsa abbinata?",
    "the trousers look too baggy", "too warm for the season maybe?", "mi piace, lo prenoto per sabato",
    "what would you pair with it?", "qualcosa di più sobrio", "ciao", "taglia 52",
])
@pytest.mark.parametrize("thread", ["wedding_guest", "office_everyday", "beach_holiday"])
def test_a_correction_after_a_look_keeps_the_goal(message: str, thread: str, encoder: Embedder) -> None:
    goal = read(message, encoder, previous=thread_on(thread))
    assert (goal.label, goal.source) == (thread, "conversation")


def test_a_new_occasion_in_a_thread_moves_the_goal(encoder: Embedder) -> None:
    goal = read("My best friend is getting married in Tuscany in July. What should I wear?", encoder,
                previous=thread_on("casual_weekend"))
    assert (goal.label, goal.source) == ("wedding_guest", "message")


@pytest.mark.parametrize("message", ["piove e vado in ufficio", "vado in ufficio e piove"])
def test_the_weather_outranks_the_office_in_either_order(message: str) -> None:
    assert read(message, None).label == "rainy_days"


def test_dropping_the_threads_goal_lets_the_next_occasion_in(encoder: Embedder) -> None:
    goal = read("no more gym stuff, my best friend is getting married", encoder,
                previous=thread_on("sport_training"))
    assert (goal.label, goal.source) == ("wedding_guest", "message")


def test_the_word_rules_stay_first_and_then_no_model_runs(encoder: Embedder) -> None:
    counting = CountingEncoder(encoder)
    read("ciao", counting)  # builds the exemplar bank once
    counting.calls.clear()
    assert read("matrimonio a gennaio", counting).label == "wedding_guest"
    assert read("colloquio in banca lunedì", counting).label == "job_interview"
    assert counting.calls == []


def test_a_turn_costs_one_encode_of_one_text(encoder: Embedder) -> None:
    counting = CountingEncoder(encoder)
    read("ciao", counting)
    counting.calls.clear()
    read("Walking the Via Francigena for a week in May", counting)
    read("taglia 52", counting, previous=thread_on("wedding_guest"))
    assert counting.calls == [1, 1]


def test_without_an_encoder_only_the_words_speak() -> None:
    assert read("Walking the Via Francigena for a week in May", None).label == "unknown"
