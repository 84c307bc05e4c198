"""Measure it: the offline evaluation suite and the benchmarks."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from agent.cli.common import BenchSizes, BenchWorkdir, _counts, app, bench_app, fail


@bench_app.command("search")
def bench_search(
    sizes: BenchSizes = "10000,100000",
    queries: Annotated[int, typer.Option(min=10, max=10000, help="distinct queries per filter mix")] = 200,
    workdir: BenchWorkdir = Path("data/bench"),
) -> None:
    """Filtered search latency and recall vs Chroma's where-filtered query; indexing speed."""
    from evals.bench_search import run_search_benchmark

    run_search_benchmark(_counts(sizes, "--sizes"), queries=queries, workdir=workdir)


@bench_app.command("turn")
def bench_turn(
    sizes: BenchSizes = "10000,100000",
    turns: Annotated[int, typer.Option(min=10, max=10000, help="distinct turns per catalog")] = 200,
    workdir: BenchWorkdir = Path("data/bench"),
) -> None:
    """p50/p95 and CPU time of a full deterministic turn on benchmark catalogs."""
    from evals.bench_turn import run_turn_benchmark

    run_turn_benchmark(_counts(sizes, "--sizes"), turns=turns, workdir=workdir)


@bench_app.command("import")
def bench_import(
    products: Annotated[int, typer.Option(min=50, max=200_000, help="products in the exported shop")] = 12000,
    workdir: BenchWorkdir = Path("data/bench"),
) -> None:
    """Export a seed shop as Merchant feeds and import it into a fresh folder, then again unchanged."""
    from evals.bench_import import run_import_benchmark

    run_import_benchmark(products, workdir)


@app.command("eval")
def eval_command(
    suite: Annotated[str, typer.Option(help="all | fast | dev | heldout | tag:NAME | id:A,B")] = "all",
    planner: Annotated[str, typer.Option(help="deterministic | llm")] = "deterministic",
    out: Annotated[Path, typer.Option(help="folder for results.jsonl, summary.json, report.html")] = Path(
        "data/eval/latest"),
    compare: Annotated[tuple[Path, Path] | None, typer.Option(
        help="OLD NEW run folders (or summary.json files): what moved; exit 1 on regression")] = None,
    workers: Annotated[int, typer.Option(min=1, max=16, help="cases run in parallel")] = 2,
    judge: Annotated[bool, typer.Option(help="add the optional LLM-as-judge (not gated)")] = False,
    progress: Annotated[bool, typer.Option(help="show a progress bar")] = True,
) -> None:
    """Score the assistant on the offline scenarios (exit 1 when a quality bar is missed)."""
    if compare is not None:
        from evals.compare import CompareError, run_compare

        try:
            code = run_compare(compare[0], compare[1])
        except CompareError as exc:
            fail(str(exc))
        raise typer.Exit(code)
    if planner not in ("deterministic", "llm"):
        fail("--planner must be deterministic or llm")
    from agent.settings import get_settings
    from evals.cases import CaseError
    from evals.runner import run_eval

    try:
        run = run_eval(get_settings(), suite=suite, planner=planner, out_dir=out, workers=workers,
                       progress=progress, judge=judge)
    except (CaseError, ValueError) as exc:
        fail(str(exc))
    from evals.summary_table import print_summary

    print_summary(run.summary, out)
    raise typer.Exit(0 if run.passed else 1)


@app.command("eval-enrichment")
def eval_enrichment(
    products: Annotated[int, typer.Option(min=50, max=200_000, help="products in the seed shop")] = 2000,
    workdir: Annotated[Path, typer.Option(help="where the seed shop, thin feeds and imports are built")
                       ] = Path("data/eval/enrichment"),
    language: Annotated[str, typer.Option(help="it | en | both: the thin feeds whose enrichment is scored")
                        ] = "both",
    crosslang: Annotated[bool, typer.Option(help="also measure cross-language search recall")] = True,
    queries: Annotated[int, typer.Option(min=10, max=5000, help="cross-language query pairs at most")] = 400,
    replay: Annotated[bool, typer.Option(help="also run the eval suite on the rich and the thin shops")
                      ] = False,
    ceiling: Annotated[int, typer.Option(min=0, max=1_000_000, help="also measure the ceiling: a lookup "
                                         "learned with the truth from this many generated products")] = 0,
    out: Annotated[Path, typer.Option(help="folder for enrichment.json/.md (and report.html if an eval "
                                           "run is there)")] = Path("data/eval/latest"),
) -> None:
    """Export the seed shop as a thin feed, import it fresh, score enrichment against the seed."""
    if language not in ("it", "en", "both"):
        fail("--language must be it, en or both")
    import logging

    from evals.enrichment import RoundTripError
    from evals.enrichment.run import run_round_trip, write_outputs
    from evals.enrichment.tables import enrichment_markdown
    from tools.catalog.exports.labels import Language

    logging.basicConfig(level=logging.WARNING)
    languages: tuple[Language, ...] = ("it", "en")
    if language != "both":
        languages = ("it",) if language == "it" else ("en",)
    try:
        trip = run_round_trip(products, workdir, languages, crosslang=crosslang, queries=queries,
                              replay=replay, ceiling=ceiling)
    except RoundTripError as exc:
        fail(str(exc))
    write_outputs(trip, out)
    typer.echo(enrichment_markdown(trip.as_dict()))
    typer.echo(f"\nwritten: {out / 'enrichment.json'}, {out / 'enrichment.md'}")


@bench_app.command("serve")
def bench_serve(
    sizes: BenchSizes = "10000",
    idle_turns: Annotated[int, typer.Option(min=3, max=2000, help="sequential turns with no load")] = 100,
    levels: Annotated[str, typer.Option(help="concurrent shoppers per load step, comma separated")] = (
        "25,50,100,150,200"),
    window: Annotated[float, typer.Option(min=1, max=600, help="seconds each load step runs")] = 60.0,
    interval: Annotated[float, typer.Option(min=0.5, max=120, help="seconds between a shopper's turns")
                        ] = 10.0,
    workdir: BenchWorkdir = Path("data/bench"),
    workers: Annotated[str | None, typer.Option(
        help="the scale path instead of the embedded default: `sarto serve --workers N` on PostgreSQL + "
             "Redis for each N, comma separated (e.g. 1,2), back to back")] = None,
    kill_at: Annotated[float | None, typer.Option(
        min=1, help="with --workers 2: SIGKILL one worker this many seconds into one load step of the "
                    "first --levels value; report what the cut shoppers got and the held units")] = None,
    soak: Annotated[float | None, typer.Option(
        min=10, max=3600, help="seconds of one load step (the first --levels value) on one worker of "
                               "the scale path; report errors and the worker's RSS growth")] = None,
    database_url: Annotated[str, typer.Option(help="PostgreSQL for the scale path (created if missing)")
                            ] = "postgresql+psycopg://postgres@127.0.0.1:5432/sarto_bench",
    redis_url: Annotated[str, typer.Option(help="Redis for the scale path: this database is EMPTIED "
                                                "before each arm")] = "redis://127.0.0.1:6379/14",
) -> None:
    """Time to first SSE event and first outfit card over HTTP; shoppers one worker sustains; with
    --workers, --kill-at or --soak, the same on PostgreSQL + Redis."""
    import logging

    level_list = tuple(_counts(levels, "--levels", high=5000))
    size_list = _counts(sizes, "--sizes")
    if workers is None and kill_at is None and soak is None:
        from evals.bench_serve import run_serve_benchmark

        run_serve_benchmark(size_list, workdir=workdir, idle_turns=idle_turns, levels=level_list,
                            window_s=window, interval_s=interval)
        return
    if not database_url.startswith("postgresql"):
        fail("--database-url must be a PostgreSQL URL (postgresql+psycopg://...)")
    if len(size_list) != 1:
        fail("--workers, --kill-at and --soak take one catalog size")
    if kill_at is not None and kill_at >= window:
        fail("--kill-at must fall inside --window")
    arms = _counts(workers, "--workers", high=16) if workers is not None else []
    from evals import bench_serve_workers as scale

    logging.basicConfig(level=logging.WARNING)
    workdir.mkdir(parents=True, exist_ok=True)
    command = "sarto bench serve " + " ".join(sys.argv[3:]) if len(sys.argv) > 3 else "sarto bench serve"
    typer.echo(scale.machine_line())
    if arms:
        reports = scale.run_arms(size_list[0], workdir, arms, level_list, window, interval, 1000.0,
                                 database_url, redis_url)
        typer.echo(scale.format_arms(reports, command, 1000.0))
    if kill_at is not None:
        killed = scale.run_kill(size_list[0], workdir, level_list[0], window, interval, kill_at,
                                database_url, redis_url)
        typer.echo(scale.format_kill(killed, command))
    if soak is not None:
        soaked = scale.run_soak(size_list[0], workdir, level_list[0], soak, interval, database_url, redis_url)
        typer.echo(scale.format_soak(soaked, command))
