"""The shopper's clock: the time zone of their place (every city of the shop is in Europe/Rome),
the part of the day, and whether a store is open by the hours in its record."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

SHOP_TIME_ZONE = "Europe/Rome"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # the keys of a store's `hours`
PartOfDay = Literal["morning", "afternoon", "evening", "night"]


@lru_cache(maxsize=16)
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(SHOP_TIME_ZONE)


def local_time(moment: datetime, time_zone: str = SHOP_TIME_ZONE) -> datetime:
    """The moment on the shopper's clock (an aware UTC moment in, an aware local one out)."""
    return moment.astimezone(_zone(time_zone))


def part_of_day(local: datetime) -> PartOfDay:
    hour = local.hour
    if 5 <= hour < 12:
        return "morning"
    if 12 <= hour < 18:
        return "afternoon"
    if 18 <= hour < 22:
        return "evening"
    return "night"


@dataclass(frozen=True)
class Opening:
    """A store's door at the shopper's moment: open until `at`, opening today at `at`, or (closed
    for today) opening again `days_ahead` days on at `at`."""

    state: Literal["open", "opens_today", "opens_later"]
    at: str  # "HH:MM", from the record
    days_ahead: int = 0


def _hours_of(hours: Mapping[str, Any], day: str) -> tuple[str, str] | None:
    value = hours.get(day)
    if isinstance(value, list | tuple) and len(value) == 2 and all(isinstance(v, str) for v in value):
        return str(value[0]), str(value[1])
    return None


def store_opening(hours: Mapping[str, Any], local: datetime) -> Opening | None:
    """Open now (until when), or when it opens next, from `{"mon": ["10:00", "19:30"], ...}`;
    None when the record has no hours to go by."""
    clock = local.strftime("%H:%M")  # "HH:MM" strings compare like times
    today = _hours_of(hours, DAYS[local.weekday()])
    if today is not None:
        opens, closes = today
        if opens <= clock < closes:
            return Opening("open", closes)
        if clock < opens:
            return Opening("opens_today", opens)
    for ahead in range(1, 8):
        nxt = _hours_of(hours, DAYS[(local.weekday() + ahead) % 7])
        if nxt is not None:
            return Opening("opens_later", nxt[0], ahead)
    return None
