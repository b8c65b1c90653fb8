"""International comparison: Norway's rank over time in the UN EGDI, the EU eGovernment Benchmark and the OECD
Digital Government Index, and Norway against Sweden, Denmark, Finland and EU27 wherever peers are published."""
import pandas as pd
import streamlit as st

from ui import data
from ui.charts import indicator_summary, line_chart, ordered_geos
from ui.downloads import download_buttons
from ui.i18n import format_value, geo_name, t
from ui.page import current_lang
from ui.url_state import choose
from ui.tables import markdown_table, page_url

COMPARE_GEOS = ["NO", "SE", "DK", "FI", "EU27"]
# The three international rankings, in order of preference for each; the first id present in the catalogue is used.
RANKINGS = {
    "egdi": ["egdi_rank"],
    "egovbench": ["egovbench_rank", "egovbench_overall_rank"],
    "oecd_dgi": ["oecd_dgi_rank"],
}

lang = current_lang()
catalog = data.indicators().set_index("indicator_id")
totals = data.query("""SELECT indicator_id, geo, period, year, value, flags FROM observations
                       WHERE is_preferred AND breakdown = '' ORDER BY indicator_id, geo, year, period""")

st.title(t("compare_title", lang))
st.write(t("compare_intro", lang))

# ---- Norway's rank in the three international rankings ---------------------------------------------------------
st.header(t("compare_ranks", lang))
rank_ids = {}
for ranking, candidates in RANKINGS.items():
    present = [i for i in candidates if i in catalog.index]
    if not present:  # the closest rank indicator for this ranking, if the catalogue names it differently
        present = [i for i in catalog.index if i.startswith(ranking) and catalog.loc[i, "unit_kind"] == "rank"]
    if present:
        rank_ids[ranking] = present[0]
ranks = totals[totals["indicator_id"].isin(rank_ids.values()) & (totals["geo"] == "NO")].copy()
if ranks.empty:
    st.info(t("compare_no_ranks", lang))
else:
    ranks["series"] = ranks["indicator_id"].map(lambda i: catalog.loc[i, f"name_{lang}"])
    order = {i: n for n, i in enumerate(rank_ids.values())}
    ranks = ranks.sort_values(["indicator_id", "year"], key=lambda s: s.map(order) if s.name == "indicator_id" else s)
    sentences = []
    for indicator_id, part in ranks.groupby("indicator_id", sort=False):
        first, last = part.iloc[0], part.iloc[-1]
        sentences.append(t("compare_rank_sentence", lang, name=catalog.loc[indicator_id, f"name_{lang}"],
                           first=format_value(first["value"], "rank", lang), first_year=first["period"],
                           last=format_value(last["value"], "rank", lang), last_year=last["period"]))
    st.markdown("**" + " ".join(sentences) + "**")
    st.plotly_chart(line_chart(ranks, series="series", title=t("compare_ranks_chart", lang),
                               y_title=t("compare_rank_axis", lang), lang=lang, rank=True),
                    config={"displaylogo": False}, key="compare_ranks_chart")
    rank_table = ranks.pivot_table(index="period", columns="series", values="value", aggfunc="first", sort=False)
    rank_table = rank_table.sort_index().map(lambda v: "–" if pd.isna(v) else format_value(v, "rank", lang))
    rank_table = rank_table.reset_index().rename(columns={"period": t("col_period", lang)})
    st.markdown(markdown_table(rank_table))
    st.caption(t("compare_rank_note", lang))
    missing = [r for r in RANKINGS if r not in rank_ids or rank_ids[r] not in set(ranks["indicator_id"])]
    if missing:
        st.caption(t("compare_rank_missing", lang, names=", ".join(t(f"compare_ranking_{m}", lang) for m in missing)))

# ---- Norway against the peers ----------------------------------------------------------------------------------
st.header(t("compare_peers", lang))
with_peers = []
for indicator_id, part in totals.groupby("indicator_id", sort=False):
    geos = set(part["geo"])
    if "NO" in geos and geos & set(COMPARE_GEOS[1:]) and indicator_id in catalog.index:
        with_peers.append(indicator_id)
with_peers.sort(key=lambda i: (catalog.loc[i, "goal_number"], i))

if not with_peers:
    st.info(t("compare_no_peers", lang))
    st.stop()

st.write(t("compare_peers_intro", lang, n=len(with_peers)))
rows = []
for indicator_id in with_peers:
    part = totals[(totals["indicator_id"] == indicator_id) & totals["geo"].isin(COMPARE_GEOS)]
    norway_years = set(part.loc[part["geo"] == "NO", "year"])
    peer_years = set(part.loc[part["geo"] != "NO", "year"])
    year = max(norway_years & peer_years or norway_years)  # the latest year with Norway and a peer, if any
    same_year = part[part["year"] == year].drop_duplicates("geo").set_index("geo")
    kind = catalog.loc[indicator_id, "unit_kind"]
    row = {t("col_indicator", lang): catalog.loc[indicator_id, f"name_{lang}"],
           "url": page_url("indicator", indicator=indicator_id, lang=lang),
           t("col_period", lang): same_year.loc["NO", "period"]}
    for geo in COMPARE_GEOS:
        row[geo_name(geo, lang)] = format_value(same_year.loc[geo, "value"], kind, lang) if geo in same_year.index else "–"
    rows.append(row)
overview = pd.DataFrame(rows)
st.caption(t("compare_table_caption", lang))
st.markdown(markdown_table(overview, links={t("col_indicator", lang): "url"}))

st.subheader(t("compare_one", lang))
indicator_id = choose("indicator", with_peers, label=t("choose_indicator", lang), lang=lang,
                      unknown_key="unknown_indicator", key="compare_indicator",
                      format_func=lambda i: catalog.loc[i, f"name_{lang}"])
ind = catalog.loc[indicator_id]
kind = ind["unit_kind"]
frame = totals[(totals["indicator_id"] == indicator_id) & totals["geo"].isin(COMPARE_GEOS)]
st.markdown(f"**{indicator_summary(frame, kind, lang)}**")
st.plotly_chart(line_chart(frame, series="geo", series_label=lambda g: geo_name(g, lang),
                           title=t("chart_title", lang, name=ind[f"name_{lang}"]), y_title=ind[f"unit_label_{lang}"],
                           lang=lang, rank=kind == "rank"), config={"displaylogo": False}, key="compare_chart")
table = frame.pivot_table(index="period", columns="geo", values="value", aggfunc="first")
table = table[[g for g in ordered_geos(table.columns)]].sort_index()
table = table.map(lambda v: "–" if pd.isna(v) else format_value(v, kind, lang))
table.columns = [geo_name(g, lang) for g in table.columns]
st.markdown(markdown_table(table.reset_index().rename(columns={"period": t("col_period", lang)})))
st.page_link("pages/indicator.py", label=t("compare_open_indicator", lang), icon=":material/arrow_forward:",
             query_params={"indicator": indicator_id, "lang": lang})
export = frame[["indicator_id", "geo", "period", "year", "value", "flags"]].reset_index(drop=True)
download_buttons(export, f"compare-{indicator_id}", lang)
