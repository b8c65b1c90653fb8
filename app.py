"""The monitor: entry point. `streamlit run app.py` (or `make run`)."""
import streamlit as st

from ui import nav
from ui.i18n import t
from ui.page import freshness, language_switch, require_warehouse

st.set_page_config(page_title="Digitaliseringsmonitoren / Digitalisation monitor", page_icon="📊", layout="wide")
lang = language_switch()
require_warehouse(lang)

overview = st.Page(nav.OVERVIEW, title=t("nav_overview", lang), url_path="overview", default=True)
goal = st.Page(nav.GOAL, title=t("nav_goal", lang), url_path="goal")
indicator = st.Page(nav.INDICATOR, title=t("nav_indicator", lang), url_path="indicator")
current = st.navigation({t("nav_section_main", lang): [overview, goal, indicator]})

# `/?indicator=<id>` and `/?goal=<id>` open that indicator or goal directly.
if current is overview:
    if "indicator" in st.query_params:
        st.switch_page(indicator, query_params=st.query_params.to_dict())
    if "goal" in st.query_params:
        st.switch_page(goal, query_params=st.query_params.to_dict())

current.run()
freshness(lang)
