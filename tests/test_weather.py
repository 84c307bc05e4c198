"""The weather provider as the stylist uses it, without a shop: the climate normals shipped for
every store city, the forecast read from a real HTTP server on 127.0.0.1 (good, slow, failing,
garbled), the season and rain they mean, the app's weather first, and a store's door by its hours."""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from forecast_fake import serve_forecast
from pydantic import ValidationError

from agent.settings import Settings
from tools.moment.climate import NORMALS_FILE, ClimateNormals
from tools.moment.forecast import ForecastProvider, weather_provider
from tools.moment.local_time import local_time, part_of_day, store_opening
from tools.moment.reading import read_here_and_now
from tools.moment.weather import Place, Weather

STORES = Path(__file__).resolve().parent.parent / "catalog_seed" / "data" / "stores.json"
NOV_1 = date(2026, 11, 1)
MI01_HOURS = {"mon": ["10:00", "19:30"], "tue": ["10:00", "19:30"], "wed": ["10:00", "19:30"],
              "thu": ["10:00", "20:00"], "fri": ["10:00", "20:00"], "sat": ["10:00", "20:00"],
              "sun": ["11:00", "19:00"]}


def test_every_store_city_has_twelve_months_of_usual_weather() -> None:
    cities = {s["city"] for s in json.loads(STORES.read_text(encoding="utf-8"))}
    normals = ClimateNormals()
    for city in sorted(cities):
        for month in range(1, 13):
            usual = normals.weather(Place(city), date(2026, month, 15))
            assert usual is not None and usual.source == "normals", (city, month)
            assert -10 <= usual.t_min < usual.t_max <= 40 and 0 <= (usual.rainy_days or 0) <= 20
    assert "approximate long-term" in json.loads(NORMALS_FILE.read_text(encoding="utf-8"))["_about"].lower()


@pytest.mark.parametrize(("city", "day", "season"), [
    ("Palermo", date(2026, 9, 18), "summer"),  # still 21-28 °C
    ("Milano", date(2026, 9, 18), "autumn"),
    ("Torino", date(2026, 3, 10), "winter"),  # usually 4-15 °C
    ("Palermo", date(2026, 12, 20), "autumn"),  # mild
    ("Milano", date(2026, 12, 20), "winter"),
])
def test_the_season_follows_the_citys_usual_temperature(city: str, day: date, season: str) -> None:
    usual = ClimateNormals().weather(Place(city), day)
    assert usual is not None and usual.season == season


def test_a_rainy_month_is_wet_and_a_dry_one_is_not() -> None:
    normals = ClimateNormals()
    naples = normals.weather(Place("Napoli"), NOV_1)
    palermo = normals.weather(Place("Palermo"), date(2026, 7, 1))
    assert naples is not None and naples.wet  # about 10 rainy days in November
    assert palermo is not None and not palermo.wet


def test_coordinates_in_a_city_get_its_normals_and_english_names_work() -> None:
    normals = ClimateNormals()
    bari = normals.weather(Place(lat=41.12, lon=16.87), NOV_1)
    assert bari is not None and bari.city == "Bari"
    assert normals.weather(Place(lat=46.5, lon=11.35), NOV_1) is None  # Bolzano: no normals, no guess
    milan = normals.weather(Place("Milan"), NOV_1)
    assert milan is not None and milan.city == "Milano"


def test_a_good_forecast_is_used() -> None:
    with serve_forecast(days=["2026-10-31", "2026-11-01"], t_min=3.0, t_max=9.0, rain_chance=80) as fake:
        provider = ForecastProvider(fake.url("good"), budget_s=0.5)
        weather = provider.weather(Place("Milano"), NOV_1)
    assert weather == Weather("forecast", "Milano", NOV_1, 3.0, 9.0, rain_chance=80, rain_mm=6.5)
    assert weather.wet and weather.season == "winter"
    assert "latitude=45.4642" in fake.requests[0] and "longitude=9.1900" in fake.requests[0]


def test_a_forecast_is_read_once_and_kept_for_the_next_turns() -> None:
    with serve_forecast(days=["2026-11-01"]) as fake:
        provider = ForecastProvider(fake.url("good"), budget_s=0.5)
        for _ in range(3):
            assert (w := provider.weather(Place("Roma"), NOV_1)) is not None and w.source == "forecast"
    assert len(fake.requests) == 1


@pytest.mark.parametrize("mode", ["slow", "error", "garbage", "shapeless"])
def test_a_slow_failing_or_garbled_provider_falls_back_to_the_normals_in_budget(mode: str) -> None:
    with serve_forecast(days=["2026-11-01"]) as fake:
        provider = ForecastProvider(fake.url(mode), budget_s=0.3)
        started = time.perf_counter()
        weather = provider.weather(Place("Milano"), NOV_1)
        spent = time.perf_counter() - started
        again = provider.weather(Place("Milano"), NOV_1)  # resting: not asked again
    assert weather == ClimateNormals().weather(Place("Milano"), NOV_1)
    assert weather is not None and weather.source == "normals"
    assert spent < 0.9, f"the {mode} provider cost {spent:.2f} s"
    assert again == weather and len(fake.requests) == 1


def test_a_forecast_that_does_not_cover_the_shoppers_day_is_not_used() -> None:
    with serve_forecast(days=["2026-10-30", "2026-10-31"]) as fake:
        weather = ForecastProvider(fake.url("good"), budget_s=0.5).weather(Place("Milano"), NOV_1)
    assert weather is not None and weather.source == "normals"


def test_nothing_is_asked_of_the_network_when_no_url_is_set() -> None:
    assert isinstance(weather_provider(None), ClimateNormals)


def test_the_weather_url_must_name_the_place() -> None:
    with pytest.raises(ValidationError, match="lat"):
        Settings(weather_url="https://weather.example/forecast?city=milano")
    assert Settings(weather_url="https://w.example/f?latitude={lat}&longitude={lon}").weather_budget_ms == 300


class _Refusing:
    def weather(self, place: Place, day: date) -> Weather | None:
        raise AssertionError("the provider must not be asked when the app reports the weather")


def test_the_apps_weather_wins_and_the_provider_is_not_asked() -> None:
    here = read_here_and_now(Place("Palermo"), datetime(2026, 9, 18, 10, tzinfo=UTC), _Refusing(), "rain")
    assert here.weather_source == "app" and here.wet and here.season == "summer"  # Palermo's September
    assert here.city == "Palermo" and here.t_min is None


def test_the_shoppers_local_time_and_part_of_day() -> None:
    here = read_here_and_now(Place("Milano"), datetime(2026, 11, 1, 18, 30, tzinfo=UTC), ClimateNormals())
    assert here.time_zone == "Europe/Rome" and here.local_time.hour == 19 and here.part_of_day == "evening"
    summer = local_time(datetime(2026, 7, 1, 5, 0, tzinfo=UTC))
    assert summer.hour == 7 and part_of_day(summer) == "morning"  # CEST: two hours ahead


@pytest.mark.parametrize(("local", "state", "at", "ahead"), [
    (datetime(2026, 11, 1, 13, 0), "open", "19:00", 0),  # a Sunday
    (datetime(2026, 11, 2, 9, 15), "opens_today", "10:00", 0),
    (datetime(2026, 11, 2, 19, 45), "opens_later", "10:00", 1),
])
def test_whether_a_store_is_open_comes_from_its_hours(local: datetime, state: str, at: str,
                                                      ahead: int) -> None:
    opening = store_opening(MI01_HOURS, local)
    assert opening is not None and (opening.state, opening.at, opening.days_ahead) == (state, at, ahead)
    closed_sunday = {**MI01_HOURS, "sun": None}
    saturday_night = store_opening(closed_sunday, datetime(2026, 10, 31, 21, 0))
    assert saturday_night is not None and saturday_night.days_ahead == 2  # Monday
