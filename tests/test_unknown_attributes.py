"""A catalog with holes, as a retailer's feed leaves it: products whose attributes are unknown (NULL)
and one retired. Search, an outfit turn and the storefront work on it; unknown never passes a filter
on it; the retired piece is never offered again but stays readable for the reservation that has it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from api.live import serve
from langgraph.checkpoint.memory import InMemorySaver
from sqlalchemy import select, update

from agent.assistant import Assistant
from agent.events import TurnRequest
from agent.server.app import create_app
from agent.settings import Settings
from tools.catalog.index import catalog_index
from tools.catalog.search import search_products
from tools.db.engine import session_scope
from tools.db.models import Inventory, Product, Shopper, Variant
from tools.db.shop import Shop
from tools.outfits.alternatives import find_budget_alternatives
from tools.shapes import SearchFilters, TurnResult
from tools.stock.availability import check_availability
from tools.stock.reservations import list_reservations, reserve_in_store

pytestmark = pytest.mark.slow  # seeds and indexes a shop of its own: the session's stays untouched

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
MESSAGE = "Ho un colloquio di lavoro, uomo: porto la 50, camicia L, scarpe 43"
UNKNOWN_ROLE = "FEED-ROLE-0001"  # department and category unknown
UNKNOWN_FORMALITY = "FEED-FORM-0002"  # formality, occasions, fit, fabric ... unknown
KNOWN = "FEED-GOOD-0003"  # every attribute known, variants named the feed's way ("G0003-2")
NULLABLE = ("subcategory", "brand", "description_it", "description_en", "occasions", "seasons", "pattern",
            "fit", "style", "formality", "fabric", "compatible_categories", "target_age", "emotional",
            "sustainability")


@dataclass
class HoledShop:
    shop: Shop
    assistant: Assistant
    retired: str  # the sku of the look's jacket, retired after a shopper reserved it
    retired_variant: str
    jacket_slot: str


def _turn(assistant: Assistant, thread: str, events: list[dict[str, Any]] | None = None) -> TurnResult:
    return assistant.run(TurnRequest.model_validate({
        "shopper_id": "holes-guest", "thread_id": thread, "message": MESSAGE, "events": events or [],
        "now": NOW}))


def _outfit_items(result: TurnResult) -> list[Any]:
    cards = [c for c in result.cards if c.type == "sarto.outfit"]
    assert cards, f"no outfit: {result.text}"
    return list(cards[0].items)  # type: ignore[union-attr]


def _feed_variant(sku: str, n: int) -> str:
    return f"G{sku[-4:]}-{n}"


def _clone(shop: Shop, sku: str, new_sku: str, **unknown: Any) -> None:
    """A copy of a product (same title, price, sizes and stock) as a feed brings it: its own variant
    ids, and some attributes unknown."""
    with session_scope(shop.engine) as session:
        original = session.scalars(select(Product).where(Product.sku == sku)).one()
        columns = {c.key: getattr(original, c.key) for c in Product.__table__.columns if c.key != "id"}
        copy = Product(**{**columns, "sku": new_sku, "origin": "feed", "content_hash": new_sku,
                          "attribute_sources": {"title_it": "feed"}, **unknown})
        session.add(copy)
        session.flush()
        for n, variant in enumerate(original.variants):
            session.add(Variant(id=_feed_variant(new_sku, n), product_id=copy.id, size=variant.size,
                                size_system=variant.size_system))
        session.flush()
        for n, variant in enumerate(original.variants):
            for row in session.scalars(select(Inventory).where(Inventory.variant_id == variant.id)):
                session.add(Inventory(variant_id=_feed_variant(new_sku, n), location=row.location,
                                      quantity=9, reserved=0, updated_at=NOW))


@pytest.fixture(scope="module")
def holed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HoledShop]:
    """A seeded shop; the look it offers for MESSAGE; then that look's jacket is cloned twice with
    holes, reserved by a shopper and retired, and the index picks the changes up."""
    from catalog_seed.load import seed_shop
    from tools.db.engine import sqlite_url
    from tools.db.shop import open_shop

    data_dir = tmp_path_factory.mktemp("holes")
    shop = open_shop(sqlite_url(data_dir), data_dir)
    seed_shop(shop, products=600, seed=11, build_index=True, progress=False)
    assistant = Assistant.open(Settings(data_dir=data_dir), shop, checkpointer=InMemorySaver())
    jacket = next(i for i in _outfit_items(_turn(assistant, "before"))
                  if i.category in ("blazer", "suit", "coat", "outdoor_jacket"))
    _clone(shop, jacket.sku, UNKNOWN_ROLE, department=None, category=None)
    _clone(shop, jacket.sku, UNKNOWN_FORMALITY, **dict.fromkeys(NULLABLE))
    _clone(shop, jacket.sku, KNOWN)
    with session_scope(shop.engine) as session:
        session.add_all([Shopper(id=who, created_at=NOW, known_sizes={})
                         for who in ("holes-buyer", "feed-buyer")])
        store = session.scalars(select(Inventory.location).where(
            Inventory.variant_id == jacket.variant_id, Inventory.location != "online",
            Inventory.quantity > 0)).first()
    assert store is not None
    held = reserve_in_store(shop, "holes-buyer", store, [(jacket.variant_id, 1)], None, "t-held", NOW, 60)
    assert held.status == "held"
    with session_scope(shop.engine) as session:
        session.execute(update(Product).where(Product.sku == jacket.sku).values(retired=True))
    catalog_index(shop, for_sync=True).sync(progress=False)
    yield HoledShop(shop, assistant, jacket.sku, jacket.variant_id, jacket.slot)


def _skus(shop: Shop, query: str, **filters: Any) -> list[str]:
    result = search_products(shop, query, SearchFilters(**filters), limit=50)
    return [h.sku for h in result.hits]


def _title(shop: Shop, sku: str) -> str:
    with session_scope(shop.engine) as session:
        return session.scalars(select(Product.title_it).where(Product.sku == sku)).one()


def test_search_shows_unknowns_when_nothing_is_filtered_and_never_the_retired(holed: HoledShop) -> None:
    # a piece of unknown category ranks below the blazers the query names (no category bonus), but
    # with no filter it is shown, never hidden; the retired original never is
    title = _title(holed.shop, holed.retired)
    found = [h.sku for h in search_products(holed.shop, title, SearchFilters(), limit=100).hits]
    assert {UNKNOWN_ROLE, UNKNOWN_FORMALITY} <= set(found)
    assert found.index(UNKNOWN_FORMALITY) < 5  # same category, same words: among the first
    assert holed.retired not in found


def test_an_unknown_attribute_never_passes_a_filter_on_it(holed: HoledShop) -> None:
    title = _title(holed.shop, holed.retired)
    with session_scope(holed.shop.engine) as session:
        known = session.scalars(select(Product).where(Product.sku == holed.retired)).one()
        department, category, occasion = known.department, known.category, (known.occasions or [None])[0]
    by_department = _skus(holed.shop, title, department=department)
    assert UNKNOWN_FORMALITY in by_department and UNKNOWN_ROLE not in by_department
    by_category = _skus(holed.shop, title, categories=[category])
    assert UNKNOWN_FORMALITY in by_category and UNKNOWN_ROLE not in by_category
    by_occasion = _skus(holed.shop, title, occasion=occasion)
    assert UNKNOWN_ROLE in by_occasion and UNKNOWN_FORMALITY not in by_occasion
    assert holed.retired not in by_department + by_category + by_occasion


def test_an_outfit_turn_dresses_the_look_without_the_retired_or_unknown_pieces(holed: HoledShop) -> None:
    browsed = [{"type": "product_view", "sku": sku, "days_ago": 0.5}
               for sku in (UNKNOWN_ROLE, UNKNOWN_FORMALITY, holed.retired)]
    items = _outfit_items(_turn(holed.assistant, "after", events=browsed))
    skus = {i.sku for i in items}
    assert not skus & {holed.retired, UNKNOWN_ROLE, UNKNOWN_FORMALITY}
    assert holed.jacket_slot in {i.slot for i in items}, "another piece fills the retired one's slot"


def test_a_piece_with_the_feeds_own_variant_ids_is_dressed_shown_in_stock_and_reservable(
        holed: HoledShop) -> None:
    """The known copy of the retired jacket takes its place in the look, with its own variant."""
    items = _outfit_items(_turn(holed.assistant, "feed-ids"))
    jacket = next(i for i in items if i.slot == holed.jacket_slot)
    assert jacket.sku == KNOWN
    assert jacket.variant_id.startswith(_feed_variant(KNOWN, 0)[:-1]) and jacket.availability
    store = next(s.location for s in jacket.availability if s.location != "online")
    held = reserve_in_store(holed.shop, "feed-buyer", store, [(jacket.variant_id, 1)], "feed-ids-01",
                            None, NOW, 60)
    assert held.status == "held" and held.items[0].sku == KNOWN


def test_alternatives_need_a_known_role_and_never_offer_retired_or_unknown(holed: HoledShop) -> None:
    unknown = find_budget_alternatives(holed.shop, UNKNOWN_ROLE, "50", "online")
    assert unknown.status == "no_alternatives" and "not known" in (unknown.detail or "")
    with session_scope(holed.shop.engine) as session:
        dearest = session.scalars(select(Product.sku).where(
            Product.category == "blazer", Product.department == "menswear", Product.retired.is_(False),
            Product.formality.is_not(None)).order_by(Product.price.desc())).first()
    assert dearest is not None
    offered = find_budget_alternatives(holed.shop, dearest, None, "online", limit=10)
    assert offered.status == "ok"
    assert not {i.sku for i in offered.items} & {holed.retired, UNKNOWN_ROLE, UNKNOWN_FORMALITY}


def test_the_retired_piece_is_no_longer_sold_but_its_reservation_still_reads(holed: HoledShop) -> None:
    availability = check_availability(holed.shop, holed.retired)
    assert availability.status == "out_of_stock" and availability.locations == []
    held = list_reservations(holed.shop, "holes-buyer", NOW)
    assert [i.variant_id for r in held for i in r.items] == [holed.retired_variant]
    assert held[0].items[0].title_it == _title(holed.shop, holed.retired)
    again = reserve_in_store(holed.shop, "holes-buyer", held[0].store_code or "",
                             [(holed.retired_variant, 1)], "again-0001", None, NOW, 60)
    assert again.status == "out_of_stock" and "no longer sold" in (again.detail or "")


def test_the_storefront_shows_unknown_and_retired_products_without_failing(holed: HoledShop,
                                                                           tmp_path: Path) -> None:
    settings = Settings(data_dir=holed.shop.data_dir, api_key="holes-api-key-0123456789",
                        token_secret="holes-secret-0123456789abcdef-0123456789")
    app = create_app(settings, assistant=holed.assistant, shop=holed.shop)
    with serve(app) as base, httpx.Client(base_url=base, timeout=30) as client:
        for sku in (UNKNOWN_ROLE, UNKNOWN_FORMALITY, holed.retired):
            page = client.get(f"/products/{sku}")
            assert page.status_code == 200 and "text/html" in page.headers["content-type"]
            image = client.get(f"/images/{sku}.svg")
            assert image.status_code == 200 and image.text.startswith("<svg")
        unknown = client.get(f"/v1/catalog/products/{UNKNOWN_ROLE}").json()
        assert unknown["department"] is None and unknown["category"] is None
        assert unknown["origin"] == "feed" and unknown["retired"] is False
        formless = client.get(f"/v1/catalog/products/{UNKNOWN_FORMALITY}").json()
        assert formless["formality"] is None and formless["fabric"] == ""
        retired = client.get(f"/v1/catalog/products/{holed.retired}").json()
        assert retired["retired"] is True and retired["availability"] == []
        search = client.get("/v1/catalog/search", params={"q": _title(holed.shop, holed.retired)})
        assert search.status_code == 200
        assert holed.retired not in {h["sku"] for h in search.json()["hits"]}


def test_a_store_receipt_finds_an_imported_variant_by_sku_and_size(holed: HoledShop) -> None:
    from decimal import Decimal

    from tools.db.models import OrderLine
    from tools.shoppers.receipts import add_receipt

    with session_scope(holed.shop.engine) as session:
        variant = session.scalars(select(Variant).join(Product).where(Product.sku == KNOWN)
                                  .order_by(Variant.id)).first()
        assert variant is not None
        size, variant_id = variant.size, variant.id
    stored = add_receipt(holed.shop, "feed-0001", "MI01", NOW,
                         [{"sku": KNOWN, "size": size, "quantity": 1, "unit_price": Decimal("99.00")}],
                         None, None)
    with session_scope(holed.shop.engine) as session:
        lines = session.scalars(select(OrderLine.variant_id).where(OrderLine.order_id == stored["order_id"]))
        assert list(lines) == [variant_id]
