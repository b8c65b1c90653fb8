"""Trend status and 1.00–3.00 scores for indicators and goals.

Pure functions over pandas DataFrames: no Streamlit, no file or network I/O.
The rules are documented in ``docs/method.md``; the short version:

* Trend status per indicator and geography follows the Statistics Canada method used by Open SDG
  (compound annual growth rate, CAGR, from a base year to the latest year; ``open-sdg/sdg-build``,
  ``sdg/ProgressMeasure.py``).
* The indicator score (1–3) is the mean of a *development* score (from the trend status) and a *level*
  score (position against the peers SE, DK, FI, EU27 — or against the target when there are no peers).
* The goal score is the weighted mean of its indicators' scores, rounded to two decimals and labelled
  ``god`` (≥ 2.25), ``middels`` or ``mindre god`` (≤ 1.75) as in Digdir's «Rikets digitale tilstand».

These are the monitor's own reproducible reading of Digdir's scale, not Digdir's numbers.

Inputs
------
``observations``: columns ``indicator_id, geo, breakdown, period, year, value, is_preferred``. Only rows
with ``is_preferred`` true and ``breakdown == ''`` (the total) are used.

``indicators``: columns ``indicator_id, goal_id, direction`` and optionally ``limit_value, weight,
target_value, target_period, target_kind`` (missing columns are treated as empty; weight defaults to 1.0).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable, Mapping

import pandas as pd

# ---------------------------------------------------------------------------------------------------------
# Constants
# ---------------------------------------------------------------------------------------------------------

TARGET_ACHIEVED = "target_achieved"
SUBSTANTIAL = "substantial_progress"
MODERATE = "moderate_progress"
LIMITED = "limited_progress"
DETERIORATION = "deterioration"
INSUFFICIENT = "insufficient_data"
STATUSES = (TARGET_ACHIEVED, SUBSTANTIAL, MODERATE, LIMITED, DETERIORATION, INSUFFICIENT)

BASE_YEAR = 2019
EARLIER_BASE_YEARS = (2018, 2017)  # in order of preference when 2019 is missing
DEFAULT_TARGET_YEAR = 2030  # Open SDG's default when a target has no year

THRESHOLDS_WITH_TARGET = {"high": 0.95, "med": 0.60, "low": 0.0}
THRESHOLDS_WITHOUT_TARGET = {"high": 0.015, "med": 0.005, "low": 0.0}
LIMIT_EXPONENT = 4.44  # Statistics Canada's threshold reduction near a natural limit
ZERO_REPLACEMENT = 0.001  # Open SDG replaces a zero base or target by this value

# Values within EPS of a threshold count as at the threshold (absorbs floating-point noise such as
# 203/200 - 1 = 0.015000000000000124 vs 0.015 = 0.01499999999999999944).
EPS = 1e-9

DEVELOPMENT_SCORES = {
    TARGET_ACHIEVED: 3.0,
    SUBSTANTIAL: 3.0,
    MODERATE: 2.0,
    LIMITED: 1.5,
    DETERIORATION: 1.0,
    INSUFFICIENT: None,
}

PEER_GEOS = ("NO", "SE", "DK", "FI", "EU27")
TARGET_LEVEL_MARGIN = 0.10  # level score 2 when within 10 % of the target

LABEL_GOOD = "god"
LABEL_MEDIUM = "middels"
LABEL_LESS_GOOD = "mindre god"
LABEL_GOOD_FROM = 2.25
LABEL_LESS_GOOD_UNTIL = 1.75


# ---------------------------------------------------------------------------------------------------------
# Result types (plain dataclasses; ``to_dict()`` gives JSON-friendly dicts for the pages)
# ---------------------------------------------------------------------------------------------------------


@dataclass
class TrendResult:
    """Inputs and result of the Statistics Canada / Open SDG trend calculation for one series."""

    status: str = INSUFFICIENT
    direction: str = "higher"
    method: str | None = None  # "target" (method 2), "no_target" (method 1) or None
    n_points: int = 0
    base_year: int | None = None
    base_period: str | None = None
    base_value: float | None = None
    latest_year: int | None = None
    latest_period: str | None = None
    latest_value: float | None = None
    target_value: float | None = None
    target_year: int | None = None
    target_achieved: bool = False
    limit_value: float | None = None
    limit_factor: float | None = None  # c = 1 - (base/limit)^4.44, None when no limit applies
    sign: int | None = None  # -1 when the base value is negative (Open SDG)
    cagr: float | None = None  # observed compound annual growth rate, base -> latest
    required_cagr: float | None = None  # base -> target, method 2 only
    progress_value: float | None = None  # the number compared with the thresholds
    thresholds: dict[str, float] | None = None  # after the limit reduction
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return _clean(asdict(self))


@dataclass
class IndicatorScore:
    """Score 1–3 of one indicator for one geography, with everything used to compute it."""

    indicator_id: str
    goal_id: str | None
    geo: str
    as_of: int | None
    trend: TrendResult
    development_score: float | None
    level_score: float | None
    level_basis: str | None  # "peers", "target" or None
    peers: list[dict[str, Any]]  # [{geo, period, year, value, own_at_least_as_good}]
    n_peers_matched: int | None  # peers the scored geo is at least as good as
    score: float | None
    weight: float
    target_period: str | None = None
    target_kind: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["trend"] = self.trend.to_dict()
        return _clean(d)


@dataclass
class GoalScore:
    """Weighted score 1.00–3.00 of one goal for one geography."""

    goal_id: str
    geo: str
    as_of: int | None
    score: float | None  # rounded to two decimals, the number that is labelled
    score_unrounded: float | None
    label: str | None
    n_indicators: int  # indicators with a score (used)
    n_excluded: int  # indicators of the goal without a score
    total_weight: float
    indicators: list[dict[str, Any]]  # [{indicator_id, weight, score, status, development_score, level_score}]

    def to_dict(self) -> dict[str, Any]:
        return _clean(asdict(self))


# ---------------------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------------------


def _clean(obj: Any) -> Any:
    """Replace NaN by None and numpy scalars by Python ones, recursively."""
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if hasattr(obj, "item") and not isinstance(obj, (str, bytes)):
        obj = obj.item()
    if isinstance(obj, float) and math.isnan(obj):
        return None
    return obj


def _is_missing(x: Any) -> bool:
    if x is None:
        return True
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def _float_or_none(x: Any) -> float | None:
    return None if _is_missing(x) else float(x)


def _str_or_none(x: Any) -> str | None:
    if _is_missing(x):
        return None
    s = str(x).strip()
    return s or None


def _year_of_period(period: Any) -> int | None:
    """First year of a period string: '2030' -> 2030, '2021-2022' -> 2021, '2018-04' -> 2018."""
    s = _str_or_none(period)
    if s is None:
        return None
    try:
        return int(s[:4])
    except ValueError:
        return None


def _at_least(value: float, threshold: float) -> bool:
    """value >= threshold, counting values within EPS below the threshold as at it."""
    return value >= threshold - EPS


def _better_or_equal(a: float, b: float, direction: str) -> bool:
    """Is value ``a`` at least as good as ``b`` for the given direction?"""
    return a >= b if direction == "higher" else a <= b


def _direction_factor(direction: str) -> int:
    if direction not in ("higher", "lower"):
        raise ValueError(f"direction must be 'higher' or 'lower', got {direction!r}")
    return 1 if direction == "higher" else -1


def cagr(latest: float, base: float, latest_year: int, base_year: int) -> float:
    """Compound annual growth rate (latest/base)^(1/(latest_year - base_year)) - 1."""
    return (latest / base) ** (1.0 / (latest_year - base_year)) - 1.0


# ---------------------------------------------------------------------------------------------------------
# Status from a progress value
# ---------------------------------------------------------------------------------------------------------


def status_from_value(value: float, thresholds: Mapping[str, float]) -> str:
    """Map a progress value to a status: v ≥ high substantial, med ≤ v < high moderate,
    low ≤ v < med limited, v < low deterioration (boundaries inclusive up to EPS)."""
    if _at_least(value, thresholds["high"]):
        return SUBSTANTIAL
    if _at_least(value, thresholds["med"]):
        return MODERATE
    if _at_least(value, thresholds["low"]):
        return LIMITED
    return DETERIORATION


def limit_factor(base_value: float, limit_value: float) -> float:
    """Statistics Canada's reduction c = 1 - (base/limit)^4.44 for 0 ≤ base ≤ limit.

    A base at or beyond the limit gives c = 0 (keeping the limit counts as substantial progress);
    a base ≤ 0 gives c = 1. Only used for higher-is-better series (see docs/method.md).
    """
    if limit_value <= 0 or base_value <= 0:
        return 1.0
    ratio = min(base_value / limit_value, 1.0)
    return 1.0 - ratio**LIMIT_EXPONENT


# ---------------------------------------------------------------------------------------------------------
# Series preparation and base selection
# ---------------------------------------------------------------------------------------------------------


def usable_observations(observations: pd.DataFrame) -> pd.DataFrame:
    """Preferred rows of the total (breakdown == '') with a value, one row per (indicator, geo, year).

    If a year still has several rows (e.g. periods '2018-04' and '2018-10'), the one with the last
    period string in sort order is kept.
    """
    obs = observations
    breakdown = obs["breakdown"].fillna("").astype(str) if "breakdown" in obs else ""
    preferred = obs["is_preferred"].fillna(False).astype(bool) if "is_preferred" in obs else True
    obs = obs[(breakdown == "") & preferred & obs["value"].notna()]
    obs = obs.assign(
        year=obs["year"].astype(int),
        value=obs["value"].astype(float),
        period=obs["period"].astype(str) if "period" in obs else obs["year"].astype(str),
    )
    obs = obs.sort_values(["indicator_id", "geo", "year", "period"], kind="stable")
    return obs.drop_duplicates(["indicator_id", "geo", "year"], keep="last")[
        ["indicator_id", "geo", "period", "year", "value"]
    ].reset_index(drop=True)


def select_base_year(years: Iterable[int]) -> int | None:
    """2019 if present; else 2018, else 2017; else the earliest year after 2019; else None."""
    available = set(int(y) for y in years)
    if BASE_YEAR in available:
        return BASE_YEAR
    for year in EARLIER_BASE_YEARS:
        if year in available:
            return year
    later = [y for y in available if y > BASE_YEAR]
    return min(later) if later else None


Point = tuple  # (year: int, period: str, value: float)


def _as_points(points: Any) -> list[Point]:
    """Sorted (year, period, value) tuples, one per year (the last period in sort order wins).

    Accepts a DataFrame with ``year``, ``value`` (optionally ``period``), a ``{year: value}`` mapping or an
    already prepared list of tuples.
    """
    if isinstance(points, pd.DataFrame):
        periods = points["period"] if "period" in points.columns else points["year"]
        raw = zip(points["year"], periods, points["value"])
    elif isinstance(points, Mapping):
        raw = ((y, y, v) for y, v in points.items())
    else:
        raw = points
    cleaned = sorted((int(y), str(p), float(v)) for y, p, v in raw if not _is_missing(v))
    by_year = {pt[0]: pt for pt in cleaned}  # later (sorted) entries of a year replace earlier ones
    return list(by_year.values())


# ---------------------------------------------------------------------------------------------------------
# Trend status (Statistics Canada / Open SDG)
# ---------------------------------------------------------------------------------------------------------


def trend_status(
    points: Any,
    direction: str = "higher",
    target_value: float | None = None,
    target_year: int | str | None = None,
    limit_value: float | None = None,
    as_of: int | None = None,
) -> TrendResult:
    """Trend status of one series.

    ``points``: DataFrame with columns ``year``, ``value`` (optionally ``period``) or a ``{year: value}``
    mapping. Only years ≤ ``as_of`` are used when it is given.
    """
    factor = _direction_factor(direction)
    target_value = _float_or_none(target_value)
    limit_value = _float_or_none(limit_value)
    res = TrendResult(direction=direction, target_value=target_value, limit_value=limit_value)
    if target_value is not None:
        res.target_year = _year_of_period(target_year)
        if res.target_year is None:
            res.target_year = DEFAULT_TARGET_YEAR
            res.warnings.append(f"target has no year; using {DEFAULT_TARGET_YEAR} (Open SDG default)")

    pts = _as_points(points)
    if as_of is not None:
        pts = [pt for pt in pts if pt[0] <= int(as_of)]
    res.n_points = len(pts)
    if not pts:
        res.warnings.append("no observations")
        return res

    res.latest_year, res.latest_period, res.latest_value = pts[-1]

    # A reached target overrides everything, even a single data point.
    if target_value is not None and _better_or_equal(res.latest_value, target_value, direction):
        res.target_achieved = True
        res.status = TARGET_ACHIEVED

    base_year = select_base_year(pt[0] for pt in pts)
    if base_year is not None:
        res.base_year, res.base_period, res.base_value = next(pt for pt in pts if pt[0] == base_year)

    if base_year is None or res.n_points < 2 or res.latest_year <= base_year:
        res.warnings.append("fewer than two years from the base year on: no growth rate")
        return res

    base_value = res.base_value
    if base_value == 0:
        res.warnings.append(f"base value is zero; using {ZERO_REPLACEMENT} instead (as Open SDG)")
        base_value = ZERO_REPLACEMENT
    if (base_value > 0 and res.latest_value < 0) or (base_value < 0 and res.latest_value > 0):
        res.warnings.append("base and latest values have different signs: no growth rate")
        return res

    res.sign = -1 if base_value < 0 else 1
    res.cagr = cagr(res.latest_value, base_value, res.latest_year, res.base_year)
    required = _required_cagr(res, base_value)
    if required is not None:
        res.method = "target"
        res.required_cagr = required
        res.thresholds = dict(THRESHOLDS_WITH_TARGET)
        res.progress_value = res.sign * factor * res.cagr / abs(required)
    else:
        res.method = "no_target"
        res.thresholds = _thresholds_without_target(res, base_value)
        res.progress_value = res.sign * factor * res.cagr

    if not res.target_achieved:
        res.status = status_from_value(res.progress_value, res.thresholds)
    return res


def _required_cagr(res: TrendResult, base_value: float) -> float | None:
    """Required CAGR from base to target (method 2), or None to fall back to method 1 (with a warning)."""
    if res.target_value is None:
        return None
    target = res.target_value
    if target == 0:
        res.warnings.append(f"target is zero; using {ZERO_REPLACEMENT} for the required growth (as Open SDG)")
        target = ZERO_REPLACEMENT
    if res.target_year <= res.base_year:
        res.warnings.append("target year is not after the base year; scored without the target")
        return None
    if (target > 0) != (base_value > 0):
        res.warnings.append("target and base have different signs; scored without the target")
        return None
    required = cagr(target, base_value, res.target_year, res.base_year)
    if required == 0:
        res.warnings.append("target equals the base value; scored without the target")
        return None
    return required


def _thresholds_without_target(res: TrendResult, base_value: float) -> dict[str, float]:
    """Method 1 thresholds, reduced by c near the natural limit for higher-is-better series."""
    thresholds = dict(THRESHOLDS_WITHOUT_TARGET)
    if res.limit_value is None:
        return thresholds
    if res.direction == "lower":
        res.warnings.append(
            "limit not applied: for lower-is-better series the unit's limit is the worst end of the scale"
        )
        return thresholds
    if base_value > res.limit_value:
        res.warnings.append(f"base value {base_value} is above the limit {res.limit_value}")
    res.limit_factor = limit_factor(base_value, res.limit_value)
    return {k: v * res.limit_factor for k, v in thresholds.items()}


# ---------------------------------------------------------------------------------------------------------
# Development and level scores
# ---------------------------------------------------------------------------------------------------------


def development_score(status: str) -> float | None:
    """3 target achieved / substantial, 2 moderate, 1.5 limited, 1 deterioration, None insufficient."""
    return DEVELOPMENT_SCORES[status]


def level_score_vs_peers(own_value: float, peer_values: Iterable[float], direction: str) -> float | None:
    """1 + 2 × (share of peers the own value is at least as good as); None without peers.

    At or better than every peer → 3, worse than every peer → 1, in between proportionally.
    """
    peers = [float(v) for v in peer_values if not _is_missing(v)]
    if not peers:
        return None
    matched = sum(_better_or_equal(own_value, p, direction) for p in peers)
    return 1.0 + 2.0 * matched / len(peers)


def level_score_vs_target(own_value: float, target_value: float, direction: str) -> float:
    """3 when the target is reached, 2 when within 10 % of it (relative to |target|), else 1."""
    if _better_or_equal(own_value, target_value, direction):
        return 3.0
    shortfall = abs(target_value - own_value)
    if target_value != 0 and shortfall <= TARGET_LEVEL_MARGIN * abs(target_value) + EPS:
        return 2.0
    return 1.0


def peers_of(geo: str) -> tuple[str, ...]:
    """Comparison geographies for ``geo``: the other four of NO, SE, DK, FI, EU27."""
    return tuple(g for g in PEER_GEOS if g != geo)


def indicator_score_from_components(development: float | None, level: float | None) -> float | None:
    """Mean of the available components; None when neither is available."""
    parts = [x for x in (development, level) if x is not None]
    return sum(parts) / len(parts) if parts else None


def label_for_score(score: float | None) -> str | None:
    """Digdir's labels: ≥ 2.25 god, ≤ 1.75 mindre god, in between middels (boundaries within EPS)."""
    if _is_missing(score):
        return None
    if score >= LABEL_GOOD_FROM - EPS:
        return LABEL_GOOD
    if score <= LABEL_LESS_GOOD_UNTIL + EPS:
        return LABEL_LESS_GOOD
    return LABEL_MEDIUM


# ---------------------------------------------------------------------------------------------------------
# Indicator scoring
# ---------------------------------------------------------------------------------------------------------


def normalise_indicators(indicators: pd.DataFrame) -> pd.DataFrame:
    """Add missing optional columns and default the weight to 1.0."""
    df = indicators.copy()
    for col in ("goal_id", "limit_value", "target_value", "target_period", "target_kind"):
        if col not in df.columns:
            df[col] = None
    df["weight"] = pd.to_numeric(df["weight"], errors="coerce") if "weight" in df else float("nan")
    df["weight"] = df["weight"].fillna(1.0).astype(float)
    return df


def _indicator_row(indicators: pd.DataFrame, indicator_id: str) -> Mapping[str, Any]:
    rows = normalise_indicators(indicators)
    rows = rows[rows["indicator_id"] == indicator_id]
    if rows.empty:
        raise KeyError(f"unknown indicator {indicator_id!r}")
    return rows.iloc[0].to_dict()


def _index(obs: pd.DataFrame) -> dict[tuple[str, str], list[Point]]:
    """{(indicator_id, geo): sorted points} from usable observations (built once per call)."""
    index: dict[tuple[str, str], list[Point]] = {}
    for ind, geo, period, year, value in zip(obs["indicator_id"], obs["geo"], obs["period"], obs["year"],
                                             obs["value"]):
        index.setdefault((str(ind), str(geo)), []).append((int(year), str(period), float(value)))
    return {k: sorted(v) for k, v in index.items()}


def _series_for(index: Mapping[tuple[str, str], list[Point]], indicator_id: str, geo: str,
                as_of: int | None) -> list[Point]:
    pts = index.get((indicator_id, geo), [])
    return pts if as_of is None else [pt for pt in pts if pt[0] <= int(as_of)]


def _peer_points(index: Mapping[tuple[str, str], list[Point]], indicator_id: str, geo: str, until_year: int,
                 direction: str, own_value: float) -> list[dict[str, Any]]:
    """Each peer's latest value with year ≤ the scored geo's latest year."""
    rows = []
    for peer in peers_of(geo):
        pts = _series_for(index, indicator_id, peer, until_year)
        if not pts:
            continue
        year, period, value = pts[-1]
        rows.append({
            "geo": peer, "period": period, "year": year, "value": value,
            "own_at_least_as_good": _better_or_equal(own_value, value, direction),
        })
    return rows


def _score_indicator_prepared(index: Mapping[tuple[str, str], list[Point]], row: Mapping[str, Any], geo: str,
                              as_of: int | None) -> IndicatorScore:
    indicator_id = str(row["indicator_id"])
    direction = str(row["direction"])
    trend = trend_status(
        _series_for(index, indicator_id, geo, as_of),
        direction=direction,
        target_value=row.get("target_value"),
        target_year=row.get("target_period"),
        limit_value=row.get("limit_value"),
        as_of=as_of,
    )
    dev = development_score(trend.status)
    level, basis, peers, matched = None, None, [], None
    if trend.latest_value is not None:
        peers = _peer_points(index, indicator_id, geo, trend.latest_year, direction, trend.latest_value)
        if peers:
            level = level_score_vs_peers(trend.latest_value, [p["value"] for p in peers], direction)
            basis = "peers"
            matched = sum(p["own_at_least_as_good"] for p in peers)
        elif trend.target_value is not None:
            level = level_score_vs_target(trend.latest_value, trend.target_value, direction)
            basis = "target"
    return IndicatorScore(
        indicator_id=indicator_id,
        goal_id=_str_or_none(row.get("goal_id")),
        geo=geo,
        as_of=None if as_of is None else int(as_of),
        trend=trend,
        development_score=dev,
        level_score=level,
        level_basis=basis,
        peers=peers,
        n_peers_matched=matched,
        score=indicator_score_from_components(dev, level),
        weight=float(row.get("weight", 1.0)),
        target_period=_str_or_none(row.get("target_period")),
        target_kind=_str_or_none(row.get("target_kind")),
    )


def score_indicator(observations: pd.DataFrame, indicators: pd.DataFrame, indicator_id: str,
                    geo: str = "NO", as_of: int | None = None) -> IndicatorScore:
    """Score one indicator for one geography with data up to ``as_of`` (a year, inclusive)."""
    return _score_indicator_prepared(_index(usable_observations(observations)),
                                     _indicator_row(indicators, indicator_id), geo, as_of)


def explain_indicator(observations: pd.DataFrame, indicators: pd.DataFrame, indicator_id: str,
                      geo: str = "NO", as_of: int | None = None) -> dict[str, Any]:
    """Everything behind one indicator score, as a JSON-friendly dict (see docs/method.md)."""
    return score_indicator(observations, indicators, indicator_id, geo, as_of).to_dict()


INDICATOR_COLUMNS = [
    "indicator_id", "goal_id", "geo", "as_of", "base_period", "base_year", "base_value",
    "latest_period", "latest_year", "latest_value", "target", "target_period", "target_year",
    "direction", "limit", "limit_factor", "cagr", "required_cagr", "progress_value", "status",
    "development_score", "level_score", "level_basis", "n_peers", "n_peers_matched", "score", "weight",
]


def _indicator_record(s: IndicatorScore) -> dict[str, Any]:
    t = s.trend
    return {
        "indicator_id": s.indicator_id, "goal_id": s.goal_id, "geo": s.geo, "as_of": s.as_of,
        "base_period": t.base_period, "base_year": t.base_year, "base_value": t.base_value,
        "latest_period": t.latest_period, "latest_year": t.latest_year, "latest_value": t.latest_value,
        "target": t.target_value, "target_period": s.target_period, "target_year": t.target_year,
        "direction": t.direction, "limit": t.limit_value, "limit_factor": t.limit_factor,
        "cagr": t.cagr, "required_cagr": t.required_cagr, "progress_value": t.progress_value,
        "status": t.status, "development_score": s.development_score, "level_score": s.level_score,
        "level_basis": s.level_basis, "n_peers": len(s.peers), "n_peers_matched": s.n_peers_matched,
        "score": s.score, "weight": s.weight,
    }


def _score_all(index: Mapping[tuple[str, str], list[Point]], indicators: pd.DataFrame, geo: str,
               as_of: int | None) -> list[IndicatorScore]:
    rows = normalise_indicators(indicators)
    return [_score_indicator_prepared(index, row, geo, as_of) for row in rows.to_dict("records")]


def score_indicators(observations: pd.DataFrame, indicators: pd.DataFrame, geo: str = "NO",
                     as_of: int | None = None) -> pd.DataFrame:
    """One row per indicator with the columns in ``INDICATOR_COLUMNS`` (NaN/None where not applicable)."""
    scores = _score_all(_index(usable_observations(observations)), indicators, geo, as_of)
    return pd.DataFrame([_indicator_record(s) for s in scores], columns=INDICATOR_COLUMNS)


# ---------------------------------------------------------------------------------------------------------
# Goal scoring
# ---------------------------------------------------------------------------------------------------------


def goal_score_from_indicators(goal_id: str, geo: str, as_of: int | None,
                               scores: list[IndicatorScore]) -> GoalScore:
    """Weighted mean of the indicator scores that exist (weight ≤ 0 or missing score → excluded)."""
    used = [s for s in scores if s.score is not None and s.weight > 0]
    total_weight = sum(s.weight for s in used)
    exact = sum(s.score * s.weight for s in used) / total_weight if total_weight > 0 else None
    # Clamp against floating-point drift; the mean of values in [1, 3] is in [1, 3].
    exact = None if exact is None else min(3.0, max(1.0, exact))
    rounded = None if exact is None else round(exact, 2)
    return GoalScore(
        goal_id=goal_id, geo=geo, as_of=as_of,
        score=rounded, score_unrounded=exact, label=label_for_score(rounded),
        n_indicators=len(used), n_excluded=len(scores) - len(used), total_weight=total_weight,
        indicators=[{
            "indicator_id": s.indicator_id, "weight": s.weight, "score": s.score,
            "status": s.trend.status, "development_score": s.development_score,
            "level_score": s.level_score, "used": s in used,
        } for s in scores],
    )


def score_goal(observations: pd.DataFrame, indicators: pd.DataFrame, goal_id: str, geo: str = "NO",
               as_of: int | None = None) -> GoalScore:
    """Score one goal for one geography with data up to ``as_of``."""
    ind = normalise_indicators(indicators)
    ind = ind[ind["goal_id"] == goal_id]
    scores = _score_all(_index(usable_observations(observations)), ind, geo, as_of)
    return goal_score_from_indicators(goal_id, geo, None if as_of is None else int(as_of), scores)


def explain_goal(observations: pd.DataFrame, indicators: pd.DataFrame, goal_id: str, geo: str = "NO",
                 as_of: int | None = None) -> dict[str, Any]:
    """The goal score with each indicator's full explanation under ``indicator_details``."""
    ind = normalise_indicators(indicators)
    ind = ind[ind["goal_id"] == goal_id]
    as_of = None if as_of is None else int(as_of)
    scores = _score_all(_index(usable_observations(observations)), ind, geo, as_of)
    out = goal_score_from_indicators(goal_id, geo, as_of, scores).to_dict()
    out["indicator_details"] = [s.to_dict() for s in scores]
    out["label_rule"] = {"god_from": LABEL_GOOD_FROM, "mindre_god_until": LABEL_LESS_GOOD_UNTIL}
    return out


GOAL_COLUMNS = ["goal_id", "geo", "as_of", "score", "label", "n_indicators", "n_excluded", "total_weight"]


def _goal_ids(indicators: pd.DataFrame, goals: pd.DataFrame | Iterable[str] | None) -> list[str]:
    if goals is None:
        return sorted(normalise_indicators(indicators)["goal_id"].dropna().astype(str).unique())
    if isinstance(goals, pd.DataFrame):
        return [str(g) for g in goals["goal_id"]]
    return [str(g) for g in goals]


def _score_goals_prepared(index: Mapping[tuple[str, str], list[Point]], indicators: pd.DataFrame, geo: str,
                          as_of: int | None, goal_ids: list[str]) -> list[GoalScore]:
    scores = _score_all(index, indicators, geo, as_of)
    return [goal_score_from_indicators(g, geo, as_of, [s for s in scores if s.goal_id == g]) for g in goal_ids]


def score_goals(observations: pd.DataFrame, indicators: pd.DataFrame, geo: str = "NO",
                as_of: int | None = None, goals: pd.DataFrame | Iterable[str] | None = None) -> pd.DataFrame:
    """One row per goal (``GOAL_COLUMNS``). ``goals`` (a DataFrame with ``goal_id`` or a list of ids)
    fixes the rows and their order; by default the goals that have indicators, sorted."""
    as_of = None if as_of is None else int(as_of)
    index = _index(usable_observations(observations))
    results = _score_goals_prepared(index, indicators, geo, as_of, _goal_ids(indicators, goals))
    return pd.DataFrame([{c: getattr(r, c) for c in GOAL_COLUMNS} for r in results], columns=GOAL_COLUMNS)


def goal_score_history(observations: pd.DataFrame, indicators: pd.DataFrame, geo: str = "NO",
                       years: Iterable[int] | None = None,
                       goals: pd.DataFrame | Iterable[str] | None = None) -> pd.DataFrame:
    """Goal scores per as-of year (default 2019 .. latest observation year), long format:
    ``GOAL_COLUMNS`` with one row per (as_of, goal_id)."""
    obs = usable_observations(observations)
    if years is None:
        last = int(obs["year"].max()) if not obs.empty else BASE_YEAR
        years = range(BASE_YEAR, max(last, BASE_YEAR) + 1)
    goal_ids = _goal_ids(indicators, goals)
    index = _index(obs)
    indicators = normalise_indicators(indicators)
    rows = []
    for year in years:
        for r in _score_goals_prepared(index, indicators, geo, int(year), goal_ids):
            rows.append({c: getattr(r, c) for c in GOAL_COLUMNS})
    return pd.DataFrame(rows, columns=GOAL_COLUMNS)


# ---------------------------------------------------------------------------------------------------------
# The score tables (the one public entry point; see indicators/__init__.py)
# ---------------------------------------------------------------------------------------------------------

SCORED_GEOS = ("NO", "SE", "DK", "FI")
_PANDAS_TYPES = {"VARCHAR": "string", "INTEGER": "Int32", "DOUBLE": "float64", "BOOLEAN": "boolean"}


def _typed(name: str, records: list[dict[str, Any]]) -> pd.DataFrame:
    """A frame with exactly the columns of warehouse table ``name`` (etl.schema), typed to its DuckDB types."""
    from etl.schema import TABLES

    columns = TABLES[name]
    frame = pd.DataFrame(records, columns=[c.name for c in columns])
    return frame.astype({c.name: _PANDAS_TYPES[c.type] for c in columns})


def _rule(t: TrendResult) -> str:
    if t.status == TARGET_ACHIEVED:
        return "target_achieved"
    if t.method == "target":
        return "cagr_vs_target"
    if t.method == "no_target":
        return "cagr_no_target"
    return f"insufficient_data: {t.warnings[-1] if t.warnings else 'no growth rate'}"


def _score_table_record(s: IndicatorScore) -> dict[str, Any]:
    t = s.trend
    th = t.thresholds or {}
    change = None if t.base_value is None or t.latest_value is None else t.latest_value - t.base_value
    return {
        "geo": s.geo, "indicator_id": s.indicator_id, "goal_id": s.goal_id,
        "base_period": t.base_period, "base_year": t.base_year, "base_value": t.base_value,
        "latest_period": t.latest_period, "latest_year": t.latest_year, "latest_value": t.latest_value,
        "change": change, "status": t.status, "rule": _rule(t), "cagr": t.cagr, "required_cagr": t.required_cagr,
        "progress_value": t.progress_value, "threshold_high": th.get("high"), "threshold_med": th.get("med"),
        "threshold_low": th.get("low"), "limit_value": t.limit_value, "limit_factor": t.limit_factor,
        "target_value": t.target_value, "target_year": t.target_year, "target_kind": s.target_kind,
        "development_score": s.development_score, "level_score": s.level_score, "level_basis": s.level_basis,
        "n_peers": len(s.peers), "n_peers_matched": s.n_peers_matched, "score": s.score, "weight": s.weight,
        "warnings": "; ".join(t.warnings) or None,
    }


def score_tables(observations: pd.DataFrame, catalog: Any, *,
                 previous_observations: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """Every score table the warehouse holds, with the columns and types of ``etl.schema``."""
    indicators = normalise_indicators(catalog.indicators)
    goal_ids = [str(g) for g in catalog.goals["goal_id"]]
    obs = usable_observations(observations)
    index = _index(obs)
    last = int(obs["year"].max()) if not obs.empty else BASE_YEAR
    history_years = range(BASE_YEAR, max(last, BASE_YEAR) + 1)

    ind_rows, peer_rows, goal_rows, history_rows, mover_rows = [], [], [], [], []
    scores_by_geo: dict[str, list[IndicatorScore]] = {}
    for geo in SCORED_GEOS:
        scores = _score_all(index, indicators, geo, None)
        scores_by_geo[geo] = scores
        for s in scores:
            ind_rows.append(_score_table_record(s))
            for p in s.peers if s.level_basis == "peers" else []:
                peer_rows.append({"geo": geo, "indicator_id": s.indicator_id, "peer_geo": p["geo"],
                                  "peer_period": p["period"], "peer_year": p["year"], "peer_value": p["value"],
                                  "own_at_least_as_good": p["own_at_least_as_good"]})
        for g in goal_ids:
            members = [s for s in scores if s.goal_id == g]
            gs = goal_score_from_indicators(g, geo, None, members)
            goal_rows.append({"geo": geo, "goal_id": g, "score": gs.score, "score_unrounded": gs.score_unrounded,
                              "label": gs.label, "n_indicators": gs.n_indicators, "n_excluded": gs.n_excluded,
                              "total_weight": gs.total_weight})
            mover_rows += _movers(geo, g, gs.score_unrounded, members)
        for year in history_years:
            for gs in _score_goals_prepared(index, indicators, geo, year, goal_ids):
                history_rows.append({"geo": geo, "as_of": year, "goal_id": gs.goal_id, "score": gs.score,
                                     "score_unrounded": gs.score_unrounded, "label": gs.label,
                                     "n_indicators": gs.n_indicators, "n_excluded": gs.n_excluded,
                                     "total_weight": gs.total_weight})

    change_rows = []
    if previous_observations is not None:
        before_index = _index(usable_observations(previous_observations))
        for geo in SCORED_GEOS:
            for old, new in zip(_score_all(before_index, indicators, geo, None), scores_by_geo[geo]):
                if old.trend.status != new.trend.status or not _same_score(old.score, new.score):
                    change_rows.append({"geo": geo, "indicator_id": new.indicator_id,
                                        "old_status": old.trend.status, "new_status": new.trend.status,
                                        "old_score": old.score, "new_score": new.score})

    return {
        "indicator_scores": _typed("indicator_scores", ind_rows),
        "indicator_score_peers": _typed("indicator_score_peers", peer_rows),
        "goal_scores": _typed("goal_scores", goal_rows),
        "goal_score_history": _typed("goal_score_history", history_rows),
        "movers": _typed("movers", mover_rows),
        "status_changes": _typed("status_changes", change_rows),
    }


def _same_score(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= EPS


def _movers(geo: str, goal_id: str, goal_score: float | None, members: list[IndicatorScore],
            top: int = 3) -> list[dict[str, Any]]:
    """The indicators that move the goal score most: pull = weight × (indicator score − goal score)."""
    if goal_score is None:
        return []
    pulls = [(s.indicator_id, s.weight * (s.score - goal_score)) for s in members
             if s.score is not None and s.weight > 0]
    pulls = [(i, p) for i, p in pulls if abs(p) > EPS]
    pulls.sort(key=lambda ip: (-abs(ip[1]), ip[0]))
    return [{"geo": geo, "goal_id": goal_id, "rank": rank, "indicator_id": i, "pull": p,
             "direction": "up" if p > 0 else "down"} for rank, (i, p) in enumerate(pulls[:top], start=1)]
