"""`sarto bench import`: a seed shop exported as the feeds a retailer publishes (Merchant product
TSV, local inventory TSV, store directory CSV), imported into a fresh data folder, then imported
again unchanged. Each import runs in its own process, as `sarto import` does, so its peak RSS is
its own; the table says where the time goes (parse, enrich, write, embed/index).
"""

from __future__ import annotations

import csv
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from tools.db.engine import session_scope
from tools.db.models import Inventory, Store, Variant
from tools.db.shop import Shop

STORE_COLUMNS = ("store_code", "name", "address", "city", "postal_code", "country", "latitude", "longitude")


def write_stores(shop: Shop, out: Path) -> None:
    with session_scope(shop.engine) as s, out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(STORE_COLUMNS)
        for st in s.scalars(select(Store).order_by(Store.code)):
            writer.writerow((st.code, st.name, st.address, st.city, st.postal_code or "", st.country or "IT",
                             st.lat, st.lon))


def export_feeds(shop: Shop, folder: Path) -> dict[str, Any]:
    from tools.catalog.exports.local_inventory import export_local_inventory
    from tools.catalog.exports.products_feed import export_products

    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    export_products(shop, folder / "products.tsv", "tsv")
    export_local_inventory(shop, folder / "local_inventory.tsv", "tsv")
    write_stores(shop, folder / "stores.csv")
    with session_scope(shop.engine) as s:
        variants = s.scalar(select(func.count()).select_from(Variant)) or 0
        stock = s.scalar(select(func.count()).select_from(Inventory)
                         .where(Inventory.location != "online")) or 0
    return {"variants": variants, "store_stock_rows": stock,
            "export_s": round(time.perf_counter() - started, 1)}


def _child(kind: str, path: Path, data: Path) -> dict[str, Any]:
    """Run one import in a fresh process; its timings, counts and peak RSS."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "evals.bench_import", kind, str(path), str(data)],
                          capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"import of {path.name} failed:\n{done.stderr[-3000:]}")
    out: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    out["wall_s"] = round(wall, 1)
    return out


def run_import_benchmark(count: int, workdir: Path) -> list[dict[str, Any]]:
    from evals.bench_search import _build as bench_shop

    source, _ = bench_shop(count, workdir)
    feeds = workdir / f"feeds-{count}"
    facts = export_feeds(source, feeds)
    target = workdir / f"import-{count}-{int(time.time())}"
    rows = []
    for label, kind, name in (("stores", "stores", "stores.csv"),
                              ("products (fresh)", "products", "products.tsv"),
                              ("inventory (fresh)", "inventory", "local_inventory.tsv"),
                              ("products (unchanged)", "products", "products.tsv"),
                              ("inventory (unchanged)", "inventory", "local_inventory.tsv")):
        result = _child(kind, feeds / name, target)
        rows.append({"step": label, **result})
    sys.stdout.write(f"catalog: {count:,} products, {facts['variants']:,} variant rows, "
                     f"{facts['store_stock_rows']:,} local inventory rows (export {facts['export_s']} s)\n")
    sys.stdout.write(format_table(rows) + "\n")
    return rows


def format_table(rows: list[dict[str, Any]]) -> str:
    lines = ["| step | rows read | created | updated | unchanged | embedded | parse s | enrich s | write s "
             "| index s | total s (in process) | wall s (process) | peak RSS MB |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        c, t = r["counts"], r["timings_s"]
        lines.append(f"| {r['step']} | {c.get('read', 0):,} | {c.get('created', 0):,} | "
                     f"{c.get('updated', 0):,} | {c.get('unchanged', 0):,} | {c.get('embedded', 0):,} | "
                     f"{t.get('parse', 0):.1f} | {t.get('enrich', 0):.1f} | "
                     f"{t.get('write', 0):.1f} | {t.get('index', 0):.1f} | {t.get('total', 0):.1f} | "
                     f"{r['wall_s']:.1f} | {r['peak_rss_mb']:.0f} |")
    return "\n".join(lines)


def _main(kind: str, path: str, data: str) -> None:
    from tools.db.engine import sqlite_url
    from tools.db.shop import open_shop
    from tools.imports.run import run_import

    folder = Path(data)
    shop = open_shop(sqlite_url(folder), folder)
    result = run_import(shop, kind, Path(path), max_rejected=0.0)  # type: ignore[arg-type]
    if not result.ok:
        sys.stderr.write(f"{result.error}\n")
        raise SystemExit(1)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes
    sys.stdout.write(json.dumps({"counts": result.counts, "timings_s": result.timings_s,
                                 "problems": len(result.problems), "peak_rss_mb": round(peak_mb)}) + "\n")


if __name__ == "__main__":
    _main(*sys.argv[1:4])
