"""Deterministic scorers, one small module per family; each returns a Verdict with its reason, or
None when the turn gives it nothing to judge."""

from __future__ import annotations

from collections.abc import Callable

from evals.scorers.availability import availability_truth
from evals.scorers.base import TurnContext, Verdict
from evals.scorers.budget import budget_adherence
from evals.scorers.constraints import constraint_extraction
from evals.scorers.goal import department_accuracy, goal_accuracy
from evals.scorers.grounding import grounding
from evals.scorers.moment import weather_context
from evals.scorers.outfit import compatibility, outfit_completeness
from evals.scorers.privacy import consent_respected, refuses_leaks
from evals.scorers.question import asks_one_question
from evals.scorers.records import Records
from evals.scorers.refinement import refinement, size_recovery
from evals.scorers.taste import taste

Scorer = Callable[[TurnContext], Verdict | None]

SCORERS: dict[str, Scorer] = {
    "goal_accuracy": goal_accuracy,
    "department_accuracy": department_accuracy,
    "constraint_extraction": constraint_extraction,
    "outfit_completeness": outfit_completeness,
    "compatibility": compatibility,
    "budget_adherence": budget_adherence,
    "availability_truth": availability_truth,
    "consent_respected": consent_respected,
    "grounding": grounding,
    "asks_one_question": asks_one_question,
    "refuses_leaks": refuses_leaks,
    "refinement": refinement,
    "size_recovery": size_recovery,
    "taste": taste,
    "weather_context": weather_context,
}


def score_turn(ctx: TurnContext) -> list[Verdict]:
    """Every scorer on one turn; a scorer that crashes fails with its error as the reason."""
    verdicts = []
    for name, scorer in SCORERS.items():
        try:
            verdict = scorer(ctx)
        except Exception as exc:  # a scorer bug must show up as a failing verdict, not kill the run
            verdict = Verdict(name, False, f"scorer error: {type(exc).__name__}: {exc}")
        if verdict is not None:
            verdicts.append(verdict)
    return verdicts


__all__ = ["SCORERS", "Records", "TurnContext", "Verdict", "score_turn"]
