"""The `sarto` command as a retailer's engineer runs it: real processes, the seeded data folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

SARTO = [sys.executable, "-m", "agent.cli"]


def sarto(args: list[str], data_dir: Path | None = None,
          timeout: float = 180) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SARTO_REDIS_URL"}  # the embedded default
    env["HF_HUB_OFFLINE"] = "1"
    if data_dir is not None:
        env["SARTO_DATA_DIR"] = str(data_dir)
    return subprocess.run([*SARTO, *args], capture_output=True, text=True, timeout=timeout, env=env,
                          cwd=Path(__file__).resolve().parent.parent)


def test_help_lists_the_commands() -> None:
    result = sarto(["--help"])
    assert result.returncode == 0
    for command in ("seed", "search", "ask", "chat", "serve", "bench"):
        assert command in result.stdout


def test_ask_json_has_the_turn_in_the_shared_shapes(shop: Any, tmp_path: Path) -> None:
    from tools.shapes import TurnResult

    events = tmp_path / "events.json"
    events.write_text(json.dumps([
        {"type": "content_view", "text": "come vestirsi per un colloquio di lavoro", "days_ago": 1},
        {"type": "search", "text": "giacca blu", "days_ago": 1}]))
    result = sarto(["ask", "Ciao, mi aiuti? taglia 50, scarpe 43, camicia M, uomo", "--shopper",
                    "cli-guest", "--events", str(events), "--now", "2026-11-01T12:00:00+00:00", "--json"],
                   data_dir=shop.data_dir)
    assert result.returncode == 0, result.stderr
    turn = TurnResult.model_validate_json(result.stdout)
    assert turn.goal.label == "job_interview"
    assert any(card.type == "sarto.outfit" for card in turn.cards)
    assert {"load_context", "infer_goal", "plan", "tools", "compose", "total"} <= set(turn.timings_ms)
    assert turn.tool_calls and turn.tool_calls[0].name == "assemble_outfit"


def test_ask_measures_distances_from_the_coordinates_given(shop: Any) -> None:
    from tools.shapes import TurnResult

    result = sarto(["ask", "Ho un colloquio, sono un uomo, taglia 50, scarpe 43", "--lat", "40.8518",
                    "--lon", "14.2681", "--now", "2026-11-01T12:00:00+00:00", "--json"],
                   data_dir=shop.data_dir)
    assert result.returncode == 0, result.stderr
    turn = TurnResult.model_validate_json(result.stdout)
    outfit = next(c for c in turn.cards if c.type == "sarto.outfit")
    stores = {s.location: s.distance_km for i in outfit.items for s in i.availability
              if s.location != "online"}
    assert stores and min(stores, key=lambda code: stores[code] or 1e9).startswith("NA")  # Naples is nearest


@pytest.mark.parametrize(("args", "says"), [
    (["search", "giacca", "--colour", "purple"], "colour"),
    (["search", "giacca", "--max-price", "-5"], "max-price"),
    (["search", "giacca", "--min-price", "abc"], "min-price"),
    (["ask", "   "], "empty"),
    (["ask", "ciao", "--now", "yesterday"], "--now"),
    (["ask", "ciao", "--lat", "40.8"], "--lon"),
    (["ask", "ciao", "--lat", "140", "--lon", "14"], "--lat"),
    (["seed", "--products", "3"], "--products"),
    (["serve", "--port", "8799", "--workers", "2"], "SARTO_REDIS_URL"),  # workers share runs via Redis
    (["bench", "serve", "--workers", "1,2", "--database-url", "sqlite:///x.db"], "PostgreSQL"),
    (["bench", "serve", "--kill-at", "70", "--window", "60"], "--kill-at"),
    (["bench", "serve", "--workers", "1,x"], "--workers"),
])
def test_bad_input_exits_2_with_a_message_not_a_traceback(shop: Any, args: list[str], says: str) -> None:
    result = sarto(args, data_dir=shop.data_dir)
    assert result.returncode == 2, result.stderr
    assert says in result.stderr
    assert "Traceback" not in result.stderr


def test_malformed_events_file_is_reported(shop: Any, tmp_path: Path) -> None:
    bad = tmp_path / "events.json"
    bad.write_text('[{"type": "teleport", "days_ago": 1}]')
    result = sarto(["ask", "ciao", "--events", str(bad)], data_dir=shop.data_dir)
    assert result.returncode == 2
    assert "events.json" in result.stderr and "Traceback" not in result.stderr
