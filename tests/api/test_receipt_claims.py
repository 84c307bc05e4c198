"""Paper-free receipts without a loyalty card: the till gets a one-time code for the slip's QR, the
shopper claims the sale with it, and the code cannot be reused, outlived, turned on another's
receipt or guessed."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from agent.server.app import create_app
from agent.settings import Settings
from api.conftest import API_KEY, shopper_headers
from tools.db.engine import session_scope
from tools.db.models import Order, ReceiptClaim, Shopper

pytestmark = pytest.mark.anyio
KEY = {"X-API-Key": API_KEY}


def slip(receipt_id: str, **who: str) -> dict[str, Any]:
    return {"receipt_id": receipt_id, "store_code": "MI01", "placed_at": "2026-10-02T17:30:00+02:00",
            "lines": [{"sku": "TST-BLZ-0001", "size": "50", "quantity": 1, "unit_price": 120.0}], **who}


@pytest.fixture
def marco(mini_shop: Any) -> str:
    with session_scope(mini_shop.engine) as s:  # no loyalty card, no email on file
        s.add(Shopper(id="S-MARCO", name="Marco", created_at=datetime.now(UTC), known_sizes={}))
    return "S-MARCO"


async def _claim(client: httpx.AsyncClient, headers: dict[str, str], code: str) -> httpx.Response:
    return await client.post("/v1/receipts/claim", json={"code": code}, headers=headers)


async def test_an_unmatched_sale_gets_a_code_and_the_shopper_claims_it(
        client: httpx.AsyncClient, mini_shop: Any, marco: str) -> None:
    r = await client.post("/v1/receipts", json=slip("PAPER-1"), headers=KEY)
    assert r.status_code == 201 and r.json()["shopper_id"] is None
    code = r.json()["claim"]["code"]
    # 16 characters of a 32-letter alphabet: 80 bits, printed in groups of four
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}", code)
    expires = datetime.fromisoformat(r.json()["claim"]["expires_at"])
    assert timedelta(days=29, hours=23) < expires - datetime.now(UTC) <= timedelta(days=30)
    headers = await shopper_headers(client, marco)
    typed = code.lower().replace("-", " ")  # as read off the paper
    got = await _claim(client, headers, typed)
    assert got.status_code == 200, got.text
    assert got.json()["order_id"] == "R-PAPER-1" and got.json()["store_code"] == "MI01"
    export = (await client.get(f"/v1/shoppers/{marco}/export", headers=headers)).json()
    assert [o["id"] for o in export["orders"]] == ["R-PAPER-1"]  # now in their history
    with session_scope(mini_shop.engine) as s:  # the code itself is never stored
        assert code.replace("-", "") not in s.get(ReceiptClaim, "R-PAPER-1").code_hash


async def test_a_code_works_once(client: httpx.AsyncClient, mini_shop: Any, marco: str) -> None:
    code = (await client.post("/v1/receipts", json=slip("PAPER-2"), headers=KEY)).json()["claim"]["code"]
    headers = await shopper_headers(client, marco)
    assert (await _claim(client, headers, code)).status_code == 200
    again = await _claim(client, await shopper_headers(client, "S-LOYAL-1"), code)
    assert again.status_code == 409 and again.json()["code"] == "code_used"
    with session_scope(mini_shop.engine) as s:
        assert s.get(Order, "R-PAPER-2").shopper_id == marco  # still the first claimer's


async def test_a_code_expires_after_30_days(client: httpx.AsyncClient, mini_shop: Any, marco: str) -> None:
    code = (await client.post("/v1/receipts", json=slip("PAPER-3"), headers=KEY)).json()["claim"]["code"]
    with session_scope(mini_shop.engine) as s:  # the slip was printed 31 days ago
        claim = s.get(ReceiptClaim, "R-PAPER-3")
        claim.issued_at -= timedelta(days=31)
        claim.expires_at -= timedelta(days=31)
    r = await _claim(client, await shopper_headers(client, marco), code)
    assert r.status_code == 409 and r.json()["code"] == "code_expired"
    with session_scope(mini_shop.engine) as s:
        assert s.get(Order, "R-PAPER-3").shopper_id is None


async def test_a_receipt_that_already_belongs_to_someone_is_not_moved(
        client: httpx.AsyncClient, mini_shop: Any, marco: str) -> None:
    matched = await client.post("/v1/receipts", json=slip("CARD-1", loyalty_id="L-0001"), headers=KEY)
    assert matched.json()["shopper_id"] == "S-LOYAL-1" and "claim" not in matched.json()  # no code needed
    code = (await client.post("/v1/receipts", json=slip("PAPER-4"), headers=KEY)).json()["claim"]["code"]
    with session_scope(mini_shop.engine) as s:  # the sale was attached another way meanwhile
        s.get(Order, "R-PAPER-4").shopper_id = "S-LOYAL-1"
    r = await _claim(client, await shopper_headers(client, marco), code)
    assert r.status_code == 409 and r.json()["code"] == "already_claimed"
    with session_scope(mini_shop.engine) as s:
        assert s.get(Order, "R-PAPER-4").shopper_id == "S-LOYAL-1"


async def test_the_till_sending_again_gets_a_new_code_and_the_old_one_stops(
        client: httpx.AsyncClient, marco: str) -> None:
    first = (await client.post("/v1/receipts", json=slip("PAPER-5"), headers=KEY)).json()["claim"]["code"]
    again = await client.post("/v1/receipts", json=slip("PAPER-5"), headers=KEY)
    assert again.status_code == 200 and again.json()["claim"]["code"] != first
    headers = await shopper_headers(client, marco)
    assert (await _claim(client, headers, first)).status_code == 404
    assert (await _claim(client, headers, again.json()["claim"]["code"])).status_code == 200


async def test_claims_lock_after_five_wrong_codes_in_an_hour(client: httpx.AsyncClient, marco: str) -> None:
    code = (await client.post("/v1/receipts", json=slip("PAPER-6"), headers=KEY)).json()["claim"]["code"]
    headers = await shopper_headers(client, marco)
    for guess in range(5):
        wrong = await _claim(client, headers, f"0000-0000-0000-{guess:04d}")
        assert wrong.status_code == 404 and wrong.json()["code"] == "not_found"
    locked = await _claim(client, headers, code)  # even the right code waits now
    assert locked.status_code == 429 and locked.json()["code"] == "too_many_attempts"
    assert 0 < int(locked.headers["Retry-After"]) <= 3600
    other = await _claim(client, await shopper_headers(client, "S-LOYAL-1"), code)
    assert other.status_code == 200  # the lock is per shopper


async def test_the_claim_link_is_the_retailers_page(mini_shop: Any, tmp_path: Any, assistant: Any) -> None:
    settings = Settings(data_dir=tmp_path, api_key=API_KEY, token_secret="test-secret-0123456789abcdef-01234",
                        receipt_claim_url="https://shop.example/receipt?code={code}")
    app = create_app(settings, assistant=assistant, shop=mini_shop)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c:
        claim = (await c.post("/v1/receipts", json=slip("PAPER-7"), headers=KEY)).json()["claim"]
    assert claim["url"] == f"https://shop.example/receipt?code={claim['code'].replace('-', '')}"


async def test_claiming_needs_a_shopper_token(client: httpx.AsyncClient) -> None:
    code = (await client.post("/v1/receipts", json=slip("PAPER-8"), headers=KEY)).json()["claim"]["code"]
    assert (await client.post("/v1/receipts/claim", json={"code": code})).status_code == 401
    assert (await client.post("/v1/receipts/claim", json={"code": code}, headers=KEY)).status_code == 401
