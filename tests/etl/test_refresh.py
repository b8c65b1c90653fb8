"""End-to-end refresh against a local server replaying genuine-format responses; failure isolation."""
from __future__ import annotations

import io
import json
from pathlib import Path

import duckdb
import pytest

from etl.build import build_warehouse
from etl.refresh import EXIT_OFFLINE, EXIT_OK, EXIT_PARTIAL, refresh
from tests.etl.conftest import CATALOG, catalog_with_connectors, catalog_with_ssb, fixture_bytes, json_response, sha256, shared, snapshot_dir


def q(path: Path, sql: str):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def live_rows(path: Path, source: str):
    return q(path, f"""SELECT indicator_id, geo, breakdown, period, value, origin FROM observations
                       WHERE origin_kind = 'live' AND connector_source = '{source}' ORDER BY ALL""")


@pytest.fixture
def world(tmp_path, replay, fast_http):
    """A served warehouse built from the real catalogue + snapshot, and a runner for refreshes against `replay`."""
    shared("reference-data/un-egdi/EGOV_DATA_2022.csv")
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    warehouse.parent.mkdir()
    build_warehouse(warehouse, catalog_path=catalog_with_ssb(warehouse.parent), snapshot_dir=snapshot_dir())
    catalog = catalog_with_ssb(tmp_path)

    def run(sources=None, install=True):
        if install:
            replay.install_defaults()
        err, out = io.StringIO(), io.StringIO()
        report = refresh(warehouse, catalog_path=catalog, snapshot_dir=snapshot_dir(), sources=sources,
                         http_config=fast_http, connector_kwargs=replay.connector_kwargs(), stream=err, out=out)
        replay.server.clear()
        return report, err.getvalue(), out.getvalue()

    return warehouse, run


def test_happy_path_loads_12_plus_indicators_with_lineage(world):
    warehouse, run = world
    report, err, out = run()
    assert report.exit_code == EXIT_OK, err
    assert report.live_indicators >= 12
    live = q(warehouse, "SELECT DISTINCT indicator_id FROM observations WHERE origin_kind = 'live'")
    assert len(live) >= 12
    for source in ("eurostat", "ssb", "datanorge", "un_egdi"):
        assert f"{source}: ok" in err
    # every live row points at an archived raw response with a sidecar and a raw_responses record
    origins = q(warehouse, "SELECT DISTINCT origin FROM observations WHERE origin_kind = 'live'")
    recorded = dict(q(warehouse, "SELECT response_id, sha256 FROM raw_responses"))
    for (origin,) in origins:
        path = warehouse.parent / origin
        assert path.exists() and origin.startswith("raw/")
        meta = json.loads(path.with_name(path.name + ".meta.json").read_text())
        assert meta["http_status"] == 200 and meta["sha256"] == sha256(path) == recorded[origin]
        assert meta["url"].startswith("http://")
    status = {r[0]: r for r in q(warehouse, "SELECT source, last_attempt, last_success, last_error, row_count FROM source_status")}
    assert set(status) == {"eurostat", "ssb", "datanorge", "un_egdi"}
    assert all(r[2] is not None and r[3] == "" and r[4] > 0 for r in status.values())
    # values as published: EGDI 2022 Norway from the UN file, Eurostat skills (real values), EU27 renamed
    assert ("0.8879",) in q(warehouse, "SELECT value_text FROM observations WHERE indicator_id='egdi_value' "
                                       "AND geo='NO' AND period='2022' AND origin_kind='live'")
    assert q(warehouse, "SELECT value FROM observations WHERE origin_kind='live' AND indicator_id="
                        "'eurostat_above_basic_digital_skills' AND geo='NO' AND period='2023'") == [(50.71,)]
    assert q(warehouse, "SELECT count(*) FROM observations WHERE origin_kind='live' AND geo='EU27'")[0][0] > 0
    # the 2022 code switch: 2022+ from I_IGOVANYS, earlier from I_IUGOV12, with a break flag where Eurostat set one
    notes = dict(q(warehouse, "SELECT period, note FROM observations WHERE origin_kind='live' AND geo='NO' "
                              "AND indicator_id='eurostat_egov_interaction_12m'"))
    assert "I_IUGOV12" in notes["2021"] and "I_IGOVANYS" in notes["2023"]
    assert q(warehouse, "SELECT flags FROM observations WHERE origin_kind='live' AND geo='NO' AND period='2022' "
                        "AND indicator_id='eurostat_egov_interaction_12m'") == [("break_in_series",)]
    # the flagged cell without a value (SE 2024, website or app) produced no live observation
    assert q(warehouse, "SELECT count(*) FROM observations WHERE origin_kind='live' AND geo='SE' AND period='2024' "
                        "AND indicator_id='eurostat_egov_used_public_website_or_app_12m'") == [(0,)]
    # curated rows are still there
    assert q(warehouse, "SELECT count(*) FROM observations WHERE origin_kind='curated'")[0][0] > 0


def test_datanorge_history_accumulates(world):
    warehouse, run = world
    assert run()[0].exit_code == EXIT_OK
    with duckdb.connect(str(warehouse)) as con:  # pretend the first run was yesterday
        con.execute("UPDATE observations SET period = '2026-11-27' WHERE connector_source = 'datanorge'")
    report, err, _ = run(sources=["datanorge"])
    assert report.exit_code == EXIT_OK, err
    periods = q(warehouse, "SELECT DISTINCT period FROM observations WHERE connector_source='datanorge' ORDER BY 1")
    assert len(periods) == 2 and periods[0] == ("2026-11-27",)
    # the other sources' live rows were carried over untouched
    assert len(live_rows(warehouse, "eurostat")) > 0 and len(live_rows(warehouse, "un_egdi")) > 0


def _eurostat_500(s):
    s.expect_request("/eurostat/isoc_ciegi_ac").respond_with_data("upstream exploded", status=500)


def _eurostat_400(s):
    body = shared("fixtures/eurostat/error400_invalid_dimension_value.json").read_bytes()
    s.expect_request("/eurostat/isoc_ciegi_ac").respond_with_response(json_response(body, 400))


def _eurostat_truncated(s):
    s.expect_request("/eurostat/isoc_ciegi_ac").respond_with_data(fixture_bytes("eurostat/isoc_ciegi_ac.json")[:700],
                                                                  content_type="application/json")


def _eurostat_over_100(s):
    s.expect_request("/eurostat/isoc_ciegi_ac").respond_with_data(fixture_bytes("eurostat/isoc_ciegi_ac_over_100.json"),
                                                                  content_type="application/json")


def _eurostat_changed(s):
    s.expect_request("/eurostat/isoc_ciegi_ac").respond_with_data(
        fixture_bytes("eurostat/isoc_ciegi_ac_changed_codes.json"), content_type="application/json")


def _ssb_403(s):
    s.expect_request("/ssb/tables/11004/data", method="POST").respond_with_response(
        json_response(fixture_bytes("ssb/problem_403_cell_limit.json"), 403, content_type="application/problem+json"))


def _ssb_changed(s):
    s.expect_request("/ssb/tables/11004/metadata").respond_with_data(fixture_bytes("ssb/11004_metadata_changed.json"),
                                                                     content_type="application/json")


def _dn_changed(s):
    s.expect_request("/dn/search/datasets", method="POST").respond_with_data(
        fixture_bytes("datanorge/search_changed.json"), content_type="application/json")


def _un_changed(s):
    s.expect_request("/un/EGOV_DATA_2024.csv").respond_with_data(
        fixture_bytes("un_egdi/EGOV_DATA_changed_header.csv"), content_type="text/csv")


FAILURES = [
    ("eurostat", "http", "HTTP 500", _eurostat_500),
    ("eurostat", "http", "INVALID_QUERY_DIMENSION_VALUE", _eurostat_400),
    ("eurostat", "malformed", "not usable JSON-stat", _eurostat_truncated),
    ("eurostat", "values", "above the unit's limit", _eurostat_over_100),
    ("eurostat", "schema", "changed schema", _eurostat_changed),
    ("ssb", "http", "exceeds the number of allowed", _ssb_403),
    ("ssb", "schema", "changed schema", _ssb_changed),
    ("datanorge", "schema", "changed schema", _dn_changed),
    ("un_egdi", "schema", "changed schema", _un_changed),
]


@pytest.mark.parametrize("source,kind,text,install", FAILURES, ids=[f"{f[0]}-{f[3].__name__[1:]}" for f in FAILURES])
def test_failing_source_keeps_last_good_data(world, replay, source, kind, text, install):
    warehouse, run = world
    assert run()[0].exit_code == EXIT_OK
    before = live_rows(warehouse, source)
    others_before = {s: len(live_rows(warehouse, s)) for s in ("eurostat", "ssb", "datanorge", "un_egdi") if s != source}
    assert before

    install(replay.server)  # registered first, so it wins over the defaults
    report, err, _ = run()

    assert report.exit_code == EXIT_PARTIAL
    assert f"{source}: FAILED ({kind})" in err and text in err, err
    assert live_rows(warehouse, source) == before  # last good data still served, same values and origins
    for other, n in others_before.items():
        assert len(live_rows(warehouse, other)) == n and f"{other}: ok" in err
    (attempt, success, error), = q(warehouse, f"SELECT last_attempt, last_success, last_error FROM source_status "
                                              f"WHERE source = '{source}'")
    assert error.startswith(kind) and attempt > success


def test_timeout_keeps_last_good_data(world, replay, blackhole, fast_http):
    warehouse, run = world
    assert run()[0].exit_code == EXIT_OK
    before = live_rows(warehouse, "ssb")
    replay.install_defaults()
    kwargs = replay.connector_kwargs()
    kwargs["ssb"]["base_url"] = blackhole
    err = io.StringIO()
    report = refresh(warehouse, catalog_path=catalog_with_ssb(warehouse.parent), snapshot_dir=snapshot_dir(),
                     http_config=fast_http, connector_kwargs=kwargs, stream=err, out=io.StringIO())
    assert report.exit_code == EXIT_PARTIAL
    assert "ssb: FAILED (timeout)" in err.getvalue()
    assert live_rows(warehouse, "ssb") == before


def test_offline_one_line_and_byte_identical_warehouse(world, closed_port, fast_http, tmp_path):
    warehouse, _ = world
    digest, mtime = sha256(warehouse), warehouse.stat().st_mtime_ns
    kwargs = {name: {"base_url": closed_port} for name in ("eurostat", "ssb", "datanorge", "un_egdi")}
    err = io.StringIO()
    report = refresh(warehouse, catalog_path=catalog_with_ssb(tmp_path), snapshot_dir=snapshot_dir(), http_config=fast_http,
                     connector_kwargs=kwargs, stream=err, out=io.StringIO())
    assert report.exit_code == EXIT_OFFLINE
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 1 and "offline" in lines[0] and "left exactly as it was" in lines[0]
    assert sha256(warehouse) == digest and warehouse.stat().st_mtime_ns == mtime
    assert not list(warehouse.parent.glob("*.tmp"))


def test_first_refresh_failure_without_previous_live_data(tmp_path, replay, fast_http):
    """No earlier live rows to keep: the failing source simply contributes nothing; others still load."""
    shared("reference-data/un-egdi/EGOV_DATA_2022.csv")
    warehouse = tmp_path / "warehouse.duckdb"
    build_warehouse(warehouse, catalog_path=catalog_with_ssb(tmp_path), snapshot_dir=snapshot_dir())
    _eurostat_500(replay.server)
    replay.install_defaults()
    err = io.StringIO()
    report = refresh(warehouse, catalog_path=CATALOG, snapshot_dir=snapshot_dir(), http_config=fast_http,
                     connector_kwargs=replay.connector_kwargs(), stream=err, out=io.StringIO())
    assert report.exit_code == EXIT_PARTIAL and "eurostat: FAILED (http)" in err.getvalue()
    assert live_rows(warehouse, "eurostat") == []
    assert live_rows(warehouse, "un_egdi")


def catalogue_connector_count() -> int:
    from etl.connectors.mapping import plan

    return sum(len(specs) for specs in plan(CATALOG).specs.values())


def test_python_m_etl_refresh_subprocess(tmp_path, httpserver):
    """`python -m etl refresh` end to end, base URLs injected through the environment, the real catalogue."""
    import os
    import subprocess
    import sys

    from etl.connectors.un_egdi import DEFAULT_FILES
    from tests.etl.conftest import ROOT, UN_FILES, Replay

    replay = Replay(httpserver)
    replay.install_defaults()
    by_year = {2014: "egdi-2014", 2016: "egdi-2016", 2018: "egdi-2018", 2022: "EGOV_DATA_2022", 2024: "EGOV_DATA_2024"}
    for f in DEFAULT_FILES:  # serve the UN files at their configured paths
        rel = UN_FILES[f"/un/{by_year[f['year']]}.csv"]
        httpserver.expect_request("/gh" + f["path"]).respond_with_data(shared(rel).read_bytes(), content_type="text/csv")
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    warehouse.parent.mkdir()
    env = {**os.environ, "MONITOR_EUROSTAT_BASE_URL": replay.url("/eurostat"), "MONITOR_SSB_BASE_URL": replay.url("/ssb"),
           "MONITOR_DATANORGE_BASE_URL": replay.url("/dn"), "MONITOR_UN_EGDI_BASE_URL": replay.url("/gh")}
    cmd = [sys.executable, "-m", "etl", "--warehouse", str(warehouse), "--snapshot", str(snapshot_dir()), "refresh"]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    result_lines = [l for l in proc.stderr.splitlines() if ": ok," in l]
    assert sorted(l.split(":")[0] for l in result_lines) == ["datanorge", "eurostat", "un_egdi"]
    assert "live observations for" in proc.stdout
    n = q(warehouse, "SELECT count(DISTINCT indicator_id) FROM observations WHERE origin_kind = 'live'")[0][0]
    assert n == catalogue_connector_count() == 11  # every catalogue indicator with a connector (SSB's await codes)
    assert (warehouse.parent / "raw" / "index.jsonl").exists()
    # a second run with a single source: the others' live rows are carried over
    proc = subprocess.run(cmd + ["--source", "datanorge"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert q(warehouse, "SELECT count(DISTINCT indicator_id) FROM observations WHERE origin_kind = 'live'")[0][0] == n


def test_429_then_success_during_refresh(world, replay):
    warehouse, run = world
    replay.server.expect_oneshot_request("/dn/search/datasets", method="POST").respond_with_response(
        json_response(fixture_bytes("ssb/problem_429.json"), 429, {"Retry-After": "1"}, "application/problem+json"))
    report, err, _ = run()
    assert report.exit_code == EXIT_OK, err
    assert q(warehouse, "SELECT count(*) FROM observations WHERE indicator_id = 'data_norge_datasets_registered'"
                        " AND origin_kind = 'live'") == [(1,)]
    assert q(warehouse, "SELECT count(*) FROM raw_responses WHERE http_status = 429") == [(0,)]  # retried inside urllib3


def test_build_failure_leaves_warehouse_untouched(world, monkeypatch):
    import etl.build

    warehouse, run = world
    digest = sha256(warehouse)

    def broken(*a, **k):
        raise etl.build.BuildError("observations row 3: unknown indicator 'x'")

    monkeypatch.setattr(etl.build, "build_warehouse", broken)
    report, err, _ = run()
    assert report.exit_code == EXIT_PARTIAL and "failed validation" in err and "unknown indicator" in err
    assert sha256(warehouse) == digest


def test_unknown_connector_in_catalogue_is_skipped_not_fatal(tmp_path, replay, fast_http):
    shared("reference-data/un-egdi/EGOV_DATA_2022.csv")
    catalog = catalog_with_connectors(tmp_path, {"egovbench_overall": '{ source = "egovbench_api" }'})
    warehouse = tmp_path / "warehouse.duckdb"
    replay.install_defaults()
    err = io.StringIO()
    report = refresh(warehouse, catalog_path=catalog, snapshot_dir=snapshot_dir(), http_config=fast_http,
                     connector_kwargs=replay.connector_kwargs(), stream=err, out=io.StringIO())
    assert report.exit_code == EXIT_OK, err.getvalue()
    assert "no connector 'egovbench_api' (catalogue indicators egovbench_overall); skipped" in err.getvalue()
    assert report.live_indicators == catalogue_connector_count()
    # asking for it explicitly is a usage error
    report = refresh(warehouse, catalog_path=catalog, snapshot_dir=snapshot_dir(), sources=["egovbench_api"],
                     stream=io.StringIO(), out=io.StringIO())
    assert report.exit_code == 2


def test_a_rebuild_from_the_snapshot_keeps_the_live_rows(world):
    from etl.build import cli_build

    warehouse, run = world
    assert run()[0].exit_code == EXIT_OK
    live = q(warehouse, "SELECT indicator_id, geo, period, value, origin FROM observations WHERE origin_kind='live' ORDER BY ALL")
    status = q(warehouse, "SELECT source, row_count FROM source_status ORDER BY source")
    assert cli_build(warehouse, catalog_path=CATALOG, snapshot_dir=snapshot_dir()) == 0
    assert q(warehouse, "SELECT indicator_id, geo, period, value, origin FROM observations WHERE origin_kind='live' ORDER BY ALL") == live
    assert q(warehouse, "SELECT source, row_count FROM source_status ORDER BY source") == status
