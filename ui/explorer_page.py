"""The explorer page's body (pages/explorer.py calls `show`): any indicators × any countries on one chart per unit,
optional index to a base year, breakdowns, a sortable table of exactly what is shown, downloads of it, and a bundle
of all the data. State in the URL. What it shows is built once per state (ui.explorer_render); this module only
reads the choices and sends it. It lives here rather than in the page file because Streamlit compiles a page file
again whenever a replica has had no open session, and a module is compiled once per process."""
from functools import partial

import streamlit as st

from ui.bundle import indicator_csv, warehouse_bundle
from ui.downloads import download_buttons_for
from ui.explorer_render import available_breakdowns as breakdowns_for, explorer_result, indicator_labels, options
from ui.i18n import geo_name, t
from ui.page import current_lang, show_problems
from ui.tables import show_markdown
from ui.url_state import MAX_GEOS, MAX_INDICATORS, ExplorerState, parse_state, problem_message, sync_params

DEFAULT_INDICATORS = ["egdi_value", "egdi_rank"]
DEFAULT_GEOS = ["NO", "SE", "DK", "FI", "EU27"]
TABS = ("explorer_charts", "explorer_table", "explorer_download")   # text keys of the tabs, in order
TAB_KEY = "explorer_tab"   # the open tab's label, in session state


def show() -> None:
    """The explorer page: widgets whose state lives in the URL, the charts, the table, the downloads."""
    lang = current_lang()
    choices = options()
    indicators = list(choices["indicators"])
    with_data = list(choices["with_data"])
    all_geos = list(choices["geos"])
    years = list(choices["years"])
    all_breakdowns = list(choices["breakdowns"])

    st.title(t("explorer_title", lang))
    st.write(t("explorer_intro", lang))

    params = {k: st.query_params.get(k) for k in st.query_params}
    state, problems = parse_state(params, indicators=indicators, geos=all_geos, years=years,
                                  breakdowns=all_breakdowns)
    messages = [problem_message(problem, lang) for problem in problems]  # shown once, below, with the others

    if not state.indicators and "indicators" not in params:
        state.indicators = [i for i in DEFAULT_INDICATORS if i in with_data] or with_data[:1]
    if not state.geos and "geo" not in params:
        state.geos = [g for g in DEFAULT_GEOS if g in all_geos]

    chosen = st.multiselect(t("explorer_indicators", lang), indicators, default=state.indicators,
                            format_func=indicator_labels(lang).__getitem__, max_selections=MAX_INDICATORS, key="explorer_indicators",
                            placeholder=t("explorer_choose", lang))
    geos = st.multiselect(t("explorer_geos", lang), all_geos, default=state.geos, format_func=lambda g: f"{geo_name(g, lang)} ({g})",
                          max_selections=MAX_GEOS, key="explorer_geos", placeholder=t("explorer_choose", lang))
    left, middle, right = st.columns(3)
    year_options = years or [2019]
    year_from = left.selectbox(t("explorer_from", lang), year_options,
                               index=year_options.index(state.year_from) if state.year_from in year_options else 0,
                               key="explorer_from")
    to_options = [y for y in year_options if y >= year_from]
    year_to = middle.selectbox(t("explorer_to", lang), to_options,
                               index=to_options.index(state.year_to) if state.year_to in to_options else len(to_options) - 1,
                               key="explorer_to")
    index_options = [None] + [y for y in year_options if year_from <= y <= year_to]
    index_year = right.selectbox(t("explorer_index", lang), index_options,
                                 index=index_options.index(state.index_year) if state.index_year in index_options else 0,
                                 format_func=lambda y: t("explorer_no_index", lang) if y is None else str(y),
                                 key="explorer_index")
    if state.index_year is not None and state.index_year not in index_options:
        messages.append(t("explorer_index_outside", lang, year=state.index_year))
    show_problems(messages, lang)

    available_breakdowns = breakdowns_for(chosen)
    breakdowns: list[str] = []
    if available_breakdowns:
        breakdowns = st.multiselect(t("explorer_breakdowns", lang), available_breakdowns,
                                    default=[b for b in state.breakdowns if b in available_breakdowns],
                                    key="explorer_breakdowns", help=t("explorer_breakdowns_help", lang))

    current = ExplorerState(indicators=list(chosen), geos=list(geos), year_from=year_from, year_to=year_to,
                            index_year=index_year, breakdowns=list(breakdowns))
    sync_params(current)

    if not chosen or not geos:
        st.info(t("explorer_pick_something", lang))
        st.stop()

    result = explorer_result(tuple(chosen), tuple(geos), year_from, year_to, index_year, tuple(breakdowns), lang)
    if result["warning"]:
        st.warning(result["warning"])
    if result["info"]:
        st.info(result["info"])
    view = result["view"]

    # Charts, table and downloads in tabs whose hidden content does not run (on_change="rerun"): a new viewer gets
    # the charts without paying for the sortable table and the download files (the product's "tabs: table,
    # download"); switching tabs reruns the page in the same session.
    charts_tab, table_tab, download_tab = st.tabs([t(key, lang) for key in TABS], key=TAB_KEY, on_change="rerun")
    with charts_tab:
        if charts_tab.open:
            for chart in result["charts"]:
                st.markdown(chart["summary"])
                st.plotly_chart(chart["figure"], config={"displaylogo": False},
                                key=f"explorer_chart_{chart['unit_id']}")
                with st.expander(chart["table_label"]):
                    show_markdown(chart["table"])
    with table_tab:
        if table_tab.open:
            st.caption(t("explorer_table_caption", lang, n=len(view)))
            labels = {c: t(f"explorer_col_{c}", lang) for c in view.columns}
            st.dataframe(result["table"], hide_index=True, column_config={
                **{c: st.column_config.Column(label) for c, label in labels.items()},
                "source_url": st.column_config.LinkColumn(labels["source_url"]),
                "year": st.column_config.NumberColumn(labels["year"], format="%d"),
            }, key="explorer_table")
    with download_tab:
        if download_tab.open:
            _downloads(result, chosen, lang)


def _downloads(result, chosen: list[str], lang: str) -> None:
    st.caption(t("explorer_download_note", lang))
    download_buttons_for(result["downloads"], "monitor-explorer", lang)

    st.subheader(t("explorer_published_files", lang))
    st.caption(t("explorer_published_note", lang))
    published = st.columns(min(len(chosen), 4))
    for n, indicator_id in enumerate(chosen):
        published[n % len(published)].download_button(
            f"{indicator_id}.csv", partial(indicator_csv, indicator_id), file_name=f"{indicator_id}.csv",
            mime="text/csv", key=f"explorer_published_{indicator_id}", on_click="ignore")

    st.subheader(t("explorer_bundle", lang))
    st.write(t("explorer_bundle_note", lang))
    st.download_button(t("explorer_bundle_button", lang), warehouse_bundle, file_name="monitor-all-data.zip",
                       mime="application/zip", key="explorer_bundle", on_click="ignore")
