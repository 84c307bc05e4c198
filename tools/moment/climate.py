"""The offline default provider: what is usual in a shop city in a month, from the approximate
long-term climate normals shipped in normals.json (loaded once per process)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from tools.geo import CITY_COORDS, haversine_km
from tools.lexicon import normalise
from tools.moment.weather import Place, Weather

NORMALS_FILE = Path(__file__).resolve().parent / "normals.json"
# Coordinates this close to a city centre get its normals (the metropolitan area, not the region).
NEAR_CITY_KM = 40.0


@dataclass(frozen=True)
class CityClimate:
    city: str  # the Italian name, as the shop writes it
    name_en: str
    t_min: tuple[float, ...]  # January .. December
    t_max: tuple[float, ...]
    rainy_days: tuple[int, ...]
    time_zone: str


@lru_cache(maxsize=1)
def climate_table() -> dict[str, CityClimate]:
    """Every city of the normals file, keyed by its normalised Italian and English names."""
    raw = json.loads(NORMALS_FILE.read_text(encoding="utf-8"))
    table: dict[str, CityClimate] = {}
    for city, row in raw["cities"].items():
        climate = CityClimate(city=city, name_en=row["name_en"], t_min=tuple(row["t_min"]),
                              t_max=tuple(row["t_max"]), rainy_days=tuple(row["rainy_days"]),
                              time_zone=row.get("time_zone", raw["time_zone"]))
        if not (len(climate.t_min) == len(climate.t_max) == len(climate.rainy_days) == 12):
            raise ValueError(f"{NORMALS_FILE.name}: {city} needs twelve months of each value")
        table[normalise(city)] = table[normalise(climate.name_en)] = climate
    return table


def city_climate(city: str | None) -> CityClimate | None:
    return climate_table().get(normalise(city)) if city else None


def nearest_city(lat: float, lon: float, within_km: float = NEAR_CITY_KM) -> str | None:
    """The normals city whose centre is within `within_km` of the coordinates, nearest first."""
    best: tuple[float, str] | None = None
    for climate in {c.city: c for c in climate_table().values()}.values():
        centre = CITY_COORDS.get(normalise(climate.city))
        if centre is None:
            continue
        km = haversine_km(lat, lon, *centre)
        if km <= within_km and (best is None or km < best[0]):
            best = (km, climate.city)
    return best[1] if best else None


def place_city(place: Place) -> str | None:
    """The normals city a place is in: the city named, else the one its coordinates fall in."""
    named = city_climate(place.city)
    if named is not None:
        return named.city
    if place.lat is not None and place.lon is not None:
        return nearest_city(place.lat, place.lon)
    return None


class ClimateNormals:
    """WeatherProvider: the usual weather of the month in the place's city; None elsewhere."""

    def weather(self, place: Place, day: date) -> Weather | None:
        climate = city_climate(place_city(place))
        if climate is None:
            return None
        m = day.month - 1
        return Weather(source="normals", city=climate.city, day=day, t_min=climate.t_min[m],
                       t_max=climate.t_max[m], rainy_days=climate.rainy_days[m])
