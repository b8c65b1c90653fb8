"""A goal report for the meeting folder: prints cleanly to paper or PDF from the browser. It carries the goal's
score with its history, how sure it is, the final assessment of 2019–2025 for the goal and its indicators with
their flags and sources."""
import streamlit as st

from ui import data
from ui.assessment import goal_assessment_markdown, intro_markdown
from ui.i18n import format_datetime, t
from ui.page import current_lang
from ui.score_views import goal_score_block, score_block_texts
from ui.tables import show_markdown
from ui.url_state import choose
from ui.views import goal_indicator_table

# The page's chrome on paper; tables fit the paper through the shared TABLE_CSS (ui/tables.py, on every page).
PRINT_CSS = """<style>
@media print {
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stSelectbox"],
  [data-testid="stDecoration"], [data-testid="stStatusWidget"], footer { display: none !important; }
  .main .block-container, [data-testid="stMainBlockContainer"] { padding: 0 !important; max-width: 100% !important; }
  a { color: black !important; text-decoration: none !important; }
  table { page-break-inside: auto; } tr { page-break-inside: avoid; }
  details { display: block !important; } details > div { display: block !important; }
}
</style>"""

lang = current_lang()
st.html(PRINT_CSS)
goals = data.goals().set_index("goal_id")
goal_id = choose("goal", list(goals.index), label=t("choose_goal", lang), lang=lang, unknown_key="unknown_goal",
                 key="report_goal",
                 format_func=lambda g: f"{t('goal_n', lang, n=goals.loc[g, 'number'])}: {goals.loc[g, f'short_{lang}']}")
goal = goals.loc[goal_id]
info = data.build_info()

st.title(t("report_title", lang, n=goal["number"]) + f" – {goal[f'short_{lang}']}")
st.caption(t("report_intro", lang))
st.markdown(f"«{goal['name_nb']}»" + (f"  \n*{goal['name_en']}* ({t('our_translation', lang)})" if lang == "en" else ""))
goal_score_block(goal_id, lang, chart=False)
show_markdown(score_block_texts(goal_id, lang)["table"])
st.header(t("report_assessment", lang))
st.markdown(intro_markdown(lang))
show_markdown(goal_assessment_markdown(goal_id, lang, 2))
st.header(t("goal_indicators", lang))
show_markdown(goal_indicator_table(goal_id, lang, True))
st.caption(t("score_disclaimer", lang))
st.caption(t("report_generated", lang, build_id=info["build_id"], built=format_datetime(info["built_at"], lang)))
