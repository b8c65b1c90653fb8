"""The final assessment of the strategy period 2019–2025: the succession by «Fremtidens digitale Norge», a table of
the six goals at the start and end of the period, then per goal the like-for-like comparison, the indicators that
improved and worsened most, what the data cannot tell and how sure the score is (ui.assessment)."""
import streamlit as st

from ui import data, nav
from ui.assessment import goal_assessment_markdown, intro_markdown, summary_table
from ui.i18n import t
from ui.page import current_lang, md
from ui.tables import show_markdown

lang = current_lang()
st.title(t("assessment_title", lang))
st.markdown(intro_markdown(lang))
st.header(t("assess_summary", lang))
show_markdown(summary_table(lang))
st.page_link(nav.REPORT, label=t("open_report_all", lang), icon=":material/print:",
             query_params={"goal": nav.REPORT_ALL, "lang": lang})
st.header(t("assess_all_goals", lang))
for goal in data.goals().itertuples():
    st.subheader(f"{t('goal_n', lang, n=goal.number)}: {md(getattr(goal, f'short_{lang}'))}", anchor=goal.goal_id.lower(),
                 divider="gray")
    show_markdown(goal_assessment_markdown(goal.goal_id, lang))
    st.page_link(nav.GOAL, label=t("open_goal", lang, n=goal.number), icon=":material/arrow_forward:",
                 query_params={"goal": goal.goal_id, "lang": lang})
