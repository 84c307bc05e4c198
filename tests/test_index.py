"""The vector index: re-indexing embeds only what changed, and queries share the products' space."""

from __future__ import annotations

import numpy as np
from sqlalchemy import select, update

from tools.catalog.index import catalog_index
from tools.catalog.search import search_products
from tools.db.models import Product
from tools.shapes import SearchFilters


def test_reindexing_an_unchanged_catalog_embeds_nothing(shop):
    stats = catalog_index(shop).sync(progress=False)
    assert stats.embedded == 0
    assert stats.skipped == stats.products >= 1500


def test_changing_one_title_re_embeds_exactly_that_product(shop):
    index = catalog_index(shop)
    with shop.engine.begin() as conn:
        sku, title_it, title_en = conn.execute(select(Product.sku, Product.title_it, Product.title_en)
                                               .where(Product.category == "tie").limit(1)).one()
        conn.execute(update(Product).where(Product.sku == sku)
                     .values(title_it="Cravatta con ancore dorate ricamate",
                             title_en="Tie with embroidered golden anchors"))
    try:
        stats = index.sync(progress=False)
        assert stats.embedded == 1
        # The stage timings name where indexing time goes (encoder vs Chroma), for the benchmark.
        assert stats.texts_encoded == 1 and stats.encode_s > 0 and stats.upsert_s > 0
        hits = search_products(shop, "tie with embroidered golden anchors", limit=1).hits
        assert hits[0].sku == sku
    finally:
        with shop.engine.begin() as conn:
            conn.execute(update(Product).where(Product.sku == sku)
                         .values(title_it=title_it, title_en=title_en))
        assert index.sync(progress=False).embedded == 1


def test_a_products_own_title_finds_it_first(shop):
    with shop.engine.connect() as conn:
        rows = conn.execute(select(Product.sku, Product.title_it, Product.title_en, Product.category,
                                   Product.department).order_by(Product.sku)).all()
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.title_it] = counts.get(row.title_it, 0) + 1
        counts[row.title_en] = counts.get(row.title_en, 0) + 1
    unique = [r for r in rows if counts[r.title_it] == counts[r.title_en] == 1][::97][:8]
    assert len(unique) >= 5
    texts = dict(zip(catalog_index(shop).snapshot.catalog.skus, catalog_index(shop).snapshot.catalog.texts,
                     strict=True))
    found = 0
    for row in unique:
        # Same category and department: attribute bonuses tie, the vectors decide.
        same_kind = SearchFilters(categories=[row.category], department=row.department)
        exact = search_products(shop, texts[row.sku], same_kind, limit=1).hits[0]
        assert exact.sku == row.sku and exact.score >= 0.99
        for title in (row.title_it, row.title_en):
            # Near-twins ("desert boots" in leather or suede) may outrank, a foreign space would not.
            found += row.sku in [h.sku for h in search_products(shop, title, same_kind, limit=5).hits]
    assert found >= 0.8 * 2 * len(unique)


def test_indexed_vectors_match_a_fresh_encoding_of_the_same_text(shop):
    index = catalog_index(shop)
    snap = index.snapshot
    rows = [0, snap.catalog.size // 2, snap.catalog.size - 1]
    fresh = index.embedder.encode([snap.catalog.texts[r] for r in rows])
    assert np.allclose(fresh, snap.vectors[rows], atol=1e-4)
    assert np.allclose(np.linalg.norm(snap.vectors[snap.embedded], axis=1), 1.0, atol=1e-3)


def test_reopening_the_index_loads_the_same_vectors(shop):
    from tools.catalog.index import CatalogIndex

    reopened = CatalogIndex.open(shop)
    assert reopened.snapshot.catalog.skus == catalog_index(shop).snapshot.catalog.skus
    assert bool(reopened.snapshot.embedded.all())
    assert np.array_equal(reopened.snapshot.vectors, catalog_index(shop).snapshot.vectors)
