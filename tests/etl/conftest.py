"""Fixtures for the framework's ETL tests: a local HTTP server replaying every live source.

Each source with a connector brings its own replay (`etl/sources/<name>/testing.py`: default routes, connector
arguments, test-only catalogue mappings and failure scenarios); nothing here names a source. Real bodies come from
../shared (skipped when absent, a failure under CI=true); synthetic ones are in each source's fixtures/ folder.
"""
from __future__ import annotations

import hashlib
import importlib
import json
import re
import socket
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import ModuleType

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from etl.http import HttpConfig, make_session
from etl.sources import all_sources
from tests.conftest import shared_file

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "indicators" / "catalog.toml"
CURATED = ROOT / "data" / "curated"

shared = shared_file  # from tests.conftest: skip without ../shared, fail under CI=true


@lru_cache(maxsize=1)
def replays() -> dict[str, ModuleType]:
    """name → the testing module of every source that has a connector."""
    out = {}
    for name, source in all_sources().items():
        if source.connector is not None:
            assert (source.folder / "testing.py").exists(), f"etl/sources/{name} has a connector but no testing.py"
            out[name] = importlib.import_module(f"etl.sources.{name}.testing")
    return out


def failure_cases() -> list[tuple[str, str, str, object]]:
    return [(name, kind, text, install) for name, module in replays().items()
            for kind, text, install in module.FAILURES]


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def curated_dir() -> Path:
    """The real curated files."""
    return CURATED


def catalog_with_connectors(tmp_path: Path, connectors: dict[str, str]) -> Path:
    """A copy of the real catalogue with `connector = ...` added to the given indicators (test mappings)."""
    text = CATALOG.read_text(encoding="utf-8")
    for indicator_id, connector in connectors.items():
        text, n = re.subn(rf'^id = "{re.escape(indicator_id)}"\n', f'id = "{indicator_id}"\nconnector = {connector}\n',
                          text, count=1, flags=re.M)
        assert n == 1, indicator_id
    path = tmp_path / "catalog.toml"
    path.write_text(text, encoding="utf-8")
    return path


def catalog_for_tests(tmp_path: Path) -> Path:
    """The real catalogue plus every source's test-only connector mappings (codes of their synthetic fixtures)."""
    extra = {k: v for module in replays().values() for k, v in module.CATALOG_CONNECTORS.items()}
    return catalog_with_connectors(tmp_path, extra)


@pytest.fixture
def fast_http() -> HttpConfig:
    return HttpConfig(total=2, backoff_factor=0.0, retry_after_max=2.0, connect_timeout=1.0, read_timeout=1.0)


@pytest.fixture
def session(fast_http):
    s = make_session(fast_http)
    yield s
    s.close()


@pytest.fixture
def blackhole():
    """A TCP port that accepts connections (kernel backlog) but never answers: every read times out."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()


@pytest.fixture
def closed_port():
    """A URL whose port refuses connections (as fast and final as a failed name lookup)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}"


@dataclass
class Replay:
    """Every live source's routes on one pytest-httpserver, each under /<source>; failures go in first."""

    server: HTTPServer

    def url(self, name: str) -> str:
        return self.server.url_for(f"/{name}").rstrip("/")

    def connector_kwargs(self) -> dict[str, dict]:
        return {name: module.connector_kwargs(self.url(name)) for name, module in replays().items()}

    def env(self) -> dict[str, str]:
        return {f"MONITOR_{name.upper()}_BASE_URL": self.url(name) for name in replays()}

    def install_defaults(self) -> None:
        for name, module in replays().items():
            module.install(self.server, f"/{name}")

    def install_failure(self, name: str, install) -> None:
        install(self.server, f"/{name}")


@pytest.fixture
def replay(httpserver: HTTPServer) -> Replay:
    return Replay(httpserver)


def json_response(doc, status=200, headers=None, content_type="application/json") -> Response:
    body = doc if isinstance(doc, (bytes, str)) else json.dumps(doc)
    return Response(body, status=status, headers={"Content-Type": content_type, **(headers or {})})


PROBLEM_429 = {"title": "Too many requests", "status": 429,
               "detail": "Synthetic RFC 7807 body for tests (shape of the PxWebApi 2 spec examples)"}
