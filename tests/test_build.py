from pathlib import Path

import duckdb
import pytest

from etl.__main__ import main as etl_main
from etl.build import BuildError, build_warehouse
from etl.snapshot import read_snapshot
from tests.conftest import ROOT, SNAPSHOT_HEADER


def _rows(path: Path, sql: str):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_build_loads_every_row_and_marks_one_preferred(tmp_path, small_catalog, small_snapshot):
    target = tmp_path / "w.duckdb"
    result = build_warehouse(target, catalog_path=small_catalog, snapshot_dir=small_snapshot)
    assert result.n_observations == 6
    assert _rows(target, "SELECT count(*) FROM observations") == [(6,)]
    # the publisher's 88.5 beats the secondary copy's 88 for NO 2023
    assert _rows(target, """SELECT value, source_url, is_preferred FROM observations
                            WHERE indicator_id='share_online' AND geo='NO' AND period='2023' AND breakdown=''
                            ORDER BY value""") == [
        (88.0, "https://example.org/blog", False), (88.5, "https://example.org/s1", True)]
    assert _rows(target, "SELECT year FROM observations WHERE period = '2021-2022'") == [(2021,)]
    assert _rows(target, "SELECT count(*) FROM observations WHERE is_preferred") == [(5,)]
    (origin, origin_row), = _rows(target, "SELECT origin, origin_row FROM observations WHERE indicator_id='rank_x'")
    assert origin.endswith("b_secondary.csv") and origin_row == 3
    assert _rows(target, "SELECT status, n_observations FROM etl_runs") == [("success", 6)]
    assert _rows(target, "SELECT count(*) FROM sources") == [(3,)]


def test_a_second_build_keeps_the_run_history(tmp_path, small_catalog, small_snapshot):
    target = tmp_path / "w.duckdb"
    first = build_warehouse(target, catalog_path=small_catalog, snapshot_dir=small_snapshot)
    second = build_warehouse(target, catalog_path=small_catalog, snapshot_dir=small_snapshot)
    runs = _rows(target, "SELECT build_id FROM etl_runs ORDER BY finished_at")
    assert [r[0] for r in runs] == [first.build_id, second.build_id]


BROKEN_ROWS = {
    "unknown indicator": ("nonexistent,NO,,2020,1,pct,O,D,https://x.org,,,\n", "unknown indicator 'nonexistent'"),
    "non-numeric value": ("share_online,NO,,2020,about 9,pct,O,D,https://x.org,,,\n", "value 'about 9' is not a number"),
    "missing source": ("share_online,NO,,2020,9,pct,O,D,,,,\n", "no source_url"),
    "duplicate key": ("share_online,NO,,2019,81,pct,Test org,Test survey,https://example.org/s1,,,\n",
                      "duplicate key (indicator share_online, geo NO, breakdown '', period 2019) within one source"),
    "bad period": ("share_online,NO,,last year,9,pct,O,D,https://x.org,,,\n", "period 'last year'"),
    "wrong unit": ("share_online,NO,,2020,9,rank,O,D,https://x.org,,,\n", "unit 'rank' differs"),
    "unknown flag": ("share_online,NO,,2020,9,pct,O,D,https://x.org,,guessed,\n", "unknown flag(s) in 'guessed'"),
}


@pytest.mark.parametrize("case", sorted(BROKEN_ROWS))
def test_broken_row_fails_the_build_and_keeps_the_old_warehouse(tmp_path, small_catalog, small_snapshot, case):
    target = tmp_path / "w.duckdb"
    build_warehouse(target, catalog_path=small_catalog, snapshot_dir=small_snapshot)
    before = target.read_bytes()
    line, message = BROKEN_ROWS[case]
    with (small_snapshot / "a_survey.csv").open("a", encoding="utf-8") as f:
        f.write(line)
    with pytest.raises(BuildError) as info:
        build_warehouse(target, catalog_path=small_catalog, snapshot_dir=small_snapshot)
    assert "a_survey.csv row 6" in str(info.value)
    assert message in str(info.value)
    assert target.read_bytes() == before
    assert _rows(target, "SELECT count(*) FROM observations") == [(6,)]
    assert not list(tmp_path.glob("*.tmp"))


def test_cli_build_reports_the_broken_row_and_exits_nonzero(tmp_path, small_catalog, small_snapshot, capsys):
    target = tmp_path / "w.duckdb"
    assert etl_main(["--warehouse", str(target), "--catalog", str(small_catalog), "--snapshot", str(small_snapshot), "build"]) == 0
    before = target.read_bytes()
    (small_snapshot / "c.csv").write_text(SNAPSHOT_HEADER + "share_online,NO,,2020,n/a,pct,O,D,https://x.org,,,\n", encoding="utf-8")
    assert etl_main(["--warehouse", str(target), "--catalog", str(small_catalog), "--snapshot", str(small_snapshot), "build"]) == 1
    err = capsys.readouterr().err
    assert "previous warehouse" in err and "c.csv row 2: value 'n/a' is not a number" in err
    assert target.read_bytes() == before
    assert etl_main(["--warehouse", str(target), "status"]) == 0
    assert "Observations: 6 (5 preferred)" in capsys.readouterr().out


def test_real_snapshot_builds_with_row_counts_equal_to_the_snapshot(tmp_path):
    target = tmp_path / "w.duckdb"
    snapshot_rows = read_snapshot(ROOT / "data" / "curated")
    result = build_warehouse(target, catalog_path=ROOT / "indicators" / "catalog.toml", snapshot_dir=ROOT / "data" / "curated")
    assert result.n_observations == len(snapshot_rows) >= 300
    per_goal = _rows(target, """SELECT i.goal_id, count(DISTINCT o.indicator_id) FROM observations o
                                JOIN indicators i USING (indicator_id) GROUP BY 1 ORDER BY 1""")
    assert [g for g, _ in per_goal] == [f"G{i}" for i in range(1, 7)]
    assert min(n for _, n in per_goal) >= 4
    assert sum(n for _, n in per_goal) >= 35
    assert _rows(target, "SELECT count(*) FROM indicators WHERE indicator_id NOT IN (SELECT indicator_id FROM observations)") == [(0,)]
    assert _rows(target, "SELECT count(*) FROM observations WHERE source_url IS NULL OR source_url = ''") == [(0,)]
    assert _rows(target, "SELECT value FROM observations WHERE indicator_id='egdi_value' AND geo='NO' AND period='2022' AND is_preferred") == [(0.8879,)]


def test_changes_since_the_previous_build_are_recorded(tmp_path, small_catalog, small_snapshot):
    target = tmp_path / "w.duckdb"
    build_warehouse(target, catalog_path=small_catalog, snapshot_dir=small_snapshot)
    assert _rows(target, "SELECT count(*) FROM changes") == [(0,)]  # first build: nothing to compare with
    path = small_snapshot / "a_survey.csv"
    text = path.read_text(encoding="utf-8").replace("share_online,SE,,2023,85,", "share_online,SE,,2023,86,")
    path.write_text(text + "share_online,NO,,2024,90,pct,Test org,Test survey,https://example.org/s1,2025,,test row\n",
                    encoding="utf-8")
    second = build_warehouse(target, catalog_path=small_catalog, snapshot_dir=small_snapshot)
    assert _rows(target, "SELECT build_id, change_kind, geo, period, old_value, new_value FROM changes ORDER BY geo") == [
        (second.build_id, "new", "NO", "2024", None, 90.0),
        (second.build_id, "changed", "SE", "2023", 85.0, 86.0),
    ]
