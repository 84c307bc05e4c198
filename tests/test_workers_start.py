"""Two workers starting together on a fresh PostgreSQL database both come up: the shop's schema
(Alembic under an advisory lock) and the LangGraph checkpointer's tables are set up once, and the
loser of each race waits instead of failing on a duplicate key."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from pg import pg_url  # noqa: F401 - the fixture
from sqlalchemy import create_engine, text

# A worker's start-up, as `sarto serve` does it, once the start file appears (both at once).
WORKER = """
import sys, time
from pathlib import Path
from agent.graph.checkpoints import open_checkpointer
from agent.settings import Settings
from tools.db.shop import open_shop
url, folder, go = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
while not go.exists():
    time.sleep(0.005)
open_shop(url, folder)
open_checkpointer(Settings(data_dir=folder, database_url=url))
print("up")
"""


def test_two_workers_starting_together_on_a_fresh_database_both_come_up(pg_url: str,  # noqa: F811
                                                                         tmp_path: Path) -> None:
    go = tmp_path / "go"
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, pg_url, str(tmp_path / f"w{i}"), str(go)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for i in range(2)]
    time.sleep(8)  # both have imported everything and poll for the start file
    go.touch()
    outcomes = [w.communicate(timeout=120) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], [err[-2000:] for _, err in outcomes]
    assert [out.strip() for out, _ in outcomes] == ["up", "up"]
    engine = create_engine(pg_url)
    with engine.connect() as conn:  # each schema was set up once, completely
        assert conn.execute(text("SELECT count(*) FROM checkpoint_migrations")).scalar_one() > 0
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    engine.dispose()
