"""One goal: its official wording, the score with its history, how sure it is (goal_confidence), how it was
calculated, and every indicator under it with Norway's latest value, its flags and source, and the change."""
import streamlit as st

from ui import data, nav
from ui.assessment import sureness_markdown
from ui.i18n import t
from ui.page import current_lang, md
from ui.tables import link
from ui.url_state import choose
from ui.score_views import goal_explanation, goal_score_block, neighbour_scores
from ui.tables import show_markdown
from ui.views import goal_indicator_table

lang = current_lang()
goals = data.goals().set_index("goal_id")
goal_id = choose("goal", list(goals.index), label=t("choose_goal", lang), lang=lang, unknown_key="unknown_goal",
                 key="goal_select",
                 format_func=lambda g: f"{t('goal_n', lang, n=goals.loc[g, 'number'])}: {goals.loc[g, f'short_{lang}']}")
goal = goals.loc[goal_id]

st.title(t("goal_title", lang, n=goal["number"], short=md(goal[f"short_{lang}"])))
st.markdown(f"**{t('official_wording', lang)}:** «{md(goal['name_nb'])}» ({link('digdir.no', goal['source_url'])})"
            + (f"  \n*{md(goal['name_en'])}* — {t('our_translation', lang)}" if lang == "en" else ""))
links = st.columns(2)
links[0].page_link(nav.REPORT, label=t("open_report", lang), icon=":material/print:",
                   query_params={"goal": goal_id, "lang": lang})
links[1].page_link(nav.ASSESSMENT, label=t("nav_assessment", lang), icon=":material/summarize:",
                   query_params={"lang": lang})

goal_score_block(goal_id, lang)
st.subheader(t("sure_title", lang))
st.markdown(sureness_markdown(goal_id, lang))
goal_explanation(goal_id, lang)

st.subheader(t("goal_indicators", lang))
show_markdown(goal_indicator_table(goal_id, lang, True))
neighbour_scores(goal_id, lang)
