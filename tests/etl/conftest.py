"""Fixtures for the live-connector tests: a local HTTP server replaying genuine-format bodies.

Real bodies come from ../shared/fixtures and ../shared/reference-data (skipped when ../shared is absent, a
failure under CI=true); synthetic ones written by us are in tests/etl/fixtures (see its README.md).
"""
from __future__ import annotations

import hashlib
import json
import re
import socket
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from etl.connectors.ssb import RateLimiter
from etl.http import HttpConfig, make_session
from tests.conftest import shared_file

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
FIX = HERE / "fixtures"
CATALOG = ROOT / "indicators" / "catalog.toml"
SNAPSHOT = ROOT / "data" / "curated"

UN_FILES = {  # served path → file in ../shared/reference-data (real UN data, public copies)
    "/un/egdi-2014.csv": "reference-data/un-egdi/egdi-2014.csv",
    "/un/egdi-2016.csv": "reference-data/un-egdi/egdi-2016.csv",
    "/un/egdi-2018.csv": "reference-data/un-egdi/egdi-2018.csv",
    "/un/EGOV_DATA_2022.csv": "reference-data/un-egdi/EGOV_DATA_2022.csv",
    "/un/EGOV_DATA_2024.csv": "reference-data/un-egdi/EGOV_DATA_2024.csv",
}
UN_YEARS = {"/un/egdi-2014.csv": 2014, "/un/egdi-2016.csv": 2016, "/un/egdi-2018.csv": 2018,
            "/un/EGOV_DATA_2022.csv": 2022, "/un/EGOV_DATA_2024.csv": 2024}

SSB_CONNECTORS = {  # codes of our synthetic SSB fixtures (tests/etl/fixtures/ssb), not verified SSB codes
    "ssb_submitted_forms_online_12m":
        '{ source = "ssb", table = "11004", contents = "SendtSkjema", filters = { Alder = "16-79" } }',
    "ssb_downloaded_public_forms_12m":
        '{ source = "ssb", table = "11004", contents = "LastetNedSkjema", filters = { Alder = "16-79" } }',
}


shared = shared_file  # from tests.conftest: skip without ../shared, fail under CI=true


def fixture_bytes(relative: str) -> bytes:
    return (FIX / relative).read_bytes()


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def snapshot_dir() -> Path:
    """The real curated snapshot."""
    return SNAPSHOT


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


def catalog_with_ssb(tmp_path: Path) -> Path:
    """The real catalogue plus SSB connectors whose codes match our synthetic SSB fixtures."""
    return catalog_with_connectors(tmp_path, SSB_CONNECTORS)


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
    """Routes for all four sources on one pytest-httpserver; failures are registered before the defaults."""

    server: HTTPServer
    overrides: dict[str, object] = field(default_factory=dict)

    def url(self, prefix: str) -> str:
        return self.server.url_for(prefix).rstrip("/")

    def connector_kwargs(self, fake_clock: bool = True) -> dict[str, dict]:
        clock = {"t": 0.0}
        limiter = RateLimiter(clock=lambda: clock["t"], sleep=lambda s: clock.__setitem__("t", clock["t"] + s))
        return {
            "eurostat": {"base_url": self.url("/eurostat")},
            "ssb": {"base_url": self.url("/ssb"), "limiter": limiter},
            "datanorge": {"base_url": self.url("/dn")},
            "un_egdi": {"base_url": self.url("/un"),
                        "options": {"files": [{"year": UN_YEARS[p], "path": p[len("/un"):]} for p in UN_FILES]}},
        }

    def install_defaults(self) -> None:
        s = self.server
        js = {"Content-Type": "application/json"}
        s.expect_request("/eurostat/isoc_ciegi_ac").respond_with_data(fixture_bytes("eurostat/isoc_ciegi_ac.json"), headers=js)
        s.expect_request("/eurostat/isoc_sk_dskl_i21").respond_with_data(fixture_bytes("eurostat/isoc_sk_dskl_i21.json"), headers=js)
        s.expect_request("/ssb/tables/11004/metadata").respond_with_data(fixture_bytes("ssb/11004_metadata.json"), headers=js)
        s.expect_request("/ssb/tables/11004/data", method="POST").respond_with_data(fixture_bytes("ssb/11004_data.json"), headers=js)
        s.expect_request("/dn/search/datasets", method="POST",
                         json={"pagination": {"page": 0, "size": 1}, "filters": {"openData": {"value": True}}}
                         ).respond_with_data(fixture_bytes("datanorge/search_datasets_open.json"), headers=js)
        s.expect_request("/dn/search/datasets", method="POST").respond_with_data(fixture_bytes("datanorge/search_datasets.json"), headers=js)
        s.expect_request("/dn/search/dataservices", method="POST").respond_with_data(fixture_bytes("datanorge/search_dataservices.json"), headers=js)
        for path, rel in UN_FILES.items():
            s.expect_request(path).respond_with_data(shared(rel).read_bytes(), headers={"Content-Type": "text/csv"})


@pytest.fixture
def replay(httpserver: HTTPServer) -> Replay:
    return Replay(httpserver)


def json_response(doc, status=200, headers=None, content_type="application/json") -> Response:
    body = doc if isinstance(doc, (bytes, str)) else json.dumps(doc)
    return Response(body, status=status, headers={"Content-Type": content_type, **(headers or {})})
