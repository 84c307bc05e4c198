"""The evaluation suite replayed on the thin-imported shops beside the rich seed shop: what a
retailer who brings a thin feed gets from the stylist (goal accuracy, outfit completeness, ...).

The thin shops get the seed's stores and local stock through the real imports too, so the
availability cases have somewhere to look. The rich run uses its own freshly seeded copy: the
suite adds shoppers and reservations, and the seed shop the truth is read from must not drift.
On a thin shop every case's browsing and purchases are picked on the seed (its attributes are the
truth) and replayed by SKU, so a product enriched wrongly is still the one the shopper looked at.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from evals.enrichment import RoundTripError
from tools.db.engine import sqlite_url
from tools.db.shop import Shop, open_shop

GATES = ("goal_accuracy", "department_accuracy", "constraint_f1", "outfit_completeness", "compatibility",
         "budget_adherence", "availability_truth", "grounding", "case_pass_rate")


def _stock_for(seed: Shop, thin: Shop, folder: Path) -> None:
    from evals.bench_import import write_stores
    from tools.catalog.exports.local_inventory import export_local_inventory
    from tools.imports.run import run_import

    folder.mkdir(parents=True, exist_ok=True)
    write_stores(seed, folder / "stores.csv")
    export_local_inventory(seed, folder / "local_inventory.tsv", "tsv")
    for kind, name in (("stores", "stores.csv"), ("inventory", "local_inventory.tsv")):
        result = run_import(thin, kind, folder / name)  # type: ignore[arg-type]
        if not result.ok:
            raise RoundTripError(f"importing {name} into {thin.data_dir} failed: {result.error}")


def _rich_copy(products: int, folder: Path, seed: int) -> Shop:
    from catalog_seed.load import seed_shop

    shutil.rmtree(folder, ignore_errors=True)
    shop = open_shop(sqlite_url(folder), folder)
    seed_shop(shop, products=products, seed=seed, build_index=True, progress=False)
    return shop


def _suite(shop: Shop, out: Path, workers: int, resolve_picks_on: Engine | None = None) -> dict[str, Any]:
    from agent.settings import get_settings
    from evals.runner import run_eval

    settings = get_settings().model_copy(
        update={"data_dir": shop.data_dir, "database_url": str(shop.engine.url), "llm_model": None})
    run = run_eval(settings, suite="all", planner="deterministic", out_dir=out, workers=workers,
                   progress=False, shop=shop, resolve_picks_on=resolve_picks_on)
    gates = run.summary["gates"]
    return {name: gates[name]["value"] for name in GATES if name in gates} | {
        "bars": {name: gates[name]["bar"] for name in GATES if name in gates}}


def replay_suite(seed: Shop, thin: dict[str, Shop], workdir: Path, products: int, seed_number: int,
                 workers: int = 2) -> dict[str, dict[str, Any]]:
    """Gate values of the whole deterministic suite: the rich seed shop, then each thin shop with
    the picks resolved on `seed`."""
    results = {"rich": _suite(_rich_copy(products, workdir / f"rich-{products}", seed_number),
                              workdir / "replay" / "rich", workers)}
    for language, shop in thin.items():
        _stock_for(seed, shop, workdir / f"stock-{products}")
        results[f"thin {language}"] = _suite(shop, workdir / "replay" / f"thin-{language}", workers,
                                               resolve_picks_on=seed.engine)
    return results
