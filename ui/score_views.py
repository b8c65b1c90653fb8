"""Score blocks shared by the overview, goal and report pages, read from the score tables (goal_scores,
goal_score_history, movers, indicator_scores, indicator_score_peers)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import data, glance, nav, scores
from ui.charts import frozen, line_chart
from ui.i18n import format_number, geo_name, t, tn
from ui.render_cache import per_version, per_version_resource
from ui.tables import link, markdown_table, page_url, show_markdown

NEIGHBOURS = ("NO", "SE", "DK", "FI")


def goal_history_frame(goal_id: str) -> pd.DataFrame:
    history = data.goal_score_history(goal_id, "NO")
    return history[history["score"].notna()]


def history_sentence(history: pd.DataFrame, goal_id: str, lang: str) -> str:
    """The first and the latest score (each as of a year, with the year its data end) and the like-for-like
    comparison, as on the overview's card (ui.glance.trend_words)."""
    if history.empty:
        return t("label_none", lang)
    return glance.trend_words(history, goal_id, lang)


def history_table(history: pd.DataFrame, lang: str) -> str:
    return markdown_table(pd.DataFrame({
        t("col_as_of", lang): history["as_of"].astype(int).astype(str),
        t("col_data_to", lang): history["data_to_year"].map(lambda y: "–" if pd.isna(y) else str(int(y))),
        t("col_score", lang): history["score"].map(lambda s: scores.score_text(s, lang)),
        t("col_label", lang): history["label"].map(lambda label: scores.label_text(label, lang)),
        t("col_n_indicators", lang): history["n_indicators"].astype(str),
    }))


def goal_score_line(goal: dict | None, lang: str) -> str:
    """'Score 1,81 of 3 – medium' from a goal_scores row (a heading: the label in words, no icon name in it)."""
    score = None if goal is None else goal["score"]
    label = None if goal is None else goal["label"]
    return t("goal_score", lang, score=scores.score_text(score, lang), label=scores.label_words(label, lang))


def movers_line(goal_id: str, lang: str) -> str | None:
    """The movers of the goal score in the movers table's rank order, each with its direction."""
    movers = data.movers(goal_id, "NO")
    if movers.empty:
        return None
    names = data.indicators().set_index("indicator_id")[f"name_{lang}"]
    items = [link(names.get(row.indicator_id, row.indicator_id), page_url('indicator', indicator=row.indicator_id, lang=lang))
             + f" ({t('movers_' + row.direction, lang)})" for row in movers.itertuples()]
    return f"**{t('movers', lang)}:** " + "; ".join(items)


@per_version_resource
def history_figure(goal_id: str, lang: str):
    """The goal score's history as a frozen Plotly figure, built once per warehouse version and language
    (st.plotly_chart only reads it: it sends the figure's JSON)."""
    history = goal_history_frame(goal_id)
    if len(history) < 2:
        return None
    fig = line_chart(history.assign(year=history["as_of"], value=history["score"], series=t("goal_score_short", lang)),
                     series="series", title=t("score_history_title", lang), y_title=t("goal_score_short", lang),
                     lang=lang)
    fig.update_yaxes(range=[1, 3])
    fig.add_hrect(y0=2.25, y1=3, opacity=0.08, line_width=0, fillcolor="#009E73")
    fig.add_hrect(y0=1, y1=1.75, opacity=0.08, line_width=0, fillcolor="#D55E00")
    fig.update_layout(height=300, showlegend=False)
    return frozen(fig)


@per_version
def score_block_texts(goal_id: str, lang: str) -> dict:
    history = goal_history_frame(goal_id)
    return {"heading": f"### {goal_score_line(data.goal_score(goal_id, 'NO'), lang)}",
            "sentence": history_sentence(history, goal_id, lang),
            "table": history_table(history, lang) if len(history) else "",
            "movers": movers_line(goal_id, lang)}


def goal_score_block(goal_id: str, lang: str, *, chart: bool = True) -> None:
    """Score and label (icon + text), the score's history as a sentence, a chart and a table, and the movers."""
    texts = score_block_texts(goal_id, lang)
    st.markdown(texts["heading"])
    st.markdown(texts["sentence"])
    fig = history_figure(goal_id, lang) if chart else None
    if fig is not None:
        st.plotly_chart(fig, config={"displaylogo": False}, key=f"history_{goal_id}")
        with st.expander(t("score_history_title", lang)):
            show_markdown(texts["table"])
    if texts["movers"]:
        st.markdown(texts["movers"])


@per_version
def explanation_markdown(goal_id: str, lang: str) -> str:
    """'How was this calculated' as one Markdown block: the goal formula, then every scored indicator's numbers."""
    goal = data.goal_score(goal_id, "NO")
    parts = []
    if goal is not None:
        n, excluded = int(goal["n_indicators"]), int(goal["n_excluded"])
        parts.append(tn("explain_goal", lang, n, n=n, weight=format_number(goal["total_weight"], lang),
                        score=scores.score_text(goal["score"], lang))
                     + " " + tn("explain_excluded", lang, excluded, excluded=excluded))
    catalog = data.indicators().set_index("indicator_id")
    scored = data.indicator_scores("NO")
    scored = scored[(scored["goal_id"] == goal_id) & scored["score"].notna()]
    if "counted" in scored:  # copies and composites of counted parts are shown on their pages, not counted
        scored = scored[scored["counted"].fillna(True).astype(bool)]
    order = {i: n for n, i in enumerate(catalog.index)}
    for row in sorted(scored.to_dict("records"), key=lambda r: order.get(r["indicator_id"], len(order))):
        ind = catalog.loc[row["indicator_id"]]
        peers = data.indicator_score_peers(row["indicator_id"], "NO")
        lines = scores.explain_indicator_text(row, peers, ind["unit_id"], lang)
        parts.append(f"**{link(ind[f'name_{lang}'], page_url('indicator', indicator=row['indicator_id'], lang=lang))}** "
                     f"({t('col_weight', lang).lower()} {format_number(row['weight'], lang)})\n"
                     + "\n".join(f"- {line}" for line in lines))
    return "\n\n".join(parts)


def goal_explanation(goal_id: str, lang: str) -> None:
    """'How was this calculated': the goal formula, then every scored indicator's numbers."""
    with st.expander(t("how_calculated", lang)):
        st.markdown(explanation_markdown(goal_id, lang))
        st.caption(t("score_disclaimer", lang))
        st.page_link(nav.METHOD, label=t("method_link", lang), query_params={"lang": lang})


@per_version
def neighbour_table(goal_id: str, lang: str) -> str:
    """The same goal scored for Norway and its neighbours on the same rules (goal_scores per country)."""
    rows = []
    for geo in NEIGHBOURS:
        goal = data.goal_score(goal_id, geo)
        rows.append({
            t("col_geo", lang): geo_name(geo, lang),
            t("col_score", lang): scores.score_text(None if goal is None else goal["score"], lang),
            t("col_label", lang): scores.label_text(None if goal is None else goal["label"], lang),
            t("col_n_indicators", lang): "0" if goal is None else str(int(goal["n_indicators"])),
        })
    return markdown_table(pd.DataFrame(rows))


def neighbour_scores(goal_id: str, lang: str) -> None:
    st.subheader(t("neighbour_scores", lang))
    st.caption(t("neighbour_scores_note", lang))
    show_markdown(neighbour_table(goal_id, lang))
