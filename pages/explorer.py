"""Explorer: any indicators × any countries on one chart per unit, optional index to a base year, breakdowns,
a sortable table of exactly what is shown, downloads of it, and a bundle of all the data. State in the URL."""
from functools import partial

import pandas as pd
import streamlit as st

from ui import data
from ui.charts import line_chart, ordered_geos
from ui.downloads import download_buttons
from ui.bundle import indicator_csv, warehouse_bundle
from ui.explorer_view import VIEW_COLUMNS, index_to_base, select_observations
from ui.i18n import flag_names, format_number, format_value, geo_name, t
from ui.page import current_lang, plain, show_problems
from ui.tables import markdown_table
from ui.url_state import MAX_GEOS, MAX_INDICATORS, ExplorerState, parse_state, problem_message, sync_params

DEFAULT_INDICATORS = ["egdi_value", "egdi_rank"]
DEFAULT_GEOS = ["NO", "SE", "DK", "FI", "EU27"]

lang = current_lang()
catalog = data.indicators().set_index("indicator_id")
observations = data.observations()
has_data = set(observations["indicator_id"])
with_data = [i for i in catalog.index if i in has_data]
all_geos = ordered_geos(observations["geo"])
years = sorted(int(y) for y in observations["year"].dropna().unique())
all_breakdowns = sorted(b for b in observations["breakdown"].unique() if b)

st.title(t("explorer_title", lang))
st.write(t("explorer_intro", lang))

params = {k: st.query_params.get(k) for k in st.query_params}
state, problems = parse_state(params, indicators=list(catalog.index), geos=all_geos, years=years,
                              breakdowns=all_breakdowns)
messages = [problem_message(problem, lang) for problem in problems]  # shown once, below, with the others

if not state.indicators and "indicators" not in params:
    state.indicators = [i for i in DEFAULT_INDICATORS if i in with_data] or with_data[:1]
if not state.geos and "geo" not in params:
    state.geos = [g for g in DEFAULT_GEOS if g in all_geos]


def indicator_label(indicator_id: str) -> str:
    row = catalog.loc[indicator_id]
    label = f"{row[f'name_{lang}']} ({row[f'unit_label_{lang}']})"
    return label if indicator_id in has_data else f"{label} – {t('explorer_no_data', lang)}"


chosen = st.multiselect(t("explorer_indicators", lang), list(catalog.index), default=state.indicators,
                        format_func=indicator_label, max_selections=MAX_INDICATORS, key="explorer_indicators",
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

available_breakdowns = sorted(observations.loc[observations["indicator_id"].isin(chosen) & (observations["breakdown"] != ""),
                                               "breakdown"].unique())
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

selected = select_observations(observations, current)
missing: list[str] = []
if index_year is not None:
    selected, missing = index_to_base(selected, index_year)


def series_name(indicator_id: str, geo: str, breakdown: str, many_indicators: bool) -> str:
    parts = [geo_name(geo, lang)]
    if many_indicators:
        parts.append(catalog.loc[indicator_id, f"name_{lang}"])
    if breakdown:
        parts.append(breakdown)
    return " · ".join(parts)


if missing:
    names = "; ".join(plain(series_name(*key.split("|"), True), 120) for key in missing[:10])
    if len(missing) > 10:
        names += " " + t("url_problems_more", lang, n=len(missing) - 10)
    st.warning(t("explorer_missing_base", lang, year=index_year, series=names))

absent = [i for i in chosen if i not in set(selected["indicator_id"])]
if absent:
    st.info(t("explorer_no_rows", lang, names="; ".join(catalog.loc[i, f"name_{lang}"] for i in absent)))

# The view: exactly the rows in the charts and the table, in a stable order.
geo_rank = {g: n for n, g in enumerate(ordered_geos(selected["geo"]))}
selected = selected.assign(_g=selected["geo"].map(geo_rank),
                           _i=selected["indicator_id"].map({i: n for n, i in enumerate(chosen)}))
selected = selected.sort_values(["_i", "_g", "breakdown", "year", "period"]).drop(columns=["_g", "_i"])
view = pd.DataFrame({
    "indicator_id": selected["indicator_id"],
    "indicator": selected["indicator_id"].map(lambda i: catalog.loc[i, f"name_{lang}"]),
    "unit_id": selected["unit_id"],
    "unit": selected["unit_id"].map(dict(zip(catalog["unit_id"], catalog[f"unit_label_{lang}"]))),
    "geo": selected["geo"],
    "geo_name": selected["geo"].map(lambda g: geo_name(g, lang)),
    "breakdown": selected["breakdown"],
    "period": selected["period"],
    "year": selected["year"].astype("int64"),
    "value": selected["value"],
    "flags": selected["flags"].fillna("").map(lambda f: flag_names(f, lang)),
    "source": selected["source_org"] + " – " + selected["source_dataset"],
    "source_url": selected["source_url"],
}, columns=VIEW_COLUMNS)
if index_year is not None:
    view.insert(view.columns.get_loc("value") + 1, "index_value", selected["index_value"].round(2))
view = view.reset_index(drop=True)

st.subheader(t("explorer_charts", lang))
kinds = dict(zip(catalog["unit_id"], catalog["unit_kind"]))
for unit_id, part in view.groupby("unit_id", sort=False):
    kind = kinds.get(unit_id, "index")
    many = part["indicator_id"].nunique() > 1
    value_column = "index_value" if index_year is not None else "value"
    chart_frame = pd.DataFrame({
        "year": part["year"], "value": part[value_column],
        "series": [series_name(r.indicator_id, r.geo, r.breakdown, many) for r in part.itertuples()],
    })
    unit_label = part["unit"].iloc[0]
    y_title = t("explorer_index_axis", lang, year=index_year, unit=unit_label) if index_year is not None else unit_label
    shown_kind = "index" if index_year is not None else kind
    # One sentence: how many series, the years, and the highest and lowest value in the latest year shown.
    last_year = int(chart_frame["year"].max())
    latest = chart_frame[chart_frame["year"] == last_year].sort_values("value")
    fmt = lambda v: format_value(v, shown_kind, lang) if index_year is None else format_number(round(v, 1), lang)  # noqa: E731
    common = {"n": chart_frame["series"].nunique(), "unit": y_title, "first": int(chart_frame["year"].min()),
              "last": last_year}
    if shown_kind == "rank":  # rank 1 is best
        summary = t("explorer_summary_rank", lang, **common,
                    best=latest.iloc[0]["series"], best_value=fmt(latest.iloc[0]["value"]),
                    worst=latest.iloc[-1]["series"], worst_value=fmt(latest.iloc[-1]["value"]))
    else:
        summary = t("explorer_summary", lang, **common,
                    high=latest.iloc[-1]["series"], high_value=fmt(latest.iloc[-1]["value"]),
                    low=latest.iloc[0]["series"], low_value=fmt(latest.iloc[0]["value"]))
    st.markdown(f"**{summary}**")
    title = t("explorer_chart_title", lang, unit=unit_label)
    fig = line_chart(chart_frame, series="series", title=title, y_title=y_title, lang=lang,
                     rank=kind == "rank" and index_year is None)
    st.plotly_chart(fig, config={"displaylogo": False}, key=f"explorer_chart_{unit_id}")
    with st.expander(t("explorer_chart_table", lang, unit=unit_label)):
        table = chart_frame.pivot_table(index="series", columns="year", values="value", aggfunc="first", sort=False)
        table = table.map(lambda v: "–" if pd.isna(v) else fmt(v)).reset_index()
        table.columns = [t("explorer_series", lang)] + [str(c) for c in table.columns[1:]]
        st.markdown(markdown_table(table))

st.subheader(t("explorer_table", lang))
st.caption(t("explorer_table_caption", lang, n=len(view)))
labels = {c: t(f"explorer_col_{c}", lang) for c in view.columns}
styled = view.style.format({c: (lambda v: format_number(v, lang)) for c in ("value", "index_value") if c in view.columns})
st.dataframe(styled, hide_index=True, column_config={
    **{c: st.column_config.Column(label) for c, label in labels.items()},
    "source_url": st.column_config.LinkColumn(labels["source_url"]),
    "year": st.column_config.NumberColumn(labels["year"], format="%d"),
}, key="explorer_table")

st.subheader(t("explorer_download", lang))
st.caption(t("explorer_download_note", lang))
download_buttons(view, "monitor-explorer", lang)

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
