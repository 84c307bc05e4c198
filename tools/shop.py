"""The shop's services opened once per process: the commerce database and the catalog index."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from tools.database import create_schema, get_engine

if TYPE_CHECKING:
    from tools.index import CatalogIndex


@dataclass
class Shop:
    engine: Engine
    data_dir: Path
    chroma_url: str | None = None
    _index: CatalogIndex | None = field(default=None, repr=False)
    _index_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def index(self, for_sync: bool = False) -> CatalogIndex:
        """The vector index, loaded on first use (it pulls in the embedding model).

        Concurrent first requests would otherwise open Chroma twice at once, which fails."""
        if self._index is None:
            with self._index_lock:
                if self._index is None:
                    from tools.index import CatalogIndex

                    # opened to be synced: products not embedded yet are expected, not news
                    self._index = CatalogIndex.open(self, warn_missing=not for_sync)
        return self._index


def open_shop(database_url: str, data_dir: Path, chroma_url: str | None = None) -> Shop:
    engine = get_engine(database_url)
    create_schema(engine)
    data_dir.mkdir(parents=True, exist_ok=True)
    return Shop(engine=engine, data_dir=data_dir, chroma_url=chroma_url)
