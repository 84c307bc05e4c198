"""Per-run event buffers: the run writes AG-UI events here from a background task and every SSE
response reads them back, so a dropped client resumes after any seq and a cancel stops the run.

`RunStore` is the interface: in-process here (the embedded default), in Redis in
`redis_store.py` (several workers serve the same run). Memory is bounded: finished runs expire
after `ttl_s`, and at most `max_runs` are kept; a run's idempotency key is remembered as long as the run is.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

from agent.server.problems import ApiError, not_found


@dataclass(frozen=True)
class BufferedEvent:
    seq: int  # 1-based, gapless within a run
    type: str  # the AG-UI event type, e.g. RUN_STARTED
    data: str  # the event's JSON as sent on the wire


@dataclass
class RunRecord:
    run_id: str
    shopper_id: str
    thread_id: str
    created: float = field(default_factory=time.monotonic)
    events: list[BufferedEvent] = field(default_factory=list)
    finished_at: float | None = None
    status: str = "running"  # running, finished, interrupted, error, cancelled
    result: dict[str, Any] | None = None  # the TurnResult as JSON, when it finished
    error: dict[str, str] | None = None
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    first_sent: asyncio.Event = field(default_factory=asyncio.Event)  # a client got RUN_STARTED
    idempotency_key: str | None = None  # the client's key: a retry with it gets this run again
    fingerprint: str = ""  # what was asked, so the same key on a different request is refused

    @property
    def finished(self) -> bool:
        return self.finished_at is not None


class RunStore(Protocol):
    """Where runs and their events live: this process (`InMemoryRunStore`) or Redis, shared by
    every worker (`agent.server.runs.redis_store.RedisRunStore`)."""

    async def start(self) -> None: ...

    async def create(self, run_id: str, shopper_id: str, thread_id: str, idempotency_key: str | None = None,
                     fingerprint: str = "") -> RunRecord: ...

    async def by_key(self, shopper_id: str, idempotency_key: str) -> RunRecord | None:
        """The shopper's run started with this idempotency key, while it is kept."""
        ...

    async def get(self, run_id: str, shopper_id: str) -> RunRecord:
        """The run, if it is this shopper's; otherwise ApiError 404 (never 403)."""
        ...

    async def append(self, run_id: str, type_: str, data: str) -> int: ...

    async def read_after(self, run_id: str, seq: int) -> list[BufferedEvent]: ...

    async def wait(self, run_id: str, seq: int, timeout: float) -> None:
        """Return when there is an event after `seq`, the run finished, or `timeout` passed."""
        ...

    async def settled(self, run_id: str) -> RunRecord:
        """The run once it has ended."""
        ...

    async def finish(self, run_id: str, status: str, result: dict[str, Any] | None = None,
                     error: dict[str, str] | None = None) -> None: ...

    async def cancel(self, run_id: str) -> bool:
        """Ask the run to stop, wherever it runs; False when it had already finished."""
        ...

    async def delete_for_shopper(self, shopper_id: str) -> int: ...

    def count(self) -> int:
        """Runs this process holds."""
        ...

    async def peek(self, run_id: str) -> RunRecord | None:
        """The run whoever owns it (for the server's own use, never for answering a request);
        None when no live worker holds it."""
        ...

    async def active_for_thread(self, thread_id: str, shopper_id: str) -> RunRecord | None:
        """The thread's newest run if it is still running (for stream resume); ApiError 404 when
        that run is another shopper's."""
        ...

    def attach_task(self, run_id: str, task: asyncio.Task[None]) -> None: ...

    def first_sent(self, run_id: str) -> asyncio.Event:
        """Set once a client got the run's first event (the run waits a moment for it)."""
        ...

    def mark_sent(self, run_id: str) -> None: ...

    async def reassign(self, from_shopper: str, to_shopper: str) -> None: ...

    async def cancel_all(self) -> None: ...

    async def close(self) -> None: ...


class InMemoryRunStore:
    """One process's runs. Cancel works through the asyncio task registered with `attach_task`."""

    def __init__(self, ttl_s: float = 15 * 60, max_runs: int = 2000, max_events: int = 20_000) -> None:
        self.ttl_s = ttl_s
        self.max_runs = max_runs
        self.max_events = max_events
        self._runs: dict[str, RunRecord] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._swept_at = float("-inf")
        self._latest: dict[str, str] = {}  # thread_id -> its newest run_id
        self._keys: dict[tuple[str, str], str] = {}  # (shopper_id, idempotency key) -> run_id

    # -- lifecycle --------------------------------------------------------------------------
    async def create(self, run_id: str, shopper_id: str, thread_id: str, idempotency_key: str | None = None,
               fingerprint: str = "") -> RunRecord:
        self.expire()
        if run_id in self._runs:
            raise ApiError(409, "conflict", ("Questo runId esiste già.", "This runId already exists."))
        record = RunRecord(run_id, shopper_id, thread_id, idempotency_key=idempotency_key,
                           fingerprint=fingerprint)
        self._runs[run_id] = record
        self._latest[thread_id] = run_id
        if idempotency_key:
            self._keys[(shopper_id, idempotency_key)] = run_id
        return record

    async def start(self) -> None:
        """Nothing to start: one process holds every run."""

    def first_sent(self, run_id: str) -> asyncio.Event:
        record = self._runs.get(run_id)
        return record.first_sent if record is not None else asyncio.Event()

    def mark_sent(self, run_id: str) -> None:
        record = self._runs.get(run_id)
        if record is not None:
            record.first_sent.set()

    async def settled(self, run_id: str) -> RunRecord:
        record = self._runs.get(run_id)
        if record is None:
            raise not_found("run")
        while not record.finished:
            await self.wait(run_id, len(record.events), timeout=5.0)
        return record

    async def by_key(self, shopper_id: str, idempotency_key: str) -> RunRecord | None:
        record = self._runs.get(self._keys.get((shopper_id, idempotency_key), ""))
        return record if record is not None and record.shopper_id == shopper_id else None

    def attach_task(self, run_id: str, task: asyncio.Task[None]) -> None:
        self._tasks[run_id] = task
        task.add_done_callback(lambda _t: self._tasks.pop(run_id, None))

    def expire(self) -> None:
        now = time.monotonic()
        if now - self._swept_at < 1.0 and len(self._runs) < self.max_runs:
            return  # a sweep walks every run: once a second is plenty at 15 minutes' ttl
        self._swept_at = now
        stale = [rid for rid, r in self._runs.items()
                 if r.finished_at is not None and now - r.finished_at > self.ttl_s]
        for rid in stale:
            del self._runs[rid]
        if len(self._runs) >= self.max_runs:
            finished = sorted((r for r in self._runs.values() if r.finished),
                              key=lambda r: r.finished_at or 0.0)
            for r in finished[: len(self._runs) - self.max_runs + 1]:
                del self._runs[r.run_id]
        self._latest = {t: rid for t, rid in self._latest.items() if rid in self._runs}
        self._keys = {k: rid for k, rid in self._keys.items() if rid in self._runs}

    # -- access -----------------------------------------------------------------------------
    async def get(self, run_id: str, shopper_id: str) -> RunRecord:
        record = self._runs.get(run_id)
        if record is None or record.shopper_id != shopper_id:
            raise not_found("run")
        return record

    async def peek(self, run_id: str) -> RunRecord | None:
        return self._runs.get(run_id)

    def held(self, run_id: str) -> RunRecord | None:
        """The live record this process holds (events included), read without awaiting."""
        return self._runs.get(run_id)

    def count(self) -> int:
        """Runs kept in memory (running, or finished within the ttl)."""
        return len(self._runs)

    async def active_for_thread(self, thread_id: str, shopper_id: str) -> RunRecord | None:
        record = self._runs.get(self._latest.get(thread_id, ""))
        if record is not None and record.shopper_id != shopper_id:
            raise not_found("chat")
        return None if record is None or record.finished else record

    async def append(self, run_id: str, type_: str, data: str) -> int:
        record = self._runs[run_id]
        if len(record.events) >= self.max_events:
            raise RuntimeError(f"run {run_id} exceeded {self.max_events} events")
        seq = len(record.events) + 1
        record.events.append(BufferedEvent(seq, type_, data))
        async with record.changed:
            record.changed.notify_all()
        return seq

    async def read_after(self, run_id: str, seq: int) -> list[BufferedEvent]:
        record = self._runs.get(run_id)
        if record is None:
            return []
        return record.events[max(seq, 0):]

    async def wait(self, run_id: str, seq: int, timeout: float) -> None:
        record = self._runs.get(run_id)
        if record is None:
            return
        async with record.changed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    record.changed.wait_for(lambda: len(record.events) > seq or record.finished),
                    timeout)

    async def finish(self, run_id: str, status: str, result: dict[str, Any] | None = None,
                     error: dict[str, str] | None = None) -> None:
        record = self._runs.get(run_id)
        if record is None:
            return
        record.status, record.result, record.error = status, result, error
        record.finished_at = time.monotonic()
        async with record.changed:
            record.changed.notify_all()

    async def cancel(self, run_id: str) -> bool:
        task = self._tasks.get(run_id)
        record = self._runs.get(run_id)
        if task is None or task.done() or record is None or record.finished:
            return False
        task.cancel()
        return True

    async def delete_for_shopper(self, shopper_id: str) -> int:
        mine = [rid for rid, r in self._runs.items() if r.shopper_id == shopper_id]
        for rid in mine:
            task = self._tasks.get(rid)
            if task is not None and not task.done():
                task.cancel()
            del self._runs[rid]
        return len(mine)

    async def reassign(self, from_shopper: str, to_shopper: str) -> None:
        """A guest logged in: their runs (still resumable) now belong to the shopper."""
        for record in self._runs.values():
            if record.shopper_id == from_shopper:
                record.shopper_id = to_shopper
        self._keys = {(to_shopper if owner == from_shopper else owner, key): rid
                      for (owner, key), rid in self._keys.items()}

    async def close(self) -> None:
        """Nothing to close: the runs die with the process."""

    async def cancel_all(self) -> None:
        """On shutdown: stop every live run and wait for them to write their last event."""
        tasks = [t for t in self._tasks.values() if not t.done()]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
