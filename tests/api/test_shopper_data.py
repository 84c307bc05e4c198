"""Browsing events, in-store receipts, stock updates, GDPR export and erasure, ops endpoints."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import func, select

from agent.server.app import create_app
from api.conftest import API_KEY, shopper_headers
from tools.db.engine import session_scope
from tools.db.models import Event, Inventory, Order, Reservation, ReservationItem, Shopper

pytestmark = pytest.mark.anyio
KEY = {"X-API-Key": API_KEY}


def receipt(receipt_id: str, **who: str) -> dict:
    return {"receipt_id": receipt_id, "store_code": "MI01", "placed_at": "2026-10-02T17:30:00+02:00",
            "lines": [{"sku": "TST-BLZ-0001", "size": "50", "quantity": 1, "unit_price": 120.0},
                      {"sku": "TST-TRS-0002", "size": "48", "quantity": 2, "unit_price": 60.5}], **who}


async def test_events_are_stored_with_their_time(client: httpx.AsyncClient, mini_shop) -> None:
    headers = await shopper_headers(client, "S-LOYAL-1")
    at = (datetime.now(UTC) - timedelta(hours=3)).isoformat()
    body = {"events": [{"type": "search", "text": "giacca blu", "at": at},
                       {"type": "product_view", "sku": "TST-BLZ-0001", "days_ago": 2},
                       {"type": "content_view", "text": "come vestirsi per un colloquio"}]}
    r = await client.post("/v1/shoppers/S-LOYAL-1/events", json=body, headers=headers)
    assert r.status_code == 200 and r.json() == {"accepted": 3}
    with session_scope(mini_shop.engine) as s:
        rows = s.scalars(select(Event).where(Event.shopper_id == "S-LOYAL-1").order_by(Event.at)).all()
        assert [e.type for e in rows] == ["product_view", "search", "content_view"]
        assert rows[0].at.replace(tzinfo=UTC) < datetime.now(UTC) - timedelta(days=1.9)
    # the retailer's backend may send them too
    cart = {"events": [{"type": "add_to_cart", "sku": "TST-TRS-0002"}]}
    r = await client.post("/v1/shoppers/S-LOYAL-1/events", json=cart, headers=KEY)
    assert r.json() == {"accepted": 1}


@pytest.mark.parametrize("body", [
    {"events": [{"type": "hover", "sku": "X"}]},
    {"events": [{"type": "search", "days_ago": -1}]},
    {"events": [{"type": "search", "colour": "red"}]},
    {"events": []},
    {"events": [{"type": "search", "text": "x"}] * 501},
    {"events": [{"type": "search", "at": "2100-01-01T00:00:00Z"}]},
    {"events": [{"type": "search", "at": "2026-11-01T10:00:00"}]},  # no offset: not RFC 3339
])
async def test_bad_events_are_422_problems(client: httpx.AsyncClient, body: dict) -> None:
    headers = await shopper_headers(client, "S-LOYAL-1")
    r = await client.post("/v1/shoppers/S-LOYAL-1/events", json=body, headers=headers)
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["code"] == "validation_error" and problem["status"] == 422 and problem["detail"]


async def test_an_event_dated_after_the_shops_clock_is_a_conflict(client: httpx.AsyncClient) -> None:
    headers = await shopper_headers(client, "S-LOYAL-1")
    body = {"events": [{"type": "search", "text": "giacca", "at": "2099-01-01T00:00:00Z"}]}
    r = await client.post("/v1/shoppers/S-LOYAL-1/events", json=body, headers=headers)
    assert r.status_code == 409 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["code"] == "in_the_future"


async def test_receipts_reconcile_to_the_shopper_and_are_idempotent(client: httpx.AsyncClient,
                                                                    mini_shop) -> None:
    r = await client.post("/v1/receipts", json=receipt("RC-1", loyalty_id="L-0001"), headers=KEY)
    assert r.status_code == 201 and r.json() == {"order_id": "R-RC-1", "shopper_id": "S-LOYAL-1"}
    again = await client.post("/v1/receipts", json=receipt("RC-1", loyalty_id="L-0001"), headers=KEY)
    assert again.status_code == 200 and again.json()["order_id"] == "R-RC-1"
    by_email = await client.post("/v1/receipts", json=receipt("RC-2", email="ANNA@example.com"), headers=KEY)
    assert by_email.json()["shopper_id"] == "S-LOYAL-1"
    unknown = await client.post("/v1/receipts", json=receipt("RC-3", email="who@example.com"), headers=KEY)
    assert unknown.status_code == 201 and unknown.json()["shopper_id"] is None
    with session_scope(mini_shop.engine) as s:
        assert s.scalar(select(func.count()).select_from(Order).where(Order.id == "R-RC-1")) == 1
        assert s.get(Order, "R-RC-1").total == Decimal("241.00")


async def test_bad_receipts_are_refused_with_a_code(client: httpx.AsyncClient) -> None:
    bad_sku = receipt("RC-9")
    bad_sku["lines"][0]["sku"] = "NOPE-1"
    r = await client.post("/v1/receipts", json=bad_sku, headers=KEY)
    assert r.status_code == 404 and r.json()["code"] == "unknown_variant"  # like any missing record
    bad_store = {**receipt("RC-10"), "store_code": "XX99"}
    assert (await client.post("/v1/receipts", json=bad_store, headers=KEY)).json()["code"] == "unknown_store"
    future = {**receipt("RC-12"), "placed_at": "2099-01-01T10:00:00Z"}
    r = await client.post("/v1/receipts", json=future, headers=KEY)
    assert r.status_code == 409 and r.json()["code"] == "in_the_future"
    no_lines = {**receipt("RC-11"), "lines": []}
    assert (await client.post("/v1/receipts", json=no_lines, headers=KEY)).status_code == 422


async def test_stock_updates(client: httpx.AsyncClient, mini_shop) -> None:
    body = {"updates": [{"variant_id": "TST-BLZ-0001-50", "location": "RM01", "quantity": 7},
                        {"variant_id": "TST-BLZ-0001-50", "location": "online", "quantity": 0}]}
    r = await client.post("/v1/inventory", json=body, headers=KEY)
    assert r.json() == {"updated": 2}
    with session_scope(mini_shop.engine) as s:
        assert s.get(Inventory, ("TST-BLZ-0001-50", "RM01")).quantity == 7
        assert s.get(Inventory, ("TST-BLZ-0001-50", "online")).quantity == 0
    bad = {"updates": [{"variant_id": "NOPE-50", "location": "online", "quantity": 1}]}
    assert (await client.post("/v1/inventory", json=bad, headers=KEY)).json()["code"] == "unknown_variant"


def _hold(mini_shop, shopper_id: str) -> None:
    now = datetime.now(UTC)
    with session_scope(mini_shop.engine) as s:
        s.add(Reservation(id="RES-1", pickup_code="ABC123", shopper_id=shopper_id, store_code="MI01",
                          status="held", idempotency_key="k-1", created_at=now,
                          expires_at=now + timedelta(days=2), total=Decimal("120"),
                          items=[ReservationItem(variant_id="TST-BLZ-0001-50", sku="TST-BLZ-0001", quantity=1,
                                                 unit_price=Decimal("120"))]))
        s.get(Inventory, ("TST-BLZ-0001-50", "MI01")).reserved = 1


async def test_export_then_erase_removes_everything(client: httpx.AsyncClient, mini_shop, assistant) -> None:
    headers = await shopper_headers(client, "S-LOYAL-1")
    await client.post("/v1/shoppers/S-LOYAL-1/events", json={"events": [{"type": "search", "text": "abito"}]},
                      headers=headers)
    await client.post("/v1/receipts", json=receipt("RC-E", loyalty_id="L-0001"), headers=KEY)
    run = await client.post("/v1/runs", json={"message": "colloquio", "thread_id": "t-erase"},
                            headers=headers)
    run_id = run.json()["run_id"]
    _hold(mini_shop, "S-LOYAL-1")

    export = (await client.get("/v1/shoppers/S-LOYAL-1/export", headers=headers)).json()
    assert export["shopper"]["email"] == "anna@example.com"
    assert len(export["events"]) == 1 and export["orders"][0]["lines"][0]["sku"] == "TST-BLZ-0001"
    assert export["reservations"][0]["items"][0]["variant_id"] == "TST-BLZ-0001-50"
    assert export["threads"][0]["thread_id"] == "t-erase" and export["threads"][0]["messages"]

    r = await client.delete("/v1/shoppers/S-LOYAL-1", headers=headers)
    assert r.status_code == 204
    with session_scope(mini_shop.engine) as s:
        assert s.get(Shopper, "S-LOYAL-1") is None
        for model in (Event, Order, Reservation):
            assert not s.scalars(select(model).where(model.shopper_id == "S-LOYAL-1")).all()
        assert s.get(Inventory, ("TST-BLZ-0001-50", "MI01")).reserved == 0  # the hold was released
    assert assistant.list_threads("S-LOYAL-1") == []
    # the shopper's tokens went with them; signed in again, the same id is a new, empty profile
    assert (await client.get(f"/v1/runs/{run_id}/events", headers=headers)).status_code == 401
    assert (await client.get("/v1/shoppers/S-LOYAL-1/export", headers=KEY)).status_code == 404
    fresh = await shopper_headers(client, "S-LOYAL-1")
    assert (await client.get(f"/v1/runs/{run_id}/events", headers=fresh)).status_code == 404


async def test_threads_list_is_paginated(client: httpx.AsyncClient) -> None:
    headers = await shopper_headers(client, "S-LOYAL-1")
    for i in range(3):
        await client.post("/v1/runs", json={"message": f"idea {i}", "thread_id": f"t-p{i}"}, headers=headers)
    page = (await client.get("/v1/threads", params={"limit": 2, "offset": 1}, headers=headers)).json()
    assert page["total"] == 3 and len(page["items"]) == 2
    assert {"thread_id", "title", "updated_at"} <= set(page["items"][0])
    bad = await client.get("/v1/threads", params={"limit": 0}, headers=headers)
    assert bad.status_code == 422 and bad.json()["code"] == "validation_error"


async def test_health_and_metrics(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json()["status"] == "ok"
    headers = await shopper_headers(client, "S-LOYAL-1")
    await client.post("/v1/runs", json={"message": "colloquio"}, headers=headers)
    await client.get("/v1/threads/missing", headers=headers)
    text = (await client.get("/metrics")).text
    assert 'sarto_http_requests_total{method="GET",route="/healthz",status="200"} 1.0' in text
    assert 'route="/v1/threads/{thread_id}",status="404"' in text
    assert "sarto_runs_started_total 1.0" in text
    assert 'sarto_runs_finished_total{status="finished"} 1.0' in text
    assert "sarto_run_time_to_first_event_seconds_count 1.0" in text
    assert 'sarto_run_duration_seconds_bucket{le="+Inf"} 1.0' in text


async def test_unhandled_errors_are_500_problems_without_traceback(settings, mini_shop) -> None:
    class Broken:
        def list_threads(self, shopper_id: str) -> list:
            raise RuntimeError("secret internal detail")

    app = create_app(settings, assistant=Broken(), shop=mini_shop)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        headers = await shopper_headers(c, "S-LOYAL-1")
        r = await c.get("/v1/threads", headers=headers)
    assert r.status_code == 500 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["code"] == "internal"
    assert "secret internal detail" not in r.text and "Traceback" not in r.text


async def test_unknown_route_is_a_problem(client: httpx.AsyncClient) -> None:
    r = await client.get("/v1/nothing-here")
    assert r.status_code == 404 and r.json()["code"] == "not_found"


async def test_cors_follows_settings(settings, mini_shop) -> None:
    preflight = {"Origin": "https://shop.example", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "authorization,content-type"}
    allowed = create_app(settings.model_copy(update={"cors_origins": ["https://shop.example"]}),
                         assistant=object(), shop=mini_shop)
    closed = create_app(settings, assistant=object(), shop=mini_shop)
    for app, expected in ((allowed, "https://shop.example"), (closed, None)):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c:
            r = await c.options("/v1/agent/run", headers=preflight)
        assert r.headers.get("access-control-allow-origin") == expected
