"""Tokens and who may see what: 401 without a valid token or key, 404 for someone else's data."""

from __future__ import annotations

import time

import httpx
import jwt
import pytest
from sqlalchemy import select

from api.conftest import API_KEY, guest, shopper_headers
from tools.db.engine import session_scope
from tools.db.models import Event, Shopper

pytestmark = pytest.mark.anyio
CHAT = {"id": "chat-g",
        "messages": [{"id": "u1", "role": "user", "parts": [{"type": "text", "text": "ciao"}]}]}


async def test_guest_token_is_bound_to_the_device(client: httpx.AsyncClient, mini_shop) -> None:
    first = await guest(client, "phone-aaaa-1111")
    again = await guest(client, "phone-aaaa-1111")
    other = await guest(client, "phone-bbbb-2222")
    assert first["shopper_id"] == again["shopper_id"] != other["shopper_id"]
    assert first["shopper_id"].startswith("G-") and first["expires_in"] == 300
    with session_scope(mini_shop.engine) as s:
        assert s.get(Shopper, first["shopper_id"]).is_guest


async def test_guest_tokens_are_rate_limited_per_ip(client: httpx.AsyncClient) -> None:
    answers = [await client.post("/v1/auth/guest", json={"device_id": f"device-{i:04d}"}) for i in range(11)]
    assert [a.status_code for a in answers[:10]] == [200] * 10
    limited = answers[10]
    assert limited.status_code == 429
    assert limited.headers["content-type"] == "application/problem+json"
    assert limited.json()["code"] == "rate_limited" and int(limited.headers["retry-after"]) >= 1


async def test_refresh_gives_a_working_token(client: httpx.AsyncClient) -> None:
    tokens = await guest(client)
    r = await client.post("/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert r.status_code == 200
    fresh = r.json()
    assert fresh["shopper_id"] == tokens["shopper_id"]
    threads = await client.get("/v1/threads", headers={"Authorization": f"Bearer {fresh['token']}"})
    assert threads.status_code == 200
    # an access token is not a refresh token, and the reverse
    r = await client.post("/v1/auth/refresh", json={"refresh_token": tokens["token"]})
    assert r.status_code == 401
    r = await client.get("/v1/threads", headers={"Authorization": f"Bearer {tokens['refresh_token']}"})
    assert r.status_code == 401


async def test_expired_and_forged_tokens_are_401(client: httpx.AsyncClient, settings) -> None:
    expired = jwt.encode({"sub": "S-LOYAL-1", "kind": "shopper", "exp": int(time.time()) - 5},
                         settings.token_secret, algorithm="HS256")
    forged = jwt.encode({"sub": "S-LOYAL-1", "kind": "shopper", "exp": int(time.time()) + 600},
                        "not-the-secret-not-the-secret-not-the-secret", algorithm="HS256")
    for token in (expired, forged, "garbage"):
        r = await client.get("/v1/threads", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 401 and r.json()["code"] == "unauthorized"


async def test_no_token_is_401_on_every_shopper_route(client: httpx.AsyncClient) -> None:
    routes = [("POST", "/v1/agent/run"), ("POST", "/v1/chat"), ("POST", "/v1/runs"),
              ("GET", "/v1/runs/x/events"), ("POST", "/v1/runs/x/cancel"), ("GET", "/v1/chat/x/stream"),
              ("GET", "/v1/threads"),
              ("GET", "/v1/threads/x"), ("POST", "/v1/shoppers/S-LOYAL-1/events"),
              ("GET", "/v1/shoppers/S-LOYAL-1/export"), ("DELETE", "/v1/shoppers/S-LOYAL-1"),
              ("POST", "/v1/reservations"), ("GET", "/v1/reservations"), ("DELETE", "/v1/reservations/x")]
    for method, path in routes:
        r = await client.request(method, path, json={})
        assert r.status_code == 401, (method, path, r.status_code)
        assert r.json()["code"] == "unauthorized"


async def test_bad_api_key_is_401(client: httpx.AsyncClient) -> None:
    bad = {"X-API-Key": "wrong"}
    r = await client.post("/v1/auth/shopper-token", json={"shopper_id": "S-1"}, headers=bad)
    assert r.status_code == 401
    assert (await client.post("/v1/receipts", json={}, headers=bad)).status_code == 401
    assert (await client.post("/v1/inventory", json={}, headers=bad)).status_code == 401
    assert (await client.get("/v1/stores/MI01/reservations", headers=bad)).status_code == 401
    assert (await client.get("/v1/shoppers/S-LOYAL-1/export", headers=bad)).status_code == 401
    assert (await client.post("/v1/auth/shopper-token", json={"shopper_id": "S-1"})).status_code == 401


async def test_another_shoppers_data_is_404(client: httpx.AsyncClient) -> None:
    anna = await shopper_headers(client, "S-LOYAL-1")
    bruno = await shopper_headers(client, "S-OTHER-2")
    event = {"events": [{"type": "search", "text": "giacca"}]}
    for method, path, body in (("POST", "/v1/shoppers/S-LOYAL-1/events", event),
                               ("GET", "/v1/shoppers/S-LOYAL-1/export", None),
                               ("DELETE", "/v1/shoppers/S-LOYAL-1", None),
                               ("GET", "/v1/shoppers/NOBODY/export", None)):
        r = await client.request(method, path, json=body, headers=bruno)
        assert r.status_code == 404, (method, path, r.text)
        assert r.json()["code"] == "not_found"
    # Anna still has everything
    assert (await client.get("/v1/shoppers/S-LOYAL-1/export", headers=anna)).status_code == 200


async def test_login_merges_the_guests_events_and_threads(client: httpx.AsyncClient, mini_shop) -> None:
    tokens = await guest(client, "tablet-merge-01")
    g_headers = {"Authorization": f"Bearer {tokens['token']}"}
    r = await client.post(f"/v1/shoppers/{tokens['shopper_id']}/events", headers=g_headers,
                          json={"events": [{"type": "product_view", "sku": "TST-BLZ-0001", "days_ago": 1}]})
    assert r.json() == {"accepted": 1}
    assert (await client.post("/v1/chat", json=CHAT, headers=g_headers)).status_code == 200
    r = await client.post("/v1/auth/shopper-token", headers={"X-API-Key": API_KEY},
                          json={"shopper_id": "S-LOYAL-1", "guest_token": tokens["token"]})
    assert r.status_code == 200
    anna = {"Authorization": f"Bearer {r.json()['token']}"}
    export = (await client.get("/v1/shoppers/S-LOYAL-1/export", headers=anna)).json()
    assert [e["sku"] for e in export["events"]] == ["TST-BLZ-0001"]
    assert [t["thread_id"] for t in export["threads"]] == ["chat-g"]
    with session_scope(mini_shop.engine) as s:
        assert not s.scalars(select(Event).where(Event.shopper_id == tokens["shopper_id"])).all()
    # the guest identity is gone: its refresh token no longer works
    r = await client.post("/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert r.status_code == 401


async def test_problem_titles_follow_accept_language(client: httpx.AsyncClient) -> None:
    it = (await client.get("/v1/threads", headers={"Accept-Language": "it-IT,it;q=0.9"})).json()
    en = (await client.get("/v1/threads", headers={"Accept-Language": "en-GB,en;q=0.8"})).json()
    assert it["code"] == en["code"] == "unauthorized"
    assert it["title"] != en["title"] and en["title"] == "Authentication required"
