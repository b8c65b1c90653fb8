"""One indicator: definition, Norway's headline, a chart against the peers, the table with sources and flags,
a one-sentence summary, and downloads."""
import pandas as pd
import streamlit as st

from ui import data, nav, scores
from ui.charts import indicator_summary, line_chart
from ui.downloads import download_buttons
from ui.i18n import flag_names, format_value, geo_name, t
from ui.page import current_lang
from ui.url_state import choose

lang = current_lang()
catalog = data.indicators().set_index("indicator_id")
indicator_id = choose(
    "indicator", list(catalog.index), label=t("choose_indicator", lang), lang=lang, unknown_key="unknown_indicator",
    key="indicator_select",
    format_func=lambda i: f"{t('goal_n', lang, n=catalog.loc[i, 'goal_number'])} · {catalog.loc[i, f'name_{lang}']}",
)
ind = catalog.loc[indicator_id]
kind = ind["unit_kind"]
fmt = lambda v: format_value(v, kind, lang)  # noqa: E731

st.title(ind[f"name_{lang}"])
st.markdown(f"**{t('definition', lang)}:** {ind[f'definition_{lang}']}")
facts = [
    f"**{t('unit', lang)}:** {ind[f'unit_label_{lang}']}",
    f"**{t('direction', lang)}:** {t('direction_' + ind['direction'], lang)}",
    f"**{t('publisher', lang)}:** {ind['source_org']} – {ind['source_dataset']}",
    f"**{t('breakdowns', lang)}:** {ind['breakdowns'] or t('none', lang)}",
]
if pd.notna(ind["target_value"]):
    note = ind[f"target_note_{lang}"] if pd.notna(ind[f"target_note_{lang}"]) else ""
    facts.append(f"**{t('target', lang)}:** {t('target_text', lang, value=fmt(ind['target_value']), period=ind['target_period'])}"
                 f" ([{t('col_source', lang).lower()}]({ind['target_source_url']})) {note}")
st.markdown("  \n".join(facts))
st.page_link(nav.GOAL, label=f"{t('goal_n', lang, n=ind['goal_number'])}", icon=":material/arrow_upward:",
             query_params={"goal": ind["goal_id"], "lang": lang})

all_rows = data.observations([indicator_id])
totals = all_rows[(all_rows["breakdown"] == "") & all_rows["is_preferred"]]

# Headline, status and score from indicator_scores: the change beside the status is the change that was scored.
scored = data.indicator_score(indicator_id, "NO")
if scored is not None and pd.notna(scored["latest_value"]):
    left, right = st.columns(2)
    left.metric(f"{t('headline_latest', lang)} ({scored['latest_period']})", fmt(scored["latest_value"]))
    if scores.has_change(scored):
        right.metric(t("headline_change", lang, year=scores.since_text(scored)),
                     scores.change_text(scored, kind, lang), delta_color="off")
if scored is not None:
    st.markdown(f"**{t('col_status', lang)}:** {scores.status_text(scored['status'], lang)} · "
                f"**{t('col_score', lang)}:** {scores.score_text(scored['score'], lang)}")
with st.expander(t("how_calculated", lang)):
    if scored is not None:
        lines = scores.explain_indicator_text(scored, data.indicator_score_peers(indicator_id, "NO"), kind, lang)
        st.markdown("\n".join(f"- {line}" for line in lines))
    st.caption(t("score_disclaimer", lang))
    st.page_link(nav.METHOD, label=t("method_link", lang), query_params={"lang": lang})

chart_tab, table_tab, sources_tab, download_tab = st.tabs(
    [t("tab_chart", lang), t("tab_table", lang), t("tab_sources", lang), t("tab_download", lang)])

with chart_tab:
    summary = indicator_summary(totals, kind, lang)
    st.markdown(f"**{summary}**")
    target = None
    if pd.notna(ind["target_value"]):
        target = (float(ind["target_value"]), ind["target_period"], t("target", lang))
    fig = line_chart(totals, series="geo", series_label=lambda g: geo_name(g, lang),
                     title=t("chart_title", lang, name=ind[f"name_{lang}"]), y_title=ind[f"unit_label_{lang}"],
                     lang=lang, target=target, rank=kind == "rank")
    st.plotly_chart(fig, config={"displaylogo": False})
    breakdown_rows = all_rows[(all_rows["breakdown"] != "") & all_rows["is_preferred"]]
    if not breakdown_rows.empty:
        st.markdown(f"**{t('breakdowns', lang)}**")
        st.plotly_chart(line_chart(breakdown_rows.assign(series=breakdown_rows["geo"] + " " + breakdown_rows["breakdown"]),
                                   series="series", title=t("breakdowns", lang), y_title=ind[f"unit_label_{lang}"],
                                   lang=lang, rank=kind == "rank"), config={"displaylogo": False})

table = pd.DataFrame({
    t("col_geo", lang): all_rows["geo"].map(lambda g: geo_name(g, lang)),
    t("col_breakdown", lang): all_rows["breakdown"],
    t("col_period", lang): all_rows["period"],
    t("col_value", lang): all_rows["value"].map(fmt),
    t("col_flags", lang): all_rows["flags"].map(lambda f: flag_names(f, lang)),
    t("col_preferred", lang): all_rows["is_preferred"].map(lambda p: t("yes" if p else "no", lang)),
    t("col_source", lang): all_rows["source_org"] + " – " + all_rows["source_dataset"],
    t("col_source_url", lang): all_rows["source_url"],
    t("col_note", lang): all_rows["note"],
})

with table_tab:
    st.caption(t("table_caption", lang))
    st.dataframe(table, hide_index=True, column_config={
        t("col_source_url", lang): st.column_config.LinkColumn(t("col_source_url", lang))})
    st.caption(t("flags_legend", lang))

with sources_tab:
    st.markdown(t("preferred_rule", lang))
    st.markdown(f"**{t('source_list', lang)}**")
    sources = all_rows.groupby(["source_org", "source_dataset", "source_url"], as_index=False).size()
    st.markdown("\n".join(f"- {r.source_org} – {r.source_dataset}: <{r.source_url}> ({r.size})" for r in sources.itertuples()))

with download_tab:
    export = all_rows[["indicator_id", "geo", "breakdown", "period", "value", "unit_id", "flags", "is_preferred",
                       "source_org", "source_dataset", "source_url", "note"]]
    st.caption(t("download_note", lang))
    download_buttons(export, f"{indicator_id}", lang)
