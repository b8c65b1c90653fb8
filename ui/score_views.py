"""Score blocks shared by the overview, goal and report pages."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import data, nav, scores
from ui.charts import line_chart
from ui.i18n import format_number, geo_name, t
from ui.tables import markdown_table


def goal_history_frame(goal_id: str, lang: str) -> pd.DataFrame:
    history = scores.goal_history("NO")
    return history[(history["goal_id"] == goal_id) & history["score"].notna()]


def history_sentence(history: pd.DataFrame, lang: str) -> str:
    if history.empty:
        return t("label_none", lang)
    first, last = history.iloc[0], history.iloc[-1]
    return t("score_trend_text", lang, first=scores.score_text(first["score"], lang), first_year=int(first["as_of"]),
             last=scores.score_text(last["score"], lang), last_year=int(last["as_of"]))


def history_table(history: pd.DataFrame, lang: str) -> str:
    return markdown_table(pd.DataFrame({
        t("col_as_of", lang): history["as_of"].astype(int).astype(str),
        t("col_score", lang): history["score"].map(lambda s: scores.score_text(s, lang)),
        t("col_label", lang): history["label"].map(lambda label: scores.label_text(label, lang)),
        t("col_n_indicators", lang): history["n_indicators"].astype(str),
    }))


def goal_score_block(goal_id: str, lang: str, *, chart: bool = True) -> None:
    """Score and label (icon + text), the score's history as a sentence, a chart and a table, and the movers."""
    goal = scores.goal_scores("NO").set_index("goal_id").loc[goal_id]
    st.markdown(f"### {t('goal_score', lang, score=scores.score_text(goal['score'], lang), label=scores.label_text(goal['label'], lang))}")
    history = goal_history_frame(goal_id, lang)
    st.markdown(history_sentence(history, lang))
    if chart and len(history) > 1:
        fig = line_chart(history.assign(year=history["as_of"], value=history["score"], series=t("goal_score_short", lang)),
                         series="series", title=t("score_history_title", lang), y_title=t("goal_score_short", lang),
                         lang=lang)
        fig.update_yaxes(range=[1, 3])
        fig.add_hrect(y0=2.25, y1=3, opacity=0.08, line_width=0, fillcolor="#009E73")
        fig.add_hrect(y0=1, y1=1.75, opacity=0.08, line_width=0, fillcolor="#D55E00")
        fig.update_layout(height=300, showlegend=False)
        st.plotly_chart(fig, config={"displaylogo": False}, key=f"history_{goal_id}")
        with st.expander(t("score_history_title", lang)):
            st.markdown(history_table(history, lang))
    movers = scores.movers(goal_id, lang)
    if movers:
        st.markdown(f"**{t('movers', lang)}:** " + "; ".join(
            f"[{name}](indicator?indicator={ind}&lang={lang}) ({direction})" for ind, name, direction in movers))


def goal_explanation(goal_id: str, lang: str) -> None:
    """'How was this calculated': the goal formula, then every indicator's numbers."""
    detail = scores.explain_goal(goal_id)
    with st.expander(t("how_calculated", lang)):
        st.markdown(t("explain_goal", lang, n=detail["n_indicators"], weight=format_number(detail["total_weight"], lang),
                      score=scores.score_text(detail["score"], lang), excluded=detail["n_excluded"]))
        catalog = data.indicators().set_index("indicator_id")
        for item in detail["indicator_details"]:
            ind = catalog.loc[item["indicator_id"]]
            st.markdown(f"**[{ind[f'name_{lang}']}](indicator?indicator={item['indicator_id']}&lang={lang})** "
                        f"({t('col_weight', lang).lower()} {format_number(item['weight'], lang)})")
            st.markdown("\n".join(f"- {line}" for line in scores.explain_indicator_text(item, ind["unit_kind"], lang)))
        st.caption(t("score_disclaimer", lang))
        st.page_link(nav.METHOD, label=t("method_link", lang), query_params={"lang": lang})


def neighbour_scores(goal_id: str, lang: str) -> None:
    """The same goal scored for Norway and its neighbours on the same rules (each against the other four)."""
    rows = []
    for geo in ("NO", "SE", "DK", "FI"):
        goal = scores.goal_scores(geo).set_index("goal_id").loc[goal_id]
        rows.append({
            t("col_geo", lang): geo_name(geo, lang),
            t("col_score", lang): scores.score_text(goal["score"], lang),
            t("col_label", lang): scores.label_text(goal["label"], lang),
            t("col_n_indicators", lang): str(int(goal["n_indicators"])),
        })
    st.subheader(t("neighbour_scores", lang))
    st.caption(t("neighbour_scores_note", lang))
    st.markdown(markdown_table(pd.DataFrame(rows)))


def goals_at_a_glance(lang: str) -> str:
    """One row per goal: score, rating, and the score with data up to 2019 — the leaders' one screen."""
    goals = data.goals()
    current = scores.goal_scores("NO").set_index("goal_id")
    history = scores.goal_history("NO")
    rows = []
    for goal in goals.itertuples():
        past = history[(history["goal_id"] == goal.goal_id) & history["score"].notna()]
        first = past.iloc[0] if len(past) else None
        now = current.loc[goal.goal_id]
        rows.append({
            t("col_goal", lang): f"{t('goal_n', lang, n=goal.number)}: {getattr(goal, f'short_{lang}')}",
            "url": f"goal?goal={goal.goal_id}&lang={lang}",
            t("col_score", lang): scores.score_text(now["score"], lang),
            t("col_label", lang): scores.label_text(now["label"], lang),
            t("col_first_score", lang): "–" if first is None else
                f"{scores.score_text(first['score'], lang)} ({int(first['as_of'])})",
            t("col_n_indicators", lang): str(int(now["n_indicators"])),
        })
    return markdown_table(pd.DataFrame(rows), links={t("col_goal", lang): "url"})
