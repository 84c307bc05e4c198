"""What the OpenAPI description tells a client developer, read from /openapi.json as they would."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.anyio
PROBLEM = {"$ref": "#/components/schemas/Problem"}
STREAMS = [("post", "/v1/agent/run"), ("post", "/v1/chat"), ("get", "/v1/chat/{chat_id}/stream"),
           ("get", "/v1/runs/{run_id}/events")]


@pytest.fixture
async def description(client: httpx.AsyncClient) -> dict[str, Any]:
    r = await client.get("/openapi.json")
    assert r.status_code == 200
    return r.json()  # type: ignore[no-any-return]


def operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, op) for path, item in doc["paths"].items() for method, op in item.items()]


async def test_every_error_an_operation_can_answer_is_a_documented_problem(description: dict) -> None:
    for method, path, op in operations(description):
        responses = op["responses"]
        assert "422" in responses, (method, path)  # the edge refuses unusable text on every route
        if method in ("post", "delete"):
            assert "413" in responses, (method, path)
        for status, answer in responses.items():
            if status[0] in "45":
                assert answer["content"] == {"application/problem+json": {"schema": PROBLEM}}, (path, status)
    assert "HTTPValidationError" not in description["components"]["schemas"]


async def test_the_problem_shape_is_the_one_errors_have(client: httpx.AsyncClient, description: dict) -> None:
    problem = description["components"]["schemas"]["Problem"]
    missing = await client.get("/v1/catalog/products/NOPE-000")
    assert set(problem["required"]) <= set(missing.json())
    invalid = await client.get("/v1/threads", params={"limit": 0}, headers={"Authorization": "Bearer x"})
    assert invalid.status_code == 401 and set(problem["required"]) <= set(invalid.json())


async def test_operations_say_how_to_sign_in(description: dict) -> None:
    schemes = description["components"]["securitySchemes"]
    assert schemes["apiKey"] == {"type": "apiKey", "in": "header", "name": "X-API-Key",
                                 "description": schemes["apiKey"]["description"]}
    assert schemes["shopperToken"]["scheme"] == "bearer" and schemes["shopperToken"]["bearerFormat"] == "JWT"
    paths = description["paths"]
    assert paths["/v1/agent/run"]["post"]["security"] == [{"shopperToken": []}]
    assert paths["/v1/inventory"]["post"]["security"] == [{"apiKey": []}]
    either = [{"shopperToken": []}, {"apiKey": []}]  # the shopper themself, or the retailer's backend
    assert paths["/v1/shoppers/{shopper_id}/export"]["get"]["security"] == either
    assert "security" not in paths["/v1/catalog/search"]["get"]
    for method, path, op in operations(description):
        if op.get("security"):
            assert "401" in op["responses"], (method, path)


async def test_streams_are_documented_as_server_sent_events(description: dict) -> None:
    for method, path in STREAMS:
        ok = description["paths"][path][method]["responses"]["200"]["content"]
        assert list(ok) == ["text/event-stream"], path
        assert ok["text/event-stream"]["schema"]["required"] == ["data"]


async def test_the_shops_own_stores_are_the_values_a_request_may_name(description: dict) -> None:
    schemas = description["components"]["schemas"]
    assert schemas["ReservationIn"]["properties"]["store_code"]["enum"] == ["MI01", "RM01"]
    assert schemas["StockUpdate"]["properties"]["location"]["enum"] == ["online", "MI01", "RM01"]
    search = {p["name"]: p["schema"] for p in description["paths"]["/v1/catalog/search"]["get"]["parameters"]}
    assert search["location"]["enum"] == ["online", "MI01", "RM01"]
    assert "menswear" in search["department"]["enum"] and "navy" in search["colour"]["items"]["enum"]


async def test_business_rules_are_in_the_description(description: dict) -> None:
    schemas = description["components"]["schemas"]
    receipt = schemas["ReceiptBody"]["properties"]
    assert receipt["placed_at"]["format"] == "date-time" and receipt["placed_at"]["pattern"].startswith("^")
    price = schemas["ReceiptLine"]["properties"]["unit_price"]
    assert price == {**price, "type": "number", "minimum": 0, "maximum": 100_000, "multipleOf": 0.01}
    assert schemas["RunInput"]["properties"]["threadId"]["maxLength"] == 64
    guest = description["paths"]["/v1/auth/guest"]["post"]["responses"]["429"]
    assert "Retry-After" in guest["headers"]
    future = description["paths"]["/v1/receipts"]["post"]["responses"]["409"]["description"]
    assert "in_the_future" in future
