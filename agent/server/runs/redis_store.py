"""Run buffers in Redis, so any worker serves any run: a client can resume or cancel on another
worker than the one running the turn.

Layout (all keys under `prefix`):
- `run:<id>`          hash: shopper, thread, status, finished, result, error, key, fingerprint, worker
- `run:<id>:events`   stream: one entry per AG-UI event, with the explicit id `0-<seq>` (so a resume
                      after `<run_id>:<seq>` is an XRANGE and a live tail an XREAD BLOCK)
- `thread:<id>`       the thread's newest run; `key:<shopper>:<key>` a run's idempotency key
- `shopper:<id>:runs` the shopper's runs (erasure and a guest's login touch only those)
- `worker:<id>`       a worker's heartbeat (expires when the worker dies: its running runs are lost)
- channel `cancel`    run ids to cancel: the worker running one stops its task
Every key of a run expires `ttl_s` after the run ends (and after `running_ttl_s` at most).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from typing import Any

from redis.asyncio import Redis

from agent.server.problems import ApiError, not_found
from agent.server.runs.store import BufferedEvent, RunRecord

log = logging.getLogger("sarto.server.runs")
HEARTBEAT_S = 2.0
HEARTBEAT_TTL_S = 10  # a worker silent this long is dead: its running runs end as interrupted


class RedisRunStore:
    def __init__(self, redis: Redis, prefix: str = "sarto:", ttl_s: int = 15 * 60,
                 running_ttl_s: int = 60 * 60, max_events: int = 20_000) -> None:
        self.redis, self.prefix = redis, prefix
        self.ttl_s, self.running_ttl_s, self.max_events = ttl_s, running_ttl_s, max_events
        self.worker = uuid.uuid4().hex[:12]
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._sent: dict[str, asyncio.Event] = {}  # runs of this worker: a client got RUN_STARTED
        self._seq: dict[str, int] = {}  # runs of this worker: the last event's seq (only it appends)
        self._writing: dict[str, asyncio.Future[None]] = {}  # runs of this worker: the last event's write
        # runs of this worker, their events mirrored in memory: the streams this worker serves for
        # its own runs (nearly all of them) read here, and only another worker's resume reads Redis
        self._live: dict[str, RunRecord] = {}
        self._background: list[asyncio.Task[None]] = []

    # -- keys -------------------------------------------------------------------------------
    def _run(self, run_id: str) -> str:
        return f"{self.prefix}run:{run_id}"

    def _events(self, run_id: str) -> str:
        return f"{self.prefix}run:{run_id}:events"

    def _thread(self, thread_id: str) -> str:
        return f"{self.prefix}thread:{thread_id}"

    def _key(self, shopper_id: str, key: str) -> str:
        return f"{self.prefix}key:{shopper_id}:{key}"

    def _mine(self, shopper_id: str) -> str:  # the shopper's runs, for erasure and a guest's login
        return f"{self.prefix}shopper:{shopper_id}:runs"

    def _worker(self, worker: str) -> str:
        return f"{self.prefix}worker:{worker}"

    # -- the worker's own life --------------------------------------------------------------
    async def start(self) -> None:
        """Heartbeat and the cancel listener (from the app's lifespan)."""
        await self.redis.set(self._worker(self.worker), "1", ex=HEARTBEAT_TTL_S)
        self._background = [asyncio.create_task(self._beat(), name="sarto-runs-heartbeat"),
                            asyncio.create_task(self._listen(), name="sarto-runs-cancels")]

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_S)
            with contextlib.suppress(Exception):  # a Redis hiccup: the next beat tries again
                await self.redis.set(self._worker(self.worker), "1", ex=HEARTBEAT_TTL_S)

    async def _listen(self) -> None:
        while True:
            try:
                async with self.redis.pubsub() as pubsub:
                    await pubsub.subscribe(f"{self.prefix}cancel")
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            self._cancel_local(_str(message["data"]))
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("run cancel listener failed; listening again")
                await asyncio.sleep(1.0)

    def _cancel_local(self, run_id: str) -> bool:
        task = self._tasks.get(run_id)
        if task is None or task.done():
            return False
        task.cancel()
        return True

    # -- lifecycle --------------------------------------------------------------------------
    async def create(self, run_id: str, shopper_id: str, thread_id: str, idempotency_key: str | None = None,
                     fingerprint: str = "") -> RunRecord:
        fields: Any = {"shopper": shopper_id, "thread": thread_id, "status": "running", "finished": "0",
                       "key": idempotency_key or "", "fingerprint": fingerprint, "worker": self.worker,
                       "seq": "0"}
        if not await self.redis.hsetnx(self._run(run_id), "shopper", shopper_id):
            raise ApiError(409, "conflict", ("Questo runId esiste già.", "This runId already exists."))
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(self._run(run_id), mapping=fields)
            pipe.expire(self._run(run_id), self.running_ttl_s)
            pipe.set(self._thread(thread_id), run_id, ex=self.running_ttl_s)
            pipe.sadd(self._mine(shopper_id), run_id)
            pipe.expire(self._mine(shopper_id), self.running_ttl_s)
            if idempotency_key:
                pipe.set(self._key(shopper_id, idempotency_key), run_id, ex=self.running_ttl_s)
            await pipe.execute()
        self._sent[run_id] = asyncio.Event()
        self._seq[run_id] = 0
        record = RunRecord(run_id, shopper_id, thread_id, idempotency_key=idempotency_key,
                           fingerprint=fingerprint)
        self._live[run_id] = record
        return record

    def attach_task(self, run_id: str, task: asyncio.Task[None]) -> None:
        self._tasks[run_id] = task

        def done(_t: asyncio.Task[None]) -> None:
            self._tasks.pop(run_id, None)
            self._sent.pop(run_id, None)
            self._seq.pop(run_id, None)
            self._writing.pop(run_id, None)
            self._live.pop(run_id, None)  # a stream still reading goes on from Redis, which has it all
        task.add_done_callback(done)

    def first_sent(self, run_id: str) -> asyncio.Event:
        return self._sent.setdefault(run_id, asyncio.Event())

    def mark_sent(self, run_id: str) -> None:
        event = self._sent.get(run_id)
        if event is not None:
            event.set()

    async def append(self, run_id: str, type_: str, data: str) -> int:
        earlier = self._writing.get(run_id)
        if earlier is not None and not earlier.done():  # a cancel cut the run short while it wrote:
            await asyncio.wait([earlier])  # that event lands first, so its end comes after it
        # only the worker that created the run appends to it, so it numbers the events itself and
        # writes each in one round trip (the hash's seq is what other workers read)
        if run_id in self._seq:
            seq = self._seq[run_id] + 1
        else:  # not created here (never expected): take the next number from the shared counter
            seq = int(await self.redis.hincrby(self._run(run_id), "seq", 1))
        if seq > self.max_events:
            raise RuntimeError(f"run {run_id} exceeded {self.max_events} events")
        fresh = run_id not in self._seq
        self._seq[run_id] = seq
        # shielded: a cancel (the run's, landing on this await) must not drop an event whose seq is
        # taken, or the stream would skip it (e.g. a STEP_FINISHED without its STEP_STARTED)
        write = self._writing[run_id] = asyncio.ensure_future(
            self._put(run_id, seq, type_, data, expire=seq == 1 or fresh))
        await asyncio.shield(write)
        return seq

    async def _put(self, run_id: str, seq: int, type_: str, data: str, expire: bool) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.xadd(self._events(run_id), {"t": type_, "d": data}, id=f"0-{seq}")
            pipe.hset(self._run(run_id), "seq", str(seq))
            if expire:
                pipe.expire(self._events(run_id), self.running_ttl_s)
            await pipe.execute()
        record = self._live.get(run_id)
        if record is not None:  # in this (shielded) write, so memory never skips what Redis has
            record.events.append(BufferedEvent(seq, type_, data))
            async with record.changed:
                record.changed.notify_all()

    async def finish(self, run_id: str, status: str, result: dict[str, Any] | None = None,
                     error: dict[str, str] | None = None) -> None:
        record = await self.peek(run_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(self._run(run_id), mapping={
                "status": status, "finished": "1", "result": json.dumps(result) if result else "",
                "error": json.dumps(error) if error else ""})
            for key in (self._run(run_id), self._events(run_id)):
                pipe.expire(key, self.ttl_s)
            if record is not None:
                pipe.expire(self._thread(record.thread_id), self.ttl_s)
                if record.idempotency_key:
                    pipe.expire(self._key(record.shopper_id, record.idempotency_key), self.ttl_s)
            await pipe.execute()
        live = self._live.get(run_id)
        if live is not None:
            live.status, live.result, live.error = status, result, error
            live.finished_at = time.monotonic()
            async with live.changed:
                live.changed.notify_all()

    async def cancel(self, run_id: str) -> bool:
        record = await self.peek(run_id)
        if record is None or record.finished:
            return False
        if not self._cancel_local(run_id):
            await self.redis.publish(f"{self.prefix}cancel", run_id)
        return True

    # -- access -----------------------------------------------------------------------------
    async def peek(self, run_id: str) -> RunRecord | None:
        """The run whoever owns it; None when unknown, or when the worker running it died (the
        caller then ends it as interrupted from the database's record)."""
        live = self._live.get(run_id)
        if live is not None:
            return live
        raw = await self.redis.hgetall(self._run(run_id))
        if not raw or "thread" not in _text(raw):
            return None
        h = _text(raw)
        record = RunRecord(run_id, h["shopper"], h["thread"], idempotency_key=h.get("key") or None,
                           fingerprint=h.get("fingerprint", ""))
        record.status = h.get("status", "running")
        record.finished_at = time.monotonic() if h.get("finished") == "1" else None
        record.result = json.loads(h["result"]) if h.get("result") else None
        record.error = json.loads(h["error"]) if h.get("error") else None
        if record.finished_at is None and h.get("worker") != self.worker and not await self.redis.exists(
                self._worker(h.get("worker", ""))):
            return None
        return record

    async def get(self, run_id: str, shopper_id: str) -> RunRecord:
        record = await self.peek(run_id)
        if record is None or record.shopper_id != shopper_id:
            raise not_found("run")
        return record

    async def by_key(self, shopper_id: str, idempotency_key: str) -> RunRecord | None:
        run_id = await self.redis.get(self._key(shopper_id, idempotency_key))
        record = await self.peek(_str(run_id)) if run_id else None
        return record if record is not None and record.shopper_id == shopper_id else None

    async def active_for_thread(self, thread_id: str, shopper_id: str) -> RunRecord | None:
        run_id = await self.redis.get(self._thread(thread_id))
        record = await self.peek(_str(run_id)) if run_id else None
        if record is not None and record.shopper_id != shopper_id:
            raise not_found("chat")
        return None if record is None or record.finished else record

    async def read_after(self, run_id: str, seq: int) -> list[BufferedEvent]:
        live = self._live.get(run_id)
        if live is not None:
            return live.events[max(seq, 0):]
        entries = await self.redis.xrange(self._events(run_id), min=f"0-{max(seq, 0) + 1}", max="+")
        return [_event(entry_id, fields or {}) for entry_id, fields in entries or []]

    async def wait(self, run_id: str, seq: int, timeout: float) -> None:
        live = self._live.get(run_id)
        if live is not None:
            async with live.changed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        live.changed.wait_for(lambda: len(live.events) > seq or live.finished), timeout)
            return
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            got = await self.redis.xread({self._events(run_id): f"0-{max(seq, 0)}"}, count=1,
                                         block=max(1, int(min(left, 1.0) * 1000)))
            if got:
                return
            record = await self.peek(run_id)
            if record is None or record.finished:
                return

    async def settled(self, run_id: str) -> RunRecord:
        """The run once it has ended (its terminal event is written before it ends)."""
        while True:
            record = await self.peek(run_id)
            if record is None:
                raise not_found("run")
            if record.finished:
                return record
            seq = int(_str(await self.redis.hget(self._run(run_id), "seq")) or 0)
            await self.wait(run_id, seq, timeout=1.0)

    def count(self) -> int:
        """Runs this worker is running now."""
        return sum(1 for t in self._tasks.values() if not t.done())

    async def _runs_of(self, shopper_id: str) -> list[str]:
        return [_str(m) for m in await self.redis.smembers(self._mine(shopper_id))]

    async def delete_for_shopper(self, shopper_id: str) -> int:
        gone = 0
        for run_id in await self._runs_of(shopper_id):
            await self.cancel(run_id)
            self._live.pop(run_id, None)
            key = _str(await self.redis.hget(self._run(run_id), "key"))
            gone += int(await self.redis.delete(self._run(run_id), self._events(run_id)) > 0)
            if key:
                await self.redis.delete(self._key(shopper_id, key))
        await self.redis.delete(self._mine(shopper_id))
        return gone

    async def reassign(self, from_shopper: str, to_shopper: str) -> None:
        for run_id in await self._runs_of(from_shopper):
            await self.redis.hset(self._run(run_id), "shopper", to_shopper)
            if run_id in self._live:
                self._live[run_id].shopper_id = to_shopper
            key = _str(await self.redis.hget(self._run(run_id), "key"))
            if key and await self.redis.exists(self._key(from_shopper, key)):
                await self.redis.rename(self._key(from_shopper, key), self._key(to_shopper, key))
            await self.redis.sadd(self._mine(to_shopper), run_id)
        await self.redis.expire(self._mine(to_shopper), self.running_ttl_s)
        await self.redis.delete(self._mine(from_shopper))

    async def cancel_all(self) -> None:
        """On shutdown: stop this worker's live runs and its background tasks."""
        tasks = [t for t in self._tasks.values() if not t.done()]
        for task in (*tasks, *self._background):
            task.cancel()
        await asyncio.gather(*tasks, *self._background, return_exceptions=True)
        with contextlib.suppress(Exception):
            await self.redis.delete(self._worker(self.worker))

    async def close(self) -> None:
        await self.redis.aclose()


def _str(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value or "")


def _text(raw: dict[Any, Any]) -> dict[str, str]:
    return {_str(k): _str(v) for k, v in raw.items()}


def _event(entry_id: Any, fields: dict[Any, Any]) -> BufferedEvent:
    f = _text(fields)
    return BufferedEvent(int(_str(entry_id).split("-")[1]), f["t"], f["d"])
