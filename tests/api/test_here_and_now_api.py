"""The here and now over the real HTTP API (POST /v1/runs, the real assistant on the seeded shop):
a shopper who says where they are going gets that city's usual weather in the next answer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from agent.server.app import create_app
from agent.settings import Settings
from tools.moment.climate import ClimateNormals
from tools.moment.local_time import local_time
from tools.moment.weather import Place

pytestmark = pytest.mark.anyio
API_KEY = "moment-api-key-0123456789"
MONTHS_IT = ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre",
             "ottobre", "novembre", "dicembre")


@pytest.fixture
async def real(shop: Any, tmp_path: Any) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(data_dir=tmp_path, api_key=API_KEY,
                        token_secret="moment-secret-0123456789abcdef-0123456789")
    app = create_app(settings, shop=shop)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test",
                                 timeout=120) as c:
        yield c


async def test_no_vado_a_palermo_moves_the_weather_of_the_next_answer(real: httpx.AsyncClient) -> None:
    r = await real.post("/v1/auth/shopper-token", json={"shopper_id": "S-MOMENT-1"},
                        headers={"X-API-Key": API_KEY})
    headers = {"Authorization": f"Bearer {r.json()['token']}"}
    first = await real.post("/v1/runs", headers=headers, json={
        "message": "Ho un colloquio di lavoro a Milano, sono un uomo, taglia 50, scarpe 43"})
    assert first.status_code == 200, first.text
    thread = first.json()["thread_id"]
    moved = await real.post("/v1/runs", headers=headers, json={"message": "no, vado a Palermo",
                                                               "thread_id": thread})
    assert moved.status_code == 200, moved.text
    result = moved.json()  # the TurnResult, beside run_id and status
    today = local_time(datetime.now(UTC)).date()  # the shop's clock: this month's usual weather
    usual = ClimateNormals().weather(Place("Palermo"), today)
    assert usual is not None
    here = result["here_and_now"]
    assert here["city"] == "Palermo" and here["weather_source"] == "normals"
    month = MONTHS_IT[today.month - 1]
    assert f"di solito a Palermo a{'d' if month[0] in 'aeiou' else ''} {month} si va da " \
           f"{usual.t_min:.0f} a {usual.t_max:.0f} °C" in result["text"]
