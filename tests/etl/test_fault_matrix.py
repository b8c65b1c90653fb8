"""The fault matrix: every live source × every fault a publisher or a network can produce.

For each source the registry discovers (nothing here names one) and each fault, one refresh runs with that fault on
that source only. Each must name the source and the fault's kind, keep the source's last good rows (files and
warehouse), and still update the other sources. Network and HTTP faults are generic (redirected base URL, or the
source's first route answered badly); the faults that need the body's format (wrong schema, out-of-range values,
duplicate keys) come from `FAULTS` in each source's `testing.py`. The matrix is printed (`-s`) and in the terminal
summary.
"""
from __future__ import annotations

import io
import time

import pandas as pd
import pytest

from etl.build import build_warehouse
from etl.http import HttpConfig
from etl.refresh import EXIT_OK, EXIT_PARTIAL, Deadlines, refresh
from tests.etl import conftest
from tests.etl.conftest import PROBLEM_429, catalog_for_tests, json_response, replays
from tests.etl.test_refresh import live_rows, q

SOURCES = sorted(replays())
HTTP = HttpConfig(total=1, backoff_factor=0.0, retry_after_max=1.0, connect_timeout=0.5, read_timeout=0.5)
DEADLINES = Deadlines(source_seconds=2.0, total_seconds=4.0)
HTML = ("<!DOCTYPE html><html><head><title>Scheduled maintenance</title></head>"
        "<body><h1>The service is down for maintenance</h1></body></html>")

# fault → the failure kinds that are a correct diagnosis of it
EXPECTED = {
    "timeout": {"timeout"},
    "connection_reset": {"network"},
    "hang": {"timeout"},
    "429_retry_after": {"http"},
    "500": {"http"},
    "truncated_body": {"malformed", "schema"},
    "html_not_json": {"malformed", "schema"},
    "wrong_schema": {"schema"},
    "out_of_range": {"values"},
    "duplicate_keys": {"malformed", "values"},
}
SOURCE_FAULTS = ("wrong_schema", "out_of_range", "duplicate_keys")


def first_route(replay, source: str):
    """(uri, method, the default response) of the source's first route in its replay."""
    replay.server.clear()
    replay.install_defaults()
    handler = next(h for h in replay.server.handlers if h.matcher.uri.startswith(f"/{source}/"))
    response = handler.request_handler(None)
    replay.server.clear()
    return handler.matcher.uri, handler.matcher.method, response


def install(replay, source: str, fault: str):
    """Register the fault (before the defaults, so it wins) and return the connector kwargs to use."""
    kwargs = replay.connector_kwargs()
    uri, method, default = first_route(replay, source)
    server = replay.server
    if fault in SOURCE_FAULTS:
        faults = getattr(replays()[source], "FAULTS", {})
        assert fault in faults, f"etl/sources/{source}/testing.py: FAULTS has no {fault!r} (the matrix needs it)"
        faults[fault](server, f"/{source}")
    elif fault == "429_retry_after":
        server.expect_request(uri, method=method).respond_with_response(
            json_response(PROBLEM_429, 429, {"Retry-After": "1"}, "application/problem+json"))
    elif fault == "500":
        server.expect_request(uri, method=method).respond_with_data("upstream exploded", status=500)
    elif fault == "truncated_body":
        body = default.get_data()
        cut = body[: len(body) // 2]
        server.expect_request(uri, method=method).respond_with_data(
            cut.rstrip(b"\n")[:-1], headers={"Content-Type": default.headers.get("Content-Type", "")})
    elif fault == "html_not_json":
        server.expect_request(uri, method=method).respond_with_data(HTML, content_type="text/html")
    replay.install_defaults()
    return kwargs


@pytest.mark.parametrize("source", SOURCES)
def test_fault_matrix(tmp_path, replay, blackhole, reset_server, drip_server, source):
    data = tmp_path / "data"
    curated = data / "curated"  # no curated rows: the builds take a fraction of the time, the live stage is the same
    curated.mkdir(parents=True)
    warehouse, live = data / "warehouse.duckdb", data / "live"
    catalog = catalog_for_tests(tmp_path)
    build_warehouse(warehouse, catalog_path=catalog, curated_dir=curated, live_dir=live)
    redirect = {"timeout": blackhole, "connection_reset": reset_server, "hang": drip_server}

    def run(kwargs):
        err = io.StringIO()
        start = time.perf_counter()
        report = refresh(warehouse, catalog_path=catalog, curated_dir=curated, live_dir=live,
                         http_config=HTTP, deadlines=DEADLINES, connector_kwargs=kwargs, stream=err,
                         out=io.StringIO())
        replay.server.clear()
        return report, err.getvalue(), time.perf_counter() - start

    replay.install_defaults()
    report, err, _ = run(replay.connector_kwargs())
    assert report.exit_code == EXIT_OK, err
    good = live_rows(live, source)
    others = {s: live_rows(live, s) for s in SOURCES if s != source}
    assert good and all(others.values())

    row = conftest.FAULT_MATRIX.setdefault(source, {})
    for fault, kinds in EXPECTED.items():
        kwargs = install(replay, source, fault)
        if fault in redirect:
            kwargs[source] = {**kwargs[source], "base_url": redirect[fault]}
        report, err, seconds = run(kwargs)
        result = {r.source: r for r in report.results}
        row[fault] = f"{result[source].error_kind or 'ok'} {seconds:.1f}s"
        where = f"{source} × {fault}: {err}"
        assert report.exit_code == EXIT_PARTIAL, where
        assert not result[source].ok and result[source].error_kind in kinds, where
        assert f"{source}: FAILED ({result[source].error_kind})" in err, where
        assert "Traceback" not in err and result[source].error_kind != "unexpected", where
        # the last good rows stay, in the files and in the served warehouse
        assert live_rows(live, source) == good, where
        served = q(warehouse, f"SELECT count(*) FROM observations WHERE origin_kind='live' AND source='{source}'")
        assert served[0][0] == len(good), where
        status = pd.read_csv(live / "status.csv", dtype=str, keep_default_na=False).set_index("source")
        assert status.loc[source, "last_error"].startswith(result[source].error_kind), where
        # the other sources were still refreshed, and are served
        for other, rows in others.items():
            assert result[other].ok and f"{other}: ok" in err, where
            assert len(live_rows(live, other)) == len(rows)
            served = q(warehouse, f"SELECT count(*) FROM observations WHERE origin_kind='live' AND source='{other}'")
            assert served[0][0] == len(rows), where
        assert seconds < DEADLINES.total_seconds + 10, where  # the deadline bounds every fault (build included)
    print(f"\n{source}: " + ", ".join(f"{f} → {v}" for f, v in row.items()))


def test_zz_print_the_fault_matrix():
    """Runs after the matrix (file order): the whole table, for `-s`; `-rA` shows it in the terminal summary."""
    if not conftest.FAULT_MATRIX:
        pytest.skip("the fault matrix did not run in this session")
    table = conftest.format_fault_matrix(conftest.FAULT_MATRIX)
    print("\n" + table)
    assert set(conftest.FAULT_MATRIX) <= set(SOURCES)  # all of them unless the run was narrowed (-k)
    assert all(set(row) == set(EXPECTED) for row in conftest.FAULT_MATRIX.values())
