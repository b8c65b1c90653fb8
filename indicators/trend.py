"""The trend method: Statistics Canada's progress measure as implemented by Open SDG.

Pure functions, no I/O: the base-period rule, the compound annual growth rate (CAGR), the threshold reduction near
a natural limit, the status from a progress value and the status of one series. The parameters come from
``indicators/method.toml`` (``indicators.method.METHOD``); the rules are explained in ``docs/method.md``.
Reference: ``open-sdg/sdg-build``, ``sdg/ProgressMeasure.py``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import pandas as pd

from indicators.method import METHOD

TARGET_ACHIEVED = "target_achieved"
SUBSTANTIAL = "substantial_progress"
MODERATE = "moderate_progress"
LIMITED = "limited_progress"
DETERIORATION = "deterioration"
INSUFFICIENT = "insufficient_data"
STABLE = "stable"
EU_REFERENCE_REACHED = "eu_reference_reached"  # set by indicators.scoring for targets of kind eu_reference
LEVEL_ONLY = "level_only"  # set by indicators.scoring: no comparable trend, but a level score (the score is the level)

# The rule that decided a status (TrendResult.rule; insufficient data carries its reason after a colon).
RULE_TARGET_ACHIEVED = "target_achieved"
RULE_WITH_TARGET = "cagr_vs_target"
RULE_WITHOUT_TARGET = "cagr_no_target"
RULE_STABLE = "within_stable_band"
REASON_NO_OBSERVATIONS = "no observations"
REASON_NO_BASE = "no base year"
REASON_ONE_YEAR = "one year only"
REASON_SIGN_CHANGE = "sign change"

Point = tuple  # (year: int, period: str, value: float), one per year, sorted by year


@dataclass
class TrendResult:
    """Inputs and result of the trend calculation for one series."""

    status: str = INSUFFICIENT
    rule: str = f"{INSUFFICIENT}: {REASON_NO_OBSERVATIONS}"
    direction: str = "higher"
    n_points: int = 0
    base_year: int | None = None  # set only when a later year exists to measure the change to
    base_period: str | None = None
    base_value: float | None = None
    latest_year: int | None = None
    latest_period: str | None = None
    latest_value: float | None = None
    target_value: float | None = None
    target_year: int | None = None
    limit_value: float | None = None
    limit_factor: float | None = None  # c = 1 - (base/limit)^exponent, None when no limit applies
    sign: int | None = None  # -1 when the base value is negative (Open SDG)
    cagr: float | None = None  # observed compound annual growth rate, base -> latest
    required_cagr: float | None = None  # base -> target, with a target only
    progress_value: float | None = None  # the number compared with the thresholds
    thresholds: dict[str, float] | None = None  # after the limit reduction
    stable_band: float | None = None  # |latest - base| at or below this is stable
    warnings: list[str] = field(default_factory=list)

    @property
    def change(self) -> float | None:
        """latest − base, in the indicator's unit, when a base exists."""
        if self.base_value is None or self.latest_value is None:
            return None
        return self.latest_value - self.base_value


def _is_missing(x: Any) -> bool:
    if x is None:
        return True
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def _float_or_none(x: Any) -> float | None:
    return None if _is_missing(x) else float(x)


def year_of_period(period: Any) -> int | None:
    """First year of a period string: '2030' -> 2030, '2021-2022' -> 2021, '2018-04' -> 2018."""
    if _is_missing(period) or not str(period).strip():
        return None
    try:
        return int(str(period).strip()[:4])
    except ValueError:
        return None


def at_least(value: float, threshold: float) -> bool:
    """value ≥ threshold, counting values within the tolerance below the threshold as at it."""
    return value >= threshold - METHOD.tolerance


def better_or_equal(a: float, b: float, direction: str) -> bool:
    """Is value ``a`` at least as good as ``b`` for the direction ('higher' or 'lower' is better)?"""
    return a >= b if direction == "higher" else a <= b


def _direction_factor(direction: str) -> int:
    if direction not in ("higher", "lower"):
        raise ValueError(f"direction must be 'higher' or 'lower', got {direction!r}")
    return 1 if direction == "higher" else -1


def cagr(latest: float, base: float, latest_year: int, base_year: int) -> float:
    """Compound annual growth rate (latest/base)^(1/(latest_year - base_year)) - 1."""
    return (latest / base) ** (1.0 / (latest_year - base_year)) - 1.0


def status_from_value(value: float, thresholds: Mapping[str, float]) -> str:
    """v ≥ high substantial, med ≤ v < high moderate, low ≤ v < med limited, v < low deterioration
    (boundaries inclusive up to the tolerance)."""
    if at_least(value, thresholds["high"]):
        return SUBSTANTIAL
    if at_least(value, thresholds["med"]):
        return MODERATE
    if at_least(value, thresholds["low"]):
        return LIMITED
    return DETERIORATION


def limit_factor(base_value: float, limit_value: float) -> float:
    """Statistics Canada's reduction c = 1 - (base/limit)^exponent for 0 ≤ base ≤ limit.

    A base at or beyond the limit gives c = 0 (keeping the limit counts as substantial progress);
    a base ≤ 0 gives c = 1. Only used for higher-is-better series (see docs/method.md).
    """
    if limit_value <= 0 or base_value <= 0:
        return 1.0
    ratio = min(base_value / limit_value, 1.0)
    return 1.0 - ratio**METHOD.limit_exponent


def select_base_year(years: Iterable[int]) -> int | None:
    """The one base-year rule: the base year if present; else the earlier years in order of preference;
    else the earliest year after the base year; else None."""
    available = {int(y) for y in years}
    for year in (METHOD.base_year, *METHOD.earlier_base_years):
        if year in available:
            return year
    later = [y for y in available if y > METHOD.base_year]
    return min(later) if later else None


def as_points(points: Any) -> list[Point]:
    """Sorted (year, period, value) tuples, one per year (the last period in sort order wins).

    Accepts a DataFrame with ``year``, ``value`` (optionally ``period``), a ``{year: value}`` mapping or a list of
    (year, period, value) tuples.
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


def comparable_segment(points: Any, break_years: Iterable[int] = (), comparable_from: int | None = None) -> list[Point]:
    """The points a trend may use: from ``comparable_from`` on (the catalogue's comparable-from year), and from the
    latest break on (an observation flagged break_in_series starts a new segment; earlier points are not
    comparable with it). Pure; ``points`` as for ``as_points``."""
    pts = as_points(points)
    start = comparable_from
    breaks = [y for y in break_years if any(pt[0] == y for pt in pts)]
    if breaks:
        start = max(breaks) if start is None else max(start, max(breaks))
    return pts if start is None else [pt for pt in pts if pt[0] >= start]


def trend_status(
    points: Any,
    direction: str = "higher",
    target_value: float | None = None,
    target_year: int | str | None = None,
    limit_value: float | None = None,
    as_of: int | None = None,
    stable_band: float | None = None,
) -> TrendResult:
    """Trend status of one series (see ``as_points`` for ``points``); only years ≤ ``as_of`` when given.
    ``stable_band``: a change |latest − base| at or below it is ``stable`` (a reached target still overrides)."""
    factor = _direction_factor(direction)
    target_value = _float_or_none(target_value)
    limit_value = _float_or_none(limit_value)
    res = TrendResult(direction=direction, target_value=target_value, limit_value=limit_value,
                      stable_band=_float_or_none(stable_band))
    if target_value is not None:
        res.target_year = year_of_period(target_year)
        if res.target_year is None:
            res.target_year = METHOD.default_target_year
            res.warnings.append(f"target has no year; using {METHOD.default_target_year} (Open SDG default)")

    pts = as_points(points)
    if as_of is not None:
        pts = [pt for pt in pts if pt[0] <= int(as_of)]
    res.n_points = len(pts)
    if not pts:
        res.warnings.append("no observations")
        return res

    res.latest_year, res.latest_period, res.latest_value = pts[-1]

    # A reached target overrides everything, even a single data point.
    if target_value is not None and better_or_equal(res.latest_value, target_value, direction):
        res.status, res.rule = TARGET_ACHIEVED, RULE_TARGET_ACHIEVED

    def insufficient(reason: str, detail: str) -> TrendResult:
        res.warnings.append(detail)
        if res.status == INSUFFICIENT:
            res.rule = f"{INSUFFICIENT}: {reason}"
        return res

    base_year = select_base_year(pt[0] for pt in pts)
    if base_year is None:
        first = min((METHOD.base_year, *METHOD.earlier_base_years))
        return insufficient(REASON_NO_BASE, f"no base year: only data before {first}")
    if res.latest_year <= base_year:
        return insufficient(REASON_ONE_YEAR, f"only one year from the base year {base_year} on: no change to measure")
    res.base_year, res.base_period, res.base_value = next(pt for pt in pts if pt[0] == base_year)

    base_value = res.base_value
    if base_value == 0:
        res.warnings.append(f"base value is zero; using {METHOD.zero_replacement} instead (as Open SDG)")
        base_value = METHOD.zero_replacement
    if (base_value > 0 and res.latest_value < 0) or (base_value < 0 and res.latest_value > 0):
        return insufficient(REASON_SIGN_CHANGE, "base and latest values have different signs: no growth rate")

    res.sign = -1 if base_value < 0 else 1
    res.cagr = cagr(res.latest_value, base_value, res.latest_year, res.base_year)
    required = _required_cagr(res, base_value)
    if required is not None:
        rule = RULE_WITH_TARGET
        res.required_cagr = required
        res.thresholds = dict(METHOD.thresholds_with_target)
        res.progress_value = res.sign * factor * res.cagr / abs(required)
    else:
        rule = RULE_WITHOUT_TARGET
        res.thresholds = _thresholds_without_target(res, base_value)
        res.progress_value = res.sign * factor * res.cagr

    if res.status != TARGET_ACHIEVED:
        if res.stable_band is not None and abs(res.latest_value - res.base_value) <= res.stable_band + METHOD.tolerance:
            res.status, res.rule = STABLE, RULE_STABLE
        else:
            res.status, res.rule = status_from_value(res.progress_value, res.thresholds), rule
    return res


def _required_cagr(res: TrendResult, base_value: float) -> float | None:
    """Required CAGR from base to target, or None to score without the target (with a warning)."""
    if res.target_value is None:
        return None
    target = res.target_value
    if target == 0:
        res.warnings.append(f"target is zero; using {METHOD.zero_replacement} for the required growth (as Open SDG)")
        target = METHOD.zero_replacement
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
    """Thresholds without a target, reduced by c near the natural limit for higher-is-better series."""
    thresholds = dict(METHOD.thresholds_without_target)
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
