"""Our SSE streams parsed by the real JavaScript clients: @ag-ui/client and the `ai` package.

The clients are pinned in package-lock.json (`make js-deps` runs `npm ci`); the server is uvicorn
on 127.0.0.1 with the scripted assistant.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from api.conftest import API_KEY, build_mini_shop
from api.live import serve
from fakes import ScriptedAssistant

from agent.server.app import create_app
from agent.settings import Settings

HERE = Path(__file__).resolve().parent
NODE = shutil.which("node")


@pytest.fixture(autouse=True)
def _js_clients_installed() -> None:
    if NODE is None or not (HERE / "node_modules").is_dir():
        from support import skip_or_fail

        skip_or_fail("needs node and tests/contract/node_modules (make js-deps)")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, ScriptedAssistant]]:
    data_dir = tmp_path_factory.mktemp("contract")
    settings = Settings(data_dir=data_dir, api_key=API_KEY,
                        token_secret="contract-secret-0123456789abcdef-0123456789")
    assistant = ScriptedAssistant(delay=0.005)
    with serve(create_app(settings, assistant=assistant, shop=build_mini_shop(data_dir))) as base_url:
        yield base_url, assistant


def _run_script(script: str, base_url: str) -> dict[str, Any]:
    token = httpx.post(f"{base_url}/v1/auth/shopper-token", json={"shopper_id": "S-LOYAL-1"},
                       headers={"X-API-Key": API_KEY}).json()["token"]
    done = subprocess.run([str(NODE), script, base_url, token], cwd=HERE, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def agui(server: tuple[str, ScriptedAssistant]) -> dict[str, Any]:
    return _run_script("agui_client.mjs", server[0])


def test_ag_ui_client_reads_the_run(agui: dict[str, Any]) -> None:
    outfit = agui["outfit"]
    assert outfit["failure"] is None
    assert outfit["types"][0] == "RUN_STARTED" and outfit["types"][-1] == "RUN_FINISHED"
    said = [m["content"] for m in outfit["messages"] if m["role"] == "assistant" and m["content"]]
    assert said and "colloquio" in said[-1]
    calls = [m["toolCalls"] for m in outfit["messages"] if m["role"] == "assistant" and m["toolCalls"]]
    assert calls[0][0]["function"]["name"] == "search_products"
    activity = [m for m in outfit["messages"] if m["role"] == "activity"]
    assert activity[0]["activityType"] == "sarto.outfit"
    assert activity[0]["content"]["layout"] == "spec-table"  # the client's layout choice won
    assert outfit["state"]["goal"]["label"] == "job_interview"
    assert outfit["state"]["presentation"] == "spec-table"


def test_ag_ui_client_sees_the_interrupt_and_resumes(server: tuple[str, ScriptedAssistant],
                                                     agui: dict[str, Any]) -> None:
    out, assistant = agui, server[1]
    pending = out["interrupted"]["pendingInterrupts"]
    assert out["interrupted"]["failure"] is None
    assert pending and pending[0]["reason"] == "confirm_reservation"
    assert pending[0]["metadata"]["payload"]["store_code"] == "MI01"
    assert out["resumed"]["failure"] is None and out["resumed"]["pendingInterrupts"] == []
    assert assistant.requests[-1].resume == "confirm"


def test_ai_sdk_reads_the_chat_stream(server: tuple[str, ScriptedAssistant]) -> None:
    base_url, _ = server
    out = _run_script("ai_sdk_client.mjs", base_url)
    assert out["status"] == 200 and out["protocol"] == "v1"
    assert out["invalid"] == []
    assert out["chunkTypes"][0] == "start" and out["chunkTypes"][-1] == "finish"
    parts = out["message"]["parts"]
    kinds = [p["type"] for p in parts]
    text = "".join(p["text"] for p in parts if p["type"] == "text")
    assert "colloquio" in text
    assert "data-outfit" in kinds and "tool-search_products" in kinds
    tool = next(p for p in parts if p["type"] == "tool-search_products")
    assert tool["state"] == "output-available" and tool["output"]["status"] == "ok"
    outfit = next(p for p in parts if p["type"] == "data-outfit")
    assert outfit["data"]["type"] == "sarto.outfit" and len(outfit["data"]["items"]) == 4


@pytest.fixture(scope="module")
def slow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A turn long enough (~0.5 s) to drop the connection in the middle of it."""
    data_dir = tmp_path_factory.mktemp("contract-slow")
    settings = Settings(data_dir=data_dir, api_key=API_KEY,
                        token_secret="contract-secret-0123456789abcdef-0123456789")
    assistant = ScriptedAssistant(delay=0.05, text_delay=0.08)
    with serve(create_app(settings, assistant=assistant, shop=build_mini_shop(data_dir))) as base_url:
        yield base_url


def test_ai_sdk_transport_resumes_a_dropped_chat(slow_server: str) -> None:
    out = _run_script("ai_sdk_resume.mjs", slow_server)
    assert out["status"] == 200 and out["resumed"] is True
    parts = out["message"]["parts"]
    assert "colloquio" in "".join(p["text"] for p in parts if p["type"] == "text")
    assert any(p["type"] == "data-outfit" for p in parts)
    assert out["afterFinishIsNull"] is True  # the turn is over: 204, nothing to resume
