"""Leaders' overview: the six goals, each with its indicators, Norway's latest value and the scored change
since the base period, all read from the score tables."""
import streamlit as st

from ui import data, nav
from ui.i18n import t
from ui.page import current_lang
from ui.changes import what_changed
from ui.score_views import goal_score_block, goals_at_a_glance
from ui.views import goal_indicator_table

lang = current_lang()
st.title(t("overview_title", lang))
st.write(t("overview_intro", lang))
st.caption(t("score_disclaimer", lang) + (" " + t("our_translation", lang) if lang == "en" else ""))
st.subheader(t("at_a_glance", lang))
st.markdown(goals_at_a_glance(lang))
what_changed(lang)

for goal in data.goals().itertuples():
    st.header(t("goal_n", lang, n=goal.number) + ": " + getattr(goal, f"short_{lang}"), anchor=goal.goal_id.lower())
    st.markdown(f"*{getattr(goal, f'name_{lang}')}*")
    goal_score_block(goal.goal_id, lang)
    with st.expander(t("goal_indicators", lang)):
        st.markdown(goal_indicator_table(goal.goal_id, lang))
    st.page_link(nav.GOAL, label=t("open_goal", lang, n=goal.number), icon="➡️",
                 query_params={"goal": goal.goal_id, "lang": lang})
