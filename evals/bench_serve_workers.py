"""`sarto bench serve --workers 1,2`: the scale path, `sarto serve --workers N` on PostgreSQL + Redis,
driven by the same load client as the embedded benchmark (evals/bench_serve_client.py), with a new
connection per request, as separate shoppers make them: the workers share one socket and each
connection goes to the worker that accepts it first, as behind a load balancer.

- arms: for each N, the same stepped load until p95 turn > the limit or an error; arms run back to back
  in one benchmark run, on the same database, so they share the machine's state;
- kill: two workers under load, one SIGKILLed mid-window; every cut turn is resumed (expect
  `RUN_ERROR interrupted`) and sent again (expect it to finish); shoppers also hold units for pickup,
  and the held units are counted against the reservations afterwards;
- soak: one worker, a fixed number of shoppers for minutes; errors and the worker's RSS over time.
The load client, PostgreSQL and Redis share the machine's cores with the workers: each step reports
the machine's busy cores.
"""

from __future__ import annotations

import logging
import os
import random
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from evals.bench_serve import (
    REPO,
    STARTUP_TIMEOUT_S,
    Server,
    _free_port,
    _server_env,
    plan_shoppers,
    run_client,
    stop,
    summarize,
)

log = logging.getLogger(__name__)
DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/sarto_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"  # emptied at the start of every arm: the benchmark's own


def ensure_database(url: str) -> None:
    """Create the benchmark's PostgreSQL database when it does not exist yet."""
    from sqlalchemy import create_engine, make_url, text

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                       {"n": target.database})
            if not exists:
                connection.exec_driver_sql(f'CREATE DATABASE "{target.database}"')
    finally:
        admin.dispose()


def open_catalog(size: int, workdir: Path, database_url: str) -> Any:
    """The `sarto bench search` catalog of this size in PostgreSQL, its index in workdir; seeded and
    indexed once, reused by later runs."""
    from evals.bench_catalog import product_count, seed_catalog
    from tools.catalog.index import catalog_index
    from tools.db.shop import open_shop

    ensure_database(database_url)
    shop = open_shop(database_url, workdir / f"catalog-{size}-pg")
    if product_count(shop) != size:
        seed_catalog(shop, size, seed=7)
    catalog_index(shop).sync(progress=True)
    return shop


def clear_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()


@contextmanager
def running_workers(workers: int, data_dir: Path, database_url: str, redis_url: str,
                    log_file: Path) -> Iterator[Server]:
    """`sarto serve --workers N` on 127.0.0.1 and a free port, ready when every worker has started."""
    port, api_key = _free_port(), secrets.token_hex(16)
    env = {**_server_env(data_dir, api_key), "SARTO_DATABASE_URL": database_url, "SARTO_REDIS_URL": redis_url}
    cmd = [sys.executable, "-c", "from agent.cli import main; main()", "serve", "--host", "127.0.0.1",
           "--port", str(port), "--workers", str(workers)]
    offset = log_file.stat().st_size if log_file.exists() else 0
    with open(log_file, "ab") as out:
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", proc.pid, api_key)
    try:
        _wait_workers(server, proc, workers, log_file, offset)
        yield server
    finally:
        stop(proc, timeout_s=30)


def _wait_workers(server: Server, proc: subprocess.Popen[bytes], workers: int, log_file: Path,
                  offset: int) -> None:
    # the workers share one socket: /readyz answered by one says nothing of the others, so wait
    # until each has logged the end of its startup, then for /readyz
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"sarto serve exited with code {proc.returncode}; see {log_file}")
        with open(log_file, "rb") as fh:
            fh.seek(offset)
            started = fh.read().count(b"Application startup complete")
        if started >= workers:
            try:
                if httpx.get(f"{server.base}/readyz", timeout=5.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
        time.sleep(0.5)
    raise RuntimeError(f"the workers were not ready after {STARTUP_TIMEOUT_S:.0f} s; see {log_file}")


def worker_pids(server: Server) -> list[int]:
    """The processes that serve requests: the children of `sarto serve --workers N` (N > 1), or the
    process itself."""
    try:
        with open(f"/proc/{server.pid}/task/{server.pid}/children") as fh:
            children = [int(c) for c in fh.read().split()]
    except OSError:
        return []
    workers = []
    for pid in children:
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"spawn_main" in cmdline and b"resource_tracker" not in cmdline:
            workers.append(pid)
    return workers or [server.pid]


def rss_mb(pid: int) -> float:
    match = re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
    return int(match.group(1)) / 1024 if match else 0.0


def _warm(server: Server, shop: Any, workdir: Path, run: str, workers: int) -> None:
    # a short load on several connections, so every worker pays for its lazy imports and caches
    warm = plan_shoppers(shop, 4 * workers, 3, f"wk{run}-warm{workers}", seed=1)
    run_client(server, warm, "load", workdir, window_s=6.0, interval_s=2.0, fresh_connections=True)


def run_arms(size: int, workdir: Path, arms: list[int], levels: tuple[int, ...], window_s: float,
             interval_s: float, p95_limit_ms: float, database_url: str,
             redis_url: str) -> list[dict[str, Any]]:
    """Each arm: N workers, stepped load until a level fails; capacity = the largest level passed."""
    shop = open_catalog(size, workdir, database_url)
    run = secrets.token_hex(3)
    turns_each = max(1, int(window_s // interval_s) + 1)
    reports = []
    for workers in arms:
        clear_redis(redis_url)
        report: dict[str, Any] = {"workers": workers, "levels": []}
        with tempfile.TemporaryDirectory(dir=workdir) as tmp, \
                running_workers(workers, shop.data_dir, database_url, redis_url,
                                workdir / "bench-serve-workers.log") as server:
            _warm(server, shop, Path(tmp), run, workers)
            best: dict[str, Any] | None = None
            for c in sorted(levels):
                shoppers = plan_shoppers(shop, c, turns_each, f"wk{run}-n{workers}-c{c}", seed=100 + c)
                level = summarize(run_client(server, shoppers, "load", Path(tmp), window_s=window_s,
                                             interval_s=interval_s, seed=c, fresh_connections=True))
                level["passed"] = level["errors"] == 0 and level["turn_p95_ms"] <= p95_limit_ms
                report["levels"].append(level)
                log.info("%d workers, %d shoppers: %s", workers, c, level)
                if not level["passed"]:
                    break
                best = level
        report["capacity_shoppers"] = best["shoppers"] if best else 0
        report["capacity_turns_per_s"] = best["turns_per_s"] if best else 0.0
        reports.append(report)
    return reports


def format_arms(reports: list[dict[str, Any]], command: str, p95_limit_ms: float) -> str:
    lines = [f"`{command}`", "",
             "| workers | shoppers | turns | errors | turns/s | first event p95 ms | turn p50 ms "
             "| turn p95 ms | turn max ms | server CPU ms/turn | machine busy cores | pass |",
             "|---:" * 11 + "|---|"]
    for r in reports:
        for lv in r["levels"]:
            cells = [r["workers"], lv["shoppers"], lv["turns"], lv["errors"], f"{lv['turns_per_s']:.1f}",
                     f"{lv['first_event_p95_ms']:.0f}", f"{lv['turn_p50_ms']:.0f}",
                     f"{lv['turn_p95_ms']:.0f}", f"{lv['turn_max_ms']:.0f}",
                     f"{lv['server_cpu_ms_per_turn']:.0f}", f"{lv['machine_busy_cores']:.2f}",
                     "yes" if lv["passed"] else "no"]
            lines.append("| " + " | ".join(map(str, cells)) + " |")
    lines.append("")
    for r in reports:
        lines.append(f"- {r['workers']} worker(s): capacity **{r['capacity_shoppers']} shoppers** "
                     f"({r['capacity_turns_per_s']:.1f} turns/s; pass = p95 turn <= {p95_limit_ms:.0f} ms, "
                     f"0 errors)")
    if len(reports) >= 2 and reports[0]["capacity_shoppers"]:
        ratio = reports[-1]["capacity_shoppers"] / reports[0]["capacity_shoppers"]
        lines.append(f"- {reports[-1]['workers']} vs {reports[0]['workers']} worker(s): **{ratio:.2f}×**")
    return "\n".join(lines)


def _held_units(shop: Any) -> tuple[int, int]:
    """Units reserved in the stock rows, and units in reservations still held."""
    from sqlalchemy import func, select

    from tools.db.engine import session_scope
    from tools.db.models import Inventory, Reservation, ReservationItem

    with session_scope(shop.engine) as session:
        reserved = session.scalar(select(func.coalesce(func.sum(Inventory.reserved), 0)))
        held = session.scalar(select(func.coalesce(func.sum(ReservationItem.quantity), 0))
                              .join(Reservation).where(Reservation.status == "held"))
    return int(reserved or 0), int(held or 0)


def _holds(shop: Any, count: int, seed: int, units: int) -> list[dict[str, str]]:
    """Distinct (store, variant) pairs with `units` free to hold, one per shopper."""
    from sqlalchemy import select

    from tools.db.engine import session_scope
    from tools.db.models import Inventory

    with session_scope(shop.engine) as session:
        rows = session.execute(select(Inventory.location, Inventory.variant_id)
                               .where(Inventory.location != "online",
                                      Inventory.quantity - Inventory.reserved >= units)
                               .order_by(Inventory.variant_id, Inventory.location)
                               .limit(count * 20)).all()
    picked = random.Random(seed).sample(rows, min(count, len(rows)))
    return [{"store_code": loc, "variant_id": vid} for loc, vid in picked]


def run_kill(size: int, workdir: Path, shoppers_count: int, window_s: float, interval_s: float,
             kill_at_s: float, database_url: str, redis_url: str) -> dict[str, Any]:
    """Two workers under load; one SIGKILLed `kill_at_s` into the window; counts of what the shoppers got."""
    shop = open_catalog(size, workdir, database_url)
    run = secrets.token_hex(3)
    clear_redis(redis_url)
    turns_each = max(1, int(window_s // interval_s) + 1)
    shoppers = plan_shoppers(shop, shoppers_count, turns_each, f"kl{run}", seed=300)
    for shopper, hold in zip(shoppers, _holds(shop, len(shoppers), seed=300, units=turns_each), strict=False):
        shopper["hold"] = hold
    reserved0, held0 = _held_units(shop)
    with tempfile.TemporaryDirectory(dir=workdir) as tmp, \
            running_workers(2, shop.data_dir, database_url, redis_url,
                            workdir / "bench-serve-workers.log") as server:
        _warm(server, shop, Path(tmp), run, 2)
        victim = worker_pids(server)[0]
        out = run_client(server, shoppers, "load", Path(tmp), window_s=window_s, interval_s=interval_s,
                         seed=7, kill_pid=victim, kill_at_s=kill_at_s, fresh_connections=True)
    reserved1, held1 = _held_units(shop)
    turns = out["turns"]
    cut = [t for t in turns if t["error"] is not None and t["resumed"] is not None]
    interrupted = "RUN_ERROR interrupted"
    holds = [t["reservation"] for t in turns if t["reservation"] is not None]
    return {"shoppers": shoppers_count, "window_s": window_s, "killed_at_s": out["killed_at_s"],
            "turns": len(turns), "completed": sum(1 for t in turns if t["error"] is None),
            "errors_not_cut": sum(1 for t in turns if t["error"] is not None and t["resumed"] is None),
            "cut": len(cut), "cut_started": sum(1 for t in cut if t["started"]),
            "resumed_interrupted": sum(1 for t in cut if t["started"] and t["resumed"] == interrupted),
            "resumed_other": sorted({t["resumed"] for t in cut
                                     if t["started"] and t["resumed"] != interrupted}),
            "cut_not_started_404": sum(1 for t in cut if not t["started"] and t["resumed"] == "not started"),
            "retried_finished": sum(1 for t in cut if t["retried"] == "RUN_FINISHED"),
            "retried_other": sorted({t["retried"] for t in cut if t["retried"] != "RUN_FINISHED"}),
            "holds": len(holds), "holds_made": sum(1 for h in holds if h.startswith("held")),
            "holds_replayed": sum(1 for h in holds if h == "held (replayed)"),
            "holds_refused": sorted({h for h in holds if not h.startswith("held")}),
            "reserved_delta": reserved1 - reserved0, "held_delta": held1 - held0,
            "orphaned_units": (reserved1 - reserved0) - (held1 - held0)}


def format_kill(k: dict[str, Any], command: str) -> str:
    return "\n".join([
        f"`{command}`", "",
        "| measure | count |", "|---|---:|",
        f"| shoppers / turns sent (first attempts) | {k['shoppers']} / {k['turns']} |",
        f"| worker SIGKILLed at (s into the window) | {k['killed_at_s']:.1f} |",
        f"| turns that finished untouched | {k['completed']} |",
        f"| turns cut by the kill | {k['cut']} |",
        f"| … of which had started (RUN_STARTED): resumed → RUN_ERROR interrupted | "
        f"{k['resumed_interrupted']} of {k['cut_started']} |",
        f"| … of which never made a run (resume → 404) | {k['cut_not_started_404']} |",
        f"| cut turns sent again in the same thread → RUN_FINISHED | {k['retried_finished']} of {k['cut']} |",
        f"| other errors | {k['errors_not_cut']} |",
        f"| holds for pickup sent / made (of which answered by a replay) | {k['holds']} / {k['holds_made']} "
        f"({k['holds_replayed']}) |",
        f"| units reserved in stock rows, change / units in held reservations, change | "
        f"{k['reserved_delta']} / {k['held_delta']} |",
        f"| **held units orphaned** | **{k['orphaned_units']}** |", "",
        *([f"Other resume outcomes: {', '.join(k['resumed_other'])}"] if k["resumed_other"] else []),
        *([f"Other retry outcomes: {', '.join(k['retried_other'])}"] if k["retried_other"] else []),
        *([f"Holds refused: {', '.join(k['holds_refused'])}"] if k["holds_refused"] else []),
    ])


def run_soak(size: int, workdir: Path, shoppers_count: int, seconds: float, interval_s: float,
             database_url: str, redis_url: str, sample_s: float = 30.0) -> dict[str, Any]:
    """One worker, `shoppers_count` shoppers for `seconds`; the worker's RSS sampled through it."""
    shop = open_catalog(size, workdir, database_url)
    run = secrets.token_hex(3)
    clear_redis(redis_url)
    turns_each = max(1, int(seconds // interval_s) + 1)
    shoppers = plan_shoppers(shop, shoppers_count, turns_each, f"sk{run}", seed=500)
    samples: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory(dir=workdir) as tmp, \
            running_workers(1, shop.data_dir, database_url, redis_url,
                            workdir / "bench-serve-workers.log") as server:
        _warm(server, shop, Path(tmp), run, 1)
        pid = worker_pids(server)[0]
        stop = threading.Event()
        t0 = time.monotonic()

        def sample() -> None:
            while True:
                samples.append((time.monotonic() - t0, rss_mb(pid)))
                if stop.wait(sample_s):
                    return

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            level = summarize(run_client(server, shoppers, "load", Path(tmp), window_s=seconds,
                                         interval_s=interval_s, seed=5, fresh_connections=True))
        finally:
            stop.set()
            sampler.join()
        samples.append((time.monotonic() - t0, rss_mb(pid)))
    first, last = samples[0][1], samples[-1][1]
    return {"level": level, "samples": samples, "rss_start_mb": first, "rss_end_mb": last,
            "rss_growth": (last - first) / first if first else 0.0, "seconds": seconds}


def format_soak(s: dict[str, Any], command: str) -> str:
    lv = s["level"]
    series = ", ".join(f"{t:.0f} s: {mb:.0f}" for t, mb in s["samples"])
    return "\n".join([
        f"`{command}`", "",
        "| shoppers | seconds | turns | errors | turn p50 ms | turn p95 ms | turn max ms | RSS start MB "
        "| RSS end MB | RSS growth | machine busy cores |", "|---:" * 11 + "|",
        "| " + " | ".join(map(str, [
            lv["shoppers"], f"{s['seconds']:.0f}", lv["turns"], lv["errors"], f"{lv['turn_p50_ms']:.0f}",
            f"{lv['turn_p95_ms']:.0f}", f"{lv['turn_max_ms']:.0f}", f"{s['rss_start_mb']:.0f}",
            f"{s['rss_end_mb']:.0f}", f"{s['rss_growth'] * 100:+.1f}%",
            f"{lv['machine_busy_cores']:.2f}"])) + " |",
        "",
        f"Worker RSS over the soak (MB): {series}.",
        *([f"Errors: {', '.join(lv['error_examples'])}"] if lv["errors"] else []),
    ])


def machine_line() -> str:
    import platform

    return (f"Machine: {os.cpu_count()} cores, no GPU, {platform.platform()}; 1-min load at start "
            f"{os.getloadavg()[0]:.2f}. PostgreSQL, Redis, the load client and the workers share "
            "these cores.")
