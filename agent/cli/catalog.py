"""Bring your own catalog: import feeds, report their quality, export the feeds Google reads."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from agent.cli.common import _shop, app, export_app, fail

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

    from agent.planning.model_factory import build_labeller
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
                            on_progress=on_progress, labeller=build_labeller(get_settings()))
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
def enrich(data_dir: DataDir = None) -> None:
    """Derive the imported products' attributes again (occasions, formality, seasons, ...)."""
    from agent.planning.model_factory import build_labeller
    from agent.settings import get_settings
    from tools.imports.reenrich import reenrich

    done = reenrich(_shop(data_dir), build_labeller(get_settings()))
    typer.echo(f"{done.products:,} imported products enriched again, {done.changed:,} changed, "
               f"in {done.seconds:.1f} s (job {done.job_id})")


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
