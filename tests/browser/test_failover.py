"""Failover through `make serve`'s setup: two public replicas behind nginx, pages opened in Chromium, one replica
killed, new sessions served by the other with no error shown.

Skipped when nginx or Chromium is missing, except under CI=true (`make test` installs both). No timings are
checked: waits are generous upper bounds, never pass/fail figures.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"


@pytest.fixture(scope="module")
def served(browser, browser_warehouse):
    if not Path(NGINX).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("nginx is missing under CI (make test installs it with apt-get)")
        pytest.skip("nginx not installed")
    sys.path.insert(0, str(ROOT / "bench"))
    from load import Serve

    with Serve(replicas=2, warehouse=browser_warehouse) as serve:
        yield serve


def _open(browser, url: str):
    context = browser.new_context()  # a new viewer: its own cookies, so its own route cookie
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector(READY, timeout=120_000)
    page.wait_for_selector("[data-testid='stHeading']", timeout=60_000)
    return context, page


def _no_error_shown(page) -> None:
    for selector in ("[data-testid='stException']", "[data-testid='stAlertContentError']"):
        assert page.locator(selector).count() == 0, f"{selector} shown on {page.url}"
    assert "Connection error" not in page.inner_text("body")


def _route(context) -> str:
    return next(c["value"] for c in context.cookies() if c["name"] == "monitor_route")


def _replicas_serving_host_config(serve, pages: int) -> set[str]:
    """The replicas (upstream addresses) that served a page's /_stcore/host-config, from nginx's access log: one
    request per page load, sent with the page's route cookie, so it goes where the page's session is. Waits (up to
    5 s: the log is flushed every second) until the log holds the `pages` loads so far."""
    deadline = time.monotonic() + 5
    while True:
        log = (serve.runtime / "nginx" / "access.log").read_text()
        lines = [line for line in log.splitlines() if "/_stcore/host-config" in line and "upstream=" in line]
        if len(lines) >= pages or time.monotonic() > deadline:
            return {line.split("upstream=")[1].split()[0] for line in lines}
        time.sleep(0.2)


def _diagnostics(serve) -> str:
    """What a failed run needs to be understood: the supervisor's log and state, nginx's error and access logs."""
    nginx = serve.runtime / "nginx"
    parts = [f"state: {json.dumps(serve.state())}", f"serve.log: {serve.log_text()}"]
    for name in ("error.log", "access.log"):
        path = nginx / name
        parts.append(f"{name}: {path.read_text(errors='replace')[-3000:] if path.exists() else '(none)'}")
    return "\n".join(parts)


def _wait_healthy(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} not healthy within {timeout} s")


@pytest.mark.exclusive   # two replicas' warm-up and a browser beside another worker's test starve the health checks
def test_replica_killed_new_sessions_served_by_the_other(served, browser):
    serve = served
    deadline = time.monotonic() + 60
    while not all(r["healthy"] and r["in_nginx"] for r in serve.state()["replicas"]):
        assert time.monotonic() < deadline, _diagnostics(serve)
        time.sleep(0.5)
    state = serve.state()
    # Viewers arrive through nginx; each gets a route cookie, so they spread over both replicas.
    paths = ["/", "/indicator?indicator=egdi_value", "/?lang=en", "/goal?goal=G3"] * 3
    viewers = []
    # Open viewers until both replicas hold at least one session (the route cookie is random per viewer).
    while paths and (len(viewers) < 2 or len(_replicas_serving_host_config(serve, len(viewers))) < 2):
        viewers.append(_open(browser, serve.base_url + paths.pop(0)))
    assert _replicas_serving_host_config(serve, len(viewers)) == {f"127.0.0.1:{r['port']}" for r in state["replicas"]}, (
        _diagnostics(serve))
    for _, page in viewers:
        _no_error_shown(page)
    assert len({_route(context) for context, _ in viewers}) == len(viewers)

    victim = state["replicas"][0]
    os.kill(victim["pid"], signal.SIGKILL)

    # New viewers right after the kill: nginx skips the dead replica (proxy_next_upstream), whatever their cookie.
    for path in ("/", "/indicator?indicator=egdi_value&lang=en", "/goal?goal=G1"):
        context, page = _open(browser, serve.base_url + path)
        _no_error_shown(page)
        assert page.locator("[data-testid='stHeading']").count() > 0
        context.close()

    # The open pages whose replica died reconnect (Streamlit's frontend retries the websocket) and are served
    # by the other replica; every page ends up showing its content again without an error.
    for context, page in viewers:
        page.wait_for_selector(READY, timeout=120_000)
        page.wait_for_function("() => !document.body.innerText.includes('Connection error')", timeout=120_000)
        page.wait_for_selector("[data-testid='stHeading']", timeout=60_000)
        _no_error_shown(page)

    # The supervisor restarts the killed replica on its port and puts it back into nginx.
    _wait_healthy(f"http://127.0.0.1:{victim['port']}", timeout=120)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        replica = next(r for r in serve.state()["replicas"] if r["port"] == victim["port"])
        if replica["restarts"] >= 1 and replica["healthy"] and replica["in_nginx"]:
            break
        time.sleep(0.5)
    else:
        raise AssertionError(f"replica :{victim['port']} not restarted: {json.dumps(serve.state())}")
    assert replica["pid"] != victim["pid"]
    for context, _ in viewers:
        context.close()
