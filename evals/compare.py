"""`sarto eval --compare OLD NEW`: which metrics moved and which cases flipped; a regression fails.

A regression is a gated metric that drops below its bar (it met the bar in OLD, or was already short
and got worse), or a case that passed in OLD and fails in NEW. A metric short of its bar by the same
amount in both runs is reported, not failed: `sarto eval` itself gates absolute bars.
OLD and NEW are run folders (with summary.json) or summary files (e.g. evals/baseline/summary.json).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.metrics import gate, load_thresholds

BASELINE = Path(__file__).resolve().parent / "baseline" / "summary.json"
MOVE_EPSILON = 1e-6


class CompareError(ValueError):
    """A run folder or summary that cannot be read."""


def load_summary(path: Path) -> dict[str, Any]:
    file = path / "summary.json" if path.is_dir() else path
    if not file.is_file():
        raise CompareError(f"{path}: no summary.json there (run `sarto eval --out DIR` first)")
    try:
        summary = json.loads(file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise CompareError(f"{file}: not valid JSON ({exc})") from exc
    if not isinstance(summary, dict) or "metrics" not in summary or "cases" not in summary:
        raise CompareError(f"{file}: not an eval summary (needs 'metrics' and 'cases')")
    return summary


@dataclass
class Comparison:
    moved: list[tuple[str, float | None, float | None]] = field(default_factory=list)
    below_bar: list[tuple[str, float | None, float]] = field(default_factory=list)  # dropped below
    still_below: list[tuple[str, float | None, float]] = field(default_factory=list)  # short, no worse
    broke: list[str] = field(default_factory=list)  # passed in OLD, fail in NEW
    fixed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def regressed(self) -> bool:
        return bool(self.below_bar or self.broke)

    @property
    def exit_code(self) -> int:
        return 1 if self.regressed else 0


def compare(old: dict[str, Any], new: dict[str, Any],
            thresholds: dict[str, dict[str, Any]] | None = None) -> Comparison:
    thresholds = thresholds if thresholds is not None else load_thresholds()
    result = Comparison()
    names = list(dict.fromkeys([*thresholds, *new["metrics"], *old["metrics"]]))
    for name in names:
        a, b = old["metrics"].get(name), new["metrics"].get(name)
        if (a is None) != (b is None) or (a is not None and b is not None and abs(a - b) > MOVE_EPSILON):
            result.moved.append((name, a, b))
    for name, g in gate(new["metrics"], thresholds).items():
        if g["passed"] is not False:
            continue
        before = old["metrics"].get(name)
        # a drop: it met the bar before, or it was already short and got worse
        if before is None or before >= g["bar"] - MOVE_EPSILON or g["value"] < before - MOVE_EPSILON:
            result.below_bar.append((name, g["value"], g["bar"]))
        else:
            result.still_below.append((name, g["value"], g["bar"]))
    old_cases, new_cases = old["cases"], new["cases"]
    for case_id, passed in new_cases.items():
        if case_id not in old_cases:
            result.added.append(case_id)
        elif old_cases[case_id] and not passed:
            result.broke.append(case_id)
        elif not old_cases[case_id] and passed:
            result.fixed.append(case_id)
    result.removed = [c for c in old_cases if c not in new_cases]
    return result


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def print_comparison(result: Comparison, old_label: str, new_label: str) -> None:
    """Tables people can paste (rich when available)."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title=f"metrics: {old_label} → {new_label}")
    for col in ("metric", "old", "new", "change"):
        table.add_column(col)
    for name, a, b in result.moved:
        arrow = "" if a is None or b is None else ("▲" if b > a else "▼")
        table.add_row(name, _num(a), _num(b), arrow)
    if result.moved:
        console.print(table)
    else:
        console.print("no metric moved")
    for name, value, bar in result.below_bar:
        console.print(f"[red]dropped below bar[/red] {name}: {_num(value)} < {bar:g}")
    for name, value, bar in result.still_below:
        console.print(f"[yellow]still below bar (no worse)[/yellow] {name}: {_num(value)} < {bar:g}")
    for label, ids, style in (("now failing (was passing)", result.broke, "red"),
                              ("now passing (was failing)", result.fixed, "green"),
                              ("new cases", result.added, "cyan"), ("cases gone", result.removed, "yellow")):
        if ids:
            console.print(f"[{style}]{label}[/{style}] ({len(ids)}): {', '.join(sorted(ids))}")
    console.print("[red]REGRESSION[/red]" if result.regressed else "[green]no regression[/green]")


def run_compare(old_path: Path, new_path: Path) -> int:
    old, new = load_summary(old_path), load_summary(new_path)
    result = compare(old, new)
    print_comparison(result, str(old_path), str(new_path))
    return result.exit_code
