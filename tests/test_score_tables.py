"""score_tables on the REAL data: the warehouse built from indicators/catalog.toml and data/curated (the shared
real_warehouse fixture). Every expectation is derived from the catalogue, the observations or the method's
parameters; no figure or count is written down here. The one synthetic edit (status_changes) says so."""
from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from etl.schema import TABLES, column_names
from indicators import score_tables
from indicators.catalog import load_catalog
from indicators.method import METHOD
from indicators.scoring import label_for_score, round_score
from indicators.trend import select_base_year
from tests.conftest import ROOT

TABLE_NAMES = ("indicator_scores", "indicator_score_peers", "goal_scores", "goal_score_history", "goal_period_scores",
               "goal_period_indicators", "movers", "goal_confidence", "status_changes")


@pytest.fixture(scope="module")
def inputs(real_warehouse):
    with duckdb.connect(str(real_warehouse), read_only=True) as con:
        observations = con.execute("SELECT * FROM observations").df()
    return observations, load_catalog(ROOT / "indicators" / "catalog.toml")


@pytest.fixture(scope="module")
def tables(inputs):
    return score_tables(*inputs)


NON_EXACT = set(METHOD.non_exact_flags)


def _published_by(published, period, lag):
    """The dating rule, restated here: the published date's year, else the period's end year + the lag."""
    if isinstance(published, str) and published[:4].isdigit():
        return int(published[:4])
    end = int(period[5:9]) if len(period) == 9 and period[4] == "-" else int(period[:4])
    return end + int(lag or 0)


@pytest.fixture(scope="module")
def all_points(inputs):
    """{(indicator_id, geo): {year: (period, value, published_by, flags)}}: preferred exact totals, read here
    independently of the code (last period of a year wins)."""
    obs, catalog = inputs
    lag = dict(zip(catalog.indicators["indicator_id"], catalog.indicators["publication_lag_years"]))
    obs = obs[obs["is_preferred"].astype(bool) & (obs["breakdown"].fillna("") == "") & obs["value"].notna()]
    out: dict = {}
    for r in obs.sort_values(["year", "period"]).itertuples():
        flags = set(str(r.flags or "").split(";")) - {""}
        if flags & NON_EXACT:
            continue
        out.setdefault((r.indicator_id, r.geo), {})[int(r.year)] = (
            r.period, float(r.value), _published_by(r.published, r.period, lag[r.indicator_id]), flags)
    return out


@pytest.fixture(scope="module")
def series(inputs, all_points):
    """{(indicator_id, geo): {year: (period, value)}}: the comparable segment a trend may use: from the catalogue's
    comparable_from year and from the latest break_in_series on."""
    _, catalog = inputs
    cmp_from = dict(zip(catalog.indicators["indicator_id"], catalog.indicators["comparable_from"]))
    out = {}
    for (ind, geo), points in all_points.items():
        start = int(str(cmp_from[ind])[:4]) if isinstance(cmp_from[ind], str) else None
        breaks = [y for y, p in points.items() if "break_in_series" in p[3]]
        if breaks:
            start = max(breaks) if start is None else max(start, max(breaks))
        out[(ind, geo)] = {y: p[:2] for y, p in points.items() if start is None or y >= start}
    return out


def test_exactly_the_schema_tables_columns_and_duckdb_types(tables):
    assert set(tables) == set(TABLE_NAMES)
    con = duckdb.connect()
    for name, frame in tables.items():
        assert list(frame.columns) == column_names(name), name
        con.register("frame_view", frame)
        described = [(r[0], r[1]) for r in con.execute("DESCRIBE SELECT * FROM frame_view").fetchall()]
        con.unregister("frame_view")
        assert described == [(c.name, c.type) for c in TABLES[name]], name


def test_one_indicator_row_per_scored_geo_and_catalogue_indicator(tables, inputs):
    _, catalog = inputs
    df = tables["indicator_scores"]
    expected = [(g, i) for g in METHOD.scored_geos for i in catalog.indicators["indicator_id"]]
    assert list(zip(df["geo"], df["indicator_id"])) == expected
    goal_of = catalog.indicators.set_index("indicator_id")["goal_id"]
    assert (df["goal_id"] == df["indicator_id"].map(goal_of)).all()


def test_every_catalogue_goal_has_a_row_per_geo_in_catalogue_order(tables, inputs):
    _, catalog = inputs
    goals = tables["goal_scores"]
    expected = [(g, goal) for g in METHOD.scored_geos for goal in catalog.goals["goal_id"]]
    assert list(zip(goals["geo"], goals["goal_id"])) == expected


def test_history_from_the_base_year_to_the_latest_publication_year(tables, inputs, all_points):
    _, catalog = inputs
    last = max(p[2] for points in all_points.values() for p in points.values())
    hist = tables["goal_score_history"]
    expected = [(g, year, goal) for g in METHOD.scored_geos for year in range(METHOD.base_year, last + 1)
                for goal in catalog.goals["goal_id"]]
    assert list(zip(hist["geo"], hist["as_of"], hist["goal_id"])) == expected
    # scored on all data = scored as of the latest year
    latest = hist[hist["as_of"] == last].drop(columns="as_of").reset_index(drop=True)
    pd.testing.assert_frame_equal(latest, tables["goal_scores"])


def test_change_is_latest_minus_base_with_the_one_base_rule(tables, series):
    rows = tables["indicator_scores"]
    n_changes = 0
    for r in rows.itertuples():
        points = series.get((r.indicator_id, r.geo), {})
        if not points:
            assert pd.isna(r.latest_value) and pd.isna(r.change), r
            continue
        latest_year = max(points)
        assert (r.latest_year, r.latest_period, r.latest_value) == (latest_year, *points[latest_year])
        base_year = select_base_year(points)
        if base_year is None or base_year >= latest_year:  # no base, or nothing later to measure to
            assert pd.isna(r.base_year) and pd.isna(r.base_value) and pd.isna(r.change), r
            continue
        assert (r.base_year, r.base_period, r.base_value) == (base_year, *points[base_year]), r
        observed = points[latest_year][1] - points[base_year][1]  # from the observations, not the row
        assert r.change == observed and r.change == r.latest_value - r.base_value, r
        assert (r.change > 0) == (points[latest_year][1] > points[base_year][1]), r
        n_changes += 1
    assert n_changes > 0
    assert (rows["base_year"].dropna() >= min(METHOD.earlier_base_years)).all()


def test_rules_and_statuses(tables):
    rows = tables["indicator_scores"]
    allowed = {"target_achieved", "eu_reference_reached", "within_stable_band", "cagr_vs_target", "cagr_no_target"}
    for r in rows.itertuples():
        assert (r.status == "eu_reference_reached") == (r.rule == "eu_reference_reached")
        if r.status in ("target_achieved", "eu_reference_reached"):
            assert (r.status == "eu_reference_reached") == (r.target_kind == "eu_reference"), r
        if r.rule == "within_stable_band":
            assert r.status == "stable" and abs(r.change) <= r.stable_band + METHOD.tolerance, r
        elif r.rule in ("cagr_vs_target", "cagr_no_target") and not pd.isna(r.stable_band):
            assert abs(r.change) > r.stable_band, r
        if r.status in ("insufficient_data", "level_only"):
            assert r.rule.startswith(r.status + ": ")
            assert pd.isna(r.development_score)
        else:
            assert r.rule in allowed and r.development_score == METHOD.development_scores[r.status]
        if r.rule in ("cagr_vs_target", "cagr_no_target"):
            assert not pd.isna(r.cagr) and not pd.isna(r.threshold_high)
            assert r.threshold_high > r.threshold_med or r.limit_factor == 0
        if r.rule == "cagr_vs_target":
            assert (r.threshold_high, r.threshold_med, r.threshold_low) == tuple(METHOD.thresholds_with_target.values())
        parts = [x for x in (r.development_score, r.level_score) if not pd.isna(x)]
        assert (pd.isna(r.score) and not parts) or r.score == pytest.approx(sum(parts) / len(parts))


def test_peers_table_matches_the_indicator_rows(tables):
    rows = tables["indicator_scores"].set_index(["geo", "indicator_id"])
    peers = tables["indicator_score_peers"]
    for (geo, ind), group in peers.groupby(["geo", "indicator_id"], sort=False):
        row = rows.loc[(geo, ind)]
        assert row["level_basis"] == "peers"
        assert len(group) == row["n_peers"] and group["own_at_least_as_good"].sum() == row["n_peers_matched"]
        assert geo not in set(group["peer_geo"]) and set(group["peer_geo"]) <= set(METHOD.peer_geos)
        assert ((group["peer_year"] - row["latest_year"]).abs() <= METHOD.peer_year_tolerance).all()
        assert row["level_score"] == 1 + 2 * row["n_peers_matched"] / row["n_peers"]
    with_peers = rows[rows["level_basis"] == "peers"]
    assert len(with_peers) == peers.groupby(["geo", "indicator_id"]).ngroups


def test_goal_scores_are_the_rounded_weighted_means_of_the_indicator_rows(tables):
    ind = tables["indicator_scores"]
    for g in tables["goal_scores"].itertuples():
        members = ind[(ind["geo"] == g.geo) & (ind["goal_id"] == g.goal_id)]
        counted = members[members["counted"].astype(bool)]
        used = counted[counted["score"].notna() & (counted["weight"] > 0)]
        assert (g.n_indicators, g.n_excluded, g.n_not_counted) == (
            len(used), len(counted) - len(used), len(members) - len(counted))
        if used.empty:
            assert pd.isna(g.score) and pd.isna(g.label)
            continue
        exact = (used["score"] * used["weight"]).sum() / used["weight"].sum()
        assert g.score_unrounded == pytest.approx(exact, abs=1e-12)
        assert g.score == round_score(g.score_unrounded) and g.label == label_for_score(g.score)
        assert g.total_weight == pytest.approx(used["weight"].sum())


def test_movers_largest_pull_first(tables):
    ind, movers = tables["indicator_scores"], tables["movers"]
    n_goals_with_movers = 0
    for g in tables["goal_scores"].itertuples():
        mine = movers[(movers["geo"] == g.geo) & (movers["goal_id"] == g.goal_id)]
        members = ind[(ind["geo"] == g.geo) & (ind["goal_id"] == g.goal_id) & ind["score"].notna()
                      & (ind["weight"] > 0) & ind["counted"].astype(bool)]
        if pd.isna(g.score_unrounded):
            assert mine.empty
            continue
        pulls = members["weight"] * (members["score"] - g.score_unrounded)  # by hand from the indicator rows
        pulls = pulls[pulls.abs() > METHOD.tolerance]
        assert len(mine) == min(METHOD.movers, len(pulls))
        if mine.empty:
            continue
        n_goals_with_movers += 1
        assert list(mine["rank"]) == list(range(1, len(mine) + 1))
        size = mine["pull"].abs().tolist()
        assert size == sorted(size, reverse=True)  # |pull| non-increasing
        top = pulls.abs().max()
        top_ids = sorted(members.loc[pulls.index[pulls.abs() == top], "indicator_id"])
        assert mine.iloc[0]["indicator_id"] == top_ids[0] and abs(mine.iloc[0]["pull"]) == top
        by_id = dict(zip(members["indicator_id"], members["weight"] * (members["score"] - g.score_unrounded)))
        for m in mine.itertuples():
            assert m.pull == pytest.approx(by_id[m.indicator_id], abs=1e-12)
            assert m.direction == ("up" if m.pull > 0 else "down")
    assert n_goals_with_movers > 0


def test_status_changes_after_changing_one_observation(inputs, tables):
    """SYNTHETIC EDIT of real data: the previous figures differ from the real ones in one value only."""
    observations, catalog = inputs
    ind = tables["indicator_scores"]
    # a Norwegian indicator whose status came from its growth and is not what "no change" gives
    candidates = ind[(ind["geo"] == "NO") & (ind["rule"] == "cagr_no_target") & ind["counted"].astype(bool)
                     & (ind["limit_factor"].fillna(1) > 0)]
    assert not candidates.empty
    row = candidates.iloc[0]
    latest = (observations["indicator_id"] == row["indicator_id"]) & (observations["geo"] == "NO") \
        & (observations["period"] == row["latest_period"]) & observations["is_preferred"].astype(bool) \
        & (observations["breakdown"].fillna("") == "")
    assert latest.sum() == 1
    previous = observations.copy()
    previous.loc[latest, "value"] = row["base_value"]  # before: no change since the base -> stable (or limited)
    changes = score_tables(observations, catalog, previous_observations=previous)["status_changes"]
    no = changes[changes["geo"] == "NO"]
    assert list(no["indicator_id"]) == [row["indicator_id"]]
    unchanged = "limited_progress" if pd.isna(row["stable_band"]) else "stable"
    assert (no.iloc[0]["old_status"], no.iloc[0]["new_status"]) == (unchanged, row["status"])
    assert no.iloc[0]["new_score"] == row["score"]
    assert set(changes["indicator_id"]) == {row["indicator_id"]}  # other geos: only via NO as their peer
    assert score_tables(observations, catalog, previous_observations=observations)["status_changes"].empty


def test_period_scores_are_like_for_like_by_hand(inputs, tables):
    """goal_period_scores recomputed by hand from two as-of scorings: the indicators counted with a score at both
    ends, their weighted mean at each end, rounded half up; the start is the first scored year from the base year."""
    from decimal import ROUND_HALF_UP, Decimal

    def rounded(x):
        return float(Decimal(repr(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))

    history = tables["goal_score_history"]
    period = tables["goal_period_scores"].set_index(["geo", "goal_id"])
    checked = 0
    for (geo, goal_id), row in period.iterrows():
        scored = history[(history["geo"] == geo) & (history["goal_id"] == goal_id) & history["score"].notna()]
        assert row["start_as_of"] == scored["as_of"].min()
        assert row["end_as_of"] == scored.loc[scored["as_of"] <= METHOD.period_end, "as_of"].max()
        ends = {}
        for end in ("start", "end"):
            ind = score_tables(*inputs, as_of=int(row[f"{end}_as_of"]))["indicator_scores"]
            ind = ind[(ind["geo"] == geo) & (ind["goal_id"] == goal_id) & ind["counted"] & ind["score"].notna()
                      & (ind["weight"] > 0)]
            ends[end] = ind.set_index("indicator_id")
        common = sorted(set(ends["start"].index) & set(ends["end"].index))
        assert row["n_common"] == len(common) and (row["common_indicators"] or "") == ";".join(common)
        assert row["n_start"] == len(ends["start"]) and row["n_end"] == len(ends["end"])
        for end in ("start", "end"):
            part = ends[end].loc[common]
            expected = rounded(float((part["score"] * part["weight"]).sum() / part["weight"].sum())) if common else None
            assert row[f"{end}_score"] == pytest.approx(expected), (geo, goal_id, end)
        checked += geo == "NO"
        if geo != "NO":
            break  # one as-of pair per other geo is enough; Norway's six goals are checked in full
    assert checked == 6
    no = period.loc["NO"]
    assert (no["n_common"] <= no[["n_start", "n_end"]].min(axis=1)).all() and (no["n_common"] > 0).all()
