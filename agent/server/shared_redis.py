"""The Redis the workers of one shop share (SARTO_REDIS_URL): rate limits today, more to come."""

from __future__ import annotations

import redis

# A request (or a readiness probe) waits at most this long on Redis before treating it as down.
TIMEOUT_S = 1.0


def open_shared_redis(url: str) -> redis.Redis:
    """A client with short timeouts. It connects on first use: a Redis that is down at start-up
    does not stop the app from starting (what uses it decides how to carry on without it)."""
    return redis.Redis.from_url(url, socket_timeout=TIMEOUT_S, socket_connect_timeout=TIMEOUT_S)
