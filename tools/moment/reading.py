"""One turn's here and now, read once per turn: the place's weather from the app, else from the
provider (a forecast within its budget, else the usual weather of the month), the local time, and
the season and rain the look is dressed for."""

from __future__ import annotations

from datetime import datetime

from tools.moment.climate import ClimateNormals, city_climate, place_city
from tools.moment.local_time import SHOP_TIME_ZONE, local_time, part_of_day
from tools.moment.weather import (
    APP_WEATHER_SEASON,
    APP_WET_WEATHER,
    CALENDAR_SEASON,
    Place,
    WeatherProvider,
)
from tools.shapes import HereAndNow


def read_here_and_now(place: Place, moment: datetime, provider: WeatherProvider,
                      app_weather: str | None = None) -> HereAndNow:
    """The app's weather wins when given (the provider is not even asked); otherwise the
    provider's, and with neither the calendar's season."""
    city = place_city(place)
    climate = city_climate(city)
    time_zone = climate.time_zone if climate else SHOP_TIME_ZONE
    local = local_time(moment, time_zone)
    moment_now = HereAndNow(city=city or place.city, time_zone=time_zone, local_time=local,
                            part_of_day=part_of_day(local), month=local.month, weather_source="none",
                            season=CALENDAR_SEASON[local.month])
    words = (app_weather or "").strip().lower().replace(",", " ").split()
    if words:
        # "rain" says wet, not which season: the season still follows the city's usual temperature
        usual = ClimateNormals().weather(place, local.date())
        season = next((APP_WEATHER_SEASON[w] for w in words if w in APP_WEATHER_SEASON),
                      usual.season if usual else moment_now.season)
        return moment_now.model_copy(update={
            "weather_source": "app", "app_weather": " ".join(words), "season": season,
            "wet": any(w in APP_WET_WEATHER for w in words)})
    weather = provider.weather(place, local.date())
    if weather is None:
        return moment_now
    return moment_now.model_copy(update={
        "city": weather.city or moment_now.city, "weather_source": weather.source,
        "t_min": weather.t_min, "t_max": weather.t_max, "rainy_days": weather.rainy_days,
        "rain_chance": weather.rain_chance, "rain_mm": weather.rain_mm, "season": weather.season,
        "wet": weather.wet})
