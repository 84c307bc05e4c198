"""Catalog search: hard filters hold against the database, IT/EN queries find the right things,
bad input gets a clear error, and stock changes are respected at once."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text, update

from tools.catalog.index import catalog_index
from tools.catalog.search import SearchError, search_products
from tools.db.models import Inventory, Product, Store, Variant
from tools.shapes import SearchFilters
from tools.taxonomy import CATEGORIES, COLOURS, DEPARTMENTS, OCCASIONS, SEASONS

BLUES = {"blue", "navy", "light_blue"}
SIZES = ("44", "46", "48", "50", "52", "M", "L", "S", "42", "43", "38", "40", "TU", "8A")
QUERIES = ("", "giacca blu elegante", "navy wool blazer", "scarpe", "something warm for winter",
           "abito da cerimonia", "t-shirt cotone")


@pytest.fixture(scope="module")
def store_codes(shop) -> list[str]:
    catalog_index(shop).refresh_stock()  # other modules may have moved stock without telling the index
    with shop.engine.connect() as conn:
        return sorted(conn.execute(select(Store.code)).scalars().all())


def _tables(shop) -> tuple[dict, list]:
    with shop.engine.connect() as conn:
        products = {r.sku: r._mapping for r in conn.execute(select(Product))}
        stock_sql = ("SELECT v.product_id, v.size, i.location FROM inventory i JOIN variants v "
                     "ON v.id = i.variant_id WHERE i.quantity - i.reserved > 0")
        stock = conn.execute(text(stock_sql)).all()
    return products, stock


def _sql_matching(shop, f: SearchFilters, tables: tuple[dict, list] | None = None) -> dict[str, dict]:
    """Products passing every filter, computed straight from the tables (not via the index)."""
    products, stock = tables or _tables(shop)
    by_id: dict[int, list[tuple[str, str]]] = {}
    for pid, size, loc in stock:
        by_id.setdefault(pid, []).append((size, loc))
    out = {}
    for sku, p in products.items():
        if f.department and p["department"] != f.department:
            continue
        if f.categories and p["category"] not in f.categories:
            continue
        if f.occasion and f.occasion not in p["occasions"]:
            continue
        if f.season and f.season not in p["seasons"]:
            continue
        if f.colours and not set(f.colours) & set(p["colours"]):
            continue
        if f.min_price is not None and p["price"] < f.min_price:
            continue
        if f.max_price is not None and p["price"] > f.max_price:
            continue
        if f.size or f.location or f.in_stock_only:
            ok = [(s, loc) for s, loc in by_id.get(p["id"], [])
                  if (not f.size or s == f.size) and (not f.location or loc == f.location)]
            if not ok:
                continue
        out[sku] = p
    return out


@st.composite
def filter_mixes(draw, codes: list[str]) -> SearchFilters:
    maybe = lambda strategy: draw(st.one_of(st.none(), strategy))  # noqa: E731
    min_price = maybe(st.integers(0, 400))
    max_price = maybe(st.integers(20, 1000))
    return SearchFilters(
        department=maybe(st.sampled_from(list(DEPARTMENTS))),
        categories=maybe(st.lists(st.sampled_from(list(CATEGORIES)), min_size=1, max_size=3,
                                  unique=True)),
        occasion=maybe(st.sampled_from(list(OCCASIONS))),
        season=maybe(st.sampled_from(list(SEASONS))),
        colours=maybe(st.lists(st.sampled_from(list(COLOURS)), min_size=1, max_size=3, unique=True)),
        min_price=None if min_price is None else Decimal(min_price),
        max_price=None if max_price is None else Decimal(max_price) + Decimal("0.90"),
        size=maybe(st.sampled_from(SIZES)),
        location=maybe(st.sampled_from(["online", *codes])),
        in_stock_only=draw(st.booleans()),
    )


def test_every_hit_passes_every_hard_filter(shop, store_codes):
    tables = _tables(shop)  # read once: nothing changes stock during this test

    @settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
    @given(f=filter_mixes(store_codes), query=st.sampled_from(QUERIES), limit=st.integers(1, 30))
    def check(f: SearchFilters, query: str, limit: int) -> None:
        assume(not (f.min_price is not None and f.max_price is not None and f.min_price > f.max_price))
        assume(query or any(v not in (None, False) for v in f.model_dump().values()))
        result = search_products(shop, query, f, limit=limit)
        truth = _sql_matching(shop, f, tables)
        skus = [h.sku for h in result.hits]
        assert set(skus) <= set(truth), f"hits breaking a filter: {set(skus) - set(truth)}"
        assert len(skus) == len(set(skus))
        # Nothing silently missing: as many hits as the catalog can give, up to the limit.
        assert len(skus) == min(limit, len(truth))
        for hit in result.hits:
            if f.size:
                assert f.size in hit.sizes_in_stock
            if f.size or f.location or f.in_stock_only:
                assert hit.sizes_in_stock

    check()


def _top(shop, query: str, n: int = 10, **filters) -> list:
    return search_products(shop, query, SearchFilters(**filters), limit=n).hits


def test_italian_blue_elegant_jacket_finds_blue_blazers(shop):
    hits = _top(shop, "giacca blu elegante")
    assert [h.category for h in hits] == ["blazer"] * len(hits) and len(hits) == 10
    assert sum(bool(BLUES & set(h.colours)) for h in hits) >= 8


def test_english_navy_wool_blazer(shop):
    hits = _top(shop, "navy wool blazer")
    assert all(h.category == "blazer" for h in hits)
    assert sum("navy" in h.colours for h in hits) >= 8
    assert sum("wool" in h.fabric for h in hits) >= 5


def test_running_shoes_in_italian(shop):
    hits = _top(shop, "scarpe da running")
    assert all(h.category == "running_shoes" for h in hits)


def test_wedding_dress_and_red_dress(shop):
    assert all(h.category == "dress" for h in _top(shop, "abito da sposa", 5))
    red = _top(shop, "vestito rosso")
    assert all(h.category == "dress" for h in red)
    red_dresses = _sql_matching(shop, SearchFilters(categories=["dress"], colours=["red"]))
    expected = min(len(red), len(red_dresses))
    assert expected >= 3
    assert all("red" in h.colours for h in red[:min(5, expected)])
    assert sum("red" in h.colours for h in red[:expected]) >= 0.8 * expected


def test_browsing_a_category_without_words(shop):
    result = search_products(shop, "", SearchFilters(categories=["coat"], department="womenswear"),
                             limit=15)
    assert result.total_candidates >= len(result.hits) > 0
    assert all(h.category == "coat" and h.department == "womenswear" for h in result.hits)


def test_hits_are_complete_cards(shop):
    hit = _top(shop, "cappotto di lana", 1)[0]
    assert hit.url == f"/products/{hit.sku}"
    assert "%" in hit.fabric and hit.price.amount > 0 and hit.sizes and hit.image


@pytest.mark.parametrize(("query", "filters", "words"), [
    ("giacca", {"colours": ["purple"]}, ["purple", "navy"]),
    ("giacca", {"department": "pets"}, ["pets", "menswear"]),
    ("giacca", {"categories": ["spacesuit"]}, ["spacesuit", "blazer"]),
    ("giacca", {"min_price": Decimal("-5")}, ["min_price"]),
    ("giacca", {"min_price": Decimal("300"), "max_price": Decimal("100")}, ["min_price", "max_price"]),
    ("giacca", {"max_price": Decimal("1e9")}, ["max_price"]),
    ("giacca", {"location": "XX99"}, ["XX99", "online"]),
    ("giacca", {"size": "XXXXXL"}, ["XXXXXL"]),
    ("x" * 10_000_000, {}, ["too long"]),
    ("   ", {}, ["filter"]),
])
def test_bad_input_is_refused_with_a_reason(shop, query, filters, words):
    with pytest.raises(SearchError) as err:
        search_products(shop, query, SearchFilters(**filters))
    for word in words:
        assert word in str(err.value)


def test_cli_answers_bad_input_with_exit_code_2(shop, data_dir: Path, monkeypatch):
    from typer.testing import CliRunner

    from agent.cli import app
    from agent.settings import get_settings

    monkeypatch.setenv("SARTO_DATA_DIR", str(data_dir))
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        bad_colour = runner.invoke(app, ["search", "giacca", "--colour", "purple"])
        bad_store = runner.invoke(app, ["search", "giacca", "--location", "XX99"])
        negative = runner.invoke(app, ["search", "giacca", "--max-price", "-3"])
        good = runner.invoke(app, ["search", "giacca blu", "--json", "--limit", "3"])
    finally:
        get_settings.cache_clear()
    for bad, word in ((bad_colour, "purple"), (bad_store, "XX99"), (negative, "max-price")):
        assert bad.exit_code == 2, bad.output
        assert word in bad.output and "Traceback" not in bad.output
    assert good.exit_code == 0, good.output
    assert '"category": "blazer"' in good.output


def test_reserved_last_unit_disappears_from_in_stock_results(shop, store_codes):
    f = SearchFilters(location=store_codes[0], size="48", in_stock_only=True)
    before = search_products(shop, "giacca", f, limit=5)
    assert before.hits
    victim = before.hits[0]
    with shop.engine.begin() as conn:
        variant_id = conn.execute(select(Variant.id).join(Product).where(
            Product.sku == victim.sku, Variant.size == "48")).scalar_one()
        held = conn.execute(select(Inventory.reserved).where(
            Inventory.variant_id == variant_id, Inventory.location == f.location)).scalar_one()
        conn.execute(update(Inventory).where(Inventory.variant_id == variant_id,
                                             Inventory.location == f.location)
                     .values(reserved=Inventory.quantity))
    try:
        after = search_products(shop, "giacca", f, limit=5)
        assert victim.sku not in [h.sku for h in after.hits]
        assert len(after.hits) == min(5, len(_sql_matching(shop, f)))
    finally:
        with shop.engine.begin() as conn:
            conn.execute(update(Inventory).where(Inventory.variant_id == variant_id,
                                                 Inventory.location == f.location)
                         .values(reserved=held))
        catalog_index(shop).refresh_stock()


@pytest.mark.parametrize("filters", [
    {"min_price": Decimal("50"), "max_price": Decimal("200"), "occasion": "office"},  # scattered rows
    {"department": "menswear"},  # one broad contiguous span
    {"categories": ["tie", "shirt"], "colours": ["navy", "white"]},
])
def test_ranking_is_exact_over_every_candidate(shop, filters):
    """Scanning a span or gathering scattered rows, the top 20 is the brute-force top 20."""
    import numpy as np

    from tools.catalog.search import _ranking_terms, attribute_bonus, candidate_mask

    query, f = "camicia elegante in cotone", SearchFilters(**filters)
    snap = catalog_index(shop).snapshot
    vector = catalog_index(shop).embedder.encode([query])[0]
    everything = np.arange(snap.catalog.size)
    exact = snap.vectors @ vector + attribute_bonus(snap, everything, _ranking_terms(query, f))[0]
    exact = np.where(candidate_mask(snap, f), exact, -np.inf)
    hits = search_products(shop, query, f, limit=20, query_vector=vector).hits
    truth = np.sort(exact[np.isfinite(exact)])[::-1][:20]
    assert len(hits) == len(truth) >= 5
    assert np.allclose([h.score for h in hits], truth, atol=1e-5)
