"""The eval dataset itself: big enough, covering what the issue asks, honest about its budgets."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest

from evals.cases import CaseError, EvalCase, load_case_file, load_cases, select_suite
from tools.taxonomy import CATEGORIES, GOALS, UNKNOWN_GOAL


@pytest.fixture(scope="module")
def cases() -> list[EvalCase]:
    return load_cases()


def _price_floor(goal: str, department: str) -> Decimal:
    """The cheapest a complete look can possibly be, from the taxonomy's price ranges."""
    required = GOALS[goal].slots[department][0]
    return sum((Decimal(min(CATEGORIES[c].price_eur[0] for c in slot.categories
                            if department in CATEGORIES[c].departments)) for slot in required), Decimal(0))


def test_there_are_at_least_200_scenarios_with_unique_ids(cases: list[EvalCase]) -> None:
    assert len(cases) >= 200
    assert len({c.id for c in cases}) == len(cases)


def test_every_goal_is_covered_in_both_main_departments(cases: list[EvalCase]) -> None:
    seen = Counter((t.expect.goal, t.expect.department) for c in cases for t in c.turns if t.expect)
    for goal in GOALS:
        for department in ("menswear", "womenswear"):
            assert seen[(goal, department)] >= 2, (goal, department)
    assert seen[(UNKNOWN_GOAL, None)] >= 10


def test_both_languages_and_a_frozen_heldout_quarter(cases: list[EvalCase]) -> None:
    languages = Counter(c.language for c in cases)
    assert languages["it"] >= 80 and languages["en"] >= 80
    heldout = [c for c in cases if c.split == "heldout"]
    assert len(heldout) / len(cases) >= 0.25
    # held-out cases exist for the hard families too, not only for easy goal cases
    assert {"injection", "impossible_budget", "followup"} & {t for c in heldout for t in c.tags}


def test_the_scenario_families_the_issue_lists_are_present(cases: list[EvalCase]) -> None:
    tags = Counter(t for c in cases for t in c.tags)
    for tag in ("budget_loose", "budget_tight", "impossible_budget", "size_missing", "local_stock",
                "city_no_store", "city_store", "followup", "stale_interest", "override", "noisy_events",
                "thin_evidence", "injection", "consent_no", "consent_yes", "mixed_language"):
        assert tags[tag] >= 1, tag
    assert sum(len(c.turns) > 1 for c in cases) >= 15
    assert sum(c.shopper.kind == "loyal" and bool(c.shopper.history) for c in cases) >= 10


def test_impossible_budgets_really_are_below_the_cheapest_complete_look(cases: list[EvalCase]) -> None:
    impossible = [c for c in cases if c.final_expect.impossible_budget]
    assert len(impossible) >= 8
    for case in impossible:
        exp = case.final_expect
        assert exp.budget is not None and exp.goal and exp.department
        if exp.budget.scope == "total":
            assert exp.budget.max < _price_floor(exp.goal, exp.department), case.id
        else:
            cheapest_piece = min(Decimal(CATEGORIES[c].price_eur[0]) for slot in
                                 GOALS[exp.goal].slots[exp.department][0] for c in slot.categories)
            assert exp.budget.max < cheapest_piece, case.id


def test_loose_budgets_are_not_secretly_impossible(cases: list[EvalCase]) -> None:
    for case in cases:
        exp = case.final_expect
        if "budget_loose" in case.tags or "budget_tight" in case.tags:
            assert exp.budget is not None and exp.goal and exp.department
            assert exp.budget.max >= _price_floor(exp.goal, exp.department), case.id


def test_messages_are_not_one_template(cases: list[EvalCase]) -> None:
    # the generated families share their openers on purpose (one first look, many corrections)
    written = [c for c in cases if not {"listening", "variant"} & set(c.tags)]
    messages = [t.message for c in written for t in c.turns]
    assert len(set(messages)) >= 0.95 * len(messages)
    openings = Counter(" ".join(m.lower().split()[:2]) for m in messages)
    assert openings.most_common(1)[0][1] <= 10


def test_the_listening_suite_has_the_size_the_issue_asks(cases: list[EvalCase]) -> None:
    listening = [c for c in cases if "listening" in c.tags]
    assert sum(len(c.turns) > 1 for c in listening) >= 150
    assert sum("variant" in c.tags for c in cases) >= 300
    heldout = [c for c in listening if c.split == "heldout"]
    assert len(heldout) >= 0.25 * len(listening)
    # the corrections themselves are not one sentence repeated
    corrections = [t.message for c in listening for t in c.turns[1:]]
    assert len(set(corrections)) >= 0.3 * len(corrections)
    english_sizes = [c for c in cases if "size_phrasing" in c.tags]
    assert len(english_sizes) >= 60 and {"english_size", "us_size", "ambiguous_size"} <= {
        t for c in english_sizes for t in c.tags}


def test_fast_suite_is_small_but_keeps_the_safety_cases(cases: list[EvalCase]) -> None:
    fast = select_suite(cases, "fast")
    assert 20 <= len(fast) <= len(cases) // 3
    tags = {t for c in fast for t in c.tags}
    assert {"injection", "impossible_budget", "thin_evidence", "consent"} <= tags


def test_a_broken_case_file_names_the_file_and_the_case(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.json"
    bad.write_text('[{"id": "x-1", "split": "dev", "language": "it", "turns": [{"message": "ciao", '
                   '"expect": {"goal": "party_time"}}]}]', encoding="utf-8")
    with pytest.raises(CaseError, match=r"bad\.json: case x-1: .*party_time"):
        load_case_file(bad)
    with pytest.raises(CaseError, match="unknown suite"):
        select_suite([], "everything")
