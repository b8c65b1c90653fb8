"""Building blocks shared by several pages."""
from __future__ import annotations

import pandas as pd

from ui import data, scores
from ui.i18n import format_value, t
from ui.tables import markdown_table, page_url


def goal_indicator_table(goal_id: str, lang: str, *, detailed: bool = False) -> str:
    """Markdown table of a goal's indicators from indicator_scores: Norway's latest value, the scored change and
    the period it is measured from, the trend status and the score."""
    indicators = data.indicators()
    indicators = indicators[indicators["goal_id"] == goal_id]
    scored = data.indicator_scores("NO").set_index("indicator_id")
    rows = []
    for ind in indicators.itertuples():
        row = scored.loc[ind.indicator_id] if ind.indicator_id in scored.index else None
        has_value = row is not None and pd.notna(row["latest_value"])
        entry = {
            t("col_indicator", lang): getattr(ind, f"name_{lang}"),
            "url": page_url("indicator", indicator=ind.indicator_id, lang=lang),
            t("col_latest", lang): format_value(row["latest_value"], ind.unit_kind, lang) if has_value
                else t("no_norway_value", lang),
            t("col_period", lang): row["latest_period"] if has_value else "–",
            t("col_change", lang): scores.change_text(row, ind.unit_kind, lang),
            t("col_since", lang): scores.since_text(row),
            t("col_status", lang): scores.status_text(None if row is None else row["status"], lang),
            t("col_score", lang): scores.score_text(None if row is None else row["score"], lang),
        }
        if detailed:
            entry[t("col_unit", lang)] = getattr(ind, f"unit_label_{lang}")
            entry[t("col_source", lang)] = ind.source_org
        rows.append(entry)
    return markdown_table(pd.DataFrame(rows), links={t("col_indicator", lang): "url"})
