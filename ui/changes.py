"""'What changed since the last data update': the figures new, changed or removed in this build (`changes`) and
the trend statuses that changed with them (`status_changes`), both as the build stored them. The texts and tables
are built once per warehouse version and language (ui.render_cache); a rerun only sends them."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import data, precision, scores
from ui.i18n import format_number, geo_name, t
from ui.render_cache import per_version
from ui.tables import markdown_table, page_url, show_markdown

MAX_ROWS = 200


@per_version
def what_changed_parts(lang: str) -> dict:
    """{"summary": text, "changes": Markdown table or None, "statuses": Markdown table or None}."""
    build = data.build_info()
    if pd.isna(build.get("previous_build_id")) or not build.get("previous_build_id"):
        return {"summary": t("changes_first_build", lang), "changes": None, "statuses": None}
    changes = data.changes()
    statuses = data.status_changes("NO")
    if changes.empty and statuses.empty:
        return {"summary": t("changes_none", lang), "changes": None, "statuses": None}
    counts = changes["change_kind"].value_counts()
    summary = t("changes_summary", lang, new=int(counts.get("new", 0)), changed=int(counts.get("changed", 0)),
                statuses=len(statuses), build_id=build["build_id"])
    names = data.indicators().set_index("indicator_id")[f"name_{lang}"]
    changes_md = statuses_md = None
    if not changes.empty:
        shown = changes.head(MAX_ROWS)
        units = precision.indicator_units()  # the figures at the publisher's precision (no text kept for old ones)
        changes_md = markdown_table(pd.DataFrame({
            t("col_indicator", lang): shown["indicator_id"].map(lambda i: names.get(i, i)),
            "url": shown["indicator_id"].map(lambda i: page_url("indicator", indicator=i, lang=lang)),
            t("col_geo", lang): shown["geo"].map(lambda g: geo_name(g, lang)),
            t("col_period", lang): shown["period"],
            t("col_change_kind", lang): shown["change_kind"].map(lambda k: t(f"change_{k}", lang)),
            t("col_old_value", lang): [precision.number_shown(v, units[i], lang) if i in units else format_number(v, lang)
                                       for v, i in zip(shown["old_value"], shown["indicator_id"])],
            t("col_new_value", lang): [precision.number_shown(v, units[i], lang) if i in units else format_number(v, lang)
                                       for v, i in zip(shown["new_value"], shown["indicator_id"])],
        }), links={t("col_indicator", lang): "url"}, label=t("changes_figures", lang))
    if not statuses.empty:
        statuses_md = markdown_table(pd.DataFrame({
            t("col_indicator", lang): statuses["indicator_id"].map(lambda i: names.get(i, i)),
            "url": statuses["indicator_id"].map(lambda i: page_url("indicator", indicator=i, lang=lang)),
            t("col_old_status", lang): statuses["old_status"].map(lambda s: scores.status_text(s, lang)),
            t("col_new_status", lang): statuses["new_status"].map(lambda s: scores.status_text(s, lang)),
        }), links={t("col_indicator", lang): "url"}, label=t("changes_statuses", lang))
    return {"summary": summary, "changes": changes_md, "statuses": statuses_md}


def what_changed(lang: str) -> None:
    st.subheader(t("what_changed", lang))
    parts = what_changed_parts(lang)
    st.write(parts["summary"])
    if parts["changes"]:
        with st.expander(t("changes_figures", lang)):
            show_markdown(parts["changes"])
    if parts["statuses"]:
        st.markdown(f"#### {t('changes_statuses', lang)}")
        show_markdown(parts["statuses"])
