"""`sarto eval --compare`: moved metrics, flipped cases, and the exit code CI relies on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from agent.cli import app
from evals.compare import BASELINE, compare, load_summary
from evals.metrics import summarise


def _record(case_id: str, passed: bool, goal_ok: bool = True) -> dict[str, Any]:
    predicted = "job_interview" if goal_ok else "unknown"
    verdicts = [{"scorer": "goal_accuracy", "passed": goal_ok, "reason": "",
                 "detail": {"expected": "job_interview", "predicted": predicted}},
                {"scorer": "grounding", "passed": passed, "reason": ""}]
    return {"case_id": case_id, "split": "dev", "language": "it", "expected_goal": "job_interview",
            "passed": passed and goal_ok,
            "turns": [{"verdicts": verdicts, "latency_ms": 100.0, "tool_calls": 2}]}


def _write(folder: Path, records: list[dict[str, Any]]) -> Path:
    folder.mkdir(parents=True)
    summary = summarise(records, {"suite": "t", "planner": "deterministic"})
    (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    return folder


def test_identical_runs_do_not_regress(tmp_path: Path) -> None:
    records = [_record(f"c{i}", True) for i in range(30)]
    old, new = _write(tmp_path / "old", records), _write(tmp_path / "new", records)
    result = compare(load_summary(old), load_summary(new))
    assert result.exit_code == 0 and not result.moved and not result.broke


def test_a_case_that_stops_passing_is_a_regression(tmp_path: Path) -> None:
    old = _write(tmp_path / "old", [_record(f"c{i}", True) for i in range(30)])
    new = _write(tmp_path / "new", [_record(f"c{i}", i != 7) for i in range(30)])
    result = compare(load_summary(old), load_summary(new))
    assert result.broke == ["c7"]
    assert ("grounding", 1.0, 29 / 30) in result.moved
    assert result.exit_code == 1


def test_a_fixed_case_alone_is_not_a_regression(tmp_path: Path) -> None:
    old = _write(tmp_path / "old", [_record(f"c{i}", i != 3, goal_ok=True) for i in range(40)])
    new = _write(tmp_path / "new", [_record(f"c{i}", True) for i in range(40)])
    result = compare(load_summary(old), load_summary(new))
    assert result.fixed == ["c3"] and result.exit_code == 0


def test_a_metric_that_drops_below_its_bar_fails_even_without_flips(tmp_path: Path) -> None:
    # the same cases fail in both runs, but goal accuracy falls from 20/21 to 18/21
    old = _write(tmp_path / "old", [_record(f"c{i}", True, goal_ok=i != 0) for i in range(20)]
                 + [_record("g", False)])
    new = _write(tmp_path / "new", [_record(f"c{i}", True, goal_ok=i % 5 != 0 or i == 0) for i in range(20)]
                 + [_record("g", False)])
    result = compare(load_summary(old), load_summary(new))
    dropped = {name: value for name, value, _bar in result.below_bar}
    assert round(dropped["goal_accuracy"], 3) == round(18 / 21, 3)
    assert result.exit_code == 1


def test_a_metric_short_of_its_bar_in_both_runs_is_reported_not_failed(tmp_path: Path) -> None:
    records = [_record(f"c{i}", True, goal_ok=i % 5 != 0) for i in range(20)]  # goal accuracy 0.8
    old, new = _write(tmp_path / "old", records), _write(tmp_path / "new", records)
    result = compare(load_summary(old), load_summary(new))
    assert not result.below_bar and result.still_below[0][0] == "goal_accuracy"
    assert result.exit_code == 0


def test_the_cli_exits_1_on_regression_0_without_and_2_on_a_missing_run(tmp_path: Path) -> None:
    good = _write(tmp_path / "good", [_record(f"c{i}", True) for i in range(30)])
    bad = _write(tmp_path / "bad", [_record(f"c{i}", i != 0) for i in range(30)])
    runner = CliRunner()
    same = runner.invoke(app, ["eval", "--compare", str(good), str(good)])
    assert same.exit_code == 0, same.output
    worse = runner.invoke(app, ["eval", "--compare", str(good), str(bad)])
    assert worse.exit_code == 1 and "c0" in worse.output
    missing = runner.invoke(app, ["eval", "--compare", str(tmp_path / "nope"), str(good)])
    assert missing.exit_code == 2 and "no summary.json" in missing.output


def test_the_committed_baseline_is_a_summary_of_this_dataset() -> None:
    from evals.cases import load_cases

    baseline = load_summary(BASELINE)
    assert set(baseline["cases"]) == {c.id for c in load_cases()}
    assert baseline["run"]["planner"] == "deterministic"
