"""Readiness: may this worker take traffic? The database answers, the shared Redis (when there is
one) answers, the catalog index is loaded. Each check is bounded, so a probe never hangs."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from sqlalchemy import text

from agent.server.deps import Resources
from tools.catalog.index import open_index

log = logging.getLogger("sarto.server")

CHECK_TIMEOUT_S = 1.0
# What a passing check reports; anything else names why it failed.
PASSING = frozenset({"ok", "not configured", "on demand"})


async def _bounded(name: str, probe: Callable[[], object]) -> str:
    """Runs a blocking probe in a thread: "ok", "timeout" or "unreachable". On timeout the thread is
    left to finish on its own (the drivers' own timeouts end it); the answer does not wait."""
    try:
        await asyncio.wait_for(asyncio.to_thread(probe), CHECK_TIMEOUT_S)
    except TimeoutError:
        log.warning("readiness: %s did not answer within %.1f s", name, CHECK_TIMEOUT_S)
        return "timeout"
    except Exception as exc:
        log.warning("readiness: %s unreachable: %s", name, exc)
        return "unreachable"
    return "ok"


def _select_one(resources: Resources) -> None:
    with resources.shop().engine.connect() as conn:
        conn.execute(text("SELECT 1"))


async def _redis(resources: Resources) -> str:
    client = resources.redis_client
    if client is None:
        return "not configured"
    return await _bounded("redis", client.ping)


def _index(resources: Resources) -> str:
    if not resources.index_at_start:
        return "on demand"  # the caller brought its own assistant; the first search opens the index
    shop = resources.shop_
    return "ok" if shop is not None and open_index(shop) is not None else "not loaded"


async def check(resources: Resources) -> dict[str, str]:
    database, redis = await asyncio.gather(_bounded("database", lambda: _select_one(resources)),
                                           _redis(resources))
    return {"database": database, "redis": redis, "index": _index(resources)}


def is_ready(checks: dict[str, str]) -> bool:
    return all(value in PASSING for value in checks.values())
