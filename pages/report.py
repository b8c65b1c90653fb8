"""The printable report for the meeting folder: prints cleanly to paper or PDF from the browser. Either the final
assessment of 2019–2025 as a whole (`?goal=all`, the default: the six goals at the start and end of the period, then
each goal's assessment), or one goal (`?goal=G3`): its score with its history, how sure it is, its final assessment
and its indicators with their flags and sources."""
import streamlit as st

from ui import data, nav
from ui.assessment import goal_assessment_markdown, intro_markdown, summary_table
from ui.i18n import format_datetime, t
from ui.page import current_lang, md
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

ALL = nav.REPORT_ALL

lang = current_lang()
st.html(PRINT_CSS)
goals = data.goals().set_index("goal_id")
goal_name = lambda g: f"{t('goal_n', lang, n=goals.loc[g, 'number'])}: {goals.loc[g, f'short_{lang}']}"  # noqa: E731
choice = choose("goal", [ALL, *goals.index], label=t("report_choose", lang), lang=lang, unknown_key="unknown_goal",
                key="report_goal", format_func=lambda g: t("report_all_option", lang) if g == ALL else goal_name(g))
info = data.build_info()

if choice == ALL:
    st.title(t("report_all_title", lang))
    st.caption(t("report_intro", lang))
    st.markdown(intro_markdown(lang))
    st.header(t("assess_summary", lang))
    show_markdown(summary_table(lang))
    for goal_id in goals.index:
        st.header(f"{t('goal_n', lang, n=goals.loc[goal_id, 'number'])}: {md(goals.loc[goal_id, f'short_{lang}'])}",
                  anchor=goal_id.lower())
        show_markdown(goal_assessment_markdown(goal_id, lang, 2))
else:
    goal_id = choice
    goal = goals.loc[goal_id]
    st.title(t("report_title", lang, n=goal["number"]) + f" – {md(goal[f'short_{lang}'])}")
    st.caption(t("report_intro", lang))
    st.page_link(nav.REPORT, label=t("open_report_all", lang), icon=":material/print:",
                 query_params={"goal": ALL, "lang": lang})
    st.markdown(f"«{md(goal['name_nb'])}»" + (f"  \n*{md(goal['name_en'])}* ({t('our_translation', lang)})" if lang == "en" else ""))
    goal_score_block(goal_id, lang, chart=False)
    show_markdown(score_block_texts(goal_id, lang)["table"])
    st.header(t("report_assessment", lang))
    st.markdown(intro_markdown(lang))
    show_markdown(goal_assessment_markdown(goal_id, lang, 2))
    st.header(t("goal_indicators", lang))
    show_markdown(goal_indicator_table(goal_id, lang, True))
st.caption(t("score_disclaimer", lang))
st.caption(t("report_generated", lang, build_id=info["build_id"], built=format_datetime(info["built_at"], lang)))
