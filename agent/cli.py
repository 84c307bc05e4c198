"""The `sarto` command line. Heavy modules are imported inside commands so `--help` is instant."""

from __future__ import annotations

import sys
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any, Literal, NoReturn

import typer

app = typer.Typer(no_args_is_help=True, add_completion=False,
                  help="Sarto: the stylist that dresses the whole look.")
bench_app = typer.Typer(no_args_is_help=True, help="Benchmarks that print tables for BENCHMARKS.md.")
app.add_typer(bench_app, name="bench")
export_app = typer.Typer(no_args_is_help=True, help="Google Merchant Center feeds: catalog, stock per store.")
app.add_typer(export_app, name="export")


def fail(message: str) -> NoReturn:
    """Bad input: a clear message and exit code 2, never a traceback."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _shop(data_dir: Path | None = None):  # type: ignore[no-untyped-def]
    from agent.settings import get_settings
    from tools.db.shop import open_shop

    settings = get_settings()
    if data_dir is not None:
        settings = settings.model_copy(update={"data_dir": data_dir, "database_url": None})
    return open_shop(settings.resolved_database_url, settings.data_dir, settings.chroma_url)


@app.command()
def seed(
    products: Annotated[int, typer.Option(help="how many products to generate")] = 0,
    seed_number: Annotated[int, typer.Option("--seed", help="seed number (same seed, same shop)")] = 0,
    if_empty: Annotated[bool, typer.Option(help="do nothing when the catalog is already loaded")] = False,
    no_index: Annotated[bool, typer.Option(help="skip building the vector index")] = False,
    data_dir: Annotated[Path | None, typer.Option(help="data folder (default SARTO_DATA_DIR)")] = None,
) -> None:
    """Generate the seed catalog, stores, stock and shoppers, load them and index the catalog."""
    from agent.settings import get_settings
    from catalog_seed.load import seed_shop

    settings = get_settings()
    n = products or settings.seed_products
    if n < 50 or n > 2_000_000:
        fail("--products must be between 50 and 2,000,000")
    seed_shop(_shop(data_dir), products=n, seed=seed_number or settings.seed, if_empty=if_empty,
              build_index=not no_index)


@app.command()
def migrate(
    data_dir: Annotated[Path | None, typer.Option(help="data folder (default SARTO_DATA_DIR)")] = None,
    database_url: Annotated[str | None, typer.Option(
        help="the database (default SARTO_DATABASE_URL, else SQLite in the data folder)")] = None,
    check: Annotated[bool, typer.Option(
        help="exit 1 when the models and the migrations differ; touches no database")] = False,
) -> None:
    """Bring the shop's database to the newest schema, keeping every row (serve and seed do it too)."""
    if check:
        _check_migrations()
        return
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, DBAPIError

    from agent.settings import get_settings
    from tools.db.engine import get_engine
    from tools.db.migrate import NewerSchema
    from tools.db.migrate import migrate as migrate_database

    settings = get_settings()
    if data_dir is not None:
        settings = settings.model_copy(update={"data_dir": data_dir, "database_url": None})
    if database_url is not None:
        settings = settings.model_copy(update={"database_url": database_url})
    url = settings.resolved_database_url
    try:
        shown = make_url(url).render_as_string(hide_password=True)
        engine = get_engine(url)
        engine.connect().close()
    except ArgumentError as exc:
        fail(f"--database-url is not a database URL like postgresql+psycopg://user@host/db: {exc}")
    except DBAPIError as exc:
        fail(f"cannot reach the database {shown}: {_first_line(exc)}")
    except OSError as exc:
        fail(f"cannot open the data folder: {exc}")
    try:
        done = migrate_database(engine)
    except DBAPIError as exc:  # rolled back: the database is as it was
        typer.echo(f"error: the migration of {shown} failed and changed nothing: {_first_line(exc)}",
                   err=True)
        raise typer.Exit(1) from None
    except NewerSchema as exc:
        fail(str(exc))
    if done.changed:
        typer.echo(f"{shown}: migrated {done.before or '(no version)'} → {done.after}")
    else:
        typer.echo(f"{shown}: already at {done.after}, nothing to do")


def _first_line(exc: Exception) -> str:
    return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]


def _check_migrations() -> None:
    from tools.db.migrate import head_revision, schema_differences

    differences = schema_differences()
    if not differences:
        typer.echo(f"the models and the migrations agree (head {head_revision()})")
        return
    typer.echo("the models differ from the schema the migrations build; write a migration in "
               "tools/db/migrations/versions/ for:", err=True)
    for difference in differences:
        typer.echo(f"  {difference}", err=True)
    raise typer.Exit(1)


BenchSizes = Annotated[str, typer.Option(help="catalog sizes, comma separated")]
BenchWorkdir = Annotated[Path, typer.Option(help="where benchmark catalogs are built and reused")]


def _counts(value: str, name: str, low: int = 1, high: int = 2_000_000) -> list[int]:
    """A comma-separated list of whole numbers, or exit 2 saying what is wrong."""
    try:
        counts = [int(s) for s in value.split(",") if s.strip()]
    except ValueError:
        fail(f"{name} must be comma-separated integers, got {value!r}")
    if not counts or min(counts) < low or max(counts) > high:
        fail(f"{name} must be between {low} and {high}")
    return counts


def _decimal(value: str | None, name: str) -> Decimal | None:
    if value is None:
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        fail(f"{name} must be a number of euros, got {value!r}")
    if not amount.is_finite() or amount < 0 or amount > 100_000:
        fail(f"{name} must be between 0 and 100000 euros, got {value}")
    return amount


@app.command()
def search(
    query: Annotated[str, typer.Argument(help='free text, Italian or English: "giacca blu elegante"')],
    department: Annotated[str | None, typer.Option(help="menswear | womenswear | kids")] = None,
    category: Annotated[list[str] | None, typer.Option(help="category key (repeatable)")] = None,
    occasion: Annotated[str | None, typer.Option()] = None,
    season: Annotated[str | None, typer.Option()] = None,
    colour: Annotated[list[str] | None, typer.Option(help="colour key (repeatable)")] = None,
    min_price: Annotated[str | None, typer.Option(help="euros")] = None,
    max_price: Annotated[str | None, typer.Option(help="euros")] = None,
    size: Annotated[str | None, typer.Option(help='size label in stock: "50", "M", "43"')] = None,
    location: Annotated[str | None, typer.Option(help='"online" or a store code')] = None,
    in_stock: Annotated[bool, typer.Option(help="only products in stock")] = False,
    limit: Annotated[int, typer.Option(min=1, max=100)] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Search the catalog with hard filters."""
    from pydantic import ValidationError

    from tools.catalog.search import SearchError, search_products
    from tools.shapes import SearchFilters, first_error

    try:
        filters = SearchFilters(
            department=department, categories=category or None, occasion=occasion, season=season,
            colours=colour or None, min_price=_decimal(min_price, "--min-price"),
            max_price=_decimal(max_price, "--max-price"), size=size, location=location,
            in_stock_only=in_stock)
    except ValidationError as exc:
        fail(first_error(exc, with_location=False))
    try:
        result = search_products(_shop(), query, filters, limit=limit)
    except SearchError as exc:
        fail(str(exc))
    if as_json:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(result.hits)} of {result.total_candidates} matching products")
    for col in ("sku", "title", "category", "price", "sizes in stock", "score"):
        table.add_column(col)
    for hit in result.hits:
        table.add_row(hit.sku, hit.title_it, hit.category, f"€{hit.price.amount}",
                      " ".join(hit.sizes_in_stock), f"{hit.score:.3f}")
    Console().print(table)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option()] = None,
    port: Annotated[int | None, typer.Option()] = None,
) -> None:
    """Serve the API, the widget and the demo storefront."""
    import uvicorn

    from agent.server.app import create_app, server_config
    from agent.settings import get_settings

    settings = get_settings()
    bind = host or settings.host
    unsafe = settings.unsafe_defaults()
    if unsafe and (settings.env == "production" or not _loopback(bind)):
        fail(f"refusing to serve on {bind} (SARTO_ENV={settings.env}) with default secrets: set "
             + "; ".join(unsafe))
    uvicorn.Server(server_config(create_app(settings), bind, port or settings.port, log_level="info")).run()


def _loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _assistant():  # type: ignore[no-untyped-def]
    from agent.assistant import Assistant
    from agent.settings import get_settings

    settings = get_settings()
    return Assistant.open(settings, _shop())


def _parse_now(now: str | None):  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    if now is None:
        return None
    try:
        parsed = datetime.fromisoformat(now)
    except ValueError:
        fail(f"--now must be an ISO date-time like 2026-11-01T12:00:00+00:00, got {now!r}")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _load_events(path: Path | None) -> list:  # type: ignore[type-arg]
    if path is None:
        return []
    import json

    from pydantic import TypeAdapter, ValidationError

    from tools.shapes import BrowsingEvent, first_error

    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return TypeAdapter(list[BrowsingEvent]).validate_python(raw)
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror}")
    except json.JSONDecodeError as exc:
        fail(f"{path} is not valid JSON: {exc.msg} (line {exc.lineno})")
    except ValidationError as exc:
        fail(f"{path}: event {first_error(exc)}")


@app.command()
def ask(
    message: Annotated[str, typer.Argument(help='what the shopper says: "Ciao, mi aiuti?"')],
    shopper: Annotated[str, typer.Option(help="shopper id; an unknown id is a new guest")] = "guest",
    events: Annotated[Path | None, typer.Option(help="JSON list of browsing events")] = None,
    thread: Annotated[str | None, typer.Option(help="thread id to continue a conversation")] = None,
    now: Annotated[str | None, typer.Option(help="the time of the turn (ISO), for reproducible runs")] = None,
    language: Annotated[str | None, typer.Option(help="it | en (default: detected)")] = None,
    layout: Annotated[str | None, typer.Option(help="image-grid | spec-table | carousel")] = None,
    city: Annotated[str | None, typer.Option(help="where the shopper is")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the turn as JSON")] = False,
) -> None:
    """Ask Sarto one question and print the answer (or the whole turn as JSON)."""
    import uuid

    from pydantic import ValidationError

    from agent.events import TurnRequest
    from tools.shapes import first_error

    if not message.strip():
        fail("the message is empty")
    try:
        request = TurnRequest.model_validate({
            "shopper_id": shopper, "thread_id": thread or f"cli-{uuid.uuid4().hex[:12]}",
            "message": message, "language": language, "events": _load_events(events),
            "now": _parse_now(now), "layout": layout, "context": {"city": city} if city else {}})
    except ValidationError as exc:
        fail(first_error(exc))
    result = _assistant().run(request)
    if as_json:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
    else:
        sys.stdout.write(result.text + "\n")


@app.command()
def chat(
    shopper: Annotated[str, typer.Option(help="shopper id; an unknown id is a new guest")] = "guest",
    language: Annotated[str | None, typer.Option(help="it | en (default: detected)")] = None,
    now: Annotated[str | None, typer.Option(help="the time of the turns (ISO)")] = None,
) -> None:
    """Talk to Sarto in the terminal; answers stream as they are written. Ctrl-D quits."""
    import uuid

    from agent.events import CardEvent, StateEvent, TextEvent, TurnRequest

    assistant = _assistant()
    thread_id = f"chat-{uuid.uuid4().hex[:12]}"
    when = _parse_now(now)
    while True:
        try:
            message = input("tu> ")
        except (EOFError, KeyboardInterrupt):
            sys.stdout.write("\n")
            return
        if not message.strip():
            continue
        request = TurnRequest.model_validate({"shopper_id": shopper, "thread_id": thread_id,
                                              "message": message[:4000], "language": language,
                                              "now": when})
        sys.stdout.write("sarto> ")
        for item in assistant.stream(request):
            if isinstance(item, TextEvent):
                sys.stdout.write(item.delta)
                sys.stdout.flush()
            elif isinstance(item, StateEvent) and item.path == "/goal":
                goal = item.value
                sys.stderr.write(f"[goal {goal['label']} {goal['confidence']:.2f}]\n")
            elif isinstance(item, CardEvent):
                sys.stderr.write(f"[card {item.card.type}]\n")
        sys.stdout.write("\n")


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
) -> None:
    """Time to first SSE event and first outfit card over HTTP; shoppers one worker sustains."""
    from evals.bench_serve import run_serve_benchmark

    run_serve_benchmark(_counts(sizes, "--sizes"), workdir=workdir, idle_turns=idle_turns,
                        levels=tuple(_counts(levels, "--levels", high=5000)), window_s=window,
                        interval_s=interval)


# --- bring your own catalog -------------------------------------------------------------------

import_app = typer.Typer(no_args_is_help=True, help="Import the retailer's own feeds into the shop.")
app.add_typer(import_app, name="import")
ImportMode = Annotated[str, typer.Option("--mode", help="incremental (only the rows present) | full "
                                                         "(also retire what the feed no longer lists)")]
DryRun = Annotated[bool, typer.Option("--dry-run", help="validate and report, write nothing")]
MaxMb = Annotated[float | None, typer.Option("--max-mb", help="refuse files larger than this "
                                                              "(MB; default SARTO_IMPORT_MAX_MB)")]
MaxRejected = Annotated[float, typer.Option("--max-rejected", help="refuse the whole file when more than "
                                                                   "this share of rows is unusable")]
DataDir = Annotated[Path | None, typer.Option(help="data folder (default SARTO_DATA_DIR)")]


def _import(kind: str, path: Path, mode: str, dry_run: bool, max_mb: float | None, max_rejected: float,
            data_dir: Path | None, fmt: str | None = None, mapping: Path | None = None) -> None:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from tools.imports.run import run_import

    if mode not in ("incremental", "full"):
        fail(f"--mode must be incremental or full, got {mode!r}")
    if not path.is_file():
        fail(f"{path}: no such file")
    if mapping is not None and not mapping.is_file():
        fail(f"{mapping}: no such mapping file")
    from agent.settings import get_settings

    max_mb = get_settings().import_max_mb if max_mb is None else max_mb
    if not 0 < max_mb <= 100_000 or not 0 <= max_rejected <= 1:
        fail("--max-mb must be above 0 and --max-rejected between 0 and 1")
    shop = _shop(data_dir)
    with Progress(TextColumn("{task.description:<10}"), BarColumn(), TextColumn("{task.fields[note]}"),
                  TimeElapsedColumn(), transient=True) as bars:
        task = bars.add_task("reading", total=1.0, note="")

        def on_progress(stage: str, value: float) -> None:
            if stage == "read":
                bars.update(task, description="reading", note=f"{int(value):,} rows")
            else:
                bars.update(task, description=stage, completed=value, note="")

        result = run_import(shop, kind, path, mode=mode, dry_run=dry_run, fmt=fmt,  # type: ignore[arg-type]
                            mapping=mapping, max_bytes=int(max_mb * 1024 * 1024), max_rejected=max_rejected,
                            on_progress=on_progress)
    counts = ", ".join(f"{k} {v:,}" for k, v in result.counts.items() if v)
    report = f" — report: {result.report_dir / 'report.html'}" if result.report_dir else ""
    if not result.ok:
        typer.echo(f"error: {result.error}{report}", err=True)
        raise typer.Exit(2)
    verb = "checked (dry run, nothing written)" if dry_run else "imported"
    typer.echo(f"{kind} {verb}: {counts or 'nothing to do'} in {result.timings_s.get('total', 0)} s"
               f" (job {result.job_id}){report}")
    if result.problems:
        typer.echo(f"{len(result.problems)} rows with problems: see the report", err=True)


@import_app.command("products")
def import_products(
    path: Annotated[Path, typer.Argument(help="Merchant XML/TSV, Shopify CSV, or CSV/JSONL with --mapping")],
    mode: ImportMode = "incremental", dry_run: DryRun = False, max_mb: MaxMb = None,
    max_rejected: MaxRejected = 0.02, data_dir: DataDir = None,
    fmt: Annotated[str | None, typer.Option("--format", help="merchant-xml | merchant-tsv | shopify | "
                                                             "csv | jsonl (default: sniffed)")] = None,
    mapping: Annotated[Path | None,
                       typer.Option(help="TOML mapping of your columns to Sarto's fields")] = None,
) -> None:
    """Import products (one row per variant) and make them searchable at once."""
    _import("products", path, mode, dry_run, max_mb, max_rejected, data_dir, fmt, mapping)


@import_app.command("stores")
def import_stores(path: Annotated[Path, typer.Argument(help="store directory CSV")],
                  dry_run: DryRun = False, max_mb: MaxMb = None, max_rejected: MaxRejected = 0.02,
                  data_dir: DataDir = None) -> None:
    """Import the store directory (Sarto's header or Google Business Profile's)."""
    _import("stores", path, "incremental", dry_run, max_mb, max_rejected, data_dir)


@import_app.command("inventory")
def import_inventory(path: Annotated[Path, typer.Argument(help="Google local inventory TSV")],
                     mode: ImportMode = "incremental", dry_run: DryRun = False, max_mb: MaxMb = None,
                     max_rejected: MaxRejected = 0.02, data_dir: DataDir = None) -> None:
    """Import stock per store (the local inventory feed); held reservations are never touched."""
    _import("inventory", path, mode, dry_run, max_mb, max_rejected, data_dir)


@app.command()
def quality(out: Annotated[Path, typer.Option(help="folder for report.html and report.json")],
            data_dir: DataDir = None) -> None:
    """Write the catalog's data-quality report (HTML + JSON)."""
    from tools.imports.quality import write_report

    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"cannot write to {out}: {exc.strerror}")
    report = write_report(_shop(data_dir), out)
    totals = report["catalog"]["totals"]
    typer.echo(f"{totals['products']:,} products, "
               f"{report['catalog']['never_in_an_outfit']['count']:,} can never appear in an outfit — "
               f"{out / 'report.html'}")


ExportOut = Annotated[Path, typer.Option("--out", help="the feed file to write (replaced when complete)")]
ExportFormat = Annotated[str, typer.Option("--format", help="tsv | xml (RSS 2.0 with the g: namespace)")]


def _export(kind: str, out: Path, fmt: str, write: Callable[..., Any]) -> None:
    """`write(shop, out, fmt, progress)` one feed with a progress bar on stderr; bad input, an
    unwritable path or an empty catalog exit 2 with a message."""
    if fmt not in ("tsv", "xml"):
        fail(f"--format must be tsv or xml, not {fmt!r}")
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from tools.catalog.exports.writers import ExportError
    from tools.clock import shop_now
    from tools.stock.reservations import expire_reservations

    shop = _shop()
    expire_reservations(shop, shop_now())  # expired holds give their units back before we count them
    bars = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=Console(stderr=True))
    tasks: list[Any] = []

    def progress(done: int, total: int) -> None:
        if not tasks:  # the bar appears once rows flow, so a refused export prints only its message
            tasks.append(bars.add_task(f"{kind} → {out.name}", total=total))
        bars.update(tasks[0], completed=done, total=total)

    with bars:
        try:
            summary = write(shop, out, fmt, progress)
        except ExportError as exc:
            bars.stop()
            fail(str(exc))
    typer.echo(f"{summary.rows} rows written to {out}", err=True)


@export_app.command("products")
def export_products_command(
    out: ExportOut, fmt: ExportFormat = "tsv",
    language: Annotated[str, typer.Option(help="it | en: titles, descriptions and labels")] = "it",
    base_url: Annotated[str, typer.Option(help="the storefront's address, for links")] = "http://127.0.0.1:8000",
) -> None:
    """The catalog as a Merchant product feed: one row per variant, grouped by product sku."""
    from tools.catalog.exports.products_feed import export_products

    if language not in ("it", "en"):
        fail(f"--language must be it or en, not {language!r}")
    if not base_url.startswith(("http://", "https://")):
        fail(f"--base-url must start with http:// or https://, not {base_url!r}")
    lang: Literal["it", "en"] = "en" if language == "en" else "it"
    _export("products", out, fmt, lambda shop, path, f, progress: export_products(
        shop, path, f, language=lang, base_url=base_url, progress=progress))


@export_app.command("local-inventory")
def export_local_inventory_command(out: ExportOut, fmt: ExportFormat = "tsv") -> None:
    """Google's local inventory feed: stock per store net of held reservations, pickup by reservation."""
    from tools.catalog.exports.local_inventory import export_local_inventory

    _export("local-inventory", out, fmt, lambda shop, path, f, progress: export_local_inventory(
        shop, path, f, progress=progress))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
