"""Time in the shop: every moment stored or compared is aware UTC.

The shop's own clock (`shop_now`) decides when a reservation was made and when it expires; it is
never taken from a request. A turn may be told what "now" means for the shopper (the evaluation
suite replays scenarios at a fixed moment), but that only shapes the answer, never the records.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

Clock = Callable[[], datetime]
CLOCK_SKEW = timedelta(minutes=5)  # a device or till clock a little ahead is not "the future"
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)  # a turn's "now" outside these is a mistake or an attack
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


def shop_now() -> datetime:
    """The shop's clock: the real time, in UTC."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """Aware UTC; a naive datetime (SQLite hands them back, clients send them) is taken as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
