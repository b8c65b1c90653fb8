"""The strategy's seven prioritised life events, and what the data say about each (or plainly: nothing yet).
What it shows is built once per warehouse version and language (ui.catalog_views); this page only sends it."""
import streamlit as st

from ui.catalog_views import life_events_view
from ui.i18n import t
from ui.page import current_lang
from ui.tables import show_markdown

lang = current_lang()
st.title(t("life_title", lang))
st.write(t("life_intro", lang))

view = life_events_view(lang)
st.info(view["info"])
st.markdown(view["summary"])

for section in view["sections"]:
    st.header(section["name"], anchor=section["anchor"])
    if section["caption"]:
        st.caption(section["caption"])
    if section["table"] is None:
        st.markdown(t("life_no_indicator", lang))
        continue
    st.markdown(section["count"])
    show_markdown(section["table"])
