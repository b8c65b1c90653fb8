"""Tests of the scoring rules (indicators.scoring) and the method's parameters (indicators/method.toml).

The indicator and goal tests go through the public entry point ``score_tables`` with SYNTHETIC TEST DATA (not real
figures), hand-computed in the comments. The real data are tested in tests/test_score_tables.py.
"""
from __future__ import annotations

import math
import re
import tomllib
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from indicators import score_tables
from indicators import scoring as sc
from indicators import trend as tr
from indicators.catalog import Catalog
from indicators.method import METHOD, METHOD_PATH, MethodError, load_method, parse_method

ROOT = Path(__file__).resolve().parent.parent

# ------------------------------------------------------------------------------------------------------
# helpers (synthetic test data)
# ------------------------------------------------------------------------------------------------------


def obs_frame(rows):
    """rows: (indicator_id, geo, period, value[, breakdown, is_preferred]) -> observations DataFrame."""
    out = []
    for r in rows:
        ind, geo, period, value = r[:4]
        breakdown = r[4] if len(r) > 4 else ""
        preferred = r[5] if len(r) > 5 else True
        out.append({"indicator_id": ind, "geo": geo, "breakdown": breakdown, "period": str(period),
                    "year": int(str(period)[:4]), "value": float(value), "is_preferred": preferred})
    return pd.DataFrame(out, columns=["indicator_id", "geo", "breakdown", "period", "year", "value", "is_preferred"])


def catalog(rows, goals=("G1", "G2")):
    """A synthetic catalogue: rows are dicts with indicator_id, goal_id, direction and optional fields."""
    base = {"limit_value": float("nan"), "weight": 1.0, "target_value": float("nan"),
            "target_period": None, "target_kind": None}
    return Catalog(goals=pd.DataFrame({"goal_id": list(goals)}), units=pd.DataFrame(),
                   indicators=pd.DataFrame([{**base, **r} for r in rows]), life_events=pd.DataFrame())


def indicator_row(tables, indicator_id, geo="NO"):
    df = tables["indicator_scores"]
    return df[(df["indicator_id"] == indicator_id) & (df["geo"] == geo)].iloc[0]


def goal_row(tables, goal_id, geo="NO", as_of=None):
    df = tables["goal_scores"] if as_of is None else tables["goal_score_history"]
    df = df[(df["goal_id"] == goal_id) & (df["geo"] == geo)]
    if as_of is not None:
        df = df[df["as_of"] == as_of]
    return df.iloc[0]


def value(x):
    return None if pd.isna(x) else x


# ------------------------------------------------------------------------------------------------------
# development, level, rounding and label rules
# ------------------------------------------------------------------------------------------------------


def test_development_scores_monotone():
    order = [tr.DETERIORATION, tr.LIMITED, tr.MODERATE, tr.SUBSTANTIAL, tr.TARGET_ACHIEVED]
    values = [sc.development_score(s) for s in order]
    assert values == [1.0, 1.5, 2.0, 3.0, 3.0]
    assert values == sorted(values)
    assert sc.development_score(tr.INSUFFICIENT) is None


@pytest.mark.parametrize("own, direction, expected", [
    (96, "higher", 3.0),  # best
    (95, "higher", 3.0),  # tie with the best counts as at the best
    (92, "higher", 2.0),  # at least as good as 2 of 4 (90, 80)
    (85, "higher", 1.5),  # 1 of 4
    (70, "higher", 1.0),  # worst
    (70, "lower", 3.0),
    (92, "lower", 2.0),  # at least as good as 93, 95
    (96, "lower", 1.0),
])
def test_level_vs_peers(own, direction, expected):
    assert sc.level_score_vs_peers(own, [95, 90, 93, 80], direction) == expected


def test_level_vs_peers_none_without_peers():
    assert sc.level_score_vs_peers(5, [], "higher") is None


@pytest.mark.parametrize("own, target, direction, expected", [
    (80, 80, "higher", 3.0),
    (72, 80, "higher", 2.0),  # exactly 10 % short
    (71.9, 80, "higher", 1.0),
    (5.5, 5, "lower", 2.0),  # exactly 10 % above
    (5.6, 5, "lower", 1.0),
    (4, 5, "lower", 3.0),
    (0.5, 0, "lower", 1.0),  # zero target: only reached (3) or not (1)
])
def test_level_vs_target(own, target, direction, expected):
    assert sc.level_score_vs_target(own, target, direction) == expected


def test_peers_of():
    assert sc.peers_of("NO") == tuple(g for g in METHOD.peer_geos if g != "NO")
    assert sc.peers_of("SE") == tuple(g for g in METHOD.peer_geos if g != "SE")
    assert "NO" in sc.peers_of("SE") and "SE" not in sc.peers_of("SE")
    assert sc.peers_of("XX") == METHOD.peer_geos  # a geo outside the peer list is compared with all of them


@pytest.mark.parametrize("score, label", [
    (3.0, "god"), (2.25, "god"), (2.2499, "middels"), (2.0, "middels"),
    (1.7501, "middels"), (1.75, "mindre god"), (1.0, "mindre god"),
    (0.1 + 0.2 + 1.95, "god"),  # 2.2500000000000004 (float noise) is 2.25
    (None, None), (float("nan"), None),
])
def test_label_boundaries(score, label):
    assert sc.label_for_score(score) == label


@pytest.mark.parametrize("exact, rounded", [
    (2.125, 2.13),  # half up (Python's round gives 2.12: 2.125 is exact in binary, round-half-even)
    (2.135, 2.14),  # repr 2.135 although the binary value is just below
    (1.745, 1.75),  # -> mindre god
    (2.245, 2.25),  # -> god
    (2.2449999, 2.24),
    (1.8125000000000002, 1.81),
    (3.0, 3.0), (None, None), (float("nan"), None),
])
def test_round_score_half_up_from_the_decimal(exact, rounded):
    assert sc.round_score(exact) == rounded


# ------------------------------------------------------------------------------------------------------
# observations handling and indicator scores (through score_tables)
# ------------------------------------------------------------------------------------------------------

SHARE = {"indicator_id": "share", "goal_id": "G1", "direction": "higher", "limit_value": 100.0, "weight": 2.0}


def share_obs():
    return obs_frame([
        ("share", "NO", "2019", 92), ("share", "NO", "2021", 94),
        ("share", "SE", "2021", 95), ("share", "DK", "2021", 90), ("share", "FI", "2021", 93),
        ("share", "EU27", "2021", 80),
        ("share", "EU27", "2023", 99),  # after NO's latest year: not used for NO's level
    ])


def test_usable_observations_filters_and_period_years():
    obs = obs_frame([
        ("a", "NO", "2019", 10),
        ("a", "NO", "2021-2022", 12),  # counts as 2021
        ("a", "NO", "2021-2022", 99, "age=16-24"),  # breakdown: ignored
        ("a", "NO", "2023", 99, "", False),  # not preferred: ignored
        ("a", "NO", "2018-04", 1),
        ("a", "NO", "2018-10", 2),  # same year: last period kept
    ])
    row = indicator_row(score_tables(obs, catalog([{"indicator_id": "a", "goal_id": "G1", "direction": "higher"}])),
                        "a")
    assert row["latest_period"] == "2021-2022" and row["latest_year"] == 2021
    assert (row["base_period"], row["base_value"]) == ("2019", 10.0)
    assert row["cagr"] == pytest.approx((12 / 10) ** 0.5 - 1)
    assert row["change"] == 2.0


def test_indicator_development_and_level():
    tables = score_tables(share_obs(), catalog([SHARE]))
    r = indicator_row(tables, "share")
    # development: substantial (limit) -> 3; level: 94 >= 90, 93, 80 of 95, 90, 93, 80 -> 1 + 2*3/4 = 2.5
    assert r["status"] == tr.SUBSTANTIAL and r["rule"] == "cagr_no_target"
    assert r["development_score"] == 3.0 and r["level_score"] == 2.5 and r["level_basis"] == "peers"
    assert r["n_peers"] == 4 and r["n_peers_matched"] == 3
    assert r["score"] == 2.75 and r["change"] == 2.0
    assert r["limit_factor"] == pytest.approx(0.309414, abs=1e-6)
    assert r["threshold_high"] == pytest.approx(0.015 * r["limit_factor"])
    peers = tables["indicator_score_peers"]
    peers = peers[(peers["geo"] == "NO") & (peers["indicator_id"] == "share")].set_index("peer_geo")
    assert list(peers.index) == ["SE", "DK", "FI", "EU27"]
    assert peers.loc["EU27", "peer_year"] == 2021 and peers.loc["EU27", "peer_value"] == 80.0
    assert list(peers["own_at_least_as_good"]) == [False, True, True, True]


def test_sweden_uses_norway_as_peer():
    tables = score_tables(share_obs(), catalog([SHARE]))
    r = indicator_row(tables, "share", geo="SE")
    peers = tables["indicator_score_peers"]
    assert list(peers[peers["geo"] == "SE"]["peer_geo"]) == ["NO", "DK", "FI", "EU27"]
    assert r["status"] == tr.LEVEL_ONLY and pd.isna(r["development_score"])  # one year: a level, no trend
    assert r["level_score"] == 3.0 and r["score"] == 3.0
    assert pd.isna(r["change"]) and pd.isna(r["base_period"])  # one year only: no base


def test_without_peers_the_level_is_against_the_target():
    obs = obs_frame([("r", "NO", "2019", 10), ("r", "NO", "2020", 9.85)])
    cat = catalog([{"indicator_id": "r", "goal_id": "G1", "direction": "lower", "target_value": 9,
                    "target_period": "2030", "target_kind": "test"}])
    r = indicator_row(score_tables(obs, cat), "r")
    # 9.85 vs target 9: 0.85 short <= 0.9 -> level 2
    assert r["level_basis"] == "target" and r["level_score"] == 2.0 and r["target_kind"] == "test"
    assert r["score"] == pytest.approx((r["development_score"] + 2.0) / 2)
    assert r["rule"] == "cagr_vs_target" and r["target_year"] == 2030


def test_no_score_without_data_or_peers():
    obs = obs_frame([("x", "NO", "2022", 1.0)])
    r = indicator_row(score_tables(obs, catalog([{"indicator_id": "x", "goal_id": "G1", "direction": "higher"}])), "x")
    assert pd.isna(r["score"]) and pd.isna(r["level_score"]) and pd.isna(r["development_score"])
    assert r["rule"] == "insufficient_data: one year only" and "only one year" in r["warnings"]


def test_development_only_when_no_peers_no_target():
    obs = obs_frame([("x", "NO", "2019", 100), ("x", "NO", "2020", 101)])
    r = indicator_row(score_tables(obs, catalog([{"indicator_id": "x", "goal_id": "G1", "direction": "higher"}])), "x")
    assert r["score"] == 2.0  # moderate only


def goal_inputs():
    """G1: share (score 2.75, weight 2) and rank (score 1.25, weight 1); G2: one point only (no score)."""
    obs = pd.concat([share_obs(), obs_frame([
        ("rank", "NO", "2017", 12), ("rank", "NO", "2018", 10), ("rank", "NO", "2021-2022", 8),
        ("single", "NO", "2023", 50),
    ])])
    cat = catalog([
        SHARE,
        {"indicator_id": "rank", "goal_id": "G1", "direction": "lower", "target_value": 1.0,
         "target_period": "2030", "weight": float("nan")},  # weight defaults to 1.0
        {"indicator_id": "single", "goal_id": "G2", "direction": "higher"},
    ], goals=("G1", "G2", "G3"))
    return obs, cat


def test_rank_indicator_hand_calculation():
    obs, cat = goal_inputs()
    r = indicator_row(score_tables(obs, cat), "rank")
    # base 2018 (over 2017) = 10, latest 2021 = 8: CAGR = 0.8^(1/3) - 1 = -0.071682
    # required = 0.1^(1/12) - 1 = -0.174596; progress = 0.071682 / 0.174596 = 0.41056 -> limited (1.5)
    # no peers: level vs target 1 -> 8 is far from 1 -> 1.  score = 1.25
    assert r["base_year"] == 2018 and r["change"] == -2.0
    assert r["cagr"] == pytest.approx(-0.071682, abs=1e-6)
    assert r["required_cagr"] == pytest.approx(-0.174596, abs=1e-6)
    assert r["progress_value"] == pytest.approx(0.41056, abs=1e-5)
    assert r["status"] == tr.LIMITED and r["rule"] == "cagr_vs_target"
    assert (r["threshold_high"], r["threshold_med"], r["threshold_low"]) == (0.95, 0.60, 0.0)
    assert r["score"] == 1.25 and r["weight"] == 1.0


# ------------------------------------------------------------------------------------------------------
# goal scores, history, movers, status changes (synthetic)
# ------------------------------------------------------------------------------------------------------


def test_goal_weighted_mean_exactly_at_god_boundary():
    obs, cat = goal_inputs()
    g = goal_row(score_tables(obs, cat), "G1")
    # (2.75 * 2 + 1.25 * 1) / 3 = 2.25 -> god (inclusive)
    assert g["score"] == 2.25 and g["label"] == "god"
    assert g["n_indicators"] == 2 and g["n_excluded"] == 0 and g["total_weight"] == 3.0


def test_goal_rows_follow_the_catalogue_goals():
    obs, cat = goal_inputs()
    goals = score_tables(obs, cat)["goal_scores"]
    assert list(goals["geo"]) == [g for g in METHOD.scored_geos for _ in range(3)]
    assert list(goals[goals["geo"] == "NO"]["goal_id"]) == ["G1", "G2", "G3"]
    g2, g3 = goal_row({"goal_scores": goals}, "G2"), goal_row({"goal_scores": goals}, "G3")
    assert pd.isna(g2["score"]) and pd.isna(g2["label"]) and g2["n_indicators"] == 0 and g2["n_excluded"] == 1
    assert pd.isna(g3["score"]) and g3["n_indicators"] == 0 and g3["n_excluded"] == 0


def test_goal_at_mindre_god_boundary():
    obs = obs_frame([("a", "NO", "2019", 100), ("a", "NO", "2020", 101),  # moderate -> 2.0
                     ("b", "NO", "2019", 100), ("b", "NO", "2020", 100)])  # limited -> 1.5
    cat = catalog([{"indicator_id": "a", "goal_id": "G", "direction": "higher"},
                   {"indicator_id": "b", "goal_id": "G", "direction": "higher"}], goals=("G",))
    g = goal_row(score_tables(obs, cat), "G")
    assert g["score"] == 1.75 and g["label"] == "mindre god"


def test_goal_score_rounds_half_up():
    # 2.0 (moderate), 2.5 (moderate 2 + level 3 vs one peer: (2+3)/2), 1.5 (limited), 2.5: mean 8.5/4 = 2.125
    obs = obs_frame([("a", "NO", "2019", 100), ("a", "NO", "2020", 101),
                     ("b", "NO", "2019", 100), ("b", "NO", "2020", 101), ("b", "SE", "2020", 1),
                     ("c", "NO", "2019", 100), ("c", "NO", "2020", 100),
                     ("d", "NO", "2019", 100), ("d", "NO", "2020", 101), ("d", "SE", "2020", 1)])
    cat = catalog([{"indicator_id": i, "goal_id": "G", "direction": "higher"} for i in "abcd"], goals=("G",))
    g = goal_row(score_tables(obs, cat), "G")
    assert g["score_unrounded"] == 2.125 and g["score"] == 2.13 and g["label"] == "middels"


def test_history_from_the_base_year_to_the_latest_year():
    obs, cat = goal_inputs()
    hist = score_tables(obs, cat)["goal_score_history"]
    no = hist[(hist["geo"] == "NO") & (hist["goal_id"] == "G1")]
    assert list(no["as_of"]) == list(range(2019, 2024))  # latest observation year: 2023
    by_year = no.set_index("as_of")["score"]
    # as of 2019/2020: share has one point and no peers (None); rank 2017-2018 -> insufficient, level 1
    assert by_year[2019] == 1.0 and by_year[2020] == 1.0
    # as of 2021 the rank's 2021-2022 value is not yet published (a span is published by its end year at the
    # earliest): rank still insufficient with level 1 -> (2.75 * 2 + 1) / 3 = 2.1667 -> 2.17; from 2022: 2.25
    assert by_year[2021] == 2.17 and by_year[2022] == 2.25 and by_year[2023] == 2.25


def test_movers_by_hand():
    obs, cat = goal_inputs()
    movers = score_tables(obs, cat)["movers"]
    g1 = movers[(movers["geo"] == "NO") & (movers["goal_id"] == "G1")]
    # goal 2.25: share 2 × (2.75 − 2.25) = +1.0, rank 1 × (1.25 − 2.25) = −1.0: tie in |pull|, by indicator id
    assert list(g1["indicator_id"]) == ["rank", "share"]
    assert list(g1["pull"]) == [-1.0, 1.0] and list(g1["direction"]) == ["down", "up"]
    assert list(g1["rank"]) == [1, 2]
    assert movers[movers["goal_id"] == "G2"].empty  # no goal score, no movers


def test_movers_top_three_and_zero_pull_left_out():
    # scores 3 (a), 1 (b), 2 (c, d, e): mean (3 + 1 + 2 + 2 + 2) / 5 = 2 -> c, d, e pull 0
    rows = [("a", "2019", 100), ("a", "2020", 102), ("b", "2019", 100), ("b", "2020", 99),
            ("c", "2019", 100), ("c", "2020", 101), ("d", "2019", 100), ("d", "2020", 101),
            ("e", "2019", 100), ("e", "2020", 101)]
    obs = obs_frame([(i, "NO", p, v) for i, p, v in rows])
    cat = catalog([{"indicator_id": i, "goal_id": "G", "direction": "higher"} for i in "abcde"], goals=("G",))
    no = score_tables(obs, cat)["movers"].query("geo == 'NO'")
    assert list(no["indicator_id"]) == ["a", "b"] and list(no["pull"]) == [1.0, -1.0]


def test_movers_ordered_by_size_of_pull():
    # a substantial (3), b limited (1.5), c moderate (2): mean 6.5 / 3 = 2.1667
    # pulls a +0.8333, b -0.6667, c -0.1667 -> a, b, c
    obs = obs_frame([("a", "NO", "2019", 100), ("a", "NO", "2020", 102), ("b", "NO", "2019", 100),
                     ("b", "NO", "2020", 100), ("c", "NO", "2019", 100), ("c", "NO", "2020", 101)])
    cat = catalog([{"indicator_id": i, "goal_id": "G", "direction": "higher"} for i in "cba"], goals=("G",))
    no = score_tables(obs, cat)["movers"].query("geo == 'NO'")
    assert list(no["indicator_id"]) == ["a", "b", "c"] and list(no["direction"]) == ["up", "down", "down"]
    assert no["pull"].tolist() == pytest.approx([3 - 6.5 / 3, 1.5 - 6.5 / 3, 2 - 6.5 / 3])


def test_status_changes_name_what_changed():
    obs, cat = goal_inputs()
    before = obs.copy()
    before.loc[(before["indicator_id"] == "share") & (before["geo"] == "NO") & (before["year"] == 2021), "value"] = 90
    changes = score_tables(obs, cat, previous_observations=before)["status_changes"]
    no = changes[changes["geo"] == "NO"]
    # before: 92 -> 90 deterioration (1), level 90 vs 95, 90, 93, 80 -> 2 of 4 -> 2.0: score 1.5
    assert list(no["indicator_id"]) == ["share"]
    assert no.iloc[0][["old_status", "new_status", "old_score", "new_score"]].tolist() == [
        tr.DETERIORATION, tr.SUBSTANTIAL, 1.5, 2.75]
    # the peers' level changed too: NO 90 -> 94 moves SE/DK/FI/EU27's comparison with NO
    assert set(changes["geo"]) <= set(METHOD.scored_geos)
    assert score_tables(obs, cat, previous_observations=obs)["status_changes"].empty
    assert score_tables(obs, cat)["status_changes"].empty


def test_status_changes_include_a_score_change_with_the_same_status():
    obs, cat = goal_inputs()
    before = obs.copy()
    before.loc[(before["indicator_id"] == "share") & (before["geo"] == "SE"), "value"] = 93.5
    changes = score_tables(obs, cat, previous_observations=before)["status_changes"].query("geo == 'NO'")
    # before: NO 94 beat all four peers (93.5, 90, 93, 80) -> level 3, score 3.0; now 3 of 4 -> 2.75
    assert changes[["indicator_id", "old_status", "new_status", "old_score", "new_score"]].values.tolist() == [
        ["share", tr.SUBSTANTIAL, tr.SUBSTANTIAL, 3.0, 2.75]]


# ------------------------------------------------------------------------------------------------------
# property-based tests (synthetic series drawn by Hypothesis)
# ------------------------------------------------------------------------------------------------------

years_st = st.lists(st.integers(2014, 2026), min_size=0, max_size=8, unique=True)
value_st = st.floats(-1000, 1000, allow_nan=False, allow_infinity=False)
pos_st = st.floats(0.01, 1000, allow_nan=False, allow_infinity=False)
direction_st = st.sampled_from(["higher", "lower"])
opt_target_st = st.one_of(st.none(), value_st)
opt_limit_st = st.one_of(st.none(), st.sampled_from([1.0, 100.0]))


@st.composite
def scenario(draw, values=value_st):
    years = draw(years_st)
    own = {y: draw(values) for y in years}
    peers = {g: draw(st.one_of(st.none(), values)) for g in ("SE", "DK", "FI", "EU27")}
    return {"own": own, "peers": peers, "direction": draw(direction_st), "target": draw(opt_target_st),
            "target_year": draw(st.sampled_from(["2025", "2030", None])), "limit": draw(opt_limit_st)}


def score_of(s, as_of=None):
    rows = [("i", "NO", str(y), v) for y, v in s["own"].items() if as_of is None or y <= as_of]
    rows += [("i", g, "2019", v) for g, v in s["peers"].items() if v is not None]
    obs = obs_frame(rows) if rows else obs_frame([("other", "NO", "2019", 1)])
    cat = catalog([{"indicator_id": "i", "goal_id": "G", "direction": s["direction"], "target_value": s["target"],
                    "target_period": s["target_year"], "limit_value": s["limit"]}], goals=("G",))
    return value(indicator_row(score_tables(obs, cat), "i")["score"])


@settings(max_examples=150, deadline=None)
@given(scenario(), st.one_of(st.none(), st.integers(2016, 2026)))
def test_indicator_score_within_1_and_3(s, as_of):
    score = score_of(s, as_of)
    assert score is None or 1.0 <= score <= 3.0


@settings(max_examples=150, deadline=None)
@given(scenario(values=pos_st), pos_st, pos_st)
def test_better_latest_never_lowers_score(s, v1, v2):
    assume(len(s["own"]) >= 1)
    assume(s["target"] is None or s["target"] > 0)
    latest_year = max(s["own"])
    worse, better = sorted((v1, v2)) if s["direction"] == "higher" else sorted((v1, v2), reverse=True)
    a = score_of({**s, "own": {**s["own"], latest_year: worse}})
    b = score_of({**s, "own": {**s["own"], latest_year: better}})
    assert (a is None) == (b is None) or (a is None)  # improving can only add a component
    if a is not None:
        assert b >= a - 1e-12


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.lists(pos_st, min_size=0, max_size=3), st.sampled_from([0.0, 0.5, 1.0, 2.0]),
                          direction_st), min_size=1, max_size=6))
def test_goal_score_is_the_rounded_weighted_mean_within_1_and_3(items):
    rows, specs = [], []
    for k, (values, weight, direction) in enumerate(items):
        rows += [(f"i{k}", "NO", str(2019 + j), v) for j, v in enumerate(values)]
        specs.append({"indicator_id": f"i{k}", "goal_id": "G", "direction": direction, "weight": weight})
    obs = obs_frame(rows) if rows else obs_frame([("other", "NO", "2019", 1)])
    tables = score_tables(obs, catalog(specs, goals=("G",)))
    g = goal_row(tables, "G")
    ind = tables["indicator_scores"].query("geo == 'NO'")
    used = ind[ind["score"].notna() & (ind["weight"] > 0)]
    assert g["n_indicators"] == len(used) and g["n_indicators"] + g["n_excluded"] == len(items)
    if used.empty:
        assert pd.isna(g["score"]) and pd.isna(g["label"])
    else:
        exact = (used["score"] * used["weight"]).sum() / used["weight"].sum()
        assert g["score_unrounded"] == pytest.approx(exact)
        assert 1.0 <= g["score"] <= 3.0 and g["score"] == sc.round_score(g["score_unrounded"])
        assert g["label"] == sc.label_for_score(g["score"])


# ------------------------------------------------------------------------------------------------------
# the method's parameters: method.toml validated on load, and quoted faithfully by docs/method.md
# ------------------------------------------------------------------------------------------------------


def _raw():
    return tomllib.loads(METHOD_PATH.read_text(encoding="utf-8"))


def test_method_toml_loads_and_is_what_the_code_uses():
    assert load_method() == METHOD
    assert METHOD.base_year == _raw()["base"]["year"]


@pytest.mark.parametrize("section, key, bad, message", [
    ("trend", "limit_exponent", "4.44", "trend.limit_exponent must be a finite number"),
    ("trend", "zero_replacement", 0, "must be > 0"),
    ("goal", "label_less_good_until", 2.5, "must be below goal.label_good_from"),
    ("goal", "score_decimals", 1.5, "must be an integer"),
    ("base", "earlier_years", [2020], "must be a list of distinct years before 2019"),
    ("development_scores", "deterioration", 0.5, "must be ≥ 1.0"),
    ("level", "scored_geos", ["NO", "XX"], "must be among level.peer_geos"),
])
def test_method_toml_invalid_values_fail_clearly(section, key, bad, message):
    raw = _raw()
    raw[section][key] = bad
    with pytest.raises(MethodError, match=re.escape(message)):
        parse_method(raw, source="method.toml")


def test_method_toml_missing_and_unknown_keys_fail_clearly():
    raw = _raw()
    del raw["trend"]["thresholds_with_target"]["med"]
    with pytest.raises(MethodError, match="trend.thresholds_with_target must have exactly high, med and low"):
        parse_method(raw)
    raw = _raw()
    raw["goal"]["rounding"] = "half_even"
    with pytest.raises(MethodError, match=r"\[goal\] has unknown keys rounding"):
        parse_method(raw)
    raw = _raw()
    del raw["level"]
    with pytest.raises(MethodError, match=r"\[level\] is missing"):
        parse_method(raw)


def _flat(d, prefix=""):
    for k, v in d.items():
        if isinstance(v, dict):
            yield from _flat(v, f"{prefix}{k}.")
        else:
            yield f"{prefix}{k}", v


def _doc():
    return (ROOT / "docs" / "method.md").read_text(encoding="utf-8")


def test_method_doc_parameter_table_equals_method_toml():
    block = _doc().split("<!-- parameters: begin -->", 1)[1].split("<!-- parameters: end -->", 1)[0]
    table = dict(re.findall(r"^\| `([\w. ]+)` \| (.+?) \|$", block, flags=re.MULTILINE))
    raw = dict(_flat(_raw()))
    assert set(table) == set(raw)
    for key, val in raw.items():
        quoted = [x.strip() for x in table[key].split(",")] if isinstance(val, list) else table[key]
        if isinstance(val, list):
            assert quoted == [str(v) for v in val], key
        elif isinstance(val, str):
            assert quoted == val, key
        else:
            assert float(quoted) == val, key


def _nb(text: str) -> str:
    return text.replace(".", ",")


def test_method_doc_prose_quotes_the_parameters():
    """Every number the text quotes is rebuilt from method.toml: changing the file without the text fails."""
    doc, m = _doc(), METHOD
    nb_part, en_part = doc.split("\n## English\n", 1)
    en_part = en_part.split("\n## API", 1)[0]
    nb_part, en_part = " ".join(nb_part.split()), " ".join(en_part.split())  # line breaks as spaces
    first, second = m.earlier_base_years
    wt, wo = m.thresholds_with_target, m.thresholds_without_target
    with_t = f"{wt['high']:.2f} / {wt['med']:.2f} / {wt['low']:g}"
    without_t = f"{wo['high']:g} / {wo['med']:g} / {wo['low']:g}"
    superscript = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
    tolerance = "10" + f"{round(math.log10(m.tolerance))}".translate(superscript)
    dev = m.development_scores
    words = {2: ("to", "two")}[m.score_decimals]
    peers = ", ".join(m.peer_geos[:-1])
    scored = ", ".join(m.scored_geos[:-1])
    good, less = m.label_good_from, m.label_less_good_until
    common = [
        f"^{m.limit_exponent}", f"{m.zero_replacement}", tolerance, f"{m.target_level_margin:.2f} × \\|",
        f"{m.target_level_margin * 100:g} %", f"≥ {good}", f"≤ {less}", f"{good} → god", f"{less} → mindre god",
    ]
    nb = [f"observasjonen fra {m.base_year}", f"fra {second}–{first} ({first} før {second})",
          f"den tidligste etter {m.base_year}", f"bare data før {second}", _nb(with_t), _nb(without_t),
          f"brukes {m.default_target_year}", f"{words[0]} desimaler", f"{peers} og {m.peer_geos[-1]}",
          f"{scored} og {m.scored_geos[-1]}", f"De {m.movers} indikatorene", "halvt opp",
          *(_nb(x) for x in common)]
    en = [f"the {m.base_year} observation", f"from {second}–{first} ({first} before {second})",
          f"the earliest after {m.base_year}", f"only data before {second}", with_t, without_t,
          f"uses {m.default_target_year}", f"{words[1]} decimals", f"{peers} and {m.peer_geos[-1]}",
          f"{scored} and {m.scored_geos[-1]}", f"The {m.movers} indicators", "half up", *common]
    band = m.stability_surveys["IT i praksis"]["band"]
    nb += [f"{_nb(f'{band:g}')} prosentpoeng", f"{_nb(f'{m.stability_survey_z:g}')} × √(0,25 / n)",
           *("→ " + _nb(f"{v['band']:g}") for v in m.stability_surveys.values()), f"{m.stability_limit_share * 100:g} % av enhetens grense",
           f"= {m.peer_year_tolerance} år", f"de siste {m.recent_years} årene"]
    en += [f"{band:g} percentage points", f"{m.stability_survey_z:g} × √(0.25 / n)",
           *("→ " + f"{v['band']:g}" for v in m.stability_surveys.values()), f"{m.stability_limit_share * 100:g} % of the unit's limit",
           f"= {m.peer_year_tolerance} years", f"last {m.recent_years} years"]
    for part, phrases in ((nb_part, nb), (en_part, en)):
        missing = [p for p in phrases if p not in part]
        assert not missing, f"docs/method.md does not quote method.toml: {missing}"
        for status, score in dev.items():
            shown = f"{score:g}" if part is en_part else _nb(f"{score:g}")
            assert re.search(rf"\|[^|]*`{status}`[^|]*\| {re.escape(shown)} \|", part), (status, shown)
