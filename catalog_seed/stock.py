"""Stores (from data/stores.json) and sparse stock per variant, online and in each store."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from catalog_seed.products import SeedCatalog
from tools.taxonomy import LOCATION_ONLINE

_STORE_COLUMNS = ("code", "name", "city", "address", "lat", "lon", "hours", "services", "phone")
ONLINE_SHARE = 0.85
ZERO_SHARE = 0.08  # rows kept at quantity 0: sold out here, the size may still be elsewhere
SOLD_OUT_EVERYWHERE = 0.012  # variants with no stock at all


def load_stores() -> list[dict[str, Any]]:
    """The stores as shipped in catalog_seed/data/stores.json (with their stock_share)."""
    text = (Path(__file__).parent / "data" / "stores.json").read_text(encoding="utf-8")
    stores: list[dict[str, Any]] = json.loads(text)
    return stores


def store_rows(stores: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: s[k] for k in _STORE_COLUMNS} for s in stores]


def _centrality(size: str, run: tuple[str, ...]) -> float:
    """1.0 for the middle sizes of a run, down to ~0.5 at the ends: stores stock common sizes deeper."""
    if len(run) < 3 or size not in run:
        return 1.0
    middle = (len(run) - 1) / 2
    return 1.0 - 0.5 * abs(run.index(size) - middle) / middle


def _quantity(rng: random.Random) -> int:
    if rng.random() < ZERO_SHARE:
        return 0
    return min(12, 1 + int(rng.expovariate(1 / 3.5)))


def inventory_rows(
    catalog: SeedCatalog, stores: list[dict[str, Any]], seed: int, now: datetime
) -> Iterator[dict[str, Any]]:
    """Rows for tools.models.Inventory, generated lazily so 100k products never sit in memory twice."""
    rng = random.Random(f"sarto-stock-{seed}")
    shares = [(s["code"], float(s["stock_share"])) for s in stores]
    for product, sizes, run in zip(catalog.products, catalog.sizes, catalog.full_runs, strict=True):
        popularity = rng.uniform(0.6, 1.25)
        online = ONLINE_SHARE if popularity > 0.7 else ONLINE_SHARE - 0.15
        sku = product["sku"]
        for size in sizes:
            variant_id = f"{sku}-{size}"
            if rng.random() < SOLD_OUT_EVERYWHERE:
                if rng.random() < 0.5:  # sometimes the rows exist at zero, sometimes not at all
                    yield {
                        "variant_id": variant_id,
                        "location": LOCATION_ONLINE,
                        "quantity": 0,
                        "reserved": 0,
                        "updated_at": now,
                    }
                continue
            common = _centrality(size, run)
            if rng.random() < online:
                yield {
                    "variant_id": variant_id,
                    "location": LOCATION_ONLINE,
                    "quantity": _quantity(rng),
                    "reserved": 0,
                    "updated_at": now,
                }
            for code, share in shares:
                if rng.random() < share * popularity * common:
                    yield {
                        "variant_id": variant_id,
                        "location": code,
                        "quantity": _quantity(rng),
                        "reserved": 0,
                        "updated_at": now,
                    }
