"""A thread keeps only its latest checkpoint, and the conversation goes on as before: follow-ups
remember the look, a proposed reservation survives until the shopper confirms it."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from agent.assistant import Assistant
from agent.events import InterruptEvent, TurnRequest
from agent.settings import Settings

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)


def saved(data_dir: Path, thread_id: str) -> tuple[int, int]:
    """(checkpoints, pending writes) stored for the thread, read with our own SQL."""
    with sqlite3.connect(data_dir / "checkpoints.db") as conn:
        counts = [conn.execute(f"SELECT count(*) FROM {t} WHERE thread_id = ?", (thread_id,)).fetchone()[0]
                  for t in ("checkpoints", "writes")]
    return int(counts[0]), int(counts[1])


def test_each_turn_leaves_one_checkpoint_and_the_thread_continues(shop: Any, tmp_path: Path) -> None:
    assistant = Assistant.open(Settings(data_dir=tmp_path), shop)  # the default SQLite checkpointer

    def say(message: str) -> list[Any]:
        return list(assistant.stream(TurnRequest(shopper_id="guest-pruned", thread_id="t-pruned",
                                                 message=message, now=NOW)))

    first = say("colloquio di lavoro, uomo, taglia 50, scarpe 43, camicia M, ritiro a Milano")[-1]
    assert any(c.type == "sarto.outfit" for c in first.cards)
    assert saved(tmp_path, "t-pruned")[0] == 1
    cheaper = say("qualcosa di più economico")[-1]
    assert any(c.type == "sarto.outfit" for c in cheaper.cards)
    assert saved(tmp_path, "t-pruned")[0] == 1

    proposal = next(e for e in say("sì, prenotalo") if isinstance(e, InterruptEvent))
    checkpoints, writes = saved(tmp_path, "t-pruned")
    assert checkpoints == 1 and writes > 0  # the interrupt waits in the latest checkpoint's writes
    confirmed = say("confermo")[-1]
    assert confirmed.pending_reservation is None
    assert re.search(r"\b[A-Z0-9]{6}\b", confirmed.text), confirmed.text
    assert proposal.payload["items"], "the proposal names the pieces it will hold"
    assert saved(tmp_path, "t-pruned")[0] == 1

    thread = assistant.get_thread("guest-pruned", "t-pruned")
    assert thread is not None
    assert [m["role"] for m in thread["messages"]] == ["user", "assistant"] * 4
    assert [m["text"] for m in thread["messages"]][4:7:2] == ["sì, prenotalo", "confermo"]
    assert len([c for c in thread["cards"] if c["type"] == "sarto.outfit"]) >= 2
