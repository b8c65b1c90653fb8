"""What the international comparison shows, built once per warehouse version and language (ui.render_cache):
Norway's rank in the three international rankings (sentence, frozen chart, table) and Norway against Sweden,
Denmark, Finland and EU27 (the overview table, then per indicator the sentence, chart, table and download files).
The page (pages/compare.py) only sends them."""
from __future__ import annotations

import pandas as pd

from ui import data
from ui.charts import frozen, indicator_summary, line_chart, ordered_geos, shown_column
from ui.downloads import file_payloads
from ui.i18n import geo_name, t
from ui.render_cache import per_version, per_version_resource
from ui.tables import markdown_table, page_url

COMPARE_GEOS = ["NO", "SE", "DK", "FI", "EU27"]
# The three international rankings, in order of preference for each; the first id present in the catalogue is used.
RANKINGS = {
    "egdi": ["egdi_rank"],
    "egovbench": ["egovbench_rank", "egovbench_overall_rank"],
    "oecd_dgi": ["oecd_dgi_rank"],
}


def _catalog() -> pd.DataFrame:
    return data.indicators().set_index("indicator_id")


def _totals() -> pd.DataFrame:
    return data.query("""SELECT indicator_id, geo, period, year, value, value_text, unit_id, flags FROM observations
                         WHERE is_preferred AND breakdown = '' ORDER BY indicator_id, geo, year, period""")



def _rank_ids(catalog: pd.DataFrame) -> dict[str, str]:
    rank_ids = {}
    for ranking, candidates in RANKINGS.items():
        present = [i for i in candidates if i in catalog.index]
        if not present:  # the closest rank indicator for this ranking, if the catalogue names it differently
            present = [i for i in catalog.index if i.startswith(ranking) and catalog.loc[i, "unit_kind"] == "rank"]
        if present:
            rank_ids[ranking] = present[0]
    return rank_ids


def _ranks(lang: str) -> pd.DataFrame:
    catalog, totals = _catalog(), _totals()
    rank_ids = _rank_ids(catalog)
    ranks = totals[totals["indicator_id"].isin(rank_ids.values()) & (totals["geo"] == "NO")].copy()
    if ranks.empty:
        return ranks
    ranks["series"] = ranks["indicator_id"].map(lambda i: catalog.loc[i, f"name_{lang}"])
    order = {i: n for n, i in enumerate(rank_ids.values())}
    return ranks.sort_values(["indicator_id", "year"], key=lambda s: s.map(order) if s.name == "indicator_id" else s)


@per_version
def rank_texts(lang: str) -> dict:
    """The rankings section: None when no rank is published, else the sentence, the table and what is missing."""
    catalog = _catalog()
    rank_ids = _rank_ids(catalog)
    ranks = _ranks(lang)
    if ranks.empty:
        return {"empty": True}
    sentences = []
    for indicator_id, part in ranks.groupby("indicator_id", sort=False):
        first, last = part.iloc[0], part.iloc[-1]
        shown = shown_column(part, lang)
        sentences.append(t("compare_rank_sentence", lang, name=catalog.loc[indicator_id, f"name_{lang}"],
                           first=shown.iloc[0], first_year=first["period"],
                           last=shown.iloc[-1], last_year=last["period"]))
    rank_table = ranks.assign(shown=shown_column(ranks, lang)).pivot_table(index="period", columns="series", values="shown",
                                                                     aggfunc="first", sort=False)
    rank_table = rank_table.sort_index().map(lambda v: "–" if pd.isna(v) else v)
    rank_table = rank_table.reset_index().rename(columns={"period": t("col_period", lang)})
    missing = [r for r in RANKINGS if r not in rank_ids or rank_ids[r] not in set(ranks["indicator_id"])]
    return {"empty": False, "sentence": "**" + " ".join(sentences) + "**", "table": markdown_table(rank_table),
            "missing": (t("compare_rank_missing", lang, names=", ".join(t(f"compare_ranking_{m}", lang) for m in missing))
                        if missing else None)}


@per_version_resource
def rank_figure(lang: str):
    ranks = _ranks(lang)
    if ranks.empty:
        return None
    return frozen(line_chart(ranks.assign(shown=shown_column(ranks, lang)), series="series",
                             title=t("compare_ranks_chart", lang), y_title=t("compare_rank_axis", lang), lang=lang,
                             rank=True, hover="shown"))


@per_version
def peer_indicators() -> list[str]:
    """The indicators with a figure for Norway and for at least one of the peers, in goal order."""
    catalog, totals = _catalog(), _totals()
    with_peers = []
    for indicator_id, part in totals.groupby("indicator_id", sort=False):
        geos = set(part["geo"])
        if "NO" in geos and geos & set(COMPARE_GEOS[1:]) and indicator_id in catalog.index:
            with_peers.append(indicator_id)
    with_peers.sort(key=lambda i: (catalog.loc[i, "goal_number"], i))
    return with_peers


@per_version
def peer_names(lang: str) -> dict:
    catalog = _catalog()
    return {i: catalog.loc[i, f"name_{lang}"] for i in peer_indicators()}


@per_version
def peer_table(lang: str) -> str:
    """Each indicator with peers: Norway and the peers in the latest year with Norway and a peer."""
    catalog, totals = _catalog(), _totals()
    rows = []
    for indicator_id in peer_indicators():
        part = totals[(totals["indicator_id"] == indicator_id) & totals["geo"].isin(COMPARE_GEOS)]
        norway_years = set(part.loc[part["geo"] == "NO", "year"])
        peer_years = set(part.loc[part["geo"] != "NO", "year"])
        year = max(norway_years & peer_years or norway_years)  # the latest year with Norway and a peer, if any
        same_year = part[part["year"] == year].drop_duplicates("geo").set_index("geo")
        same_year = same_year.assign(shown=shown_column(same_year, lang))
        row = {t("col_indicator", lang): catalog.loc[indicator_id, f"name_{lang}"],
               "url": page_url("indicator", indicator=indicator_id, lang=lang),
               t("col_period", lang): same_year.loc["NO", "period"]}
        for geo in COMPARE_GEOS:
            row[geo_name(geo, lang)] = same_year.loc[geo, "shown"] if geo in same_year.index else "–"
        rows.append(row)
    return markdown_table(pd.DataFrame(rows), links={t("col_indicator", lang): "url"})


def _frame(indicator_id: str) -> pd.DataFrame:
    totals = _totals()
    return totals[(totals["indicator_id"] == indicator_id) & totals["geo"].isin(COMPARE_GEOS)]


@per_version
def one_texts(indicator_id: str, lang: str) -> dict:
    """One indicator against the peers: the sentence and the table (a row per period, a column per country)."""
    unit_id = _catalog().loc[indicator_id, "unit_id"]
    frame = _frame(indicator_id)
    table = frame.assign(shown=shown_column(frame, lang)).pivot_table(index="period", columns="geo", values="shown",
                                                                aggfunc="first")
    table = table[[g for g in ordered_geos(table.columns)]].sort_index()
    table = table.map(lambda v: "–" if pd.isna(v) else v)
    table.columns = [geo_name(g, lang) for g in table.columns]
    return {"summary": f"**{indicator_summary(frame, unit_id, lang)}**",
            "table": markdown_table(table.reset_index().rename(columns={"period": t("col_period", lang)}))}


@per_version_resource
def one_figure(indicator_id: str, lang: str):
    ind = _catalog().loc[indicator_id]
    frame = _frame(indicator_id)
    return frozen(line_chart(frame.assign(shown=shown_column(frame, lang)), series="geo",
                             series_label=lambda g: geo_name(g, lang),
                             title=t("chart_title", lang, name=ind[f"name_{lang}"]), y_title=ind[f"unit_label_{lang}"],
                             lang=lang, rank=ind["unit_kind"] == "rank", hover="shown"))


@per_version
def one_downloads(indicator_id: str) -> dict:
    """The files of exactly the figures in the chart (the same in every language)."""
    export = _frame(indicator_id)[["indicator_id", "geo", "period", "year", "value", "flags"]].reset_index(drop=True)
    return file_payloads(export, f"compare-{indicator_id}")
