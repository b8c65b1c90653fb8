"""What the life-events and data-sources pages show, built once per warehouse version and language
(ui.render_cache): finished Markdown tables and texts, the sources table as Arrow and its download files. The
pages (pages/life_events.py, pages/sources.py) only send them."""
from __future__ import annotations

from urllib.parse import urlsplit

import pandas as pd

from ui import data, precision
from ui.downloads import file_payloads
from ui.i18n import format_datetime, format_number, t, tn
from ui.indicator_view import arrow_table
from ui.render_cache import per_version, per_version_resource
from ui.page import http_url, md
from ui.tables import link, markdown_table, page_url


# ---- life events ---------------------------------------------------------------------------------------------

@per_version
def life_events_view(lang: str) -> dict:
    """The source note, the summary line and per life event its heading, caption and indicator table (or None)."""
    events = data.query("SELECT * FROM life_events")
    catalog = data.indicators()
    latest = data.indicator_scores("NO").set_index("indicator_id")

    sources = sorted(set(events["source_url"].dropna()))
    secondary = bool(events["secondary"].any()) if "secondary" in events else True
    info = t("life_secondary" if secondary else "life_primary", lang,
             links=", ".join(link(urlsplit(url).netloc or url, url) for url in sources))

    summary_rows = []
    for event in events.itertuples():
        ids = [i for i in catalog.itertuples()
               if event.life_event_id in [e for e in str(i.life_events or "").split(";") if e]]
        summary_rows.append((event, ids))
    covered = sum(1 for _, ids in summary_rows if ids)

    sections = []
    for event, ids in summary_rows:
        lines = []
        if lang == "en":
            lines.append(t("life_as_reported", lang, name=md(event.name_nb)))
        if getattr(event, "ministry", None):
            lines.append(t("life_ministry", lang, ministry=md(event.ministry)))
        section = {"name": md(getattr(event, f"name_{lang}")), "anchor": event.life_event_id.replace("_", "-"),
                   "caption": " · ".join(lines) if lines else None, "count": None, "table": None}
        if ids:
            rows = []
            for ind in ids:
                has = ind.indicator_id in latest.index and pd.notna(latest.loc[ind.indicator_id, "latest_value"])
                row = latest.loc[ind.indicator_id] if has else None
                rows.append({
                    t("col_indicator", lang): getattr(ind, f"name_{lang}"),
                    "url": page_url("indicator", indicator=ind.indicator_id, lang=lang),
                    t("col_latest", lang): (precision.value_shown(row["latest_value"], ind.unit_id, lang,
                                                                  precision.texts_of(ind.indicator_id)["latest_text"])
                                            if has else t("no_norway_value", lang)),
                    t("col_period", lang): row["latest_period"] if has else "–",
                    t("col_unit", lang): md(getattr(ind, f"unit_label_{lang}")),
                    t("col_goal", lang): t("goal_n", lang, n=ind.goal_number),
                })
            section["count"] = tn("life_indicators", lang, len(rows), n=len(rows))
            section["table"] = markdown_table(pd.DataFrame(rows), links={t("col_indicator", lang): "url"},
                                              label=section["name"])
        sections.append(section)
    return {"info": info, "summary": f"**{t('life_summary', lang, covered=covered, total=len(summary_rows))}**",
            "sections": sections}


# ---- data sources --------------------------------------------------------------------------------------------

def when(value, lang: str) -> str:
    if value is None or pd.isna(value):
        return t("sources_never", lang)
    return format_datetime(pd.Timestamp(value), lang)


def _sources() -> pd.DataFrame:
    return data.query("""
        SELECT s.source_id, s.source_org, s.source_dataset, s.source_url, s.licence, s.origin_kind, s.source,
               s.n_observations, max(NULLIF(o.published, '')) AS last_published, arg_max(o.period, o.year) AS last_period
        FROM sources s LEFT JOIN observations o
          ON o.source_org = s.source_org AND o.source_dataset = s.source_dataset AND o.source_url = s.source_url
         AND o.origin_kind = s.origin_kind
        GROUP BY ALL ORDER BY s.source_org, s.source_dataset, s.source_url""")


def _status() -> pd.DataFrame | None:
    return data.query("SELECT * FROM source_status ORDER BY source") if "source_status" in data.table_names() else None


def _sources_table(lang: str) -> pd.DataFrame:
    build = data.build_info()
    sources, status = _sources(), _status()
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

    return pd.DataFrame({
        t("sources_col_publisher", lang): sources["source_org"],
        t("sources_col_dataset", lang): sources["source_dataset"],
        t("sources_col_licence", lang): sources["licence"].fillna("").replace({"": t("sources_unknown", lang),
                                                                               "unknown": t("sources_unknown", lang)}),
        t("sources_col_link", lang): sources["source_url"],
        t("sources_col_updated", lang): sources.apply(last_update, axis=1),
        t("sources_col_n", lang): sources["n_observations"].astype("int64"),
        t("sources_col_status", lang): sources.apply(refresh_status, axis=1),
    })


@per_version
def sources_summary(lang: str) -> str:
    sources = _sources()
    n_live = int((sources["origin_kind"] == "live").sum())
    return "**" + t("sources_summary", lang, n=format_number(len(sources), lang),
                    publishers=format_number(sources["source_org"].nunique(), lang),
                    obs=format_number(int(sources["n_observations"].sum()), lang),
                    live=format_number(n_live, lang)) + "**"


@per_version_resource
def sources_tables(lang: str) -> dict:
    """The sources table and the live refresh table (None when no refresh ran), as Arrow."""
    status = _status()
    refresh = None
    if status is not None and not status.empty:
        refresh = arrow_table(pd.DataFrame({
            t("sources_col_source", lang): status["source"],
            t("sources_col_success", lang): status["last_success"].map(lambda v: when(v, lang)),
            t("sources_col_attempt", lang): status["last_attempt"].map(lambda v: when(v, lang)),
            t("sources_col_rows", lang): status["row_count"] if "row_count" in status else "",
            t("sources_col_error", lang): status["last_error"].fillna("").replace({"": "–"}),
        }))
    shown = _sources_table(lang)
    link_column = t("sources_col_link", lang)   # a link column: only http(s) URLs are made links
    shown[link_column] = shown[link_column].map(http_url)
    return {"sources": arrow_table(shown), "refresh": refresh}


@per_version
def sources_downloads(lang: str) -> dict:
    """The sources table as shown (in the page's language) as CSV, Excel and Parquet."""
    return file_payloads(_sources_table(lang), "monitor-sources")
