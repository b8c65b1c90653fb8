"""HTTP behaviour: retries (429 with Retry-After, 5xx), timeouts, conditional requests, archive, offline."""
from __future__ import annotations

import json
import time

import pytest
from werkzeug import Request, Response

from etl.http import USER_AGENT, FetchError, HttpConfig, fetch, make_session
from etl.lineage import RawArchive
from etl.sources import SOURCES_DIR
from tests.etl.conftest import PROBLEM_429, json_response, shared

PROBLEM_403 = sorted(SOURCES_DIR.glob("*/fixtures/problem_403*.json"))  # RFC 7807 bodies some sources answer with


@pytest.fixture
def archive(tmp_path):
    return RawArchive(tmp_path / "data" / "raw")


def test_429_with_retry_after_then_success(httpserver, session, archive):
    seen = []

    def record(request: Request) -> Response:
        seen.append(dict(request.headers))
        return json_response({"ok": 1})

    httpserver.expect_oneshot_request("/t").respond_with_response(
        json_response(PROBLEM_429, 429, {"Retry-After": "1"}, "application/problem+json"))
    httpserver.expect_request("/t").respond_with_handler(record)
    start = time.monotonic()
    raw = fetch(session, archive, source="ssb", url=httpserver.url_for("/t"))
    assert time.monotonic() - start >= 0.9  # Retry-After honoured (backoff itself is 0 in tests)
    assert raw.http_status == 200 and json.loads(raw.body) == {"ok": 1}
    assert seen[0]["User-Agent"] == USER_AGENT and USER_AGENT.startswith("norway-digital-monitor/0.1 (+")
    assert len(httpserver.log) == 2


def test_retry_after_is_capped(httpserver, archive):
    session = make_session(HttpConfig(total=1, backoff_factor=0, retry_after_max=0.2))
    httpserver.expect_oneshot_request("/t").respond_with_data("slow down", status=429, headers={"Retry-After": "3600"})
    httpserver.expect_request("/t").respond_with_data("{}", content_type="application/json")
    start = time.monotonic()
    fetch(session, archive, source="x", url=httpserver.url_for("/t"))
    assert time.monotonic() - start < 5


def test_post_is_retried_too(httpserver, session, archive):
    httpserver.expect_oneshot_request("/s", method="POST").respond_with_data("busy", status=503)
    httpserver.expect_request("/s", method="POST").respond_with_data('{"page":{"totalElements":3}}',
                                                                     content_type="application/json")
    raw = fetch(session, archive, source="datanorge", url=httpserver.url_for("/s"), method="POST", json_body={})
    assert raw.http_status == 200 and len(httpserver.log) == 2


def test_500_every_time_fails_after_retries_and_archives_the_body(httpserver, session, archive):
    httpserver.expect_request("/t").respond_with_data("internal error page", status=500)
    with pytest.raises(FetchError) as info:
        fetch(session, archive, source="eurostat", url=httpserver.url_for("/t"))
    assert info.value.kind == "http" and "HTTP 500 after 3 attempts" in str(info.value)
    assert len(httpserver.log) == 3  # 1 + total=2 retries
    meta = [e for e in archive.entries() if e["http_status"] == 500]
    assert meta and (archive.root.parent / meta[0]["response_id"]).read_bytes() == b"internal error page"


def test_eurostat_400_error_body_is_reported_and_not_retried(httpserver, session, archive):
    body = shared("fixtures/eurostat/error400_invalid_dimension_param.json").read_bytes()
    httpserver.expect_request("/d").respond_with_response(json_response(body, 400))
    with pytest.raises(FetchError) as info:
        fetch(session, archive, source="eurostat", url=httpserver.url_for("/d"))
    assert "INVALID_URL_PARAMETER_DIMENSION" in str(info.value) and "error id 140" in str(info.value)
    assert len(httpserver.log) == 1


@pytest.mark.parametrize("body", PROBLEM_403, ids=[p.parent.parent.name for p in PROBLEM_403])
def test_problem_json_403(httpserver, session, archive, body):
    import json as _json

    doc = _json.loads(body.read_text(encoding="utf-8"))
    httpserver.expect_request("/d").respond_with_response(
        json_response(body.read_bytes(), 403, content_type="application/problem+json"))
    with pytest.raises(FetchError) as info:
        fetch(session, archive, source="x", url=httpserver.url_for("/d"))
    assert "HTTP 403" in str(info.value) and f"{doc['title']}; {doc['detail']}"[:200] in str(info.value)


def test_timeout(blackhole, archive):
    session = make_session(HttpConfig(total=0, read_timeout=0.3, connect_timeout=0.3))
    start = time.monotonic()
    with pytest.raises(FetchError) as info:
        fetch(session, archive, source="ssb", url=blackhole + "/x")
    assert info.value.kind == "timeout" and time.monotonic() - start < 5


def test_connection_refused_is_offline(closed_port, session, archive):
    with pytest.raises(FetchError) as info:
        fetch(session, archive, source="ssb", url=closed_port + "/x")
    assert info.value.kind == "offline" and "cannot reach 127.0.0.1" in str(info.value)


def test_conditional_request_reuses_archived_body_on_304(httpserver, session, archive):
    headers_seen = []

    def handler(request: Request) -> Response:
        headers_seen.append(dict(request.headers))
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304, headers={"ETag": '"v1"'})
        return Response('{"n": 1}', headers={"ETag": '"v1"', "Last-Modified": "Tue, 24 Sep 2024 06:00:00 GMT",
                                             "Content-Type": "application/json"})

    httpserver.expect_request("/c").respond_with_handler(handler)
    first = fetch(session, archive, source="eurostat", url=httpserver.url_for("/c"), params={"geo": ["NO", "SE"]})
    second = fetch(session, archive, source="eurostat", url=httpserver.url_for("/c"), params={"geo": ["NO", "SE"]})
    assert "If-None-Match" not in headers_seen[0]
    assert headers_seen[1]["If-None-Match"] == '"v1"'
    assert headers_seen[1]["If-Modified-Since"] == "Tue, 24 Sep 2024 06:00:00 GMT"
    assert second.not_modified and second.http_status == 304
    assert second.response_id == first.response_id and second.body == first.body
    sidecar = json.loads(first.path.with_name(first.path.name + ".meta.json").read_text())
    assert sidecar["etag"] == '"v1"' and sidecar["url"].endswith("/c?geo=NO&geo=SE")
    assert sidecar["sha256"] == first.sha256 and sidecar["http_status"] == 200
    assert first.response_id.startswith("raw/eurostat/") and first.response_id.endswith(".json")
