"""The optional LLM planner over real HTTP: a scripted OpenAI-compatible server on 127.0.0.1 drives
the real Assistant on the seeded shop. Cards and figures must come from tool records whatever the
model says, and any model failure must leave the shopper with the deterministic answer."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from openai_fake import (
    FakeOpenAI,
    echo,
    http_error,
    malformed_call,
    serve_openai_fake,
    slow,
    text,
    tool_call,
    tool_calls,
    trickle,
)
from sqlalchemy import select
from support import outbound_attempts

from agent.answer.grounding import check_grounding
from agent.answer.render import eur
from agent.assistant import Assistant
from agent.events import TurnRequest
from agent.planning.model_factory import resolved_endpoint
from agent.settings import Settings
from tools.db.engine import session_scope
from tools.db.models import Product
from tools.shapes import OutfitCard, TurnResult
from tools.table import TOOLS

TIMEOUT_S = 1.0
INTERVIEW = "I need a men's outfit for a job interview, budget 600 euro, jacket size 50, shoes 43"
INTERVIEW_IT = "Ho un colloquio di lavoro, look da uomo, budget 600 euro, giacca 50, scarpe 43"
_EURO = re.compile(r"€\s?[\d.,]*\d")


@pytest.fixture
def openai_fake() -> Iterator[FakeOpenAI]:
    with serve_openai_fake() as fake:
        yield fake


def _assistant(fake: FakeOpenAI, shop: Any, tmp_path: Path, max_tool_calls: int = 6) -> Assistant:
    settings = Settings(llm_model="test-model", llm_base_url=fake.base_url, llm_timeout_s=TIMEOUT_S,
                        llm_max_tool_calls=max_tool_calls, data_dir=tmp_path)
    return Assistant.open(settings, shop, checkpointer=InMemorySaver())  # type: ignore[arg-type]


def _ask(assistant: Assistant, message: str = INTERVIEW, language: str = "en") -> TurnResult:
    who = uuid.uuid4().hex[:8]
    return assistant.run(TurnRequest(shopper_id=f"guest-llm-{who}", thread_id=f"th-llm-{who}",
                                     message=message, language=language))


def _outfit(result: TurnResult) -> OutfitCard:
    cards = [c for c in result.cards if isinstance(c, OutfitCard)]
    assert cards, f"no outfit card in {[c.type for c in result.cards]}"
    return cards[0]


def _record_prices(result: TurnResult) -> set[str]:
    """Every € amount the records of this turn back, as the English template writes it."""
    amounts: set[Decimal] = set()
    for card in result.cards:
        for item in getattr(card, "items", []):
            amounts.add(Decimal(str(item.price.amount)))
        if isinstance(card, OutfitCard):
            amounts.add(card.total.amount)
            if card.budget and card.budget.max is not None:
                amounts.add(card.budget.max)
            if card.over_budget_by is not None:
                amounts.add(card.over_budget_by)
            for alternatives in card.alternatives.values():
                amounts |= {a.price.amount for a in alternatives}
    return {eur(a, "en") for a in amounts}


def _draft_of(body: dict[str, Any]) -> str:
    system = body["messages"][0]["content"]
    return str(system.split("Draft answer:", 1)[1].strip())


# --- the LLM plans with the real tools -------------------------------------------------------

def test_model_tool_call_runs_the_real_tool_and_cards_come_from_the_catalog(
        openai_fake: FakeOpenAI, shop: Any, tmp_path: Path) -> None:
    _, script, requests = openai_fake
    # only the shoes: a plan the deterministic planner would not make for this message
    script.extend([tool_call("assemble_outfit", goal="job_interview", only_slots=["shoes"]),
                   text("Here are the shoes."), http_error(500)])
    result = _ask(_assistant(openai_fake, shop, tmp_path))

    assert [(t.name, t.args.get("only_slots")) for t in result.tool_calls] == [("assemble_outfit", ["shoes"])]
    card = _outfit(result)
    assert [i.slot for i in card.items] == ["shoes"]
    with session_scope(shop.engine) as s:
        prices = dict(s.execute(select(Product.sku, Product.price)
                                .where(Product.sku.in_([i.sku for i in card.items]))).tuples().all())
    assert {i.sku: i.price.amount for i in card.items} == prices
    assert eur(card.items[0].price.amount, "en") in result.text

    first = requests[0]["body"]
    assert first["stream"] is True and first["model"] == "test-model"
    assert {t["function"]["name"] for t in first["tools"]} == set(TOOLS)
    system = first["messages"][0]["content"]
    assert "job_interview" in system and "600" in system and '"IT":"50"' in system
    assert first["messages"][-1] == {"role": "user", "content": INTERVIEW}
    # the second call carries the tool result (real SKUs) as a tool message after the tool call
    second = requests[1]["body"]["messages"]
    assert second[-2]["tool_calls"][0]["function"]["name"] == "assemble_outfit"
    assert second[-1]["role"] == "tool" and card.items[0].sku in second[-1]["content"]


def test_grounded_rewording_is_shown(openai_fake: FakeOpenAI, shop: Any, tmp_path: Path) -> None:
    _, script, requests = openai_fake
    script.extend([tool_call("assemble_outfit", goal="job_interview"), text("Done."),
                   echo(lambda body: "Great choice for the interview!\n" + _draft_of(body))])
    result = _ask(_assistant(openai_fake, shop, tmp_path))

    assert result.text.startswith("Great choice for the interview!")
    assert eur(_outfit(result).total.amount, "en") in result.text
    assert requests[-1]["body"].get("stream") is not True and "tools" not in requests[-1]["body"]


def test_invented_price_in_the_wording_is_rejected(openai_fake: FakeOpenAI, shop: Any,
                                                   tmp_path: Path) -> None:
    _, script, _ = openai_fake
    script.extend([tool_call("assemble_outfit", goal="job_interview"), text("Done."),
                   echo(lambda body: _draft_of(body) + "\nToday only the whole look is €99.00!")])
    result = _ask(_assistant(openai_fake, shop, tmp_path))

    assert "€99.00" not in result.text and "Today only" not in result.text
    card = _outfit(result)
    assert eur(card.total.amount, "en") in result.text
    assert set(_EURO.findall(result.text)) <= _record_prices(result)


# --- any model failure: the deterministic planner answers, quickly and truthfully -------------

@pytest.mark.parametrize("failure", [
    pytest.param(http_error(500), id="http-500"),
    pytest.param(slow(TIMEOUT_S + 2, tool_call("assemble_outfit")), id="timeout"),
    pytest.param(malformed_call("assemble_outfit", '{"goal": "job_interv'), id="truncated-json-args"),
    pytest.param(tool_call("export_customer_emails", city="Milano"), id="unknown-tool"),
    pytest.param(tool_call("find_budget_alternatives", max_price=10), id="missing-required-arg"),
    # every read arrives within the HTTP timeout, the whole answer does not
    pytest.param(trickle(0.4, tool_call("assemble_outfit", goal="job_interview")), id="slow-stream"),
])
def test_model_failure_falls_back_to_the_deterministic_planner(
        failure: Any, openai_fake: FakeOpenAI, shop: Any, tmp_path: Path) -> None:
    _, script, requests = openai_fake
    script.append(failure)
    script.repeat = text("this must never be shown")
    assistant = _assistant(openai_fake, shop, tmp_path)
    started = time.perf_counter()
    result = _ask(assistant)
    elapsed = time.perf_counter() - started

    assert [t.name for t in result.tool_calls][:1] == ["assemble_outfit"]
    assert _outfit(result).items
    assert "never be shown" not in result.text
    assert set(_EURO.findall(result.text)) <= _record_prices(result)
    assert len(requests) == 1  # asked once; after a failure the turn is not kept waiting again
    assert elapsed < TIMEOUT_S + 5, f"fallback turn took {elapsed:.1f} s"


# --- a model that finishes with nothing to show: the deterministic planner takes the turn -------

@pytest.mark.parametrize("first", [
    pytest.param(tool_call("check_availability", sku="SRT-XXX-999999", size="50"), id="unknown-sku"),
    pytest.param(text(""), id="empty-text"),
])
@pytest.mark.parametrize(("message", "language"), [(INTERVIEW, "en"), (INTERVIEW_IT, "it")],
                         ids=["en", "it"])
def test_a_model_that_shows_nothing_hands_the_turn_to_the_deterministic_planner(
        first: Any, message: str, language: str, openai_fake: FakeOpenAI, shop: Any,
        tmp_path: Path) -> None:
    _, script, requests = openai_fake
    script.append(first)
    script.repeat = text("")  # and then nothing at all
    result = _ask(_assistant(openai_fake, shop, tmp_path), message, language)

    card = _outfit(result)
    assert card.items and card.fits_budget
    assert result.text.strip() and "never" not in result.text
    assert [t.name for t in result.tool_calls][-1:] == ["assemble_outfit"]
    if language == "en":
        assert set(_EURO.findall(result.text)) <= _record_prices(result)
    with session_scope(shop.engine) as s:
        prices = dict(s.execute(select(Product.sku, Product.price)
                                .where(Product.sku.in_([i.sku for i in card.items]))).tuples().all())
    assert {i.sku: i.price.amount for i in card.items} == prices
    # the model is not asked to reword an answer it did not plan
    assert all("Draft answer:" not in r["body"]["messages"][0]["content"] for r in requests)


def test_model_availability_lookup_shows_the_stock_card(openai_fake: FakeOpenAI, shop: Any,
                                                         tmp_path: Path) -> None:
    with session_scope(shop.engine) as s:
        sku = s.scalars(select(Product.sku).order_by(Product.sku).where(
            Product.category == "blazer", Product.department == "menswear")).first()
    _, script, _ = openai_fake
    script.extend([tool_call("check_availability", sku=sku), text("")])
    script.repeat = text("")
    result = _ask(_assistant(openai_fake, shop, tmp_path), f"Is {sku} in stock?")

    assert [t.name for t in result.tool_calls] == ["check_availability"]
    cards = [c for c in result.cards if c.type == "sarto.availability"]
    assert len(cards) == 1 and cards[0].sku == sku and cards[0].locations
    assert cards[0].title in result.text


def test_unknown_size_is_answered_with_the_sizes_the_product_comes_in(
        openai_fake: FakeOpenAI, shop: Any, tmp_path: Path) -> None:
    with session_scope(shop.engine) as s:
        sku = s.scalars(select(Product.sku).order_by(Product.sku).where(
            Product.category == "blazer", Product.department == "menswear")).first()
    _, script, _ = openai_fake
    script.extend([tool_call("check_availability", sku=sku, size="XXXL"), text("")])
    script.repeat = text("")
    result = _ask(_assistant(openai_fake, shop, tmp_path), f"Do you have {sku} in XXXL?")

    assert [(t.name, t.status) for t in result.tool_calls] == [("check_availability", "unknown_size")]
    assert "XXXL" in result.text and "50" in result.text  # the blazer's own sizes, from its variants


# --- limits ----------------------------------------------------------------------------------

def test_tool_call_cap_stops_a_model_that_keeps_calling_tools(
        openai_fake: FakeOpenAI, shop: Any, tmp_path: Path) -> None:
    _, script, requests = openai_fake
    script.extend(tool_call("search_products", query=q) for q in
                  ["navy blazer", "white shirt", "grey trousers", "derby shoes", "silk tie", "belt"])
    result = _ask(_assistant(openai_fake, shop, tmp_path, max_tool_calls=3))

    assert [t.args["query"] for t in result.tool_calls] == ["navy blazer", "white shirt", "grey trousers"]
    plan_requests = [r for r in requests if r["body"].get("tools")]
    assert len(plan_requests) == 3


def test_parallel_calls_beyond_the_cap_are_trimmed(openai_fake: FakeOpenAI, shop: Any,
                                                   tmp_path: Path) -> None:
    _, script, _ = openai_fake
    script.append(tool_calls(*[("search_products", {"query": q}) for q in ["a coat", "a scarf", "a hat"]]))
    script.repeat = text("done")
    result = _ask(_assistant(openai_fake, shop, tmp_path, max_tool_calls=2))

    assert [t.args["query"] for t in result.tool_calls] == ["a coat", "a scarf"]


def test_repeating_the_same_call_ends_the_loop(openai_fake: FakeOpenAI, shop: Any, tmp_path: Path) -> None:
    _, script, _ = openai_fake
    script.repeat = tool_call("search_products", query="navy blazer")
    result = _ask(_assistant(openai_fake, shop, tmp_path))

    assert [t.name for t in result.tool_calls] == ["search_products"]


# --- endpoint configuration and the network guard --------------------------------------------

def test_explicit_base_url_wins_over_openai_env_and_keyless_servers_work(
        openai_fake: FakeOpenAI, shop: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "https://api.example.invalid/v1")
    _, script, requests = openai_fake
    script.extend([tool_call("assemble_outfit", goal="job_interview"), text("Done.")])
    before = len(outbound_attempts)
    result = _ask(_assistant(openai_fake, shop, tmp_path))

    assert result.tool_calls and requests, "the scripted local server was not used"
    assert requests[0]["authorization"] == "Bearer not-needed"
    assert len(outbound_attempts) == before


def test_endpoint_falls_back_to_openai_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:11434/v1/")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    assert resolved_endpoint(Settings(llm_model="m")) == ("http://127.0.0.1:11434/v1", "sk-env")
    own = Settings(llm_model="m", llm_base_url="http://127.0.0.1:8001/v1", llm_api_key="sk-own")
    assert resolved_endpoint(own) == ("http://127.0.0.1:8001/v1", "sk-own")


# --- the grounding check on its own ----------------------------------------------------------

_RESULTS = {"assemble_outfit": {"status": "ok", "card": {
    "items": [{"sku": "SRT-BLZ-000123", "variant_id": "SRT-BLZ-000123-50", "price": {"amount": 1234.5},
               "availability": [{"location": "MI01", "quantity": 2, "distance_km": 3.4}]},
              {"sku": "SRT-SHO-000045", "price": {"amount": 129.0}, "availability": []}],
    "total": {"amount": 1363.5}}}}


@pytest.mark.parametrize("claim", [
    "The blazer costs €1.234,50 and the shoes 129 euro.",
    "Blazer €1,234.50, total €1,363.50, only 2 left in Milan, 3 km away.",
    "SRT-BLZ-000123 in size 50 (SRT-BLZ-000123-50) for 1234,50 €.",
])
def test_grounding_accepts_figures_from_the_records(claim: str) -> None:
    assert check_grounding(claim, _RESULTS) == []


@pytest.mark.parametrize(("claim", "problem"), [
    ("The blazer is now €999,00.", "price"),
    ("Total 1.300 euro.", "price"),
    ("Try SRT-BLZ-999999 instead.", "SKU"),
    ("Hurry, only 7 left!", "quantity"),
    ("There are 5 pcs in Milan.", "quantity"),
    ("The store is 40 km away.", "distance"),
])
def test_grounding_flags_unbacked_claims(claim: str, problem: str) -> None:
    problems = check_grounding(claim, _RESULTS)
    assert len(problems) == 1 and problems[0].startswith(problem)


def test_grounding_counts_template_lines_as_backed() -> None:
    line = "Without the tie it would come to €1.333,50 (within budget)."
    assert check_grounding("Without the tie: €1.333,50.", _RESULTS) != []
    assert check_grounding("Without the tie: €1.333,50.", _RESULTS, also=[line]) == []
