"""Building blocks shared by several pages."""
from __future__ import annotations

import pandas as pd

from ui import data, scores
from ui.i18n import format_change, format_value, t
from ui.tables import markdown_table, page_url


def goal_indicator_table(goal_id: str, lang: str, *, detailed: bool = False) -> str:
    """Markdown table of a goal's indicators: Norway's latest value and the change since 2019."""
    indicators = data.indicators()
    indicators = indicators[indicators["goal_id"] == goal_id]
    latest = data.latest_with_change("NO").set_index("indicator_id")
    scored = scores.indicator_scores("NO").set_index("indicator_id")
    rows = []
    for ind in indicators.itertuples():
        has = ind.indicator_id in latest.index
        row = latest.loc[ind.indicator_id] if has else None
        entry = {
            t("col_indicator", lang): getattr(ind, f"name_{lang}"),
            "url": page_url("indicator", indicator=ind.indicator_id, lang=lang),
            t("col_latest", lang): format_value(row["latest_value"], ind.unit_kind, lang) if has else t("no_norway_value", lang),
            t("col_period", lang): row["latest_period"] if has else "–",
            t("col_change", lang): format_change(row["change"], ind.unit_kind, lang) if has else "–",
            t("col_since", lang): str(int(row["base_year"])) if has and pd.notna(row["base_year"]) else "–",
            t("col_status", lang): scores.status_text(scored.loc[ind.indicator_id, "status"], lang),
            t("col_score", lang): scores.score_text(scored.loc[ind.indicator_id, "score"], lang),
        }
        if detailed:
            entry[t("col_unit", lang)] = getattr(ind, f"unit_label_{lang}")
            entry[t("col_source", lang)] = ind.source_org
        rows.append(entry)
    return markdown_table(pd.DataFrame(rows), links={t("col_indicator", lang): "url"})
