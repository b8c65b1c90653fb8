"""Synthetic unit tests (SYNTHETIC TEST DATA, not real figures) of the method's rules: comparable segments, the
stability band, the scale level, the dating rule, counting each measurement once, and the catalogue's checks."""
from __future__ import annotations

import pandas as pd
import pytest

from indicators import score_tables
from indicators import scoring as sc
from indicators import trend as tr
from indicators.catalog import Catalog, CatalogError, parse_catalog
from indicators.method import METHOD


def test_comparable_segment_starts_at_the_latest_break_and_comparable_from():
    pts = {2016: 1.0, 2018: 2.0, 2020: 3.0, 2022: 4.0}
    assert [p[0] for p in tr.comparable_segment(pts)] == [2016, 2018, 2020, 2022]
    assert [p[0] for p in tr.comparable_segment(pts, break_years=[2018, 2020])] == [2020, 2022]
    assert [p[0] for p in tr.comparable_segment(pts, comparable_from=2021)] == [2022]
    assert [p[0] for p in tr.comparable_segment(pts, [2018], comparable_from=2017)] == [2018, 2020, 2022]
    assert tr.comparable_segment(pts, comparable_from=2030) == []


def test_stable_band_decides_before_growth_but_not_before_a_target():
    r = tr.trend_status({2019: 98, 2024: 99}, limit_value=100, stable_band=1.0)
    assert (r.status, r.rule, r.change) == (tr.STABLE, tr.RULE_STABLE, 1.0)
    assert tr.trend_status({2019: 98, 2024: 99}, limit_value=100).status == tr.SUBSTANTIAL  # without a band
    assert tr.trend_status({2019: 76, 2020: 75}, stable_band=6.2).status == tr.STABLE
    assert tr.trend_status({2021: 19, 2023: 10}, stable_band=6.2).status == tr.DETERIORATION
    assert tr.trend_status({2019: 79, 2021: 80}, target_value=80, target_year=2030,
                           stable_band=1.0).status == tr.TARGET_ACHIEVED


@pytest.mark.parametrize("value, direction, kind, limit, rank_of, expected", [
    (50, "higher", "percent", 100, None, 2.0), (10, "higher", "percent", 100, None, 1.2),
    (10, "lower", "percent", 100, None, 2.8), (0.9, "higher", "index", 1, None, 2.8),
    (1, "lower", "rank", None, 38, 3.0), (38, "lower", "rank", None, 38, 1.0),
    (2, "lower", "rank", None, 38, 1 + 2 * 36 / 37), (5, "lower", "rank", None, None, None),
    (100, "higher", "count", None, None, None), (120, "higher", "percent", 100, None, 3.0),
])
def test_level_on_the_own_scale(value, direction, kind, limit, rank_of, expected):
    got = sc.level_score_vs_scale(value, direction, kind, limit, rank_of)
    assert got == (None if expected is None else pytest.approx(expected))


def test_stable_band_by_survey_then_unit():
    from indicators.method import survey_band

    assert survey_band(1.96, 250) == 6.2 and survey_band(1.96, 8500) == 1.1 and survey_band(1.96, 1019) == 3.1
    for survey in METHOD.stability_surveys.values():  # one band per survey, for every dataset it lists
        band = survey_band(METHOD.stability_survey_z, survey["respondents"])
        assert survey["band"] == band
        for dataset in survey["datasets"]:
            assert sc.stable_band(dataset, "percent", 100) == max(band, METHOD.stability_limit_share * 100)
            assert sc.stable_band(dataset, "index", 1) == pytest.approx(METHOD.stability_limit_share)  # shares only
    assert sc.stable_band("IT i praksis (innbyggerdelen)", "percent", 100) == sc.stable_band("IT i praksis", "percent", 100) == 6.2
    assert sc.stable_band("Other", "percent", 100) == pytest.approx(METHOD.stability_limit_share * 100)
    assert sc.stable_band("Other", "index", 1) == pytest.approx(METHOD.stability_limit_share)
    assert sc.stable_band("Other", "rank", None) == METHOD.stability_rank_places
    assert sc.stable_band("Other", "count", None) == METHOD.stability_count
    assert sc.stable_band("Other", "score", None) is None


@pytest.mark.parametrize("published, period, lag, expected", [
    ("2024-12-17", "2021", 0, 2024), ("2023", "2022-2023", 1, 2023), ("", "2022-2023", 1, 2024),
    (None, "2018-04", 0, 2018), (float("nan"), "2024", 0, 2024), (None, "2022", None, 2022),
])
def test_published_year_dating_rule(published, period, lag, expected):
    assert sc.published_year(published, period, lag) == expected


def test_not_counted_reason():
    assert sc.not_counted_reason("a", "b", set()) == "same_as b"
    assert sc.not_counted_reason("c", None, {"c"}) == "composite: its parts are counted"
    assert sc.not_counted_reason("d", None, {"c"}) is None


def _catalog(indicators, units=None):
    units = units if units is not None else pd.DataFrame(
        [{"unit_id": "pct", "kind": "percent", "limit_value": 100.0}, {"unit_id": "rk", "kind": "rank",
                                                                        "limit_value": None}])
    base = {"goal_id": "G1", "direction": "higher", "unit_id": "pct", "limit_value": 100.0, "weight": 1.0,
            "target_value": None, "target_period": None, "target_kind": None, "source_dataset": "S"}
    return Catalog(goals=pd.DataFrame({"goal_id": ["G1"]}), units=units,
                   indicators=pd.DataFrame([{**base, **i} for i in indicators]), life_events=pd.DataFrame())


def _obs(rows):
    return pd.DataFrame([{"indicator_id": i, "geo": g, "breakdown": "", "period": p, "year": int(p[:4]),
                          "value": float(v), "is_preferred": True, "flags": f, "published": pub}
                         for i, g, p, v, f, pub in rows])


def test_copies_and_composites_are_shown_not_counted():
    cat = _catalog([{"indicator_id": "whole"}, {"indicator_id": "part", "part_of": "whole"},
                    {"indicator_id": "copy", "same_as": "part"}])
    obs = _obs([(i, "NO", "2019", 40, "", None) for i in ("whole", "part", "copy")]
               + [(i, "NO", "2021", 60, "", None) for i in ("whole", "part", "copy")])
    t = score_tables(obs, cat)
    rows = t["indicator_scores"][t["indicator_scores"]["geo"] == "NO"].set_index("indicator_id")
    assert list(rows["counted"]) == [False, True, False]
    assert rows.loc["copy", "not_counted_reason"] == "same_as part"
    goal = t["goal_scores"].iloc[0]
    assert (goal["n_indicators"], goal["n_not_counted"]) == (1, 2)
    assert goal["score_unrounded"] == pytest.approx(rows.loc["part", "score"])


def test_break_flag_peer_period_lower_bound_and_as_of():
    cat = _catalog([{"indicator_id": "x"}])
    obs = _obs([("x", "NO", "2018", 90, "", None), ("x", "NO", "2020", 50, "break_in_series", None),
                ("x", "NO", "2022", 60, "", "2024"),
                ("x", "SE", "2016", 99, "lower_bound", None), ("x", "SE", "2022", 70, "", None),
                ("x", "DK", "2021", 10, "", None)])
    t = score_tables(obs, cat)
    r = t["indicator_scores"].set_index(["geo", "indicator_id"]).loc[("NO", "x")]
    assert (r["base_period"], r["comparable_from_period"], r["status"]) == ("2020", "2020", tr.SUBSTANTIAL)
    peers = t["indicator_score_peers"]
    assert list(peers[peers["geo"] == "NO"]["peer_geo"]) == ["SE"]  # DK 2021 is another year
    assert r["latest_published_year"] == 2024
    as_of = score_tables(obs, cat, as_of=2023)["indicator_scores"].set_index(["geo", "indicator_id"])
    assert as_of.loc[("NO", "x"), "latest_period"] == "2020"  # the 2022 figure was published in 2024
    se = t["indicator_scores"].set_index(["geo", "indicator_id"]).loc[("SE", "x")]
    assert se["latest_period"] == "2022" and pd.isna(se["base_period"])  # the lower bound is never used


def test_eu_reference_reached_has_its_own_status_and_rank_places():
    cat = _catalog([{"indicator_id": "s", "target_value": 80.0, "target_period": "2030", "target_kind": "eu_reference"},
                    {"indicator_id": "r", "unit_id": "rk", "limit_value": None, "direction": "lower", "rank_of": 36}])
    obs = _obs([("s", "NO", "2019", 70, "", None), ("s", "NO", "2021", 81, "", None),
                ("r", "NO", "2019", 7, "", None), ("r", "NO", "2021", 9, "", None)])
    rows = score_tables(obs, cat)["indicator_scores"].set_index(["geo", "indicator_id"])
    assert rows.loc[("NO", "s"), "status"] == rows.loc[("NO", "s"), "rule"] == "eu_reference_reached"
    assert rows.loc[("NO", "s"), "development_score"] == METHOD.development_scores["eu_reference_reached"]
    assert rows.loc[("NO", "r"), "change_places_up"] == -2
    assert rows.loc[("NO", "r"), "level_basis"] == "scale"
    assert rows.loc[("NO", "r"), "level_score"] == pytest.approx(1 + 2 * (36 - 9) / 35)


RAW = {
    "goals": [{"id": "G1", "number": 1, "name_nb": "a", "name_en": "a", "short_nb": "a", "short_en": "a",
               "source_url": "u"}],
    "units": [{"id": "pct", "label_nb": "%", "label_en": "%", "kind": "percent", "limit": 100, "decimals": 1,
               "decimals_reason": "synthetic"},
              {"id": "rk", "label_nb": "plass", "label_en": "rank", "kind": "rank", "decimals": 0,
               "decimals_reason": "synthetic"}],
    "datasets": [{"name": "S", "publication_lag_years": 1, "lag_reason": "synthetic"}],
}


def _ind(**kw):
    base = {"id": "a", "goal": "G1", "name_nb": "a", "name_en": "a", "definition_nb": "a", "definition_en": "a",
            "unit": "pct", "direction": "higher", "source_org": "o", "source_dataset": "S", "goal_reason": "why"}
    return {**base, **kw}


@pytest.mark.parametrize("indicators, message", [
    ([_ind(goal_reason=None)], "'goal_reason' is missing"),
    ([_ind(same_as="zz")], "'same_as' unknown indicator 'zz'"),
    ([_ind(part_of="a")], "points to the indicator itself"),
    ([_ind(), _ind(id="b", same_as="a"), _ind(id="c", same_as="b")], "which is itself same_as"),
    ([_ind(rank_of=36)], "'rank_of' is only for rank units"),
    ([_ind(comparable_from="20x")], "'comparable_from' must be a period"),
    ([_ind(source_dataset="T")], "has no [[datasets]] entry"),
])
def test_catalogue_checks_the_method_fields(indicators, message):
    with pytest.raises(CatalogError, match=__import__("re").escape(message)):
        parse_catalog({**RAW, "indicators": indicators})


def test_catalogue_method_fields_reach_the_indicator_table():
    c = parse_catalog({**RAW, "indicators": [_ind(), _ind(id="b", unit="rk", same_as="a", rank_of=36,
                                                          comparable_from="2022")]})
    b = c.indicators.set_index("indicator_id").loc["b"]
    assert (b["same_as"], b["rank_of"], b["comparable_from"], b["publication_lag_years"]) == ("a", 36, "2022", 1)
    assert b["goal_reason_nb"] == b["goal_reason_en"] == "why"
