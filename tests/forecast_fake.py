"""A fake Open-Meteo-style forecast server on 127.0.0.1, for the weather provider's tests.

The path says how it answers: `/good` a daily forecast for the days it is given, `/slow` the same
after a delay longer than any budget, `/error` HTTP 500, `/garbage` text that is not JSON,
`/shapeless` JSON without `daily`. Every request's path and query is recorded.

    with serve_forecast(days=["2026-11-01"]) as fake:
        url = fake.url("good")   # http://127.0.0.1:PORT/good?latitude={lat}&longitude={lon}
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SLOW_S = 1.5


def daily_forecast(days: list[str], t_min: float = 3.0, t_max: float = 9.0,
                   rain_chance: int = 80, rain_mm: float = 6.5) -> dict[str, Any]:
    return {"latitude": 45.46, "longitude": 9.19, "timezone": "Europe/Rome",
            "daily_units": {"temperature_2m_max": "°C", "precipitation_probability_max": "%"},
            "daily": {"time": days, "temperature_2m_max": [t_max] * len(days),
                      "temperature_2m_min": [t_min] * len(days),
                      "precipitation_probability_max": [rain_chance] * len(days),
                      "precipitation_sum": [rain_mm] * len(days)}}


@dataclass
class FakeForecast:
    port: int
    payload: dict[str, Any]
    requests: list[str] = field(default_factory=list)

    def url(self, mode: str) -> str:
        return f"http://127.0.0.1:{self.port}/{mode}?latitude={{lat}}&longitude={{lon}}"


@contextmanager
def serve_forecast(days: list[str], **figures: Any) -> Iterator[FakeForecast]:
    fake = FakeForecast(port=0, payload=daily_forecast(days, **figures))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            fake.requests.append(self.path)
            mode = self.path.split("?")[0].strip("/")
            if mode == "slow":
                time.sleep(SLOW_S)
            if mode == "error":
                self._send(500, b'{"error": true, "reason": "down"}')
            elif mode == "garbage":
                self._send(200, b"<html>weather</html>", "text/html")
            elif mode == "shapeless":
                self._send(200, b'{"hourly": {}}')
            else:
                self._send(200, json.dumps(fake.payload).encode())

        def _send(self, status: int, body: bytes, kind: str = "application/json") -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up: that is the point
                pass

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    fake.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
