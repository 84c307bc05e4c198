"""A store page in a real browser: it runs under the storefront's strict CSP with its JSON-LD, a
hostile product title stays text, and the chat opened there knows which store the shopper is at."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api.conftest import API_KEY, build_mini_shop
from api.live import serve
from fakes import ScriptedAssistant
from test_exports import HOSTILE, add_hostile_shirt

from agent.server.app import create_app
from agent.settings import Settings

pytestmark = [pytest.mark.browser]

WATCH = ("window.__csp = []; window.__dialogs = 0; window.alert = () => { window.__dialogs += 1; };"
         "document.addEventListener('securitypolicyviolation',"
         " (e) => window.__csp.push(e.violatedDirective));")
WIDGET_READY = "() => !!customElements.get('sarto-assistant') && !!document.querySelector('sarto-assistant')"


@pytest.fixture(scope="module")
def store_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("store-pages")
    shop = build_mini_shop(data_dir)
    add_hostile_shirt(shop)
    settings = Settings(data_dir=data_dir, api_key=API_KEY,
                        token_secret="browser-store-secret-0123456789abcdef")
    with serve(create_app(settings, assistant=ScriptedAssistant(), shop=shop)) as base_url:
        yield base_url


@pytest.fixture
def tab(browser: Any, request: pytest.FixtureRequest) -> Any:
    context = browser.new_context(locale="it-IT")
    request.addfinalizer(context.close)
    page = context.new_page()
    page.add_init_script(WATCH)
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    return page


def test_store_page_runs_under_the_strict_csp_with_its_json_ld(tab: Any, store_server: str,
                                                                artifacts_dir: Path) -> None:
    response = tab.goto(f"{store_server}/stores/MI01")
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    tab.wait_for_function(WIDGET_READY)
    data = json.loads(tab.evaluate(
        "() => document.querySelector('script[type=\"application/ld+json\"]').textContent"))
    assert data["@type"] == "Store" and data["address"]["addressLocality"] == "Milano"
    assert tab.get_by_text(HOSTILE).count() == 1  # shown as text, once
    tab.screenshot(path=str(artifacts_dir / "store-page-MI01.png"), full_page=True)
    assert tab.evaluate("() => window.__csp") == []
    assert tab.evaluate("() => window.__dialogs") == 0
    assert tab.errors == []


@pytest.mark.parametrize(("path", "store"), [("/stores/MI01", "MI01"), ("/stores?store=RM01", "RM01")])
def test_the_chat_opened_from_a_store_knows_the_store(tab: Any, store_server: str, path: str,
                                                      store: str) -> None:
    tab.goto(store_server + path)
    tab.wait_for_function(WIDGET_READY)
    with tab.expect_request(lambda r: r.method == "POST" and r.url.endswith("/v1/agent/run")) as sent:
        tab.evaluate("() => window.Sarto.push(['ask', 'Cerco una giacca da uomo'])")
    props = json.loads(sent.value.post_data)["forwardedProps"]
    assert props["context"] == {"store_code": store}
    assert tab.errors == []
