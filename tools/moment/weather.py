"""What a weather provider knows about a place on a day, and the two rules the stylist takes from
it: which season's pieces to dress in, and whether rain rules out suede and linen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal, Protocol

WeatherSource = Literal["forecast", "normals"]

CALENDAR_SEASON = {12: "winter", 1: "winter", 2: "winter", 3: "spring", 4: "spring", 5: "spring",
                   6: "summer", 7: "summer", 8: "summer", 9: "autumn", 10: "autumn", 11: "autumn"}
# The thermometer before the calendar: Turin in March dresses for winter, Naples in September for
# summer, Palermo in December for autumn; between the bars the calendar decides.
COLD_MEAN_C = 10.0
WARM_MEAN_C = 22.0
MILD_WINTER_MEAN_C = 13.0
RAINY_MONTH_DAYS = 10  # rain one day in three, usually: a rainy month
RAINY_DAY_CHANCE = 50  # a forecast day this likely to rain is a rainy day
RAINY_DAY_MM = 1.0

# Words an app reports as the weather: the season they settle, and which of them mean wet.
APP_WEATHER_SEASON = {"snow": "winter", "freezing": "winter", "cold": "winter", "hot": "summer",
                      "heat": "summer", "heatwave": "summer"}
APP_WET_WEATHER = frozenset({"rain", "rainy", "showers", "storm", "drizzle", "wet", "snow"})


def season_for(month: int, mean_c: float | None) -> str:
    """The season to dress for in this month at this typical (or forecast) mean temperature."""
    calendar = CALENDAR_SEASON[month]
    if mean_c is None:
        return calendar
    if mean_c < COLD_MEAN_C:
        return "winter"
    if mean_c >= WARM_MEAN_C:
        return "summer"
    if calendar == "winter" and mean_c >= MILD_WINTER_MEAN_C:
        return "autumn" if month == 12 else "spring"
    return calendar


@dataclass(frozen=True)
class Place:
    """Where the weather is wanted: a city of the shop's (canonical Italian name) and/or coordinates."""

    city: str | None = None
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class Weather:
    source: WeatherSource
    city: str | None  # the city it is for, when it is one the shop knows
    day: date
    t_min: float
    t_max: float
    rainy_days: int | None = None  # normals: days with rain in a usual month
    rain_chance: int | None = None  # forecast: % chance of rain that day
    rain_mm: float | None = None  # forecast: rain expected that day

    @property
    def t_mean(self) -> float:
        return (self.t_min + self.t_max) / 2

    @property
    def wet(self) -> bool:
        if self.source == "normals":
            return (self.rainy_days or 0) >= RAINY_MONTH_DAYS
        return (self.rain_chance or 0) >= RAINY_DAY_CHANCE or (self.rain_mm or 0.0) >= RAINY_DAY_MM

    @property
    def season(self) -> str:
        return season_for(self.day.month, self.t_mean)


class WeatherProvider(Protocol):
    def weather(self, place: Place, day: date) -> Weather | None:
        """The weather at the place on the shopper's local day; None when the place is unknown."""
        ...
