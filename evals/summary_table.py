"""The table `sarto eval` prints at the end: every metric, its bar and whether the run meets it."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def _num(name: str, value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:.1f}" if name.endswith("_ms") or name == "tool_calls_per_turn" else f"{value:.3f}"


def print_summary(summary: dict[str, Any], out_dir: Path | None = None) -> None:
    from rich.console import Console
    from rich.table import Table

    run = summary["run"]
    table = Table(title=f"sarto eval · suite {run['suite']} · planner {run['planner']} · "
                        f"{run['cases']} cases, {run['turns']} turns in {run['duration_s']} s")
    for col in ("metric", "value", "bar", "status"):
        table.add_column(col)
    for name, g in summary["gates"].items():
        status = "report" if g["passed"] is None else ("pass" if g["passed"] else "FAIL")
        table.add_row(name, _num(name, g["value"]), "" if g["bar"] is None else f">= {g['bar']:g}", status)
    splits = Table(title="by split")
    for col in ("split", "cases", "case pass rate", "goal accuracy"):
        splits.add_column(col)
    for name, row in summary["by_split"].items():
        splits.add_row(name, str(row["cases"]), _num("", row["case_pass_rate"]),
                       _num("", row["goal_accuracy"]))
    console = Console()
    console.print(table)
    console.print(splits)
    if out_dir is not None:
        console.print(f"results: {out_dir / 'results.jsonl'}  report: {out_dir / 'report.html'}")
