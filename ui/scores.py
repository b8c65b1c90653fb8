"""Scores for the pages: the pure functions of indicators.scoring over the warehouse, cached per build,
and their presentation (status icon with a text label, never colour alone; explanations in words)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from indicators import scoring
from ui import data
from ui.i18n import format_number, format_value, geo_name, t

STATUS_ICONS = {
    scoring.TARGET_ACHIEVED: "🎯",
    scoring.SUBSTANTIAL: "⬆️",
    scoring.MODERATE: "↗️",
    scoring.LIMITED: "➡️",
    scoring.DETERIORATION: "⬇️",
    scoring.INSUFFICIENT: "❔",
}
LABEL_ICONS = {scoring.LABEL_GOOD: "✅", scoring.LABEL_MEDIUM: "➖", scoring.LABEL_LESS_GOOD: "❌"}


@st.cache_data(show_spinner=False, max_entries=32)
def _indicator_scores(geo: str, as_of: int | None, version: tuple) -> pd.DataFrame:
    obs, indicators = data.scoring_inputs()
    return scoring.score_indicators(obs, indicators, geo=geo, as_of=as_of)


@st.cache_data(show_spinner=False, max_entries=32)
def _goal_scores(geo: str, as_of: int | None, version: tuple) -> pd.DataFrame:
    obs, indicators = data.scoring_inputs()
    return scoring.score_goals(obs, indicators, geo=geo, as_of=as_of, goals=data.goals())


@st.cache_data(show_spinner=False, max_entries=8)
def _goal_history(geo: str, version: tuple) -> pd.DataFrame:
    obs, indicators = data.scoring_inputs()
    return scoring.goal_score_history(obs, indicators, geo=geo, goals=data.goals())


def indicator_scores(geo: str = "NO", as_of: int | None = None) -> pd.DataFrame:
    return _indicator_scores(geo, as_of, data.warehouse_version()).copy()


def goal_scores(geo: str = "NO", as_of: int | None = None) -> pd.DataFrame:
    return _goal_scores(geo, as_of, data.warehouse_version()).copy()


def goal_history(geo: str = "NO") -> pd.DataFrame:
    return _goal_history(geo, data.warehouse_version()).copy()


def explain_goal(goal_id: str, geo: str = "NO") -> dict:
    obs, indicators = data.scoring_inputs()
    return scoring.explain_goal(obs, indicators, goal_id, geo=geo)


def explain_indicator(indicator_id: str, geo: str = "NO") -> dict:
    obs, indicators = data.scoring_inputs()
    return scoring.explain_indicator(obs, indicators, indicator_id, geo=geo)


def status_text(status: str, lang: str) -> str:
    return f"{STATUS_ICONS.get(status, '')} {t('status_' + status, lang)}"


def label_text(label: str | None, lang: str) -> str:
    if label is None or (isinstance(label, float) and pd.isna(label)):
        return t("label_none", lang)
    return f"{LABEL_ICONS[label]} {t('label_' + label, lang)}"


def score_text(score: float | None, lang: str) -> str:
    return "–" if score is None or pd.isna(score) else format_number(score, lang, decimals=2)


def movers(goal_id: str, lang: str, n: int = 3) -> list[tuple[str, str, str]]:
    """The indicators that move the goal score most: weight × distance from the goal score.
    Returns (indicator_id, name, 'pulls up'/'pulls down')."""
    goals = goal_scores().set_index("goal_id")
    goal_score = goals.loc[goal_id, "score"]
    if pd.isna(goal_score):
        return []
    scores = indicator_scores()
    scores = scores[(scores["goal_id"] == goal_id) & scores["score"].notna()].copy()
    scores["pull"] = scores["weight"] * (scores["score"] - goal_score)
    scores = scores.reindex(scores["pull"].abs().sort_values(ascending=False).index).head(n)
    names = data.indicators().set_index("indicator_id")[f"name_{lang}"]
    return [(row.indicator_id, names[row.indicator_id], t("movers_up" if row.pull > 0 else "movers_down", lang))
            for row in scores.itertuples() if row.pull != 0]


def explain_indicator_text(detail: dict, unit_kind: str, lang: str) -> list[str]:
    """The calculation for one indicator, in sentences, with every number used."""
    trend = detail["trend"]
    fmt = lambda v: format_value(v, unit_kind, lang) if v is not None else "–"  # noqa: E731
    pct = lambda v: "–" if v is None else format_value(100 * v, "percent", lang, decimals=2)  # noqa: E731
    lines = []
    if trend.get("base_value") is not None and trend.get("latest_value") is not None:
        thresholds = trend.get("thresholds") or {}
        if trend.get("method") == "target":
            shown = " / ".join(format_number(thresholds[k], lang, decimals=3) for k in ("high", "med", "low") if k in thresholds)
        else:
            shown = " / ".join(pct(thresholds[k]) for k in ("high", "med", "low") if k in thresholds)
        limit = ""
        if trend.get("limit_factor") is not None:
            limit = t("explain_limit", lang, c=format_number(trend["limit_factor"], lang, decimals=3),
                      limit=format_number(trend["limit_value"], lang))
        lines.append(t("explain_trend", lang, base_value=fmt(trend["base_value"]), base_period=trend["base_period"],
                       latest_value=fmt(trend["latest_value"]), latest_period=trend["latest_period"],
                       cagr=pct(trend.get("cagr")), thresholds=shown or "–", limit=limit,
                       status=status_text(trend["status"], lang)))
        if trend.get("method") == "target" and trend.get("required_cagr") is not None:
            lines[-1] += t("explain_target", lang, target=fmt(trend["target_value"]), target_year=trend["target_year"],
                           required=pct(trend["required_cagr"]),
                           ratio=format_number(trend.get("progress_value"), lang, decimals=2))
    else:
        lines.append(status_text(trend["status"], lang))
    if detail.get("level_basis") == "peers":
        peers = ", ".join(f"{geo_name(p['geo'], lang)} {fmt(p['value'])} ({p['period']})" for p in detail["peers"])
        lines.append(t("explain_level", lang, matched=detail["n_peers_matched"], n=len(detail["peers"]), peers=peers,
                       level=score_text(detail["level_score"], lang)))
    elif detail.get("level_basis") == "target":
        lines.append(t("explain_level_target", lang, level=score_text(detail["level_score"], lang)))
    else:
        lines.append(t("explain_no_level", lang))
    lines.append(t("explain_score", lang, development=score_text(detail["development_score"], lang),
                   level=score_text(detail["level_score"], lang), score=score_text(detail["score"], lang)))
    if trend.get("warnings"):
        lines.append(t("explain_warnings", lang, warnings="; ".join(trend["warnings"])))
    return lines
