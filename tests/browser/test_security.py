"""Public mode in a real browser: crafted links show as text (no attacker link or image, and the browser fetches no
image from the attacker's host), the SQL console is not reachable by URL, and no traceback reaches the page."""
from __future__ import annotations

from urllib.parse import quote, urlsplit

import pytest

CRAFTED = "[Log in](https://evil.example/login) ![x](https://evil.example/pixel.png) <img src=https://evil.example/i.png>"


@pytest.fixture
def public_page(browser, public_server):
    context = browser.new_context()
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    yield page, public_server, requested
    context.close()


def _settle(page) -> None:
    page.wait_for_selector("[data-testid='stMain']", timeout=60_000)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    page.wait_for_timeout(500)


@pytest.mark.parametrize("path", ["explorer?indicators={v}&geo=NO", "goal?goal={v}", "indicator?indicator={v}",
                                  "explorer?lang={v}", "explorer?{v}=1"])
def test_crafted_links_show_as_text_and_fetch_nothing(public_page, path):
    page, url, requested = public_page
    page.goto(f"{url}/{path.format(v=quote(CRAFTED))}")
    _settle(page)
    main = page.locator("[data-testid='stMain']")
    assert main.locator("a[href*='evil.example']").count() == 0
    assert main.locator("img[src*='evil.example']").count() == 0
    assert not [r for r in requested if urlsplit(r).hostname == "evil.example"], requested
    page.wait_for_function("() => document.body.innerText.includes('evil.example/login')", timeout=30_000)
    body = page.locator("body").inner_text().replace("\u2060", "")  # the word joiner that keeps a URL text
    assert "[Log in](https://evil.example/login)" in body      # shown, as the characters of the link
    assert "Traceback" not in body and "File \"/" not in body


def test_the_console_is_not_reachable_and_no_traceback_reaches_the_browser(public_page):
    page, url, _ = public_page
    for path in ("sql", "sql?sql_text=SELECT%201", "explorer?indicators=egdi_value&geo=NO&index=2013",
                 "explorer?" + "&".join(f"x{n}=1" for n in range(300))):
        page.goto(f"{url}/{path}")
        _settle(page)
        body = page.locator("body").inner_text()
        assert page.locator("textarea").count() == 0, path
        assert "Traceback" not in body and 'File "/' not in body, path
        assert page.locator("[data-testid='stException']").count() == 0, path
