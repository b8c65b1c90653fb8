"""A fresh server whose first visitor opens a page URL directly still runs it through app.py."""
from __future__ import annotations

from tests.browser.conftest import _serve


def _first_visit(browser, warehouse, path: str, public: bool):
    process, url = _serve(warehouse, public=public)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(url + path)
        page.locator('[data-testid="stSidebar"]').get_by_text("English").wait_for(timeout=30000)
        # The sidebar is drawn first: wait for the page's own heading too, then for the run to end.
        page.locator('[data-testid="stMain"] h1').first.wait_for(timeout=30000)
        page.wait_for_function("!document.querySelector('[data-testid=stStatusWidget]')", timeout=30000)
        return page.locator("h1").all_inner_texts(), page.locator('[data-testid="stSidebar"]').inner_text()
    finally:
        page.close()
        process.terminate()
        process.wait(timeout=10)


def test_first_visit_to_a_goal_url_gets_the_app_around_it(browser, browser_warehouse):
    headings, sidebar = _first_visit(browser, browser_warehouse, "/goal?goal=G4&lang=nb", public=False)
    assert any(h.startswith("Mål 4") for h in headings)
    assert "Språk" in sidebar and "Oversikt" in sidebar


def test_first_visit_to_the_sql_url_in_public_mode_shows_no_console(browser, browser_warehouse):
    headings, sidebar = _first_visit(browser, browser_warehouse, "/sql?lang=en", public=True)
    assert "SQL console" not in " ".join(headings) and "SQL console" not in sidebar
    assert headings  # the unknown page falls back to the overview
