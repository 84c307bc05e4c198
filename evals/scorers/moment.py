"""The here and now (issue 16): the place, month and weather an answer names are the provider's —
the usual weather read straight from the climate normals file, never worded as a forecast — and
the place, season and rain are the ones the scenario expects."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from evals.scorers.base import TurnContext, Verdict
from tools.moment.climate import NORMALS_FILE
from tools.shapes import HereAndNow

# Words that make a sentence about the weather a forecast; what is usual must use none of them.
_FORECAST_WORDS = re.compile(r"\b(previsioni|previst[oaie]|pioverà|nevicherà|oggi|domani|forecast|"
                             r"today|tomorrow|will be|will rain|expected)\b", re.I)
_USUAL_WORDS = re.compile(r"\b(di solito|usually|tipico|usual)\b", re.I)


@lru_cache(maxsize=1)
def _normals() -> dict[str, Any]:
    return dict(json.loads(NORMALS_FILE.read_text(encoding="utf-8"))["cities"])


def _names(city: str) -> list[str]:
    row = _normals().get(city) or {}
    return [city, *([row["name_en"]] if row.get("name_en") else [])]


def _context_line(text: str, here: HereAndNow) -> str | None:
    """The answer's line about the weather: the one with the temperatures, or the app's report."""
    for line in text.splitlines():
        if "°C" in line or (here.weather_source == "app" and re.search(r"\bapp\b", line)):
            return line
    return None


def _month_problems(ctx: TurnContext, here: HereAndNow) -> list[str]:
    """The month the answer went by is the turn's, on the shopper's clock (Europe/Rome)."""
    from evals.setup import reference_now

    turn = ctx.case.turns[ctx.turn_index]
    month = (turn.now or reference_now()).astimezone(ZoneInfo("Europe/Rome")).month
    return [] if here.month == month else [f"the answer went by month {here.month}, the turn is in {month}"]


def _data_problems(here: HereAndNow) -> list[str]:
    if here.weather_source != "normals":
        return []
    row = _normals().get(here.city or "")
    if row is None:
        return [f"normals for {here.city!r}, a city the normals file does not have"]
    m = here.month - 1
    want = (row["t_min"][m], row["t_max"][m], row["rainy_days"][m])
    got = (here.t_min, here.t_max, here.rainy_days)
    return [] if tuple(float(x) for x in want) == tuple(float(x or 0) for x in got) else [
        f"{here.city} in month {here.month}: the answer went by {got}, the normals say {want}"]


def _wording_problems(ctx: TurnContext, here: HereAndNow, expected: bool) -> list[str]:
    """The weather line of an answer showing a look: required where the scenario expects a place's
    weather (a reservation's answer or a beach look in November names none), judged wherever it is."""
    if here.weather_source == "none" or not any(card.items for card in ctx.outfits):
        return []
    line = _context_line(ctx.answer_text(), here)
    if line is None:
        missing = expected and not _occasion_season(ctx)
        return ["the look does not say which place and weather it went by"] if missing else []
    problems = []
    if here.city and not any(name in line for name in _names(here.city)):
        problems.append(f"the context line does not name {here.city}: {line!r}")
    if here.weather_source == "normals" and (_FORECAST_WORDS.search(line) or not _USUAL_WORDS.search(line)):
        problems.append(f"the usual weather worded as a forecast: {line!r}")
    if here.weather_source in ("normals", "forecast") and here.t_min is not None and here.t_max is not None:
        for value in (here.t_min, here.t_max):
            if not re.search(rf"(?<![\d-]){re.escape(f'{value:.0f}')}(?!\d)", line):
                problems.append(f"{value:.0f} °C is not in the context line: {line!r}")
    if here.weather_source == "forecast" and not re.search(r"previsioni|forecast", line, re.I):
        problems.append(f"a forecast not worded as one: {line!r}")
    return problems


def _occasion_season(ctx: TurnContext) -> bool:
    """A look whose occasion sets its own season (a beach holiday in November) names no weather."""
    from tools.taxonomy import GOALS

    spec = GOALS.get(ctx.outfits[0].goal)
    here = ctx.result.here_and_now
    return bool(spec and spec.seasons and here is not None and here.season not in spec.seasons)


def _expected_problems(ctx: TurnContext, here: HereAndNow | None) -> list[str]:
    want = ctx.expect
    checks: list[tuple[str, Any, Any]] = [
        ("place", want.weather_city, here.city if here else None),
        ("weather source", want.weather_source, here.weather_source if here else None),
        ("season", want.season, here.season if here else None),
        ("rain", want.wet, here.wet if here else None)]
    return [f"{what}: expected {expected}, got {got}" for what, expected, got in checks
            if expected is not None and expected != got]


def weather_context(ctx: TurnContext) -> Verdict | None:
    here = ctx.result.here_and_now
    expected = any(v is not None for v in (ctx.expect.weather_city, ctx.expect.weather_source,
                                           ctx.expect.season, ctx.expect.wet))
    if here is None and not expected:
        return None
    problems = _expected_problems(ctx, here)
    if here is not None:
        problems += _month_problems(ctx, here) + _data_problems(here) + _wording_problems(ctx, here, expected)
    if not expected and not problems and (here is None or here.weather_source == "none"):
        return None  # nothing named, nothing expected: nothing to judge
    return Verdict("weather_context", not problems, "; ".join(problems[:4]) or
                   "the place and weather named are the provider's, worded for what they are")
