"""`sarto eval-enrichment`: build a seed shop, export it as thin feeds (Italian only, English only),
import each into a fresh folder with the real import, score the attributes it ends up with against
the seed, measure cross-language recall, and write the tables."""

from __future__ import annotations

import json
import logging
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.bench_catalog import product_count, seed_catalog
from evals.enrichment import RoundTripError
from evals.enrichment.crosslang import build_queries, cross_language_recall
from evals.enrichment.score import EnrichmentScores, read_records, score_shops
from evals.enrichment.tables import enrichment_markdown
from evals.enrichment.thin_feed import write_thin_feed
from tools.catalog.exports.labels import Language
from tools.db.engine import sqlite_url
from tools.db.shop import Shop, open_shop

log = logging.getLogger(__name__)
LANGUAGES: tuple[Language, ...] = ("it", "en")
SEED = 7  # as `sarto seed`
CROSSLANG_GOAL = 0.9


@dataclass
class RoundTrip:
    products: int
    scores: list[EnrichmentScores]
    crosslang: list[dict[str, Any]]
    timings_s: dict[str, float] = field(default_factory=dict)
    replay: dict[str, dict[str, Any]] = field(default_factory=dict)  # shop -> the suite's gate values
    ceiling: dict[str, Any] = field(default_factory=dict)  # evals.enrichment.ceiling, when asked

    def as_dict(self) -> dict[str, Any]:
        return {"products": self.products, "seed": SEED, "scores": [s.as_dict() for s in self.scores],
                "crosslang": self.crosslang, "crosslang_goal": CROSSLANG_GOAL, "replay": self.replay,
                "ceiling": self.ceiling, "timings_s": self.timings_s}


def seed_shop_at(folder: Path, products: int) -> Shop:
    """The rich seed shop, reused when the folder already holds it."""
    shop = open_shop(sqlite_url(folder), folder)
    if product_count(shop) == 0:
        seed_catalog(shop, products, seed=SEED)
    return shop


def import_thin(seed: Shop, workdir: Path, products: int, language: Language) -> Shop:
    """Export `seed` thin in `language` and import it with `run_import` into a fresh folder."""
    from tools.imports.run import run_import

    feed = workdir / f"thin-{products}-{language}.tsv"
    write_thin_feed(seed, feed, language)
    folder = workdir / f"thin-{products}-{language}"
    shutil.rmtree(folder, ignore_errors=True)  # fresh every run: yesterday's enrichment must not linger
    thin = open_shop(sqlite_url(folder), folder)
    result = run_import(thin, "products", feed)
    if not result.ok:
        raise RoundTripError(f"importing the thin {language} feed failed: {result.error}")
    return thin


def run_round_trip(products: int, workdir: Path, languages: tuple[Language, ...] = LANGUAGES,
                   crosslang: bool = True, queries: int = 400, replay: bool = False,
                   ceiling: int = 0) -> RoundTrip:
    """Score enrichment for each language; cross-language recall needs both thin shops; `replay`
    also runs the evaluation suite on the rich shop and on each thin one; `ceiling` > 0 measures
    what a lookup learned with the truth from that many generated products could reach."""
    workdir.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    seed = seed_shop_at(workdir / f"seed-{products}", products)
    timings["seed"] = time.perf_counter() - started
    needed = LANGUAGES if crosslang else languages
    thin: dict[str, Shop] = {}
    for language in needed:
        mark = time.perf_counter()
        thin[language] = import_thin(seed, workdir, products, language)
        timings[f"export+import {language}"] = time.perf_counter() - mark
    mark = time.perf_counter()
    scores = [score_shops(seed, thin[language], language) for language in languages]
    timings["score"] = time.perf_counter() - mark
    recall: list[dict[str, Any]] = []
    if crosslang:
        mark = time.perf_counter()
        query_set = build_queries(read_records(seed), limit=queries, seed=SEED)
        recall = [vars(cross_language_recall(seed, thin[language], language, query_set))
                  for language in LANGUAGES]
        timings["crosslang"] = time.perf_counter() - mark
    suite: dict[str, dict[str, Any]] = {}
    if replay:
        from evals.enrichment.replay import replay_suite

        mark = time.perf_counter()
        suite = replay_suite(seed, {lang: thin[lang] for lang in languages}, workdir, products, SEED)
        timings["replay"] = time.perf_counter() - mark
    bound: dict[str, Any] = {}
    if ceiling:
        from catalog_seed.products import generate_catalog
        from evals.enrichment.ceiling import measure_ceiling

        mark = time.perf_counter()
        truth = generate_catalog(products, SEED).products  # the seed shop's own rows, as generated
        bound = measure_ceiling(truth, ceiling, seed=SEED + 1000).as_dict()
        timings["ceiling"] = time.perf_counter() - mark
    timings["total"] = time.perf_counter() - started
    return RoundTrip(products, scores, recall, {k: round(v, 1) for k, v in timings.items()}, suite,
                     bound)


def write_outputs(trip: RoundTrip, out: Path) -> None:
    """enrichment.json and enrichment.md in `out`; when an eval run's summary sits there too, its
    report.html is rendered again with the enrichment section."""
    out.mkdir(parents=True, exist_ok=True)
    data = trip.as_dict()
    (out / "enrichment.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n",
                                         encoding="utf-8")
    (out / "enrichment.md").write_text(enrichment_markdown(data) + "\n", encoding="utf-8")
    summary, results = out / "summary.json", out / "results.jsonl"
    if summary.exists() and results.exists():
        from evals.report import render_report

        records = [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines() if line]
        html = render_report(json.loads(summary.read_text(encoding="utf-8")), records, enrichment=data)
        (out / "report.html").write_text(html, encoding="utf-8")

