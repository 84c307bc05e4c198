"""Thin evidence: when the goal is unknown the assistant asks exactly one question and shows no outfit."""

from __future__ import annotations

from evals.scorers.base import TurnContext, Verdict
from tools.taxonomy import UNKNOWN_GOAL


def asks_one_question(ctx: TurnContext) -> Verdict | None:
    if not ctx.expect.must_ask_question and ctx.result.goal.label != UNKNOWN_GOAL:
        return None
    text = ctx.answer_text()
    questions = text.count("?")
    problems = []
    if questions != 1:
        problems.append(f"{questions} question marks in the answer, expected exactly one question")
    if ctx.outfits:
        problems.append("an outfit was shown although the goal is unknown")
    return Verdict("asks_one_question", not problems, "; ".join(problems) or "one question, no guessing")
