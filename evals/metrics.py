"""From per-turn verdicts to the numbers people gate on: rates, goal macro-F1, constraint P/R/F1,
latency percentiles, and the same broken down by split, language and goal."""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

THRESHOLDS_PATH = Path(__file__).resolve().parent / "thresholds.json"
RATE_SCORERS = ("goal_accuracy", "department_accuracy", "outfit_completeness", "compatibility",
                "budget_adherence", "availability_truth", "grounding", "consent_respected",
                "asks_one_question", "refuses_leaks", "refinement", "size_recovery", "taste",
                "weather_context")


def load_thresholds(path: Path = THRESHOLDS_PATH) -> dict[str, dict[str, Any]]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {k: v for k, v in raw.items() if not k.startswith("_")}


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100): a value that was measured, never an interpolation.
    The evaluation suite and every benchmark use this one definition."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return float(ordered[rank - 1])


def percentile_or_nan(values: Sequence[float], q: float) -> float:
    """`percentile` for tables that print a number: nan when nothing was measured."""
    found = percentile(values, q)
    return math.nan if found is None else found


def _turns(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [t for r in records for t in r["turns"]]


def macro_f1(pairs: list[tuple[str, str]]) -> float | None:
    """Macro-averaged F1 over every label that was expected or predicted."""
    if not pairs:
        return None
    labels = {e for e, _ in pairs} | {p for _, p in pairs}
    scores = []
    for label in labels:
        tp = sum(1 for e, p in pairs if e == label and p == label)
        fp = sum(1 for e, p in pairs if e != label and p == label)
        fn = sum(1 for e, p in pairs if e == label and p != label)
        scores.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return sum(scores) / len(scores)


def compute_metrics(records: list[dict[str, Any]]) -> dict[str, float | None]:
    turns = _turns(records)
    verdicts = [v for t in turns for v in t["verdicts"]]
    metrics: dict[str, float | None] = {}
    for name in RATE_SCORERS:
        mine = [v["passed"] for v in verdicts if v["scorer"] == name]
        metrics[name] = (sum(mine) / len(mine)) if mine else None
    pairs = [(v["detail"]["expected"], v["detail"]["predicted"]) for v in verdicts
             if v["scorer"] == "goal_accuracy" and v.get("detail")]
    metrics["goal_macro_f1"] = macro_f1(pairs)
    counts = Counter[str]()
    judged = [v for v in verdicts if v["scorer"] == "constraint_extraction"]
    for v in judged:
        counts.update({k: int(v["detail"].get(k, 0)) for k in ("tp", "fp", "fn")})
    tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
    # micro-averaged; nothing predicted and nothing expected is a perfect extraction, not 0/0
    precision = (tp / (tp + fp) if tp + fp else 1.0) if judged else None
    recall = (tp / (tp + fn) if tp + fn else 1.0) if judged else None
    metrics["constraint_precision"] = precision
    metrics["constraint_recall"] = recall
    metrics["constraint_f1"] = None
    if precision is not None and recall is not None:
        total = precision + recall
        metrics["constraint_f1"] = 0.0 if total == 0 else 2 * precision * recall / total
    latencies = [t["latency_ms"] for t in turns if t.get("latency_ms") is not None]
    metrics["latency_p50_ms"] = percentile(latencies, 50)
    metrics["latency_p95_ms"] = percentile(latencies, 95)
    calls = [t["tool_calls"] for t in turns if t.get("tool_calls") is not None]
    metrics["tool_calls_per_turn"] = (sum(calls) / len(calls)) if calls else None
    metrics["case_pass_rate"] = (sum(r["passed"] for r in records) / len(records)) if records else None
    return metrics


def gate(metrics: dict[str, float | None],
         thresholds: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each gated metric against its bar; a metric with nothing to judge is not gated."""
    result: dict[str, dict[str, Any]] = {}
    for name, bar in thresholds.items():
        value = metrics.get(name)
        if "min" not in bar:
            result[name] = {"value": value, "bar": None, "passed": None}
            continue
        passed = None if value is None else value >= float(bar["min"]) - 1e-9
        result[name] = {"value": value, "bar": float(bar["min"]), "passed": passed}
    return result


def confusion(records: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    matrix: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for t in _turns(records):
        for v in t["verdicts"]:
            if v["scorer"] == "goal_accuracy" and v.get("detail"):
                matrix[v["detail"]["expected"]][v["detail"]["predicted"]] += 1
    return {e: dict(row) for e, row in matrix.items()}


def breakdown(records: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        groups[str(r.get(key) or "—")].append(r)
    out = {}
    for name, rows in sorted(groups.items()):
        m = compute_metrics(rows)
        out[name] = {"cases": len(rows), "case_pass_rate": m["case_pass_rate"],
                     "goal_accuracy": m["goal_accuracy"], "constraint_f1": m.get("constraint_f1"),
                     "grounding": m["grounding"], "budget_adherence": m["budget_adherence"],
                     "refinement": m["refinement"], "size_recovery": m["size_recovery"], "taste": m["taste"],
                     "latency_p50_ms": m["latency_p50_ms"]}
    return out


def summarise(records: list[dict[str, Any]], run: dict[str, Any],
              thresholds: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    thresholds = thresholds if thresholds is not None else load_thresholds()
    metrics = compute_metrics(records)
    gates = gate(metrics, thresholds)
    return {
        "run": run,
        "metrics": metrics,
        "gates": gates,
        "gates_passed": all(g["passed"] is not False for g in gates.values()),
        "by_split": breakdown(records, "split"),
        "by_language": breakdown(records, "language"),
        "by_goal": breakdown(records, "expected_goal"),
        "confusion": confusion(records),
        "cases": {r["case_id"]: bool(r["passed"]) for r in records},
    }
