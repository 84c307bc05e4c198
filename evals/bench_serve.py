"""`sarto bench serve`: the assistant over real HTTP. One uvicorn worker on 127.0.0.1 serves a benchmark
catalog; a separate client process (evals/bench_serve_client.py) measures time to the first SSE event,
to the first outfit card and to the end of the turn, idle and under a stepped load of shoppers who
each send a turn every 10 s, and reports the most shoppers one worker sustains (p95 turn <= 1 s, no
errors). Prints a markdown table.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from evals.metrics import percentile_or_nan as pct

log = logging.getLogger(__name__)
REPO = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT_S = 180.0  # the worker opens the database, index and embedding model before listening


def serve_app() -> Any:
    """uvicorn `--factory` target: the app exactly as `sarto serve` builds it, configured by SARTO_*."""
    from agent.server.app import create_app
    from agent.settings import Settings

    return create_app(Settings())


@dataclass
class Server:
    base: str
    pid: int
    api_key: str


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _server_env(data_dir: Path, api_key: str) -> dict[str, str]:
    # the deterministic planner and this catalog only; SARTO_TURN_WORKERS passes, to compare settings
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SARTO_", "OPENAI_")) or k == "SARTO_TURN_WORKERS"}
    env.update(SARTO_DATA_DIR=str(data_dir.resolve()), SARTO_API_KEY=api_key,
               SARTO_TOKEN_SECRET=secrets.token_hex(32), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               ANONYMIZED_TELEMETRY="False", PYTHONPATH=str(REPO))
    return env


@contextmanager
def running_server(data_dir: Path, log_file: Path) -> Iterator[Server]:
    """One uvicorn worker (one process) on 127.0.0.1 and a free port; stopped on exit."""
    port, api_key = _free_port(), secrets.token_hex(16)
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "evals.bench_serve:serve_app", "--host", "127.0.0.1",
           "--port", str(port), "--log-level", "warning", "--no-access-log", "--no-proxy-headers"]
    with open(log_file, "ab") as out:
        proc = subprocess.Popen(cmd, cwd=REPO, env=_server_env(data_dir, api_key), stdout=out,
                                stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", proc.pid, api_key)
    try:
        _wait_ready(server, proc)
        yield server
    finally:
        stop(proc, timeout_s=20)


def stop(proc: subprocess.Popen[bytes], timeout_s: float) -> None:
    """SIGTERM (uvicorn finishes its requests and stops its workers), SIGKILL after `timeout_s`."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _wait_ready(server: Server, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with code {proc.returncode} before it was ready")
        try:
            if httpx.get(f"{server.base}/healthz", timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"the server was not ready after {STARTUP_TIMEOUT_S:.0f} s")


def plan_shoppers(shop: Any, count: int, turns_each: int, prefix: str, seed: int) -> list[dict[str, Any]]:
    """Distinct shoppers, each with recent browsing events and `turns_each` distinct messages
    (goals, sizes, budgets, cities vary), from the same generator as `sarto bench turn`."""
    from evals.bench_turn import NOW, _turns

    turns = _turns(shop, count * turns_each, seed)
    shoppers = []
    for i in range(count):
        mine = turns[i * turns_each:(i + 1) * turns_each]
        events = [{"type": e["type"], "sku": e["sku"],
                   "days_ago": round((NOW - datetime.fromisoformat(e["at"])).total_seconds() / 86400, 3)}
                  for e in mine[0]["events"]]
        shoppers.append({"id": f"{prefix}-{i}", "events": events, "messages": [t["message"] for t in mine]})
    return shoppers


def run_client(server: Server, shoppers: list[dict[str, Any]], mode: str, workdir: Path,
               window_s: float = 60.0, interval_s: float = 10.0, timeout_s: float = 30.0,
               seed: int = 0, kill_pid: int = 0, kill_at_s: float = 0.0,
               fresh_connections: bool = False) -> dict[str, Any]:
    """The load client in its own process; returns its JSON (per-turn timings, server CPU). With
    `kill_pid`, the client SIGKILLs that worker `kill_at_s` into the window and recovers cut turns."""
    plan = workdir / f"plan-{mode}-{len(shoppers)}-{secrets.token_hex(3)}.json"
    plan.write_text(json.dumps({"shoppers": shoppers}))
    cmd = [sys.executable, "-m", "evals.bench_serve_client", "--base", server.base, "--api-key",
           server.api_key, "--plan", str(plan), "--mode", mode, "--server-pid", str(server.pid),
           "--window", str(window_s), "--interval", str(interval_s), "--timeout", str(timeout_s),
           "--seed", str(seed)]
    if kill_pid:
        cmd += ["--kill-pid", str(kill_pid), "--kill-at", str(kill_at_s)]
    if fresh_connections:
        cmd.append("--fresh-connections")
    bound = len(shoppers) * (timeout_s + 5) if mode == "idle" else window_s + 3 * timeout_s + 120
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=bound,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    plan.unlink(missing_ok=True)
    if done.returncode != 0:
        raise RuntimeError(f"the load client failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def summarize(client_out: dict[str, Any]) -> dict[str, Any]:
    """Percentiles over the finished turns; errors counted (with up to 3 examples)."""
    turns = client_out["turns"]
    ok = [t for t in turns if t["error"] is None]
    errors = [t["error"] for t in turns if t["error"] is not None]
    first = [t["first_event_ms"] for t in ok]
    outfit = [t["first_outfit_ms"] for t in ok if t["first_outfit_ms"] is not None]
    whole = [t["turn_ms"] for t in ok]
    elapsed = client_out["elapsed_s"]
    return {"shoppers": client_out["shoppers"], "turns": len(turns), "errors": len(errors),
            "error_examples": sorted(set(errors))[:3], "outfit_turns": len(outfit),
            "first_event_p50_ms": pct(first, 50), "first_event_p95_ms": pct(first, 95),
            "first_outfit_p50_ms": pct(outfit, 50), "first_outfit_p95_ms": pct(outfit, 95),
            "turn_p50_ms": pct(whole, 50), "turn_p95_ms": pct(whole, 95),
            "turn_max_ms": max(whole or [0.0]),
            "late_turns": sum(1 for t in turns if t["late_ms"] > 1.0),
            "turns_per_s": len(ok) / elapsed if elapsed > 0 else 0.0, "elapsed_s": elapsed,
            "server_cpu_ms_per_turn": client_out["server_cpu_s"] * 1000 / max(1, len(turns)),
            "server_cpu_share": client_out["server_cpu_s"] / elapsed if elapsed > 0 else 0.0,
            "client_cpu_s": client_out["client_cpu_s"],
            "machine_busy_cores": client_out["machine_busy_s"] / elapsed if elapsed > 0 else 0.0}


def _open_catalog(size: int, workdir: Path) -> Any:
    """The `sarto bench search` catalog of this size: reused when seeded and indexed, else built."""
    folder = workdir / f"catalog-{size}"
    if (folder / "bench-index.json").exists() and (folder / "sarto.db").exists():
        from tools.db.engine import sqlite_url
        from tools.db.shop import open_shop

        return open_shop(sqlite_url(folder), folder)
    from evals.bench_search import _build

    return _build(size, workdir)[0]


def run_serve_benchmark(sizes: list[int], workdir: Path, idle_turns: int = 100,
                        levels: tuple[int, ...] = (25, 50, 100, 150, 200), window_s: float = 60.0,
                        interval_s: float = 10.0, p95_limit_ms: float = 1000.0, data_dir: Path | None = None,
                        echo: bool = True) -> list[dict[str, Any]]:
    """Per catalog: idle latency, then load levels in increasing order until one misses p95 or errs.
    `data_dir` (a seeded, indexed data folder) replaces the benchmark catalogs, e.g. in tests."""
    workdir.mkdir(parents=True, exist_ok=True)
    run = secrets.token_hex(3)  # fresh shopper ids on every run, so reruns on a catalog do not pile up
    reports = []
    targets = [(None, data_dir)] if data_dir is not None else [(size, None) for size in sizes]
    for size, folder in targets:
        if folder is None:
            assert size is not None
            shop = _open_catalog(size, workdir)
        else:
            from tools.db.engine import sqlite_url
            from tools.db.shop import open_shop

            shop = open_shop(sqlite_url(folder), folder)
        from evals.bench_catalog import product_count

        report: dict[str, Any] = {"products": product_count(shop), "window_s": window_s,
                                  "interval_s": interval_s, "p95_limit_ms": p95_limit_ms, "levels": []}
        with tempfile.TemporaryDirectory(dir=workdir) as tmp, \
                running_server(shop.data_dir, workdir / "bench-serve-server.log") as server:
            tmpdir = Path(tmp)
            warm = plan_shoppers(shop, 3, 1, f"sv{run}-warm", seed=1)
            run_client(server, warm, "idle", tmpdir)  # first turns pay for lazy imports and caches
            idle = summarize(run_client(server, plan_shoppers(shop, idle_turns, 1, f"sv{run}-idle", seed=2),
                                        "idle", tmpdir))
            report["idle"] = idle
            log.info("idle: %s", idle)
            turns_each = max(1, int(window_s // interval_s) + 1)
            best: dict[str, Any] | None = None
            for c in sorted(levels):
                shoppers = plan_shoppers(shop, c, turns_each, f"sv{run}-c{c}", seed=100 + c)
                level = summarize(run_client(server, shoppers, "load", tmpdir, window_s=window_s,
                                             interval_s=interval_s, seed=c))
                level["passed"] = level["errors"] == 0 and level["turn_p95_ms"] <= p95_limit_ms
                report["levels"].append(level)
                log.info("load %d: %s", c, level)
                if not level["passed"]:
                    break
                best = level
            report["capacity_shoppers"] = best["shoppers"] if best else 0
            report["capacity_turns_per_s"] = best["turns_per_s"] if best else 0.0
        reports.append(report)
    if echo:
        print(format_report(reports, idle_turns, levels, window_s, interval_s))  # the benchmark's product
    return reports


def format_report(reports: list[dict[str, Any]], idle_turns: int, levels: tuple[int, ...], window_s: float,
                  interval_s: float) -> str:
    sizes = ",".join(str(r["products"]) for r in reports)
    lines = [f"Machine: {os.cpu_count()} cores, no GPU, {platform.platform()}; one uvicorn worker on "
             f"127.0.0.1, load client in a separate process; `sarto bench serve --sizes {sizes} "
             f"--idle-turns {idle_turns} --levels {','.join(map(str, levels))} --window {window_s:g} "
             f"--interval {interval_s:g}`", ""]
    for r in reports:
        i = r["idle"]
        lines += [f"### {r['products']:,} products", "",
                  f"Idle ({i['turns']} sequential turns, distinct shoppers and messages; "
                  f"{i['errors']} errors; {i['outfit_turns']} turns with an outfit card):", "",
                  "| measure | p50 ms | p95 ms |", "|---|---:|---:|",
                  f"| first SSE event (RUN_STARTED) | {i['first_event_p50_ms']:.1f} | "
                  f"{i['first_event_p95_ms']:.1f} |",
                  f"| first outfit card (ACTIVITY_SNAPSHOT sarto.outfit) | {i['first_outfit_p50_ms']:.1f} | "
                  f"{i['first_outfit_p95_ms']:.1f} |",
                  f"| whole turn (RUN_FINISHED) | {i['turn_p50_ms']:.1f} | {i['turn_p95_ms']:.1f} |", "",
                  f"Server CPU per idle turn: {i['server_cpu_ms_per_turn']:.0f} ms; machine busy "
                  f"{i['machine_busy_cores']:.2f} of {os.cpu_count()} cores during the idle run.", "",
                  f"Load (each shopper sends a turn every {r['interval_s']:g} s, jittered start, for "
                  f"{r['window_s']:g} s; pass = p95 turn <= {r['p95_limit_ms']:.0f} ms and zero errors):", "",
                  "| shoppers | turns | errors | turns/s | first event p95 ms | first outfit p95 ms "
                  "| turn p50 ms | turn p95 ms | turn max ms | server CPU ms/turn | server CPU % of a core "
                  "| machine busy cores | pass |", "|---:" * 12 + "|---|"]
        for lv in r["levels"]:
            lines.append(f"| {lv['shoppers']} | {lv['turns']} | {lv['errors']} | {lv['turns_per_s']:.1f} | "
                         f"{lv['first_event_p95_ms']:.0f} | {lv['first_outfit_p95_ms']:.0f} | "
                         f"{lv['turn_p50_ms']:.0f} | {lv['turn_p95_ms']:.0f} | {lv['turn_max_ms']:.0f} | "
                         f"{lv['server_cpu_ms_per_turn']:.0f} | {lv['server_cpu_share'] * 100:.0f} | "
                         f"{lv['machine_busy_cores']:.2f} | "
                         f"{'yes' if lv['passed'] else 'no'} |")
        failed = [lv for lv in r["levels"] if not lv["passed"]]
        why = ", ".join(failed[0]["error_examples"]) or "p95 over the limit" if failed else ""
        lines += ["", f"Capacity of one worker: **{r['capacity_shoppers']} concurrent shoppers** "
                      f"({r['capacity_turns_per_s']:.1f} turns/s)"
                  + (f"; the next level failed ({why})." if failed
                     else "; no tested level failed (raise --levels to find the limit)."), ""]
    return "\n".join(lines)
