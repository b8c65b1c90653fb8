"""The leaders' overview on a phone (390×844): the six goal cards stack, nothing scrolls sideways, and each card's
score, rating word and icon are readable text (Material icons, which need no emoji font)."""
from __future__ import annotations

import pytest

from tests.browser.test_accessibility import _open

PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("lang, heading, rating_words", [
    ("nb", "Status for de seks målene", ("god", "middels", "mindre god")),
    ("en", "Status of the six goals", ("good", "medium", "less good")),
])
def test_overview_on_a_phone_has_no_sideways_scroll_and_readable_cards(browser, server, lang, heading, rating_words):
    page = _open(browser, f"{server}/?lang={lang}", heading, viewport=PHONE)
    try:
        # On a busy machine the heading can be drawn before the run shows its status widget: wait for the cards
        # themselves (six goal headings, "Goal n · short name") before measuring; the count is asserted below.
        page.wait_for_function("""[...document.querySelectorAll('[data-testid="stMain"] h3')]
            .filter(h => h.innerText.includes('·')).length >= 6""", timeout=30000)
        page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30000)
        widths = page.evaluate("""() => {
            const main = document.querySelector('[data-testid="stMain"]') || document.scrollingElement;
            const over = [...document.querySelectorAll('[data-testid="stMain"] *')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && e.getClientRects().length)
                .map(e => e.tagName + '.' + (e.getAttribute('data-testid') || '')).slice(0, 5);
            return {doc: document.documentElement.scrollWidth, main: main.scrollWidth, inner: window.innerWidth, over};
        }""")
        assert widths["doc"] <= widths["inner"] and widths["main"] <= widths["inner"], widths
        assert not widths["over"], widths
        cards = page.locator('[data-testid="stVerticalBlockBorderWrapper"], [data-testid="stVerticalBlock"]').filter(
            has=page.locator("h3"))
        headings = page.locator('[data-testid="stMain"] h3').all_inner_texts()
        goal_headings = [h for h in headings if "·" in h]
        assert len(goal_headings) == 6, headings
        boxes = [page.locator("h3", has_text=h).first.bounding_box() for h in goal_headings]
        assert all(b["x"] >= 0 and b["x"] + b["width"] <= PHONE["width"] for b in boxes), boxes
        assert [b["y"] for b in boxes] == sorted(b["y"] for b in boxes), "the cards stack in goal order"
        text = page.locator('[data-testid="stMain"]').inner_text()
        assert any(word in text for word in rating_words)
        # Material icons are a font of ligatures: each icon is an element with the icon's name, not an emoji (and,
        # beside its word, hidden from screen readers: tests/browser/test_icons.py)
        icons = page.evaluate("""[...document.querySelectorAll('[data-testid="stMain"] span')]
            .filter(s => getComputedStyle(s).fontFamily.includes('Material Symbols')).map(s => s.innerText)""")
        assert {"check_circle", "do_not_disturb_on"} <= set(icons), icons[:10]
        font_sizes = page.evaluate("""[...document.querySelectorAll('[data-testid="stMain"] p')]
            .map(p => parseFloat(getComputedStyle(p).fontSize))""")
        assert min(font_sizes) >= 12, font_sizes
        assert cards.count() >= 1
    finally:
        page.close()
