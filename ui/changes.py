"""'What changed since the last data update': new and changed figures from the latest build, and the trend
statuses they changed (statuses computed on the previous figures versus the current ones)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from indicators import scoring
from ui import data, scores
from ui.i18n import format_number, geo_name, t
from ui.tables import markdown_table, page_url


def previous_observations(current: pd.DataFrame, changes: pd.DataFrame) -> pd.DataFrame:
    """The preferred totals as they were before the latest build: new rows removed, old values restored."""
    key = ["indicator_id", "geo", "breakdown", "period"]
    marked = current.merge(changes[key + ["change_kind", "old_value"]], on=key, how="left")
    before = marked[marked["change_kind"] != "new"].copy()
    changed = before["change_kind"] == "changed"
    before.loc[changed, "value"] = before.loc[changed, "old_value"]
    removed = changes[changes["change_kind"] == "removed"].rename(columns={"old_value": "value"})
    removed = removed.assign(is_preferred=True)[current.columns]
    return pd.concat([before[current.columns], removed], ignore_index=True)


def status_changes(changes: pd.DataFrame) -> pd.DataFrame:
    obs, indicators = data.scoring_inputs()
    touched = sorted(set(changes["indicator_id"]))
    if not touched:
        return pd.DataFrame(columns=["indicator_id", "old_status", "new_status"])
    subset = indicators[indicators["indicator_id"].isin(touched)]
    now = scoring.score_indicators(obs, subset)[["indicator_id", "status"]]
    before = scoring.score_indicators(previous_observations(obs, changes[changes["breakdown"] == ""]), subset)
    merged = now.merge(before[["indicator_id", "status"]], on="indicator_id", suffixes=("", "_old"))
    merged = merged[merged["status"] != merged["status_old"]]
    return merged.rename(columns={"status": "new_status", "status_old": "old_status"})


def what_changed(lang: str) -> None:
    st.subheader(t("what_changed", lang))
    runs = data.query("SELECT count(*) AS n FROM etl_runs")["n"].iloc[0]
    changes = data.query("SELECT * FROM changes")
    if runs <= 1:
        st.write(t("changes_first_build", lang))
        return
    if changes.empty:
        st.write(t("changes_none", lang))
        return
    statuses = status_changes(changes)
    counts = changes["change_kind"].value_counts()
    st.write(t("changes_summary", lang, new=int(counts.get("new", 0)), changed=int(counts.get("changed", 0)),
               statuses=len(statuses), build_id=changes["build_id"].iloc[0]))
    names = data.indicators().set_index("indicator_id")[f"name_{lang}"]
    shown = changes.head(200)
    with st.expander(t("what_changed", lang)):
        st.markdown(markdown_table(pd.DataFrame({
        t("col_indicator", lang): shown["indicator_id"].map(names),
        "url": shown["indicator_id"].map(lambda i: page_url("indicator", indicator=i, lang=lang)),
        t("col_geo", lang): shown["geo"].map(lambda g: geo_name(g, lang)),
        t("col_period", lang): shown["period"],
        t("col_change_kind", lang): shown["change_kind"].map(lambda k: t(f"change_{k}", lang)),
        t("col_old_value", lang): shown["old_value"].map(lambda v: format_number(v, lang)),
        t("col_new_value", lang): shown["new_value"].map(lambda v: format_number(v, lang)),
        }), links={t("col_indicator", lang): "url"}))
    if not statuses.empty:
        st.markdown(markdown_table(pd.DataFrame({
            t("col_indicator", lang): statuses["indicator_id"].map(names),
            "url": statuses["indicator_id"].map(lambda i: page_url("indicator", indicator=i, lang=lang)),
            t("col_old_status", lang): statuses["old_status"].map(lambda s: scores.status_text(s, lang)),
            t("col_new_status", lang): statuses["new_status"].map(lambda s: scores.status_text(s, lang)),
        }), links={t("col_indicator", lang): "url"}))
