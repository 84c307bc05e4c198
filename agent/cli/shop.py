"""Run the shop: seed, migrate, search, serve, ask, chat."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from agent.cli.common import _decimal, _shop, app, fail


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
    workers: Annotated[int, typer.Option(min=1, max=64, help="worker processes; more than one shares "
                                                             "runs through SARTO_REDIS_URL")] = 1,
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
    if workers > 1:
        if not settings.redis_url:
            fail("--workers above 1 needs SARTO_REDIS_URL (e.g. redis://127.0.0.1:6379/0): runs, "
                 "cancels and rate limits are shared through it")
        _serve_workers(bind, port or settings.port, workers)
        return
    uvicorn.Server(server_config(create_app(settings), bind, port or settings.port, log_level="info")).run()


def _serve_workers(host: str, port: int, workers: int) -> None:
    import logging.config
    import shutil

    import uvicorn
    from uvicorn.config import LOGGING_CONFIG

    from agent.server.metrics import share_between_workers

    # before the workers exist: each is a fresh process that picks its metrics mode on import
    metrics_dir, operators = share_between_workers()
    logging.config.dictConfig(LOGGING_CONFIG)  # uvicorn's format, ahead of uvicorn itself
    logging.getLogger("uvicorn.error").info(
        "/metrics sums the %d workers' files in %s (%s)", workers, metrics_dir,
        "PROMETHEUS_MULTIPROC_DIR, emptied of the last run's files" if operators else "private, temporary")
    try:
        # each worker builds its own app from the environment (uvicorn spawns by import string)
        uvicorn.run("agent.server.app:app_from_environment", factory=True, host=host, port=port,
                    workers=workers, proxy_headers=False, log_level="info")
    finally:
        if not operators:
            shutil.rmtree(metrics_dir, ignore_errors=True)


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
    shopper: Annotated[str, typer.Option(help="shopper id; an unknown id is a new guest")] = "cli-guest",
    events: Annotated[Path | None, typer.Option(help="JSON list of browsing events")] = None,
    thread: Annotated[str | None, typer.Option(help="thread id to continue a conversation")] = None,
    now: Annotated[str | None, typer.Option(help="the time of the turn (ISO), for reproducible runs")] = None,
    language: Annotated[str | None, typer.Option(help="it | en (default: detected)")] = None,
    layout: Annotated[str | None, typer.Option(help="image-grid | spec-table | carousel")] = None,
    city: Annotated[str | None, typer.Option(help="where the shopper is")] = None,
    lat: Annotated[float | None, typer.Option(help="latitude, with --lon (as an app sends)")] = None,
    lon: Annotated[float | None, typer.Option(help="the shopper's longitude (with --lat)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the turn as JSON")] = False,
) -> None:
    """Ask Sarto one question and print the answer (or the whole turn as JSON)."""
    import uuid

    from pydantic import ValidationError

    from agent.events import TurnRequest
    from tools.shapes import first_error

    if not message.strip():
        fail("the message is empty")
    if (lat is None) != (lon is None):
        fail("--lat and --lon go together")
    if lat is not None and lon is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
        fail("--lat must be within -90..90 and --lon within -180..180")
    context: dict[str, object] = {"city": city} if city else {}
    if lat is not None:
        context.update(lat=lat, lon=lon)
    try:
        request = TurnRequest.model_validate({
            "shopper_id": shopper, "thread_id": thread or f"cli-{uuid.uuid4().hex[:12]}",
            "message": message, "language": language, "events": _load_events(events),
            "now": _parse_now(now), "layout": layout, "context": context})
    except ValidationError as exc:
        fail(first_error(exc))
    result = _assistant().run(request)
    if as_json:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
    else:
        sys.stdout.write(result.text + "\n")


@app.command()
def chat(
    shopper: Annotated[str, typer.Option(help="shopper id; an unknown id is a new guest")] = "cli-guest",
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
