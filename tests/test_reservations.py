"""Reserve-in-store: holds take stock, releases give it back, and the last unit is never sold twice."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pg import pg_url  # noqa: F401  (the PostgreSQL database fixture)
from sqlalchemy import delete, text, update

from tools.db.engine import create_schema, get_engine, session_scope, sqlite_url
from tools.db.models import Inventory, Product, Reservation, ReservationItem, Shopper, Store, Variant
from tools.db.shop import Shop
from tools.stock.reservations import (
    PICKUP_ALPHABET,
    cancel_reservation,
    expire_reservations,
    list_reservations,
    reserve_in_store,
    store_reservations,
)

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
HOURS = {d: ["10:00", "19:30"] for d in ("mon", "tue", "wed", "thu", "fri", "sat")} | {"sun": None}
JACKET, SHIRT = "SRT-BLZ-900001-50", "SRT-SHT-900002-L"


def build_small_shop(engine_url: str, data_dir: Path) -> Shop:
    """Two stores, two shoppers, two products: enough to race for the last unit."""
    engine = get_engine(engine_url)
    create_schema(engine)
    with session_scope(engine) as s:
        s.add_all([
            Store(code="NA01", name="Sarto Napoli Chiaia", city="Napoli", address="Via dei Mille 38",
                  lat=40.8365, lon=14.2387, hours=HOURS, services=["pickup", "tailoring"], phone="+39 081"),
            Store(code="VE01", name="Sarto Venezia", city="Venezia", address="Calle dei Fabbri 1",
                  lat=45.4362, lon=12.3367, hours=HOURS, services=["styling"], phone="+39 041"),
            Shopper(id="S1", created_at=NOW), Shopper(id="S2", created_at=NOW),
        ])
        for pid, sku, variant, size, price in ((900001, "SRT-BLZ-900001", JACKET, "50", "189.90"),
                                               (900002, "SRT-SHT-900002", SHIRT, "L", "59.90")):
            s.add(Product(id=pid, sku=sku, department="menswear", category=sku[4:7].lower(),
                          subcategory="x", brand="Sarto", title_it=f"Capo {sku}", title_en=f"Piece {sku}",
                          description_it="", description_en="", price=Decimal(price), occasions=[],
                          seasons=[], colours=["navy"], pattern="solid", fit="slim", style="classic",
                          formality=4, fabric=[], compatible_categories=[], target_age="adult",
                          emotional=[], sustainability=[], image="", content_hash=""))
            s.flush()
            s.add(Variant(id=variant, product_id=pid, size=size, size_system="IT"))
            s.flush()
            for loc in ("NA01", "VE01", "online"):
                s.add(Inventory(variant_id=variant, location=loc, quantity=3, reserved=0, updated_at=NOW))
    return Shop(engine=engine, data_dir=data_dir)


def reset_stock(shop: Shop, quantity: int) -> None:
    with session_scope(shop.engine) as s:
        s.execute(delete(ReservationItem))
        s.execute(delete(Reservation))
        s.execute(update(Inventory).values(quantity=quantity, reserved=0))


def free(shop: Shop, variant_id: str, location: str = "NA01") -> int:
    with shop.engine.connect() as conn:
        return int(conn.execute(text("SELECT quantity - reserved FROM inventory WHERE variant_id = :v "
                                     "AND location = :l"), {"v": variant_id, "l": location}).scalar_one())


@pytest.fixture(scope="module")
def small_shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    data_dir = tmp_path_factory.mktemp("reservations")
    yield build_small_shop(sqlite_url(data_dir), data_dir)


@pytest.fixture()
def fresh(small_shop: Shop) -> Shop:
    reset_stock(small_shop, 3)
    return small_shop


def hold(shop: Shop, shopper: str = "S1", items=((JACKET, 1),), key: str | None = "k1", **kw):
    return reserve_in_store(shop, shopper, "NA01", list(items), key, kw.pop("thread_id", "t1"),
                            kw.pop("now", NOW), kw.pop("hold_minutes", 120), **kw)


def test_hold_takes_stock_and_says_where_and_until_when(fresh: Shop) -> None:
    result = hold(fresh, items=[(JACKET, 2), (SHIRT, 1)])
    assert result.status == "held"
    assert free(fresh, JACKET) == 1 and free(fresh, SHIRT) == 2
    assert free(fresh, JACKET, "online") == 3  # other places untouched
    assert result.expires_at == NOW + timedelta(minutes=120)
    assert len(result.pickup_code or "") == 6 and set(result.pickup_code or "") <= set(PICKUP_ALPHABET)
    assert result.store_name == "Sarto Napoli Chiaia" and result.store_hours["sun"] is None
    assert result.total == Decimal("189.90") * 2 + Decimal("59.90")
    assert {i.variant_id: i.quantity for i in result.items} == {JACKET: 2, SHIRT: 1}


def test_same_key_returns_the_same_reservation_and_holds_once(fresh: Shop) -> None:
    first = hold(fresh, key="retry-me")
    again = hold(fresh, key="retry-me")
    assert again.status == "held" and again.replayed
    assert again.reservation_id == first.reservation_id and again.pickup_code == first.pickup_code
    assert free(fresh, JACKET) == 2


def test_derived_key_makes_a_repeated_confirmation_idempotent(fresh: Shop) -> None:
    first = hold(fresh, key=None, thread_id="thread-9")
    again = hold(fresh, key=None, thread_id="thread-9")
    assert again.reservation_id == first.reservation_id
    assert free(fresh, JACKET) == 2
    cancel_reservation(fresh, "S1", first.reservation_id or "", NOW)
    after_cancel = hold(fresh, key=None, thread_id="thread-9")  # the look can be reserved again
    assert after_cancel.status == "held" and after_cancel.reservation_id != first.reservation_id


def test_cancel_gives_the_units_back(fresh: Shop) -> None:
    made = hold(fresh, items=[(JACKET, 3)])
    assert free(fresh, JACKET) == 0
    cancelled = cancel_reservation(fresh, "S1", made.reservation_id or "", NOW)
    assert cancelled.status == "cancelled"
    assert free(fresh, JACKET) == 3
    twice = cancel_reservation(fresh, "S1", made.reservation_id or "", NOW)
    assert twice.status == "cancelled" and free(fresh, JACKET) == 3  # not released twice


def test_expiry_releases_stock(fresh: Shop) -> None:
    made = hold(fresh, items=[(JACKET, 2)], hold_minutes=30)
    assert expire_reservations(fresh, NOW + timedelta(minutes=29)) == 0
    assert free(fresh, JACKET) == 1
    assert expire_reservations(fresh, NOW + timedelta(minutes=30)) == 1
    assert free(fresh, JACKET) == 3
    listed = list_reservations(fresh, "S1", NOW + timedelta(hours=1))
    assert [(r.reservation_id, r.status) for r in listed] == [(made.reservation_id, "expired")]


def test_another_shopper_can_neither_see_nor_cancel_it(fresh: Shop) -> None:
    made = hold(fresh, shopper="S1")
    assert list_reservations(fresh, "S2", NOW) == []
    attempt = cancel_reservation(fresh, "S2", made.reservation_id or "", NOW)
    assert attempt.status == "not_found" and attempt.items == []
    assert free(fresh, JACKET) == 2
    staff = store_reservations(fresh, "NA01", NOW)
    assert [r.reservation_id for r in staff] == [made.reservation_id]


def test_price_is_rechecked_at_confirmation(fresh: Shop) -> None:
    changed = hold(fresh, expected_prices={JACKET: Decimal("150.00")})
    assert changed.status == "price_changed"
    assert changed.price_changes[0].current == Decimal("189.90")
    assert free(fresh, JACKET) == 3  # nothing held
    assert hold(fresh, expected_prices={"SRT-BLZ-900001": Decimal("189.90")}).status == "held"


def test_not_enough_stock_holds_nothing(fresh: Shop) -> None:
    result = hold(fresh, items=[(SHIRT, 1), (JACKET, 4)])
    assert result.status == "out_of_stock"
    assert [(s.variant_id, s.available) for s in result.out_of_stock] == [(JACKET, 3)]
    assert free(fresh, SHIRT) == 3  # the shirt's hold was rolled back with the jacket's


def test_bad_requests_are_statuses(fresh: Shop) -> None:
    assert hold(fresh, items=[]).status == "invalid"
    assert hold(fresh, items=[(JACKET, 0)]).status == "invalid"
    assert hold(fresh, items=[("SRT-NOPE-1-50", 1)]).status == "not_found"
    assert hold(fresh, shopper="ghost").status == "not_found"
    assert reserve_in_store(fresh, "S1", "ZZ99", [(JACKET, 1)], "k", None, NOW, 60).status == "not_found"
    assert reserve_in_store(fresh, "S1", "VE01", [(JACKET, 1)], "k", None, NOW, 60).status == \
        "pickup_unavailable"
    assert free(fresh, JACKET) == 3


def race(shop: Shop, wants: list[int], store: str = "NA01") -> list[str]:
    """Every shopper asks for their quantity of the jacket at the same moment."""
    barrier = threading.Barrier(len(wants))
    statuses: list[str] = [""] * len(wants)

    def run(i: int) -> None:
        barrier.wait()
        statuses[i] = reserve_in_store(shop, "S1" if i % 2 else "S2", store, [(JACKET, wants[i])],
                                       f"race-{i}", None, NOW, 60).status

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(wants))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


def held_units(shop: Shop) -> int:
    with shop.engine.connect() as conn:
        return int(conn.execute(text(
            "SELECT COALESCE(SUM(i.quantity), 0) FROM reservation_items i JOIN reservations r "
            "ON r.id = i.reservation_id WHERE r.status = 'held' AND i.variant_id = :v"),
            {"v": JACKET}).scalar_one())


def assert_never_oversold(shop: Shop, stock: int, wants: list[int], statuses: list[str]) -> None:
    assert set(statuses) <= {"held", "out_of_stock"}
    held = held_units(shop)
    assert held <= stock
    assert held == sum(w for w, s in zip(wants, statuses, strict=True) if s == "held")
    assert free(shop, JACKET) == stock - held  # the counter agrees with the reservations
    # Whoever was turned away really could not have been served from what was left.
    assert all(w > stock - held for w, s in zip(wants, statuses, strict=True) if s == "out_of_stock")


def test_eight_shoppers_race_for_two_units(small_shop: Shop) -> None:
    reset_stock(small_shop, 2)
    statuses = race(small_shop, [1] * 8)
    assert statuses.count("held") == 2
    assert_never_oversold(small_shop, 2, [1] * 8, statuses)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(stock=st.integers(min_value=0, max_value=4),
       wants=st.lists(st.integers(min_value=1, max_value=3), min_size=2, max_size=4))
def test_racing_shoppers_never_oversell(small_shop: Shop, stock: int, wants: list[int]) -> None:
    reset_stock(small_shop, stock)
    statuses = race(small_shop, wants)
    assert_never_oversold(small_shop, stock, wants, statuses)


def test_postgresql_racers_never_oversell(pg_url: str, tmp_path: Path) -> None:  # noqa: F811
    pg_shop = build_small_shop(pg_url, tmp_path)
    for stock, wants in ((1, [1] * 8), (3, [1, 2, 1, 2, 1, 1]), (2, [2, 2, 1])):
        reset_stock(pg_shop, stock)
        statuses = race(pg_shop, wants)
        assert_never_oversold(pg_shop, stock, wants, statuses)
    reset_stock(pg_shop, 3)
    made = hold(pg_shop, items=[(JACKET, 2)])
    assert hold(pg_shop, items=[(JACKET, 2)]).reservation_id == made.reservation_id
    assert free(pg_shop, JACKET) == 1
    assert cancel_reservation(pg_shop, "S1", made.reservation_id or "", NOW).status == "cancelled"
    assert free(pg_shop, JACKET) == 3


def test_hold_and_cancel_on_the_seeded_shop(shop) -> None:
    with shop.engine.connect() as conn:
        variant_id, store = conn.execute(text(
            "SELECT i.variant_id, i.location FROM inventory i JOIN stores s ON s.code = i.location "
            "WHERE i.quantity - i.reserved >= 2 ORDER BY i.variant_id, i.location LIMIT 1")).one()
        shopper = conn.execute(text("SELECT id FROM shoppers ORDER BY id LIMIT 1")).scalar_one()
    before = free(shop, variant_id, store)
    made = reserve_in_store(shop, shopper, store, [(variant_id, 2)], None, "thread-seeded", NOW, 60)
    assert made.status == "held"
    assert free(shop, variant_id, store) == before - 2
    assert cancel_reservation(shop, shopper, made.reservation_id or "", NOW).status == "cancelled"
    assert free(shop, variant_id, store) == before
