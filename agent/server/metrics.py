"""Prometheus metrics with `prometheus_client`, on a registry of the app's own (two apps in one
process, as in tests, never count into each other)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, exposition, generate_latest

CONTENT_TYPE = exposition.CONTENT_TYPE_LATEST
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    def __init__(self) -> None:
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
        """The Prometheus text exposition of every metric of this app."""
        return generate_latest(self.registry)
