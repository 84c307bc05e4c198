"""API fixtures: a small hand-made shop (writes stay out of the session seed shop), the app with the
scripted assistant in process, and the same app served by uvicorn on 127.0.0.1 for real streaming."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from fakes import ScriptedAssistant

from agent.server.app import create_app
from agent.settings import Settings
from api.live import serve
from tools.db.engine import session_scope
from tools.db.models import Inventory, Product, Shopper, Store, Variant
from tools.db.shop import Shop, open_shop

API_KEY = "test-api-key"
HOURS = {d: ["10:00", "19:30"] for d in ("mon", "tue", "wed", "thu", "fri", "sat")} | {"sun": None}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _product(sku: str, category: str, colour: str) -> Product:
    return Product(sku=sku, department="menswear", category=category, subcategory=category,
                   brand="Sarto", title_it=f"{category} {colour}", title_en=f"{colour} {category}",
                   description_it="descrizione", description_en="description", price=Decimal("120.00"),
                   currency="EUR", occasions=["business"], seasons=["autumn"], colours=[colour],
                   pattern="solid", fit="slim", style="classic", formality=4,
                   fabric=[{"fibre": "wool", "pct": 100}], compatible_categories=[], target_age="adult",
                   emotional=["elegant"], sustainability=[], image=f"/images/{sku}.svg",
                   content_hash=sku * 2)


def build_mini_shop(data_dir: Path, database_url: str | None = None) -> Shop:
    shop = open_shop(database_url or f"sqlite:///{data_dir / 'mini.db'}", data_dir)
    now = datetime.now(UTC)
    with session_scope(shop.engine) as session:
        session.add_all([
            Store(code="MI01", name="Sarto Milano Duomo", city="Milano", address="Via Dante 1", lat=45.4642,
                  lon=9.19, hours=HOURS, services=["pickup", "tailoring"], phone="+39 02 000"),
            Store(code="RM01", name="Sarto Roma Corso", city="Roma", address="Via del Corso 1", lat=41.9,
                  lon=12.48, hours=HOURS, services=["pickup"], phone="+39 06 000"),
        ])
        for sku, cat, colour in (("TST-BLZ-0001", "blazer", "navy"), ("TST-TRS-0002", "trousers", "grey")):
            product = _product(sku, cat, colour)
            session.add(product)
            session.flush()
            for size in ("48", "50", "52"):
                session.add(Variant(id=f"{sku}-{size}", product_id=product.id, size=size, size_system="IT"))
            session.flush()
            for size in ("48", "50", "52"):
                session.add(Inventory(variant_id=f"{sku}-{size}", location="online", quantity=5, reserved=0,
                                      updated_at=now))
                session.add(Inventory(variant_id=f"{sku}-{size}", location="MI01", quantity=2, reserved=0,
                                      updated_at=now))
        session.add(Shopper(id="S-LOYAL-1", email="anna@example.com", name="Anna", loyalty_id="L-0001",
                            created_at=now, known_sizes={"IT": "50"}))
    return shop


REDIS_URL = "redis://127.0.0.1:6379/15"  # a database of its own; tests use keys no one else does
CLOSED_REDIS_URL = "redis://127.0.0.1:6390/0"  # nothing listens there


def require_redis(url: str) -> str:
    """`url` when that real Redis answers; skips the test (fails under CI=true) when it does not."""
    import redis
    from support import skip_or_fail

    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        skip_or_fail(f"Redis at {url} is not available: {exc}")
    finally:
        client.close()
    return url


@pytest.fixture
def redis_url() -> str:
    """The real Redis on 127.0.0.1:6379; skips (fails under CI=true) when it does not answer."""
    return require_redis(REDIS_URL)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, api_key=API_KEY,
                    token_secret="test-secret-0123456789abcdef-0123456789", token_ttl_s=300)


@pytest.fixture
def mini_shop(tmp_path: Path) -> Shop:
    return build_mini_shop(tmp_path)


@pytest.fixture
def assistant() -> ScriptedAssistant:
    return ScriptedAssistant(delay=0.005)


@pytest.fixture
def app(settings: Settings, assistant: ScriptedAssistant, mini_shop: Shop) -> Any:
    return create_app(settings, assistant=assistant, shop=mini_shop)


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


async def shopper_headers(client: httpx.AsyncClient, shopper_id: str) -> dict[str, str]:
    r = await client.post("/v1/auth/shopper-token", json={"shopper_id": shopper_id},
                          headers={"X-API-Key": API_KEY})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


async def guest(client: httpx.AsyncClient, device_id: str = "device-0001") -> dict[str, Any]:
    r = await client.post("/v1/auth/guest", json={"device_id": device_id})
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


# --- a real server on loopback ---------------------------------------------------------------

@dataclass
class LiveServer:
    base_url: str
    app: Any
    assistant: ScriptedAssistant
    settings: Settings


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data_dir = tmp_path_factory.mktemp("live")
    settings = Settings(data_dir=data_dir, api_key=API_KEY,
                        token_secret="live-secret-0123456789abcdef-0123456789")
    assistant = ScriptedAssistant(delay=0.05, text_delay=0.08)  # slow enough to drop mid-run
    app = create_app(settings, assistant=assistant, shop=build_mini_shop(data_dir))
    with serve(app) as base_url:
        yield LiveServer(base_url, app, assistant, settings)
