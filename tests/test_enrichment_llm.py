"""The optional LLM pass of enrichment, against the scripted OpenAI-compatible server on loopback:
it fills what the rules left unknown, only with the shop's own values, caches its answers by
content, and an unreachable model leaves the import whole."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openai_fake import FakeOpenAI, echo, http_error, serve_openai_fake
from sqlalchemy import select

from agent.planning.model_factory import build_labeller
from agent.settings import Settings
from tools.db.engine import session_scope, sqlite_url
from tools.db.models import Product
from tools.db.shop import Shop, open_shop
from tools.imports.run import run_import

pytestmark = pytest.mark.slow

ROWS = [["id", "title", "price", "availability", "gender", "age_group", "color", "size"],
        # the rules read nothing of this one: no garment word they know
        ["KX-1-M", "Modello Lucca", "120.00 EUR", "in_stock", "male", "adult", "Blu", "M"],
        # and read this one surely: the model's answer cannot move its category or formality
        ["TX-1-50", "Smoking in lana nero", "590.00 EUR", "in_stock", "male", "adult", "Nero", "50"]]


@pytest.fixture
def openai_fake() -> Iterator[FakeOpenAI]:
    with serve_openai_fake() as fake:
        yield fake


def _feed(tmp_path: Path) -> Path:
    feed = tmp_path / "feed.tsv"
    with feed.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, delimiter="\t").writerows(ROWS)
    return feed


def _answer(body: dict[str, Any]) -> str:
    """The model answers for every product it is sent: one valid labelling, and values that are
    not the shop's own (they must be dropped, not stored)."""
    sent = json.loads(body["messages"][-1]["content"])["products"]
    return json.dumps({"products": [
        {"id": p["id"], "category": "knitwear", "occasions": ["office", "yacht party"], "formality": 3,
         "seasons": ["autumn", "winter"], "fit": "astronaut", "style": "classic"} for p in sent]})


def _shop(tmp_path: Path) -> Shop:
    data = tmp_path / "data"
    return open_shop(sqlite_url(data), data)


def _product(shop: Shop, sku: str) -> Product:
    with session_scope(shop.engine) as s:
        return s.scalars(select(Product).where(Product.sku == sku)).one()


def test_the_model_fills_only_what_the_rules_left_and_only_with_shop_values(
        openai_fake: FakeOpenAI, tmp_path: Path) -> None:
    base_url, script, requests = openai_fake
    script.repeat = echo(_answer)
    labeller = build_labeller(Settings(llm_model="test-model", llm_base_url=base_url, llm_timeout_s=10))
    shop = _shop(tmp_path)
    assert run_import(shop, "products", _feed(tmp_path), labeller=labeller).ok

    knit = _product(shop, "KX-1-M")
    sources = knit.attribute_sources or {}
    assert knit.category == "knitwear" and sources["category"] == "llm"
    assert knit.occasions == ["office"] and sources["occasions"] == "llm"  # "yacht party" dropped
    assert knit.formality == 3 and knit.seasons == ["autumn", "winter"]
    assert knit.fit != "astronaut"  # not a fit the shop knows: the rules' value (or none) stands
    tux = _product(shop, "TX-1-50")
    # what the rules read surely stands against the model's answer (it called the tuxedo knitwear)
    assert tux.category == "suit" and tux.formality == 5
    assert (tux.attribute_sources or {})["formality"] == "rules"

    # the prompt names the shop's values and the product's words, never the other product's answer
    prompt = json.loads(requests[0]["body"]["messages"][-1]["content"])
    assert "knitwear" in prompt["allowed_values"]["category"]
    assert "Modello Lucca" in [p["title"] for p in prompt["products"]]

    # an unchanged feed imported again asks the model nothing: the answers are cached by content
    asked = len(requests)
    again = _shop(tmp_path / "again")
    (tmp_path / "again" / "data").mkdir(parents=True, exist_ok=True)
    cache = shop.data_dir / "llm_enrichment.json"
    (again.data_dir / "llm_enrichment.json").write_bytes(cache.read_bytes())
    assert run_import(again, "products", _feed(tmp_path), labeller=labeller).ok
    assert len(requests) == asked and _product(again, "KX-1-M").category == "knitwear"


def test_a_model_that_fails_leaves_the_rules_values_and_the_import_whole(
        openai_fake: FakeOpenAI, tmp_path: Path) -> None:
    base_url, script, requests = openai_fake
    script.repeat = http_error(500)
    labeller = build_labeller(Settings(llm_model="test-model", llm_base_url=base_url, llm_timeout_s=10))
    shop = _shop(tmp_path)
    result = run_import(shop, "products", _feed(tmp_path), labeller=labeller)
    assert result.ok and requests  # it was asked, and failed
    assert _product(shop, "KX-1-M").category is None  # unknown stays unknown
    assert _product(shop, "TX-1-50").formality == 5
