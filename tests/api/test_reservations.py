"""Reserve in store over HTTP: hold, idempotent retry, privacy, staff view, cancel releases stock."""

from __future__ import annotations

import httpx
import pytest

from api.conftest import API_KEY, shopper_headers
from tools.db.engine import session_scope
from tools.db.models import Inventory

pytestmark = pytest.mark.anyio
BODY = {"store_code": "MI01", "items": [{"variant_id": "TST-BLZ-0001-50", "quantity": 1},
                                        {"variant_id": "TST-TRS-0002-50", "quantity": 1}],
        "idempotency_key": "look-interview-0001"}


def _reserved(mini_shop, variant_id: str) -> int:
    with session_scope(mini_shop.engine) as s:
        return s.get(Inventory, (variant_id, "MI01")).reserved


async def test_reserve_is_idempotent_and_private(client: httpx.AsyncClient, mini_shop) -> None:
    anna = await shopper_headers(client, "S-LOYAL-1")
    bruno = await shopper_headers(client, "S-OTHER-2")
    made = await client.post("/v1/reservations", json=BODY, headers=anna)
    assert made.status_code == 201, made.text
    held = made.json()
    assert held["status"] == "held" and len(held["pickup_code"]) == 6 and held["store_hours"]
    assert held["total"] == 240.0 and held["expires_at"]
    retry = await client.post("/v1/reservations", json=BODY, headers=anna)
    assert retry.status_code == 200 and retry.json()["reservation_id"] == held["reservation_id"]
    assert _reserved(mini_shop, "TST-BLZ-0001-50") == 1  # held once, not twice

    mine = (await client.get("/v1/reservations", headers=anna)).json()
    assert [r["reservation_id"] for r in mine["items"]] == [held["reservation_id"]]
    assert (await client.get("/v1/reservations", headers=bruno)).json()["items"] == []
    r = await client.delete(f"/v1/reservations/{held['reservation_id']}", headers=bruno)
    assert r.status_code == 404 and r.json()["code"] == "not_found"

    staff = (await client.get("/v1/stores/MI01/reservations", headers={"X-API-Key": API_KEY})).json()
    assert staff["items"][0]["pickup_code"] == held["pickup_code"]
    unknown = await client.get("/v1/stores/XX99/reservations", headers={"X-API-Key": API_KEY})
    assert unknown.status_code == 404

    cancelled = await client.delete(f"/v1/reservations/{held['reservation_id']}", headers=anna)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert _reserved(mini_shop, "TST-BLZ-0001-50") == 0


async def test_reserving_more_than_the_store_has_is_409(client: httpx.AsyncClient, mini_shop) -> None:
    anna = await shopper_headers(client, "S-LOYAL-1")
    body = {**BODY, "items": [{"variant_id": "TST-BLZ-0001-52", "quantity": 5}],
            "idempotency_key": "too-many-01"}
    r = await client.post("/v1/reservations", json=body, headers=anna)
    assert r.status_code == 409 and r.json()["code"] == "out_of_stock"
    assert r.json()["out_of_stock"][0]["available"] == 2
    assert _reserved(mini_shop, "TST-BLZ-0001-52") == 0


async def test_bad_reservation_bodies_are_422(client: httpx.AsyncClient) -> None:
    anna = await shopper_headers(client, "S-LOYAL-1")
    for body in ({**BODY, "items": []}, {**BODY, "idempotency_key": "x"},
                 {**BODY, "items": [{"variant_id": "TST-BLZ-0001-50", "quantity": 0}]}):
        r = await client.post("/v1/reservations", json=body, headers=anna)
        assert r.status_code == 422 and r.json()["code"] == "validation_error"
