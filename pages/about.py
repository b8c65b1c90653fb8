import streamlit as st

from ui.i18n import t
from ui.page import current_lang

lang = current_lang()
st.title(t("nav_about", lang))
