"""What the international comparison shows, built once per warehouse version and language (ui.render_cache):
Norway's rank in the three international rankings (sentence, frozen chart, table) and Norway against Sweden,
Denmark, Finland and EU27 (the overview table, then per indicator the sentence, chart, table and download files).
The page (pages/compare.py) only sends them."""
from __future__ import annotations

import pandas as pd

from ui import comparable, data, precision
from ui.charts import break_label, frozen, indicator_summary, line_chart, ordered_geos, shown_column
from ui.downloads import file_payloads
from ui.i18n import format_value, geo_name, t
from ui.page import md
from ui.render_cache import per_version, per_version_resource
from ui.tables import markdown_table, page_url
from ui.views import flags_text

COMPARE_GEOS = ["NO", *comparable.PEER_GEOS]  # Norway and the scoring's peer geos
# The three international rankings, in order of preference for each; the first id present in the catalogue is used.
RANKINGS = {
    "egdi": ["egdi_rank"],
    "egovbench": ["egovbench_rank", "egovbench_overall_rank"],
    "oecd_dgi": ["oecd_dgi_rank"],
}


def _catalog() -> pd.DataFrame:
    return data.indicators().set_index("indicator_id")


def _totals() -> pd.DataFrame:
    return data.query("""SELECT indicator_id, geo, period, year, value, value_text, unit_id, flags, source_org, source_url FROM observations
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


def _score(indicator_id: str) -> dict | None:
    return data.indicator_score(indicator_id, "NO")


def _comparable_from(catalog: pd.DataFrame, indicator_id: str):
    return catalog.loc[indicator_id, "comparable_from"] if "comparable_from" in catalog.columns else None


@per_version
def rank_texts(lang: str) -> dict:
    """The rankings section: None when no rank is published, else the sentence, the table and what is missing.
    Each ranking's sentence is the change the score measured (its comparable segment), and says when earlier
    places are from before a method change (ui.comparable)."""
    catalog = _catalog()
    rank_ids = _rank_ids(catalog)
    ranks = _ranks(lang)
    if ranks.empty:
        return {"empty": True}
    sentences = []
    fmt = lambda v: format_value(v, "rank", lang)  # noqa: E731
    for indicator_id, part in ranks.groupby("indicator_id", sort=False):
        sentences.append(comparable.trend_sentence(part, _score(indicator_id), fmt, lang,
                                                   _comparable_from(catalog, indicator_id),
                                                   name=md(catalog.loc[indicator_id, f"name_{lang}"])))
    rank_table = ranks.assign(shown=shown_column(ranks, lang)).pivot_table(index="period", columns="series", values="shown",
                                                                     aggfunc="first", sort=False)
    rank_table = rank_table.sort_index().map(lambda v: "–" if pd.isna(v) else v)
    rank_table.columns = [md(name) for name in rank_table.columns]   # the series' names come from the catalogue
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
    catalog = _catalog()
    breaks = []  # each ranking's method change before the comparable segment its score uses
    for ranking, indicator_id in _rank_ids(catalog).items():
        part = ranks[ranks["indicator_id"] == indicator_id]
        mark = comparable.break_mark(part, _score(indicator_id), _comparable_from(catalog, indicator_id))
        if mark is not None:
            breaks.append((catalog.loc[indicator_id, f"name_{lang}"], mark[0],
                           break_label(mark[1], lang, t(f"compare_ranking_{ranking}", lang))))
    return frozen(line_chart(ranks.assign(shown=shown_column(ranks, lang)), series="series",
                             title=t("compare_ranks_chart", lang), y_title=t("compare_rank_axis", lang), lang=lang,
                             rank=True, breaks=breaks, hover="shown"))


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


def _cell(value: float, flags, unit_id: str, lang: str, period: str | None = None) -> str:
    """A figure as what it is (a bound as 'over …', at its unit's precision), its period when not Norway's, and its
    flags in words."""
    text = comparable.as_published(precision.value_shown(value, unit_id, lang), flags, lang)
    if period:
        text += f" ({period})"
    flagged = flags_text(flags, lang)
    return f"{text} {flagged}" if flagged else text


@per_version
def peer_table(lang: str) -> str:
    """Each indicator with peers: Norway's latest value (the scored one) and the peers' values for that same period
    as its level score compared them (indicator_score_peers; bounds shown as bounds), the peers without a
    figure for that period with their latest period, and where Norway's figure was read."""
    catalog, totals = _catalog(), _totals()
    peers = data.all_score_peers("NO")
    rows = []
    for indicator_id in peer_indicators():
        part = totals[(totals["indicator_id"] == indicator_id) & totals["geo"].isin(COMPARE_GEOS)]
        unit_id = catalog.loc[indicator_id, "unit_id"]
        score = _score(indicator_id)
        latest = comparable.norway_latest(part, score)
        shown = comparable.same_period_peers(part, latest, peers[peers["indicator_id"] == indicator_id], COMPARE_GEOS)
        without = comparable.peers_without(part, latest, shown, COMPARE_GEOS)
        source = part[(part["geo"] == "NO") & (part["period"] == latest["period"])].head(1)
        row = {t("col_indicator", lang): catalog.loc[indicator_id, f"name_{lang}"],
               "url": page_url("indicator", indicator=indicator_id, lang=lang),
               t("col_period", lang): latest["period"],
               geo_name("NO", lang): _cell(latest["value"], latest["flags"], unit_id, lang)}
        for geo in COMPARE_GEOS[1:]:
            peer = shown.get(geo)
            row[geo_name(geo, lang)] = "–" if peer is None else _cell(
                peer["value"], peer["flags"], unit_id, lang, None if peer["period"] == latest["period"] else peer["period"])
        notes = []
        if without:
            notes.append(t("compare_peers_missing", lang, period=latest["period"],
                           geos=", ".join(f"{geo_name(g, lang)} ({p})" for g, p in without)))
        earlier = comparable.earlier_not_comparable(part, score, _comparable_from(catalog, indicator_id))
        if not latest["scored"] and earlier is not None and earlier["all_before"]:
            notes.append(t("compare_before_break", lang, from_period=earlier["from_period"]))
        row[t("compare_col_other", lang)] = "; ".join(notes)
        row[t("col_source", lang)] = "" if source.empty else source.iloc[0]["source_org"]
        row["source_url"] = None if source.empty else source.iloc[0]["source_url"]
        rows.append(row)
    return markdown_table(pd.DataFrame(rows), links={t("col_indicator", lang): "url", t("col_source", lang): "source_url"})


def _frame(indicator_id: str) -> pd.DataFrame:
    totals = _totals()
    return totals[(totals["indicator_id"] == indicator_id) & totals["geo"].isin(COMPARE_GEOS)]


@per_version
def one_texts(indicator_id: str, lang: str) -> dict:
    """One indicator against the peers: the sentence and the table (a row per period, a column per country)."""
    unit_id = _catalog().loc[indicator_id, "unit_id"]
    frame = _frame(indicator_id)
    # each cell as what it is: a bound reads 'over 80 %' (the table has no flags column)
    cells = frame.assign(shown=[comparable.as_published(shown, f, lang)
                                for shown, f in zip(shown_column(frame, lang), frame["flags"])])
    table = cells.pivot_table(index="period", columns="geo", values="shown", aggfunc="first")
    table = table[[g for g in ordered_geos(table.columns)]].sort_index()
    table = table.map(lambda v: "–" if pd.isna(v) else v)
    table.columns = [geo_name(g, lang) for g in table.columns]
    summary = indicator_summary(frame, unit_id, lang, _score(indicator_id), data.indicator_score_peers(indicator_id, "NO"),
                                _comparable_from(_catalog(), indicator_id))
    return {"summary": f"**{summary}**",
            "table": markdown_table(table.reset_index().rename(columns={"period": t("col_period", lang)}))}


@per_version_resource
def one_figure(indicator_id: str, lang: str):
    catalog = _catalog()
    ind = catalog.loc[indicator_id]
    frame = _frame(indicator_id)
    mark = comparable.break_mark(frame, _score(indicator_id), _comparable_from(catalog, indicator_id))
    breaks = [] if mark is None else [(None, mark[0], break_label(mark[1], lang))]
    return frozen(line_chart(frame.assign(shown=shown_column(frame, lang)), series="geo",
                             series_label=lambda g: geo_name(g, lang),
                             title=t("chart_title", lang, name=ind[f"name_{lang}"]), y_title=ind[f"unit_label_{lang}"],
                             lang=lang, rank=ind["unit_kind"] == "rank", breaks=breaks, hover="shown"))


@per_version
def one_downloads(indicator_id: str) -> dict:
    """The files of exactly the figures in the chart (the same in every language)."""
    export = _frame(indicator_id)[["indicator_id", "geo", "period", "year", "value", "flags"]].reset_index(drop=True)
    return file_payloads(export, f"compare-{indicator_id}")
