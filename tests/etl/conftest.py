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


def _serve_forever(sock: socket.socket, handle, stop) -> None:
    import threading

    sock.settimeout(0.2)
    while not stop.is_set():
        try:
            conn, _ = sock.accept()
        except (TimeoutError, OSError):
            continue
        threading.Thread(target=handle, args=(conn, stop), daemon=True).start()


def _fault_server(handle):
    import threading

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    stop = threading.Event()
    thread = threading.Thread(target=_serve_forever, args=(sock, handle, stop), daemon=True)
    thread.start()
    return f"http://127.0.0.1:{sock.getsockname()[1]}", stop, sock, thread


def _reset(conn: socket.socket, stop) -> None:
    import struct

    try:
        conn.recv(65536)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close → RST, not FIN
    finally:
        conn.close()


def _drip(conn: socket.socket, stop) -> None:
    """Headers at once, then one byte of body every 0.1 s: every read answers within any timeout, the body never
    ends. Only a deadline stops a client."""
    try:
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n")
        while not stop.wait(0.1):
            conn.sendall(b" ")
    except OSError:
        pass
    finally:
        conn.close()


@pytest.fixture
def reset_server():
    """A URL whose server reads the request and resets the connection."""
    url, stop, sock, thread = _fault_server(_reset)
    yield url
    stop.set()
    thread.join(2)
    sock.close()


@pytest.fixture
def drip_server():
    """A URL whose server answers 200 and then drips its body forever (a hang no socket timeout notices)."""
    url, stop, sock, thread = _fault_server(_drip)
    yield url
    stop.set()
    thread.join(2)
    sock.close()


# source → fault → what happened (filled by test_fault_matrix.py, printed at the end of the run)
FAULT_MATRIX: dict[str, dict[str, str]] = {}


def format_fault_matrix(matrix: dict[str, dict[str, str]]) -> str:
    faults = list(dict.fromkeys(f for row in matrix.values() for f in row))
    width = max([len(s) for s in matrix] + [6])
    cols = [max([len(f)] + [len(row.get(f, "")) for row in matrix.values()]) for f in faults]
    lines = ["source".ljust(width) + " | " + " | ".join(f.ljust(c) for f, c in zip(faults, cols))]
    lines.append("-" * len(lines[0]))
    for source, row in sorted(matrix.items()):
        lines.append(source.ljust(width) + " | " + " | ".join(row.get(f, "-").ljust(c) for f, c in zip(faults, cols)))
    return "\n".join(lines)


def pytest_terminal_summary(terminalreporter):
    if FAULT_MATRIX:
        terminalreporter.section("fault matrix: source × fault → failure kind, seconds (last good data kept)")
        terminalreporter.write_line(format_fault_matrix(FAULT_MATRIX))
        n = sum(len(row) for row in FAULT_MATRIX.values())
        terminalreporter.write_line(f"{n} faults injected into {len(FAULT_MATRIX)} live sources")
