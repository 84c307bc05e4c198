"""The server with the real Assistant (deterministic planner) on the seeded shop: the AG-UI stream
is valid protocol end to end, and a thread is private to its shopper."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from ag_ui.core import Event
from pydantic import TypeAdapter

from agent.server.app import create_app
from agent.settings import Settings
from api.sse import parse_sse

pytestmark = pytest.mark.anyio
API_KEY = "real-api-key"


@pytest.fixture
async def real(shop: Any, tmp_path: Any) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(data_dir=tmp_path, api_key=API_KEY,
                        token_secret="real-secret-0123456789abcdef-0123456789")
    app = create_app(settings, shop=shop)  # the assistant is opened lazily, as `sarto serve` does
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test",
                                 timeout=120) as c:
        yield c


async def _headers(client: httpx.AsyncClient, shopper_id: str) -> dict[str, str]:
    r = await client.post("/v1/auth/shopper-token", json={"shopper_id": shopper_id},
                          headers={"X-API-Key": API_KEY})
    return {"Authorization": f"Bearer {r.json()['token']}"}


async def test_real_assistant_streams_valid_ag_ui(real: httpx.AsyncClient) -> None:
    headers = await _headers(real, "S-API-REAL-1")
    body = {"threadId": "t-api-real-1", "runId": "run-api-real-1", "state": {}, "tools": [], "context": [],
            "messages": [{"id": "m1", "role": "user",
                          "content": "Ho un colloquio di lavoro, mi serve un look da uomo sotto i 600 euro"}],
            "forwardedProps": {"language": "it"}}
    r = await real.post("/v1/agent/run", json=body, headers=headers)
    assert r.status_code == 200
    events = [TypeAdapter(Event).validate_json(e.data) for e in parse_sse(r.text)]
    types = [e.type.value for e in events]
    assert types[0] == "RUN_STARTED" and types[-1] == "RUN_FINISHED", types
    assert "TEXT_MESSAGE_CONTENT" in types and "ACTIVITY_SNAPSHOT" in types
    assert events[-1].result["goal"]["label"] == "job_interview"
    other = await _headers(real, "S-API-REAL-2")
    assert (await real.get("/v1/threads/t-api-real-1", headers=other)).status_code == 404
    body["runId"] = "run-api-real-2"
    assert (await real.post("/v1/agent/run", json=body, headers=other)).status_code == 404
    mine = (await real.get("/v1/threads/t-api-real-1", headers=headers)).json()
    assert mine["messages"]
