"""CLI tests of `python -m indicators score` (run in a subprocess):

* on a tiny DuckDB warehouse of SYNTHETIC TEST DATA (not real figures), expected values hand-computed below;
* on the REAL warehouse (the shared real_warehouse fixture): the CLI prints exactly the table score_tables returns.
"""
from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from etl.schema import column_names
from indicators import score_tables
from indicators.__main__ import load_inputs, table_for

ROOT = Path(__file__).resolve().parent.parent


# (indicator_id, geo, breakdown, period, year, value, is_preferred) -- synthetic test data
OBSERVATIONS = [
    ("t_share", "NO", "", "2019", 2019, 92.0, True),
    ("t_share", "NO", "", "2021", 2021, 94.0, True),
    ("t_share", "NO", "", "2021", 2021, 10.0, False),  # not preferred: ignored
    ("t_share", "NO", "age=16-24", "2021", 2021, 99.0, True),  # breakdown: ignored
    ("t_share", "SE", "", "2021", 2021, 95.0, True),
    ("t_share", "DK", "", "2021", 2021, 90.0, True),
    ("t_share", "FI", "", "2021", 2021, 93.0, True),
    ("t_share", "EU27", "", "2021", 2021, 80.0, True),
    ("t_rank", "NO", "", "2017", 2017, 12.0, True),
    ("t_rank", "NO", "", "2018", 2018, 10.0, True),
    ("t_rank", "NO", "", "2021-2022", 2021, 8.0, True),
    ("t_single", "NO", "", "2023", 2023, 50.0, True),
]


def build_warehouse(path: Path) -> None:
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE goals (goal_id VARCHAR, number INTEGER, name_nb VARCHAR, name_en VARCHAR, "
                "short_nb VARCHAR, short_en VARCHAR, source_url VARCHAR)")
    con.execute("INSERT INTO goals VALUES ('G1', 1, 'Testmål 1', 'Test goal 1', 't1', 't1', 'https://example.org'),"
                "('G2', 2, 'Testmål 2', 'Test goal 2', 't2', 't2', 'https://example.org')")
    con.execute("CREATE TABLE units (unit_id VARCHAR, label_nb VARCHAR, label_en VARCHAR, kind VARCHAR, "
                "limit_value DOUBLE)")
    con.execute("INSERT INTO units VALUES ('pct', '%', '%', 'percent', 100), ('rank', 'plass', 'rank', 'rank', NULL)")
    con.execute("""CREATE TABLE indicators (indicator_id VARCHAR, goal_id VARCHAR, name_nb VARCHAR, name_en VARCHAR,
        definition_nb VARCHAR, definition_en VARCHAR, unit_id VARCHAR, direction VARCHAR, limit_value DOUBLE,
        source_org VARCHAR, source_dataset VARCHAR, breakdowns VARCHAR, weight DOUBLE, target_value DOUBLE,
        target_period VARCHAR, target_source_url VARCHAR, target_kind VARCHAR, target_note_nb VARCHAR,
        target_note_en VARCHAR, connector_source VARCHAR, life_events VARCHAR)""")
    ind = [
        # limit_value as the catalogue writes it: the unit's limit
        ("t_share", "G1", "pct", "higher", 100.0, 2.0, None, None, None),
        ("t_rank", "G1", "rank", "lower", None, None, 1.0, "2030", "test"),
        ("t_single", "G2", "pct", "higher", None, 1.0, None, None, None),
    ]
    for i, goal, unit, direction, limit, weight, tv, tp, tk in ind:
        con.execute("INSERT INTO indicators VALUES (?, ?, 'test', 'test', 'test', 'test', ?, ?, ?, 'Test org', "
                    "'Test data', '[]', ?, ?, ?, NULL, ?, NULL, NULL, NULL, '[]')",
                    [i, goal, unit, direction, limit, weight, tv, tp, tk])
    con.execute("""CREATE TABLE observations (indicator_id VARCHAR, geo VARCHAR, breakdown VARCHAR, period VARCHAR,
        year INTEGER, value DOUBLE, unit_id VARCHAR, source_org VARCHAR, source_dataset VARCHAR, source_url VARCHAR,
        published VARCHAR, flags VARCHAR, note VARCHAR, is_preferred BOOLEAN, origin VARCHAR, origin_row INTEGER)""")
    for k, (i, geo, bd, period, year, value, pref) in enumerate(OBSERVATIONS):
        con.execute("INSERT INTO observations VALUES (?, ?, ?, ?, ?, ?, 'x', 'Test org', 'Test data', "
                    "'https://example.org/test', NULL, '', 'synthetic test data', ?, 'test', ?)",
                    [i, geo, bd, period, year, value, pref, k])
    con.close()


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    path = tmp_path / "warehouse.duckdb"
    build_warehouse(path)
    return path


def run_cli(*args: str) -> str:
    proc = subprocess.run([sys.executable, "-m", "indicators", "score", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def parse(text: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    return reader.fieldnames, list(reader)


def test_goal_level(warehouse):
    header, rows = parse(run_cli("--geo", "NO", "--level", "goal", "--warehouse", str(warehouse)))
    assert header == column_names("goal_scores")
    # t_share: CAGR sqrt(94/92)-1 = 0.010811 >= 0.015 * (1 - 0.92^4.44) = 0.004641 -> substantial (3);
    #          level 94 vs 95, 90, 93, 80: 3 of 4 -> 2.5; score 2.75, weight 2
    # t_rank:  base 2018 = 10, latest 2021 = 8: progress 0.41056 -> limited (1.5); level vs target 1 -> 1;
    #          score 1.25, weight 1
    # G1 = (2.75*2 + 1.25) / 3 = 2.25 -> god;  G2: one observation, no peers -> no score
    assert [(r["goal_id"], r["geo"], r["score"], r["label"], r["n_indicators"], r["n_excluded"]) for r in rows] == [
        ("G1", "NO", "2.25", "god", "2", "0"), ("G2", "NO", "", "", "0", "1")]
    assert parse(run_cli("--table", "goal_scores", "--warehouse", str(warehouse)))[1] == rows


def test_indicator_level(warehouse):
    header, rows = parse(run_cli("--level", "indicator", "--warehouse", str(warehouse)))
    assert header == column_names("indicator_scores")
    by_id = {r["indicator_id"]: r for r in rows}
    share = by_id["t_share"]
    assert (share["base_period"], float(share["base_value"])) == ("2019", 92.0)
    assert (share["latest_period"], float(share["latest_value"])) == ("2021", 94.0)
    assert float(share["change"]) == 2.0 and share["rule"] == "cagr_no_target"
    assert share["target_value"] == "" and share["target_year"] == ""
    assert float(share["limit_value"]) == 100.0
    assert float(share["cagr"]) == pytest.approx(0.010811, abs=1e-6)
    assert share["status"] == "substantial_progress" and float(share["score"]) == 2.75

    rank = by_id["t_rank"]
    assert (rank["base_period"], float(rank["base_value"])) == ("2018", 10.0)
    assert (rank["latest_period"], float(rank["latest_value"])) == ("2021-2022", 8.0)
    assert float(rank["change"]) == -2.0 and rank["rule"] == "cagr_vs_target"
    assert float(rank["target_value"]) == 1.0 and rank["target_year"] == "2030"
    assert rank["limit_value"] == ""
    assert float(rank["cagr"]) == pytest.approx(-0.071682, abs=1e-6)
    assert rank["status"] == "limited_progress" and float(rank["score"]) == 1.25

    single = by_id["t_single"]
    assert single["status"] == "insufficient_data" and single["score"] == "" and single["cagr"] == ""
    assert single["rule"] == "insufficient_data: one year only" and single["change"] == ""


def test_as_of_and_other_geo(warehouse):
    _, rows = parse(run_cli("--as-of", "2020", "--warehouse", str(warehouse)))
    # as of 2020 (figures published by then; no published date and no lag: the period's end): t_share has one
    # point (92, 2019) and no peer in 2019 -> level on its own scale 1 + 2 * 92/100 = 2.84 (weight 2);
    # t_rank 2017-2018 -> insufficient, level vs target 1.  G1 = (2.84 * 2 + 1) / 3 = 2.2267 -> 2.23 middels
    assert (rows[0]["goal_id"], rows[0]["score"], rows[0]["label"], rows[0]["n_indicators"]) == (
        "G1", "2.23", "middels", "2")

    _, rows = parse(run_cli("--geo", "SE", "--warehouse", str(warehouse)))
    # SE: t_share one point (95) vs NO 94, DK 90, FI 93, EU27 80 -> best -> 3.00
    assert (rows[0]["goal_id"], rows[0]["geo"], rows[0]["score"], rows[0]["label"]) == ("G1", "SE", "3.0", "god")


def test_warehouse_opened_read_only(warehouse):
    # a read-only open must not fail while another read-only connection holds the file
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        run_cli("--warehouse", str(warehouse))
    finally:
        con.close()


# ------------------------------------------------------------------------------------------------------
# the real data: the CLI prints the table score_tables returns
# ------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_tables(real_warehouse):
    with duckdb.connect(str(real_warehouse), read_only=True) as con:
        observations = con.execute("SELECT * FROM observations").df()
    from indicators.catalog import load_catalog

    return score_tables(observations, load_catalog(ROOT / "indicators" / "catalog.toml")), observations


def _csv(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, lineterminator="\n")


@pytest.mark.parametrize("args, table, geo", [
    (("--geo", "NO", "--level", "goal"), "goal_scores", "NO"),
    (("--geo", "SE", "--level", "indicator"), "indicator_scores", "SE"),
    (("--table", "movers", "--geo", "all"), "movers", None),
    (("--table", "goal_score_history", "--geo", "DK"), "goal_score_history", "DK"),
    (("--table", "indicator_score_peers", "--geo", "FI"), "indicator_score_peers", "FI"),
])
def test_cli_prints_the_score_table_of_the_real_data(real_warehouse, real_tables, args, table, geo):
    frame = real_tables[0][table]
    expected = frame if geo is None else frame[frame["geo"] == geo]
    assert not expected.empty
    printed = run_cli(*args, "--warehouse", str(real_warehouse))
    assert printed == _csv(expected)
    parsed = pd.read_csv(io.StringIO(printed), keep_default_na=False, dtype=str)
    assert list(parsed.columns) == column_names(table) and len(parsed) == len(expected)


def test_cli_as_of_equals_the_history_of_the_real_data(real_warehouse, real_tables):
    tables, observations = real_tables
    hist = tables["goal_score_history"]
    year = int(hist["as_of"].min()) + 1
    expected = hist[(hist["as_of"] == year) & (hist["geo"] == "NO")].drop(columns="as_of")
    assert run_cli("--as-of", str(year), "--warehouse", str(real_warehouse)) == _csv(expected)


def test_cli_reads_the_warehouse_catalogue_as_the_catalogue_file_gives_it(real_warehouse, real_tables):
    observations, catalog = load_inputs(str(real_warehouse))
    frame = table_for(observations, catalog, "goal_scores", None)
    pd.testing.assert_frame_equal(frame, real_tables[0]["goal_scores"])
