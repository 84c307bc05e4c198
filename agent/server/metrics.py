"""Prometheus metrics with `prometheus_client`, on a registry of the app's own (two apps in one
process, as in tests, never count into each other), or summed over every worker of `sarto serve
--workers N` through prometheus_client's multiprocess directory."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Histogram, exposition, generate_latest, multiprocess

CONTENT_TYPE = exposition.CONTENT_TYPE_LATEST
MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"  # prometheus_client's own name for it
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    def __init__(self) -> None:
        # prometheus_client decides when it is imported: with this variable set every value is
        # written to a file of this process in that directory, and a scrape must read them all
        self.multiprocess_dir = os.environ.get(MULTIPROCESS_DIR) or None
        self.registry = CollectorRegistry()
        self.requests = Counter("sarto_http_requests", "HTTP requests by route and status",
                                ("method", "route", "status"), registry=self.registry)
        self.runs_started = Counter("sarto_runs_started", "Assistant runs started", registry=self.registry)
        self.runs_finished = Counter("sarto_runs_finished",
                                     "Assistant runs ended, by status (finished, interrupted, error, "
                                     "cancelled)", ("status",), registry=self.registry)
        self.time_to_first_event = Histogram("sarto_run_time_to_first_event_seconds",
                                             "From run start to the assistant's first event",
                                             buckets=_LATENCY_BUCKETS, registry=self.registry)
        self.turn_duration = Histogram("sarto_run_duration_seconds", "Whole turn duration",
                                       buckets=_LATENCY_BUCKETS, registry=self.registry)
        self.request_duration = Histogram("sarto_http_request_duration_seconds",
                                          "HTTP handling time until the response starts",
                                          buckets=_LATENCY_BUCKETS, registry=self.registry)

    def render(self) -> bytes:
        """The Prometheus text exposition of every metric of this app, or of every worker's."""
        if self.multiprocess_dir is None:
            return generate_latest(self.registry)
        # a fresh registry per scrape, as prometheus_client prescribes: the collector reads the
        # files as they are now, and the per-app registry would add this worker's values twice
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=self.multiprocess_dir)
        return generate_latest(registry)


def share_between_workers() -> tuple[Path, bool]:
    """Give the workers about to be spawned one metrics directory (they inherit os.environ and read
    it when they import prometheus_client): the operator's PROMETHEUS_MULTIPROC_DIR, emptied of a
    previous run's files, or a private temporary one. Returns it and whether it is the operator's."""
    given = os.environ.get(MULTIPROCESS_DIR)
    if not given:
        private = Path(tempfile.mkdtemp(prefix="sarto-metrics-"))
        os.environ[MULTIPROCESS_DIR] = str(private)
        return private, False
    path = Path(given)
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):  # only prometheus_client's files: a previous run's counts
        stale.unlink()
    return path, True
