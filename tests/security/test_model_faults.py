"""Finding 7: a model that names a product that does not exist left the shopper with an empty answer,
no card and no question. Now a model turn that shows nothing is handed to the deterministic planner.

A real server on loopback with the real assistant and its LLM planner pointed at the scripted
OpenAI-compatible server, on SQLite (the session's seeded shop) and on PostgreSQL (a small seeded
shop); the shopper asks over `POST /v1/runs` as the mobile app does.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from api.live import serve
from openai_fake import FakeOpenAI, serve_openai_fake, text, tool_call
from pg import fresh_database
from sqlalchemy import select

from agent.server.app import create_app
from agent.settings import Settings
from security.conftest import API_KEY, SECRET
from tools.db.engine import session_scope
from tools.db.models import Product
from tools.db.shop import Shop, open_shop

INTERVIEW = "I need a men's outfit for a job interview, budget 600 euro, jacket size 50, shoes 43"


@pytest.fixture(params=["sqlite", "postgres"])
def seeded(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Shop, str | None]]:
    if request.param == "sqlite":
        yield request.getfixturevalue("shop"), None
        return
    from catalog_seed.load import seed_shop

    with fresh_database() as url:
        shop = open_shop(url, tmp_path)
        seed_shop(shop, products=300, seed=3, build_index=True, progress=False)
        yield shop, url


@pytest.fixture
def model() -> Iterator[FakeOpenAI]:
    with serve_openai_fake() as fake:
        yield fake


def _serve(seeded: tuple[Shop, str | None], model: FakeOpenAI, tmp_path: Path) -> Any:
    shop, url = seeded
    settings = Settings(data_dir=tmp_path, api_key=API_KEY, token_secret=SECRET, database_url=url,
                        llm_model="test-model", llm_base_url=model.base_url, llm_timeout_s=2.0)
    return serve(create_app(settings, shop=shop))


def test_a_model_naming_an_unknown_sku_still_gets_the_shopper_a_look(
        seeded: tuple[Shop, str | None], model: FakeOpenAI, tmp_path: Path) -> None:
    model.script.append(tool_call("check_availability", sku="SRT-BLZ-999999", size="50"))
    model.script.repeat = text("")
    with _serve(seeded, model, tmp_path) as base, httpx.Client(base_url=base, timeout=60) as c:
        token = c.post("/v1/auth/guest", json={"device_id": "model-fault-device"}).json()["token"]
        r = c.post("/v1/runs", json={"message": INTERVIEW, "language": "en"},
                   headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text
    result = r.json()
    assert result["text"].strip()
    outfits = [card for card in result["cards"] if card["type"] == "sarto.outfit"]
    assert outfits and outfits[0]["items"] and outfits[0]["fits_budget"]
    assert [call["name"] for call in result["tool_calls"]] == ["check_availability", "assemble_outfit"]
    shown = {item["sku"]: item["price"]["amount"] for item in outfits[0]["items"]}
    with session_scope(seeded[0].engine) as s:
        rows = s.execute(select(Product.sku, Product.price).where(Product.sku.in_(shown))).tuples()
        records = dict(rows.all())
    assert {sku: float(price) for sku, price in records.items()} == shown  # every piece and price is real
    assert len(model.requests) == 2  # the model was asked once more, then not again
