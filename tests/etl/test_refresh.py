"""End-to-end refresh against a local server replaying every live source; the live files; failure isolation.

Nothing here names a source: the sources and their failure scenarios come from the registry (etl/sources/*).
"""
from __future__ import annotations

import io
import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from etl import schema
from etl.build import build_warehouse
from etl.refresh import EXIT_OFFLINE, EXIT_OK, EXIT_PARTIAL, refresh
from tests.etl.conftest import (CATALOG, PROBLEM_429, catalog_for_tests, catalog_with_connectors, curated_dir,
                                failure_cases, json_response, replays, sha256)

SOURCES = sorted(replays())


def q(path: Path, sql: str):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def live_rows(live: Path, source: str) -> list[tuple]:
    path = live / "rows" / f"{source}.csv"
    if not path.exists():
        return []
    return sorted(map(tuple, pd.read_csv(path, dtype=str, keep_default_na=False).to_numpy().tolist()))


def files_digest(live: Path) -> dict[str, str]:
    return {p.relative_to(live).as_posix(): sha256(p) for p in sorted(live.rglob("*")) if p.is_file()}


def connector_indicators(catalog: Path) -> set[str]:
    from etl.connector import plan
    from etl.sources import connectors

    return {s.indicator_id for name, specs in plan(catalog).specs.items() if name in connectors() for s in specs}


@pytest.fixture
def world(tmp_path, replay, fast_http):
    """A served warehouse built from the real catalogue + curated files, and a runner for refreshes against it."""
    data = tmp_path / "data"
    warehouse, live = data / "warehouse.duckdb", data / "live"
    data.mkdir()
    catalog = catalog_for_tests(tmp_path)
    build_warehouse(warehouse, catalog_path=catalog, curated_dir=curated_dir(), live_dir=live)

    def run(sources=None, install=True, kwargs=None):
        if install:
            replay.install_defaults()
        err, out = io.StringIO(), io.StringIO()
        report = refresh(warehouse, catalog_path=catalog, curated_dir=curated_dir(), live_dir=live, sources=sources,
                         http_config=fast_http, connector_kwargs=kwargs or replay.connector_kwargs(), stream=err,
                         out=out)
        replay.server.clear()
        return report, err.getvalue(), out.getvalue()

    return warehouse, live, catalog, run


def test_happy_path_writes_live_files_with_lineage_and_builds(world):
    warehouse, live, catalog, run = world
    report, err, out = run()
    assert report.exit_code == EXIT_OK, err
    expected = connector_indicators(catalog)
    assert report.live_indicators == len(expected) and expected
    for source in SOURCES:
        assert f"{source}: ok" in err
        rows = pd.read_csv(live / "rows" / f"{source}.csv", dtype=str, keep_default_na=False)
        assert list(rows.columns) == schema.LIVE_COLUMNS
        assert (rows["source_url"].str.startswith("http://")).all()  # the URL it was read from (the replay)
    # the warehouse holds exactly the live files' rows, each pointing at an archived raw response
    served = q(warehouse, "SELECT DISTINCT indicator_id FROM observations WHERE origin_kind = 'live'")
    assert {r[0] for r in served} == expected
    recorded = pd.read_csv(live / "raw_responses.csv", dtype=str, keep_default_na=False)
    assert list(recorded.columns) == schema.column_names("raw_responses")
    origins = q(warehouse, "SELECT DISTINCT origin FROM observations WHERE origin_kind = 'live'")
    assert {o for (o,) in origins} == set(recorded["response_id"])  # the responses behind the served rows
    digests = dict(zip(recorded["response_id"], recorded["sha256"]))
    for (origin,) in origins:
        path = live.parent / origin
        assert path.exists() and origin.startswith("raw/")
        meta = json.loads(path.with_name(path.name + ".meta.json").read_text())
        assert meta["http_status"] == 200 and meta["sha256"] == sha256(path) == digests[origin]
    status = pd.read_csv(live / "status.csv", dtype=str, keep_default_na=False)
    assert list(status.columns) == schema.column_names("source_status")
    assert sorted(status["source"]) == SOURCES
    assert (status["last_success"] != "").all() and (status["last_error"] == "").all()
    for source, n in zip(status["source"], status["row_count"]):
        assert int(n) == len(live_rows(live, source)) > 0
    assert q(warehouse, "SELECT source, row_count FROM source_status ORDER BY 1") == [
        (s, int(n)) for s, n in sorted(zip(status["source"], status["row_count"]))]
    assert q(warehouse, "SELECT count(*) FROM observations WHERE origin_kind='curated'")[0][0] > 0
    assert not list(live.rglob("*.tmp"))


def test_a_rebuild_from_the_files_alone_keeps_the_live_rows(world):
    """data/live is the state: deleting the warehouse and building again gives the same live rows."""
    from etl.build import cli_build

    warehouse, live, catalog, run = world
    assert run()[0].exit_code == EXIT_OK
    before = q(warehouse, "SELECT indicator_id, geo, period, value, origin FROM observations "
                          "WHERE origin_kind='live' ORDER BY ALL")
    warehouse.unlink()
    assert cli_build(warehouse, catalog_path=catalog, curated_dir=curated_dir(), live_dir=live) == 0
    assert q(warehouse, "SELECT indicator_id, geo, period, value, origin FROM observations "
                        "WHERE origin_kind='live' ORDER BY ALL") == before


@pytest.mark.parametrize("source", [s for s in SOURCES if replays()[s] and __import__("etl.sources", fromlist=["x"])
                                    .get(s).connector.accumulates])
def test_accumulating_source_keeps_earlier_days(world, source):
    warehouse, live, _, run = world
    assert run()[0].exit_code == EXIT_OK
    path = live / "rows" / f"{source}.csv"
    rows = pd.read_csv(path, dtype=str, keep_default_na=False)
    rows["period"] = "2026-11-27"  # pretend the first run was on another day
    path.write_text(rows.to_csv(index=False, lineterminator="\n"), encoding="utf-8")
    others = {s: live_rows(live, s) for s in SOURCES if s != source}
    report, err, _ = run(sources=[source])
    assert report.exit_code == EXIT_OK, err
    periods = sorted(set(pd.read_csv(path, dtype=str)["period"]))
    assert len(periods) == 2 and periods[0] == "2026-11-27"
    assert {s: live_rows(live, s) for s in others} == others  # the other sources' files untouched


@pytest.mark.parametrize("source,kind,text,install", failure_cases(),
                         ids=[f"{c[0]}-{c[3].__name__.lstrip('_')}" for c in failure_cases()])
def test_failing_source_keeps_last_good_data(world, replay, source, kind, text, install):
    warehouse, live, _, run = world
    assert run()[0].exit_code == EXIT_OK
    before = live_rows(live, source)
    others_before = {s: live_rows(live, s) for s in SOURCES if s != source}
    assert before

    replay.install_failure(source, install)  # registered first, so it wins over the defaults
    report, err, _ = run()

    assert report.exit_code == EXIT_PARTIAL
    assert f"{source}: FAILED ({kind})" in err and text in err, err
    assert live_rows(live, source) == before  # last good rows still in the file, same values and origins
    served = q(warehouse, f"SELECT count(*) FROM observations WHERE origin_kind='live' AND source='{source}'")[0][0]
    assert served == len(before)
    for other, rows in others_before.items():
        assert f"{other}: ok" in err and len(live_rows(live, other)) == len(rows)
    status = pd.read_csv(live / "status.csv", dtype=str, keep_default_na=False).set_index("source")
    assert status.loc[source, "last_error"].startswith(kind)
    assert status.loc[source, "last_attempt"] > status.loc[source, "last_success"]
    assert int(status.loc[source, "row_count"]) == len(before)
    # the raw responses behind the kept rows are still listed
    recorded = set(pd.read_csv(live / "raw_responses.csv", dtype=str)["response_id"])
    assert {r[schema.LIVE_COLUMNS.index("origin")] for r in before} <= recorded


@pytest.mark.parametrize("source", SOURCES)
def test_timeout_keeps_last_good_data(world, replay, blackhole, source):
    warehouse, live, _, run = world
    assert run()[0].exit_code == EXIT_OK
    before = live_rows(live, source)
    kwargs = replay.connector_kwargs()
    kwargs[source]["base_url"] = blackhole
    report, err, _ = run(kwargs=kwargs)
    assert report.exit_code == EXIT_PARTIAL
    assert f"{source}: FAILED (timeout)" in err
    assert live_rows(live, source) == before


def test_offline_one_line_and_nothing_written(world, closed_port, replay):
    warehouse, live, _, run = world
    assert run()[0].exit_code == EXIT_OK
    digest, mtime, files = sha256(warehouse), warehouse.stat().st_mtime_ns, files_digest(live)
    report, err, _ = run(install=False, kwargs={name: {**kw, "base_url": closed_port}
                                                for name, kw in replay.connector_kwargs().items()})
    assert report.exit_code == EXIT_OFFLINE
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "offline" in lines[0] and "left exactly as they were" in lines[0]
    assert sha256(warehouse) == digest and warehouse.stat().st_mtime_ns == mtime
    assert files_digest(live) == files
    assert not list(warehouse.parent.glob("*.tmp"))


@pytest.mark.parametrize("source", SOURCES)
def test_first_refresh_failure_without_previous_live_data(world, replay, source):
    """No earlier live rows to keep: the failing source simply contributes nothing; others still load."""
    warehouse, live, _, run = world
    kind, text, install = replays()[source].FAILURES[0]
    replay.install_failure(source, install)
    report, err, _ = run()
    assert report.exit_code == EXIT_PARTIAL and report.build_id and f"{source}: FAILED ({kind})" in err
    assert live_rows(live, source) == []
    assert all(live_rows(live, s) for s in SOURCES if s != source)
    status = pd.read_csv(live / "status.csv", dtype=str, keep_default_na=False).set_index("source")
    assert status.loc[source, "last_success"] == "" and status.loc[source, "row_count"] == "0"


def test_python_m_etl_refresh_subprocess(tmp_path, replay):
    """`python -m etl refresh` end to end, base URLs injected through the environment, the real catalogue."""
    import os
    import subprocess
    import sys

    from tests.etl.conftest import ROOT

    replay.install_defaults()
    data = tmp_path / "data"
    data.mkdir()
    warehouse, live = data / "warehouse.duckdb", data / "live"
    env = {**os.environ, **replay.env()}
    cmd = [sys.executable, "-m", "etl", "--warehouse", str(warehouse), "--curated", str(curated_dir()),
           "--live", str(live), "refresh"]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    from etl.connector import plan

    fed = sorted(s for s, specs in plan(CATALOG).specs.items() if specs and s in replays())
    assert sorted(line.split(":")[0] for line in proc.stderr.splitlines() if ": ok," in line) == fed
    assert "live observations for" in proc.stdout
    n = q(warehouse, "SELECT count(DISTINCT indicator_id) FROM observations WHERE origin_kind = 'live'")[0][0]
    assert n == len(connector_indicators(CATALOG))  # every catalogue indicator with a connector
    assert (data / "raw" / "index.jsonl").exists()
    # a second run with a single source: the others' live rows are carried over from the files
    proc = subprocess.run(cmd + ["--source", fed[0]], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert q(warehouse, "SELECT count(DISTINCT indicator_id) FROM observations WHERE origin_kind = 'live'")[0][0] == n


@pytest.mark.parametrize("source", SOURCES)
def test_429_then_success_during_refresh(world, replay, source):
    """A 429 answer on the first request of a source is retried inside urllib3 (Retry-After honoured)."""
    warehouse, live, _, run = world
    replay.install_defaults()
    first = replay.server.handlers  # routes registered so far; find the source's first route by its prefix
    matcher = next(h.matcher for h in first if h.matcher.uri.startswith(f"/{source}/"))
    replay.server.clear()
    replay.server.expect_oneshot_request(matcher.uri, method=matcher.method).respond_with_response(
        json_response(PROBLEM_429, 429, {"Retry-After": "1"}, "application/problem+json"))
    report, err, _ = run()
    assert report.exit_code == EXIT_OK, err
    assert live_rows(live, source)
    assert "429" not in set(pd.read_csv(live / "raw_responses.csv", dtype=str)["http_status"])


def test_build_failure_leaves_warehouse_and_live_files_untouched(world, monkeypatch):
    import etl.build

    warehouse, live, _, run = world
    assert run()[0].exit_code == EXIT_OK
    digest, files = sha256(warehouse), files_digest(live)

    def broken(*a, **k):
        raise etl.build.BuildError("observations row 3: unknown indicator 'x'")

    monkeypatch.setattr(etl.build, "build_warehouse", broken)
    report, err, _ = run()
    assert report.exit_code == EXIT_PARTIAL and "failed validation" in err and "unknown indicator" in err
    assert sha256(warehouse) == digest
    assert files_digest(live) == files


def test_unknown_connector_in_catalogue_is_skipped_not_fatal(tmp_path, replay, fast_http):
    catalog = catalog_with_connectors(tmp_path, {"egovbench_overall": '{ source = "egovbench_api" }'})
    data = tmp_path / "data"
    replay.install_defaults()
    err = io.StringIO()
    report = refresh(data / "warehouse.duckdb", catalog_path=catalog, curated_dir=curated_dir(), live_dir=data / "live",
                     http_config=fast_http, connector_kwargs=replay.connector_kwargs(), stream=err, out=io.StringIO())
    assert report.exit_code == EXIT_OK, err.getvalue()
    assert "no connector 'egovbench_api' (catalogue indicators egovbench_overall); skipped" in err.getvalue()
    assert report.live_indicators == len(connector_indicators(CATALOG))
    # asking for it explicitly is a usage error
    report = refresh(data / "warehouse.duckdb", catalog_path=catalog, curated_dir=curated_dir(),
                     live_dir=data / "live", sources=["egovbench_api"], stream=io.StringIO(), out=io.StringIO())
    assert report.exit_code == 2


@pytest.mark.parametrize("source", SOURCES)
def test_bad_catalogue_connector_fails_its_source_only(tmp_path, replay, fast_http, source):
    """A bare `connector = { source = "<name>" }` (none of the keys the connector reads) fails that source only."""
    catalog = catalog_with_connectors(tmp_path, {"egovbench_overall": '{ source = "%s" }' % source})
    replay.install_defaults()
    err = io.StringIO()
    data = tmp_path / "data"
    report = refresh(data / "w.duckdb", catalog_path=catalog, curated_dir=curated_dir(), live_dir=data / "live",
                     http_config=fast_http, connector_kwargs=replay.connector_kwargs(), stream=err, out=io.StringIO())
    assert report.exit_code == EXIT_PARTIAL and report.build_id, err.getvalue()  # the others' rows were built
    assert f"{source}: FAILED (schema)" in err.getvalue() and "egovbench_overall" in err.getvalue()
    fed = {s for s, specs in __import__("etl.connector", fromlist=["plan"]).plan(catalog).specs.items()}
    assert all(f"{other}: ok" in err.getvalue() for other in fed & set(SOURCES) - {source})


def test_a_refresh_that_fetched_identical_data_rewrites_nothing(world):
    """Same bodies again: the archived responses are reused, no live file is written, and the build finds its input
    hash unchanged, so the served warehouse keeps its inode and mtime."""
    warehouse, live, _, run = world
    assert run()[0].exit_code == EXIT_OK
    raw = live.parent / "raw"
    stats = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in [warehouse, *live.rglob("*.csv")]}
    bodies = sorted(p for p in raw.rglob("*") if p.is_file() and not p.name.endswith(".meta.json"))
    report, err, out = run()
    assert report.exit_code == EXIT_OK, err
    assert "Nothing changed" in out
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in stats} == stats
    assert sorted(p for p in raw.rglob("*") if p.is_file() and not p.name.endswith(".meta.json")) == bodies


def test_a_changed_body_is_written_and_rebuilt(world, replay):
    """The converse: one source's data change, so its file and the warehouse are rewritten."""
    warehouse, live, _, run = world
    assert run()[0].exit_code == EXIT_OK
    inode = (warehouse.stat().st_ino, warehouse.stat().st_mtime_ns)
    source = SOURCES[0]
    kind, text, install = replays()[source].FAILURES[0]
    replay.install_failure(source, install)
    report, err, out = run()
    assert report.exit_code == EXIT_PARTIAL and "Nothing changed" not in out
    assert (warehouse.stat().st_ino, warehouse.stat().st_mtime_ns) != inode  # the status change is served


def test_a_fully_hanging_network_ends_within_the_deadline(world, replay, drip_server):
    """Every publisher answers 200 and then drips its body forever (no socket timeout fires): the refresh ends at
    its deadline with one line naming every source that timed out, and keeps their last good data."""
    from etl.refresh import Deadlines

    warehouse, live, catalog, run = world
    assert run()[0].exit_code == EXIT_OK
    before = {s: live_rows(live, s) for s in SOURCES}
    err = io.StringIO()
    deadlines = Deadlines(source_seconds=2.0, total_seconds=3.0)
    start = __import__("time").perf_counter()
    report = refresh(warehouse, catalog_path=catalog, curated_dir=curated_dir(), live_dir=live,
                     http_config=None, deadlines=deadlines, stream=err, out=io.StringIO(),
                     connector_kwargs={n: {**kw, "base_url": drip_server} for n, kw in replay.connector_kwargs().items()})
    elapsed = __import__("time").perf_counter() - start
    assert report.exit_code == EXIT_PARTIAL
    assert all(not r.ok and r.error_kind == "timeout" for r in report.results)
    line = next(line for line in err.getvalue().splitlines() if line.startswith("refresh: timed out: "))
    assert all(s in line for s in SOURCES)
    assert {s: live_rows(live, s) for s in SOURCES} == before
    assert elapsed < deadlines.source_seconds + 1.0 + 8.0, elapsed  # join grace + a build, not 60 s read timeouts


def test_deadline_defaults_and_environment():
    from etl.refresh import Deadlines, deadlines_from_env

    base = Deadlines()
    assert base.source_seconds <= base.total_seconds <= 25  # a hanging network ends within ~30 s, build included
    assert deadlines_from_env({"MONITOR_REFRESH_SOURCE_SECONDS": "3", "MONITOR_REFRESH_TOTAL_SECONDS": "7"}) == \
        Deadlines(3.0, 7.0)
    assert deadlines_from_env({"MONITOR_REFRESH_SOURCE_SECONDS": "soon"}) == base
    assert deadlines_from_env({"MONITOR_REFRESH_TOTAL_SECONDS": "-1"}) == base
