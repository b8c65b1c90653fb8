"""Hostile text in the data files, in a real browser (public mode): the indicator page of a warehouse built with
markdown images, links and a heading in its curated sources and catalogue (tests/hostile_text.py) fetches nothing
from the attacker's host, links nowhere there or to javascript:, and shows the text as its characters."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import _running
from tests.hostile_text import build_hostile_warehouse


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    yield from _running(build_hostile_warehouse(tmp_path_factory.mktemp("hostile_browser")), public=True)


@pytest.mark.parametrize("path", ["indicator?indicator=dfo_never_use_internet&lang=en", "goal?goal=G1", ""])
def test_hostile_data_text_fetches_nothing_and_links_nowhere(browser, hostile_server, path):
    context = browser.new_context()
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    try:
        page.goto(f"{hostile_server}/{path}")
        page.wait_for_selector("[data-testid='stMain']", timeout=60_000)
        page.wait_for_function("() => document.body.innerText.includes('Official notice')", timeout=60_000)
        page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
        page.wait_for_timeout(1500)
        main = page.locator("[data-testid='stMain']")
        assert main.locator("a[href*='evil.example'], a[href^='javascript' i]").count() == 0
        assert main.locator("img[src*='evil.example']").count() == 0
        made_headings = page.eval_on_selector_all(   # a heading the data's '#' made starts with the words after it
            "h1, h2, h3, h4, h5, h6", "els => els.filter(e => e.textContent.trim().startsWith('Official notice')).length")
        assert made_headings == 0
        assert not [r for r in requested if urlsplit(r).hostname == "evil.example"], requested
        body = main.inner_text().replace("\u2060", "")
        assert "# Official notice ![px](https://evil.example/pixel.png)" in body   # shown as its characters
    finally:
        context.close()
