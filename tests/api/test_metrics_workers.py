"""`sarto serve --workers 2`: /metrics sums both workers' counts (prometheus_client's multiprocess
files), whichever worker answers the scrape, and a previous run's files are not counted."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from agent.server.metrics import MULTIPROCESS_DIR, share_between_workers
from api.conftest import API_KEY, require_redis
from api.live import free_port

REDIS_URL = "redis://127.0.0.1:6379/12"
REQUESTS = 40
ROUTE = "/healthz"  # cheap, and not called while the fixture waits for the workers


@dataclass
class Served:
    base: str
    metrics_dir: Path
    stale_pid: int  # the process that wrote a "previous run's" file before the server started


def _previous_run(metrics_dir: Path) -> int:
    """What a last run leaves in the operator's directory: 1000 requests to ROUTE, counted by a
    process that has exited. Returns its pid."""
    script = ("from prometheus_client import Counter; Counter('sarto_http_requests', 'old run', "
              f"('method', 'route', 'status')).labels('GET', '{ROUTE}', '200').inc(1000)")
    subprocess.run([sys.executable, "-c", script], env={**os.environ, MULTIPROCESS_DIR: str(metrics_dir)},
                   check=True)
    (left,) = metrics_dir.glob("counter_*.db")
    return int(left.stem.split("_")[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    require_redis(REDIS_URL)
    from catalog_seed.load import seed_shop
    from tools.db.engine import sqlite_url
    from tools.db.shop import open_shop

    folder = tmp_path_factory.mktemp("metrics-workers")
    shop = open_shop(sqlite_url(folder), folder)
    seed_shop(shop, products=300, seed=3, build_index=True, progress=False)
    shop.engine.dispose()
    metrics_dir = folder / "metrics"
    metrics_dir.mkdir()
    stale_pid = _previous_run(metrics_dir)
    port = free_port()
    env = {**os.environ, "SARTO_DATA_DIR": str(folder), "SARTO_REDIS_URL": REDIS_URL,
           "SARTO_API_KEY": API_KEY, "HF_HUB_OFFLINE": "1", "SARTO_ENV": "development",
           MULTIPROCESS_DIR: str(metrics_dir)}
    log = folder / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-c", "from agent.cli import main; main()", "serve",
                                 "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
                                env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        # both workers, not just the first: the other would otherwise get none of the requests
        while log.read_text().count("Application startup complete") < 2 or not _ready(base):
            assert proc.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, "two workers not ready in 120 s:\n" + log.read_text()[-3000:]
            time.sleep(0.5)
        yield Served(base, metrics_dir, stale_pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _ready(base: str) -> bool:
    try:
        return httpx.get(f"{base}/readyz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _scraped_total(base: str) -> float:
    text = httpx.get(f"{base}/metrics", timeout=10).text  # a new connection: either worker answers
    return sum(sample.value for family in text_string_to_metric_families(text)
               if family.name == "sarto_http_requests"
               for sample in family.samples
               if sample.name == "sarto_http_requests_total" and sample.labels["route"] == ROUTE)


def _counted_per_pid(metrics_dir: Path) -> dict[int, float]:
    """What each worker counted for ROUTE, read from its own file."""
    counted = {}
    for path in metrics_dir.glob("counter_*.db"):
        counted[int(path.stem.split("_")[1])] = sum(
            sample.value for metric in MultiProcessCollector.merge([str(path)])
            for sample in metric.samples
            if sample.name == "sarto_http_requests_total" and sample.labels["route"] == ROUTE)
    return counted


@pytest.mark.slow
def test_every_scrape_reports_the_requests_both_workers_answered(served: Served) -> None:
    for _ in range(REQUESTS):  # each on a new connection, so the kernel hands them to either worker
        assert httpx.get(f"{served.base}{ROUTE}", timeout=10).status_code == 200
    scrapes = [_scraped_total(served.base) for _ in range(8)]
    per_worker = {pid: n for pid, n in _counted_per_pid(served.metrics_dir).items() if n}
    assert len(per_worker) == 2, f"{ROUTE} requests counted per process: {per_worker}"
    assert sum(per_worker.values()) == REQUESTS
    assert scrapes == [REQUESTS] * len(scrapes), (scrapes, per_worker)


@pytest.mark.slow
def test_the_previous_runs_files_are_wiped_at_start(served: Served) -> None:
    assert not (served.metrics_dir / f"counter_{served.stale_pid}.db").exists()


def test_without_an_operators_directory_the_workers_get_a_private_one(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MULTIPROCESS_DIR, "")  # recorded: afterwards it is restored, or removed
    monkeypatch.delenv(MULTIPROCESS_DIR)
    path, operators = share_between_workers()
    try:
        assert not operators and path.name.startswith("sarto-metrics-")
        assert os.environ[MULTIPROCESS_DIR] == str(path) and not any(path.iterdir())
    finally:
        path.rmdir()
