"""One import from file to shop: parse, check, write in one transaction, re-index, report.

The same function serves `sarto import` and `POST /v1/catalog/imports` (which runs it in a worker
thread): the job row carries the state and progress either way.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

from tools.catalog.feeds import FeedError, read_products, read_stock, read_stores
from tools.catalog.feeds.rows import FeedProblem, FeedStock, FeedStore, FeedVariant
from tools.db.engine import session_scope
from tools.db.shop import Shop
from tools.enrichment.batch import enrich_many
from tools.enrichment.llm import AnswerCache, Labeller, llm_pass
from tools.enrichment.values import Enrichment
from tools.imports import jobs
from tools.imports.apply import Applied, Counts, Mode, apply_products, apply_stock, apply_stores, stamp
from tools.imports.drafts import ProductDraft, build_drafts, in_shop_currency
from tools.imports.model_pass import fill_by_model
from tools.imports.quality import write_report

log = logging.getLogger(__name__)

Kind = Literal["products", "stores", "inventory"]
KINDS: tuple[Kind, ...] = ("products", "stores", "inventory")
DEFAULT_MAX_BYTES = 512 * 1024 * 1024
DEFAULT_MAX_REJECTED = 0.02  # a feed with more bad rows than this is refused whole
LLM_CACHE = "llm_enrichment.json"  # the model's answers by content hash, in the data folder
Row = TypeVar("Row")
# One import writes at a time per database in this process: SQLite has one writer, and two
# imports interleaving their diffs would each compare against rows the other is replacing.
_WRITING: dict[str, threading.Lock] = {}
_GUARD = threading.Lock()


def writer_lock(shop: Shop) -> threading.Lock:
    with _GUARD:
        return _WRITING.setdefault(str(shop.engine.url), threading.Lock())


class _DryRun(Exception):
    """Raised inside the transaction of a dry run so nothing is kept."""


@dataclass
class ImportResult:
    job_id: str
    kind: str
    state: str  # succeeded | failed
    counts: dict[str, int]
    problems: list[dict[str, Any]]
    error: str | None
    report_dir: Path | None
    dry_run: bool
    timings_s: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.state == "succeeded"


def _split(rows: Iterator[Row | FeedProblem],
           tick: Callable[[int], None]) -> tuple[list[Row], list[FeedProblem]]:
    good: list[Row] = []
    problems: list[FeedProblem] = []
    for n, row in enumerate(rows, 1):
        if isinstance(row, FeedProblem):
            problems.append(row)
        else:
            good.append(row)
        if n % 2000 == 0:
            tick(n)
    return good, problems


def run_import(shop: Shop, kind: Kind, path: Path, *, mode: Mode = "incremental", dry_run: bool = False,
               fmt: str | None = None, mapping: Path | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
               max_rejected: float = DEFAULT_MAX_REJECTED, job_id: str | None = None,
               labeller: Labeller | None = None,
               on_progress: Callable[[str, float], None] | None = None) -> ImportResult:
    """Import `path` as `kind`. Never raises for bad input: the result says what failed and why."""
    engine = shop.engine
    job_id = job_id or jobs.create_job(engine, kind, mode, path.name, dry_run)
    jobs.start_job(engine, job_id)
    timings: dict[str, float] = {}

    def progress(stage: str, fraction: float, persist: bool = True) -> None:
        # The job row moves at stage boundaries only: inside the write transaction another
        # connection cannot commit to SQLite (it would wait for the import's own lock).
        if persist:
            jobs.set_progress(engine, job_id, fraction)
        if on_progress is not None:
            on_progress(stage, fraction)

    counts = Counts()
    problems: list[FeedProblem] = []
    error: str | None = None
    started = time.perf_counter()
    try:
        rows: Iterator[Any]
        if kind == "products":
            rows = read_products(path, format=fmt, mapping=mapping, max_bytes=max_bytes)
        elif kind == "stores":
            rows = read_stores(path, max_bytes=max_bytes)
        else:
            rows = read_stock(path, max_bytes=max_bytes)
        good, problems = _split(rows, lambda n: on_progress and on_progress("read", n))
        if kind == "products":
            priced, foreign = in_shop_currency([r for r in good if isinstance(r, FeedVariant)])
            good, problems = list(priced), problems + foreign
        timings["parse"] = time.perf_counter() - started
        errors = [p for p in problems if p.severity == "error"]
        counts.rejected = len(errors)
        total = len(good) + len(errors)
        if total and len(errors) > max_rejected * total:
            common, times = Counter(p.reason for p in errors).most_common(1)[0]
            raise FeedError(f"{len(errors)} of {total} rows cannot be used (more than "
                            f"{max_rejected:.0%}): nothing was imported; the report lists each row. "
                            f"Most often ({times}×): {common}")
        progress("write", 0.4)
        with writer_lock(shop):
            applied = _apply(shop, kind, good, mode, dry_run,
                             lambda f: progress("write", 0.4 + 0.4 * f, persist=False), labeller)
            timings["enrich"] = applied.enrich_s
            timings["write"] = time.perf_counter() - started - timings["parse"] - applied.enrich_s
            problems += applied.problems
            applied.counts.rejected += counts.rejected
            counts = applied.counts
            if not dry_run:
                progress("index", 0.8)
                mark = time.perf_counter()
                embedded = refresh_index(shop, kind, applied)
                timings["index"] = time.perf_counter() - mark
                if embedded is not None:
                    counts.embedded, timings["embed"] = embedded
    except FeedError as exc:
        error = str(exc)
    except Exception as exc:  # the transaction rolled back: say so, keep the traceback in the log
        log.exception("import %s failed", job_id)
        error = f"the import failed and nothing was applied ({type(exc).__name__}: {exc})"[:1000]
    problem_rows = [p.model_dump() for p in problems]
    report_dir = shop.data_dir / "reports" / job_id
    try:
        write_report(shop, report_dir, kind=kind, counts=counts.as_dict(), problems=problem_rows,
                     error=error, dry_run=dry_run)
    except Exception:
        log.exception("quality report for import %s failed", job_id)
        report_dir = None  # type: ignore[assignment]
    timings["total"] = time.perf_counter() - started
    jobs.finish_job(engine, job_id, succeeded=error is None, counts=counts.as_dict(), problems=problem_rows,
                    error=error, report_path=str(report_dir) if report_dir else None)
    return ImportResult(job_id=job_id, kind=kind, state="succeeded" if error is None else "failed",
                        counts=counts.as_dict(), problems=problem_rows, error=error, report_dir=report_dir,
                        dry_run=dry_run, timings_s={k: round(v, 2) for k, v in timings.items()})


def _apply(shop: Shop, kind: Kind, good: list[Any], mode: Mode, dry_run: bool,
           progress: Callable[[float], None], labeller: Labeller | None) -> Applied:
    now = stamp()
    holder: list[Applied] = []
    drafts: list[ProductDraft] = []
    grouping: list[FeedProblem] = []
    enrichments: list[Enrichment] = []
    enrich_s = 0.0
    if kind == "products":  # before the write transaction: a model's answers take seconds
        drafts, grouping = build_drafts(r for r in good if isinstance(r, FeedVariant))
        mark = time.perf_counter()
        enrichments = enrich_drafts(shop, drafts, labeller)
        enrich_s = time.perf_counter() - mark
    try:
        with session_scope(shop.engine) as session:
            if kind == "products":
                applied = apply_products(session, drafts, mode, now, progress, enrichments)
                applied.enrich_s = enrich_s
                applied.problems = grouping + applied.problems
                applied.counts.rejected += len(grouping)
            elif kind == "stores":
                applied = apply_stores(session, [r for r in good if isinstance(r, FeedStore)], now)
            else:
                applied = apply_stock(session, [r for r in good if isinstance(r, FeedStock)], mode, now)
            holder.append(applied)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return holder[0]


def enrich_drafts(shop: Shop, drafts: list[ProductDraft], labeller: Labeller | None) -> list[Enrichment]:
    """Rules (and the house style) for every draft; then, with a model configured, its answers for
    what the rules left unknown or unsure."""
    described = [d.described() for d in drafts]
    enrichments = enrich_many(described)
    if labeller is None:
        return enrichments
    items = [(d.sku, said.fields, e) for d, said, e in zip(drafts, described, enrichments, strict=True)]
    enriched, sent = llm_pass(items, labeller.ask, labeller.model, AnswerCache(shop.data_dir / LLM_CACHE))
    log.info("LLM enrichment: %d batches sent for %d products", sent, len(drafts))
    return enriched


def refresh_index(shop: Shop, kind: Kind, applied: Applied) -> tuple[int, float] | None:
    """Make the change visible to this process now (other processes poll `catalog_version`);
    for products, how many were embedded and the seconds encoding took."""
    from tools.catalog.index import INDEX, catalog_index
    from tools.stock.stores import STORE_DIRECTORY

    if kind == "stores":
        shop.forget(STORE_DIRECTORY)
        return None
    index = shop.peek(INDEX)
    if kind == "inventory":
        if index is not None:
            index.refresh_stock()
        return None
    if not applied.changed_skus:  # the index already holds every product as it is
        return 0, 0.0
    index = catalog_index(shop, for_sync=True)
    stats = index.sync(progress=False)
    embedded, encode_s = stats.embedded, stats.encode_s
    try:
        filled = fill_by_model(shop, applied.changed_skus)
    except Exception:  # the import is whole without it: those products stay unknown
        log.exception("the model pass after an import failed")
        filled = []
    if filled:  # their index text now names the category: embed those again
        again = index.sync(progress=False)
        encode_s += again.encode_s
    return embedded, encode_s
