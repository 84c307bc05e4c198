"""Benchmark catalogs: the real seed when `catalog_seed.load` is installed, else a synthetic one.

The synthetic catalog only exists so the search benchmark can run without the seed generator; it
has the same shape (bilingual titles, PIM attributes, sparse stock over 12 stores).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, insert, select

from tools.db.engine import session_scope
from tools.db.models import Inventory, Product, Store, Variant
from tools.db.shop import Shop
from tools.taxonomy import CATEGORIES, COLOURS, FITS, OCCASIONS, PATTERNS, SEASONS, STYLES, size_run

STORE_CODES = ("MI01", "RM01", "NA01", "TO01", "FI01", "BO01", "VE01", "VR01", "GE01", "BA01", "PA01",
               "PD01")
_FIBRES = (("wool", "lana"), ("cotton", "cotone"), ("linen", "lino"), ("cashmere", "cashmere"),
           ("silk", "seta"), ("polyester", "poliestere"), ("leather", "pelle"), ("viscose", "viscosa"))
_FITS_IT = {"slim": "slim", "regular": "regolare", "relaxed": "comoda", "tailored": "sartoriale",
            "oversize": "oversize"}


def product_count(shop: Shop) -> int:
    with shop.engine.connect() as conn:
        return int(conn.execute(select(func.count(Product.id))).scalar_one())


def seed_catalog(shop: Shop, products: int, seed: int = 7) -> None:
    """The real seed generator if present, else the synthetic catalog."""
    try:
        from catalog_seed.load import seed_shop  # type: ignore[import-not-found]
    except ImportError:
        seed_synthetic(shop, products, seed)
        return
    seed_shop(shop, products=products, seed=seed, build_index=False, progress=False)


def seed_synthetic(shop: Shop, products: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    now = datetime(2026, 11, 1, 12, tzinfo=UTC)
    pairs = [(d, c) for c, cat in CATEGORIES.items() for d in cat.departments]
    colour_keys = list(COLOURS)
    rows: list[dict[str, Any]] = []
    variants: list[dict[str, Any]] = []
    stock: list[dict[str, Any]] = []
    for i in range(1, products + 1):
        dept, key = rnd.choice(pairs)
        cat = CATEGORIES[key]
        colours = rnd.sample(colour_keys, rnd.choice((1, 1, 2)))
        fibre, fibre_it = rnd.choice(_FIBRES)
        fit = rnd.choice(FITS)
        lo, hi = cat.price_eur
        sku = f"SRT-{key[:3].upper()}-{i:06d}"
        colour_it, colour_en = COLOURS[colours[0]][0], COLOURS[colours[0]][1]
        rows.append({
            "id": i, "sku": sku, "department": dept, "category": key, "subcategory": cat.en,
            "brand": rnd.choice(("Vesti", "Casa Moro", "Linea Blu", "Fili d'Oro")),
            "title_it": f"{cat.it.capitalize()} in {fibre_it} {colour_it}, vestibilità {_FITS_IT[fit]}",
            "title_en": f"{colour_en.capitalize()} {fibre} {cat.en}, {fit} fit",
            "description_it": "", "description_en": "",
            "price": Decimal(rnd.randint(lo, hi)) + Decimal("0.90"), "currency": "EUR",
            "occasions": rnd.sample(list(OCCASIONS), 2), "seasons": rnd.sample(list(SEASONS), 2),
            "colours": colours, "pattern": rnd.choice(PATTERNS), "fit": fit,
            "style": rnd.choice(STYLES), "formality": rnd.randint(*cat.formality),
            "fabric": [{"fibre": fibre, "pct": 100}], "compatible_categories": [],
            "target_age": "adult", "emotional": [], "sustainability": [],
            "image": f"/images/{sku}.svg", "content_hash": f"{i}",
        })
        for size in size_run(key, dept):
            vid = f"{sku}-{size}"
            variants.append({"id": vid, "product_id": i, "size": size, "size_system": "X"})
            for loc in ("online", *STORE_CODES):
                if rnd.random() < (0.85 if loc == "online" else 0.15):
                    stock.append({"variant_id": vid, "location": loc, "quantity": rnd.randint(0, 6),
                                  "reserved": 0, "updated_at": now})
    with session_scope(shop.engine) as s:
        for model in (Inventory, Variant, Product, Store):
            s.execute(delete(model))
        s.execute(insert(Store), [{"code": c, "name": f"Sarto {c}", "city": c, "address": "-",
                                   "lat": 45.0, "lon": 9.0, "hours": {}, "services": ["pickup"],
                                   "phone": "-"} for c in STORE_CODES])
        for model, data in ((Product, rows), (Variant, variants), (Inventory, stock)):
            for start in range(0, len(data), 10_000):
                s.execute(insert(model), data[start:start + 10_000])
