"""Building blocks shared by several pages."""
from __future__ import annotations

import pandas as pd

from ui import data, precision, scores
from ui.i18n import flag_names, t
from ui.page import md
from ui.render_cache import per_version
from ui.tables import markdown_table, page_url

FLAG_ICON = ":material/warning:"
NOT_COUNTED_ICON = ":material/block:"


def flags_text(flags, lang: str) -> str:
    """The latest figure's flags in words with a warning icon ('secondary source, break in series'), or ''."""
    if flags is None or (not isinstance(flags, str) and pd.isna(flags)) or not str(flags).strip():
        return ""
    return f"{FLAG_ICON} {flag_names(str(flags), lang)}"


def flags_with_base(row, lang: str) -> str:
    """The latest figure's flags, and the base figure's (the start of the scored change) where they differ:
    '⚠ secondary source · start (2019-2020): ⚠ break in series'."""
    if row is None or pd.isna(row["latest_value"]):
        return ""
    latest = flags_text(row["latest_flags"], lang)
    base = flags_text(row["base_flags"], lang) if scores.has_change(row) else ""
    if not base or set(str(row["base_flags"]).split(";")) == set(str(row["latest_flags"] or "").split(";")):
        return latest
    at_start = t("flags_at_start", lang, period=row["base_period"], flags=base)
    return f"{latest} · {at_start}" if latest else at_start


def publisher_name(org: str, lang: str) -> str:
    """The publisher as named in `lang` (sources.publisher_nb / publisher_en, from the source.toml files); the
    organisation's text as stored where the build has no name for it."""
    names = data.query("SELECT DISTINCT source_org, publisher_nb, publisher_en FROM sources")
    found = names[names["source_org"] == org]
    name = None if found.empty else found.iloc[0][f"publisher_{'nb' if lang == 'nb' else 'en'}"]
    return org if name is None or pd.isna(name) or not str(name).strip() else str(name)


@per_version
def goal_indicator_table(goal_id: str, lang: str, detailed: bool = False) -> str:
    """Markdown table of a goal's indicators from indicator_scores: Norway's latest value at the publisher's
    precision (ui.precision) with its flags and source, the scored change and the period it is measured from, the
    trend status and the score."""
    indicators = data.indicators()
    indicators = indicators[indicators["goal_id"] == goal_id]
    scored = data.indicator_scores("NO").set_index("indicator_id")
    texts = data.score_sources("NO").set_index("indicator_id")
    rows = []
    for ind in indicators.itertuples():
        row = scored.loc[ind.indicator_id] if ind.indicator_id in scored.index else None
        text = texts.loc[ind.indicator_id] if ind.indicator_id in texts.index else None
        has_value = row is not None and pd.notna(row["latest_value"])
        latest = t("no_norway_value", lang)
        if has_value:
            latest = precision.value_shown(row["latest_value"], ind.unit_id, lang,
                                           None if text is None else text["latest_text"])
        change = scores.change_text(row, ind.unit_kind, lang)
        entry = {
            t("col_indicator", lang): getattr(ind, f"name_{lang}"),
            "url": page_url("indicator", indicator=ind.indicator_id, lang=lang),
            t("col_latest", lang): latest,
            t("col_period", lang): row["latest_period"] if has_value else "–",
            t("col_flags", lang): flags_with_base(row, lang),
            t("col_change", lang): change,
            t("col_since", lang): scores.since_text(row),
            t("col_status", lang): scores.status_text(None if row is None else row["status"], lang),
            t("col_score", lang): _score_cell(row, ind.unit_kind, lang),
        }
        if detailed:
            entry[t("col_unit", lang)] = md(getattr(ind, f"unit_label_{lang}"))
            source = None if text is None or not has_value else text["latest_source_url"]
            org = ind.source_org if text is None or not has_value or pd.isna(text["latest_source_org"]) \
                else text["latest_source_org"]
            entry[t("col_latest_source", lang)] = publisher_name(org, lang)
            entry["source_url"] = source if isinstance(source, str) and source else None
        rows.append(entry)
    frame = pd.DataFrame(rows)
    links = {t("col_indicator", lang): "url"}
    if detailed:
        links[t("col_latest_source", lang)] = "source_url"
    goal = data.goal_score(goal_id, "NO")
    counted = "" if goal is None else t("goal_table_counted", lang, n=int(goal["n_indicators"]),
                                         n_not_counted=int(goal["n_not_counted"]), n_excluded=int(goal["n_excluded"]))
    return "\n\n".join(part for part in (counted, markdown_table(frame, links=links, label=t("goal_indicators", lang)))
                         if part)


def _score_cell(row, unit_kind: str, lang: str) -> str:
    """The indicator's score; for one shown but not counted in the goal (a copy, a rank of a counted index, a
    composite of counted parts), the score and why it does not count, so the rows a reader counts match the goal's
    «bygger på n indikatorer»."""
    score = scores.score_text(None if row is None else row["score"], lang)
    if row is None or pd.isna(row["counted"]) or bool(row["counted"]):
        return score
    return f"{score} · {NOT_COUNTED_ICON} {scores.not_counted_text(row['not_counted_reason'], unit_kind, lang)}"
