"""The load client of `sarto bench serve`, run as its own process so it does not share the server's GIL.

It reads a plan (shoppers, their browsing events and messages), gets each shopper a token with the
retailer's API key, posts their browsing events, then either runs turns one after another (`idle`) or
lets every shopper send one turn every `interval` seconds for a bounded window (`load`). For each turn
it times the first SSE event, the first outfit card and the whole turn, over real HTTP on 127.0.0.1.
It prints one JSON object on stdout. Only httpx and the standard library: nothing heavy to import.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import sys
import time
import uuid
from dataclasses import asdict, dataclass
from typing import Any

import httpx

SETUP_CONCURRENCY = 8


@dataclass
class TurnTiming:
    shopper: str
    first_event_ms: float | None = None
    first_outfit_ms: float | None = None
    turn_ms: float | None = None
    late_ms: float = 0.0  # how far behind its schedule the turn was sent (the previous one ran long)
    error: str | None = None
    run_id: str = ""
    started: bool = False  # RUN_STARTED arrived: the run exists on a worker
    last_event_id: str = ""
    resumed: str | None = None  # kill runs: how a resume of a cut turn ended (RUN_ERROR code, ...)
    retried: str | None = None  # kill runs: how sending the same message again ended
    reservation: str | None = None  # kill runs: how the shopper's hold after the turn ended




def process_tree(pid: int) -> list[int]:
    """The process and its descendants (`sarto serve --workers N` runs each worker as a child)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            with open(f"/proc/{p}/task/{p}/children") as fh:
                todo += [int(c) for c in fh.read().split()]
        except OSError:
            continue
    return out


def server_cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process and its descendants (all their threads), from
    /proc/<pid>/stat."""
    total = 0
    for p in process_tree(pid):
        try:
            with open(f"/proc/{p}/stat") as fh:
                fields = fh.read().rpartition(")")[2].split()
        except OSError:  # it ended between the listing and the read
            continue
        # after the command name: state is field 3, utime 14 and stime 15 (1-based) -> offsets 11, 12
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def machine_busy_s() -> float:
    """CPU seconds all cores spent busy (not idle/iowait) since boot, from /proc/stat: shows whether
    something besides the server and this client was competing for the cores."""
    with open("/proc/stat") as fh:
        ticks = [int(v) for v in fh.readline().split()[1:]]
    return (sum(ticks[:8]) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


async def _setup_shopper(client: httpx.AsyncClient, api_key: str, shopper: dict[str, Any]) -> str:
    r = await client.post("/v1/auth/shopper-token", json={"shopper_id": shopper["id"]},
                          headers={"X-API-Key": api_key})
    r.raise_for_status()
    if shopper.get("events"):
        e = await client.post(f"/v1/shoppers/{shopper['id']}/events", json={"events": shopper["events"]},
                              headers={"X-API-Key": api_key})
        e.raise_for_status()
    return str(r.json()["token"])


async def setup(client: httpx.AsyncClient, api_key: str, shoppers: list[dict[str, Any]]) -> list[str]:
    gate = asyncio.Semaphore(SETUP_CONCURRENCY)

    async def one(shopper: dict[str, Any]) -> str:
        async with gate:
            return await _setup_shopper(client, api_key, shopper)

    return list(await asyncio.gather(*(one(s) for s in shoppers)))


async def run_turn(client: httpx.AsyncClient, token: str, shopper_id: str, thread_id: str,
                   message: str, timeout_s: float) -> TurnTiming:
    """One AG-UI run over SSE; an HTTP error, a RUN_ERROR, a timeout or a cut stream is an error."""
    timing = TurnTiming(shopper=shopper_id, run_id=f"run-{uuid.uuid4().hex[:20]}")
    body = {"threadId": thread_id, "runId": timing.run_id, "state": {}, "tools": [],
            "context": [], "messages": [{"id": f"m-{uuid.uuid4().hex[:12]}", "role": "user",
                                         "content": message}], "forwardedProps": {}}
    headers = {"Authorization": f"Bearer {token}", "Accept": "text/event-stream"}
    started = time.perf_counter()
    try:
        async with asyncio.timeout(timeout_s):
            async with client.stream("POST", "/v1/agent/run", json=body, headers=headers) as r:
                if r.status_code != 200:
                    await r.aread()
                    timing.error = f"http {r.status_code}"
                    return timing
                async for line in r.aiter_lines():
                    if line.startswith("id:"):
                        timing.last_event_id = line[3:].strip()
                    if not line.startswith("data:"):
                        continue
                    elapsed = (time.perf_counter() - started) * 1000
                    event = json.loads(line[5:])
                    kind = event.get("type")
                    if timing.first_event_ms is None:
                        timing.first_event_ms = elapsed
                    timing.started = timing.started or kind == "RUN_STARTED"
                    if (kind == "ACTIVITY_SNAPSHOT" and event.get("activityType") == "sarto.outfit"
                            and timing.first_outfit_ms is None):
                        timing.first_outfit_ms = elapsed
                    if kind == "RUN_ERROR":
                        timing.error = f"run error {event.get('code')}"
                        return timing
                    if kind == "RUN_FINISHED":
                        timing.turn_ms = elapsed
                        return timing
                timing.error = "stream ended before RUN_FINISHED"
    except TimeoutError:
        timing.error = f"timeout after {timeout_s:.0f} s"
    except httpx.HTTPError as exc:
        timing.error = f"{type(exc).__name__}: {exc}"
    return timing


async def resume(client: httpx.AsyncClient, token: str, timing: TurnTiming, timeout_s: float) -> str:
    """What a client whose stream was cut gets when it resumes the run on whichever worker answers:
    the terminal event's type and code, `not started` (404: the request never made a run)."""
    headers = {"Authorization": f"Bearer {token}", "Accept": "text/event-stream"}
    if timing.last_event_id:
        headers["Last-Event-ID"] = timing.last_event_id
    outcome = "stream ended without a terminal event"
    try:
        async with asyncio.timeout(timeout_s):
            async with client.stream("GET", f"/v1/runs/{timing.run_id}/events", headers=headers) as r:
                if r.status_code != 200:
                    await r.aread()
                    return "not started" if r.status_code == 404 else f"http {r.status_code}"
                async for line in r.aiter_lines():
                    if line.startswith("data:"):
                        event = json.loads(line[5:])
                        if event.get("type") == "RUN_ERROR":
                            return f"RUN_ERROR {event.get('code')}"
                        if event.get("type") == "RUN_FINISHED":
                            return "RUN_FINISHED"
    except TimeoutError:
        outcome = f"timeout after {timeout_s:.0f} s"
    except httpx.HTTPError as exc:
        outcome = f"{type(exc).__name__}: {exc}"
    return outcome


async def idle(client: httpx.AsyncClient, tokens: list[str], shoppers: list[dict[str, Any]],
               timeout_s: float) -> list[TurnTiming]:
    """One turn per shopper, strictly one after another: latency with nothing else running."""
    out = []
    for token, shopper in zip(tokens, shoppers, strict=True):
        out.append(await run_turn(client, token, shopper["id"], f"t-{uuid.uuid4().hex[:16]}",
                                  shopper["messages"][0], timeout_s))
    return out


async def reserve(client: httpx.AsyncClient, token: str, hold: dict[str, str]) -> str:
    """Hold one unit for pickup; a cut request is sent again with the same idempotency key, as a
    client would (the server answers the first reservation, never a second hold)."""
    body = {"store_code": hold["store_code"], "items": [{"variant_id": hold["variant_id"], "quantity": 1}],
            "idempotency_key": f"bench-{uuid.uuid4().hex}"}
    outcome = ""
    for _attempt in range(3):
        try:
            r = await client.post("/v1/reservations", json=body, headers={"Authorization": f"Bearer {token}"})
        except httpx.HTTPError as exc:
            outcome = f"{type(exc).__name__}"
            continue
        return {201: "held", 200: "held (replayed)"}.get(r.status_code, f"http {r.status_code}")
    return outcome


@dataclass
class Kill:
    """Kill runs: SIGKILL this worker `at_s` into the load window."""
    pid: int
    at_s: float
    done_at: float | None = None


async def load(client: httpx.AsyncClient, tokens: list[str], shoppers: list[dict[str, Any]],
               window_s: float, interval_s: float, timeout_s: float, seed: int,
               kill: Kill | None = None) -> list[TurnTiming]:
    """Every shopper sends a turn every `interval_s` (jittered start) in its own thread (conversation),
    waiting for each answer before the next, until `window_s` has passed. With `kill`, a worker dies
    mid-window and each shopper whose turn was cut does what the widget does: resumes the run, then
    sends the same message again in the same thread."""
    rnd = random.Random(seed)
    t0 = time.perf_counter()

    async def shopper_loop(token: str, shopper: dict[str, Any], offset: float) -> list[TurnTiming]:
        thread_id = f"t-{uuid.uuid4().hex[:16]}"
        timings, k = [], 0
        while (due := offset + k * interval_s) < window_s:
            wait = t0 + due - time.perf_counter()
            if wait > 0:
                await asyncio.sleep(wait)
            late = max(0.0, -wait) * 1000
            message = shopper["messages"][k % len(shopper["messages"])]
            timing = await run_turn(client, token, shopper["id"], thread_id, message, timeout_s)
            timing.late_ms = late
            if kill is not None and kill.done_at is not None and timing.error is not None:
                timing.resumed = await resume(client, token, timing, timeout_s)
                again = await run_turn(client, token, shopper["id"], thread_id, message, timeout_s)
                timing.retried = "RUN_FINISHED" if again.error is None else again.error
            if kill is not None and shopper.get("hold"):
                timing.reservation = await reserve(client, token, shopper["hold"])
            timings.append(timing)
            k += 1
        return timings

    async def killer(k: Kill) -> None:
        await asyncio.sleep(max(0.0, t0 + k.at_s - time.perf_counter()))
        os.kill(k.pid, signal.SIGKILL)
        k.done_at = time.perf_counter() - t0

    offsets = [rnd.uniform(0, interval_s) for _ in shoppers]
    killing = asyncio.create_task(killer(kill)) if kill is not None else None
    results = await asyncio.gather(*(shopper_loop(t, s, o)
                                     for t, s, o in zip(tokens, shoppers, offsets, strict=True)))
    if killing is not None:
        await killing
    return [t for per_shopper in results for t in per_shopper]


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    with open(args.plan) as fh:
        shoppers: list[dict[str, Any]] = json.load(fh)["shoppers"]
    # --fresh-connections: a new TCP connection per request, as many separate shoppers' browsers
    # make; with several workers on one socket, each connection goes to whichever worker accepts
    # first (a kept-alive pool would pin the load to the workers that happened to accept it)
    keepalive = 0 if args.fresh_connections else None
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=keepalive)
    timeout = httpx.Timeout(args.timeout, connect=10.0)
    async with httpx.AsyncClient(base_url=args.base, limits=limits, timeout=timeout) as client:
        tokens = await setup(client, args.api_key, shoppers)
        cpu0, client_cpu0, wall0 = server_cpu_s(args.server_pid), time.process_time(), time.perf_counter()
        busy0 = machine_busy_s()
        kill = Kill(args.kill_pid, args.kill_at) if args.kill_pid else None
        if args.mode == "idle":
            timings = await idle(client, tokens, shoppers, args.timeout)
        else:
            timings = await load(client, tokens, shoppers, args.window, args.interval, args.timeout,
                                 args.seed, kill)
        elapsed = time.perf_counter() - wall0
        cpu = server_cpu_s(args.server_pid) - cpu0
        busy = machine_busy_s() - busy0
    return {"mode": args.mode, "shoppers": len(shoppers), "elapsed_s": elapsed, "server_cpu_s": cpu,
            "machine_busy_s": busy, "killed_at_s": kill.done_at if kill else None,
            "client_cpu_s": time.process_time() - client_cpu0, "turns": [asdict(t) for t in timings]}


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--base", required=True, help="http://127.0.0.1:PORT")
    p.add_argument("--api-key", required=True)
    p.add_argument("--plan", required=True, help="JSON file: {shoppers: [{id, events, messages}]}")
    p.add_argument("--mode", choices=("idle", "load"), required=True)
    p.add_argument("--server-pid", type=int, required=True, help="whose CPU time to read")
    p.add_argument("--window", type=float, default=60.0, help="load: seconds during which turns start")
    p.add_argument("--interval", type=float, default=10.0, help="load: seconds between a shopper's turns")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds before a turn counts as failed")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--fresh-connections", action="store_true", help="no keep-alive: a connection per request")
    p.add_argument("--kill-pid", type=int, default=0, help="load: SIGKILL this worker during the window")
    p.add_argument("--kill-at", type=float, default=30.0, help="load: seconds into the window to kill")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if not args.base.startswith(("http://127.0.0.1:", "http://localhost:")):
        sys.exit("error: the load client only talks to 127.0.0.1")
    json.dump(asyncio.run(main_async(args)), sys.stdout)


if __name__ == "__main__":
    main()
