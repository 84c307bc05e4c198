"""The same seed on SQLite and on PostgreSQL: identical content, and the basic catalog queries work."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pg import pg_url  # noqa: F401  (fixture)
from sqlalchemy import select

from catalog_seed.digest import shop_digest
from catalog_seed.load import seed_shop
from tools.db.engine import session_scope, sqlite_url
from tools.db.models import Inventory, Product, Variant
from tools.db.shop import Shop, open_shop

PRODUCTS = 200
SEED = 7


@pytest.fixture()
def sqlite_shop(tmp_path: Path) -> Shop:
    shop = open_shop(sqlite_url(tmp_path), tmp_path)
    seed_shop(shop, products=PRODUCTS, seed=SEED, build_index=False, progress=False)
    return shop


@pytest.fixture()
def postgres_shop(pg_url: str, tmp_path: Path) -> Iterator[Shop]:  # noqa: F811
    shop = open_shop(pg_url, tmp_path)
    seed_shop(shop, products=PRODUCTS, seed=SEED, build_index=False, progress=False)
    yield shop


@pytest.mark.postgres
def test_same_seed_same_content_on_sqlite_and_postgres(sqlite_shop: Shop, postgres_shop: Shop) -> None:
    assert shop_digest(sqlite_shop.engine) == shop_digest(postgres_shop.engine)


@pytest.mark.postgres
def test_reseeding_postgres_replaces_the_content(postgres_shop: Shop, sqlite_shop: Shop) -> None:
    seed_shop(postgres_shop, products=PRODUCTS, seed=SEED, build_index=False, progress=False)
    assert shop_digest(postgres_shop.engine) == shop_digest(sqlite_shop.engine)


def _check_basic_queries(shop: Shop) -> None:
    with session_scope(shop.engine) as session:
        sku = session.scalars(
            select(Product.sku).where(Product.category == "blazer").order_by(Product.sku)
        ).first()
        assert sku is not None
        product = session.scalars(select(Product).where(Product.sku == sku)).one()
        assert product.variants and all(v.id.startswith(f"{sku}-") for v in product.variants)
        assert product.price > 0 and product.title_it.startswith("Giacca")
        stocked = session.scalars(
            select(Variant.id)
            .join(Inventory, Inventory.variant_id == Variant.id)
            .where(Inventory.quantity > 0)
        ).first()
        assert stocked is not None
        rows = session.scalars(select(Inventory).where(Inventory.variant_id == stocked)).all()
        assert rows and any(r.quantity > 0 for r in rows)
        assert all(r.reserved == 0 and r.updated_at.year == 2026 for r in rows)


def test_basic_queries_on_sqlite(sqlite_shop: Shop) -> None:
    _check_basic_queries(sqlite_shop)


@pytest.mark.postgres
def test_basic_queries_on_postgres(postgres_shop: Shop) -> None:
    _check_basic_queries(postgres_shop)
