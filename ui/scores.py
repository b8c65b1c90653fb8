"""Presentation of the stored scores: a status as icon + text (never colour alone), a goal label, a score, the
change that was scored, and "how was this calculated" in sentences from the indicator_scores and
indicator_score_peers rows. Nothing is computed here that the build did not store."""
from __future__ import annotations

import pandas as pd

from ui import data, precision
from ui.charts import ordered_geos
from ui.i18n import format_number, format_value, geo_name, t, tn
from ui.page import md

# Streamlit's bundled Material Symbols (`:material/<name>:`), not emoji: they render without an emoji font, and the
# text beside each icon says the status in words (the icon is never the only carrier, nor is colour).
STATUS_ICONS = {
    "target_achieved": ":material/flag:",
    "substantial_progress": ":material/keyboard_double_arrow_up:",
    "eu_reference_reached": ":material/military_tech:",
    "moderate_progress": ":material/north_east:",
    "stable": ":material/east:",
    "limited_progress": ":material/south_east:",
    "deterioration": ":material/keyboard_double_arrow_down:",
    "insufficient_data": ":material/help:",
    "level_only": ":material/leaderboard:",
}
LABEL_ICONS = {"god": ":material/check_circle:", "middels": ":material/do_not_disturb_on:",
               "mindre god": ":material/cancel:"}
# Badge colours beside the icon and the word (Streamlit's badge palette is contrast-checked).
LABEL_COLOURS = {"god": "green", "middels": "orange", "mindre god": "red"}
NO_LABEL_ICON = ":material/help:"


def _missing(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value))


def status_text(status: str | None, lang: str) -> str:
    if _missing(status):
        return "–"
    return f"{STATUS_ICONS.get(status, '')} {t('status_' + status, lang)}"


def label_text(label: str | None, lang: str) -> str:
    if _missing(label):
        return t("label_none", lang)
    return f"{LABEL_ICONS[label]} {t('label_' + label, lang)}"


def label_words(label: str | None, lang: str) -> str:
    """The label in words only, for headings (an icon's name would become part of the heading and its anchor)."""
    return t("label_none", lang) if _missing(label) else t("label_" + label, lang)


def label_badge(label: str | None, lang: str) -> str:
    """The label as a Markdown badge: colour, icon and the word (the word alone carries the meaning)."""
    if _missing(label):
        return f":gray-badge[{NO_LABEL_ICON} {t('label_none', lang)}]"
    return f":{LABEL_COLOURS[label]}-badge[{LABEL_ICONS[label]} {t('label_' + label, lang)}]"


def score_text(score: float | None, lang: str) -> str:
    return "–" if _missing(score) else format_number(score, lang, decimals=2)


def has_change(row) -> bool:
    """The scored change is shown when the build stored one (with the base period it is measured from)."""
    return row is not None and not _missing(row["change"]) and not _missing(row["base_period"])


def change_text(row, unit_kind: str, lang: str) -> str:
    """`indicator_scores.change` with its sign, or '–', at the publisher's precision from the exact decimals of its
    two ends (ui.precision). For a rank, where a higher number is a worse place, the change is said in places up or
    down (arrow and words), so '+2' never reads as an improvement."""
    if not has_change(row):
        return "–"
    if unit_kind == "rank":
        change = row["change"]
        if change == 0:
            return t("rank_same", lang)
        if change > 0:
            return tn("rank_down", lang, change, n=format_number(change, lang))
        return tn("rank_up", lang, -change, n=format_number(-change, lang))
    return precision.scored_change_shown(row, lang)


def as_of_text(as_of, data_to_year, lang: str) -> str:
    """An as-of year said truthfully: 'per 2026 (data til og med 2025)' / 'as of 2026 (data to 2025)'. The as-of
    year is when the figures were published by; the year their data end (stored data_to_year) is said beside it."""
    if _missing(data_to_year):
        return t("as_of_only", lang, year=int(as_of))
    return t("as_of_when", lang, year=int(as_of), data_year=int(data_to_year))


def not_counted_text(reason: str | None, unit_kind: str | None, lang: str) -> str:
    """The stored `not_counted_reason` in words, naming the indicator that counts instead: 'same_as <id>' → the
    same measurement as «name» (a rank of a scored index or score: the rank in «name»); 'composite…' → a composite
    whose parts count. `unit_kind` is the not-counted indicator's own. '' for an indicator that counts."""
    if _missing(reason) or not reason:
        return ""
    if str(reason).startswith("same_as "):
        other = str(reason).split(" ", 1)[1]
        catalog = data.indicators().set_index("indicator_id")
        known = other in catalog.index
        name = catalog.loc[other, f"name_{lang}"] if known else other
        rank_of = unit_kind == "rank" and known and catalog.loc[other, "unit_kind"] != "rank"
        return t("not_counted_rank_of" if rank_of else "not_counted_same_as", lang, name=md(name))
    return t("not_counted_composite", lang)


def since_text(row) -> str:
    """`indicator_scores.base_period`, the period the shown change (and the status) is measured from."""
    return str(row["base_period"]) if has_change(row) else "–"


def explain_indicator_text(score: dict, peers: pd.DataFrame, unit_id: str, lang: str) -> list[str]:
    """The calculation for one indicator, in sentences, with every number the build stored; the figures (the two
    ends, the peers, the target) at the publisher's precision (ui.precision), the ends as written."""
    fmt = lambda v, text=None: "–" if _missing(v) else precision.value_shown(v, unit_id, lang, text)  # noqa: E731
    texts = precision.texts_of(score["indicator_id"], score.get("geo", "NO"))
    pct = lambda v: "–" if _missing(v) else format_value(100 * v, "percent", lang, decimals=2)  # noqa: E731
    with_target = not _missing(score.get("required_cagr"))
    lines = []
    if has_change(score) and not _missing(score["base_value"]) and not _missing(score["latest_value"]):
        thresholds = [score.get(f"threshold_{k}") for k in ("high", "med", "low")]
        thresholds = [v for v in thresholds if not _missing(v)]
        if with_target:
            shown = " / ".join(format_number(v, lang, decimals=3) for v in thresholds)
        else:
            shown = " / ".join(pct(v) for v in thresholds)
        limit = ""
        if not _missing(score.get("limit_factor")):
            limit = t("explain_limit", lang, c=format_number(score["limit_factor"], lang, decimals=3),
                      limit=format_number(score["limit_value"], lang))
        lines.append(t("explain_trend", lang, base_value=fmt(score["base_value"], texts["base_text"]),
                       base_period=score["base_period"],
                       latest_value=fmt(score["latest_value"], texts["latest_text"]), latest_period=score["latest_period"],
                       cagr=pct(score.get("cagr")), thresholds=shown or "–", limit=limit,
                       status=status_text(score["status"], lang)))
        if with_target:
            lines[-1] += t("explain_target_eu" if score.get("target_kind") == "eu_reference" else "explain_target", lang, target=fmt(score["target_value"]),
                           target_year=int(score["target_year"]), required=pct(score["required_cagr"]),
                           ratio=format_number(score.get("progress_value"), lang, decimals=2))
    else:
        lines.append(status_text(score["status"], lang))
    if score.get("level_basis") == "peers" and not peers.empty:
        by_geo = peers.set_index("peer_geo")
        shown = ", ".join(f"{geo_name(g, lang)} {fmt(by_geo.loc[g, 'peer_value'])} ({by_geo.loc[g, 'peer_period']})"
                          for g in ordered_geos(by_geo.index))
        matched = 0 if _missing(score.get("n_peers_matched")) else int(score["n_peers_matched"])
        n = int(score["n_peers"])
        lines.append(tn("explain_level", lang, n, matched=matched, n=n, peers=shown,
                        level=score_text(score["level_score"], lang)))
    elif score.get("level_basis") == "target":
        lines.append(t("explain_level_target", lang, level=score_text(score["level_score"], lang)))
    elif score.get("level_basis") == "scale":
        lines.append(t("explain_level_scale", lang, level=score_text(score["level_score"], lang)))
    else:
        lines.append(t("explain_no_level", lang))
    if score.get("status") == "level_only":
        lines.append(t("explain_score_level", lang, score=score_text(score["score"], lang)))
    else:
        lines.append(t("explain_score", lang, development=score_text(score["development_score"], lang),
                       level=score_text(score["level_score"], lang), score=score_text(score["score"], lang)))
    if not _missing(score.get("counted")) and not bool(score["counted"]):
        lines.append(t("explain_not_counted", lang,
                       reason=not_counted_text(score.get("not_counted_reason"), precision.units()[unit_id]["kind"],
                                              lang) or "–"))
    if not _missing(score.get("warnings")) and score["warnings"]:
        lines.append(t("explain_warnings", lang, warnings=score["warnings"]))
    return lines
