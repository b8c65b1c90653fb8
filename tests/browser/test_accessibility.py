"""WCAG 2.1 A/AA checks with axe-core in a real browser, and the page language for screen readers."""
from __future__ import annotations

import pytest

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGES = [
    ("/?lang=nb", "Status for de seks målene", "nb"),
    ("/?lang=en", "Status of the six goals", "en"),
    ("/goal?goal=G3&lang=nb", "Mål 3", "nb"),
    ("/indicator?indicator=egdi_value&lang=en", "UN E-Government Development Index", "en"),
    ("/assessment?lang=nb", "Sluttvurdering av strategiperioden 2019–2025", "nb"),
    ("/assessment?lang=en", "Final assessment of the strategy period 2019–2025", "en"),
    ("/report?goal=G6&lang=en", "Report: goal 6", "en"),
    ("/report?goal=all&lang=nb", "Rapport: sluttvurdering 2019–2025, alle mål", "nb"),
    ("/explorer?lang=nb", "Utforsk tallene", "nb"),
    ("/?lang=en&viewport=phone", "Status of the six goals", "en"),
    ("/goal?goal=G3&lang=nb&viewport=phone", "Mål 3", "nb"),   # its indicator table scrolls in its region
]
PHONE = {"width": 390, "height": 844}


def _open(browser, url: str, heading: str, viewport: dict | None = None):
    if "viewport=phone" in url:  # the test's own marker, not an app parameter: the page at a phone's width
        url, viewport = url.replace("&viewport=phone", ""), PHONE
    page = browser.new_page(viewport=viewport or {"width": 1280, "height": 900})
    page.goto(url)
    page.get_by_role("heading", name=heading).first.wait_for(timeout=30000)
    settle(page)
    return page


def settle(page) -> None:
    """Wait until the page's script run has finished and its elements are drawn in their final state."""
    # While a script runs, Streamlit fades stale elements (lower contrast). Wait for the run to finish and stay finished: the page's language script can start one more short
    # run, and a faded element needs its CSS transition to end (checked twice, 600 ms apart).
    # The app's own run state (data-test-script-state) is checked too: the status widget can be missing early on.
    for _ in range(2):
        page.wait_for_function(
            "document.querySelector('[data-testid=\"stApp\"][data-test-script-state=\"notRunning\"]')"
            " && !document.querySelector('[data-testid=\"stStatusWidget\"]') && !document.querySelector('[data-stale=\"true\"]')",
            timeout=30000)
        page.wait_for_timeout(600)


@pytest.mark.parametrize("path, heading, lang", PAGES)
def test_pages_have_no_serious_wcag_violations(browser, server, path, heading, lang):
    from axe_playwright_python.sync_playwright import Axe

    page = _open(browser, server + path, heading)
    try:
        try:  # the page's script sets the language once the page has loaded; give it that moment on a busy machine
            page.wait_for_function(f"document.documentElement.lang === '{lang}'", timeout=10000)
        except Exception:  # noqa: BLE001 - the assertion below says what is wrong
            pass
        assert page.evaluate("document.documentElement.lang") == lang
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} node(s), e.g. {v['nodes'][0]['html'][:120]}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")
        ]
        assert not serious, "\n".join(serious)
    finally:
        page.close()


def test_public_mode_hides_the_sql_console_in_the_browser(browser, server, public_server):
    private = _open(browser, server + "/?lang=en", "Status of the six goals")
    public = _open(browser, public_server + "/?lang=en", "Status of the six goals")
    try:
        assert private.locator('a[href^="sql"]').count() >= 1
        assert public.locator('a[href^="sql"]').count() == 0
    finally:
        private.close()
        public.close()


def test_explorer_tabs_run_their_content_when_opened(browser, server):
    """The table and the downloads are in tabs whose content runs only when opened: a click shows them."""
    page = _open(browser, server + "/explorer?lang=en&indicators=egdi_value&geo=NO,SE", "Explore the figures")
    try:
        page.locator("[data-testid='stPlotlyChart']").first.wait_for(timeout=30000)
        assert page.locator("[data-testid='stDataFrame']").count() == 0
        page.get_by_role("tab", name="Table", exact=True).click()
        page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=30000)
        page.get_by_role("tab", name="Download", exact=True).click()
        page.get_by_role("button", name="Download CSV").first.wait_for(timeout=30000)
        assert "indicators=egdi_value" in page.url and ("geo=NO%2CSE" in page.url or "geo=NO,SE" in page.url)
    finally:
        page.close()
