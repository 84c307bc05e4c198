"""The weather_context scorer fails the answers a shopper would be misled by — the usual weather
worded as a forecast, figures that are not the normals', the wrong city or season — and passes the
honest one."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, cast

import pytest

from evals.cases import EvalCase
from evals.scorers import TurnContext
from evals.scorers.moment import weather_context
from tools.shapes import Constraints, Goal, HereAndNow, OutfitCard, OutfitItem, Price, TurnResult

HONEST = ("Ho tenuto conto del tempo tipico: di solito a Milano a novembre si va da 6 a 13 °C, "
          "con circa 8 giorni di pioggia (se sei altrove, dimmi la città).")
MILAN_NOVEMBER = HereAndNow(city="Milano", time_zone="Europe/Rome",
                            local_time=datetime(2026, 11, 1, 13, tzinfo=UTC), part_of_day="afternoon",
                            month=11, weather_source="normals", t_min=6, t_max=13, rainy_days=8,
                            season="winter")


def _context(text: str, here: HereAndNow, expect: dict[str, Any] | None = None) -> TurnContext:
    expect = expect or {"weather_city": "Milano", "season": "winter"}
    case = EvalCase.model_validate({"id": "wx-scorer", "split": "dev", "language": "it",
                                    "turns": [{"message": "colloquio a Milano", "expect": expect}]})
    item = OutfitItem(sku="SRT-GIA-000001", variant_id="v1", title="Giacca", category="blazer",
                      slot="jacket", size="50", price=Price(amount=Decimal("199")), image="", url="",
                      availability=[], why="")
    card = OutfitCard(goal="job_interview", department="menswear", items=[item],
                      total=Price(amount=Decimal("199")), fits_budget=True, fulfilment="online")
    result = TurnResult(thread_id="t", shopper_id="s", language="it",
                        goal=Goal(label="job_interview", confidence=0.9, department="menswear"),
                        constraints=Constraints(), presentation="image-grid", cards=[card],
                        text=f"Ecco un look completo per colloquio di lavoro:\n{text}", here_and_now=here)
    return TurnContext(case=case, turn_index=0, result=result, records=cast(Any, None), shopper_id="s")


def test_the_honest_usual_weather_passes() -> None:
    verdict = weather_context(_context(HONEST, MILAN_NOVEMBER))
    assert verdict is not None and verdict.passed, verdict


@pytest.mark.parametrize(("text", "why"), [
    (HONEST.replace("di solito", "oggi"), "forecast"),  # what is usual, said as today's weather
    ("Le previsioni per Milano: da 6 a 13 °C.", "forecast"),
    (HONEST.replace("da 6 a 13", "da 9 a 16"), "not in the context line"),
    (HONEST.replace("Milano", "Roma"), "does not name Milano"),
    ("Ecco fatto.", "does not say which place"),
])
def test_a_misleading_weather_line_fails(text: str, why: str) -> None:
    verdict = weather_context(_context(text, MILAN_NOVEMBER))
    assert verdict is not None and not verdict.passed and why in verdict.reason, verdict


def test_figures_that_are_not_the_normals_fail_even_when_said_consistently() -> None:
    invented = MILAN_NOVEMBER.model_copy(update={"t_min": 9.0, "t_max": 16.0})
    verdict = weather_context(_context(HONEST.replace("da 6 a 13", "da 9 a 16"), invented))
    assert verdict is not None and not verdict.passed and "normals say" in verdict.reason


def test_the_place_and_season_the_scenario_expects_are_checked() -> None:
    expect = {"weather_city": "Palermo", "season": "autumn"}
    verdict = weather_context(_context(HONEST, MILAN_NOVEMBER, expect))
    assert verdict is not None and not verdict.passed
    assert "place: expected Palermo" in verdict.reason and "season: expected autumn" in verdict.reason
