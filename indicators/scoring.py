"""Indicator and goal scores on Digdir's 1.00–3.00 scale, as the warehouse's score tables.

The one public entry point is :func:`score_tables`: observations and the catalogue in, every score table out, with
the columns and DuckDB types of ``etl.schema``. Everything else here is a rule of the method (documented in
``docs/method.md``, parameters in ``indicators/method.toml``) or a private helper.

* Indicator score (1–3): the mean of a *development* score (from the trend status, ``indicators.trend``) and a
  *level* score (position against the peers, or against the target when no peer has data).
* Goal score: the weighted mean of its indicators' scores, rounded half up to two decimals and labelled
  ``god`` / ``middels`` / ``mindre god``; per as-of year for the history.
* Movers: the indicators that pull a goal score most; status changes: what changed against the previous figures.

These are the monitor's own reproducible reading of Digdir's scale, not Digdir's numbers.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Iterable, Mapping

import pandas as pd

from etl.schema import TABLES
from indicators.method import METHOD
from indicators.trend import (  # noqa: F401  (status names re-exported for readers of the tables)
    DETERIORATION,
    INSUFFICIENT,
    LIMITED,
    MODERATE,
    SUBSTANTIAL,
    TARGET_ACHIEVED,
    Point,
    TrendResult,
    better_or_equal,
    trend_status,
)

__all__ = ["score_tables"]

LABEL_GOOD = "god"
LABEL_MEDIUM = "middels"
LABEL_LESS_GOOD = "mindre god"

_PANDAS_TYPES = {"VARCHAR": "string", "INTEGER": "Int32", "DOUBLE": "float64", "BOOLEAN": "boolean"}


# ---------------------------------------------------------------------------------------------------------
# The rules (small pure functions)
# ---------------------------------------------------------------------------------------------------------


def development_score(status: str) -> float | None:
    """The development score of a trend status (method.toml [development_scores]); None for insufficient data."""
    return METHOD.development_scores.get(status)


def level_score_vs_peers(own_value: float, peer_values: Iterable[float], direction: str) -> float | None:
    """1 + 2 × (share of peers the own value is at least as good as); None without peers."""
    peers = [float(v) for v in peer_values if not pd.isna(v)]
    if not peers:
        return None
    matched = sum(better_or_equal(own_value, p, direction) for p in peers)
    return 1.0 + 2.0 * matched / len(peers)


def level_score_vs_target(own_value: float, target_value: float, direction: str) -> float:
    """3 when the target is reached, 2 when within the margin of it (relative to |target|), else 1."""
    if better_or_equal(own_value, target_value, direction):
        return 3.0
    shortfall = abs(target_value - own_value)
    if target_value != 0 and shortfall <= METHOD.target_level_margin * abs(target_value) + METHOD.tolerance:
        return 2.0
    return 1.0


def peers_of(geo: str) -> tuple[str, ...]:
    """The comparison geographies for ``geo``: the other peer geos."""
    return tuple(g for g in METHOD.peer_geos if g != geo)


def indicator_score_from_components(development: float | None, level: float | None) -> float | None:
    """Mean of the available components; None when neither is available."""
    parts = [x for x in (development, level) if x is not None]
    return sum(parts) / len(parts) if parts else None


def round_score(score: float | None) -> float | None:
    """The one rounding rule for goal scores: half up from the exact decimal (2.125 → 2.13)."""
    if score is None or pd.isna(score):
        return None
    step = Decimal(1).scaleb(-METHOD.score_decimals)
    return float(Decimal(repr(float(score))).quantize(step, rounding=ROUND_HALF_UP))


def label_for_score(score: float | None) -> str | None:
    """Digdir's labels on a rounded score: ≥ good-from god, ≤ less-good-until mindre god, else middels."""
    if score is None or pd.isna(score):
        return None
    if score >= METHOD.label_good_from - METHOD.tolerance:
        return LABEL_GOOD
    if score <= METHOD.label_less_good_until + METHOD.tolerance:
        return LABEL_LESS_GOOD
    return LABEL_MEDIUM


# ---------------------------------------------------------------------------------------------------------
# Indicator scores
# ---------------------------------------------------------------------------------------------------------


@dataclass
class _IndicatorScore:
    indicator_id: str
    goal_id: str | None
    geo: str
    trend: TrendResult
    development_score: float | None
    level_score: float | None
    level_basis: str | None  # "peers", "target" or None
    peers: list[dict[str, Any]]  # [{geo, period, year, value, own_at_least_as_good}] (level basis "peers")
    score: float | None
    weight: float
    target_kind: str | None


def _usable_observations(observations: pd.DataFrame) -> pd.DataFrame:
    """Preferred rows of the total (breakdown '') with a value, one per (indicator, geo, year): the last period."""
    obs = observations
    breakdown = obs["breakdown"].fillna("").astype(str) if "breakdown" in obs else ""
    preferred = obs["is_preferred"].fillna(False).astype(bool) if "is_preferred" in obs else True
    obs = obs[(breakdown == "") & preferred & obs["value"].notna()]
    obs = obs.assign(year=obs["year"].astype(int), value=obs["value"].astype(float), period=obs["period"].astype(str))
    obs = obs.sort_values(["indicator_id", "geo", "year", "period"], kind="stable")
    return obs.drop_duplicates(["indicator_id", "geo", "year"], keep="last")[
        ["indicator_id", "geo", "period", "year", "value"]
    ].reset_index(drop=True)


def _index(obs: pd.DataFrame) -> dict[tuple[str, str], list[Point]]:
    """{(indicator_id, geo): sorted points} from usable observations."""
    index: dict[tuple[str, str], list[Point]] = {}
    for ind, geo, period, year, value in zip(obs["indicator_id"], obs["geo"], obs["period"], obs["year"],
                                             obs["value"]):
        index.setdefault((str(ind), str(geo)), []).append((int(year), str(period), float(value)))
    return {k: sorted(v) for k, v in index.items()}


def _series(index: Mapping[tuple[str, str], list[Point]], indicator_id: str, geo: str,
            until: int | None) -> list[Point]:
    pts = index.get((indicator_id, geo), [])
    return pts if until is None else [pt for pt in pts if pt[0] <= until]


def _indicator_rows(indicators: pd.DataFrame) -> list[dict[str, Any]]:
    """Catalogue indicator rows with the optional fields filled (weight defaults to 1.0)."""
    df = indicators.copy()
    for col in ("goal_id", "limit_value", "target_value", "target_period", "target_kind"):
        if col not in df.columns:
            df[col] = None
    weight = pd.to_numeric(df["weight"], errors="coerce") if "weight" in df else pd.Series(float("nan"), df.index)
    df["weight"] = weight.fillna(1.0).astype(float)
    df = df.astype(object).where(df.notna(), None)
    return df.to_dict("records")


def _score_indicator(index: Mapping[tuple[str, str], list[Point]], row: Mapping[str, Any], geo: str,
                     as_of: int | None) -> _IndicatorScore:
    indicator_id = str(row["indicator_id"])
    direction = str(row["direction"])
    trend = trend_status(_series(index, indicator_id, geo, as_of), direction=direction,
                         target_value=row["target_value"], target_year=row["target_period"],
                         limit_value=row["limit_value"])
    dev = development_score(trend.status)
    level, basis, peers = None, None, []
    if trend.latest_value is not None:
        for peer in peers_of(geo):  # each peer's latest value with year ≤ the scored geo's latest year
            pts = _series(index, indicator_id, peer, trend.latest_year)
            if pts:
                year, period, value = pts[-1]
                peers.append({"geo": peer, "period": period, "year": year, "value": value,
                              "own_at_least_as_good": better_or_equal(trend.latest_value, value, direction)})
        if peers:
            level, basis = level_score_vs_peers(trend.latest_value, [p["value"] for p in peers], direction), "peers"
        elif trend.target_value is not None:
            level, basis = level_score_vs_target(trend.latest_value, trend.target_value, direction), "target"
    return _IndicatorScore(
        indicator_id=indicator_id, goal_id=None if row["goal_id"] is None else str(row["goal_id"]), geo=geo,
        trend=trend, development_score=dev, level_score=level, level_basis=basis, peers=peers,
        score=indicator_score_from_components(dev, level), weight=float(row["weight"]),
        target_kind=row["target_kind"],
    )


def _score_all(index: Mapping[tuple[str, str], list[Point]], rows: list[dict[str, Any]], geo: str,
               as_of: int | None) -> list[_IndicatorScore]:
    return [_score_indicator(index, row, geo, as_of) for row in rows]


def _indicator_record(s: _IndicatorScore) -> dict[str, Any]:
    t = s.trend
    th = t.thresholds or {}
    return {
        "geo": s.geo, "indicator_id": s.indicator_id, "goal_id": s.goal_id,
        "base_period": t.base_period, "base_year": t.base_year, "base_value": t.base_value,
        "latest_period": t.latest_period, "latest_year": t.latest_year, "latest_value": t.latest_value,
        "change": t.change, "status": t.status, "rule": t.rule, "cagr": t.cagr, "required_cagr": t.required_cagr,
        "progress_value": t.progress_value, "threshold_high": th.get("high"), "threshold_med": th.get("med"),
        "threshold_low": th.get("low"), "limit_value": t.limit_value, "limit_factor": t.limit_factor,
        "target_value": t.target_value, "target_year": t.target_year, "target_kind": s.target_kind,
        "development_score": s.development_score, "level_score": s.level_score, "level_basis": s.level_basis,
        "n_peers": len(s.peers), "n_peers_matched": sum(p["own_at_least_as_good"] for p in s.peers) if s.peers else None,
        "score": s.score, "weight": s.weight, "warnings": "; ".join(t.warnings) or None,
    }


# ---------------------------------------------------------------------------------------------------------
# Goal scores, history, movers, status changes
# ---------------------------------------------------------------------------------------------------------


def _goal_record(geo: str, goal_id: str, members: list[_IndicatorScore]) -> dict[str, Any]:
    """Weighted mean of the indicator scores that exist (weight ≤ 0 or no score → excluded), rounded, labelled."""
    used = [s for s in members if s.score is not None and s.weight > 0]
    total_weight = sum(s.weight for s in used)
    exact = sum(s.score * s.weight for s in used) / total_weight if total_weight > 0 else None
    exact = None if exact is None else min(3.0, max(1.0, exact))  # float drift; a mean of [1, 3] is in [1, 3]
    rounded = round_score(exact)
    return {"geo": geo, "goal_id": goal_id, "score": rounded, "score_unrounded": exact,
            "label": label_for_score(rounded), "n_indicators": len(used), "n_excluded": len(members) - len(used),
            "total_weight": total_weight}


def _mover_records(goal: Mapping[str, Any], members: list[_IndicatorScore]) -> list[dict[str, Any]]:
    """pull = weight × (indicator score − exact goal score); the largest |pull| first (ties by indicator id)."""
    mean = goal["score_unrounded"]
    if mean is None:
        return []
    pulls = [(s.indicator_id, s.weight * (s.score - mean)) for s in members if s.score is not None and s.weight > 0]
    pulls = sorted(((i, p) for i, p in pulls if abs(p) > METHOD.tolerance), key=lambda ip: (-abs(ip[1]), ip[0]))
    return [{"geo": goal["geo"], "goal_id": goal["goal_id"], "rank": rank, "indicator_id": i, "pull": p,
             "direction": "up" if p > 0 else "down"}
            for rank, (i, p) in enumerate(pulls[:METHOD.movers], start=1)]


def _same_score(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= METHOD.tolerance


def _typed(name: str, records: list[dict[str, Any]]) -> pd.DataFrame:
    """A frame with exactly the columns of warehouse table ``name`` (etl.schema), typed to its DuckDB types."""
    columns = TABLES[name]
    frame = pd.DataFrame(records, columns=[c.name for c in columns])
    return frame.astype({c.name: _PANDAS_TYPES[c.type] for c in columns})


# ---------------------------------------------------------------------------------------------------------
# The public entry point
# ---------------------------------------------------------------------------------------------------------


def score_tables(observations: pd.DataFrame, catalog: Any, *,
                 previous_observations: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """Every score table of the warehouse, with the columns (in order) and types of ``etl.schema``.

    ``observations``: the warehouse observation columns (at least ``indicator_id, geo, breakdown, period, year,
    value, is_preferred``); only preferred totals are scored. ``catalog``: an ``indicators.catalog.Catalog``
    (its ``goals`` fix the goal rows and their order, its ``indicators`` the indicators, weights, limits and
    targets). ``previous_observations``: the figures of the previous build, for ``status_changes``.

    Returns ``indicator_scores``, ``indicator_score_peers``, ``goal_scores``, ``goal_score_history`` (as-of years
    from the base year to the latest observation year), ``movers`` and ``status_changes``, each for the scored geos
    (method.toml ``level.scored_geos``) in that order.
    """
    rows = _indicator_rows(catalog.indicators)
    goal_ids = [str(g) for g in catalog.goals["goal_id"]]
    obs = _usable_observations(observations)
    index = _index(obs)
    last_year = int(obs["year"].max()) if not obs.empty else METHOD.base_year
    history_years = range(METHOD.base_year, max(last_year, METHOD.base_year) + 1)

    out: dict[str, list[dict[str, Any]]] = {name: [] for name in (
        "indicator_scores", "indicator_score_peers", "goal_scores", "goal_score_history", "movers", "status_changes")}
    scored: dict[str, list[_IndicatorScore]] = {}
    for geo in METHOD.scored_geos:
        scores = scored[geo] = _score_all(index, rows, geo, None)
        for s in scores:
            out["indicator_scores"].append(_indicator_record(s))
            out["indicator_score_peers"] += [
                {"geo": geo, "indicator_id": s.indicator_id, "peer_geo": p["geo"], "peer_period": p["period"],
                 "peer_year": p["year"], "peer_value": p["value"], "own_at_least_as_good": p["own_at_least_as_good"]}
                for p in s.peers]
        for goal_id in goal_ids:
            members = [s for s in scores if s.goal_id == goal_id]
            goal = _goal_record(geo, goal_id, members)
            out["goal_scores"].append(goal)
            out["movers"] += _mover_records(goal, members)
        for year in history_years:
            year_scores = _score_all(index, rows, geo, year)
            for goal_id in goal_ids:
                goal = _goal_record(geo, goal_id, [s for s in year_scores if s.goal_id == goal_id])
                out["goal_score_history"].append({"as_of": year, **goal})

    if previous_observations is not None:
        before = _index(_usable_observations(previous_observations))
        for geo in METHOD.scored_geos:
            for old, new in zip(_score_all(before, rows, geo, None), scored[geo]):
                if old.trend.status != new.trend.status or not _same_score(old.score, new.score):
                    out["status_changes"].append({"geo": geo, "indicator_id": new.indicator_id,
                                                  "old_status": old.trend.status, "new_status": new.trend.status,
                                                  "old_score": old.score, "new_score": new.score})
    return {name: _typed(name, records) for name, records in out.items()}
