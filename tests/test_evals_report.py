"""The eval report opens in Debian's Chromium as a self-contained page: headline table, breakdowns,
confusion matrix, latency chart and failing-case transcripts, with nothing fetched from anywhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.cases import load_cases, select_suite
from evals.runner import run_cases

CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def report(shop, tmp_path_factory: pytest.TempPathFactory) -> Path:  # type: ignore[no-untyped-def]
    from agent.assistant import Assistant
    from agent.settings import Settings

    settings = Settings(data_dir=shop.data_dir, database_url=str(shop.engine.url))
    # a goal case, an impossible budget, a question and an injection: every section has content
    cases = select_suite(load_cases(), "id:ji-it-01,bu-en-14,th-en-02,ij-en-01,fu-it-01")
    run = run_cases(shop, Assistant.open(settings, shop), cases, tmp_path_factory.mktemp("eval-report"),
                    suite="report-test", workers=1)
    return run.out_dir / "report.html"


def test_the_report_is_self_contained(report: Path) -> None:
    html = report.read_text(encoding="utf-8")
    assert "<svg" in html and 'id="headline"' in html and 'id="confusion"' in html
    for remote in ("http://", "https://", "//cdn", "<script src", "<link"):
        assert remote not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")


@pytest.mark.browser
def test_the_report_renders_in_chromium(report: Path, artifacts_dir: Path) -> None:
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("request", lambda r: requests.append(r.url))
        page.goto(report.as_uri())
        headline = page.locator("#headline")
        assert headline.is_visible()
        assert headline.locator("tbody tr").count() >= 10
        assert "goal_accuracy" in headline.inner_text()
        assert page.locator("#by-split").is_visible() and page.locator("#latency").is_visible()
        page.screenshot(path=str(artifacts_dir / "eval-report.png"), full_page=True)
        browser.close()
    assert all(u.startswith("file://") for u in requests), requests
