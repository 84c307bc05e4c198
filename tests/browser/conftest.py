"""Browser fixtures: the real app (real assistant, session seed shop) served by uvicorn on 127.0.0.1,
and Debian's Chromium driven by Playwright (never `playwright install`)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@dataclass
class LiveStore:
    base_url: str
    shop: Any
    guests: list[dict[str, Any]] = field(default_factory=list)  # widget sessions to erase afterwards


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def live_store(shop: Any, data_dir: Path) -> Iterator[LiveStore]:
    """`sarto serve` in a thread: create_app with the real assistant on the session shop."""
    import uvicorn

    from agent.server.app import create_app
    from agent.settings import Settings

    if not Path(CHROMIUM).exists():
        from support import skip_or_fail

        skip_or_fail("Debian chromium is not installed (apt-get install -y chromium)")
    settings = Settings(data_dir=data_dir, api_key="browser-test-key",
                        token_secret="browser-test-secret-0123456789abcdef")
    app = create_app(settings, shop=shop)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 180  # the lifespan opens the assistant (embedding model, checkpointer)
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    store = LiveStore(f"http://127.0.0.1:{port}", shop)
    yield store
    # Leave the session shop as we found it: erasing a guest releases its held stock too.
    with httpx.Client(base_url=store.base_url, timeout=30) as client:
        for auth in store.guests:
            refreshed = client.post("/v1/auth/refresh", json={"refresh_token": auth["refresh_token"]})
            token = refreshed.json()["token"] if refreshed.status_code == 200 else auth["token"]
            client.delete(f"/v1/shoppers/{auth['shopper_id']}", headers={"Authorization": f"Bearer {token}"})
    server.should_exit = True
    thread.join(timeout=15)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
