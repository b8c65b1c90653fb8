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
from typing import Any, Iterable, Mapping

import pandas as pd

from etl.schema import TABLES, round_half_up
from indicators.method import METHOD
from indicators.trend import (  # noqa: F401  (status names re-exported for readers of the tables)
    DETERIORATION,
    EU_REFERENCE_REACHED,
    INSUFFICIENT,
    LEVEL_ONLY,
    LIMITED,
    MODERATE,
    STABLE,
    SUBSTANTIAL,
    TARGET_ACHIEVED,
    Point,
    TrendResult,
    better_or_equal,
    comparable_segment,
    trend_status,
    year_of_period,
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
    """The development score of a trend status (method.toml [development_scores]); None for insufficient data
    and for level only."""
    return METHOD.development_scores.get(status)


def status_with_level(status: str, rule: str, level: float | None) -> tuple[str, str]:
    """A series without a comparable trend (insufficient data) that still has a level score is ``level_only``: its
    score is the level alone, and its status says so (never "insufficient data" beside a score that counts). The
    rule keeps the trend's reason: 'level_only: one year only'."""
    if status == INSUFFICIENT and level is not None:
        return LEVEL_ONLY, LEVEL_ONLY + rule[len(INSUFFICIENT):]
    return status, rule


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


def level_score_vs_scale(own_value: float, direction: str, unit_kind: str | None, limit_value: float | None,
                         rank_of: int | None) -> float | None:
    """The level of an indicator no peer measured in the same period and without a target: its place on its own
    scale. Shares, scores and indices (0 to the unit's limit): 1 + 2 × value / limit (lower is better: 1 + 2 ×
    (1 − value / limit)); ranks among ``rank_of`` countries: 1 + 2 × (rank_of − rank) / (rank_of − 1). None for
    counts and for units without a limit (no scale to place them on)."""
    if unit_kind == "rank":
        if rank_of is None or rank_of < 2:
            return None
        share = (rank_of - own_value) / (rank_of - 1)
    elif unit_kind in ("percent", "score", "index") and limit_value is not None and limit_value > 0:
        share = own_value / limit_value
        share = share if direction == "higher" else 1.0 - share
    else:
        return None
    return 1.0 + 2.0 * min(1.0, max(0.0, share))


def stable_band(source_dataset: str | None, unit_kind: str | None, limit_value: float | None) -> float | None:
    """The band within which a change is stable (method.toml [stability]): the unit's (a share of its limit; ranks;
    counts), and for a share from any dataset of a sample survey the larger of that and the survey's sampling error
    ([stability.surveys], one band per survey for all its datasets); None when neither applies."""
    unit = None
    if unit_kind == "rank":
        unit = METHOD.stability_rank_places
    elif unit_kind == "count":
        unit = METHOD.stability_count
    elif unit_kind in ("percent", "score", "index") and limit_value is not None:
        unit = METHOD.stability_limit_share * limit_value
    survey = METHOD.stability_datasets.get(source_dataset) if unit_kind == "percent" else None
    return unit if survey is None else max(survey, unit or 0.0)


def not_counted_reason(indicator_id: str, same_as: str | None, composites: set[str]) -> str | None:
    """Each measurement counts once: a copy (same_as) is shown, not counted; a composite whose parts are in the
    catalogue is shown, its parts are counted. None when the indicator counts."""
    if same_as:
        return f"same_as {same_as}"
    if indicator_id in composites:
        return "composite: its parts are counted"
    return None


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
    return float(round_half_up(float(score), METHOD.score_decimals))


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
    counted_reason: str | None = None  # None: counted in the goal; else why it is shown but not counted
    unit_kind: str | None = None
    comparable_from_period: str | None = None  # set when earlier values were left out of the trend
    base_flags: str | None = None
    latest_flags: str | None = None
    latest_published: int | None = None


# (year, period, value, published-by year, flags) of one usable observation
Obs = tuple


def _period_end_year(period: str) -> int:
    """Last year of a period: '2021-2022' → 2022, '2018-04' → 2018, '2019' → 2019."""
    text = str(period)
    if len(text) == 9 and text[4] == "-":
        return int(text[5:9])
    return int(text[:4])


def published_year(published: Any, period: str, lag_years: int | None) -> int:
    """The year an observation was published by (the one dating rule): the row's ``published`` date where it has
    one, else the end of its period plus its dataset's publication lag (catalogue [[datasets]])."""
    text = "" if published is None or (not isinstance(published, str) and pd.isna(published)) else str(published)
    if len(text) >= 4 and text[:4].isdigit():
        return int(text[:4])
    return _period_end_year(period) + int(lag_years or 0)


def _usable_observations(observations: pd.DataFrame, lags: Mapping[str, int] | None = None) -> pd.DataFrame:
    """Preferred rows of the total (breakdown '') with an exact value (no non-exact flag), one per (indicator,
    geo, year): the last period; with the year each was published by."""
    obs = observations.reset_index(drop=True)
    breakdown = obs["breakdown"].fillna("").astype(str) if "breakdown" in obs else ""
    preferred = obs["is_preferred"].fillna(False).astype(bool) if "is_preferred" in obs else True
    flags = obs["flags"].fillna("").astype(str) if "flags" in obs else pd.Series("", index=obs.index)
    exact = ~flags.map(lambda f: bool(set(f.split(";")) & set(METHOD.non_exact_flags))).astype(bool)  # bool when empty too
    obs = obs[(breakdown == "") & preferred & obs["value"].notna() & exact]
    published = obs["published"] if "published" in obs else pd.Series(None, index=obs.index, dtype=object)
    lags = lags or {}
    obs = obs.assign(year=obs["year"].astype(int), value=obs["value"].astype(float), period=obs["period"].astype(str),
                     flags=flags.loc[obs.index])
    obs = obs.assign(published_year=[published_year(p, per, lags.get(str(i)))
                                     for p, per, i in zip(published.loc[obs.index], obs["period"], obs["indicator_id"])])
    obs = obs.sort_values(["indicator_id", "geo", "year", "period"], kind="stable")
    return obs.drop_duplicates(["indicator_id", "geo", "year"], keep="last")[
        ["indicator_id", "geo", "period", "year", "value", "published_year", "flags"]
    ].reset_index(drop=True)


def _index(obs: pd.DataFrame) -> dict[tuple[str, str], list[Obs]]:
    """{(indicator_id, geo): sorted (year, period, value, published-by year, flags)} from usable observations."""
    index: dict[tuple[str, str], list[Obs]] = {}
    for ind, geo, period, year, value, pub, flags in zip(obs["indicator_id"], obs["geo"], obs["period"], obs["year"],
                                                         obs["value"], obs["published_year"], obs["flags"]):
        index.setdefault((str(ind), str(geo)), []).append((int(year), str(period), float(value), int(pub), str(flags)))
    return {k: sorted(v) for k, v in index.items()}


def _series(index: Mapping[tuple[str, str], list[Obs]], indicator_id: str, geo: str,
            as_of: int | None) -> list[Obs]:
    """The observations of one series published by the end of ``as_of`` (all when None)."""
    pts = index.get((indicator_id, geo), [])
    return pts if as_of is None else [pt for pt in pts if pt[3] <= as_of]


def _has_flag(flags: str | None, wanted: Iterable[str]) -> bool:
    return bool(flags) and bool(set(str(flags).split(";")) & set(wanted))


def _indicator_rows(indicators: pd.DataFrame, units: pd.DataFrame | None = None) -> list[dict[str, Any]]:
    """Catalogue indicator rows with the optional fields filled (weight defaults to 1.0), the unit kind joined."""
    df = indicators.copy()
    for col in ("goal_id", "limit_value", "target_value", "target_period", "target_kind", "same_as", "part_of",
                "comparable_from", "rank_of", "publication_lag_years", "source_dataset", "unit_id"):
        if col not in df.columns:
            df[col] = None
    kinds = {} if units is None or units.empty else dict(zip(units["unit_id"], units["kind"]))
    df["unit_kind"] = df["unit_id"].map(lambda u: kinds.get(u))
    weight = pd.to_numeric(df["weight"], errors="coerce") if "weight" in df else pd.Series(float("nan"), df.index)
    df["weight"] = weight.fillna(1.0).astype(float)
    df = df.astype(object).where(df.notna(), None)
    return df.to_dict("records")


def _peer_point(pts: list[Obs], year: int) -> Obs | None:
    """The peer's value for the same period: the nearest year within the tolerance (the later on a tie)."""
    near = [pt for pt in pts if abs(pt[0] - year) <= METHOD.peer_year_tolerance]
    return min(near, key=lambda pt: (abs(pt[0] - year), -pt[0])) if near else None


def _score_indicator(index: Mapping[tuple[str, str], list[Obs]], row: Mapping[str, Any], geo: str,
                     as_of: int | None, composites: set[str] | None = None) -> _IndicatorScore:
    indicator_id = str(row["indicator_id"])
    direction = str(row["direction"])
    unit_kind = row.get("unit_kind")
    published = _series(index, indicator_id, geo, as_of)
    breaks = [pt[0] for pt in published if _has_flag(pt[4], ("break_in_series",))]
    segment = comparable_segment([pt[:3] for pt in published], breaks, year_of_period(row.get("comparable_from")))
    trend = trend_status(segment, direction=direction, target_value=row["target_value"],
                         target_year=row["target_period"], limit_value=row["limit_value"],
                         stable_band=stable_band(row.get("source_dataset"), unit_kind, row["limit_value"]))
    cut_from = None
    if published and len(segment) < len(published):
        cut_from = segment[0][1] if segment else None
        trend.warnings.append(
            f"trend from {cut_from} on: earlier values are not comparable (series break or comparable-from period)"
            if segment else "no value from the comparable period on: earlier values are not comparable")
    if trend.status == TARGET_ACHIEVED and row.get("target_kind") == "eu_reference":
        trend.status = trend.rule = EU_REFERENCE_REACHED  # an EU reference, not Norway's target
    dev = development_score(trend.status)
    level, basis, peers = None, None, []
    if trend.latest_value is not None:
        for peer in peers_of(geo):  # each peer's value for the same period (within the tolerance)
            pt = _peer_point(_series(index, indicator_id, peer, as_of), trend.latest_year)
            if pt is not None:
                year, period, value = pt[:3]
                peers.append({"geo": peer, "period": period, "year": year, "value": value,
                              "own_at_least_as_good": better_or_equal(trend.latest_value, value, direction)})
        if peers:
            level, basis = level_score_vs_peers(trend.latest_value, [p["value"] for p in peers], direction), "peers"
        elif trend.target_value is not None:
            level, basis = level_score_vs_target(trend.latest_value, trend.target_value, direction), "target"
        else:
            rank_of = row.get("rank_of")
            level = level_score_vs_scale(trend.latest_value, direction, unit_kind, row["limit_value"],
                                         None if rank_of is None or pd.isna(rank_of) else int(rank_of))
            basis = None if level is None else "scale"
    trend.status, trend.rule = status_with_level(trend.status, trend.rule, level)
    by_year = {pt[0]: pt for pt in published}
    base_pt = by_year.get(trend.base_year) if trend.base_year is not None else None
    latest_pt = by_year.get(trend.latest_year) if trend.latest_year is not None else None
    return _IndicatorScore(
        indicator_id=indicator_id, goal_id=None if row["goal_id"] is None else str(row["goal_id"]), geo=geo,
        trend=trend, development_score=dev, level_score=level, level_basis=basis, peers=peers,
        score=indicator_score_from_components(dev, level), weight=float(row["weight"]),
        target_kind=row["target_kind"],
        counted_reason=not_counted_reason(indicator_id, row.get("same_as"), composites or set()),
        unit_kind=unit_kind, comparable_from_period=cut_from,
        base_flags=(base_pt[4] or None) if base_pt else None, latest_flags=(latest_pt[4] or None) if latest_pt else None,
        latest_published=latest_pt[3] if latest_pt else None,
    )


def _composites(rows: list[dict[str, Any]]) -> set[str]:
    return {str(r["part_of"]) for r in rows if r.get("part_of")}


def _score_all(index: Mapping[tuple[str, str], list[Obs]], rows: list[dict[str, Any]], geo: str,
               as_of: int | None) -> list[_IndicatorScore]:
    composites = _composites(rows)
    return [_score_indicator(index, row, geo, as_of, composites) for row in rows]


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
        "counted": s.counted_reason is None, "not_counted_reason": s.counted_reason,
        "comparable_from_period": s.comparable_from_period, "stable_band": t.stable_band,
        "change_places_up": (int(round(-t.change)) if s.unit_kind == "rank" and t.change is not None else None),
        "base_flags": s.base_flags, "latest_flags": s.latest_flags, "latest_published_year": s.latest_published,
    }


# ---------------------------------------------------------------------------------------------------------
# Goal scores, history, movers, status changes
# ---------------------------------------------------------------------------------------------------------


def _used(members: list[_IndicatorScore]) -> list[_IndicatorScore]:
    """The indicators a goal score is the mean of: counted, with a score and a positive weight."""
    return [s for s in members if s.counted_reason is None and s.score is not None and s.weight > 0]


def _data_to_year(used: list[_IndicatorScore]) -> int | None:
    """The newest year the figures of a score measure: the last year of the latest period among ``used`` (an as-of
    year is when figures were published by; the data it rests on end earlier)."""
    years = [_period_end_year(s.trend.latest_period) for s in used if s.trend.latest_period is not None]
    return max(years) if years else None


def _weighted_mean(used: list[_IndicatorScore]) -> float | None:
    total_weight = sum(s.weight for s in used)
    exact = sum(s.score * s.weight for s in used) / total_weight if total_weight > 0 else None
    return None if exact is None else min(3.0, max(1.0, exact))  # float drift; a mean of [1, 3] is in [1, 3]


def _goal_record(geo: str, goal_id: str, members: list[_IndicatorScore]) -> dict[str, Any]:
    """Weighted mean of the counted indicator scores that exist (weight ≤ 0 or no score → excluded), rounded,
    labelled; indicators not counted (a copy or a composite of counted parts) are counted apart."""
    used = _used(members)
    n_not_counted = sum(s.counted_reason is not None for s in members)
    exact = _weighted_mean(used)
    rounded = round_score(exact)
    return {"geo": geo, "goal_id": goal_id, "score": rounded, "score_unrounded": exact,
            "label": label_for_score(rounded), "n_indicators": len(used),
            "n_excluded": len(members) - len(used) - n_not_counted, "total_weight": sum(s.weight for s in used),
            "n_not_counted": n_not_counted, "data_to_year": _data_to_year(used)}


def _confidence_record(geo: str, goal_id: str, members: list[_IndicatorScore], recent_from: int) -> dict[str, Any]:
    """How sure is this score: coverage, recency, the weight share of uncertain figures, leave-one-out."""
    used = _used(members)
    exact = _weighted_mean(used)
    label = label_for_score(round_score(exact))
    total = sum(s.weight for s in used)
    uncertain = [s for s in used if _has_flag(s.base_flags, METHOD.uncertain_flags)
                 or _has_flag(s.latest_flags, METHOD.uncertain_flags)]
    changers, loo_scores = [], []
    for s in used:
        rest = [o for o in used if o is not s]
        loo = round_score(_weighted_mean(rest))
        loo_scores.append(loo)
        if label_for_score(loo) != label:
            changers.append(s.indicator_id)
    known = [x for x in loo_scores if x is not None]
    return {"geo": geo, "goal_id": goal_id, "score": round_score(exact), "label": label,
            "n_indicators": len(used), "n_recent": sum(s.trend.latest_year is not None
                                                       and s.trend.latest_year >= recent_from for s in used),
            "recent_from_year": recent_from,
            "n_with_level": sum(s.level_score is not None for s in used),
            "n_uncertain": len(uncertain),
            "uncertain_share": (sum(s.weight for s in uncertain) / total) if total > 0 else None,
            "loo_label_changes": bool(changers) if used else None,
            "loo_indicators": ";".join(sorted(changers)) or None,
            "loo_score_min": min(known) if known else None, "loo_score_max": max(known) if known else None}


def _period_record(geo: str, goal_id: str, start: tuple[int, list[_IndicatorScore]] | None,
                   end: tuple[int, list[_IndicatorScore]] | None) -> dict[str, Any]:
    """The goal at the start and the end of the strategy period on the like-for-like set: the indicators counted
    with a score at both ends, each end scored on its own figures with the same weights."""
    record: dict[str, Any] = {"geo": geo, "goal_id": goal_id,
                              "start_as_of": start[0] if start else None, "end_as_of": end[0] if end else None}
    at_start = {s.indicator_id: s for s in _used(start[1])} if start else {}
    at_end = {s.indicator_id: s for s in _used(end[1])} if end else {}
    common = sorted(set(at_start) & set(at_end))
    start_score = round_score(_weighted_mean([at_start[i] for i in common]))
    end_score = round_score(_weighted_mean([at_end[i] for i in common]))
    change = None if start_score is None or end_score is None else round_score(end_score - start_score)
    return {**record, "n_start": len(at_start), "n_end": len(at_end), "n_common": len(common),
            "common_indicators": ";".join(common) or None,
            "start_score": start_score, "start_label": label_for_score(start_score),
            "end_score": end_score, "end_label": label_for_score(end_score), "change": change,
            "start_data_to_year": _data_to_year([at_start[i] for i in common]),
            "end_data_to_year": _data_to_year([at_end[i] for i in common])}


def _period_indicator_records(geo: str, goal_id: str, start: tuple[int, list[_IndicatorScore]] | None,
                              end: tuple[int, list[_IndicatorScore]] | None) -> list[dict[str, Any]]:
    """The like-for-like set of ``_period_record``, one row per indicator and end: the figures and the score
    components each end's goal score is the mean of."""
    if start is None or end is None:
        return []
    ends = {"start": start, "end": end}
    used = {name: {s.indicator_id: s for s in _used(members)} for name, (_, members) in ends.items()}
    common = sorted(set(used["start"]) & set(used["end"]))
    records = []
    for indicator_id in common:
        for name, (year, _) in ends.items():
            s = used[name][indicator_id]
            t = s.trend
            records.append({"geo": geo, "goal_id": goal_id, "indicator_id": indicator_id, "period_end": name,
                            "as_of": year, "base_period": t.base_period, "base_value": t.base_value,
                            "latest_period": t.latest_period, "latest_value": t.latest_value, "status": t.status,
                            "development_score": s.development_score, "level_score": s.level_score,
                            "level_basis": s.level_basis, "score": s.score, "weight": s.weight})
    return records


def _mover_records(goal: Mapping[str, Any], members: list[_IndicatorScore]) -> list[dict[str, Any]]:
    """pull = weight × (indicator score − exact goal score); the largest |pull| first (ties by indicator id)."""
    mean = goal["score_unrounded"]
    if mean is None:
        return []
    pulls = [(s.indicator_id, s.weight * (s.score - mean)) for s in _used(members)]
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
    # Column by column from lists: a frame of objects cast afterwards costs most of a small scoring run.
    return pd.DataFrame({c.name: pd.array([r.get(c.name) for r in records], dtype=_PANDAS_TYPES[c.type])
                         for c in TABLES[name]})


# ---------------------------------------------------------------------------------------------------------
# The public entry point
# ---------------------------------------------------------------------------------------------------------


def score_tables(observations: pd.DataFrame, catalog: Any, *,
                 previous_observations: pd.DataFrame | None = None,
                 as_of: int | None = None) -> dict[str, pd.DataFrame]:
    """Every score table of the warehouse, with the columns (in order) and types of ``etl.schema``.

    ``observations``: the warehouse observation columns (at least ``indicator_id, geo, breakdown, period, year,
    value, is_preferred``); only preferred totals are scored. ``catalog``: an ``indicators.catalog.Catalog``
    (its ``goals`` fix the goal rows and their order, its ``indicators`` the indicators, weights, limits and
    targets). ``previous_observations``: the figures of the previous build, for ``status_changes``.

    ``as_of``: score with only the figures published by the end of that year (the dating rule in
    docs/method.md); the history then ends at that year.

    Returns ``indicator_scores``, ``indicator_score_peers``, ``goal_scores``, ``goal_score_history`` (as-of years
    from the base year to the latest year a figure was published by), ``goal_period_scores`` (the strategy
    period's start and end on a like-for-like set of indicators), ``goal_period_indicators`` (that set's
    figures and score components at each end), ``movers``, ``goal_confidence`` and
    ``status_changes``, each for the scored geos (method.toml ``level.scored_geos``) in that order.
    """
    rows = _indicator_rows(catalog.indicators, getattr(catalog, "units", None))
    lags = {str(r["indicator_id"]): (None if r["publication_lag_years"] is None else int(r["publication_lag_years"]))
            for r in rows}
    goal_ids = [str(g) for g in catalog.goals["goal_id"]]
    obs = _usable_observations(observations, lags)
    index = _index(obs)
    last_published = int(obs["published_year"].max()) if not obs.empty else METHOD.base_year
    if as_of is not None:
        last_published = min(last_published, int(as_of))
    history_years = range(METHOD.base_year, max(last_published, METHOD.base_year) + 1)
    visible = obs if as_of is None else obs[obs["published_year"] <= int(as_of)]
    last_year = int(visible["year"].max()) if not visible.empty else METHOD.base_year
    recent_from = last_year - METHOD.recent_years + 1

    out: dict[str, list[dict[str, Any]]] = {name: [] for name in (
        "indicator_scores", "indicator_score_peers", "goal_scores", "goal_score_history", "goal_period_scores",
        "goal_period_indicators", "movers", "goal_confidence", "status_changes")}
    scored: dict[str, list[_IndicatorScore]] = {}
    for geo in METHOD.scored_geos:
        scores = scored[geo] = _score_all(index, rows, geo, as_of)
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
            out["goal_confidence"].append(_confidence_record(geo, goal_id, members, recent_from))
        by_year: dict[int, list[_IndicatorScore]] = {}
        for year in history_years:
            year_scores = by_year[year] = _score_all(index, rows, geo, year)
            for goal_id in goal_ids:
                goal = _goal_record(geo, goal_id, [s for s in year_scores if s.goal_id == goal_id])
                out["goal_score_history"].append({"as_of": year, **goal})
        for goal_id in goal_ids:
            members = {year: [s for s in year_scores if s.goal_id == goal_id] for year, year_scores in by_year.items()}
            scored_years = [year for year, m in members.items() if _used(m)]
            start = min(scored_years, default=None)
            end = max((y for y in scored_years if y <= METHOD.period_end), default=None)
            ends = ((start, members[start]) if start is not None else None,
                    (end, members[end]) if end is not None else None)
            out["goal_period_scores"].append(_period_record(geo, goal_id, *ends))
            out["goal_period_indicators"] += _period_indicator_records(geo, goal_id, *ends)

    if previous_observations is not None:
        before = _index(_usable_observations(previous_observations, lags))
        for geo in METHOD.scored_geos:
            for old, new in zip(_score_all(before, rows, geo, as_of), scored[geo]):
                if old.trend.status != new.trend.status or not _same_score(old.score, new.score):
                    out["status_changes"].append({"geo": geo, "indicator_id": new.indicator_id,
                                                  "old_status": old.trend.status, "new_status": new.trend.status,
                                                  "old_score": old.score, "new_score": new.score})
    return {name: _typed(name, records) for name, records in out.items()}
