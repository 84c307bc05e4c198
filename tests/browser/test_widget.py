"""The storefront and the chat widget in a real browser against the real server and assistant.

A shopper browses formal jackets, opens the chat with the keyboard, says "Ciao, mi aiuti?" and gets
a streamed answer, the inferred goal and an outfit card; switches to the table, reserves for pickup
through the confirmation step and reads the pickup code; the same core works on a 360 px phone, after
a dropped stream, in English, and under a strict Content-Security-Policy.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from tools.db.engine import session_scope
from tools.db.models import Product

LiveStore = Any  # tests/browser/conftest.py: LiveStore (base_url, shop, guests)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDGET = "sarto-assistant"
FORMAL_GOALS_IT = ("colloquio di lavoro", "ufficio", "serata elegante", "invitato a un matrimonio",
                   "viaggio di lavoro")
RUN_TIMEOUT_MS = 60_000

# Counts the text nodes the widget appends to each assistant bubble: one per streamed delta.
OBSERVE_STREAM = """() => {
  const log = document.querySelector("sarto-assistant").shadowRoot.querySelector(".log");
  const counts = new Map();
  window.__sartoMostDeltas = 0;
  new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) {
      const bubble = n.parentElement;
      if (n.nodeType === Node.TEXT_NODE && bubble && bubble.matches(".msg.assistant")) {
        counts.set(bubble, (counts.get(bubble) || 0) + 1);
        window.__sartoMostDeltas = Math.max(window.__sartoMostDeltas, counts.get(bubble));
      }
    }
  }).observe(log, { childList: true, subtree: true });
}"""
SHADOW_FOCUS = "() => document.querySelector('sarto-assistant').shadowRoot.activeElement?.className || null"
SHADOW_FOCUS_ID = "() => document.querySelector('sarto-assistant').shadowRoot.activeElement?.id || null"


def formal_jackets(shop: Any, n: int = 3) -> list[str]:
    with session_scope(shop.engine) as session:
        rows = session.scalars(select(Product).where(
            Product.department == "menswear", Product.category == "blazer", Product.formality >= 4,
        ).order_by(Product.sku)).all()
        skus = [p.sku for p in rows if {"business", "office"} & set(p.occasions or [])]
    assert len(skus) >= n, "the seed has too few formal menswear blazers"
    return skus[:n]


class Shopper:
    """One browser tab on the demo storefront, with the helpers a person's actions map to."""

    def __init__(self, page: Any, store: LiveStore, artifacts: Path, tag: str) -> None:
        self.page, self.store, self.artifacts, self.tag = page, store, artifacts, tag
        self.errors: list[str] = []
        self.runs: list[dict[str, Any]] = []
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("request", self._record_run)

    def _record_run(self, request: Any) -> None:
        if request.method == "POST" and request.url.endswith("/v1/agent/run"):
            self.runs.append(json.loads(request.post_data or "{}"))

    @property
    def widget(self) -> Any:
        return self.page.locator(WIDGET)

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(self.artifacts / f"widget-{self.tag}-{name}.png"))

    def visit(self, path: str, reported: bool = True) -> None:
        """Open a storefront page and wait until the page has reported the visit (product views)."""
        if not reported:
            self.page.goto(self.store.base_url + path)
            return
        with self.page.expect_response(lambda r: r.request.method == "POST" and "/events" in r.url) as ev:
            self.page.goto(self.store.base_url + path)
        assert ev.value.status == 200, ev.value.text()

    def search(self, text: str) -> None:
        self.page.locator("#q").fill(text)
        with self.page.expect_response(lambda r: r.request.method == "POST" and "/events" in r.url) as ev:
            self.page.locator("#q").press("Enter")
        assert ev.value.status == 200

    def open_with_keyboard(self) -> None:
        for _ in range(80):  # Tab through the page until the launcher has focus
            self.page.keyboard.press("Tab")
            if self.page.evaluate(SHADOW_FOCUS) == "launcher":
                break
        assert self.page.evaluate(SHADOW_FOCUS) == "launcher", "the launcher is not reachable with Tab"
        self.page.keyboard.press("Enter")
        assert self.widget.locator("section.panel").is_visible()
        assert self.page.evaluate(SHADOW_FOCUS_ID) == "sarto-input", "focus did not move to the input"

    def say(self, text: str) -> None:
        self.widget.locator("#sarto-input").focus()
        self.page.keyboard.type(text)
        self.page.keyboard.press("Enter")
        self.wait_idle()

    def wait_idle(self) -> None:
        self.page.wait_for_function(
            "() => document.querySelector('sarto-assistant').shadowRoot"
            ".querySelector('section.panel').dataset.state === 'idle'", timeout=RUN_TIMEOUT_MS)

    def transcript(self) -> str:
        return str(self.widget.locator(".log").inner_text())

    def remember_guest(self) -> dict[str, Any]:
        auth = json.loads(self.page.evaluate("() => localStorage.getItem('sarto.auth')"))
        self.store.guests.append(auth)
        return dict(auth)


@pytest.fixture
def shopper(browser: Any, live_store: LiveStore, artifacts_dir: Path, request: pytest.FixtureRequest) -> Any:
    def make(width: int = 1280, height: int = 800, tag: str = "desktop") -> Shopper:
        context = browser.new_context(viewport={"width": width, "height": height}, locale="it-IT")
        request.addfinalizer(context.close)
        return Shopper(context.new_page(), live_store, artifacts_dir, tag)
    return make


def test_shopper_browses_formal_jackets_then_reserves_the_outfit(shopper: Any, live_store: LiveStore) -> None:
    s = shopper()
    s.visit("/", reported=False)
    s.search("giacca")
    s.page.locator("#products li").first.wait_for()
    s.shot("1-listing")
    for sku in formal_jackets(live_store.shop):
        s.visit(f"/products/{sku}")
        assert s.page.locator("#product h1").inner_text().strip()
    s.shot("2-product")

    s.open_with_keyboard()
    s.page.evaluate(OBSERVE_STREAM)
    s.say("Ciao, mi aiuti?")
    auth = s.remember_guest()
    assert s.widget.locator(".msg.assistant").last.inner_text().strip()  # an answer or one question
    assert s.widget.locator("details.why").is_visible()  # what Sarto inferred so far

    s.say("Per un colloquio di lavoro, sono a Milano")
    assert s.page.evaluate("() => window.__sartoMostDeltas") >= 2, "the answer did not stream in pieces"
    outfit = s.widget.locator("article.outfit").last
    pieces = outfit.locator("ul.grid").first.locator("li").count()
    assert pieces >= 3
    assert "Totale" in outfit.locator("p.total").inner_text()
    why = s.widget.locator("details.why")
    why.locator("summary").click()
    why_text = why.inner_text()
    assert "colloquio di lavoro" in why_text, why_text
    assert "Prodotto visto" in why_text  # the browsed jackets back the goal
    outfit.scroll_into_view_if_needed()
    s.shot("3-outfit")

    s.widget.get_by_role("button", name="Tabella").last.click()
    table = s.widget.locator("article.outfit").last.locator("table")
    assert table.is_visible()
    assert table.locator("tbody tr").count() == pieces
    s.shot("4-table")

    s.say("Porto la 50, la M e il 43 di scarpe")
    assert s.runs[-1]["forwardedProps"]["layout"] == "spec-table"  # the toggle is remembered
    assert s.widget.locator("article.outfit").last.locator("table").is_visible()
    s.widget.locator("button.reserve").last.click()
    s.wait_idle()
    confirm = s.widget.locator("section.confirm")
    assert confirm.is_visible(), s.transcript()
    assert "Totale" in confirm.inner_text() and "Milano" in confirm.inner_text()
    s.shot("5-confirm")
    confirm.get_by_role("button", name="Conferma").click()
    s.wait_idle()
    assert s.runs[-1]["forwardedProps"]["resume"] == "confirm"
    assert s.runs[-1]["threadId"] == s.runs[0]["threadId"]

    reservations = httpx.get(f"{live_store.base_url}/v1/reservations",
                             headers={"Authorization": f"Bearer {auth['token']}"}).json()
    items = reservations["items"]
    assert items, "confirming did not create a reservation"
    assert items[0]["pickup_code"] in s.transcript()
    s.shot("6-pickup")

    s.page.keyboard.press("Escape")
    assert not s.widget.locator("section.panel").is_visible()
    assert s.page.evaluate(SHADOW_FOCUS) == "launcher"
    assert s.errors == []


def test_phone_gets_a_full_screen_sheet_with_the_same_outfit(shopper: Any, live_store: LiveStore) -> None:
    s = shopper(360, 740, tag="phone")
    sku = formal_jackets(live_store.shop, 1)[0]
    s.visit(f"/products/{sku}")
    s.open_with_keyboard()
    panel = s.widget.locator("section.panel").bounding_box()
    assert panel is not None and (panel["width"], panel["height"]) == (360, 740)
    s.say("Ciao, mi aiuti? Cerco un look per un colloquio di lavoro")
    s.remember_guest()
    outfit = s.widget.locator("article.outfit").last
    assert outfit.locator("ul.grid li").count() >= 2
    s.shot("1-outfit")
    s.widget.get_by_role("button", name="Tabella").last.click()
    assert outfit.locator("table").is_visible()
    # The table scrolls inside its own region; the sheet itself never scrolls sideways.
    assert s.page.evaluate("() => document.querySelector('sarto-assistant').shadowRoot"
                           ".querySelector('.log').scrollWidth") <= 360
    s.shot("2-table")
    s.page.keyboard.press("Escape")
    assert not s.widget.locator("section.panel").is_visible()
    assert s.page.evaluate(SHADOW_FOCUS) == "launcher"
    assert s.errors == []


def test_a_dropped_stream_resumes_without_repeating_text(shopper: Any, live_store: LiveStore) -> None:
    s = shopper(tag="resume")
    full: dict[str, str] = {}
    resumed: list[dict[str, str]] = []

    def drop_after_first_delta(route: Any) -> None:
        response = route.fetch()  # the whole run, as the server streamed it
        body = response.text()
        full["body"] = body
        events = body.split("\n\n")
        first_text = next(i for i, e in enumerate(events) if '"TEXT_MESSAGE_CONTENT"' in e)
        truncated = "\n\n".join(events[:first_text + 1]) + "\n\n"
        route.fulfill(status=200, headers=response.headers, body=truncated)

    s.page.route("**/v1/agent/run", drop_after_first_delta)
    s.page.on("request", lambda r: resumed.append(r.headers) if "/events" in r.url and r.method == "GET"
              else None)
    s.visit(f"/products/{formal_jackets(live_store.shop, 1)[0]}")
    s.open_with_keyboard()
    s.say("Ciao, mi aiuti? Cerco un look per un colloquio di lavoro")
    s.remember_guest()

    lines = full["body"].split("\n")
    datas = [json.loads(line[len("data: "):]) for line in lines if line.startswith("data: ")]
    expected = "".join(d["delta"] for d in datas if d["type"] == "TEXT_MESSAGE_CONTENT")
    kept = full["body"].split("\n\n")
    first_text = next(i for i, e in enumerate(kept) if '"TEXT_MESSAGE_CONTENT"' in e)
    last_id = next(line[len("id: "):] for line in kept[first_text].split("\n") if line.startswith("id: "))
    assert resumed and resumed[0].get("last-event-id") == last_id
    bubbles = s.widget.locator(".msg.assistant").all_inner_texts()
    assert expected.strip() and bubbles[-1].endswith(expected.strip())
    assert s.widget.locator("article.outfit").count() == 1
    assert s.errors == []


def test_english_page_gets_an_english_widget_and_answer(shopper: Any, live_store: LiveStore) -> None:
    s = shopper(tag="english")
    s.visit("/", reported=False)
    s.page.locator("#lang-toggle").click()
    assert s.page.evaluate("() => document.documentElement.lang") == "en"
    assert s.widget.locator("button.launcher").get_attribute("aria-label") == "Open the Sarto assistant"
    s.open_with_keyboard()
    s.say("Hi, can you help me? I need a men's outfit for a job interview")
    s.remember_guest()
    assert s.runs[-1]["forwardedProps"]["language"] == "en"
    assert "Total" in s.widget.locator("article.outfit").last.locator("p.total").inner_text()
    assert s.errors == []


def test_widget_works_under_the_storefronts_own_strict_content_security_policy(
        shopper: Any, live_store: LiveStore) -> None:
    s = shopper(tag="csp")
    s.page.add_init_script("window.__csp = []; document.addEventListener('securitypolicyviolation',"
                           " (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")
    page = s.page.goto(live_store.base_url + "/")
    policy = page.headers["content-security-policy"]  # the server's own header, nothing injected
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy
    s.open_with_keyboard()
    s.say("Cerco un look da uomo per un colloquio di lavoro")
    s.remember_guest()
    assert s.widget.locator("article.outfit").count() >= 1
    assert s.page.evaluate("() => window.__csp") == []
    assert s.errors == []
