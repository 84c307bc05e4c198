"""The shop a tool works on: its database engine, its data folder, and what is cached over them.

Each cache (the catalog index, the store directory, outfit candidate records, ...) lives in a
`CacheSlot` on one `Shop`, declared by the module that builds it, so two shops opened in one
process never see each other's data, and dropping a shop drops its caches.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar, cast

from sqlalchemy import Engine

from tools.db.engine import create_schema, get_engine

T = TypeVar("T")


@dataclass(frozen=True)
class CacheSlot(Generic[T]):
    """A named place on a Shop for one kind of cached object; its owner module declares it."""

    name: str


@dataclass
class Shop:
    engine: Engine
    data_dir: Path
    chroma_url: str | None = None
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)
    _slot_locks: dict[str, threading.Lock] = field(default_factory=dict, repr=False)
    _guard: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def cached(self, slot: CacheSlot[T], build: Callable[[], T]) -> T:
        """The slot's object, built on first use — once, even when first requests race (opening
        Chroma twice at once fails). Slots build independently: a slow one blocks no other."""
        found = self._cache.get(slot.name)
        if found is not None:
            return cast(T, found)
        with self._guard:
            lock = self._slot_locks.setdefault(slot.name, threading.Lock())
        with lock:
            found = self._cache.get(slot.name)
            if found is None:
                found = build()
                self._cache[slot.name] = found
        return cast(T, found)

    def peek(self, slot: CacheSlot[T]) -> T | None:
        """The slot's object if it was built, without building it."""
        return cast("T | None", self._cache.get(slot.name))

    def remember(self, slot: CacheSlot[T], value: T) -> None:
        self._cache[slot.name] = value

    def forget(self, slot: CacheSlot[Any]) -> None:
        """Drop a cache after the records under it changed (e.g. stores imported)."""
        self._cache.pop(slot.name, None)


def open_shop(database_url: str, data_dir: Path, chroma_url: str | None = None) -> Shop:
    engine = get_engine(database_url)
    create_schema(engine)
    data_dir.mkdir(parents=True, exist_ok=True)
    return Shop(engine=engine, data_dir=data_dir, chroma_url=chroma_url)
