"""What every `sarto` command shares: the app, bad-input exits, the shop, option types."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, NoReturn

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
