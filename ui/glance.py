"""The leaders' view: one card per goal (score and label as icon + word, change since the previous year's score, a
small trend line with the same numbers in words, what the score rests on and how fresh it is), read from
goal_scores, goal_score_history, goal_confidence and indicator_scores. Built once per warehouse version and
language (ui.render_cache)."""
from __future__ import annotations

import pandas as pd

from ui import data, scores
from ui.i18n import format_change, format_number, format_value, t, tn
from ui.page import md
from ui.render_cache import per_version
from ui.tables import markdown_table

SPARK_W, SPARK_H, SPARK_PAD = 160, 36, 4


def _missing(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value))


def scored_history(goal_id: str) -> pd.DataFrame:
    history = data.goal_score_history(goal_id, "NO")
    return history[history["score"].notna()].sort_values("as_of")


def counted_scores(goal_id: str) -> pd.DataFrame:
    """The indicators the goal score is the mean of: counted, with a score (as in goal_scores.n_indicators)."""
    scored = data.indicator_scores("NO")
    scored = scored[(scored["goal_id"] == goal_id) & scored["score"].notna()]
    if "counted" in scored:
        scored = scored[scored["counted"].fillna(True).astype(bool)]
    return scored


def newest_year(goal_id: str) -> int | None:
    years = counted_scores(goal_id)["latest_year"].dropna()
    return None if years.empty else int(years.max())


def confidence(goal_id: str) -> dict | None:
    rows = data.query("SELECT * FROM goal_confidence WHERE geo = 'NO' AND goal_id = ?", goal_id)
    return None if rows.empty else rows.iloc[0].to_dict()


def period_scores(goal_id: str) -> dict | None:
    """The stored start and end of the strategy period on the like-for-like set (goal_period_scores)."""
    rows = data.query("SELECT * FROM goal_period_scores WHERE geo = 'NO' AND goal_id = ?", goal_id)
    return None if rows.empty else rows.iloc[0].to_dict()


def like_for_like_line(goal_id: str, lang: str) -> str:
    """The goal at the start and the end of the period on the same indicators (goal_period_scores), each end said
    as an as-of year with the year its data end: the one like-for-like sentence of every page."""
    row = period_scores(goal_id)
    if row is None or not row["n_common"]:
        return t("assess_lfl_score_none", lang)
    n = int(row["n_common"])
    return tn("assess_lfl_score", lang, n, n=n,
              start=scores.as_of_text(row["start_as_of"], row["start_data_to_year"], lang),
              end=scores.as_of_text(row["end_as_of"], row["end_data_to_year"], lang),
              start_score=scores.score_text(row["start_score"], lang),
              start_label=scores.label_text(row["start_label"], lang),
              end_score=scores.score_text(row["end_score"], lang),
              end_label=scores.label_text(row["end_label"], lang),
              change=format_change(row["change"], "score", lang, decimals=2))


def history_words(history: pd.DataFrame, lang: str) -> str:
    """The history's first and latest score, each as of a year with the year its data end, and what each rests on
    (the line of the sparkline, in words)."""
    first, last = history.iloc[0], history.iloc[-1]
    return t("score_trend_text", lang, first_when=scores.as_of_text(first["as_of"], first["data_to_year"], lang),
             first=scores.score_text(first["score"], lang),
             last_when=scores.as_of_text(last["as_of"], last["data_to_year"], lang),
             last=scores.score_text(last["score"], lang), n_first=int(first["n_indicators"]),
             n_last=int(last["n_indicators"]))


def trend_words(history: pd.DataFrame, goal_id: str, lang: str) -> str:
    """The history in words and, beside it, the like-for-like comparison (the two ends of the history rest on
    different indicators): the same two lines on the overview's card and the goal and report pages."""
    return (history_words(history, lang) + "  \n"
            + f"**{t('assess_lfl_score_title', lang)}:** {like_for_like_line(goal_id, lang)}")


def previous_score(history: pd.DataFrame) -> dict | None:
    """The score a year before the latest one in goal_score_history (as stored, rounded)."""
    if history.empty:
        return None
    latest = int(history["as_of"].max())
    before = history[history["as_of"] == latest - 1]
    return None if before.empty else before.iloc[0].to_dict()


def sparkline_svg(history: pd.DataFrame) -> str:
    """An inline SVG trend line of the goal score on the fixed 1–3 scale. Hidden from assistive technology: the
    same numbers follow it in words (the card's next paragraph, card_trend), which a screen reader would otherwise
    hear twice."""
    if len(history) < 2:
        return ""
    years = history["as_of"].astype(int).tolist()
    values = history["score"].astype(float).tolist()
    span = max(years[-1] - years[0], 1)
    x = lambda year: SPARK_PAD + (year - years[0]) / span * (SPARK_W - 2 * SPARK_PAD)  # noqa: E731
    y = lambda v: SPARK_PAD + (3 - v) / 2 * (SPARK_H - 2 * SPARK_PAD)  # noqa: E731
    points = " ".join(f"{x(a):.1f},{y(v):.1f}" for a, v in zip(years, values))
    mid = y(2.0)
    return (f'<svg aria-hidden="true" focusable="false" width="{SPARK_W}" height="{SPARK_H}" '
            f'viewBox="0 0 {SPARK_W} {SPARK_H}" xmlns="http://www.w3.org/2000/svg">'
            f'<line x1="0" y1="{mid:.1f}" x2="{SPARK_W}" y2="{mid:.1f}" stroke="#767676" stroke-width="1" '
            f'stroke-dasharray="2 3"/><polyline points="{points}" fill="none" stroke="#0072B2" stroke-width="2.5"/>'
            f'<circle cx="{x(years[-1]):.1f}" cy="{y(values[-1]):.1f}" r="3.5" fill="#0072B2"/></svg>')


def change_line(current: dict | None, previous: dict | None, lang: str) -> str:
    if current is None or _missing(current.get("score")):
        return ""
    if previous is None or _missing(previous.get("score")):
        return t("card_no_previous", lang)
    delta = round(float(current["score"]) - float(previous["score"]), 2) + 0.0
    icon = ":material/trending_up:" if delta > 0 else (":material/trending_down:" if delta < 0 else
                                                       ":material/trending_flat:")
    sign = "+" if delta > 0 else ("\u2212" if delta < 0 else "±")
    return t("card_change", lang, icon=icon, change=f"{sign}{format_number(abs(delta), lang, decimals=2)}",
             year=int(previous["as_of"]), previous=scores.score_text(previous["score"], lang),
             label=scores.label_text(previous["label"], lang))


def freshness_line(goal_id: str, lang: str) -> str:
    """Newest data year and the share of the goal's indicators with a figure from the last two years."""
    conf = confidence(goal_id)
    year = newest_year(goal_id)
    if conf is None or not int(conf["n_indicators"] or 0):
        return t("card_no_data", lang)
    n, recent = int(conf["n_indicators"]), int(conf["n_recent"])
    return tn("card_fresh", lang, n, year=year if year is not None else "–", n_recent=recent, n=n,
             share=format_value(100 * recent / n, "percent", lang, decimals=0), from_year=int(conf["recent_from_year"]))


def sureness_line(goal_id: str, lang: str) -> str:
    conf = confidence(goal_id)
    if conf is None or not int(conf["n_indicators"] or 0):
        return ""
    parts = []
    if int(conf["n_uncertain"] or 0):
        parts.append(tn("card_uncertain", lang, int(conf["n_uncertain"]), n=int(conf["n_uncertain"]),
                        total=int(conf["n_indicators"])))
    parts.append(t("card_fragile", lang) if bool(conf["loo_label_changes"]) else t("card_robust", lang))
    return " · ".join(parts)


@per_version
def goal_cards(lang: str) -> list[dict]:
    """Per goal: goal_id, number and the card's Markdown (one block, rendered with unsafe_allow_html for the SVG)."""
    current = data.goal_scores("NO").set_index("goal_id")
    cards = []
    for goal in data.goals().itertuples():
        now = current.loc[goal.goal_id].to_dict() if goal.goal_id in current.index else None
        history = scored_history(goal.goal_id)
        short = md(getattr(goal, f"short_{lang}"))   # the card is rendered with unsafe_allow_html (the SVG)
        head = [f"{scores.label_badge(None if now is None else now['label'], lang)} "
                + t("card_score", lang, score=scores.score_text(None if now is None else now["score"], lang))]
        change = change_line(now, previous_score(history), lang)
        if change:
            head.append(change)
        blocks = [f"### {t('goal_n', lang, n=goal.number)} · {short}", "  \n".join(head)]
        if len(history) > 1:
            blocks += [sparkline_svg(history), trend_words(history, goal.goal_id, lang)]
        n = 0 if now is None else int(now["n_indicators"])
        facts = [f":material/dataset: {tn('card_basis', lang, n, n=n)}",
                 f":material/schedule: {freshness_line(goal.goal_id, lang)}"]
        sure = sureness_line(goal.goal_id, lang)
        if sure:
            facts.append(f":material/fact_check: {sure}")
        blocks.append("  \n".join(facts))
        lines = blocks
        cards.append({"goal_id": goal.goal_id, "number": int(goal.number), "markdown": "\n\n".join(lines)})
    return cards


@per_version
def scores_by_year_table(lang: str) -> str:
    """The cards' trend lines as tables: a row per year, a column per goal (stored rounded scores). Two tables of
    three goals each, so that each fits a phone's width without scrolling sideways."""
    history = data.goal_score_history(None, "NO")
    goals = list(data.goals().itertuples())
    years = sorted(int(y) for y in history["as_of"].unique())
    by = history.set_index(["as_of", "goal_id"])
    tables = []
    for part in (goals[:3], goals[3:]):
        rows = []
        for year in years:
            row = {t("col_as_of", lang): str(year)}
            for goal in part:
                key = (year, goal.goal_id)
                row[t("goal_n", lang, n=goal.number)] = scores.score_text(by.loc[key, "score"] if key in by.index else None, lang)
            rows.append(row)
        tables.append(markdown_table(pd.DataFrame(rows)))
    return "\n\n".join(tables)
