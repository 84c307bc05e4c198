"""The store directory: a CSV with `store_code, name, address, city, postal_code, country,
latitude, longitude` (optional `phone, hours, services`), or the same stores under Google Business
Profile's bulk-upload headers (`Store code, Business name, Address line 1, Locality, ...`, one
hours column per day)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from tools.catalog.feeds.hours import DAYS, Hours, day_hours, parse_hours
from tools.catalog.feeds.problems import RowProblems
from tools.catalog.feeds.rows import FeedProblem, FeedStore
from tools.catalog.feeds.tables import read_table
from tools.catalog.feeds.values import BadValue, clean, parse_coordinate, split_list

REQUIRED = ("store_code", "name", "address", "city", "latitude", "longitude")
_COLUMNS = {
    "store code": "store_code", "code": "store_code", "business name": "name", "store name": "name",
    "address line 1": "address", "street": "address", "address line 2": "address2",
    "locality": "city", "postal code": "postal_code", "zip": "postal_code", "cap": "postal_code",
    "country/region": "country", "country code": "country", "region code": "country",
    "lat": "latitude", "lon": "longitude", "lng": "longitude", "primary phone": "phone",
    "opening hours": "hours",
    **{f"{day} hours": f"hours:{day[:3]}" for day in
       ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")},
}
_COUNTRIES = {"italia": "IT", "italy": "IT", "france": "FR", "francia": "FR", "germany": "DE",
              "germania": "DE", "spain": "ES", "spagna": "ES", "switzerland": "CH", "svizzera": "CH",
              "united kingdom": "GB", "regno unito": "GB", "austria": "AT"}
# Longer values would not fit the store directory's columns.
LIMITS = {"store_code": 32, "name": 160, "address": 300, "city": 80}
OPTIONAL_LIMITS = {"postal_code": 16, "phone": 24}


def store_column(header: str) -> str:
    name = re.sub(r"\s*/\s*", "/", re.sub(r"[\s_]+", " ", header.strip().lower()))
    return _COLUMNS.get(name, name.replace(" ", "_"))


def read_stores(path: Path, *, max_bytes: int) -> Iterator[FeedStore | FeedProblem]:
    """The stores of a store directory CSV, and a problem for each row that cannot be used."""
    seen: dict[str, int] = {}
    for row in read_table(Path(path), max_bytes=max_bytes, delimiters=",;", what="a store directory",
                          canonical=store_column, required=REQUIRED):
        problems = RowProblems(row.line)
        cells: dict[str, str | None] = {}
        for name, raw in row.cells.items():
            try:
                cells[name] = clean(raw)
            except BadValue as e:
                cells[name] = None
                problems.error(name, f"{name} {e}")
        problems.id = cells.get("store_code")
        store = _store(problems, cells, seen)
        if store is None:
            yield from problems.errors
        else:
            yield from problems.warnings
            yield store


def _country(raw: str) -> str:
    code = _COUNTRIES.get(raw.strip().lower(), raw.strip().upper())
    if not re.fullmatch(r"[A-Z]{2}", code):
        raise BadValue(f"country '{raw}' is not a two-letter code like IT")
    return code


def _hours(problems: RowProblems, cells: dict[str, str | None]) -> Hours | None:
    if cells.get("hours"):
        return problems.read("hours", cells["hours"], parse_hours)  # type: ignore[no-any-return]
    columns = {day: cells.get(f"hours:{day}") for day in DAYS}
    if not any(f"hours:{day}" in cells for day in DAYS):
        return None
    week: Hours = {}
    for day, raw in columns.items():
        try:
            week[day] = day_hours(raw) if raw else None
        except BadValue as e:
            problems.warn("hours", f"{day}: {e}; the store's hours are left empty")
            return None
    return week


def _store(problems: RowProblems, cells: dict[str, str | None], seen: dict[str, int]) -> FeedStore | None:
    for name in REQUIRED:
        if not cells.get(name):
            problems.error(name, f"{name} is missing")
    if cells.get("address") and cells.get("address2"):
        cells["address"] = f"{cells['address']}, {cells['address2']}"
    for name, limit in LIMITS.items():
        value = cells.get(name)
        if value and len(value) > limit:
            problems.error(name, f"{name} is {len(value)} characters; at most {limit}")
    latitude = problems.need("latitude", cells.get("latitude"), lambda s: parse_coordinate(s, "latitude", 90))
    longitude = problems.need("longitude", cells.get("longitude"),
                              lambda s: parse_coordinate(s, "longitude", 180))
    code = cells.get("store_code")
    if problems.errors or code is None or latitude is None or longitude is None:
        return None
    if code in seen:
        problems.error("store_code", f"store_code '{code}' is already used on line {seen[code]}")
        return None
    seen[code] = problems.line
    optional: dict[str, str | None] = {}
    for name, limit in OPTIONAL_LIMITS.items():
        value = cells.get(name)
        if value and len(value) > limit:
            problems.warn(name, f"{name} is {len(value)} characters; at most {limit}, left empty")
            value = None
        optional[name] = value
    return FeedStore(
        line=problems.line, store_code=code, name=cells["name"] or "", address=cells["address"] or "",
        city=cells["city"] or "", latitude=latitude, longitude=longitude,
        country=problems.read("country", cells.get("country"), _country),
        hours=_hours(problems, cells),
        services=split_list(cells.get("services") or "", ",;|"), **optional)
