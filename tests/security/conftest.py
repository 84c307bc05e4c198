"""The security suite: what a probe broke, each as a regression test against a real server on
127.0.0.1, once on SQLite and once on PostgreSQL (`backend` fixture).

The server is `create_app` as `sarto serve` builds it (served with `server_config`), over the small
hand-made shop of the API tests and the scripted assistant; the findings are in the edge, the
routes and the records, which these exercise for real.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from api.conftest import build_mini_shop
from api.live import serve
from fakes import ScriptedAssistant
from pg import fresh_database

from agent.server.app import create_app
from agent.settings import Settings
from tools.db.engine import session_scope
from tools.db.models import Inventory, Reservation, ReservationItem, Shopper
from tools.db.shop import Shop

API_KEY = "security-suite-api-key-0123456789"
CONTRACT_SUITE = "test_openapi_contract.py"


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """The contract suite builds its ~6,000 schemathesis cases while pytest collects (~20 s); a
    run of the fast tests only (`make test-fast`) has no use for them."""
    if collection_path.name == CONTRACT_SUITE and config.getoption("markexpr") == "fast":
        return True
    return None
SECRET = "security-suite-token-secret-0123456789abcdef"


@dataclass
class Target:
    url: str
    shop: Shop
    settings: Settings
    assistant: ScriptedAssistant
    backend: str

    def client(self, **kw: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=20, **kw)

    def shopper_headers(self, shopper_id: str) -> dict[str, str]:
        with self.client() as c:
            r = c.post("/v1/auth/shopper-token", json={"shopper_id": shopper_id},
                       headers={"X-API-Key": API_KEY})
            assert r.status_code == 200, r.text
            return {"Authorization": f"Bearer {r.json()['token']}"}

    def guest(self, device: str = "security-device-1") -> dict[str, Any]:
        with self.client() as c:
            r = c.post("/v1/auth/guest", json={"device_id": device})
            assert r.status_code == 200, r.text
            return dict(r.json())


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Shop]]:
    if request.param == "sqlite":
        yield "sqlite", build_mini_shop(tmp_path)
        return
    with fresh_database() as url:
        yield "postgres", build_mini_shop(tmp_path, url)


def make_target(backend: tuple[str, Shop], tmp_path: Path, **settings: Any) -> Iterator[Target]:
    name, shop = backend
    config = Settings(data_dir=tmp_path, api_key=API_KEY, token_secret=SECRET, **settings)
    assistant = ScriptedAssistant(delay=0.001)
    with serve(create_app(config, assistant=assistant, shop=shop)) as url:
        yield Target(url, shop, config, assistant, name)


@pytest.fixture
def target(backend: tuple[str, Shop], tmp_path: Path) -> Iterator[Target]:
    yield from make_target(backend, tmp_path)


def hold_for(shop: Shop, shopper_id: str, reservation_id: str, variant: str = "TST-BLZ-0001-50") -> None:
    """A held reservation of `shopper_id`, its unit held in MI01."""
    now = datetime.now(UTC)
    with session_scope(shop.engine) as s:
        if s.get(Shopper, shopper_id) is None:
            s.add(Shopper(id=shopper_id, created_at=now, known_sizes={}))
            s.flush()
        s.add(Reservation(id=reservation_id, pickup_code=reservation_id[-6:], shopper_id=shopper_id,
                          store_code="MI01", status="held", idempotency_key=f"key-{reservation_id}",
                          created_at=now, expires_at=now + timedelta(days=2), total=Decimal("120"),
                          items=[ReservationItem(variant_id=variant, sku=variant.rsplit("-", 1)[0],
                                                 quantity=1, unit_price=Decimal("120"))]))
        s.get(Inventory, (variant, "MI01")).reserved += 1
