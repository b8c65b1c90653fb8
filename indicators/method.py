"""The scoring method's parameters, read once from ``indicators/method.toml`` and validated.

``METHOD`` is the one set of parameters the trend and scoring modules use. A wrong or missing value fails on
import with a ``MethodError`` naming the file, the key and the problem.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from etl.errors import MonitorError
from etl.inputs import read_toml

METHOD_PATH = Path(__file__).resolve().parent / "method.toml"

STATUSES_SCORED = ("target_achieved", "eu_reference_reached", "substantial_progress", "moderate_progress",
                   "stable", "limited_progress", "deterioration")
_KEYS = {
    "base": {"year", "earlier_years", "period_end"},
    "trend": {"default_target_year", "limit_exponent", "zero_replacement", "tolerance",
              "thresholds_with_target", "thresholds_without_target"},
    "development_scores": set(STATUSES_SCORED),
    "level": {"target_margin", "peer_geos", "scored_geos", "peer_year_tolerance", "non_exact_flags"},
    "stability": {"limit_share", "rank_places", "count", "survey_z", "surveys"},
    "confidence": {"recent_years", "uncertain_flags"},
    "goal": {"score_decimals", "label_good_from", "label_less_good_until", "movers"},
}
_THRESHOLD_KEYS = {"high", "med", "low"}


class MethodError(MonitorError, ValueError):
    """indicators/method.toml is missing a parameter or holds a value the method cannot use."""


@dataclass(frozen=True)
class Method:
    base_year: int
    period_end: int
    earlier_base_years: tuple[int, ...]
    default_target_year: int
    limit_exponent: float
    zero_replacement: float
    tolerance: float
    thresholds_with_target: Mapping[str, float]
    thresholds_without_target: Mapping[str, float]
    development_scores: Mapping[str, float]
    target_level_margin: float
    peer_geos: tuple[str, ...]
    scored_geos: tuple[str, ...]
    score_decimals: int
    label_good_from: float
    label_less_good_until: float
    movers: int
    peer_year_tolerance: int
    non_exact_flags: tuple[str, ...]
    stability_limit_share: float
    stability_rank_places: float
    stability_count: float
    stability_survey_z: float
    stability_surveys: Mapping[str, Mapping[str, Any]]  # survey → {datasets, respondents, band}
    stability_datasets: Mapping[str, float]  # every dataset of a survey → the survey's band
    recent_years: int
    uncertain_flags: tuple[str, ...]


def survey_band(z: float, respondents: int) -> float:
    """A sample survey's stability band for a share: the 95 % margin of error at p = 0.5, 100 × z × √(0.25 / n)
    percentage points, rounded to one decimal (250 respondents: 6.2)."""
    return round(100 * z * math.sqrt(0.25 / respondents), 1)


def load_method(path: Path | str = METHOD_PATH) -> Method:
    path = Path(path)
    return parse_method(read_toml(path, error=MethodError), source=str(path))


def parse_method(raw: Mapping[str, Any], source: str = "method") -> Method:
    def fail(key: str, problem: str) -> None:
        raise MethodError(f"{source}: {key} {problem}")

    for section, keys in _KEYS.items():
        table = raw.get(section)
        if not isinstance(table, Mapping):
            fail(f"[{section}]", "is missing")
        missing, unknown = keys - set(table), set(table) - keys
        if missing:
            fail(f"[{section}]", f"lacks {', '.join(sorted(missing))}")
        if unknown:
            fail(f"[{section}]", f"has unknown keys {', '.join(sorted(unknown))}")
    if set(raw) - set(_KEYS):
        fail("file", f"has unknown sections {', '.join(sorted(set(raw) - set(_KEYS)))}")

    def number(section: str, key: str, table: Mapping[str, Any] | None = None, *, low: float | None = None,
               high: float | None = None, strict_low: bool = False) -> float:
        value = (table if table is not None else raw[section])[key]
        name = f"{section}.{key}"
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            fail(name, f"must be a finite number, got {value!r}")
        if low is not None and (value <= low if strict_low else value < low):
            fail(name, f"must be {'>' if strict_low else '≥'} {low}, got {value!r}")
        if high is not None and value > high:
            fail(name, f"must be ≤ {high}, got {value!r}")
        return float(value)

    def flag_list(section: str, key: str) -> tuple[str, ...]:
        from etl.schema import FLAGS

        value = raw[section][key]
        if not isinstance(value, list) or not all(isinstance(f, str) and f in FLAGS for f in value):
            fail(f"{section}.{key}", f"must be a list of flags among {', '.join(FLAGS)}, got {value!r}")
        return tuple(value)

    def integer(section: str, key: str, *, low: int) -> int:
        value = raw[section][key]
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            fail(f"{section}.{key}", f"must be an integer ≥ {low}, got {value!r}")
        return value

    def thresholds(key: str) -> Mapping[str, float]:
        table = raw["trend"][key]
        name = f"trend.{key}"
        if not isinstance(table, Mapping) or set(table) != _THRESHOLD_KEYS:
            fail(name, "must have exactly high, med and low")
        values = {k: number(name, k, table) for k in ("high", "med", "low")}
        if not values["high"] > values["med"] > values["low"]:
            fail(name, f"must have high > med > low, got {values}")
        return MappingProxyType(values)

    def geos(key: str) -> tuple[str, ...]:
        value = raw["level"][key]
        if not isinstance(value, list) or not value or not all(isinstance(g, str) and g for g in value) \
                or len(set(value)) != len(value):
            fail(f"level.{key}", f"must be a non-empty list of distinct geo codes, got {value!r}")
        return tuple(value)

    base_year = integer("base", "year", low=1990)
    earlier = raw["base"]["earlier_years"]
    if not isinstance(earlier, list) or not all(isinstance(y, int) and not isinstance(y, bool) and y < base_year
                                                for y in earlier) or len(set(earlier)) != len(earlier):
        fail("base.earlier_years", f"must be a list of distinct years before {base_year}, got {earlier!r}")
    dev = {s: number("development_scores", s, low=1.0, high=3.0) for s in STATUSES_SCORED}
    good = number("goal", "label_good_from", low=1.0, high=3.0)
    less_good = number("goal", "label_less_good_until", low=1.0, high=3.0)
    if not less_good < good:
        fail("goal.label_less_good_until", f"must be below goal.label_good_from ({good}), got {less_good}")
    peer_geos, scored_geos = geos("peer_geos"), geos("scored_geos")
    if not set(scored_geos) <= set(peer_geos):
        fail("level.scored_geos", f"must be among level.peer_geos {list(peer_geos)}, got {list(scored_geos)}")
    survey_z = number("stability", "survey_z", low=0.0, strict_low=True)
    surveys_raw = raw["stability"]["surveys"]
    if not isinstance(surveys_raw, Mapping) or not surveys_raw:
        fail("stability.surveys", "must be a table of surveys, each with datasets and respondents")
    surveys, dataset_bands = {}, {}
    for name, survey in surveys_raw.items():
        key = f"stability.surveys.{name}"
        if not isinstance(survey, Mapping) or set(survey) != {"datasets", "respondents"}:
            fail(key, "must have exactly datasets and respondents")
        datasets = survey["datasets"]
        if not isinstance(datasets, list) or not datasets or not all(isinstance(d, str) and d for d in datasets):
            fail(f"{key}.datasets", f"must be a non-empty list of dataset names, got {datasets!r}")
        respondents = survey["respondents"]
        if isinstance(respondents, bool) or not isinstance(respondents, int) or respondents < 1:
            fail(f"{key}.respondents", f"must be an integer ≥ 1, got {respondents!r}")
        band = survey_band(survey_z, respondents)
        for dataset in datasets:
            if dataset in dataset_bands:
                fail(f"{key}.datasets", f"lists {dataset!r}, which another survey lists too")
            dataset_bands[dataset] = band
        surveys[name] = MappingProxyType({"datasets": tuple(datasets), "respondents": respondents, "band": band})
    return Method(
        peer_year_tolerance=integer("level", "peer_year_tolerance", low=0),
        non_exact_flags=flag_list("level", "non_exact_flags"),
        stability_limit_share=number("stability", "limit_share", low=0.0, high=0.5),
        stability_rank_places=number("stability", "rank_places", low=0.0),
        stability_count=number("stability", "count", low=0.0),
        stability_survey_z=survey_z,
        stability_surveys=MappingProxyType(surveys),
        stability_datasets=MappingProxyType(dataset_bands),
        recent_years=integer("confidence", "recent_years", low=1),
        uncertain_flags=flag_list("confidence", "uncertain_flags"),
        base_year=base_year,
        period_end=integer("base", "period_end", low=base_year),
        earlier_base_years=tuple(earlier),
        default_target_year=integer("trend", "default_target_year", low=base_year + 1),
        limit_exponent=number("trend", "limit_exponent", low=0.0, strict_low=True),
        zero_replacement=number("trend", "zero_replacement", low=0.0, strict_low=True),
        tolerance=number("trend", "tolerance", low=0.0, high=1e-3),
        thresholds_with_target=thresholds("thresholds_with_target"),
        thresholds_without_target=thresholds("thresholds_without_target"),
        development_scores=MappingProxyType(dev),
        target_level_margin=number("level", "target_margin", low=0.0, high=1.0),
        peer_geos=peer_geos,
        scored_geos=scored_geos,
        score_decimals=integer("goal", "score_decimals", low=0),
        label_good_from=good,
        label_less_good_until=less_good,
        movers=integer("goal", "movers", low=1),
    )


METHOD = load_method()
