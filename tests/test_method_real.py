"""The method's rules on the REAL data (the real_warehouse fixture): each test fails on the method before these
rules (trends across breaks, peers from other years, lower bounds as peers, copies counted, survey noise scored,
no level for Norway-only indicators, figures used before they were published, an EU reference called "target
achieved"). Every expectation is derived from the catalogue, the observations or method.toml."""
from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from indicators import score_tables
from indicators.catalog import load_catalog
from indicators.method import METHOD
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def inputs(real_warehouse):
    with duckdb.connect(str(real_warehouse), read_only=True) as con:
        observations = con.execute("SELECT * FROM observations").df()
    return observations, load_catalog(ROOT / "indicators" / "catalog.toml")


@pytest.fixture(scope="module")
def tables(inputs):
    return score_tables(*inputs)


@pytest.fixture(scope="module")
def cat(inputs):
    c = inputs[1]
    ind = c.indicators.set_index("indicator_id")
    ind["unit_kind"] = ind["unit_id"].map(dict(zip(c.units["unit_id"], c.units["kind"])))
    return ind


@pytest.fixture(scope="module")
def obs(inputs):
    o = inputs[0]
    o = o[o["is_preferred"].astype(bool) & (o["breakdown"].fillna("") == "") & o["value"].notna()].copy()
    o["flag_set"] = o["flags"].fillna("").map(lambda f: set(f.split(";")) - {""})
    return o


def _scored(tables):
    rows = tables["indicator_scores"]
    return rows[rows["base_year"].notna()]


def test_no_trend_across_a_flagged_break(tables, obs):
    breaks = obs[obs["flag_set"].map(lambda f: "break_in_series" in f)]
    latest_break = breaks.groupby(["indicator_id", "geo"])["year"].max()
    checked = 0
    for r in _scored(tables).itertuples():
        key = (r.indicator_id, r.geo)
        if key in latest_break.index and latest_break[key] <= r.latest_year:
            assert r.base_year >= latest_break[key], (key, r.base_period)
            checked += 1
    assert checked > 0


def test_trend_starts_at_the_catalogues_comparable_from_period(tables, cat):
    rows = _scored(tables)
    start = cat["comparable_from"].dropna().map(lambda p: int(str(p)[:4]))
    limited = rows[rows["indicator_id"].isin(start.index)]
    assert not limited.empty
    assert (limited["base_year"] >= limited["indicator_id"].map(start)).all()


def test_peers_are_from_the_same_period_and_exact(tables, obs):
    peers = tables["indicator_score_peers"]
    rows = tables["indicator_scores"].set_index(["geo", "indicator_id"])
    own_year = [rows.loc[(g, i), "latest_year"] for g, i in zip(peers["geo"], peers["indicator_id"])]
    assert ((peers["peer_year"] - pd.Series(own_year, index=peers.index)).abs() <= METHOD.peer_year_tolerance).all()
    non_exact = obs[obs["flag_set"].map(lambda f: bool(f & set(METHOD.non_exact_flags)))]
    assert not non_exact.empty
    bad = peers.merge(non_exact, left_on=["indicator_id", "peer_geo", "peer_period"],
                      right_on=["indicator_id", "geo", "period"])
    assert bad.empty, bad[["indicator_id", "peer_geo", "peer_period"]]
    own = tables["indicator_scores"]
    for col in ("base_period", "latest_period"):
        hit = own.merge(non_exact, left_on=["indicator_id", "geo", col], right_on=["indicator_id", "geo", "period"])
        assert hit.empty, (col, hit[["indicator_id", "geo", col]])


def test_each_measurement_counts_once(tables, cat):
    rows = tables["indicator_scores"]
    composites = set(cat["part_of"].dropna())
    copies = set(cat.index[cat["same_as"].notna()])
    assert composites and copies
    counted = rows[rows.get("counted", pd.Series(True, index=rows.index)).astype(bool)]
    assert not set(counted["indicator_id"]) & (composites | copies)
    movers = tables["movers"]
    assert not set(movers["indicator_id"]) & (composites | copies)


def test_republished_copies_are_identical_where_both_exist(obs, cat):
    """The catalogue's same_as claims for republications (DESI = eGovernment Benchmark) hold in the data."""
    pairs = [(i, o) for i, o in cat["same_as"].dropna().items() if cat.loc[i, "unit_id"] == cat.loc[o, "unit_id"]
             and cat.loc[i, "unit_kind"] != "rank" and str(i).startswith("desi_")]
    assert pairs
    for copy, original in pairs:
        a = obs[obs["indicator_id"] == copy].set_index(["geo", "period"])["value"]
        b = obs[obs["indicator_id"] == original].set_index(["geo", "period"])["value"]
        common = a.index.intersection(b.index)
        assert len(common) > 0 and (a[common] == b[common]).all(), copy


def _band(row, cat):
    """The band restated: the unit's, and for a share from a survey the larger of that and the survey's band."""
    c = cat.loc[row.indicator_id]
    survey = next((v["band"] for v in METHOD.stability_surveys.values() if c["source_dataset"] in v["datasets"]), None)
    if c["unit_kind"] == "rank":
        unit = METHOD.stability_rank_places
    elif c["unit_kind"] == "count":
        unit = METHOD.stability_count
    else:
        unit = None if pd.isna(c["limit_value"]) else METHOD.stability_limit_share * c["limit_value"]
    return unit if survey is None or c["unit_kind"] != "percent" else max(survey, unit)


def test_changes_within_the_stability_band_are_stable(tables, cat):
    n = 0
    for r in _scored(tables).itertuples():
        band = _band(r, cat)
        if r.status in ("target_achieved", "eu_reference_reached") or band is None:
            continue
        within = abs(r.latest_value - r.base_value) <= band + METHOD.tolerance
        assert (r.status == "stable") == within, (r.indicator_id, r.geo, r.base_value, r.latest_value, r.status)
        n += within
    assert n > 0


def test_every_indicator_with_a_scale_has_a_level(tables, cat):
    rows = tables["indicator_scores"]
    for r in rows[rows["latest_value"].notna()].itertuples():
        c = cat.loc[r.indicator_id]
        has_scale = (c["unit_kind"] in ("percent", "score", "index") and not pd.isna(c["limit_value"])) \
            or (c["unit_kind"] == "rank" and not pd.isna(c["rank_of"]))
        if has_scale or not pd.isna(c["target_value"]):
            assert not pd.isna(r.level_score), (r.geo, r.indicator_id)


def test_an_eu_reference_reached_is_not_target_achieved(tables):
    rows = tables["indicator_scores"]
    eu = rows[rows["target_kind"] == "eu_reference"]
    assert not eu.empty
    assert not (eu["status"] == "target_achieved").any()


def test_as_of_uses_only_what_was_published_by_then(inputs, tables):
    observations, catalog = inputs
    for year in (2021, 2023):
        rows = score_tables(observations, catalog, as_of=year)["indicator_scores"]
        assert (rows["latest_published_year"].dropna() <= year).all()
        hist = tables["goal_score_history"]
        goal = score_tables(observations, catalog, as_of=year)["goal_scores"]
        pd.testing.assert_frame_equal(hist[hist["as_of"] == year].drop(columns="as_of").reset_index(drop=True), goal)
    # e.g. the eGovernment Benchmark's 2022-2023 figures (the 2024 report) are not used as of 2023
    rows = score_tables(observations, catalog, as_of=2023)["indicator_scores"]
    bench = rows[rows["indicator_id"] == "egovbench_overall"]
    assert (bench["latest_period"] != "2022-2023").all()


def test_rank_changes_as_places(tables, cat):
    rows = tables["indicator_scores"]
    ranks = rows[rows["indicator_id"].map(cat["unit_kind"]) == "rank"]
    with_change = ranks[ranks["change"].notna()]
    assert not with_change.empty
    assert (with_change["change_places_up"] == -with_change["change"]).all()
    assert rows[rows["indicator_id"].map(cat["unit_kind"]) != "rank"]["change_places_up"].isna().all()


def test_every_indicator_has_a_goal_reason(cat):
    assert cat["goal_reason_nb"].notna().all() and cat["goal_reason_en"].notna().all()


def test_goal_confidence_leave_one_out_by_hand(tables):
    from indicators.scoring import label_for_score, round_score

    ind, conf = tables["indicator_scores"], tables["goal_confidence"]
    for c in conf.itertuples():
        used = ind[(ind["geo"] == c.geo) & (ind["goal_id"] == c.goal_id) & ind["counted"].astype(bool)
                   & ind["score"].notna() & (ind["weight"] > 0)]
        assert c.n_indicators == len(used)
        changers = []
        for i in used.index:
            rest = used.drop(i)
            loo = round_score((rest["score"] * rest["weight"]).sum() / rest["weight"].sum()) if len(rest) else None
            if label_for_score(loo) != c.label:
                changers.append(used.loc[i, "indicator_id"])
        assert (c.loo_indicators if isinstance(c.loo_indicators, str) else "") == ";".join(sorted(changers))
        recent = used["latest_year"] >= c.recent_from_year
        assert c.n_recent == int(recent.sum())


def test_no_status_or_label_contradicts_its_own_row(tables, cat):
    """On every scored row a change in the good direction is never "deterioration" and one in the bad direction
    never progress; a goal's label is the label of its rounded score; a rank moving up is never called decline."""
    improving = {"substantial_progress", "moderate_progress", "target_achieved", "eu_reference_reached"}
    checked = 0
    for r in _scored(tables).itertuples():
        if r.status in ("stable", "insufficient_data"):
            continue
        sign = 1 if cat.loc[r.indicator_id, "direction"] == "higher" else -1
        good = sign * (r.latest_value - r.base_value)
        assert not (good > METHOD.tolerance and r.status == "deterioration"), (r.geo, r.indicator_id, r.status)
        assert not (good < -METHOD.tolerance and r.status in improving), (r.geo, r.indicator_id, r.status)
        if not pd.isna(r.change_places_up):
            assert (r.change_places_up > 0) == (good > 0), (r.geo, r.indicator_id)
        checked += 1
    assert checked > 50
    from indicators.scoring import label_for_score

    for name in ("goal_scores", "goal_score_history", "goal_confidence"):
        goals = tables[name]
        assert (goals["label"].fillna("") == goals["score"].map(label_for_score).fillna("")).all(), name
    period = tables["goal_period_scores"]
    for end in ("start", "end"):
        assert (period[f"{end}_label"].fillna("") == period[f"{end}_score"].map(label_for_score).fillna("")).all()


def test_a_status_never_contradicts_the_score_on_its_row(tables):
    """«For lite data» / "Insufficient data" never stands beside a score: a series without a comparable trend that
    has a level score is level_only, its score is the level alone (and counts); insufficient_data has no score."""
    rows = tables["indicator_scores"]
    insufficient = rows[rows["status"] == "insufficient_data"]
    assert len(insufficient) and insufficient["score"].isna().all(), insufficient[insufficient["score"].notna()]
    level_only = rows[rows["status"] == "level_only"]
    assert len(level_only[level_only["geo"] == "NO"]) > 0
    assert level_only["development_score"].isna().all() and level_only["level_score"].notna().all()
    assert (level_only["score"] == level_only["level_score"]).all()
    assert (level_only["rule"].str.replace("level_only: ", "insufficient_data: ", regex=False)
            .isin(rows.loc[rows["status"] == "insufficient_data", "rule"].unique().tolist()
                  + ["insufficient_data: one year only", "insufficient_data: no base year",
                     "insufficient_data: sign change"])).all()
    never = level_only.query("geo == 'NO' and indicator_id == 'dfo_never_use_internet'")
    assert len(never) == 1 and never["counted"].all()  # the audit's example: 2 % (2021) only, a score that counts


# The sample surveys of the catalogue, by the words their dataset names share (any part or renaming of a survey
# carries its name): a survey's band must reach every one of its datasets, not one exact name.
SURVEY_WORDS = {"IT i praksis": "IT i praksis", "DFØ Innbyggerundersøkelsen": "Innbyggerundersøkelsen",
                "IKT i husholdningene": ("IKT i husholdningene", "isoc_")}


def test_every_dataset_of_a_survey_gets_the_surveys_band(tables, cat):
    """«IT i praksis (innbyggerdelen)» is the citizen part of IT i praksis: a citizen-survey move of 50 → 47 is
    within the survey's sampling band (stable), not «Tilbakegang» on the 1-point unit band."""
    datasets = set(cat["source_dataset"].dropna())
    for name, words in SURVEY_WORDS.items():
        words = (words,) if isinstance(words, str) else words
        family = {d for d in datasets if any(w in d for w in words)}
        assert len(family) >= 2 and family <= set(METHOD.stability_surveys[name]["datasets"]), (name, family)
    assert set().union(*(v["datasets"] for v in METHOD.stability_surveys.values())) <= datasets  # no stray names
    rows = tables["indicator_scores"].set_index(["geo", "indicator_id"])
    for (geo, indicator_id), r in rows.iterrows():
        dataset = cat.loc[indicator_id, "source_dataset"]
        survey = next((v for v in METHOD.stability_surveys.values() if dataset in v["datasets"]), None)
        if survey is not None and cat.loc[indicator_id, "unit_kind"] == "percent":
            assert r["stable_band"] == max(survey["band"], METHOD.stability_limit_share * 100), (geo, indicator_id)
    trust = rows.loc[("NO", "citizens_trust_digital_services_protect_personal_data")]
    assert (trust["base_value"], trust["latest_value"]) == (50.0, 47.0) and trust["stable_band"] == 6.2
    assert trust["status"] == "stable" and trust["rule"] == "within_stable_band"
