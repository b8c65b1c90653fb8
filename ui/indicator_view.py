"""What the indicator page shows, built once per warehouse version, indicator and language (ui.render_cache): the
texts, the headline, the frozen chart specs, the finished table (as Arrow) and the download files. The page
(pages/indicator.py) only sends them."""
from __future__ import annotations

import pandas as pd
import pyarrow as pa

from ui import comparable, data, precision, scores
from ui.charts import break_label, frozen, indicator_summary, line_chart, shown_column
from ui.downloads import file_payloads
from ui.i18n import flag_names, geo_name, t
from ui.page import http_url, md
from ui.render_cache import per_version, per_version_resource
from ui.tables import link, url_link

EXPORT_COLUMNS = ["indicator_id", "geo", "breakdown", "period", "value", "unit_id", "flags", "is_preferred",
                  "source_org", "source_dataset", "source_url", "note"]


def arrow_table(frame: pd.DataFrame) -> pa.Table:
    """`frame` as the Arrow table st.dataframe would make of it (the same bytes are sent), made once."""
    return pa.Table.from_pandas(frame)


@per_version
def choice_labels(lang: str) -> dict:
    """The indicator selectbox: the options in catalogue order and each one's label."""
    catalog = data.indicators()
    labels = {row.indicator_id: f"{t('goal_n', lang, n=row.goal_number)} · {getattr(row, f'name_{lang}')}"
              for row in catalog.itertuples()}
    return {"options": list(catalog["indicator_id"]), "labels": labels}


def _facts(ind: pd.Series, fmt, lang: str) -> str:
    facts = [
        f"**{t('unit', lang)}:** {md(ind[f'unit_label_{lang}'])}",
        f"**{t('direction', lang)}:** {t('direction_' + ind['direction'], lang)}",
        f"**{t('publisher', lang)}:** {md(ind['source_org'])} – {md(ind['source_dataset'])}",
        f"**{t('breakdowns', lang)}:** {md(ind['breakdowns']) or t('none', lang)}",
    ]
    if pd.notna(ind["target_value"]):
        note = md(ind[f"target_note_{lang}"]) if pd.notna(ind[f"target_note_{lang}"]) else ""
        facts.append(f"**{t('target', lang)}:** {t('target_text', lang, value=fmt(ind['target_value']), period=md(ind['target_period']))}"
                     f" ({link(t('col_source', lang).lower(), ind['target_source_url'])}) {note}")
    return "  \n".join(facts)


def _table(all_rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        t("col_geo", lang): all_rows["geo"].map(lambda g: geo_name(g, lang)),
        t("col_breakdown", lang): all_rows["breakdown"],
        t("col_period", lang): all_rows["period"],
        t("col_value", lang): shown_column(all_rows, lang),
        t("col_flags", lang): all_rows["flags"].map(lambda f: flag_names(f, lang)),
        t("col_preferred", lang): all_rows["is_preferred"].map(lambda p: t("yes" if p else "no", lang)),
        t("col_source", lang): all_rows["source_org"] + " – " + all_rows["source_dataset"],
        t("col_source_url", lang): all_rows["source_url"].map(http_url),   # a link column: http(s) only
        t("col_note", lang): all_rows["note"],
    })


@per_version
def indicator_texts(indicator_id: str, lang: str) -> dict:
    """Every text of the page (Markdown, metric labels and values, the explanation, the sources list)."""
    ind = data.indicators().set_index("indicator_id").loc[indicator_id]
    kind, unit_id = ind["unit_kind"], ind["unit_id"]
    fmt = lambda v, text=None: precision.value_shown(v, unit_id, lang, text)  # noqa: E731
    all_rows = data.observations([indicator_id])
    totals = all_rows[(all_rows["breakdown"] == "") & all_rows["is_preferred"]]
    scored = data.indicator_score(indicator_id, "NO")
    metrics = []
    if scored is not None and pd.notna(scored["latest_value"]):
        metrics.append((f"{t('headline_latest', lang)} ({scored['latest_period']})",
                        fmt(scored["latest_value"], precision.texts_of(indicator_id)["latest_text"])))
        if scores.has_change(scored):
            metrics.append((t("headline_change", lang, year=scores.since_text(scored)),
                            scores.change_text(scored, kind, lang)))
    status = explanation = None
    if scored is not None:
        status = (f"**{t('col_status', lang)}:** {scores.status_text(scored['status'], lang)} · "
                  f"**{t('col_score', lang)}:** {scores.score_text(scored['score'], lang)}")
        lines = scores.explain_indicator_text(scored, data.indicator_score_peers(indicator_id, "NO"), unit_id, lang)
        explanation = "\n".join(f"- {line}" for line in lines)
    sources = all_rows.groupby(["source_org", "source_dataset", "source_url"], as_index=False).size()
    return {
        "title": md(ind[f"name_{lang}"]),
        "definition": f"**{t('definition', lang)}:** {md(ind[f'definition_{lang}'])}",
        "facts": _facts(ind, fmt, lang),
        "goal_id": ind["goal_id"],
        "goal_label": f"{t('goal_n', lang, n=ind['goal_number'])}",
        "metrics": metrics,
        "status": status,
        "explanation": explanation,
        "summary": f"**{indicator_summary(totals, unit_id, lang, scored, data.indicator_score_peers(indicator_id, 'NO'), ind['comparable_from'])}**",
        "sources": "\n".join(f"- {md(r.source_org)} – {md(r.source_dataset)}: {url_link(r.source_url)} ({r.size})"
                             for r in sources.itertuples()),
    }


@per_version_resource
def indicator_figures(indicator_id: str, lang: str) -> tuple:
    """(the chart against the peers, the breakdowns chart or None), frozen."""
    ind = data.indicators().set_index("indicator_id").loc[indicator_id]
    kind = ind["unit_kind"]
    all_rows = data.observations([indicator_id])
    totals = all_rows[(all_rows["breakdown"] == "") & all_rows["is_preferred"]]
    target = None
    if pd.notna(ind["target_value"]):
        target = (float(ind["target_value"]), ind["target_period"], t("target", lang))
    # the whole series is drawn; a method change before the comparable segment the score uses is marked
    mark = comparable.break_mark(totals, data.indicator_score(indicator_id, "NO"), ind["comparable_from"])
    breaks = [] if mark is None else [(None, mark[0], break_label(mark[1], lang))]
    fig = line_chart(totals.assign(shown=shown_column(totals, lang)), series="geo",
                     series_label=lambda g: geo_name(g, lang),
                     title=t("chart_title", lang, name=ind[f"name_{lang}"]), y_title=ind[f"unit_label_{lang}"],
                     lang=lang, target=target, rank=kind == "rank", breaks=breaks, hover="shown")
    breakdown_rows = all_rows[(all_rows["breakdown"] != "") & all_rows["is_preferred"]]
    breakdowns = None
    if not breakdown_rows.empty:
        breakdowns = line_chart(breakdown_rows.assign(series=breakdown_rows["geo"] + " " + breakdown_rows["breakdown"],
                                                      shown=shown_column(breakdown_rows, lang)),
                                series="series", title=t("breakdowns", lang), y_title=ind[f"unit_label_{lang}"],
                                lang=lang, rank=kind == "rank", hover="shown")
    return frozen(fig), frozen(breakdowns)


@per_version_resource
def indicator_table(indicator_id: str, lang: str) -> pa.Table:
    """The table tab: every value with source and flags, as display strings."""
    return arrow_table(_table(data.observations([indicator_id]), lang))


@per_version
def indicator_downloads(indicator_id: str) -> dict:
    """The download tab's files (CSV, Excel, Parquet) of every observation of the indicator (the same in every
    language)."""
    return file_payloads(data.observations([indicator_id])[EXPORT_COLUMNS], indicator_id)
