"""`sarto bench serve` at a tiny size: a real uvicorn worker on 127.0.0.1, a separate client process,
3 idle turns and one load step of 3 shoppers sending 2 turns each."""

from __future__ import annotations

import math
import subprocess
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner


@pytest.fixture(scope="module")
def serve_data(shop: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy, so the shoppers and conversations the benchmark creates stay out of the shared shop."""
    data = tmp_path_factory.mktemp("serve-data") / "catalog"
    # Copy in a child process: closing a descriptor on a SQLite file in *this* process drops the
    # POSIX locks SQLite holds on it, which corrupts the live shop's WAL ("disk I/O error").
    subprocess.run(["cp", "-a", str(shop.data_dir), str(data)], check=True)
    return data


@pytest.fixture(scope="module")
def report(serve_data: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from evals.bench_serve import run_serve_benchmark

    reports = run_serve_benchmark([], workdir=tmp_path_factory.mktemp("serve-work"), idle_turns=3,
                                  levels=(3,), window_s=2.0, interval_s=1.0, data_dir=serve_data, echo=False)
    assert len(reports) == 1
    return reports[0]


def test_idle_turns_stream_first_event_before_the_outfit_and_the_end(report: dict[str, Any]) -> None:
    idle = report["idle"]
    assert idle["turns"] == 3 and idle["errors"] == 0
    assert idle["outfit_turns"] >= 1  # every planned message names a goal and a department
    assert 0 < idle["first_event_p50_ms"] <= idle["first_event_p95_ms"]
    assert idle["first_event_p50_ms"] <= idle["first_outfit_p50_ms"] <= idle["turn_p95_ms"]
    assert idle["turn_p95_ms"] < 30_000
    assert idle["server_cpu_ms_per_turn"] > 0


def test_load_step_counts_every_shoppers_turns_and_server_cpu(report: dict[str, Any]) -> None:
    [level] = report["levels"]
    # 3 shoppers, one turn per second for 2 s from a start jittered inside the first second: 2 turns each
    assert level["shoppers"] == 3 and level["turns"] == 6
    assert level["errors"] == 0 and level["error_examples"] == []
    assert level["turns_per_s"] > 0 and level["server_cpu_ms_per_turn"] > 0
    assert not math.isnan(level["turn_p95_ms"])
    assert level["passed"] is (level["turn_p95_ms"] <= 1000)
    assert report["capacity_shoppers"] == (3 if level["passed"] else 0)


def test_report_prints_a_markdown_table_per_measure(report: dict[str, Any]) -> None:
    from evals.bench_serve import format_report

    text = format_report([report], 3, (3,), 2.0, 1.0)
    assert "| first SSE event (RUN_STARTED) |" in text
    assert "| first outfit card (ACTIVITY_SNAPSHOT sarto.outfit) |" in text
    assert any(line.startswith("| 3 | 6 | 0 |") for line in text.splitlines())
    assert "Capacity of one worker" in text


def test_client_without_a_valid_api_key_fails_loudly(serve_data: Path, tmp_path: Path) -> None:
    from evals.bench_serve import run_client, running_server
    from evals.bench_serve_client import server_cpu_s

    with running_server(serve_data, tmp_path / "server.log") as server:
        assert server_cpu_s(server.pid) > 0
        server.api_key = "wrong-key"  # the client cannot get tokens: the run must fail loudly
        with pytest.raises(RuntimeError, match="load client failed"):
            run_client(server, [{"id": "bad-key-shopper", "events": [], "messages": ["ciao"]}], "idle",
                       tmp_path)


def test_cli_rejects_levels_that_are_not_numbers() -> None:
    from agent.cli import app

    result = CliRunner().invoke(app, ["bench", "serve", "--levels", "many"])
    assert result.exit_code == 2
    assert "--levels" in result.output
