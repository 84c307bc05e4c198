"""Catalog, availability, stores, images and storefront pages over HTTP, on the seeded session shop
(read-only here: writes go to the small per-test shop)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fakes import ScriptedAssistant

from agent.server.app import create_app
from agent.settings import Settings

pytestmark = pytest.mark.anyio


@pytest.fixture
async def catalog(shop: Any, tmp_path: Any) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(data_dir=tmp_path, token_secret="catalog-secret-0123456789abcdef-0123456789")
    app = create_app(settings, assistant=ScriptedAssistant(), shop=shop)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c:
        yield c


async def test_search_applies_filters_and_paginates(catalog: httpx.AsyncClient) -> None:
    params = {"q": "giacca blu elegante", "department": "menswear", "limit": 5}
    first = await catalog.get("/v1/catalog/search", params=params)
    assert first.status_code == 200, first.text
    page1 = first.json()
    assert 0 < len(page1["hits"]) <= 5 and page1["total_candidates"] >= len(page1["hits"])
    assert all(h["department"] == "menswear" for h in page1["hits"])
    page2 = (await catalog.get("/v1/catalog/search", params={**params, "offset": 5})).json()
    assert not {h["sku"] for h in page1["hits"]} & {h["sku"] for h in page2["hits"]}


async def test_search_repeatable_filters_and_price(catalog: httpx.AsyncClient) -> None:
    r = await catalog.get("/v1/catalog/search?q=camicia&colour=white&colour=light_blue&max_price=80&limit=20")
    assert r.status_code == 200, r.text
    hits = r.json()["hits"]
    assert hits
    assert all(h["price"]["amount"] <= 80 for h in hits)
    assert all({"white", "light_blue"} & set(h["colours"]) for h in hits)


@pytest.mark.parametrize(("query", "param", "allowed"), [
    ("colour=purple-ish", "colour", "navy"),
    ("department=pets", "department", "menswear"),
    ("category=spaceship", "category", "blazer"),
    ("occasion=funeral-party", "occasion", "business"),
    ("location=ZZ99", "location", "online"),
])
async def test_unknown_filter_values_are_422_with_allowed_values(catalog: httpx.AsyncClient, query: str,
                                                                 param: str, allowed: str) -> None:
    r = await catalog.get(f"/v1/catalog/search?q=giacca&{query}")
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["code"] == "validation_error" and problem["param"] == param
    assert allowed in problem["allowed"]


async def test_bad_numbers_are_422(catalog: httpx.AsyncClient) -> None:
    assert (await catalog.get("/v1/catalog/search?limit=1000")).status_code == 422
    assert (await catalog.get("/v1/catalog/search?max_price=abc")).json()["code"] == "validation_error"
    assert (await catalog.get("/v1/catalog/search?max_price=10.005")).status_code == 422  # cents only


async def test_a_price_range_from_100_to_50_euros_holds_no_products(catalog: httpx.AsyncClient) -> None:
    r = await catalog.get("/v1/catalog/search?q=giacca&min_price=100&max_price=50")
    assert r.status_code == 200 and r.json()["hits"] == [] and r.json()["total_candidates"] == 0


async def test_the_shop_with_no_words_and_no_filters_lists_its_products(catalog: httpx.AsyncClient) -> None:
    r = await catalog.get("/v1/catalog/search", params={"limit": 5})
    assert r.status_code == 200, r.text
    hits = r.json()["hits"]
    assert len(hits) == 5 and r.json()["total_candidates"] == 1600
    scores = [h["score"] for h in hits]  # the most popular first
    assert scores == sorted(scores, reverse=True)


async def test_product_detail_image_and_availability(catalog: httpx.AsyncClient) -> None:
    hit = (await catalog.get("/v1/catalog/search", params={"q": "abito", "in_stock": "true",
                                                           "limit": 1})).json()["hits"][0]
    sku = hit["sku"]
    detail = (await catalog.get(f"/v1/catalog/products/{sku}", params={"lang": "en"})).json()
    assert detail["sku"] == sku and detail["title"] == hit["title_en"]
    assert detail["price"]["amount"] == hit["price"]["amount"]
    assert {s["size"] for s in detail["sizes"]} >= set(detail["sizes_in_stock"]) > set()
    assert "%" in detail["fabric"]
    image = await catalog.get(detail["image"])
    assert image.status_code == 200 and image.headers["content-type"].startswith("image/svg+xml")
    assert "max-age" in image.headers["cache-control"] and image.text.lstrip().startswith("<svg")
    size = detail["sizes_in_stock"][0]
    card = (await catalog.get("/v1/availability", params={"sku": sku, "size": size, "city": "Milano"})).json()
    assert card["type"] == "sarto.availability" and card["size"] == size
    assert all(loc["quantity"] > 0 for loc in card["locations"])
    assert (await catalog.get("/v1/availability", params={"sku": sku, "size": "99X"})).json()["code"] \
        == "unknown_size"


async def test_missing_products_are_404(catalog: httpx.AsyncClient) -> None:
    for path in ("/v1/catalog/products/NOPE-000", "/images/NOPE-000.svg", "/v1/availability?sku=NOPE-000"):
        r = await catalog.get(path)
        assert r.status_code == 404 and r.json()["code"] == "not_found", path
    # the message is wholly in the shopper's language, never "product non trovato."
    italian = (await catalog.get("/v1/catalog/products/NOPE-000", headers={"Accept-Language": "it"})).json()
    english = (await catalog.get("/v1/catalog/products/NOPE-000", headers={"Accept-Language": "en"})).json()
    assert italian["detail"] == "Prodotto non trovato." and english["detail"] == "Product not found."


async def test_stores_nearest_first(catalog: httpx.AsyncClient) -> None:
    answer = (await catalog.get("/v1/stores", params={"city": "Napoli"})).json()
    distances = [s["distance_km"] for s in answer["stores"]]
    assert distances == sorted(distances) and answer["stores"][0]["hours"]
    r = await catalog.get("/v1/stores", params={"city": "Atlantide"})
    assert r.status_code == 422 and r.json()["code"] == "unknown_location"


async def test_storefront_pages_and_widget(catalog: httpx.AsyncClient) -> None:
    home = await catalog.get("/")
    assert home.status_code == 200 and "text/html" in home.headers["content-type"]
    product = await catalog.get("/products/ANY-SKU")
    assert product.status_code == 200 and "<html" in product.text.lower()
    widget = await catalog.get("/widget.js")
    assert widget.status_code == 200 and "javascript" in widget.headers["content-type"]
    css = await catalog.get("/static/storefront/storefront.css")
    assert css.status_code == 200
    openapi = (await catalog.get("/openapi.json")).json()
    assert "/v1/agent/run" in openapi["paths"] and "/v1/catalog/search" in openapi["paths"]
