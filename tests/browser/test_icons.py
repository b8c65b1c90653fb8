"""Screen readers and Material icons: Streamlit renders `:material/name:` as <span role="img" aria-label="name icon">,
so English icon names would be read in both languages beside the word that carries the meaning. In a real browser
the monitor's icons are decorative (hidden from assistive technology), headings hold no icon name (nor do their
anchors), and a card's trend line is not read twice."""
from __future__ import annotations

import re

import pytest

from tests.browser.test_accessibility import _open

ICON_NAMES = re.compile(r"check_circle|do_not_disturb_on|keyboard_double_arrow|north_east|south_east|trending_|"
                        r"military_tech|schedule|dataset|fact_check|arrow_forward|\bicon\b")


@pytest.mark.parametrize("path, heading", [("/?lang=nb", "Status for de seks målene"),
                                           ("/assessment?lang=en", "Final assessment of the strategy period 2019–2025"),
                                           ("/goal?goal=G3&lang=nb", "Mål 3")])
def test_icons_are_decorative_and_headings_hold_no_icon_names(browser, server, path, heading):
    page = _open(browser, server + path, heading)
    try:
        main = page.locator("[data-testid='stMain']")
        page.locator("[data-testid='stMarkdownContainer'] span[aria-hidden='true']").first.wait_for(
            state="attached", timeout=30000)
        labelled = main.locator("[role='img'][aria-label$=' icon']")
        assert labelled.count() == 0, [labelled.nth(i).get_attribute("aria-label") for i in range(min(labelled.count(), 5))]
        snapshot = main.aria_snapshot()
        assert not ICON_NAMES.findall(snapshot), ICON_NAMES.findall(snapshot)[:10]
        ids = page.eval_on_selector_all("h1[id], h2[id], h3[id], h4[id]", "els => els.map(e => e.id)")
        assert not [i for i in ids if ICON_NAMES.search(i.replace("-", "_"))], ids
        if path.startswith("/?"):  # the cards: each trend line hidden, its words (the next paragraph) read once
            lines = page.eval_on_selector_all(
                "[data-testid='stMarkdownContainer'] svg:has(polyline)",
                "els => els.map(e => [e.getAttribute('aria-hidden'), e.hasAttribute('aria-label'),"
                " (e.closest('p') || e).nextElementSibling ? (e.closest('p') || e).nextElementSibling.textContent : ''])")
            assert len(lines) == 6, lines
            for hidden, labelled, words in lines:
                assert hidden == "true" and not labelled and "→" in words
                first_line = words.strip().splitlines()[0]  # the history in words (the like-for-like line follows)
                assert snapshot.count(first_line) == 1, words
    finally:
        page.close()
