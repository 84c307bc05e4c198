"""Goal and department: did the assistant understand what the shopper is dressing for, and for whom."""

from __future__ import annotations

from evals.scorers.base import TurnContext, Verdict
from tools.taxonomy import UNKNOWN_GOAL


def goal_accuracy(ctx: TurnContext) -> Verdict | None:
    expected = ctx.expect.goal
    if expected is None:
        return None
    got = ctx.result.goal.label
    return Verdict("goal_accuracy", got == expected,
                   f"expected goal {expected}, got {got} (confidence {ctx.result.goal.confidence:.2f})",
                   {"expected": expected, "predicted": got})


def department_accuracy(ctx: TurnContext) -> Verdict | None:
    expected = ctx.expect.department
    if expected is None or ctx.expect.goal == UNKNOWN_GOAL:
        return None
    got = ctx.result.goal.department
    if got is None and ctx.outfits:
        got = ctx.outfits[0].department
    return Verdict("department_accuracy", got == expected, f"expected department {expected}, got {got}",
                   {"expected": expected, "predicted": got})
