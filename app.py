"""The monitor: entry point. `streamlit run app.py` (or `make run`)."""
import streamlit as st

from ui import nav
from ui.i18n import t
from ui.page import freshness, is_public, language_switch, require_warehouse

st.set_page_config(page_title="Digitaliseringsmonitoren / Digitalisation monitor", page_icon=":material/monitoring:", layout="wide")
lang = language_switch()
require_warehouse(lang)

pages = {spec.path: st.Page(spec.path, title=t(spec.title_key, lang), url_path=spec.url_path, default=spec.default)
         for spec in nav.visible_pages(public=is_public())}
sections: dict[str, list] = {}
for spec in nav.visible_pages(public=is_public()):
    sections.setdefault(t(f"nav_section_{spec.section}", lang), []).append(pages[spec.path])
# Our own sidebar links instead of Streamlit's navigation list: they keep the language in the URL, and the
# built-in list's markup fails WCAG's list rules (axe: list, listitem).
current = st.navigation(sections, position="hidden")
with st.sidebar:
    for section, section_pages in sections.items():
        st.markdown(f"**{section}**")
        for page in section_pages:
            st.page_link(page, query_params={"lang": lang})

# `/?indicator=<id>` and `/?goal=<id>` open that indicator or goal directly.
if current is pages[nav.OVERVIEW]:
    if "indicator" in st.query_params:
        st.switch_page(pages[nav.INDICATOR], query_params=st.query_params.to_dict())
    if "goal" in st.query_params:
        st.switch_page(pages[nav.GOAL], query_params=st.query_params.to_dict())

current.run()
freshness(lang)
