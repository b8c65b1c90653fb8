"""One goal: its official wording, and every indicator under it with Norway's latest value and change."""
import streamlit as st

from ui import data, nav
from ui.i18n import t
from ui.page import current_lang
from ui.url_state import choose
from ui.score_views import goal_explanation, goal_score_block, neighbour_scores
from ui.views import goal_indicator_table

lang = current_lang()
goals = data.goals().set_index("goal_id")
goal_id = choose("goal", list(goals.index), label=t("choose_goal", lang), lang=lang, unknown_key="unknown_goal",
                 key="goal_select",
                 format_func=lambda g: f"{t('goal_n', lang, n=goals.loc[g, 'number'])}: {goals.loc[g, f'short_{lang}']}")
goal = goals.loc[goal_id]

st.title(t("goal_title", lang, n=goal["number"], short=goal[f"short_{lang}"]))
st.markdown(f"**{t('official_wording', lang)}:** «{goal['name_nb']}» ([digdir.no]({goal['source_url']}))")
if lang == "en":
    st.markdown(f"*{goal['name_en']}* — {t('our_translation', lang)}")

goal_score_block(goal_id, lang)
goal_explanation(goal_id, lang)
st.page_link(nav.REPORT, label=t("nav_report", lang), icon="🖨️", query_params={"goal": goal_id, "lang": lang})

st.subheader(t("goal_indicators", lang))
st.markdown(goal_indicator_table(goal_id, lang, detailed=True))
neighbour_scores(goal_id, lang)
