"""Two Sarto workers on one PostgreSQL database and one Redis, as two machines behind a load
balancer would run them: a run started on one resumes on the other and is cancelled from the
other, a run whose worker died ends as interrupted on the other and its retry continues the
thread, a worker killed while holding stock leaves no half-made reservation, and a stock update
on one reaches search on the other within 2 s."""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

import httpx
import pytest
from pg import fresh_database
from sqlalchemy import select, text

from api.conftest import API_KEY, require_redis
from api.ledger import LOCK_ROW, locked, reserved, reserved_not_held, two_free_items
from api.processes import Worker, running_workers
from api.sse import SseEvent, parse_sse

pytestmark = [pytest.mark.postgres, pytest.mark.slow]  # real worker processes on PostgreSQL

REDIS_URL = "redis://127.0.0.1:6379/13"
HEARTBEAT_TTL_S = 10  # agent.server.runs.redis_store: a worker silent this long is dead
INTERVIEW = "Ho un colloquio di lavoro, sono un uomo, taglia 50, scarpe 43"
CHEAPER = "qualcosa di più economico, massimo 300 euro"  # after INTERVIEW: cheaper looks for it
# a whole look within a budget: ~100 ms of turn on a warm worker, where a question takes ~50 ms
WEDDING = "Cerco un outfit completo per un matrimonio in estate, uomo taglia 52, scarpe 44, massimo 250 euro"


@dataclass
class Workers:
    procs: list[Worker]
    shop: Any
    env: dict[str, str]  # what every worker runs with: one database, one Redis
    folder: Path
    prefix: str = "sarto:"

    @property
    def urls(self) -> list[str]:
        return [w.url for w in self.procs]

    @contextmanager
    def another(self) -> Iterator[Worker]:
        """One more worker on the same database and Redis (a test may freeze or kill it)."""
        with running_workers(self.env, self.folder, 1) as (worker,):
            yield worker


@pytest.fixture(scope="module")
def workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workers]:
    require_redis(REDIS_URL)
    from catalog_seed.load import seed_shop
    from tools.db.shop import open_shop

    folder = tmp_path_factory.mktemp("two-workers")
    with fresh_database() as url:
        shop = open_shop(url, folder)
        seed_shop(shop, products=300, seed=3, build_index=True, progress=False)
        env = {**os.environ, "SARTO_DATA_DIR": str(folder), "SARTO_DATABASE_URL": url,
               "SARTO_REDIS_URL": REDIS_URL, "SARTO_API_KEY": API_KEY, "HF_HUB_OFFLINE": "1",
               "SARTO_ENV": "development"}
        try:
            with running_workers(env, folder, 2) as procs:
                yield Workers(procs, shop, env, folder)
        finally:
            shop.engine.dispose()


def _token(base: str, shopper_id: str) -> dict[str, str]:
    r = httpx.post(f"{base}/v1/auth/shopper-token", json={"shopper_id": shopper_id},
                   headers={"X-API-Key": API_KEY}, timeout=10)
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def _each_event(response: httpx.Response) -> Iterator[SseEvent]:
    """The stream's events (those with an id) as they arrive."""
    buffer = ""
    for chunk in response.iter_text():
        buffer += chunk
        *blocks, buffer = buffer.split("\n\n")
        for block in blocks:
            yield from (e for e in parse_sse(block + "\n\n") if e.id)


def _events(response: httpx.Response, stop_after: int | None = None) -> list[SseEvent]:
    return list(islice(_each_event(response), stop_after))


def _types(events: list[SseEvent]) -> list[str]:
    return [e.json["type"] for e in events]


def _run_body(run_id: str, thread_id: str, message: str) -> dict[str, Any]:
    return {"threadId": thread_id, "runId": run_id, "state": {}, "tools": [], "context": [],
            "messages": [{"id": "m1", "role": "user", "content": message}], "forwardedProps": {}}


def _new_run_id() -> str:
    return f"run-{uuid.uuid4().hex[:12]}"


def _resume(base: str, headers: dict[str, str], run_id: str, last: SseEvent) -> list[SseEvent]:
    with httpx.stream("GET", f"{base}/v1/runs/{run_id}/events",
                      headers={**headers, "Last-Event-ID": last.id or ""}, timeout=30) as r:
        assert r.status_code == 200, r.read()
        return _events(r)


def _assert_not_ended(prefix: str, run_id: str) -> None:
    """With the run's worker frozen: nothing in Redis says the turn ended before the test got there
    (else the test would prove nothing, and says so instead of passing)."""
    import redis

    with redis.Redis.from_url(REDIS_URL, decode_responses=True) as client:
        written = [fields["t"] for _, fields in client.xrange(f"{prefix}run:{run_id}:events")]
        finished = client.hget(f"{prefix}run:{run_id}", "finished")
    assert finished == "0" and not {"RUN_FINISHED", "RUN_ERROR"} & set(written), (
        f"the turn ended before its worker was frozen ({written}): the test cannot go on")


def test_a_run_started_on_one_worker_resumes_on_the_other(workers: Workers) -> None:
    one, two = workers.urls
    headers = _token(one, "S00010")
    run_id = _new_run_id()
    body = _run_body(run_id, f"t-{run_id}", INTERVIEW)
    with httpx.stream("POST", f"{one}/v1/agent/run", json=body, headers=headers, timeout=30) as r:
        head = _events(r, stop_after=2)  # the client drops here
    assert head[0].json["type"] == "RUN_STARTED"
    # another shopper gets 404 on the other worker; the shopper resumes there without a gap
    other = _token(two, "S00011")
    assert httpx.get(f"{two}/v1/runs/{run_id}/events", headers=other, timeout=10).status_code == 404
    seen = head + _resume(two, headers, run_id, head[-1])
    assert [e.seq for e in seen] == list(range(1, len(seen) + 1))
    assert seen[-1].json["type"] == "RUN_FINISHED", _types(seen)


def test_a_run_whose_worker_died_ends_as_interrupted_on_the_other(workers: Workers) -> None:
    import redis

    from tools.shoppers.runs import record_run

    two = workers.urls[1]
    headers = _token(two, "S00012")
    run_id = _new_run_id()
    # what a worker killed mid-turn leaves: the run recorded as running, its heartbeat gone
    record_run(workers.shop, run_id, "S00012", f"t-{run_id}", "un look per l'ufficio", datetime.now(UTC))
    client = redis.Redis.from_url(REDIS_URL)
    key = f"{workers.prefix}run:{run_id}"
    client.hset(key, mapping={"shopper": "S00012", "thread": f"t-{run_id}", "status": "running",
                              "finished": "0", "worker": "killed-worker", "seq": "1"})
    client.xadd(f"{key}:events", {"t": "RUN_STARTED", "d": json.dumps({"type": "RUN_STARTED"})}, id="0-1")
    try:
        with httpx.stream("GET", f"{two}/v1/runs/{run_id}/events",
                          headers={**headers, "Last-Event-ID": f"{run_id}:1"}, timeout=10) as r:
            events = _events(r)
        assert [e.json["type"] for e in events] == ["RUN_ERROR"]
        assert events[0].json["code"] == "interrupted"
    finally:
        client.delete(key, f"{key}:events")


def test_a_run_cancelled_on_the_other_worker_ends_as_cancelled(workers: Workers) -> None:
    """The cancel reaches the worker running the turn over Redis. That worker is frozen from just
    after RUN_STARTED until the cancel is on its way to it, so the turn cannot finish first."""
    import redis

    one, two = workers.procs
    headers = _token(one.url, "S09001")
    run_id = _new_run_id()
    cancels = redis.Redis.from_url(REDIS_URL, decode_responses=True).pubsub()
    cancels.subscribe(f"{workers.prefix}cancel")
    assert cancels.get_message(timeout=5)["type"] == "subscribe"
    pool = ThreadPoolExecutor(1)
    try:
        with httpx.stream("POST", f"{one.url}/v1/agent/run", json=_run_body(run_id, f"t-{run_id}", WEDDING),
                          headers=headers, timeout=30) as r:
            stream = _each_event(r)
            head = [next(stream)]
            assert head[0].json["type"] == "RUN_STARTED"
            one.freeze()
            _assert_not_ended(workers.prefix, run_id)
            cancel = pool.submit(httpx.post, f"{two.url}/v1/runs/{run_id}/cancel", headers=headers,
                                 timeout=30)
            deadline = time.monotonic() + 10
            while (message := cancels.get_message(timeout=0.5)) is None or message["data"] != run_id:
                assert time.monotonic() < deadline, "the other worker never published the cancel"
            one.thaw()
            rest = list(stream)  # worker 1's own stream, to its end
        answer = cancel.result(timeout=30)
    finally:
        one.thaw()
        pool.shutdown(wait=True)
        cancels.close()

    assert answer.status_code == 200, answer.text
    assert answer.json() == {"status": "cancelled", "run_id": run_id}
    seen = head + rest
    assert [e.seq for e in seen] == list(range(1, len(seen) + 1))
    assert "RUN_FINISHED" not in _types(seen) and seen[-1].json["type"] == "RUN_ERROR", _types(seen)
    assert seen[-1].json["code"] == "cancelled"
    # the other worker reads the same end from Redis, and no worker can cancel it again
    assert [e.data for e in _resume(two.url, headers, run_id, head[-1])] == [e.data for e in rest]
    again = httpx.post(f"{one.url}/v1/runs/{run_id}/cancel", headers=headers, timeout=10)
    assert again.status_code == 409 and again.json()["run_status"] == "cancelled", again.text


def test_a_worker_killed_mid_run_ends_it_as_interrupted_and_the_retry_continues_the_thread(
        workers: Workers) -> None:
    one, two = workers.procs
    headers = _token(one.url, "S09002")
    thread_id = f"t-{uuid.uuid4().hex[:12]}"
    with httpx.stream("POST", f"{one.url}/v1/agent/run", json=_run_body(_new_run_id(), thread_id, INTERVIEW),
                      headers=headers, timeout=30) as r:
        assert _types(_events(r))[-1] == "RUN_FINISHED"  # the thread's first turn: goal and sizes

    run_id = _new_run_id()
    with workers.another() as three:
        with httpx.stream("POST", f"{three.url}/v1/agent/run", json=_run_body(run_id, thread_id, CHEAPER),
                          headers=headers, timeout=30) as r:
            head = [next(_each_event(r))]
            assert head[0].json["type"] == "RUN_STARTED"
            three.freeze()  # first, so it cannot finish the turn while the test looks
            _assert_not_ended(workers.prefix, run_id)
            three.kill()
        killed_at = time.monotonic()

    # the client resumes on another worker: the run ends there once the dead worker's lease expires
    tail = _resume(two.url, headers, run_id, head[-1])
    waited = time.monotonic() - killed_at
    seen = head + tail
    assert [e.seq for e in seen] == list(range(1, len(seen) + 1))
    assert "RUN_FINISHED" not in _types(seen) and seen[-1].json["type"] == "RUN_ERROR", _types(seen)
    assert seen[-1].json["code"] == "interrupted"
    assert waited <= HEARTBEAT_TTL_S + 3, f"the interrupted run ended {waited:.1f} s after the kill"

    # the retry (a new run, same thread) on the other worker picks the thread up where turn 1 left it
    with httpx.stream("POST", f"{two.url}/v1/agent/run", json=_run_body(_new_run_id(), thread_id, CHEAPER),
                      headers=headers, timeout=30) as r:
        retried = _events(r)
    assert _types(retried)[-1] == "RUN_FINISHED", _types(retried)
    result = retried[-1].json["result"]
    assert result["goal"]["label"] == "job_interview"  # said in turn 1 only
    assert result["constraints"]["sizes"]["IT"] == "50"
    assert result["constraints"]["budget"]["max"] == 300.0
    thread = httpx.get(f"{two.url}/v1/threads/{thread_id}", headers=headers, timeout=10).json()
    said = [(m["text"], m.get("answered", True)) for m in thread["messages"] if m["role"] == "user"]
    assert said == [(INTERVIEW, True), (CHEAPER, False), (CHEAPER, True)]  # the lost turn is kept
    assert [m["role"] for m in thread["messages"]][-1] == "assistant"



def test_a_worker_killed_while_holding_stock_leaves_no_half_made_reservation(workers: Workers) -> None:
    """The kill lands inside the reservation's transaction, between its two holds: the test holds
    the second item's inventory row, so the worker has held the first and waits for the second."""
    engine = workers.shop.engine
    store, first, second = two_free_items(engine)
    before = reserved(engine, store, [first, second])
    assert reserved_not_held(engine) == {}
    key = f"kill-{uuid.uuid4().hex}"
    body = {"store_code": store, "idempotency_key": key,
            "items": [{"variant_id": first, "quantity": 1}, {"variant_id": second, "quantity": 1}]}
    headers = _token(workers.urls[1], "S09003")
    pool = ThreadPoolExecutor(1)
    with workers.another() as four, engine.connect() as blocker:
        try:
            me = blocker.execute(text("SELECT pg_backend_pid()")).scalar_one()
            blocker.execute(text(LOCK_ROW), {"s": store, "v": second})
            attempt = pool.submit(httpx.post, f"{four.url}/v1/reservations", json=body, headers=headers,
                                  timeout=30)
            deadline = time.monotonic() + 15
            while not blocker.execute(text(
                    "SELECT count(*) FROM pg_stat_activity WHERE :me = ANY(pg_blocking_pids(pid))"),
                    {"me": me}).scalar_one():
                assert not attempt.done(), attempt.result().text
                assert time.monotonic() < deadline, "the worker never reached the second hold"
                time.sleep(0.02)
            assert locked(engine, store, first)  # the first hold is made, not committed
            four.kill()
        finally:
            blocker.rollback()  # the dead worker's transaction takes the row, then finds its client gone
            pool.shutdown(wait=True)
    with pytest.raises(httpx.TransportError):
        attempt.result()

    with engine.connect() as c:  # wait until PostgreSQL has ended the dead worker's transaction
        c.execute(text("SET lock_timeout = '15s'"))
        c.execute(text("SELECT 1 FROM inventory WHERE location = :s AND variant_id IN (:a, :b) FOR UPDATE"),
                  {"s": store, "a": first, "b": second})
        c.rollback()
    assert reserved(engine, store, [first, second]) == before
    mine = httpx.get(f"{workers.urls[1]}/v1/reservations", headers=headers, timeout=10).json()
    assert mine["total"] == 0, mine
    assert reserved_not_held(engine) == {}

    # the same request again, on a live worker: the whole reservation, made now and not replayed
    made = httpx.post(f"{workers.urls[1]}/v1/reservations", json=body, headers=headers, timeout=30)
    assert made.status_code == 201, made.text
    assert made.json()["status"] == "held" and made.json()["replayed"] is False
    assert sorted(i["variant_id"] for i in made.json()["items"]) == [first, second]
    assert reserved(engine, store, [first, second]) == [n + 1 for n in before]
    assert reserved_not_held(engine) == {}


def test_a_stock_update_on_one_worker_reaches_search_on_the_other_within_2_s(workers: Workers) -> None:
    from tools.db.engine import session_scope
    from tools.db.models import Inventory, Product, Variant

    one, two = workers.urls
    with session_scope(workers.shop.engine) as s:  # a jacket sold out online in one size
        sku, variant, size, title = s.execute(
            select(Product.sku, Variant.id, Variant.size, Product.title_it)
            .join(Variant, Variant.product_id == Product.id)
            .join(Inventory, Inventory.variant_id == Variant.id)
            .where(Inventory.location == "online", Inventory.quantity - Inventory.reserved <= 0,
                   Product.category == "blazer")
            .order_by(Product.sku).limit(1)).one()

    def found() -> bool:
        r = httpx.get(f"{two}/v1/catalog/search", params={"q": title, "size": size, "location": "online",
                                                            "limit": 100}, timeout=10)
        assert r.status_code == 200, r.text
        return sku in {h["sku"] for h in r.json()["hits"]}

    def stock(base: str, quantity: int) -> None:
        update = {"variant_id": variant, "location": "online", "quantity": quantity}
        r = httpx.post(f"{base}/v1/inventory", headers={"X-API-Key": API_KEY}, timeout=10,
                       json={"updates": [update]})
        assert r.status_code == 200, r.text

    def within_2_s(expected: bool) -> None:
        changed = time.monotonic()
        while found() != expected:
            assert time.monotonic() - changed < 2.0, (
                f"after 2 s the other worker still shows it {'out of' if expected else 'in'} stock")
            time.sleep(0.1)

    assert not found()
    stock(one, 3)  # back in stock in the shop's system: the other worker offers it within 2 s ...
    within_2_s(True)
    stock(one, 0)  # ... and stops when it sells out again
    within_2_s(False)
