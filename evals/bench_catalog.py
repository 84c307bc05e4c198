"""Benchmark catalogs: the demo retailer (`catalog_seed`) generated at benchmark size."""

from __future__ import annotations

from sqlalchemy import func, select

from catalog_seed.load import seed_shop
from tools.db.models import Product
from tools.db.shop import Shop


def product_count(shop: Shop) -> int:
    with shop.engine.connect() as conn:
        return int(conn.execute(select(func.count(Product.id))).scalar_one())


def seed_catalog(shop: Shop, products: int, seed: int = 7) -> None:
    """The demo retailer at benchmark size (indexed separately, so indexing can be timed)."""
    seed_shop(shop, products=products, seed=seed, build_index=False, progress=False)
