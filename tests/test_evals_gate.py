"""The quality gate `make test` runs: the fast subset of the eval suite through the real assistant
(the API's code path) on the session shop, every bar of evals/thresholds.json asserted.
Latency is reported in the summary, never gated."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.cases import load_cases, select_suite
from evals.metrics import load_thresholds
from evals.runner import EvalRun, run_cases


@pytest.fixture(scope="module")
def fast_run(shop, tmp_path_factory: pytest.TempPathFactory) -> EvalRun:  # type: ignore[no-untyped-def]
    from agent.assistant import Assistant
    from agent.settings import Settings

    settings = Settings(data_dir=shop.data_dir, database_url=str(shop.engine.url))
    assistant = Assistant.open(settings, shop)
    cases = select_suite(load_cases(), "fast")
    return run_cases(shop, assistant, cases, tmp_path_factory.mktemp("eval-fast"), suite="fast", workers=2)


def _why(run: EvalRun, metric: str) -> str:
    scorer = {"constraint_f1": "constraint_extraction", "goal_macro_f1": "goal_accuracy"}.get(metric, metric)
    reasons = [f"{r['case_id']}: {v['reason']}" for r in run.records for t in r["turns"]
               for v in t["verdicts"] if v["scorer"] == scorer and not v["passed"]]
    return "\n  ".join(reasons[:8])


def test_every_quality_bar_holds_on_the_fast_subset(fast_run: EvalRun) -> None:
    misses = []
    for name, bar in load_thresholds().items():
        value = fast_run.summary["metrics"].get(name)
        if "min" in bar and value is not None and value < bar["min"]:
            misses.append(f"{name} = {value:.3f} < {bar['min']}\n  {_why(fast_run, name)}")
    assert not misses, "\n".join(misses)


def test_the_run_writes_one_scored_line_per_case_and_a_report(fast_run: EvalRun) -> None:
    lines = (fast_run.out_dir / "results.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == fast_run.summary["run"]["cases"] >= 20
    record = json.loads(lines[0])
    turn = record["turns"][0]
    assert turn["result"]["goal"]["label"] and "tool_calls" in turn["result"] and turn["latency_ms"] > 0
    assert all({"scorer", "passed", "reason"} <= set(v) for v in turn["verdicts"])
    summary = json.loads((fast_run.out_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary["metrics"]["latency_p95_ms"] >= summary["metrics"]["latency_p50_ms"] > 0
    assert set(summary["by_split"]) == {"dev", "heldout"}
    assert Path(fast_run.out_dir / "report.html").stat().st_size > 2000


def test_the_run_leaves_the_shop_as_it_found_it(fast_run: EvalRun, shop) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from tools.db.engine import session_scope
    from tools.db.models import Event, Shopper

    with session_scope(shop.engine) as s:
        assert s.scalar(select(func.count()).select_from(Shopper).where(Shopper.id.like("EV-%"))) == 0
        assert s.scalar(select(func.count()).select_from(Event).where(Event.shopper_id.like("EV-%"))) == 0
