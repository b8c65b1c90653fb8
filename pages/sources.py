"""Every data source: publisher, licence, link, last update, number of observations and how its last refresh went.
What it shows is built once per warehouse version and language (ui.catalog_views); this page only sends it."""
import streamlit as st

from ui.catalog_views import sources_downloads, sources_summary, sources_tables
from ui.downloads import download_buttons_for
from ui.i18n import t
from ui.page import current_lang

lang = current_lang()
st.title(t("sources_title", lang))
st.write(t("sources_intro", lang))

tables = sources_tables(lang)
st.markdown(sources_summary(lang))
st.dataframe(tables["sources"], hide_index=True, column_config={
    t("sources_col_link", lang): st.column_config.LinkColumn(t("sources_col_link", lang))}, key="sources_table")
download_buttons_for(sources_downloads(lang), "monitor-sources", lang)

st.subheader(t("sources_refresh", lang))
if tables["refresh"] is None:
    st.write(t("sources_no_refresh", lang))
else:
    st.dataframe(tables["refresh"], hide_index=True, key="sources_refresh")
