"""Every data source: publisher, licence, link, last update, number of observations and how its last refresh went."""
import pandas as pd
import streamlit as st

from ui import data
from ui.downloads import download_buttons
from ui.i18n import format_datetime, format_number, t
from ui.page import current_lang


def when(value, lang: str) -> str:
    if value is None or pd.isna(value):
        return t("sources_never", lang)
    return format_datetime(pd.Timestamp(value), lang)


lang = current_lang()
st.title(t("sources_title", lang))
st.write(t("sources_intro", lang))

tables = data.table_names()
build = data.build_info()
sources = data.query("""
    SELECT s.source_id, s.source_org, s.source_dataset, s.source_url, s.licence, s.origin_kind, s.source,
           s.n_observations, max(NULLIF(o.published, '')) AS last_published, arg_max(o.period, o.year) AS last_period
    FROM sources s LEFT JOIN observations o
      ON o.source_org = s.source_org AND o.source_dataset = s.source_dataset AND o.source_url = s.source_url
     AND o.origin_kind = s.origin_kind
    GROUP BY ALL ORDER BY s.source_org, s.source_dataset, s.source_url""")
status = data.query("SELECT * FROM source_status ORDER BY source") if "source_status" in tables else None
by_source = {} if status is None else {row["source"]: row for _, row in status.iterrows()}


def refresh_status(row) -> str:
    if row["origin_kind"] != "live" or not row["source"]:
        return t("sources_curated", lang)
    entry = by_source.get(row["source"])
    if entry is None:
        return t("sources_live_unknown", lang, source=row["source"])
    text = t("sources_live_status", lang, source=row["source"], success=when(entry["last_success"], lang),
             attempt=when(entry["last_attempt"], lang))
    if entry.get("last_error"):
        text += " " + t("sources_last_error", lang, error=str(entry["last_error"])[:200])
    return text


def last_update(row) -> str:
    if row["last_published"]:
        return t("sources_published", lang, date=row["last_published"])
    if row["last_period"]:
        return t("sources_period", lang, period=row["last_period"])
    return t("sources_built", lang, date=when(build["built_at"], lang))


table = pd.DataFrame({
    t("sources_col_publisher", lang): sources["source_org"],
    t("sources_col_dataset", lang): sources["source_dataset"],
    t("sources_col_licence", lang): sources["licence"].fillna("").replace({"": t("sources_unknown", lang),
                                                                           "unknown": t("sources_unknown", lang)}),
    t("sources_col_link", lang): sources["source_url"],
    t("sources_col_updated", lang): sources.apply(last_update, axis=1),
    t("sources_col_n", lang): sources["n_observations"].astype("int64"),
    t("sources_col_status", lang): sources.apply(refresh_status, axis=1),
})
n_live = int((sources["origin_kind"] == "live").sum())
st.markdown("**" + t("sources_summary", lang, n=format_number(len(sources), lang),
                     publishers=format_number(sources["source_org"].nunique(), lang),
                     obs=format_number(int(sources["n_observations"].sum()), lang),
                     live=format_number(n_live, lang)) + "**")
st.dataframe(table, hide_index=True, column_config={
    t("sources_col_link", lang): st.column_config.LinkColumn(t("sources_col_link", lang))}, key="sources_table")
download_buttons(table, "monitor-sources", lang)

st.subheader(t("sources_refresh", lang))
if status is None or status.empty:
    st.write(t("sources_no_refresh", lang))
else:
    refresh = pd.DataFrame({
        t("sources_col_source", lang): status["source"],
        t("sources_col_success", lang): status["last_success"].map(lambda v: when(v, lang)),
        t("sources_col_attempt", lang): status["last_attempt"].map(lambda v: when(v, lang)),
        t("sources_col_rows", lang): status["row_count"] if "row_count" in status else "",
        t("sources_col_error", lang): status["last_error"].fillna("").replace({"": "–"}),
    })
    st.dataframe(refresh, hide_index=True, key="sources_refresh")
