"""Prometheus text exposition, by hand: a handful of counters and histograms, no dependency."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


def _labels(names: tuple[str, ...], values: tuple[str, ...]) -> str:
    if not names:
        return ""
    pairs = ",".join(f'{n}="{_escape(v)}"' for n, v in zip(names, values, strict=True))
    return "{" + pairs + "}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


class Counter:
    def __init__(self, name: str, help_: str, labelnames: tuple[str, ...] = ()) -> None:
        self.name, self.help, self.labelnames = name, help_, labelnames
        self._values: dict[tuple[str, ...], float] = defaultdict(float)
        self._lock = threading.Lock()

    def labels(self, **labels: str) -> _Bound:
        return _Bound(self, tuple(str(labels[n]) for n in self.labelnames))

    def inc(self, amount: float = 1.0, key: tuple[str, ...] = ()) -> None:
        with self._lock:
            self._values[key] += amount

    def value(self, **labels: str) -> float:
        return self._values.get(tuple(str(labels[n]) for n in self.labelnames), 0.0)

    def render(self) -> Iterable[str]:
        yield f"# HELP {self.name} {self.help}"
        yield f"# TYPE {self.name} counter"
        for key, value in sorted(self._values.items()):
            yield f"{self.name}{_labels(self.labelnames, key)} {value:g}"


class _Bound:
    def __init__(self, counter: Counter, key: tuple[str, ...]) -> None:
        self.counter, self.key = counter, key

    def inc(self, amount: float = 1.0) -> None:
        self.counter.inc(amount, self.key)


class Histogram:
    def __init__(self, name: str, help_: str, buckets: tuple[float, ...] = _LATENCY_BUCKETS) -> None:
        self.name, self.help, self.buckets = name, help_, buckets
        self._counts = [0] * len(buckets)
        self._sum = 0.0
        self._count = 0
        self._lock = threading.Lock()

    def observe(self, seconds: float) -> None:
        with self._lock:
            self._sum += seconds
            self._count += 1
            for i, bound in enumerate(self.buckets):
                if seconds <= bound:
                    self._counts[i] += 1

    @property
    def count(self) -> int:
        return self._count

    def render(self) -> Iterable[str]:
        yield f"# HELP {self.name} {self.help}"
        yield f"# TYPE {self.name} histogram"
        for bound, count in zip(self.buckets, self._counts, strict=True):
            yield f'{self.name}_bucket{{le="{bound:g}"}} {count}'
        yield f'{self.name}_bucket{{le="+Inf"}} {self._count}'
        yield f"{self.name}_sum {self._sum:.6f}"
        yield f"{self.name}_count {self._count}"


class Metrics:
    def __init__(self) -> None:
        self.requests = Counter("sarto_http_requests_total", "HTTP requests by route and status",
                                ("method", "route", "status"))
        self.runs_started = Counter("sarto_runs_started_total", "Assistant runs started")
        self.runs_finished = Counter("sarto_runs_finished_total",
                                     "Assistant runs ended, by status (finished, interrupted, error, "
                                     "cancelled)", ("status",))
        self.time_to_first_event = Histogram("sarto_run_time_to_first_event_seconds",
                                             "From run start to the assistant's first event")
        self.turn_duration = Histogram("sarto_run_duration_seconds", "Whole turn duration")
        self.request_duration = Histogram("sarto_http_request_duration_seconds",
                                          "HTTP handling time until the response starts")

    def render(self) -> str:
        lines: list[str] = []
        for metric in (self.requests, self.runs_started, self.runs_finished, self.time_to_first_event,
                       self.turn_duration, self.request_duration):
            lines.extend(metric.render())
        return "\n".join(lines) + "\n"
