"""What the explorer shows for one state (indicators, countries, years, index year, breakdowns) and language: the
messages, one frozen chart per unit with its sentence and table, the table of exactly what is shown and its
download files. Built once per warehouse version and state (the last MAX_STATES states are kept,
ui.render_cache); the widgets' options are built once per version. The page (ui/explorer_page.py) only sends them."""
from __future__ import annotations

import pandas as pd

from ui import data, precision
from ui.charts import frozen, line_chart, ordered_geos
from ui.downloads import file_payloads
from ui.explorer_view import VIEW_COLUMNS, index_to_base, select_observations
from ui.i18n import flag_names, format_number, geo_name, t
from ui.page import http_url, md, plain
from ui.render_cache import per_version, per_version_lru
from ui.styled_table import formatted_table
from ui.tables import markdown_table
from ui.url_state import ExplorerState

MAX_STATES = 64
INDEX_DECIMALS = 1  # an index to a base year (= 100): the monitor's own figure


@per_version
def options() -> dict:
    """The widgets' choices: indicators with data, countries, years, breakdowns (all and per indicator)."""
    observations = data.observations()
    catalog = data.indicators()
    has_data = set(observations["indicator_id"])
    with_breakdown = observations[observations["breakdown"] != ""]
    return {
        "indicators": list(catalog["indicator_id"]),
        "has_data": frozenset(has_data),
        "with_data": [i for i in catalog["indicator_id"] if i in has_data],
        "geos": ordered_geos(observations["geo"]),
        "years": sorted(int(y) for y in observations["year"].dropna().unique()),
        "breakdowns": sorted(b for b in observations["breakdown"].unique() if b),
        "breakdowns_of": {i: frozenset(part["breakdown"]) for i, part in with_breakdown.groupby("indicator_id")},
    }


def available_breakdowns(chosen) -> list[str]:
    """The breakdowns published for any of the chosen indicators, sorted."""
    of = options()["breakdowns_of"]
    return sorted(set().union(*(of.get(i, frozenset()) for i in chosen)))


@per_version
def indicator_labels(lang: str) -> dict:
    has_data = options()["has_data"]
    labels = {}
    for row in data.indicators().itertuples():
        label = f"{getattr(row, f'name_{lang}')} ({getattr(row, f'unit_label_{lang}')})"
        labels[row.indicator_id] = label if row.indicator_id in has_data else f"{label} – {t('explorer_no_data', lang)}"
    return labels


@per_version_lru(MAX_STATES)
def explorer_result(indicators: tuple, geos: tuple, year_from, year_to, index_year, breakdowns: tuple,
                    lang: str) -> dict:
    catalog = data.indicators().set_index("indicator_id")
    chosen = list(indicators)
    state = ExplorerState(indicators=chosen, geos=list(geos), year_from=year_from, year_to=year_to,
                          index_year=index_year, breakdowns=list(breakdowns))
    selected = select_observations(data.observations(), state)
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

    warning = None
    if missing:
        names = "; ".join(plain(series_name(*key.split("|"), True), 120) for key in missing[:10])
        if len(missing) > 10:
            names += " " + t("url_problems_more", lang, n=len(missing) - 10)
        warning = t("explorer_missing_base", lang, year=index_year, series=names)

    absent = [i for i in chosen if i not in set(selected["indicator_id"])]
    info = t("explorer_no_rows", lang, names="; ".join(md(catalog.loc[i, f"name_{lang}"]) for i in absent)) if absent else None

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
    # Each figure as shown (charts' hover, their sentences and tables, the table): at the publisher's precision from
    # its value as written (ui.precision); an index to a base year is the monitor's own, shown with one decimal.
    texts = selected["value_text"].reset_index(drop=True)
    shown = pd.Series([precision.value_shown(v, u, lang, x) for v, u, x in zip(view["value"], view["unit_id"], texts)],
                      dtype=object)
    if index_year is not None:
        shown = view["index_value"].map(lambda v: format_number(v, lang, decimals=INDEX_DECIMALS))

    charts = []
    kinds = dict(zip(catalog["unit_id"], catalog["unit_kind"]))
    for unit_id, part in view.groupby("unit_id", sort=False):
        kind = kinds.get(unit_id, "index")
        many = part["indicator_id"].nunique() > 1
        value_column = "index_value" if index_year is not None else "value"
        chart_frame = pd.DataFrame({
            "year": part["year"], "value": part[value_column], "shown": shown[part.index],
            "series": [series_name(r.indicator_id, r.geo, r.breakdown, many) for r in part.itertuples()],
        })
        unit_label = part["unit"].iloc[0]
        y_title = t("explorer_index_axis", lang, year=index_year, unit=unit_label) if index_year is not None else unit_label
        shown_kind = "index" if index_year is not None else kind
        # One sentence: how many series, the years, and the highest and lowest value in the latest year shown.
        last_year = int(chart_frame["year"].max())
        latest = chart_frame[chart_frame["year"] == last_year].sort_values("value")
        common = {"n": chart_frame["series"].nunique(), "unit": md(y_title), "first": int(chart_frame["year"].min()),
                  "last": last_year}
        if shown_kind == "rank":  # rank 1 is best
            summary = t("explorer_summary_rank", lang, **common,
                        best=md(latest.iloc[0]["series"]), best_value=latest.iloc[0]["shown"],
                        worst=md(latest.iloc[-1]["series"]), worst_value=latest.iloc[-1]["shown"])
        else:
            summary = t("explorer_summary", lang, **common,
                        high=md(latest.iloc[-1]["series"]), high_value=latest.iloc[-1]["shown"],
                        low=md(latest.iloc[0]["series"]), low_value=latest.iloc[0]["shown"])
        title = t("explorer_chart_title", lang, unit=unit_label)
        fig = line_chart(chart_frame, series="series", title=title, y_title=y_title, lang=lang,
                         rank=kind == "rank" and index_year is None, hover="shown")
        table = chart_frame.pivot_table(index="series", columns="year", values="shown", aggfunc="first", sort=False)
        table = table.map(lambda v: "–" if pd.isna(v) else v).reset_index()
        table["series"] = table["series"].map(md)
        table.columns = [t("explorer_series", lang)] + [str(c) for c in table.columns[1:]]
        charts.append({"unit_id": unit_id, "summary": f"**{summary}**", "figure": frozen(fig),
                       "table_label": t("explorer_chart_table", lang, unit=md(unit_label)),
                       "table": markdown_table(table, label=t("explorer_chart_table", lang, unit=unit_label))})

    # The table: each value at its precision (rows grouped by the decimals they are shown with), the index as above.
    places = pd.Series([precision.places(u, precision.exact(v, x)) for v, u, x in zip(view["value"], view["unit_id"], texts)],
                       dtype="int64")
    value_formats = [(list(rows.index), lambda v, d=d: format_number(v, lang, decimals=d))
                     for d, rows in places.groupby(places)]
    index_format = lambda v: format_number(v, lang, decimals=INDEX_DECIMALS)  # noqa: E731
    return {"warning": warning, "info": info, "charts": charts, "view": view,
            "table": formatted_table(view.assign(source_url=view["source_url"].map(http_url)),   # links: http(s) only
                                     {"value": value_formats, "index_value": index_format}),
            "downloads": file_payloads(view, "monitor-explorer")}
