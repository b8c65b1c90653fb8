"""Building blocks shared by several pages."""
from __future__ import annotations

import pandas as pd

from ui import data, precision, scores
from ui.i18n import flag_names, t
from ui.render_cache import per_version
from ui.tables import markdown_table, page_url

FLAG_ICON = ":material/warning:"


def flags_text(flags, lang: str) -> str:
    """The latest figure's flags in words with a warning icon ('secondary source, break in series'), or ''."""
    if flags is None or (not isinstance(flags, str) and pd.isna(flags)) or not str(flags).strip():
        return ""
    return f"{FLAG_ICON} {flag_names(str(flags), lang)}"


@per_version
def goal_indicator_table(goal_id: str, lang: str, detailed: bool = False) -> str:
    """Markdown table of a goal's indicators from indicator_scores: Norway's latest value at the publisher's
    precision (ui.precision) with its flags and source, the scored change and the period it is measured from, the
    trend status and the score."""
    indicators = data.indicators()
    indicators = indicators[indicators["goal_id"] == goal_id]
    units = data.query("SELECT unit_id, limit_value AS unit_limit FROM units").set_index("unit_id")["unit_limit"]
    scored = data.indicator_scores("NO").set_index("indicator_id")
    texts = precision.latest_texts("NO").set_index("indicator_id")
    rows = []
    for ind in indicators.itertuples():
        row = scored.loc[ind.indicator_id] if ind.indicator_id in scored.index else None
        text = texts.loc[ind.indicator_id] if ind.indicator_id in texts.index else None
        has_value = row is not None and pd.notna(row["latest_value"])
        limit = units.get(ind.unit_id)
        latest = t("no_norway_value", lang)
        if has_value:
            latest = precision.value_shown(row["latest_value"], ind.unit_kind, ind.unit_id, limit,
                                           None if text is None else text["latest_text"], lang)
        change = scores.change_text(row, ind.unit_kind, lang)
        if scores.has_change(row) and ind.unit_kind != "rank":
            change = precision.change_shown(row["change"], ind.unit_kind, ind.unit_id, limit,
                                            None if text is None else text["base_text"],
                                            None if text is None else text["latest_text"], lang)
        entry = {
            t("col_indicator", lang): getattr(ind, f"name_{lang}"),
            "url": page_url("indicator", indicator=ind.indicator_id, lang=lang),
            t("col_latest", lang): latest,
            t("col_period", lang): row["latest_period"] if has_value else "–",
            t("col_flags", lang): flags_text(row["latest_flags"], lang) if has_value else "",
            t("col_change", lang): change,
            t("col_since", lang): scores.since_text(row),
            t("col_status", lang): scores.status_text(None if row is None else row["status"], lang),
            t("col_score", lang): scores.score_text(None if row is None else row["score"], lang),
        }
        if detailed:
            entry[t("col_unit", lang)] = getattr(ind, f"unit_label_{lang}")
            source = None if text is None or not has_value else text["latest_source_url"]
            org = ind.source_org if text is None or not has_value or pd.isna(text["latest_source_org"]) \
                else text["latest_source_org"]
            entry[t("col_latest_source", lang)] = org
            entry["source_url"] = source if isinstance(source, str) and source else None
        rows.append(entry)
    frame = pd.DataFrame(rows)
    links = {t("col_indicator", lang): "url"}
    if detailed:
        links[t("col_latest_source", lang)] = "source_url"
    return markdown_table(frame, links=links, label=t("goal_indicators", lang))
