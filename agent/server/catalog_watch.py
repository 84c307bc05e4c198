"""Catalog changes made by another process (`sarto import` beside a running server) reach this
one's search without a restart: the import jobs table is polled, and a new finished import reloads
the index arrays, the stock and the store directory (nothing is re-embedded: the importer did it).
With several workers, a stock update (`POST /v1/inventory`) on one is announced on Redis and every
worker reloads its stock snapshot at once."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from redis.asyncio import Redis

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


STOCK_CHANNEL = "sarto:stock"


def _refresh_stock(shop: Shop) -> None:
    index = open_index(shop)
    if index is not None:
        index.refresh_stock()


async def watch_stock(redis: Redis, shop: Shop) -> None:
    """Reload the stock snapshot whenever any worker announces a stock change."""
    while True:
        try:
            async with redis.pubsub() as pubsub:
                await pubsub.subscribe(STOCK_CHANNEL)
                async for message in pubsub.listen():
                    if message.get("type") == "message":
                        await asyncio.to_thread(_refresh_stock, shop)
        except asyncio.CancelledError:
            raise
        except Exception:  # Redis went away: the import poll still runs; listen again shortly
            log.exception("stock watch failed; listening again")
            await asyncio.sleep(1.0)
