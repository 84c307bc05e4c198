"""The same stylist on PostgreSQL: commerce rows and LangGraph threads both live in the server."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pg import pg_url  # noqa: F401 - the fixture
from sqlalchemy import text

from agent.assistant import Assistant
from agent.events import InterruptEvent, TurnRequest
from agent.settings import Settings
from catalog_seed.load import seed_shop
from tools.db.engine import session_scope
from tools.db.models import Inventory, Thread
from tools.db.shop import open_shop

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)


def test_a_conversation_and_a_reservation_persist_in_postgres(pg_url: str, tmp_path: Path) -> None:  # noqa: F811
    shop = open_shop(pg_url, tmp_path)
    seed_shop(shop, products=400, seed=3, build_index=True, progress=False)
    settings = Settings(data_dir=tmp_path, database_url=pg_url)
    assistant = Assistant.open(settings, shop)  # PostgresSaver from the database URL
    first = assistant.run(TurnRequest(shopper_id="pg-guest", thread_id="pg-thread", now=NOW,
                                      message="look casual per il weekend, uomo, taglia 50, scarpe 43, "
                                              "maglia M, ritiro a Milano"))
    outfit = next(c for c in first.cards if c.type == "sarto.outfit")
    assert outfit.items and outfit.fulfilment != "online", first.text

    # a second assistant (another worker) continues the same thread from the database
    other = Assistant.open(settings, shop)
    events = list(other.stream(TurnRequest(shopper_id="pg-guest", thread_id="pg-thread", now=NOW,
                                           message="sì, prenotalo")))
    said = [e for e in events if not isinstance(e, InterruptEvent) and getattr(e, "delta", None)]
    assert any(isinstance(e, InterruptEvent) for e in events), [getattr(e, "delta", "") for e in said]
    proposal = next(e for e in events if isinstance(e, InterruptEvent)).payload
    store = proposal["store_code"]
    with session_scope(shop.engine) as s:
        before = {i["variant_id"]: s.get(Inventory, (i["variant_id"], store)).reserved  # type: ignore[union-attr]
                  for i in proposal["items"]}
    done = assistant.run(TurnRequest(shopper_id="pg-guest", thread_id="pg-thread", now=NOW,
                                     message="confermo"))
    assert done.pending_reservation is None
    with session_scope(shop.engine) as s:
        for variant_id, reserved in before.items():
            assert s.get(Inventory, (variant_id, store)).reserved == reserved + 1  # type: ignore[union-attr]
        assert s.get(Thread, "pg-thread").shopper_id == "pg-guest"  # type: ignore[union-attr]
    thread = assistant.get_thread("pg-guest", "pg-thread")
    assert thread is not None and len(thread["messages"]) >= 4
    with shop.engine.connect() as conn:  # only the latest checkpoint is kept
        kept = conn.execute(text("SELECT count(*) FROM checkpoints WHERE thread_id = 'pg-thread'")).scalar()
    assert kept == 1
    assert assistant.delete_shopper_threads("pg-guest") == 1
    assert other.get_thread("pg-guest", "pg-thread") is None
