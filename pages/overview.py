"""Leaders' overview: six goal cards (score and rating as icon + word, change since the previous year's score, a
trend line with its numbers in words, what the score rests on and how fresh it is), the way to the final assessment
of 2019–2025, and what changed in the last data update. Everything is read from the score tables and rendered once
per warehouse version and language (ui.glance, ui.render_cache)."""
import streamlit as st

from ui import nav
from ui.changes import what_changed
from ui.glance import goal_cards, scores_by_year_table
from ui.i18n import t
from ui.page import current_lang
from ui.tables import show_markdown

lang = current_lang()
st.title(t("overview_title", lang))
st.markdown(t("overview_cards_intro", lang) + "  \n" + t("score_disclaimer", lang)
            + (" " + t("our_translation", lang) if lang == "en" else ""))
st.header(t("at_a_glance", lang))
cards = goal_cards(lang)
for row in range(0, len(cards), 3):
    for column, card in zip(st.columns(3), cards[row:row + 3]):
        with column.container(border=True):
            st.markdown(card["markdown"], unsafe_allow_html=True)
            st.page_link(nav.GOAL, label=t("open_goal", lang, n=card["number"]), icon=":material/arrow_forward:",
                         query_params={"goal": card["goal_id"], "lang": lang})
with st.expander(t("scores_by_year", lang)):
    show_markdown(scores_by_year_table(lang))
st.markdown(f"**{t('overview_ended', lang)}**")
st.page_link(nav.ASSESSMENT, label=t("assessment_link", lang), icon=":material/summarize:", query_params={"lang": lang})
what_changed(lang)
