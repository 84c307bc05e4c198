"""`sarto eval`: every case through the real assistant (the API's code path), scored, written out.

Writes `results.jsonl` (one line per case: inputs, every turn's result with tool calls and timings,
every verdict with its reason), `summary.json` (metrics, gates, breakdowns, per-case pass/fail) and
`report.html`.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Engine

from evals.cases import EvalCase, load_cases, select_suite
from evals.metrics import load_thresholds, summarise
from evals.scorers import Records, TurnContext, Verdict, score_turn
from evals.setup import (
    Picker,
    ProductPicker,
    ReplayPicker,
    prepare_case,
    reference_now,
    reset_shopper,
    resolve_messages,
)
from tools.db.shop import Shop
from tools.shapes import TurnResult

log = logging.getLogger(__name__)


class TurnRunner(Protocol):
    """What the runner needs from the assistant: agent.assistant.Assistant satisfies it."""

    def run(self, request: Any) -> TurnResult: ...


class Judge(Protocol):
    """The optional LLM-as-judge (tone, helpfulness): reported apart, never gated."""

    def judge(self, case: EvalCase, turn_index: int, result: TurnResult) -> dict[str, Any]: ...


@dataclass
class EvalRun:
    out_dir: Path
    summary: dict[str, Any]
    records: list[dict[str, Any]]

    @property
    def passed(self) -> bool:
        return bool(self.summary["gates_passed"])


def _run_case(case: EvalCase, assistant: TurnRunner, records: Records, shopper_id: str, run_tag: str,
              judge: Judge | None) -> dict[str, Any]:
    from agent.events import TurnRequest

    thread_id = f"eval-{case.id}-{run_tag}"
    turns: list[dict[str, Any]] = []
    earlier: list[TurnResult] = []
    for i, turn in enumerate(case.turns):
        entry: dict[str, Any] = {"message": turn.message,
                                 "expect": turn.expect.model_dump(mode="json", exclude_defaults=True)
                                 if turn.expect else None}
        request = TurnRequest(shopper_id=shopper_id, thread_id=thread_id, message=turn.message,
                              now=turn.now or reference_now(), context=dict(turn.context))
        started = time.perf_counter()
        try:
            result = assistant.run(request)
        except Exception as exc:  # one broken case must not stop the suite; it fails with the error
            log.exception("case %s turn %d failed", case.id, i)
            entry.update(result=None, error=f"{type(exc).__name__}: {exc}", latency_ms=None, tool_calls=None,
                         verdicts=[Verdict("run", False, f"the turn raised {type(exc).__name__}: {exc}")
                                   .as_dict()], judge=None)
            turns.append(entry)
            break
        latency = (time.perf_counter() - started) * 1000
        ctx = TurnContext(case=case, turn_index=i, result=result, records=records, shopper_id=shopper_id,
                          earlier=list(earlier))
        verdicts = score_turn(ctx)
        earlier.append(result)
        entry.update(result=result.model_dump(mode="json"), error=None, latency_ms=round(latency, 2),
                     tool_calls=len(result.tool_calls), verdicts=[v.as_dict() for v in verdicts],
                     judge=judge.judge(case, i, result) if judge else None)
        turns.append(entry)
    final = case.final_expect
    return {
        "case_id": case.id, "split": case.split, "language": case.language, "tags": case.tags,
        "expected_goal": final.goal, "shopper_id": shopper_id,
        "inputs": {"shopper": case.shopper.model_dump(mode="json"),
                   "events": [e.model_dump(mode="json", exclude_none=True) for e in case.events],
                   "messages": [t.message for t in case.turns]},
        "turns": turns,
        "passed": all(v["passed"] for t in turns for v in t["verdicts"]) and len(turns) == len(case.turns),
    }


def run_cases(shop: Shop, assistant: TurnRunner, cases: list[EvalCase], out_dir: Path, *,
              suite: str = "all", planner: str = "deterministic", workers: int = 2,
              progress: bool = False, judge: Judge | None = None,
              on_case: Callable[[dict[str, Any]], None] | None = None,
              resolve_picks_on: Engine | None = None) -> EvalRun:
    """Prepare every case's shopper, run the cases (in parallel threads), score, write the files.
    Products for the shoppers' events and history are picked on `shop`, or on `resolve_picks_on`
    and replayed there by SKU."""
    started = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    records = Records(shop.engine)
    picker: Picker = (ProductPicker(shop.engine) if resolve_picks_on is None
                      else ReplayPicker(shop.engine, resolve_picks_on))
    now = reference_now()
    cases = [resolve_messages(case, picker) for case in cases]
    shopper_ids = {case.id: prepare_case(shop.engine, case, picker, now) for case in cases}
    try:
        return _run_prepared(shop, assistant, cases, shopper_ids, records, out_dir, started,
                             suite=suite, planner=planner, workers=workers, progress=progress, judge=judge,
                             on_case=on_case)
    finally:
        # the case shoppers (and their events, orders, threads) never outlive the run
        for shopper_id in shopper_ids.values():
            reset_shopper(shop.engine, shopper_id)


def _run_prepared(shop: Shop, assistant: TurnRunner, cases: list[EvalCase], shopper_ids: dict[str, str],
                  records: Records, out_dir: Path, started: float, *, suite: str, planner: str,
                  workers: int, progress: bool, judge: Judge | None,
                  on_case: Callable[[dict[str, Any]], None] | None) -> EvalRun:
    run_tag = uuid.uuid4().hex[:8]
    results: dict[str, dict[str, Any]] = {}

    def one(case: EvalCase) -> dict[str, Any]:
        return _run_case(case, assistant, records, shopper_ids[case.id], run_tag, judge)

    def done(record: dict[str, Any], advance: Callable[[], None]) -> None:
        results[record["case_id"]] = record
        if on_case:
            on_case(record)
        advance()

    with _Progress(progress, len(cases)) as advance:
        # the first case runs alone: it opens the lazily loaded parts (index, model) before any
        # parallel turn, so the parallel ones measure turns rather than a race to open them
        if cases:
            done(one(cases[0]), advance)
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            for record in pool.map(one, cases[1:]):
                done(record, advance)
    ordered = [results[c.id] for c in cases]
    run = {"suite": suite, "planner": planner, "cases": len(cases),
           "turns": sum(len(r["turns"]) for r in ordered), "workers": workers,
           "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
           "duration_s": round(time.perf_counter() - started, 1), "judge": judge is not None}
    summary = summarise(ordered, run, load_thresholds())
    write_outputs(out_dir, ordered, summary)
    return EvalRun(out_dir, summary, ordered)


def write_outputs(out_dir: Path, records: list[dict[str, Any]], summary: dict[str, Any]) -> None:
    from evals.report import render_report

    with (out_dir / "results.jsonl").open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n",
                                          encoding="utf-8")
    # the thin round trip's tables, when `sarto eval-enrichment` wrote them into this folder
    enrichment_file = out_dir / "enrichment.json"
    enrichment = json.loads(enrichment_file.read_text(encoding="utf-8")) if enrichment_file.exists() else None
    (out_dir / "report.html").write_text(render_report(summary, records, enrichment), encoding="utf-8")


class _Progress:
    """A rich progress bar when asked for, a no-op otherwise (tests, CI logs)."""

    def __init__(self, enabled: bool, total: int):
        self.enabled, self.total = enabled, total
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> Callable[[], None]:
        if not self.enabled:
            return lambda: None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        self._bar = Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                             TimeElapsedColumn())
        self._bar.__enter__()
        self._task = self._bar.add_task("eval cases", total=self.total)
        return lambda: self._bar.advance(self._task)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)


def run_eval(settings: Any, *, suite: str = "all", planner: str = "deterministic", out_dir: Path,
             workers: int = 2, progress: bool = True, judge: bool = False,
             shop: Shop | None = None, resolve_picks_on: Engine | None = None) -> EvalRun:
    """The CLI's entry: open the shop and the assistant as the API does, then run the suite
    (`resolve_picks_on`: see `run_cases`)."""
    from sqlalchemy import select

    from agent.assistant import Assistant
    from tools.db.engine import session_scope
    from tools.db.models import Product
    from tools.db.shop import open_shop

    if planner == "deterministic":
        settings = settings.model_copy(update={"llm_model": None})
    elif not settings.llm_model:
        raise ValueError("--planner llm needs SARTO_LLM_MODEL (and SARTO_LLM_BASE_URL / SARTO_LLM_API_KEY)")
    cases = select_suite(load_cases(), suite)
    if not cases:
        raise ValueError(f"suite {suite!r} has no cases")
    shop = shop or open_shop(settings.resolved_database_url, settings.data_dir, settings.chroma_url)
    with session_scope(shop.engine) as s:
        if s.scalar(select(Product.id).limit(1)) is None:
            raise ValueError(f"the catalog in {settings.data_dir} is empty: run `sarto seed` first")
    assistant = Assistant.open(settings, shop)
    the_judge = None
    if judge:
        from evals.judge import LLMJudge

        the_judge = LLMJudge.from_settings(settings)
    return run_cases(shop, assistant, cases, out_dir, suite=suite, planner=planner, workers=workers,
                     progress=progress, judge=the_judge, resolve_picks_on=resolve_picks_on)
