"""Rate limits every worker of the shop counts together: in Redis when SARTO_REDIS_URL is set,
otherwise in this process (the embedded default needs nothing running)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import redis
from limits import RateLimitItem, parse
from limits.errors import StorageError
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import MovingWindowRateLimiter

log = logging.getLogger("sarto.server")

# Per client address: 10 in any minute (the old token bucket's burst and average rate; after a
# burst the next sign-up waits for the window, not 6 s).
GUEST_SIGNUPS = parse("10/minute")
# Per shopper: wrong receipt claim codes in any hour before claims lock (a code is 80 bits: this
# only stops a script from trying codes, never a shopper mistyping one)
CLAIM_FAILURES = parse("5/hour")
KEY_PREFIX = "sarto:limits"
# After Redis fails, how long this process counts on its own before asking Redis again: a Redis
# that times out would otherwise add its timeout to every sign-up.
REDIS_RETRY_S = 30.0


class SharedLimit:
    """One limit, counted per key (a client address) in a moving window."""

    def __init__(self, item: RateLimitItem, name: str, shared: Storage | None = None) -> None:
        self.item = item
        self.name = name
        self._shared = MovingWindowRateLimiter(shared) if shared is not None else None
        self._local = MovingWindowRateLimiter(MemoryStorage())
        self._shared_down_until = 0.0

    def take(self, key: str) -> float:
        """0.0 when allowed (and counted); otherwise the seconds until the next one would be (≥ 1)."""
        return self._shared_or_local(key, self._take)

    def wait(self, key: str) -> float:
        """Like `take` without counting: for limits on failures, asked before each attempt."""
        return self._shared_or_local(key, self._wait)

    def _shared_or_local(self, key: str, how: Callable[[MovingWindowRateLimiter, str], float]) -> float:
        if self._shared is not None and time.monotonic() >= self._shared_down_until:
            try:
                return how(self._shared, key)
            except StorageError as exc:
                # Neither refusing every sign-up (fail closed) nor dropping the limit (fail open):
                # while Redis is away each process limits on its own, as a single worker would.
                self._shared_down_until = time.monotonic() + REDIS_RETRY_S
                log.warning("rate limit %s: Redis unavailable, counting in this process for %.0f s: %s",
                            self.name, REDIS_RETRY_S, exc)
        return how(self._local, key)

    def _wait(self, limiter: MovingWindowRateLimiter, key: str) -> float:
        if limiter.test(self.item, self.name, key):
            return 0.0
        reset_at = limiter.get_window_stats(self.item, self.name, key).reset_time
        return max(1.0, reset_at - time.time())

    def _take(self, limiter: MovingWindowRateLimiter, key: str) -> float:
        if limiter.hit(self.item, self.name, key):
            return 0.0
        reset_at = limiter.get_window_stats(self.item, self.name, key).reset_time  # the oldest hit expires
        return max(1.0, reset_at - time.time())


def guest_signup_limit(redis_url: str | None, client: redis.Redis | None) -> SharedLimit:
    """The limit on guest tokens per client address; shared through `client` when there is one."""
    return _limit(GUEST_SIGNUPS, "guest-signup", redis_url, client)


def claim_failure_limit(redis_url: str | None, client: redis.Redis | None) -> SharedLimit:
    """Wrong receipt claim codes per shopper; shared through `client` when there is one."""
    return _limit(CLAIM_FAILURES, "receipt-claim-failures", redis_url, client)


def _limit(item: RateLimitItem, name: str, redis_url: str | None, client: redis.Redis | None) -> SharedLimit:
    shared = None
    if redis_url and client is not None:
        # The app's own connection pool (and its timeouts); wrapped errors are StorageError.
        shared = RedisStorage(redis_url, connection_pool=client.connection_pool, key_prefix=KEY_PREFIX,
                              wrap_exceptions=True)
    return SharedLimit(item, name, shared)
