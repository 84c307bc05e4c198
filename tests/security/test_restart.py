"""Nothing a shopper said is lost when the process dies mid-run: the message was recorded before
the turn started, a client resuming after the restart is told the run ended (RUN_ERROR
"interrupted", retryable) instead of a 404 or silence, and held stock still equals the holds."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from api.live import free_port
from pg import fresh_database
from sqlalchemy import func, select

from security.conftest import API_KEY, SECRET
from tools.db.engine import get_engine, session_scope, sqlite_url
from tools.db.models import Inventory, Reservation, ReservationItem

pytestmark = pytest.mark.slow  # starts, kills and restarts real server processes

TESTS = Path(__file__).resolve().parents[1]
REPO = TESTS.parent


@contextmanager
def server(data_dir: Path, database_url: str, log: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    env = {**os.environ, "SARTO_DATA_DIR": str(data_dir), "SARTO_DATABASE_URL": database_url,
           "SARTO_API_KEY": API_KEY, "SARTO_TOKEN_SECRET": SECRET,
           "PYTHONPATH": os.pathsep.join([str(TESTS), str(REPO)])}
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "security.restartable:app", "--host", "127.0.0.1",
           "--port", str(port), "--no-proxy-headers", "--log-level", "warning"]
    with log.open("ab") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=REPO)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the server did not start: {log.read_text()[-2000:]}")
        time.sleep(0.1)
    try:
        yield url, proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=20)


def agui_body(text: str, thread: str, run: str) -> dict[str, Any]:
    return {"threadId": thread, "runId": run, "state": {}, "tools": [], "context": [],
            "messages": [{"id": f"m-{run}", "role": "user", "content": text}], "forwardedProps": {}}


def sse_events(text: str) -> list[tuple[str | None, dict[str, Any]]]:
    out, event_id = [], None
    for line in text.splitlines():
        if line.startswith("id:"):
            event_id = line[3:].strip()
        elif line.startswith("data:") and line[5:].strip() not in ("", "[DONE]"):
            out.append((event_id, json.loads(line[5:])))
    return out


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
        return
    with fresh_database() as url:
        yield url


def test_a_run_cut_by_a_dying_server_ends_with_interrupted_and_keeps_the_message(
        database: str, tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    message = "Ho un colloquio venerdì, cosa mi metto?"
    with server(tmp_path, database, log) as (url, proc):
        token = httpx.post(f"{url}/v1/auth/shopper-token", json={"shopper_id": "S-LOYAL-1"},
                           headers={"X-API-Key": API_KEY}).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        hold = {"store_code": "MI01", "idempotency_key": "restart-hold-1",
                "items": [{"variant_id": "TST-BLZ-0001-50"}]}
        held = httpx.post(f"{url}/v1/reservations", headers=auth, json=hold)
        assert held.status_code == 201, held.text
        seen: list[str] = []
        with httpx.stream("POST", f"{url}/v1/agent/run", headers=auth, timeout=30,
                          json=agui_body(message, "t-restart", "run-restart-1")) as stream:
            for line in stream.iter_lines():
                if line.startswith("id:"):
                    seen.append(line[3:].strip())
                if len(seen) >= 4:  # the run is under way: kill the process without any goodbye
                    os.kill(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=10)
                    break
    last_event_id = seen[-1]
    with server(tmp_path, database, log) as (url, _proc):
        resumed = httpx.get(f"{url}/v1/runs/run-restart-1/events", timeout=10,
                            headers={**auth, "Last-Event-ID": last_event_id})
        thread = httpx.get(f"{url}/v1/threads/t-restart", headers=auth, timeout=10)
        chat = httpx.get(f"{url}/v1/chat/t-restart/stream", headers=auth, timeout=10)
        again = httpx.post(f"{url}/v1/agent/run", headers=auth, timeout=10,
                           json=agui_body(message, "t-restart", "run-restart-1"))
    events = sse_events(resumed.text)
    assert resumed.status_code == 200
    assert [e["type"] for _, e in events] == ["RUN_ERROR"] and events[0][1]["code"] == "interrupted"
    seq = int(last_event_id.rpartition(":")[2])
    assert events[0][0] == f"run-restart-1:{seq + 1}"
    assert thread.status_code == 200
    assert [m["text"] for m in thread.json()["messages"] if m["role"] == "user"] == [message]
    assert chat.status_code == 200 and '"type":"error"' in chat.text and "interrupted" in chat.text
    assert again.status_code == 409  # a run id is never run twice, even across a restart
    engine = get_engine(database)
    with session_scope(engine) as s:
        reserved = s.scalar(select(func.sum(Inventory.reserved)))
        holds = s.scalar(select(func.sum(ReservationItem.quantity)).join(Reservation)
                         .where(Reservation.status == "held"))
    assert reserved == holds == 1
