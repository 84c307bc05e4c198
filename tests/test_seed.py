"""The seed shop: deterministic, complete PIM data, realistic prices, stores, sparse stock, shoppers."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from catalog_seed.digest import shop_digest
from catalog_seed.images import render_svg
from catalog_seed.load import REFERENCE_NOW, seed_shop
from tools.db.engine import session_scope, sqlite_url
from tools.db.models import Event, Inventory, Order, OrderLine, Product, Shopper, Store, Variant
from tools.db.shop import Shop, open_shop
from tools.taxonomy import (
    AGE_BANDS,
    CATEGORIES,
    COLOURS,
    EMOTIONS,
    FIBRES,
    FITS,
    GOALS,
    NEUTRAL_COLOURS,
    OCCASIONS,
    PATTERNS,
    SEASONS,
    SIZE_RUNS,
    STYLES,
    SUSTAINABILITY,
    size_run,
    size_system_for,
)

SMALL = 200


def _small_shop(directory: Path, seed: int) -> Shop:
    shop = open_shop(sqlite_url(directory), directory)
    seed_shop(shop, products=SMALL, seed=seed, build_index=False, progress=False)
    return shop


@pytest.fixture(scope="module")
def products(shop: Shop) -> list[Product]:
    with session_scope(shop.engine) as session:
        return list(session.scalars(select(Product)).all())


@pytest.fixture(scope="module")
def stock(shop: Shop) -> dict[str, dict[str, int]]:
    """variant id -> {location: quantity}."""
    result: dict[str, dict[str, int]] = defaultdict(dict)
    with shop.engine.connect() as connection:
        for variant_id, location, quantity in connection.execute(
            select(Inventory.variant_id, Inventory.location, Inventory.quantity)
        ):
            result[variant_id][location] = quantity
    return result


def test_same_seed_gives_the_same_shop_and_reseeding_replaces_it(tmp_path: Path) -> None:
    first = _small_shop(tmp_path / "a", seed=7)
    second = _small_shop(tmp_path / "b", seed=7)
    assert shop_digest(first.engine) == shop_digest(second.engine)

    seed_shop(first, products=SMALL, seed=8, build_index=False, progress=False)
    assert shop_digest(first.engine) != shop_digest(second.engine)

    seed_shop(first, products=SMALL, seed=7, build_index=False, progress=False)
    assert shop_digest(first.engine) == shop_digest(second.engine)
    with session_scope(first.engine) as session:
        count = session.scalar(select(func.count()).select_from(Product)) or 0
    assert SMALL <= count <= SMALL * 1.1  # replaced, not appended


def test_if_empty_leaves_a_loaded_shop_alone(tmp_path: Path) -> None:
    shop = _small_shop(tmp_path, seed=7)
    before = shop_digest(shop.engine)
    summary = seed_shop(shop, products=400, seed=9, if_empty=True, build_index=False, progress=False)
    assert summary.skipped
    assert SMALL <= summary.products <= SMALL * 1.1
    assert shop_digest(shop.engine) == before


def test_catalog_covers_every_department_and_category(products: list[Product]) -> None:
    assert len(products) >= 1500
    departments = Counter(p.department for p in products)
    assert set(departments) == {"menswear", "womenswear", "kids"}
    assert departments["kids"] < departments["menswear"] and departments["kids"] < departments["womenswear"]
    present = {(p.department, p.category) for p in products}
    expected = {(d, key) for key, c in CATEGORIES.items() for d in c.departments}
    assert expected - present == set()


def test_every_product_has_complete_valid_pim_attributes(products: list[Product]) -> None:
    for p in products:
        where = p.sku
        assert re.fullmatch(r"SRT-[A-Z]{3}-\d{6}", p.sku), where
        assert p.subcategory and p.brand, where
        assert p.occasions and set(p.occasions) <= set(OCCASIONS), where
        assert p.seasons and set(p.seasons) <= set(SEASONS), where
        assert p.colours and set(p.colours) <= set(COLOURS), where
        assert p.pattern in PATTERNS and p.fit in FITS and p.style in STYLES, where
        low, high = CATEGORIES[p.category].formality
        assert low <= p.formality <= high, where
        assert {f["fibre"] for f in p.fabric} <= set(FIBRES), where
        assert sum(f["pct"] for f in p.fabric) == 100, where
        assert p.compatible_categories and set(p.compatible_categories) <= set(CATEGORIES), where
        assert p.category not in p.compatible_categories, where
        assert p.target_age in AGE_BANDS, where
        assert 2 <= len(p.emotional) <= 3 and set(p.emotional) <= set(EMOTIONS), where
        assert len(p.sustainability) <= 2 and set(p.sustainability) <= set(SUSTAINABILITY), where
        assert p.image == f"/images/{p.sku}.svg", where
        assert re.fullmatch(r"[0-9a-f]{64}", p.content_hash), where
        assert p.currency == "EUR", where


def test_variants_follow_the_category_size_run(products: list[Product]) -> None:
    for p in products:
        run = size_run(p.category, p.department)
        sizes = [v.size for v in p.variants]
        assert sizes and set(sizes) <= set(run), p.sku
        assert run[(len(run) - 1) // 2] in sizes or run[len(run) // 2] in sizes, p.sku  # middle kept
        for v in p.variants:
            assert v.id == f"{p.sku}-{v.size}"
            assert v.size_system == size_system_for(p.category, p.department)


def test_titles_and_descriptions_read_like_a_real_shop(products: list[Product]) -> None:
    placeholder = re.compile(r"\b(product|prodotto|item|articolo)\s*#?\d+\b", re.IGNORECASE)
    for p in products:
        assert p.title_it != p.title_en, p.sku
        assert not placeholder.search(p.title_it) and not placeholder.search(p.title_en), p.sku
        for text in (p.description_it, p.description_en):
            assert 2 <= text.count(". ") + 1 <= 5, text
            assert "%" in text  # the fabric composition is spelled out
    assert len({p.title_it for p in products}) >= 0.85 * len(products)
    assert len({p.title_en for p in products}) >= 0.85 * len(products)
    blazers = [p for p in products if p.category == "blazer"]
    assert any(p.title_it.startswith("Giacca") for p in blazers)
    assert any("blazer" in p.title_en for p in blazers)


def _serves(p: Product, goal_key: str) -> bool:
    goal = GOALS[goal_key]
    low, high = goal.formality
    return (
        low <= p.formality <= high
        and bool(set(p.occasions) & set(goal.occasions))
        and (not goal.seasons or bool(set(p.seasons) & set(goal.seasons)))
    )


def test_every_goal_slot_has_in_stock_candidates_in_several_colours(
    products: list[Product], stock: dict[str, dict[str, int]]
) -> None:
    in_stock = {p.sku for p in products if any(sum(stock[v.id].values()) > 0 for v in p.variants)}
    thin: list[str] = []
    for key, goal in GOALS.items():
        for department, (required, _optional) in goal.slots.items():
            for slot in required:
                found = [
                    p for p in products
                    if p.department == department and p.category in slot.categories and _serves(p, key)
                    and p.sku in in_stock
                ]  # fmt: skip
                colours = {p.colours[0] for p in found}
                prices = sorted(p.price for p in found)
                if len(found) < 5 or len(colours) < 2 or not colours & NEUTRAL_COLOURS:
                    thin.append(f"{key}/{department}/{slot.key}: {len(found)} products, colours {colours}")
                elif prices[-1] < prices[0] * Decimal("1.5"):
                    thin.append(
                        f"{key}/{department}/{slot.key}: no budget alternative ({prices[0]}-{prices[-1]})"
                    )
    assert thin == []


def test_prices_spread_inside_each_category_and_end_like_a_shop(products: list[Product]) -> None:
    by_category: dict[str, list[Decimal]] = defaultdict(list)
    for p in products:
        by_category[p.category].append(Decimal(str(p.price)))
    for category, prices in by_category.items():
        low, high = CATEGORIES[category].price_eur
        assert all(low <= price <= high for price in prices), category
        assert max(prices) / min(prices) >= 2, category
        assert all(price % 1 in (Decimal("0"), Decimal("0.5"), Decimal("0.9")) for price in prices), category


def test_precious_fabrics_cost_more(products: list[Product]) -> None:
    def median(values: list[Decimal]) -> Decimal:
        return sorted(values)[len(values) // 2]

    for category in ("knitwear", "blazer", "coat"):
        rows = [p for p in products if p.category == category and p.department != "kids"]
        cashmere = [Decimal(str(p.price)) for p in rows if any(f["fibre"] == "cashmere" for f in p.fabric)]
        blends = [Decimal(str(p.price)) for p in rows if any(f["fibre"] == "polyester" for f in p.fabric)
                  or any(f["fibre"] == "polyamide" for f in p.fabric)]  # fmt: skip
        if cashmere and blends:
            assert median(cashmere) > median(blends), category


def test_twelve_stores_in_italian_cities(shop: Shop) -> None:
    with session_scope(shop.engine) as session:
        stores = list(session.scalars(select(Store)).all())
    assert len(stores) == 12
    assert len({s.city for s in stores}) == 12
    for s in stores:
        assert re.fullmatch(r"[A-Z]{2}\d{2}", s.code)
        assert 35.5 <= s.lat <= 47.1 and 6.6 <= s.lon <= 18.6, s.code
        assert "pickup" in s.services and set(s.services) <= {"pickup", "tailoring", "styling"}
        assert set(s.hours) == {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
        assert s.name.startswith("Sarto ") and s.phone.startswith("+39")


def test_stock_is_sparse_with_gaps_and_sell_outs(shop: Shop, stock: dict[str, dict[str, int]]) -> None:
    with session_scope(shop.engine) as session:
        variant_ids = list(session.scalars(select(Variant.id)).all())
    online = sum(1 for v in variant_ids if "online" in stock.get(v, {}))
    assert 0.7 <= online / len(variant_ids) <= 0.95
    split = [v for v in variant_ids if 0 in stock.get(v, {}).values() and sum(stock[v].values()) > 0]
    sold_out = [v for v in variant_ids if sum(stock.get(v, {}).values()) == 0]
    assert split, "some sizes are sold out in one place and available in another"
    assert 0 < len(sold_out) < 0.05 * len(variant_ids)
    rows_by_location = Counter(loc for places in stock.values() for loc in places)
    assert rows_by_location["MI01"] > rows_by_location["PD01"] * 2  # the flagship carries far more
    assert all(0 <= q <= 12 for places in stock.values() for q in places.values())


def test_shoppers_have_unified_history_and_browsing(shop: Shop) -> None:
    with session_scope(shop.engine) as session:
        shoppers = list(session.scalars(select(Shopper)).all())
        orders = list(session.scalars(select(Order)).all())
        variant_ids = set(session.scalars(select(Variant.id)).all())
        store_codes = set(session.scalars(select(Store.code)).all())
        event_types = Counter(session.scalars(select(Event.type)).all())
        latest_event = session.scalar(select(func.max(Event.at)))
        lines = list(session.scalars(select(OrderLine)).all())
    assert len(shoppers) >= 200
    assert {s.id for s in shoppers} >= {"S00001", "S00200"}
    assert 0.6 < sum(s.consent_personalisation for s in shoppers) / len(shoppers) < 0.95
    assert {s.language for s in shoppers} == {"it", "en"}
    channels = Counter(o.channel for o in orders)
    assert channels["online"] > 0 and channels["store"] > 0
    assert all(o.store_code in store_codes for o in orders if o.channel == "store")
    assert all(line.variant_id in variant_ids for line in lines)
    assert all(o.total == sum(line.unit_price * line.quantity for line in o.lines) for o in orders)
    assert set(event_types) == {"search", "product_view", "content_view", "add_to_cart", "purchase"}
    assert 10 <= sum(event_types.values()) / len(shoppers) <= 30
    assert latest_event is not None and latest_event.replace(tzinfo=None) < REFERENCE_NOW.replace(tzinfo=None)


def test_known_sizes_fit_the_department_and_drive_purchases(shop: Shop) -> None:
    with session_scope(shop.engine) as session:
        shoppers = {s.id: s for s in session.scalars(select(Shopper)).all()}
        rows = session.execute(
            select(Order.shopper_id, Variant.size, Variant.size_system, Product.department)
            .join(OrderLine, OrderLine.order_id == Order.id)
            .join(Variant, Variant.id == OrderLine.variant_id)
            .join(Product, Product.id == Variant.product_id)
        ).all()
    for s in shoppers.values():
        for system, size in s.known_sizes.items():
            assert size in SIZE_RUNS[system][s.department or ""], (s.id, system, size)
    matching = [
        size == shoppers[sid].known_sizes.get(system)
        for sid, size, system, department in rows
        if department == shoppers[sid].department and system in shoppers[sid].known_sizes
    ]  # fmt: skip
    assert matching and sum(matching) / len(matching) > 0.7


def _svg(category: str, colours: list[str], pattern: str) -> Any:
    return render_svg(category, colours, pattern, "Giacca <monopetto> & co")


def test_product_images_are_deterministic_svg_in_the_product_colour() -> None:
    svg = _svg("blazer", ["navy"], "pinstripe")
    assert svg == _svg("blazer", ["navy"], "pinstripe")
    root = ET.fromstring(svg)  # well-formed, title escaped
    assert root.tag.endswith("svg")
    assert "#1f2a44" in svg and "url(#p)" in svg
    assert _svg("blazer", ["red"], "solid") != svg
    assert _svg("formal_shoes", ["navy"], "solid") != _svg("dress", ["navy"], "solid")
