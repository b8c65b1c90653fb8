"""The strategy's seven prioritised life events, and what the data say about each (or plainly: nothing yet)."""
import pandas as pd
import streamlit as st

from ui import data
from ui.i18n import format_value, t
from ui.page import current_lang
from ui.tables import markdown_table, page_url

lang = current_lang()
st.title(t("life_title", lang))
st.write(t("life_intro", lang))

events = data.query("SELECT * FROM life_events")
catalog = data.indicators()
latest = data.indicator_scores("NO").set_index("indicator_id")

sources = sorted(set(events["source_url"].dropna()))
secondary = bool(events["secondary"].any()) if "secondary" in events else True
st.info(t("life_secondary" if secondary else "life_primary", lang,
          links=", ".join(f"[{url.split('/')[2]}]({url})" for url in sources)))

summary_rows = []
for event in events.itertuples():
    ids = [i for i in catalog.itertuples()
           if event.life_event_id in [e for e in str(i.life_events or "").split(";") if e]]
    summary_rows.append((event, ids))

covered = sum(1 for _, ids in summary_rows if ids)
st.markdown(f"**{t('life_summary', lang, covered=covered, total=len(summary_rows))}**")

for event, ids in summary_rows:
    name = getattr(event, f"name_{lang}")
    st.header(name, anchor=event.life_event_id.replace("_", "-"))
    lines = []
    if lang == "en":
        lines.append(t("life_as_reported", lang, name=event.name_nb))
    if getattr(event, "ministry", None):
        lines.append(t("life_ministry", lang, ministry=event.ministry))
    if lines:
        st.caption(" · ".join(lines))
    if not ids:
        st.markdown(t("life_no_indicator", lang))
        continue
    rows = []
    for ind in ids:
        has = ind.indicator_id in latest.index and pd.notna(latest.loc[ind.indicator_id, "latest_value"])
        row = latest.loc[ind.indicator_id] if has else None
        rows.append({
            t("col_indicator", lang): getattr(ind, f"name_{lang}"),
            "url": page_url("indicator", indicator=ind.indicator_id, lang=lang),
            t("col_latest", lang): format_value(row["latest_value"], ind.unit_kind, lang) if has else t("no_norway_value", lang),
            t("col_period", lang): row["latest_period"] if has else "–",
            t("col_unit", lang): getattr(ind, f"unit_label_{lang}"),
            t("col_goal", lang): t("goal_n", lang, n=ind.goal_number),
        })
    st.markdown(t("life_indicators", lang, n=len(rows)))
    st.markdown(markdown_table(pd.DataFrame(rows), links={t("col_indicator", lang): "url"}))
