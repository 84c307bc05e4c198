"""Thin feeds in the style of real shops (catalog_seed/examples/thin/): an English-only Shopify
export and a small Italian boutique's Merchant feed, imported into fresh shops, then dressed from by
the stylist in Italian. Occasions and formality come from enrichment at import: until it derives
them, the looks rest on what the feed says (category, department, sizes, prices)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from catalog_seed import examples_dir
from tools.db.engine import session_scope, sqlite_url
from tools.db.models import Product
from tools.db.shop import Shop, open_shop
from tools.imports.run import run_import

THIN = examples_dir() / "thin"
pytestmark = pytest.mark.slow  # each feed is imported and embedded into a shop of its own


@pytest.fixture(scope="module", params=["northline_shopify.csv", "bottega_merchant.tsv"])
def thin_shop(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
              ) -> Iterator[tuple[Shop, Path]]:
    data = tmp_path_factory.mktemp("thin")
    shop = open_shop(sqlite_url(data), data)
    result = run_import(shop, "products", THIN / request.param)
    assert result.ok and not result.problems, result.problems[:3]
    yield shop, data


def _turn(shop: Shop, data: Path, message: str) -> tuple[Any, Any]:
    from agent.assistant import Assistant
    from agent.events import TurnRequest
    from agent.settings import Settings

    assistant = Assistant.open(Settings(data_dir=data), shop)
    result = assistant.run(TurnRequest(shopper_id="thin-1", thread_id=f"thin-{hash(message)}", language="it",
                                       message=message))
    outfit = next((c for c in result.cards if c.type == "sarto.outfit"), None)
    return result, outfit


def _feed(shop: Shop) -> dict[str, Decimal]:
    with session_scope(shop.engine) as s:
        return dict(s.execute(select(Product.sku, Product.price)).tuples().all())


def test_the_thin_feeds_regenerate_to_the_same_bytes(tmp_path):
    import runpy

    before = {p.name: p.read_bytes() for p in THIN.iterdir() if p.suffix in (".csv", ".tsv")}
    runpy.run_path(str(THIN / "make_thin.py"), run_name="__main__")
    assert {p.name: p.read_bytes() for p in THIN.iterdir() if p.suffix in (".csv", ".tsv")} == before


def test_a_job_interview_look_for_a_man_in_size_50_within_500_euros(thin_shop):
    shop, data = thin_shop
    result, outfit = _turn(shop, data, "Ho un colloquio di lavoro, uomo, taglia 50, budget 500 euro")
    assert outfit is not None, result.text
    slots = {i.slot: i for i in outfit.items}
    assert {"jacket", "trousers", "shirt", "shoes"} <= set(slots), result.text
    assert slots["jacket"].size == "50" and slots["trousers"].size == "50"
    prices = _feed(shop)
    assert {i.sku for i in outfit.items} <= set(prices) and outfit.total.amount <= 500
    assert all(i.price.amount == prices[i.sku] for i in outfit.items)


def test_a_casual_weekend_look_for_a_woman_in_size_m(thin_shop):
    shop, data = thin_shop
    result, outfit = _turn(shop, data, "Cerco qualcosa di casual per il weekend, donna, taglia M")
    assert outfit is not None, result.text
    slots = {i.slot: i for i in outfit.items}
    assert {"top", "trousers", "shoes"} <= set(slots), result.text
    assert slots["top"].size == "M"
    assert {i.sku for i in outfit.items} <= set(_feed(shop))


def test_a_wedding_guest_look_for_a_man(thin_shop):
    shop, data = thin_shop
    result, outfit = _turn(shop, data, "Sono invitato a un matrimonio, uomo, taglia 50, scarpe 43")
    assert outfit is not None, result.text
    slots = {i.slot: i for i in outfit.items}
    assert {"suit", "shirt", "shoes"} <= set(slots), result.text
    assert slots["suit"].size == "50" and slots["shoes"].size == "43"
    assert {i.sku for i in outfit.items} <= set(_feed(shop))
