"""The app's warehouse access: read-only, no external access, safe across threads, new builds picked up."""
from __future__ import annotations

import threading

import duckdb
import pytest

from etl.build import build_warehouse
from ui import data


@pytest.fixture
def warehouse(tmp_path, monkeypatch, small_catalog, small_snapshot):
    target = tmp_path / "w.duckdb"
    build_warehouse(target, catalog_path=small_catalog, curated_dir=small_snapshot, live_dir=small_snapshot.parent / "live")
    monkeypatch.setenv("MONITOR_WAREHOUSE", str(target))
    return target


def test_queries_from_many_threads_return_the_same_rows(warehouse):
    sql = "SELECT indicator_id, geo, period, value FROM observations ORDER BY ALL"
    expected = data.run_query(sql)
    results, errors = [], []

    def worker():
        for _ in range(50):
            try:
                results.append(data.run_query(sql).equals(expected))
            except Exception as exc:  # noqa: BLE001 - collected for the assertion
                errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(results) == 400 and all(results)


@pytest.mark.parametrize("sql", [
    "CREATE TABLE x AS SELECT 1",
    "INSERT INTO goals SELECT * FROM goals",
    "SELECT * FROM read_csv('/etc/passwd')",
    "SET enable_external_access = true",
    "COPY goals TO '/tmp/goals.csv'",
])
def test_the_connection_cannot_write_or_reach_outside(warehouse, sql):
    with pytest.raises(duckdb.Error):
        data.run_query(sql)


def test_a_new_build_is_seen_without_a_restart(warehouse, small_catalog, small_snapshot):
    first = data.build_info()["build_id"]
    assert len(data.query("SELECT * FROM observations")) == 6
    with (small_snapshot / "a_survey.csv").open("a", encoding="utf-8") as f:
        f.write("share_online,FI,,2023,84,pct,Test org,Test survey,https://example.org/s1,2024,,test row\n")
    build_warehouse(warehouse, catalog_path=small_catalog, curated_dir=small_snapshot, live_dir=small_snapshot.parent / "live")
    assert data.build_info()["build_id"] != first
    assert len(data.query("SELECT * FROM observations")) == 7


def test_the_readers_return_the_build_s_score_tables(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        expected = {name: con.execute(f"SELECT * FROM {name} WHERE geo = 'NO'").df()
                    for name in ("indicator_scores", "goal_scores", "goal_score_history", "movers")}
        build = con.execute("SELECT * FROM build").df()
    scores = data.indicator_scores("NO")
    assert len(scores) == len(expected["indicator_scores"]) > 0
    assert list(scores.columns) == list(expected["indicator_scores"].columns)
    one = expected["indicator_scores"].iloc[0]
    assert data.indicator_score(one["indicator_id"], "NO")["status"] == one["status"]
    assert data.indicator_score("no_such_indicator", "NO") is None
    assert len(data.goal_scores("NO")) == len(expected["goal_scores"])
    history = data.goal_score_history(None, "NO")
    assert len(history) == len(expected["goal_score_history"])
    assert list(zip(history["goal_id"], history["as_of"])) == sorted(zip(history["goal_id"], history["as_of"]))
    for goal_id, part in expected["movers"].groupby("goal_id"):
        assert list(data.movers(goal_id, "NO")["indicator_id"]) == list(part.sort_values("rank")["indicator_id"])
    info = data.build_info()
    assert info["build_id"] == build["build_id"].iloc[0] and "built_at" in info
