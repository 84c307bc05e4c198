"""A uvicorn `--factory` target for the restart test: the app over the small shop of the API tests
(built on first start, reused after a restart) and a slow scripted assistant, configured by SARTO_*
like `sarto serve`, so the test can kill the process mid-run and start another on the same data."""

from __future__ import annotations

import os
from pathlib import Path

from api.conftest import build_mini_shop
from fakes import ScriptedAssistant
from fastapi import FastAPI

from agent.server.app import create_app
from agent.settings import Settings
from tools.db.engine import session_scope
from tools.db.models import Store
from tools.db.shop import open_shop


def app() -> FastAPI:
    settings = Settings()
    data_dir = Path(os.environ["SARTO_DATA_DIR"])
    url = settings.resolved_database_url
    shop = open_shop(url, data_dir)
    with session_scope(shop.engine) as s:
        seeded = s.get(Store, "MI01") is not None
    if not seeded:
        shop = build_mini_shop(data_dir, url)
    return create_app(settings, assistant=ScriptedAssistant(delay=0.4), shop=shop)
