"""The optional forecast provider: an Open-Meteo-style daily forecast read over HTTP from the URL
the retailer configures (SARTO_WEATHER_URL, with {lat} and {lon}). It runs inside a shopper's turn,
so it has a small time budget: whatever fails, answers badly or is slow falls back to the climate
normals in the same turn, and a failing provider is left alone for a while instead of costing
every turn its budget."""

from __future__ import annotations

import logging
import math
import threading
import time
from datetime import date
from typing import Any

import httpx

from tools.geo import locate
from tools.moment.climate import ClimateNormals, place_city
from tools.moment.weather import Place, Weather, WeatherProvider

log = logging.getLogger(__name__)

BUDGET_S = 0.3
KEEP_S = 15 * 60  # a forecast read is good for a quarter of an hour
KEEP_PLACES = 1024
REST_S = 60.0  # after a failure, the normals answer for a minute before the provider is tried again


def _number(values: Any, i: int) -> float | None:
    if not isinstance(values, list) or i >= len(values):
        return None
    value = values[i]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def read_daily(payload: Any, day: date) -> tuple[float, float, int | None, float | None] | None:
    """(min °C, max °C, % chance of rain, mm of rain) for the day, or None for anything that is
    not a plausible Open-Meteo daily answer covering it."""
    daily = payload.get("daily") if isinstance(payload, dict) else None
    times = daily.get("time") if isinstance(daily, dict) else None
    if not isinstance(times, list) or day.isoformat() not in times:
        return None
    assert isinstance(daily, dict)
    i = times.index(day.isoformat())
    t_max, t_min = _number(daily.get("temperature_2m_max"), i), _number(daily.get("temperature_2m_min"), i)
    if t_max is None or t_min is None or not -60 <= t_min <= t_max <= 60:
        return None
    chance = _number(daily.get("precipitation_probability_max"), i)
    mm = _number(daily.get("precipitation_sum"), i)
    if chance is not None and not 0 <= chance <= 100:
        chance = None
    if mm is not None and mm < 0:
        mm = None
    return t_min, t_max, None if chance is None else round(chance), mm


class ForecastProvider:
    """WeatherProvider: the day's forecast from the configured URL, else the fallback (normals)."""

    def __init__(self, url_template: str, budget_s: float = BUDGET_S,
                 fallback: WeatherProvider | None = None, transport: httpx.BaseTransport | None = None):
        self.url_template = url_template
        self.budget_s = budget_s
        self.fallback = fallback or ClimateNormals()
        self._client = httpx.Client(timeout=httpx.Timeout(budget_s), transport=transport,
                                    follow_redirects=False, trust_env=False)
        self._lock = threading.Lock()
        self._kept: dict[str, tuple[float, Any]] = {}  # url -> (when read, payload)
        self._resting_until = 0.0

    def url_for(self, lat: float, lon: float) -> str:
        return self.url_template.replace("{lat}", f"{lat:.4f}").replace("{lon}", f"{lon:.4f}")

    def weather(self, place: Place, day: date) -> Weather | None:
        coords = locate(city=place.city, lat=place.lat, lon=place.lon)  # coordinates first
        forecast = self._forecast(place, coords, day) if coords else None
        return forecast or self.fallback.weather(place, day)

    def _forecast(self, place: Place, coords: tuple[float, float], day: date) -> Weather | None:
        read = read_daily(self._payload(self.url_for(*coords)), day)
        if read is None:
            return None
        t_min, t_max, chance, mm = read
        return Weather(source="forecast", city=place_city(place), day=day, t_min=t_min, t_max=t_max,
                       rain_chance=chance, rain_mm=mm)

    def _payload(self, url: str) -> Any:
        now = time.monotonic()
        with self._lock:
            kept = self._kept.get(url)
            if kept is not None and now - kept[0] < KEEP_S:
                return kept[1]
            if now < self._resting_until:
                return None
        try:
            response = self._client.get(url)
            response.raise_for_status()
            payload = response.json()
            if not isinstance(payload, dict) or not isinstance(payload.get("daily"), dict):
                raise ValueError("not a daily forecast")
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("weather provider failed (%s): the usual weather answers for %.0f s",
                        type(exc).__name__, REST_S)
            with self._lock:
                self._resting_until = time.monotonic() + REST_S
            return None
        with self._lock:
            if len(self._kept) >= KEEP_PLACES:  # many shoppers' coordinates: forget the stale ones
                self._kept = {u: k for u, k in self._kept.items() if now - k[0] < KEEP_S}
                if len(self._kept) >= KEEP_PLACES:
                    self._kept.clear()
            self._kept[url] = (now, payload)
        return payload

    def close(self) -> None:
        self._client.close()


def weather_provider(url_template: str | None, budget_s: float = BUDGET_S) -> WeatherProvider:
    """The provider a shop runs with: the forecast when a URL is configured, the normals otherwise."""
    return ForecastProvider(url_template, budget_s) if url_template else ClimateNormals()
