"""Shared fixtures: one seeded, indexed shop per test session, and a guard against the network."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import install_network_guard

# Nothing may be downloaded, and no real LLM endpoint may leak in from the developer's shell.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["ANONYMIZED_TELEMETRY"] = "False"
for _var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID", "SARTO_LLM_MODEL",
             "SARTO_LLM_BASE_URL", "SARTO_LLM_API_KEY", "SARTO_DATABASE_URL", "SARTO_DATA_DIR"):
    os.environ.pop(_var, None)

SEED = 7
SEED_PRODUCTS = 1600
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

install_network_guard()

# What makes a test slow to set up: the seeded, indexed shop (seed + embeddings), a database or
# server of its own, a real server process, a browser, PostgreSQL, the JavaScript clients.
# `make test-fast` runs every test that needs none of them (`-m fast`); `make test` runs all.
HEAVY_FIXTURES = frozenset({"shop", "data_dir", "live_server", "live_store", "server", "store_server",
                            "browser", "pg_url", "artifacts_dir", "backend", "target", "imported_shop"})
HEAVY_MARKERS = ("browser", "postgres", "slow")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        needs = HEAVY_FIXTURES.intersection(getattr(item, "fixturenames", ()))
        if not needs and not any(item.get_closest_marker(m) for m in HEAVY_MARKERS):
            item.add_marker(pytest.mark.fast)


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sarto-data")


@pytest.fixture(scope="session")
def shop(data_dir: Path) -> Iterator[object]:
    """The default seed catalog on SQLite, loaded and indexed once for the whole session."""
    from catalog_seed.load import seed_shop
    from tools.db.engine import sqlite_url
    from tools.db.shop import open_shop

    shop = open_shop(sqlite_url(data_dir), data_dir)
    seed_shop(shop, products=SEED_PRODUCTS, seed=SEED, if_empty=False, build_index=True,
              progress=False)
    yield shop

