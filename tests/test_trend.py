"""Tests of the trend method (indicators.trend): Statistics Canada / Open SDG CAGR, limit reduction, status from a
progress value, the base-year rule.

All numbers here are synthetic TEST DATA, hand-computed in the comments.

Floating point: thresholds are compared with the tolerance METHOD.tolerance = 1e-9 (values within 1e-9 below a
threshold count as at it). Boundary cases are built so the computed value is the threshold up to float noise (e.g.
203/200 - 1 = 0.014999999999999902 must count as 0.015); "just below" cases are 1e-6 or more below, far outside
the tolerance.
"""
from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from indicators import trend as tr

# ------------------------------------------------------------------------------------------------------
# base selection (the one base-year rule)
# ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("years, expected", [
    ([2015, 2017, 2018, 2019, 2020], 2019),  # 2019 wins
    ([2017, 2018, 2020, 2023], 2018),  # 2018 preferred over 2017
    ([2017, 2020, 2023], 2017),  # 2017 when no 2018/2019
    ([2015, 2016, 2021, 2020], 2020),  # nothing in 2017-2019: earliest after 2019
    ([2015, 2016], None),  # no usable base
    ([], None),
])
def test_select_base_year(years, expected):
    assert tr.select_base_year(years) == expected


def test_base_2018_over_2017_in_trend():
    r = tr.trend_status({2017: 50, 2018: 100, 2020: 103.0225})
    # base 2018 = 100, latest 2020: (1.030225)^(1/2) - 1 = 0.015 -> substantial
    assert (r.base_year, r.base_value, r.latest_year) == (2018, 100.0, 2020)
    assert r.cagr == pytest.approx(0.015, abs=1e-12)
    assert r.status == tr.SUBSTANTIAL


def test_base_earliest_after_2019():
    r = tr.trend_status({2016: 1, 2021: 100, 2022: 101})
    assert r.base_year == 2021
    assert r.cagr == pytest.approx(0.01)
    assert r.status == tr.MODERATE


def test_gaps_in_years_use_only_base_and_latest():
    # 2019 = 100, 2023 = 100 * 1.01^4; the odd 2021 value is ignored
    r = tr.trend_status({2019: 100, 2021: 500, 2023: 100 * 1.01**4})
    assert r.cagr == pytest.approx(0.01, abs=1e-12)
    assert r.status == tr.MODERATE


# ------------------------------------------------------------------------------------------------------
# method 1 (no target): thresholds 0.015 / 0.005 / 0
# ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("latest, status", [
    (203.0, tr.SUBSTANTIAL),  # 203/200 - 1 = 0.015 exactly (float: 0.014999999999999902)
    (203.5, tr.SUBSTANTIAL),
    (202.9998, tr.MODERATE),  # 0.014999
    (201.0, tr.MODERATE),  # 0.005 exactly
    (200.9998, tr.LIMITED),  # 0.004999
    (200.0, tr.LIMITED),  # 0 exactly
    (199.9998, tr.DETERIORATION),  # -0.000001
])
def test_method1_boundaries(latest, status):
    r = tr.trend_status({2019: 200.0, 2020: latest})
    assert r.rule == tr.RULE_WITHOUT_TARGET
    assert r.thresholds == {"high": 0.015, "med": 0.005, "low": 0.0}
    assert r.status == status


def test_method1_two_years_exact_boundary():
    # 100 -> 100 * 1.005^2 over 2019..2021: CAGR 0.005 -> moderate
    assert tr.trend_status({2019: 100, 2021: 100 * 1.005**2}).status == tr.MODERATE


# ------------------------------------------------------------------------------------------------------
# method 2 (target): thresholds 0.95 / 0.60 / 0 on CAGR_observed / |CAGR_required|
# ------------------------------------------------------------------------------------------------------
# base 2019 = 100, target 400 in 2021: required = 4^(1/2) - 1 = 1.0; latest in 2020: observed = latest/100 - 1


@pytest.mark.parametrize("latest, status", [
    (195.0, tr.SUBSTANTIAL),  # 0.95
    (194.9999, tr.MODERATE),  # 0.949999
    (160.0, tr.MODERATE),  # 0.60
    (159.9999, tr.LIMITED),  # 0.599999
    (100.0, tr.LIMITED),  # 0
    (99.9999, tr.DETERIORATION),  # -0.000001
    (400.0, tr.TARGET_ACHIEVED),
    (450.0, tr.TARGET_ACHIEVED),
])
def test_method2_boundaries(latest, status):
    r = tr.trend_status({2019: 100.0, 2020: latest}, target_value=400, target_year="2021")
    assert r.rule == (tr.RULE_TARGET_ACHIEVED if status == tr.TARGET_ACHIEVED else tr.RULE_WITH_TARGET)
    assert r.required_cagr == pytest.approx(1.0)
    assert r.status == status


def test_method2_realistic_hand_calculation():
    # base 2019 = 60, latest 2023 = 70, target 80 in 2030
    # observed = (70/60)^(1/4) - 1 = 0.039290; required = (80/60)^(1/11) - 1 = 0.026498; ratio = 1.48275
    r = tr.trend_status({2019: 60, 2023: 70}, target_value=80, target_year="2030")
    assert r.cagr == pytest.approx(0.039290, abs=1e-6)
    assert r.required_cagr == pytest.approx(0.026498, abs=1e-6)
    assert r.progress_value == pytest.approx(1.48275, abs=1e-4)
    assert r.status == tr.SUBSTANTIAL


def test_target_period_spanning_years_and_missing_year():
    r = tr.trend_status({2019: 100, 2020: 160}, target_value=400, target_year="2021-2022")
    assert r.target_year == 2021 and r.status == tr.MODERATE
    r = tr.trend_status({2019: 100, 2020: 101}, target_value=400, target_year=None)
    assert r.target_year == 2030 and any("2030" in w for w in r.warnings)


def test_target_equal_to_base_falls_back_to_method1():
    r = tr.trend_status({2019: 100, 2020: 99}, target_value=100.5, target_year=2019)
    assert r.rule == tr.RULE_WITHOUT_TARGET and r.warnings


# ------------------------------------------------------------------------------------------------------
# lower is better
# ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("latest, status", [
    (9.85, tr.SUBSTANTIAL),  # CAGR -0.015 -> progress +0.015
    (9.95, tr.MODERATE),  # progress +0.005
    (10.0, tr.LIMITED),
    (10.15, tr.DETERIORATION),  # progress -0.015
])
def test_lower_is_better_method1(latest, status):
    r = tr.trend_status({2019: 10.0, 2020: latest}, direction="lower")
    assert r.status == status


def test_lower_is_better_method2_boundary_and_target():
    # base 10, target 5 in 2021: required = 0.5^(1/2) - 1 = -0.292893; |.| = 0.292893
    required = math.sqrt(0.5) - 1
    at_095 = 10 * (1 + 0.95 * required)  # observed CAGR = -0.95 * |required| -> progress 0.95
    r = tr.trend_status({2019: 10, 2020: at_095}, direction="lower", target_value=5, target_year=2021)
    assert r.progress_value == pytest.approx(0.95)
    assert r.status == tr.SUBSTANTIAL
    below = 10 * (1 + 0.949 * required)
    assert tr.trend_status({2019: 10, 2020: below}, direction="lower", target_value=5,
                           target_year=2021).status == tr.MODERATE
    assert tr.trend_status({2019: 10, 2020: 5}, direction="lower", target_value=5).status == tr.TARGET_ACHIEVED
    assert tr.trend_status({2019: 10, 2020: 4}, direction="lower", target_value=5).status == tr.TARGET_ACHIEVED
    assert tr.trend_status({2019: 10, 2020: 5.01}, direction="lower", target_value=5,
                           target_year=2030).status != tr.TARGET_ACHIEVED


def test_bad_direction_rejected():
    with pytest.raises(ValueError):
        tr.trend_status({2019: 1, 2020: 2}, direction="up")


# ------------------------------------------------------------------------------------------------------
# limit factor c = 1 - (base/limit)^4.44
# ------------------------------------------------------------------------------------------------------


def test_limit_factor_value():
    # 0.92^4.44 = exp(4.44 * ln 0.92) = exp(-0.370214) = 0.690586 -> c = 0.309414
    assert tr.limit_factor(92, 100) == pytest.approx(0.309414, abs=1e-6)
    assert tr.limit_factor(100, 100) == 0.0
    assert tr.limit_factor(120, 100) == 0.0  # beyond the limit: clamped
    assert tr.limit_factor(0, 100) == 1.0


def test_limit_turns_92_to_94_into_substantial_progress():
    # CAGR = sqrt(94/92) - 1 = 0.010811: moderate without the limit ...
    assert tr.trend_status({2019: 92, 2021: 94}).status == tr.MODERATE
    # ... substantial with it: thresholds 0.015c = 0.004641, 0.005c = 0.001547
    r = tr.trend_status({2019: 92, 2021: 94}, limit_value=100)
    assert r.limit_factor == pytest.approx(0.309414, abs=1e-6)
    assert r.thresholds["high"] == pytest.approx(0.004641, abs=1e-6)
    assert r.thresholds["med"] == pytest.approx(0.001547, abs=1e-6)
    assert r.status == tr.SUBSTANTIAL


def test_limit_boundary_exact():
    c = tr.limit_factor(92, 100)
    latest = 92 * (1 + 0.015 * c)  # CAGR exactly at the reduced high threshold
    assert tr.trend_status({2019: 92, 2020: latest}, limit_value=100).status == tr.SUBSTANTIAL
    latest = 92 * (1 + 0.0149 * c)
    assert tr.trend_status({2019: 92, 2020: latest}, limit_value=100).status == tr.MODERATE


def test_at_the_limit_keeping_it_is_substantial():
    assert tr.trend_status({2019: 100, 2020: 100}, limit_value=100).status == tr.SUBSTANTIAL
    assert tr.trend_status({2019: 100, 2020: 99}, limit_value=100).status == tr.DETERIORATION


def test_limit_not_applied_for_lower_is_better():
    r = tr.trend_status({2019: 10, 2020: 9.95}, direction="lower", limit_value=100)
    assert r.limit_factor is None
    assert r.thresholds == {"high": 0.015, "med": 0.005, "low": 0.0}
    assert any("limit not applied" in w for w in r.warnings)


def test_limit_ignored_with_target():
    r = tr.trend_status({2019: 92, 2020: 93}, target_value=99, target_year=2030, limit_value=100)
    assert r.rule == tr.RULE_WITH_TARGET and r.limit_factor is None


# ------------------------------------------------------------------------------------------------------
# insufficient data, zero and negative values
# ------------------------------------------------------------------------------------------------------


def test_one_data_point_is_insufficient():
    r = tr.trend_status({2022: 50})
    assert r.status == tr.INSUFFICIENT and r.cagr is None
    assert tr.trend_status({}).status == tr.INSUFFICIENT


def test_one_data_point_reaching_target_is_achieved():
    assert tr.trend_status({2022: 85}, target_value=80, target_year=2030).status == tr.TARGET_ACHIEVED


def test_latest_equal_to_base_year_is_insufficient():
    # base 2019; as_of 2020 cuts the 2021 point, so base year = latest year
    r = tr.trend_status({2019: 10, 2021: 12}, as_of=2020)
    assert r.latest_year == 2019 and r.status == tr.INSUFFICIENT


def test_zero_base_replaced_with_warning():
    r = tr.trend_status({2019: 0, 2020: 1})
    # CAGR = 1/0.001 - 1 = 999
    assert r.cagr == pytest.approx(999)
    assert r.status == tr.SUBSTANTIAL
    assert any("0.001" in w for w in r.warnings)
    assert r.base_value == 0.0  # the observed base is reported as observed


def test_zero_target_replaced_with_warning():
    # base 10, target 0 -> 0.001 in 2021: required = (0.0001)^(1/2) - 1 = -0.99
    r = tr.trend_status({2019: 10, 2020: 9}, direction="lower", target_value=0, target_year=2021)
    assert r.required_cagr == pytest.approx(-0.99)
    assert any("target is zero" in w for w in r.warnings)
    # observed -0.1 -> progress 0.1/0.99 = 0.10101 -> limited
    assert r.status == tr.LIMITED


def test_negative_values_same_sign():
    # higher is better, -10 -> -5: ratio 0.5, CAGR -0.5, sign -1 -> progress +0.5
    r = tr.trend_status({2019: -10, 2020: -5})
    assert r.sign == -1 and r.progress_value == pytest.approx(0.5)
    assert r.status == tr.SUBSTANTIAL
    assert tr.trend_status({2019: -10, 2020: -20}).status == tr.DETERIORATION


def test_different_signs_are_insufficient():
    assert tr.trend_status({2019: -1, 2020: 1}).status == tr.INSUFFICIENT
    assert tr.trend_status({2019: 1, 2020: -1}).status == tr.INSUFFICIENT


def test_latest_zero_is_deterioration():
    r = tr.trend_status({2019: 5, 2020: 0})
    assert r.cagr == pytest.approx(-1) and r.status == tr.DETERIORATION


# ------------------------------------------------------------------------------------------------------


# ------------------------------------------------------------------------------------------------------
# the rule that decided the status, and the change
# ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("points, kwargs, rule", [
    ({}, {}, "insufficient_data: no observations"),
    ({2015: 1, 2016: 2}, {}, "insufficient_data: no base year"),  # only data before 2017
    ({2022: 50}, {}, "insufficient_data: one year only"),
    ({2016: 1, 2019: 2}, {}, "insufficient_data: one year only"),  # base 2019 is the latest year
    ({2019: -1, 2020: 1}, {}, "insufficient_data: sign change"),
    ({2019: 1, 2020: 2}, {}, "cagr_no_target"),
    ({2019: 1, 2020: 2}, {"target_value": 5, "target_year": 2025}, "cagr_vs_target"),
    ({2019: 1, 2020: 6}, {"target_value": 5, "target_year": 2025}, "target_achieved"),
    ({2022: 6}, {"target_value": 5, "target_year": 2025}, "target_achieved"),  # one point reaching the target
    ({2019: 1, 2020: 2}, {"target_value": 5, "target_year": 2019}, "cagr_no_target"),  # target year not after base
])
def test_rule_names_what_decided_the_status(points, kwargs, rule):
    assert tr.trend_status(points, **kwargs).rule == rule


def test_change_is_latest_minus_base_and_base_only_with_a_later_year():
    r = tr.trend_status({2017: 5, 2019: 40, 2023: 30})  # base 2019 (over 2017), latest 2023
    assert (r.base_year, r.base_value, r.latest_year, r.latest_value) == (2019, 40.0, 2023, 30.0)
    assert r.change == -10.0
    r = tr.trend_status({2018: 40, 2021: 50})
    assert r.base_year == 2018 and r.change == 10.0
    single = tr.trend_status({2019: 40})  # nothing to measure a change to
    assert single.base_year is None and single.base_value is None and single.change is None
    assert single.latest_value == 40.0


# ------------------------------------------------------------------------------------------------------
# properties
# ------------------------------------------------------------------------------------------------------

STATUS_ORDER = [tr.DETERIORATION, tr.LIMITED, tr.MODERATE, tr.SUBSTANTIAL, tr.TARGET_ACHIEVED]
series_st = st.dictionaries(st.integers(2014, 2026), st.floats(0.01, 1000, allow_nan=False), min_size=0, max_size=8)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(2000, 2030), max_size=10))
def test_base_year_is_one_of_the_years_and_follows_the_preference(years):
    base = tr.select_base_year(years)
    if base is None:
        assert all(y < 2017 for y in years)
    else:
        assert base in years
        preferred = [y for y in (2019, 2018, 2017) if y in years]
        assert base == (preferred[0] if preferred else min(y for y in years if y > 2019))


@settings(max_examples=300, deadline=None)
@given(series_st, st.sampled_from(["higher", "lower"]), st.one_of(st.none(), st.sampled_from([100.0])))
def test_change_sign_and_base_follow_the_series(points, direction, limit):
    r = tr.trend_status(points, direction=direction, limit_value=limit)
    if r.base_year is None:
        assert r.change is None and r.cagr is None
    else:
        assert r.base_year == tr.select_base_year(points) and r.base_year < r.latest_year
        assert r.base_value == points[r.base_year] and r.latest_value == points[max(points)]
        assert r.change == points[max(points)] - points[r.base_year]
        assert math.copysign(1, r.cagr) == math.copysign(1, r.change) or r.change == 0


@settings(max_examples=300, deadline=None)
@given(series_st, st.floats(0.01, 1000), st.floats(0.01, 1000), st.sampled_from(["higher", "lower"]),
       st.one_of(st.none(), st.floats(0.01, 1000)), st.one_of(st.none(), st.sampled_from([100.0])))
def test_better_latest_never_gives_a_worse_status(points, v1, v2, direction, target, limit):
    assume(points)
    latest = max(points)
    worse, better = sorted((v1, v2)) if direction == "higher" else sorted((v1, v2), reverse=True)
    kw = {"direction": direction, "target_value": target, "target_year": 2030, "limit_value": limit}
    a = tr.trend_status({**points, latest: worse}, **kw).status
    b = tr.trend_status({**points, latest: better}, **kw).status
    if a != tr.INSUFFICIENT and b != tr.INSUFFICIENT:
        assert STATUS_ORDER.index(b) >= STATUS_ORDER.index(a)


@settings(max_examples=300, deadline=None)
@given(st.floats(-10, 10, allow_nan=False), st.floats(-1, 1), st.floats(0, 1), st.floats(0, 1))
def test_status_from_value_is_monotone_and_uses_the_bands(v, low, gap1, gap2):
    th = {"low": low, "med": low + gap1 + 0.01, "high": low + gap1 + gap2 + 0.02}
    s = tr.status_from_value(v, th)
    assert s == (tr.SUBSTANTIAL if v >= th["high"] else tr.MODERATE if v >= th["med"]
                 else tr.LIMITED if v >= th["low"] - 1e-9 else tr.DETERIORATION) or abs(v - th["high"]) < 1e-9 \
        or abs(v - th["med"]) < 1e-9
    assert STATUS_ORDER.index(tr.status_from_value(v + 0.5, th)) >= STATUS_ORDER.index(s)
