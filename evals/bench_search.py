"""`sarto bench search`: filtered search latency and recall against an exact scan and against
Chroma's own `where`-filtered query, plus indexing throughput and memory. Prints markdown."""

from __future__ import annotations

import json
import logging
import os
import platform
import random
import time
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from evals.bench_catalog import product_count, seed_catalog
from evals.metrics import percentile_or_nan as pct
from tools.catalog.index import catalog_index
from tools.db.engine import sqlite_url
from tools.db.shop import Shop, open_shop
from tools.shapes import SearchFilters
from tools.taxonomy import CATEGORIES, COLOURS, DEPARTMENTS, OCCASIONS

log = logging.getLogger(__name__)
K = 20
MIXES = ("category only", "department + colour", "department + size + location + in stock",
         "price range + occasion", "department only (broad)")
_WORDS_IT = ("elegante", "comodo", "leggero", "caldo", "classico", "moderno", "per l'ufficio",
             "per una cerimonia", "per il weekend", "in lana", "in cotone", "in pelle", "slim")
_WORDS_EN = ("elegant", "comfortable", "light", "warm", "classic", "modern", "for the office",
             "for a wedding", "for the weekend", "wool", "cotton", "leather", "slim fit")


def _rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _queries(n: int, rnd: random.Random) -> list[str]:
    """Distinct shopper-like queries, half Italian, half English."""
    out: dict[str, None] = {}
    cats, colours = list(CATEGORIES.values()), list(COLOURS.values())
    while len(out) < n:
        cat, colour = rnd.choice(cats), rnd.choice(colours)
        if rnd.random() < 0.5:
            q = f"{cat.it} {colour[0]} {rnd.choice(_WORDS_IT)} {rnd.choice(_WORDS_IT)}"
        else:
            q = f"{rnd.choice(_WORDS_EN)} {colour[1]} {cat.en} {rnd.choice(_WORDS_EN)}"
        out[q] = None
    return list(out)


def _filters(mix: str, rnd: random.Random) -> tuple[SearchFilters, dict[str, Any] | None]:
    """Our filters and the closest `where` Chroma can express (it cannot see stock)."""
    dept = rnd.choice(("menswear", "womenswear"))
    if mix == "category only":
        cat = rnd.choice(list(CATEGORIES))
        return SearchFilters(categories=[cat]), {"category": cat}
    if mix == "department + colour":
        colour = rnd.choice(list(COLOURS))
        return (SearchFilters(department=dept, colours=[colour]),
                {"$and": [{"department": dept}, {f"col_{colour}": True}]})
    if mix == "department + size + location + in stock":
        size = rnd.choice(("M", "L", "48", "50", "42", "43")) if dept == "menswear" else \
            rnd.choice(("S", "M", "40", "42", "38", "39"))
        return (SearchFilters(department=dept, size=size, location=rnd.choice(("online", "MI01", "RM01")),
                              in_stock_only=True), {"department": dept})
    if mix == "price range + occasion":
        lo = rnd.choice((0, 50, 100, 200))
        occ = rnd.choice(list(OCCASIONS))
        return (SearchFilters(min_price=Decimal(lo), max_price=Decimal(lo + 150), occasion=occ),
                {"$and": [{"price": {"$gte": lo}}, {"price": {"$lte": lo + 150}}, {f"occ_{occ}": True}]})
    d = rnd.choice(list(DEPARTMENTS)[:2])
    return SearchFilters(department=d), {"department": d}


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn()
    return (time.perf_counter() - t) * 1000, out


def _exact_scores(shop: Shop, f: SearchFilters, query: str, vec: np.ndarray,
                  cosine_only: bool) -> dict[str, float]:
    """Brute force: score every product in the catalog, keep those passing the filters."""
    from tools.catalog.search import _ranking_terms, attribute_bonus, candidate_mask

    snap = catalog_index(shop).snapshot
    assert snap is not None
    everything = np.arange(snap.catalog.size)
    scores = snap.vectors @ vec
    if not cosine_only:
        scores = scores + attribute_bonus(snap, everything, _ranking_terms(query, f))[0]
    scores = np.where(candidate_mask(snap, f), scores, -np.inf)
    return {snap.catalog.skus[i]: float(scores[i]) for i in np.flatnonzero(np.isfinite(scores))}


def _recall(got: list[str], exact: dict[str, float]) -> float:
    """Share of the true top-K found; a product tied (within float noise) with the K-th counts."""
    truth = sorted(exact.values(), reverse=True)[:K]
    if not truth:
        return 1.0
    kth = truth[-1] - 1e-5
    return min(1.0, sum(exact.get(sku, -np.inf) >= kth for sku in got) / len(truth))


def _build(count: int, workdir: Path) -> tuple[Shop, dict[str, Any]]:
    folder = workdir / f"catalog-{count}"
    shop = open_shop(sqlite_url(folder), folder)
    facts_file = folder / "bench-index.json"
    facts: dict[str, Any] = json.loads(facts_file.read_text()) if facts_file.exists() else {}
    if product_count(shop) == 0:
        t = time.perf_counter()
        seed_catalog(shop, count, seed=7)
        facts = {"seed_s": round(time.perf_counter() - t, 1)}
    index = catalog_index(shop)
    if "fresh" not in facts:
        stats = index.sync(progress=True)
        facts["fresh"] = {"products": stats.products, "embedded": stats.embedded,
                          "seconds": stats.seconds, "per_s": stats.products_per_s,
                          "texts": stats.texts_encoded, "encode_s": stats.encode_s,
                          "upsert_s": stats.upsert_s, "load": round(os.getloadavg()[0], 2)}
        facts_file.write_text(json.dumps(facts))
    unchanged = index.sync(progress=False)
    facts["unchanged"] = {"products": unchanged.products, "embedded": unchanged.embedded,
                          "seconds": unchanged.seconds, "per_s": unchanged.products_per_s}
    return shop, facts


def run_search_benchmark(counts: list[int], queries: int, workdir: Path) -> None:
    from tools.catalog.search import search_products

    logging.basicConfig(level=logging.WARNING)
    workdir.mkdir(parents=True, exist_ok=True)
    lines = [f"Machine: {os.cpu_count()} cores, no GPU, {platform.platform()}; 1-min load at start "
             f"{os.getloadavg()[0]:.2f}; "
             f"`sarto bench search --sizes {','.join(map(str, counts))} --queries {queries}`", ""]
    for count in counts:
        shop, facts = _build(count, workdir)
        rnd = random.Random(count)
        texts = _queries(queries * len(MIXES), rnd)
        embed = catalog_index(shop).embedder.encode
        single = [_timed(partial(embed, [q]))[0] for q in texts[:50]]
        batch_ms, vectors = _timed(partial(embed, texts))
        collection = catalog_index(shop).collection()
        rows = []
        for m, mix in enumerate(MIXES):
            ours, chroma, rec_ours, rec_chroma = [], [], [], []
            for i in range(queries):
                q, vec = texts[m * queries + i], vectors[m * queries + i]
                f, where = _filters(mix, rnd)
                ms, result = _timed(partial(search_products, shop, q, f, limit=K, query_vector=vec))
                ours.append(ms)
                rec_ours.append(_recall([h.sku for h in result.hits],
                                        _exact_scores(shop, f, q, vec, cosine_only=False)))
                ms, res = _timed(partial(collection.query, query_embeddings=[vec], n_results=K,
                                         where=where, include=[]))
                chroma.append(ms)
                rec_chroma.append(_recall(res["ids"][0], _exact_scores(shop, f, q, vec, cosine_only=True)))
            rows.append((mix, pct(ours, 50), pct(ours, 95), float(np.mean(rec_ours)),
                         pct(chroma, 50), pct(chroma, 95), float(np.mean(rec_chroma))))
        lines += [f"### {count:,} products ({queries} distinct queries per filter mix; 1-min load "
                  f"after the queries {os.getloadavg()[0]:.2f})", "",
                  "| filter mix | Sarto p50 ms | Sarto p95 ms | Sarto recall@20 | Chroma where p50 ms "
                  "| Chroma p95 ms | Chroma recall@20 | speed-up p50 |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|"]
        for mix, p50, p95, rec, c50, c95, crec in rows:
            lines.append(f"| {mix} | {p50:.2f} | {p95:.2f} | {rec:.3f} | {c50:.1f} | {c95:.1f} | "
                         f"{crec:.3f} | {c50 / p50:.1f}x |")
        fresh, same = facts["fresh"], facts["unchanged"]
        lines += ["", f"- query embedding (one query, ONNX): p50 {pct(single, 50):.1f} ms, "
                      f"p95 {pct(single, 95):.1f} ms; {len(texts)} queries in one batch: "
                      f"{batch_ms / len(texts):.2f} ms/query",
                  f"- indexing fresh: {fresh['products']:,} products in {fresh['seconds']:.1f} s = "
                  f"{fresh['per_s']:.0f} products/s (embed + Chroma upsert + matrix file)"
                  + (f"; {fresh['texts']:,} distinct texts encoded in {fresh['encode_s']:.1f} s "
                     f"({fresh['texts'] / max(fresh['encode_s'], 1e-9):.0f} texts/s), Chroma upserts "
                     f"{fresh['upsert_s']:.1f} s overlapping; 1-min load {fresh['load']}"
                     if "texts" in fresh else ""),
                  f"- re-index unchanged: {same['products']:,} products in {same['seconds']:.2f} s = "
                  f"{same['per_s']:.0f} products/s, embedded {same['embedded']}",
                  f"- process RSS after the run: {_rss_mb():.0f} MB"
                  + (f"; catalog seed {facts['seed_s']} s" if "seed_s" in facts else ""), ""]
        log.info("benchmark %d done", count)
    print("\n".join(lines))  # the benchmark's product is this table

