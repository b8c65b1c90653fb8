"""A real Streamlit server and headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

Skipped when Chromium is absent, except under CI=true, where `make test` installs it and its absence is a failure.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is missing under CI (make test installs it with apt-get)")
        pytest.skip("chromium not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def browser_warehouse(real_warehouse) -> Path:
    return real_warehouse


def _serve(warehouse: Path, public: bool):
    port = _free_port()
    env = {**os.environ, "MONITOR_WAREHOUSE": str(warehouse), "MONITOR_MODE": "public" if public else ""}
    args = [sys.executable, str(ROOT / "deploy" / "streamlit_server.py"), "run", str(ROOT / "app.py"), "--server.port", str(port),
            "--server.headless", "true", "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]
    if public:
        args += ["--client.showErrorDetails", "none", "--client.toolbarMode", "viewer"]
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return process, url
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("streamlit did not start within 60 s")


def _running(warehouse: Path, public: bool):
    process, url = _serve(warehouse, public=public)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def server(browser_warehouse):
    yield from _running(browser_warehouse, public=False)


@pytest.fixture(scope="session")
def public_server(browser_warehouse):
    yield from _running(browser_warehouse, public=True)
