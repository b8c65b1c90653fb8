"""About the monitor: what it is, who it is for, where the data come from, what our scores are (and are not), and
the accessibility statement (tilgjengelighetserklæring)."""
import streamlit as st

from ui import data, nav
from ui.i18n import format_number, t
from ui.page import current_lang

lang = current_lang()
st.title(t("about_title", lang))

st.header(t("about_what", lang))
st.markdown(t("about_what_text", lang))

st.header(t("about_who", lang))
st.markdown(t("about_who_text", lang))

st.header(t("about_data", lang))
info = data.build_info()
counts = data.query("""SELECT (SELECT count(*) FROM indicators) AS n_indicators,
                              (SELECT count(DISTINCT indicator_id) FROM observations) AS with_data,
                              (SELECT count(DISTINCT source_org) FROM sources) AS publishers""").iloc[0]
st.markdown(t("about_data_text", lang, n_obs=format_number(int(info["n_observations"]), lang),
              n_sources=format_number(int(info["n_sources"]), lang),
              publishers=format_number(int(counts["publishers"]), lang),
              n_indicators=format_number(int(counts["n_indicators"]), lang),
              with_data=format_number(int(counts["with_data"]), lang)))
links = st.columns(3)
links[0].page_link("pages/sources.py", label=t("nav_sources", lang), icon=":material/menu_book:", query_params={"lang": lang})
links[1].page_link("pages/explorer.py", label=t("nav_explorer", lang), icon=":material/search:", query_params={"lang": lang})
links[2].page_link(nav.METHOD, label=t("about_method_link", lang), icon=":material/straighten:", query_params={"lang": lang})

st.header(t("about_scores", lang))
st.markdown(t("about_scores_text", lang))

st.header(t("about_a11y", lang), anchor="accessibility")
st.markdown(t("about_a11y_intro", lang))
st.subheader(t("about_a11y_done", lang))
st.markdown(t("about_a11y_done_text", lang))
st.subheader(t("about_a11y_limits", lang))
st.markdown(t("about_a11y_limits_text", lang))
st.subheader(t("about_a11y_contact", lang))
st.markdown(t("about_a11y_contact_text", lang))
st.caption(t("about_a11y_updated", lang))
