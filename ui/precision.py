"""Figures at the publisher's precision on the summary pages (overview, goal, report, final assessment).

The rule, one for every figure: as many decimals as the publisher wrote (`observations.value_text`), but never more
than the unit allows — percentages and 0–100 scores one decimal, 0–1 and 1–4 scores three, 0–1 indices four (the
UN publishes the EGDI with four), ranks and counts none (millions one). Averages the curated files computed from
published parts (e.g. the eGovernment Benchmark's biennial means, stored with ten decimals) are so shown at the
precision the benchmark publishes its scores. A change gets the decimals of the more precise of its two ends.
Goal and indicator scores are not figures from a publisher: they are shown with two decimals, the goal score as
the build stored it rounded (goal_scores.score), never re-rounded.
"""
from __future__ import annotations

import math

import pandas as pd

from ui import data
from ui.i18n import format_change, format_value


def max_decimals(kind: str, unit_id: str, limit_value: float | None) -> int:
    if kind == "rank":
        return 0
    if kind == "count":
        return 1 if unit_id.startswith("million_") else 0
    if kind == "percent":
        return 1
    if kind == "index":
        return 4
    if kind == "score":
        limit = 100.0 if limit_value is None or pd.isna(limit_value) else float(limit_value)
        return 1 if limit >= 100 else 3
    return 2


def text_decimals(value_text: str | None) -> int | None:
    """Decimals as written in the source file ('92.4' → 1, '88' → 0); None when unknown."""
    if value_text is None or (not isinstance(value_text, str) and pd.isna(value_text)):
        return None
    text = str(value_text).strip().lower()
    if "e" in text:
        return None
    return len(text.split(".", 1)[1]) if "." in text else 0


def decimals(kind: str, unit_id: str, limit_value: float | None, *value_texts: str | None) -> int:
    cap = max_decimals(kind, unit_id, limit_value)
    written = [d for d in (text_decimals(v) for v in value_texts) if d is not None]
    return min(cap, max(written)) if written else cap


def latest_texts(geo: str = "NO") -> pd.DataFrame:
    """Per indicator: the latest and base observation behind indicator_scores (value_text, flags, source), i.e. the
    preferred total for `geo` in latest_period and base_period."""
    return data.query("""
        SELECT s.indicator_id,
               lo.value_text AS latest_text, lo.source_org AS latest_source_org,
               lo.source_dataset AS latest_source_dataset, lo.source_url AS latest_source_url,
               bo.value_text AS base_text
        FROM indicator_scores s
        LEFT JOIN observations lo ON lo.indicator_id = s.indicator_id AND lo.geo = s.geo AND lo.breakdown = ''
             AND lo.period = s.latest_period AND lo.is_preferred
        LEFT JOIN observations bo ON bo.indicator_id = s.indicator_id AND bo.geo = s.geo AND bo.breakdown = ''
             AND bo.period = s.base_period AND bo.is_preferred
        WHERE s.geo = ?
        ORDER BY s.indicator_id""", geo)


def value_shown(value, kind: str, unit_id: str, limit_value, value_text, lang: str) -> str:
    return format_value(value, kind, lang, decimals=decimals(kind, unit_id, limit_value, value_text))


def change_shown(change, kind: str, unit_id: str, limit_value, base_text, latest_text, lang: str) -> str:
    """A signed change at the precision of its two ends (float noise such as 0.30000000000000004 removed)."""
    if change is None or (isinstance(change, float) and math.isnan(change)):
        return format_change(change, kind, lang)
    places = decimals(kind, unit_id, limit_value, base_text, latest_text)
    return format_change(round(float(change), places) + 0.0, kind, lang)
