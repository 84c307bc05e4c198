"""Catalog changes made by another process (`sarto import` beside a running server) reach this
one's search without a restart: the import jobs table is polled, and a new finished import reloads
the index arrays, the stock and the store directory (nothing is re-embedded: the importer did it)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from tools.catalog.index import open_index
from tools.db.shop import Shop
from tools.imports.jobs import catalog_version
from tools.stock.stores import STORE_DIRECTORY

log = logging.getLogger("sarto.server")
POLL_S = 2.0


def _reload(shop: Shop) -> None:
    shop.forget(STORE_DIRECTORY)
    index = open_index(shop)
    if index is not None:
        index.sync(progress=False)
        index.refresh_stock()


async def watch_catalog(shop: Shop, poll_s: float = POLL_S) -> None:
    seen: Any = await asyncio.to_thread(catalog_version, shop.engine)
    while True:
        await asyncio.sleep(poll_s)
        try:
            version = await asyncio.to_thread(catalog_version, shop.engine)
            if version != seen:
                seen = version
                await asyncio.to_thread(_reload, shop)
                log.info("catalog changed by an import: search reloaded")
        except Exception:  # a hiccup of the database must not stop the watch
            log.exception("catalog watch failed; retrying")
