"""One indicator: definition, Norway's headline, a chart against the peers, the table with sources and flags,
a one-sentence summary, and downloads. What it shows is built once per warehouse version and language
(ui.indicator_view); this page only sends it."""
import streamlit as st

from ui import nav
from ui.downloads import download_buttons_for
from ui.i18n import t
from ui.indicator_view import choice_labels, indicator_downloads, indicator_figures, indicator_table, indicator_texts
from ui.page import current_lang
from ui.url_state import choose

lang = current_lang()
choices = choice_labels(lang)
indicator_id = choose("indicator", list(choices["options"]), label=t("choose_indicator", lang), lang=lang,
                      unknown_key="unknown_indicator", key="indicator_select", format_func=choices["labels"].__getitem__)
texts = indicator_texts(indicator_id, lang)

st.title(texts["title"])
st.markdown(texts["definition"])
st.markdown(texts["facts"])
st.page_link(nav.GOAL, label=texts["goal_label"], icon=":material/arrow_upward:",
             query_params={"goal": texts["goal_id"], "lang": lang})

# Headline, status and score from indicator_scores: the change beside the status is the change that was scored.
if texts["metrics"]:
    left, right = st.columns(2)
    left.metric(*texts["metrics"][0])
    if len(texts["metrics"]) > 1:
        right.metric(*texts["metrics"][1], delta_color="off")
if texts["status"] is not None:
    st.markdown(texts["status"])
with st.expander(t("how_calculated", lang)):
    if texts["explanation"] is not None:
        st.markdown(texts["explanation"])
    st.caption(t("score_disclaimer", lang))
    st.page_link(nav.METHOD, label=t("method_link", lang), query_params={"lang": lang})

chart_tab, table_tab, sources_tab, download_tab = st.tabs(
    [t("tab_chart", lang), t("tab_table", lang), t("tab_sources", lang), t("tab_download", lang)])

with chart_tab:
    st.markdown(texts["summary"])
    chart, breakdowns = indicator_figures(indicator_id, lang)
    st.plotly_chart(chart, config={"displaylogo": False})
    if breakdowns is not None:
        st.markdown(f"**{t('breakdowns', lang)}**")
        st.plotly_chart(breakdowns, config={"displaylogo": False})

with table_tab:
    st.caption(t("table_caption", lang))
    st.dataframe(indicator_table(indicator_id, lang), hide_index=True, column_config={
        t("col_source_url", lang): st.column_config.LinkColumn(t("col_source_url", lang))})
    st.caption(t("flags_legend", lang))

with sources_tab:
    st.markdown(t("preferred_rule", lang))
    st.markdown(f"**{t('source_list', lang)}**")
    st.markdown(texts["sources"])

with download_tab:
    st.caption(t("download_note", lang))
    download_buttons_for(indicator_downloads(indicator_id), indicator_id, lang)
