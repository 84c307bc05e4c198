"""The here and now, as a shopper meets it on the seeded shop: the answer says which city, month and
weather the look went by — what is usual worded as usual, a forecast as a forecast, the app's report
as the app's — "no, vado a Palermo" moves it, and the season and rain change the pieces."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from forecast_fake import serve_forecast
from langgraph.checkpoint.memory import InMemorySaver
from sqlalchemy import select

from agent.assistant import Assistant
from agent.events import TurnRequest
from agent.settings import Settings
from tools.db.engine import session_scope
from tools.db.models import Product
from tools.shapes import OutfitCard, TurnResult

NOVEMBER = datetime(2026, 11, 1, 12, tzinfo=UTC)  # a Sunday, 13:00 in Italy
SEPTEMBER = datetime(2026, 9, 18, 10, tzinfo=UTC)
INTERVIEW_IT = "Ho un colloquio di lavoro a Milano, sono un uomo, taglia 50, scarpe 43"
INTERVIEW_EN = "I have a job interview in Milan, I'm a man, size 50, shoes 43"
FORECAST_WORDS = re.compile(r"\b(previsioni|previst\w*|oggi|domani|forecast|today|tomorrow)\b", re.I)


@pytest.fixture(scope="module")
def assistant(shop: Any) -> Assistant:
    return Assistant.open(Settings(data_dir=shop.data_dir), shop, checkpointer=InMemorySaver())


def ask(assistant: Assistant, thread: str, message: str, now: datetime = NOVEMBER,
        **extra: Any) -> TurnResult:
    return assistant.run(TurnRequest.model_validate({
        "shopper_id": f"moment-{thread}", "thread_id": thread, "message": message, "now": now, **extra}))


def weather_line(result: TurnResult) -> str:
    lines = [line for line in result.text.splitlines() if re.search(r"°C|\bapp\b", line)]
    assert len(lines) == 1, result.text
    return lines[0]


def look(result: TurnResult) -> OutfitCard:
    return next(c for c in result.cards if isinstance(c, OutfitCard))


def seasons_of(shop: Any, card: OutfitCard) -> dict[str, list[str]]:
    with session_scope(shop.engine) as s:
        return {sku: list(seasons or []) for sku, seasons in s.execute(
            select(Product.sku, Product.seasons).where(Product.sku.in_([i.sku for i in card.items])))}


def test_milan_in_november_is_said_as_what_is_usual(assistant: Assistant) -> None:
    result = ask(assistant, "usual-it", INTERVIEW_IT)
    line = weather_line(result)
    assert "di solito a Milano a novembre si va da 6 a 13 °C" in line and "8 giorni di pioggia" in line
    assert not FORECAST_WORDS.search(line)
    assert result.here_and_now is not None and result.here_and_now.weather_source == "normals"
    assert (result.here_and_now.city, result.here_and_now.season) == ("Milano", "winter")


def test_the_shopper_moves_the_weather_to_palermo(assistant: Assistant) -> None:
    ask(assistant, "move-it", INTERVIEW_IT)
    moved = ask(assistant, "move-it", "no, vado a Palermo")
    line = weather_line(moved)
    assert "di solito a Palermo a novembre si va da 14 a 21 °C" in line and "Milano" not in line
    assert moved.goal.label == "job_interview" and look(moved).items
    assert moved.here_and_now is not None and moved.here_and_now.city == "Palermo"


def test_the_shopper_moves_the_weather_to_palermo_in_english(assistant: Assistant) -> None:
    first = ask(assistant, "move-en", INTERVIEW_EN)
    assert "in Milan in November it is usually 6 to 13 °C" in weather_line(first)
    moved = ask(assistant, "move-en", "actually I'm going to Palermo")
    line = weather_line(moved)
    assert "in Palermo in November it is usually 14 to 21 °C" in line and not FORECAST_WORDS.search(line)


def test_palermo_in_september_is_dressed_for_summer_milan_for_autumn(assistant: Assistant, shop: Any) -> None:
    message = "Sono a {city}, mi serve un look per il weekend, uomo, taglia M, scarpe 43"
    palermo = ask(assistant, "sept-pa", message.format(city="Palermo"), now=SEPTEMBER)
    milan = ask(assistant, "sept-mi", message.format(city="Milano"), now=SEPTEMBER)
    for sku, seasons in seasons_of(shop, look(palermo)).items():
        assert not seasons or "summer" in seasons, (sku, seasons)
    for sku, seasons in seasons_of(shop, look(milan)).items():
        assert not seasons or "autumn" in seasons, (sku, seasons)
    assert "di solito a Palermo a settembre si va da 21 a 28 °C" in weather_line(palermo)


def test_the_apps_weather_wins_over_the_usual_weather(assistant: Assistant) -> None:
    result = ask(assistant, "app-rain", "clothes for the office, I'm a man, size 50, shoes 43",
                 context={"weather": "rain", "city": "Milano"})
    line = weather_line(result)
    assert "your app reports for Milan: rain" in line and "usually" not in line and "°C" not in line
    for item in look(result).items:
        assert "suede" not in item.fabric.lower() and "linen" not in item.fabric.lower(), item


def test_a_rainy_month_keeps_suede_and_linen_out(assistant: Assistant) -> None:
    result = ask(assistant, "naples-rain",
                 "I'm in Naples, I need clothes for the office, I'm a man, size 50, shoes 43")
    assert "about 10 rainy days, so no suede or linen" in weather_line(result)
    for item in look(result).items:
        assert "suede" not in item.fabric.lower() and "linen" not in item.fabric.lower(), item


def test_a_forecast_is_used_and_worded_as_a_forecast(shop: Any) -> None:
    with serve_forecast(days=["2026-11-01", "2026-11-02"], t_min=3.0, t_max=9.0, rain_chance=80) as fake:
        forecasting = Assistant.open(Settings(data_dir=shop.data_dir, weather_url=fake.url("good")), shop,
                                     checkpointer=InMemorySaver())
        result = ask(forecasting, "forecast", INTERVIEW_IT)
    line = weather_line(result)
    assert "previsioni di oggi a Milano: da 3 a 9 °C, probabilità di pioggia 80%" in line
    assert "di solito" not in line and fake.requests
    assert result.here_and_now is not None and result.here_and_now.weather_source == "forecast"


def test_a_slow_forecast_falls_back_to_the_usual_weather_within_the_turn(shop: Any) -> None:
    with serve_forecast(days=["2026-11-01"]) as fake:
        slow = Assistant.open(Settings(data_dir=shop.data_dir, weather_url=fake.url("slow"),
                                       weather_budget_ms=300), shop, checkpointer=InMemorySaver())
        result = ask(slow, "forecast-slow", INTERVIEW_IT)
    assert "di solito a Milano a novembre" in weather_line(result)
    assert result.timings_ms["read_moment"] < 900, result.timings_ms


def test_a_store_holding_the_look_says_whether_it_is_open_now(assistant: Assistant, shop: Any) -> None:
    from tools.stock.stores import store_map

    result = ask(assistant, "open-now", INTERVIEW_IT)
    store = look(result).fulfilment
    assert store != "online", "the seed holds this interview look in a Milan store"
    sunday = store_map(shop)[store].hours["sun"]  # 2026-11-01 13:00 in Italy is a Sunday
    assert f"Adesso il negozio è aperto, fino alle {sunday[1]}." in result.text.splitlines()


def test_sarto_ask_reads_the_forecast_from_the_configured_url(shop: Any) -> None:
    with serve_forecast(days=["2026-11-01"], t_min=12.0, t_max=19.0, rain_chance=10) as fake:
        env = {k: v for k, v in os.environ.items() if k != "SARTO_REDIS_URL"}
        env.update(HF_HUB_OFFLINE="1", SARTO_DATA_DIR=str(shop.data_dir), SARTO_WEATHER_URL=fake.url("good"),
                   SARTO_WEATHER_BUDGET_MS="2000")
        done = subprocess.run([sys.executable, "-m", "agent.cli", "ask", "I have a job interview, I'm a man, "
                               "size 50, shoes 43", "--city", "Roma", "--now", "2026-11-01T12:00:00+00:00",
                               "--json"], capture_output=True, text=True, timeout=180, env=env,
                              cwd=Path(__file__).resolve().parent.parent)
    assert done.returncode == 0, done.stderr
    turn = json.loads(done.stdout)
    assert turn["here_and_now"]["weather_source"] == "forecast" and turn["here_and_now"]["city"] == "Roma"
    assert "today's forecast for Rome: 12 to 19 °C, 10% chance of rain" in turn["text"]
    assert "latitude=41.9028" in fake.requests[0]
