"""Checks bench/stclient.py against a real browser: the same pages through the same nginx, rendered by Chromium
(Debian's, driven by Playwright), element counts compared per kind. Prints a table and exits 1 on a mismatch.

    python bench/validate_client.py [BASE_URL]     # default: starts deploy/serve.py with 2 replicas on a free port
"""
from __future__ import annotations

import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from stclient import open_view  # noqa: E402

PAGES = ["/", "/indicator?indicator=egdi_value", "/goal?goal=G3&lang=en"]
# Element kind in the protocol -> the data-testid Chromium's DOM carries for it.
TESTIDS = {"plotly_chart": "stPlotlyChart", "page_link": "stPageLink", "radio": "stRadio", "heading": "stHeading",
           "selectbox": "stSelectbox", "metric": "stMetric", "dataframe": "stDataFrame", "table": "stTable",
           "download_button": "stDownloadButton", "alert": "stAlert", "exception": "stException"}


def browser_counts(url: str) -> dict[str, int]:
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page()
        page.goto(url)
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=120_000)
        counts: dict[str, int] = {}
        for _ in range(20):  # until two looks 1 s apart agree (the frontend may still be laying out)
            page.wait_for_timeout(1000)
            now = {kind: page.locator(f"[data-testid='{testid}']").count() for kind, testid in TESTIDS.items()}
            now["all elements"] = page.locator("[data-testid='stElementContainer']").count()
            if now == counts:
                break
            counts = now
        browser.close()
    return counts


def compare(base: str) -> bool:
    ok = True
    for path in PAGES:
        url = base + path
        view = asyncio.run(open_view(url))
        if not view.ok:
            print(f"{path}: protocol client failed: {view.errors}")
            return False
        protocol = {kind: view.elements.get(kind, 0) for kind in TESTIDS}
        protocol["all elements"] = sum(view.elements.values())
        browser = browser_counts(url)
        print(f"\n{path}\n{'element':<18}{'protocol':>10}{'chromium':>10}")
        for kind in protocol:
            if protocol[kind] or browser[kind]:
                mark = "" if protocol[kind] == browser[kind] else "   <- differs"
                ok &= not mark
                print(f"{kind:<18}{protocol[kind]:>10}{browser[kind]:>10}{mark}")
    return ok


def main() -> int:
    if len(sys.argv) > 1:
        return 0 if compare(sys.argv[1].rstrip("/")) else 1
    from load import Serve

    with Serve(replicas=2) as serve:
        return 0 if compare(serve.base_url) else 1


if __name__ == "__main__":
    sys.exit(main())
