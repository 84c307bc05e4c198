"""The here and now in the answer: one short line saying which place, month and weather the look
was dressed for (what is usual is worded as usual, a forecast as a forecast, the app's report as
the app's), and whether the pickup store is open at the shopper's local time."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from prompts.loader import say
from tools.moment.climate import city_climate
from tools.moment.local_time import store_opening
from tools.taxonomy import GOALS

# What apps report, in the words an Italian answer uses; anything else is quoted as reported.
_APP_WEATHER_IT = {"rain": "pioggia", "rainy": "pioggia", "showers": "rovesci", "storm": "temporale",
                   "drizzle": "pioviggine", "wet": "pioggia", "snow": "neve", "freezing": "gelo",
                   "cold": "freddo", "hot": "caldo", "heat": "caldo", "heatwave": "ondata di caldo",
                   "sunny": "sole", "sun": "sole", "clear": "sereno", "cloudy": "nuvoloso",
                   "fog": "nebbia", "windy": "vento"}


def _degrees(value: Any) -> str:
    return f"{float(value):.0f}"


def _city(city: str, language: str) -> str:
    climate = city_climate(city)
    return climate.name_en if climate and language == "en" else city


def _in_month(month: int, language: str) -> str:
    name = say(language, "month_names").split(",")[month - 1]
    if language == "en":
        return name
    return f"ad {name}" if name[0] in "aeiou" else f"a {name}"  # ad aprile, a novembre


def moment_line(moment: Mapping[str, Any] | None, goal: str | None, language: str) -> str | None:
    """The context the look went by, in one line; None when the turn knew no weather, or when the
    occasion sets its own season (a beach holiday in November is dressed for the beach)."""
    if not moment or moment.get("weather_source") in (None, "none"):
        return None
    spec = GOALS.get(goal or "")
    if spec and spec.seasons and moment.get("season") not in spec.seasons:
        return None
    city = moment.get("city")
    wet = say(language, "moment_wet") if moment.get("wet") else ""
    where = say(language, "moment_at", city=_city(city, language)) if city else say(language, "moment_here")
    source = moment["weather_source"]
    if source == "app":
        reported = str(moment.get("app_weather") or "")
        if language != "en":
            reported = " ".join(_APP_WEATHER_IT.get(w, w) for w in reported.split())
        return say(language, "moment_app", where=f" {where}" if city else "", weather=reported, wet=wet)
    if source == "normals" and city:
        month = say(language, "month_names").split(",")[int(moment["month"]) - 1]
        days = int(moment.get("rainy_days") or 0)
        rain = (say(language, "moment_rain_days", rainy_days=days) if days > 1
                else say(language, "moment_rain_rare"))
        return say(language, "moment_usual", city=_city(city, language), month=month,
                   in_month=_in_month(int(moment["month"]), language), t_min=_degrees(moment["t_min"]),
                   t_max=_degrees(moment["t_max"]), rain=rain, wet=wet)
    if source == "forecast":
        rain = ""
        if moment.get("rain_chance") is not None:
            rain = say(language, "moment_forecast_chance", chance=moment["rain_chance"])
        elif moment.get("rain_mm") is not None:
            rain = say(language, "moment_forecast_mm", mm=f"{float(moment['rain_mm']):.0f}")
        return say(language, "moment_forecast", where=where, t_min=_degrees(moment["t_min"]),
                   t_max=_degrees(moment["t_max"]), rain=rain, wet=wet)
    return None


def opening_line(hours: Mapping[str, Any] | None, moment: Mapping[str, Any] | None,
                 language: str) -> str | None:
    """Whether the store holding the look is open at the shopper's local time, from its hours."""
    if not hours or not moment or not moment.get("local_time"):
        return None
    opening = store_opening(hours, datetime.fromisoformat(str(moment["local_time"])))
    if opening is None:
        return None
    if opening.state == "open":
        return say(language, "store_open_now", at=opening.at)
    if opening.state == "opens_today":
        return say(language, "store_opens_today", at=opening.at)
    if opening.days_ahead == 1:
        return say(language, "store_opens_tomorrow", at=opening.at)
    local = datetime.fromisoformat(str(moment["local_time"]))
    day = say(language, "day_names_full").split(",")[(local.weekday() + opening.days_ahead) % 7]
    return say(language, "store_opens_on", day=day, at=opening.at)
