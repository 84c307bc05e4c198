"""Caches belong to the Shop that opened them: two shops in one process never see each other's
records, and a cache is built once even when the first requests race."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from tools.db.engine import session_scope, sqlite_url
from tools.db.models import Store
from tools.db.shop import CacheSlot, Shop, open_shop
from tools.stock.stores import forget_store_directory, store_map


def shop_with_store(folder: Path, code: str, city: str) -> Shop:
    shop = open_shop(sqlite_url(folder), folder)
    with session_scope(shop.engine) as s:
        s.add(Store(code=code, name=f"Sarto {city}", city=city, address="Via Roma 1", lat=45.0, lon=9.0,
                    hours={}, services=["pickup"], phone="+39 02 000"))
    return shop


def test_two_shops_in_one_process_keep_their_own_store_directory(tmp_path: Path) -> None:
    milan = shop_with_store(tmp_path / "milan", "MI01", "Milano")
    naples = shop_with_store(tmp_path / "naples", "NA01", "Napoli")
    assert list(store_map(milan)) == ["MI01"]
    assert list(store_map(naples)) == ["NA01"]
    with session_scope(milan.engine) as s:
        s.add(Store(code="MI02", name="Sarto Brera", city="Milano", address="Via Brera 2", lat=45.47,
                    lon=9.19, hours={}, services=[], phone="+39 02 111"))
    assert list(store_map(milan)) == ["MI01"]  # cached until whoever wrote stores says so
    forget_store_directory(milan)
    assert list(store_map(milan)) == ["MI01", "MI02"]
    assert list(store_map(naples)) == ["NA01"]


def test_a_cache_is_built_once_when_first_requests_race(tmp_path: Path) -> None:
    shop = open_shop(sqlite_url(tmp_path), tmp_path)
    slot = CacheSlot[datetime]("slow_thing")
    builds: list[int] = []

    def build() -> datetime:
        builds.append(1)
        time.sleep(0.05)
        return datetime.now(UTC)

    got: list[datetime] = []
    threads = [threading.Thread(target=lambda: got.append(shop.cached(slot, build))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(builds) == 1 and len(set(got)) == 1
    assert shop.peek(slot) == got[0]
    other = open_shop(sqlite_url(tmp_path), tmp_path)  # same database, another shop object
    assert other.peek(slot) is None
