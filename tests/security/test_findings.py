"""Each finding of the security probe, as an attacker or an operator would meet it, against a real
server on loopback, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from security.conftest import API_KEY, Target, hold_for, make_target
from tools.db.engine import session_scope
from tools.db.models import Event, Inventory, Reservation, Shopper, Thread

KEY = {"X-API-Key": API_KEY}


def agui_body(text: str, thread: str = "t-sec-1", run: str = "run-sec-1", **props: Any) -> dict[str, Any]:
    return {"threadId": thread, "runId": run, "state": {}, "tools": [], "context": [],
            "messages": [{"id": f"m-{run}", "role": "user", "content": text}], "forwardedProps": props}


def reservation_status(target: Target, reservation_id: str) -> str:
    with session_scope(target.shop.engine) as s:
        return s.get(Reservation, reservation_id).status  # type: ignore[union-attr]


# --- 1. a client's "now" never moves the shop's clock ------------------------------------------

@pytest.mark.parametrize("now", ["2031-01-01T00:00:00Z", "0001-01-01T00:00:00+00:00"])
def test_a_guest_cannot_set_the_turns_time_or_expire_anyones_reservation(target: Target, now: str) -> None:
    hold_for(target.shop, "S-LOYAL-1", "RES-SEC-1")
    guest = {"Authorization": f"Bearer {target.guest()['token']}"}
    with target.client() as c:
        r = c.post("/v1/agent/run", json=agui_body("le mie prenotazioni", now=now), headers=guest)
        listed = c.get("/v1/reservations", headers=guest)
    assert r.status_code == 403 and r.json()["code"] == "now_not_allowed"
    assert listed.status_code == 200
    assert reservation_status(target, "RES-SEC-1") == "held"
    with session_scope(target.shop.engine) as s:
        assert s.get(Inventory, ("TST-BLZ-0001-50", "MI01")).reserved == 1  # type: ignore[union-attr]
    assert target.assistant.requests == []  # no turn ran


def test_the_shops_backend_may_replay_a_moment_but_not_one_outside_this_century(target: Target) -> None:
    headers = {**target.shopper_headers("S-LOYAL-1"), **KEY}
    with target.client() as c:
        ok = c.post("/v1/agent/run", json=agui_body("colloquio", now="2026-11-01T12:00:00Z"), headers=headers)
        bad = c.post("/v1/agent/run", json=agui_body("colloquio", run="run-sec-2",
                                                     now="0001-01-01T00:00:00+00:00"), headers=headers)
    assert ok.status_code == 200 and "RUN_FINISHED" in ok.text
    assert target.assistant.requests[0].now.year == 2026  # type: ignore[union-attr]
    assert bad.status_code == 422 and "2000 and 2100" in bad.json()["detail"]


# --- 2. text no store can keep is refused at the edge, on every backend --------------------------

NUL = "\x00"


Probe = tuple[str, str, dict[str, Any], dict[str, str]]


def nul_requests(guest: dict[str, str], shopper: dict[str, str]) -> list[Probe]:
    """(method, path, options, headers) for every input the probe sent a NUL byte in."""
    event = {"type": "search", "text": f"abito{NUL}"}
    return [
        ("GET", "/v1/catalog/products/SRT-BLZ-001769%00", {}, {}),
        ("GET", "/v1/availability?sku=SRT%00", {}, {}),
        ("GET", "/v1/catalog/search?q=giacca%00", {}, {}),
        ("GET", "/v1/stores?city=Mil%00ano", {}, {}),
        ("POST", "/v1/runs", {"json": {"message": f"ciao{NUL}"}}, shopper),
        ("POST", "/v1/runs", {"json": {"message": "ciao", "thread_id": f"t{NUL}1"}}, shopper),
        ("POST", "/v1/agent/run", {"json": agui_body(f"ciao{NUL}")}, guest),
        ("POST", "/v1/agent/run", {"json": agui_body("ciao", thread=f"t-{NUL}")}, guest),
        ("POST", "/v1/shoppers/S-LOYAL-1/events", {"json": {"events": [event]}}, shopper),
        ("POST", "/v1/shoppers/S-LOYAL-1/events",
         {"json": {"events": [{"type": "product_view", "sku": f"SRT{NUL}"}]}}, shopper),
        ("POST", "/v1/reservations", {"json": {"store_code": "MI01", "idempotency_key": "key-000001",
                                               "items": [{"variant_id": f"TST{NUL}-50"}]}}, shopper),
        ("POST", "/v1/reservations", {"json": {"store_code": "MI01", "idempotency_key": f"key{NUL}00001",
                                               "items": [{"variant_id": "TST-BLZ-0001-50"}]}}, shopper),
        ("POST", "/v1/receipts", {"json": {"receipt_id": "RC-NUL", "store_code": "MI01",
                                           "loyalty_id": f"L{NUL}1", "placed_at": "2026-11-01T10:00:00Z",
                                           "lines": [{"sku": "TST-BLZ-0001", "size": "50", "quantity": 1,
                                                      "unit_price": 120}]}}, KEY),
        ("POST", "/v1/inventory", {"json": {"updates": [{"variant_id": f"TST{NUL}", "location": "online",
                                                         "quantity": 1}]}}, KEY),
        ("POST", "/v1/chat", {"json": {"id": "chat-1", "messages": [
            {"id": "m1", "role": "user", "parts": [{"type": "text", "text": f"ciao{NUL}"}]}]}}, guest),
        ("POST", "/v1/auth/guest", {"json": {"device_id": f"device{NUL}0001"}}, {}),
        ("POST", "/v1/runs", {"json": {"message": "ciao \ud800"}}, shopper),  # a lone surrogate
    ]


def test_nul_bytes_and_broken_unicode_are_422_never_500(target: Target) -> None:
    guest = {"Authorization": f"Bearer {target.guest()['token']}"}
    shopper = target.shopper_headers("S-LOYAL-1")
    with target.client() as c:
        for method, path, options, headers in nul_requests(guest, shopper):
            if "json" in options:  # sent as JSON text, escapes and all, as a client would
                options = {"content": json.dumps(options["json"]).encode(),
                           "headers": {"Content-Type": "application/json", **headers}}
            else:
                options = {"headers": headers}
            r = c.request(method, path, **options)
            assert r.status_code == 422, (path, r.status_code, r.text)
            assert r.headers["content-type"].startswith("application/problem+json")
        assert c.get("/healthz").status_code == 200
    assert target.assistant.requests == []


# --- 3. erasure revokes the shopper's tokens --------------------------------------------------------

def test_after_erasure_the_old_tokens_work_nowhere_and_recreate_nothing(target: Target) -> None:
    with target.client() as c:
        issued = c.post("/v1/auth/shopper-token", json={"shopper_id": "S-LOYAL-1"}, headers=KEY).json()
        old = {"Authorization": f"Bearer {issued['token']}"}
        before = c.post("/v1/runs", json={"message": "ciao", "thread_id": "t-before"}, headers=old)
        assert before.status_code == 200
        assert c.delete("/v1/shoppers/S-LOYAL-1", headers=old).status_code == 204
        after = [
            c.post("/v1/runs", json={"message": "ancora io", "thread_id": "t-after"}, headers=old),
            c.post("/v1/shoppers/S-LOYAL-1/events", json={"events": [{"type": "search", "text": "x"}]},
                   headers=old),
            c.get("/v1/threads", headers=old),
            c.get("/v1/reservations", headers=old),
            c.post("/v1/auth/refresh", json={"refresh_token": issued["refresh_token"]}),
        ]
    assert [r.status_code for r in after] == [401] * len(after)
    with session_scope(target.shop.engine) as s:
        assert s.get(Shopper, "S-LOYAL-1") is None
        assert s.get(Thread, "t-after") is None
        assert s.query(Event).filter(Event.shopper_id == "S-LOYAL-1").count() == 0


# --- 4. amounts are bounded, so no answer fails to serialise ----------------------------------------

def test_an_absurd_expected_price_is_422_and_the_connection_stays_usable(target: Target) -> None:
    shopper = target.shopper_headers("S-LOYAL-1")
    body = {"store_code": "MI01", "idempotency_key": "key-absurd-01",
            "items": [{"variant_id": "TST-BLZ-0001-50"}], "expected_prices": {"TST-BLZ-0001-50": "1e400"}}
    with target.client() as c:  # one keep-alive connection for both requests
        r = c.post("/v1/reservations", json=body, headers=shopper)
        after = c.get("/healthz")
    assert r.status_code == 422 and r.json()["code"] == "validation_error"
    assert after.status_code == 200


@pytest.mark.parametrize("body", [
    {"events": [{"type": "search", "text": "abito", "days_ago": False}]},
    {"events": [{"type": "search", "text": "abito", "at": "2999-01-01T00:00:00"}]},
])
def test_events_with_impossible_times_are_refused(target: Target, body: dict[str, Any]) -> None:
    shopper = target.shopper_headers("S-LOYAL-1")
    with target.client() as c:
        r = c.post("/v1/shoppers/S-LOYAL-1/events", json=body, headers=shopper)
    assert r.status_code == 422


@pytest.mark.parametrize("placed_at", ["2999-01-01T10:00:00", "2999-01-01T10:00:00+02:00",
                                       "1200-01-01T10:00:00"])
def test_a_receipt_from_the_future_or_the_distant_past_is_refused(target: Target, placed_at: str) -> None:
    receipt = {"receipt_id": "RC-2999", "store_code": "MI01", "placed_at": placed_at,
               "lines": [{"sku": "TST-BLZ-0001", "size": "50", "quantity": 1, "unit_price": 120}]}
    with target.client() as c:
        r = c.post("/v1/receipts", json=receipt, headers=KEY)
        wrong_quantity = c.post("/v1/receipts", json={**receipt, "placed_at": "2026-11-01T10:00:00Z",
                                                      "lines": [{**receipt["lines"][0], "quantity": True}]},
                                headers=KEY)
    assert r.status_code == 422
    assert wrong_quantity.status_code == 422


# --- 8. security headers -----------------------------------------------------------------------------

def test_every_answer_says_nosniff_and_the_pages_carry_a_strict_csp(target: Target) -> None:
    with target.client() as c:
        page = c.get("/")
        api = c.get("/v1/stores", params={"city": "Milano"})
        echoed = c.get("/products/<script>alert(1)</script>/x")
        image = c.get("/images/TST-BLZ-0001.svg")
        widget = c.get("/widget.js")
        problem = c.get("/v1/catalog/products/<script>")
    for r in (page, api, echoed, image, widget, problem):
        assert r.headers["x-content-type-options"] == "nosniff", r.url
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert api.headers["content-security-policy"].startswith("default-src 'none'")
    assert problem.headers["content-type"].startswith("application/problem+json")
    assert "sandbox" in image.headers["content-security-policy"]
    assert widget.headers["cross-origin-resource-policy"] == "cross-origin"


# --- 9. production refuses public secrets --------------------------------------------------------------

def test_production_refuses_to_start_with_the_public_default_secrets(tmp_path: Path) -> None:
    from agent.server.app import UnsafeSettings, create_app
    from agent.settings import Settings

    with pytest.raises(UnsafeSettings, match="SARTO_TOKEN_SECRET"):
        create_app(Settings(data_dir=tmp_path, env="production"))
    with pytest.raises(UnsafeSettings, match="SARTO_API_KEY"):
        create_app(Settings(data_dir=tmp_path, env="production", token_secret="s" * 40))
    create_app(Settings(data_dir=tmp_path, env="production", token_secret="s" * 40, api_key="k" * 24))


def test_a_token_signed_with_the_default_secret_opens_nothing_in_production(
        backend: Any, tmp_path: Path) -> None:
    import jwt

    from agent.settings import DEFAULT_TOKEN_SECRET

    forged = jwt.encode({"sub": "S-LOYAL-1", "kind": "shopper", "exp": 4102444800}, DEFAULT_TOKEN_SECRET,
                        algorithm="HS256")
    for target in make_target(backend, tmp_path, env="production"):
        with target.client() as c:
            r = c.get("/v1/threads", headers={"Authorization": f"Bearer {forged}"})
        assert r.status_code == 401


# --- 10. forwarded headers are believed only from configured proxies --------------------------------

def test_x_forwarded_for_does_not_get_round_the_guest_rate_limit(target: Target) -> None:
    with target.client() as c:
        codes = [c.post("/v1/auth/guest", json={"device_id": f"device-xff-{i:04d}"},
                        headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code for i in range(12)]
    assert codes.count(429) >= 1  # one client, whatever it claims to forward for


def test_a_trusted_proxys_forwarded_for_names_the_client(backend: Any, tmp_path: Path) -> None:
    for target in make_target(backend, tmp_path, trusted_proxies=["127.0.0.1"]):
        with target.client() as c:
            codes = [c.post("/v1/auth/guest", json={"device_id": f"device-prx-{i:04d}"},
                            headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code for i in range(12)]
        assert codes == [200] * 12  # twelve different shoppers behind the shop's own proxy


# --- 11. every problem has its own title --------------------------------------------------------------

def test_business_rule_problems_are_titled_by_their_code_in_both_languages(target: Target) -> None:
    with target.client() as c:
        update = {"variant_id": "TST-BLZ-0001-50", "location": "XX99", "quantity": 1}
        stock = c.post("/v1/inventory", json={"updates": [update]}, headers={**KEY, "Accept-Language": "en"})
        store = c.post("/v1/receipts", json={"receipt_id": "RC-T", "store_code": "ZZ01",
                                             "placed_at": "2026-11-01T10:00:00Z",
                                             "lines": [{"sku": "TST-BLZ-0001", "size": "50", "quantity": 1,
                                                        "unit_price": 120}]}, headers=KEY)
    assert stock.status_code == 422 and stock.json()["code"] == "unknown_location"
    assert stock.json()["title"] == "Unknown location"
    assert store.json()["code"] == "unknown_store" and store.json()["title"] == "Negozio sconosciuto"


@pytest.mark.parametrize("host, env", [("0.0.0.0", "development"), ("127.0.0.1", "production")])
def test_sarto_serve_refuses_public_defaults_off_loopback_or_in_production(
        host: str, env: str, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    clean = {k: v for k, v in os.environ.items() if not k.startswith("SARTO_")}
    out = subprocess.run([sys.executable, "-m", "agent.cli", "serve", "--host", host, "--port", "9"],
                         env={**clean, "SARTO_ENV": env, "SARTO_DATA_DIR": str(tmp_path)},
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    assert "refusing to serve" in out.stderr and "SARTO_TOKEN_SECRET" in out.stderr
    assert "Traceback" not in out.stderr


# --- 11. what the description promises is what the server does -----------------------------------
# (every check of schemathesis on every operation: test_openapi_contract.py)

def test_a_body_that_is_not_utf8_is_a_422_problem_not_a_server_error(target: Target) -> None:
    with target.client() as c:  # one keep-alive connection for both requests
        r = c.post("/v1/auth/guest", content=b'{"device_id": "caf\xe9-device-01"}',
                   headers={"Content-Type": "application/json"})
        after = c.get("/healthz")
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["code"] == "validation_error" and "UTF-8" in r.json()["detail"]
    assert after.status_code == 200


def test_a_method_the_path_does_not_serve_is_405_naming_every_method_it_does(target: Target) -> None:
    with target.client() as c:
        options = c.request("OPTIONS", "/v1/reservations")
        put = c.put("/v1/reservations/R-0001")
    assert options.status_code == 405 and options.headers["allow"] == "GET, HEAD, POST"
    assert put.status_code == 405 and put.headers["allow"] == "DELETE"
    assert options.json()["code"] == "method_not_allowed"
