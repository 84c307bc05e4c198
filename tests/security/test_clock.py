"""The shop's clock is its own: a turn replayed at another moment (the evaluation suite, the shop's
backend) shapes the answer, never the records — nobody's reservation expires because of it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from langgraph.checkpoint.memory import InMemorySaver
from sqlalchemy import select, text

from agent.assistant import Assistant
from agent.events import TurnRequest
from agent.settings import Settings
from security.conftest import hold_for
from tools.db.engine import session_scope
from tools.db.models import Inventory, Reservation


def test_a_turn_set_in_2031_lists_its_reservations_without_expiring_anyone_elses(shop: Any) -> None:
    with shop.engine.connect() as conn:
        variant = conn.execute(text("SELECT variant_id FROM inventory WHERE location = 'MI01' "
                                    "AND quantity - reserved >= 1 ORDER BY variant_id LIMIT 1")).scalar_one()
    hold_for(shop, "S-CLOCK-OTHER", "RES-CLOCK-1", variant)
    with session_scope(shop.engine) as s:
        reserved_before = s.get(Inventory, (variant, "MI01")).reserved
    assistant = Assistant.open(Settings(data_dir=shop.data_dir), shop, checkpointer=InMemorySaver())
    result = assistant.run(TurnRequest(shopper_id="S-CLOCK-ME", thread_id="t-clock",
                                       message="le mie prenotazioni", now=datetime(2031, 1, 1, tzinfo=UTC)))
    assert [c.name for c in result.tool_calls] == ["list_reservations"]
    with session_scope(shop.engine) as s:
        held = s.scalars(select(Reservation.status).where(Reservation.id == "RES-CLOCK-1")).one()
        assert held == "held"
        assert s.get(Inventory, (variant, "MI01")).reserved == reserved_before
        s.delete(s.get(Reservation, "RES-CLOCK-1"))  # leave the shop as found
        s.get(Inventory, (variant, "MI01")).reserved -= 1
