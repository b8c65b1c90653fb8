"""The final assessment of the strategy period 2019–2025, per goal, read from the score tables: the goal score at
the start and the end of the period (goal_score_history) and what differs between the two indicator sets, the
indicators measured at both ends (like for like, from indicator_scores' base and latest figures), those that
improved and worsened most, what the data cannot tell (indicators without recent national figures, grouped by the
survey they come from, and years without a score), and how sure the score is (goal_confidence).
Nothing is scored here; the functions return Markdown and are cached per warehouse version and language."""
from __future__ import annotations

import pandas as pd

from ui import data, precision, scores
from ui.glance import confidence, counted_scores, freshness_line, scored_history
from ui.i18n import format_change, format_value, t
from ui.render_cache import per_version
from ui.tables import markdown_table, page_url

PERIOD_START, PERIOD_END = 2019, 2025
# «Fremtidens digitale Norge» (2024–2030), the successor strategy; the URL as given in shared/domain/strategy.md §1.
SUCCESSOR_URL = "https://regjeringen.no/en/dokumenter/the-digital-norway-of-the-future/id3054645/"
IMPROVING = ("target_achieved", "eu_reference_reached", "substantial_progress", "moderate_progress")
WORSENING = ("deterioration", "limited_progress")
ORDER = {s: n for n, s in enumerate(IMPROVING + ("stable",) + tuple(reversed(WORSENING)))}
TOP = 3


def _missing(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value))


def _catalog() -> pd.DataFrame:
    catalog = data.indicators().set_index("indicator_id")
    units = data.query("SELECT unit_id, limit_value AS unit_limit FROM units").set_index("unit_id")["unit_limit"]
    catalog["unit_limit"] = catalog["unit_id"].map(units)
    return catalog


def _with_texts(frame: pd.DataFrame) -> pd.DataFrame:
    texts = precision.latest_texts("NO")
    return frame.merge(texts, on="indicator_id", how="left")


def _value(row, ind, which: str, lang: str) -> str:
    text = row.get(f"{which}_text")
    shown = precision.value_shown(row[f"{which}_value"], ind["unit_kind"], ind["unit_id"], ind["unit_limit"], text, lang)
    return f"{shown} ({row[f'{which}_period']})"


def _name_link(indicator_id: str, catalog: pd.DataFrame, lang: str) -> str:
    name = catalog.loc[indicator_id, f"name_{lang}"] if indicator_id in catalog.index else indicator_id
    return f"[{name}]({page_url('indicator', indicator=indicator_id, lang=lang)})"


def history_row(history: pd.DataFrame, year: int, *, first: bool) -> dict | None:
    """The stored score for `year`; at the start, the first scored year from `year` on (said so in the text)."""
    rows = history[history["as_of"] >= year] if first else history[history["as_of"] <= year]
    if rows.empty:
        return None
    return (rows.iloc[0] if first else rows.iloc[-1]).to_dict()


def start_end_lines(goal_id: str, lang: str) -> list[str]:
    history = scored_history(goal_id)
    start, end = history_row(history, PERIOD_START, first=True), history_row(history, PERIOD_END, first=False)
    if start is None or end is None:
        return [t("assess_no_scores", lang)]
    fmt = lambda row: t("assess_state", lang, year=int(row["as_of"]), score=scores.score_text(row["score"], lang),  # noqa: E731
                        label=scores.label_text(row["label"], lang), n=int(row["n_indicators"]))
    lines = [f"**{t('assess_start', lang)}:** {fmt(start)}", f"**{t('assess_end', lang)}:** {fmt(end)}"]
    if int(start["as_of"]) != PERIOD_START:
        lines.append(t("assess_start_later", lang, start=PERIOD_START, year=int(start["as_of"])))
    if int(start["n_indicators"]) != int(end["n_indicators"]):
        lines.append(t("assess_not_like_for_like", lang, n_start=int(start["n_indicators"]),
                       n_end=int(end["n_indicators"]), start=int(start["as_of"]), end=int(end["as_of"])))
    lines.append(f"**{t('assess_lfl_score_title', lang)}:** {like_for_like_score_line(goal_id, lang)}")
    return lines


def period_scores(goal_id: str) -> dict | None:
    """The stored start and end of the period on the like-for-like set (goal_period_scores)."""
    rows = data.query("SELECT * FROM goal_period_scores WHERE geo = 'NO' AND goal_id = ?", goal_id)
    return None if rows.empty else rows.iloc[0].to_dict()


def like_for_like_score_line(goal_id: str, lang: str) -> str:
    row = period_scores(goal_id)
    if row is None or not row["n_common"]:
        return t("assess_lfl_score_none", lang)
    return t("assess_lfl_score", lang, n=int(row["n_common"]), start=int(row["start_as_of"]),
             end=int(row["end_as_of"]), start_score=scores.score_text(row["start_score"], lang),
             start_label=scores.label_text(row["start_label"], lang),
             end_score=scores.score_text(row["end_score"], lang),
             end_label=scores.label_text(row["end_label"], lang),
             change=format_change(row["change"], "score", lang))


def like_for_like(goal_id: str) -> pd.DataFrame:
    """Counted indicators with a scored change that starts at the beginning of the period (base year 2019–2020)."""
    scored = counted_scores(goal_id)
    both = scored[scored["change"].notna() & scored["base_year"].notna() & (scored["base_year"] <= PERIOD_START + 1)]
    return _with_texts(both)


def like_for_like_block(goal_id: str, lang: str, catalog: pd.DataFrame) -> list[str]:
    both = like_for_like(goal_id)
    if both.empty:
        return [t("assess_lfl_none", lang)]
    counts = both["status"].map(lambda s: "up" if s in IMPROVING else ("down" if s in WORSENING else "same"))
    lines = [t("assess_lfl_summary", lang, n=len(both), up=int((counts == "up").sum()),
               same=int((counts == "same").sum()), down=int((counts == "down").sum()))]
    both = both.assign(order=both["status"].map(lambda s: ORDER.get(s, 99))).sort_values(["order", "indicator_id"])
    rows = []
    for row in both.to_dict("records"):
        ind = catalog.loc[row["indicator_id"]]
        rows.append({t("col_indicator", lang): ind[f"name_{lang}"],
                     "url": page_url("indicator", indicator=row["indicator_id"], lang=lang),
                     t("assess_col_start", lang): _value(row, ind, "base", lang),
                     t("assess_col_end", lang): _value(row, ind, "latest", lang),
                     t("col_status", lang): scores.status_text(row["status"], lang)})
    lines.append(markdown_table(pd.DataFrame(rows), links={t("col_indicator", lang): "url"}))
    return lines


def movers_block(goal_id: str, lang: str, catalog: pd.DataFrame) -> list[str]:
    """The counted indicators whose stored status improved or worsened most: by status, then by the stored
    progress value (the direction-adjusted annual growth rate, or the ratio to the required rate with a target)."""
    scored = _with_texts(counted_scores(goal_id))
    scored = scored[scored["change"].notna()]
    lines = []
    for key, statuses, ascending in (("assess_improved", IMPROVING, False), ("assess_worsened", WORSENING, True)):
        part = scored[scored["status"].isin(statuses)].copy()
        if part.empty:
            lines.append(f"**{t(key, lang)}:** {t('none', lang)}")
            continue
        part["order"] = part["status"].map(lambda s: statuses.index(s))
        part = part.sort_values(["order", "progress_value"], ascending=[True, ascending]).head(TOP)
        items = []
        for row in part.to_dict("records"):
            ind = catalog.loc[row["indicator_id"]]
            change = precision.change_shown(row["change"], ind["unit_kind"], ind["unit_id"], ind["unit_limit"],
                                            row.get("base_text"), row.get("latest_text"), lang)
            if ind["unit_kind"] == "rank":
                change = scores.change_text(row, "rank", lang)
            items.append(f"- {_name_link(row['indicator_id'], catalog, lang)}: {_value(row, ind, 'base', lang)} → "
                         f"{_value(row, ind, 'latest', lang)}, {change} — {scores.status_text(row['status'], lang)}")
        lines.append(f"**{t(key, lang)}:**\n" + "\n".join(items))
    return lines


def cannot_tell_block(goal_id: str, lang: str, catalog: pd.DataFrame) -> list[str]:
    """Indicators of the goal without a national figure from the last two years, grouped by their survey, with the
    year of its newest figure; and the years of the period with no goal score."""
    conf = confidence(goal_id)
    recent_from = int(conf["recent_from_year"]) if conf is not None else PERIOD_END - 1
    members = data.indicator_scores("NO")
    members = members[members["goal_id"] == goal_id]
    if "counted" in members:
        members = members[members["counted"].fillna(True).astype(bool)]
    old = members[members["latest_year"].isna() | (members["latest_year"] < recent_from)]
    lines = [t("assess_recent_rule", lang, from_year=recent_from)]
    if old.empty:
        lines.append(t("assess_all_recent", lang))
    else:
        old = old.assign(org=old["indicator_id"].map(catalog["source_org"]),
                         dataset=old["indicator_id"].map(catalog["source_dataset"]))
        items = []
        for (org, dataset), part in old.groupby(["org", "dataset"], sort=False):
            years = part["latest_year"].dropna()
            newest = t("assess_never", lang) if years.empty else str(int(years.max()))
            items.append((years.max() if not years.empty else 0,
                          f"- {dataset} ({org}): " + t("assess_survey_last", lang, year=newest, n=len(part))))
        lines.append("\n".join(text for _, text in sorted(items, key=lambda x: -x[0])))
    history = data.goal_score_history(goal_id, "NO")
    gaps = history[(history["as_of"] >= PERIOD_START) & (history["as_of"] <= PERIOD_END) & history["score"].isna()]
    if not gaps.empty:
        lines.append(t("assess_years_without", lang, years=", ".join(str(int(y)) for y in gaps["as_of"])))
    return lines


def sureness_lines(goal_id: str, lang: str) -> list[str]:
    """'How sure is this score?' from goal_confidence, in sentences."""
    conf = confidence(goal_id)
    if conf is None or not int(conf["n_indicators"] or 0):
        return [t("sure_none", lang)]
    n = int(conf["n_indicators"])
    pct = lambda v: format_value(100 * float(v), "percent", lang, decimals=0)  # noqa: E731
    lines = [t("sure_rests_on", lang, n=n, n_level=int(conf["n_with_level"])),
             t("sure_recent", lang, n_recent=int(conf["n_recent"]), n=n, from_year=int(conf["recent_from_year"])),
             t("sure_uncertain", lang, n_uncertain=int(conf["n_uncertain"]), n=n,
               share=pct(conf["uncertain_share"] or 0))]
    low, high = scores.score_text(conf["loo_score_min"], lang), scores.score_text(conf["loo_score_max"], lang)
    if bool(conf["loo_label_changes"]):
        catalog = data.indicators().set_index("indicator_id")
        which = [i for i in str(conf["loo_indicators"] or "").split(";") if i]
        lines.append(t("sure_fragile", lang, low=low, high=high,
                       indicators=", ".join(_name_link(i, catalog, lang) for i in which) or "–"))
    else:
        lines.append(t("sure_robust", lang, low=low, high=high))
    return lines


@per_version
def sureness_markdown(goal_id: str, lang: str) -> str:
    return "\n".join(f"- {line}" for line in sureness_lines(goal_id, lang)) + "\n\n" + \
        f":material/schedule: {freshness_line(goal_id, lang)}"


@per_version
def goal_assessment_markdown(goal_id: str, lang: str, heading_level: int = 3) -> str:
    """The whole final assessment of one goal as one Markdown block."""
    catalog = _catalog()
    h = "#" * heading_level
    parts = ["\n\n".join(start_end_lines(goal_id, lang)),
             f"{h}# {t('assess_lfl_title', lang)}", "\n\n".join(like_for_like_block(goal_id, lang, catalog)),
             f"{h}# {t('assess_movers_title', lang)}", "\n\n".join(movers_block(goal_id, lang, catalog)),
             f"{h}# {t('assess_cannot_tell', lang)}", "\n\n".join(cannot_tell_block(goal_id, lang, catalog)),
             f"{h}# {t('sure_title', lang)}", sureness_markdown.uncached(goal_id, lang)]
    return "\n\n".join(parts)


@per_version
def summary_table(lang: str) -> str:
    """One row per goal: the stored score at the start and the end of the period, and the label at the end."""
    rows = []
    for goal in data.goals().itertuples():
        history = scored_history(goal.goal_id)
        start = history_row(history, PERIOD_START, first=True)
        end = history_row(history, PERIOD_END, first=False)
        cell = lambda r: "–" if r is None else f"{scores.score_text(r['score'], lang)} ({int(r['as_of'])}, n={int(r['n_indicators'])})"  # noqa: E731
        same = period_scores(goal.goal_id)
        same_cell = "–" if same is None or not same["n_common"] else (
            f"{scores.score_text(same['start_score'], lang)} → {scores.score_text(same['end_score'], lang)} "
            f"(n={int(same['n_common'])})")
        rows.append({t("col_goal", lang): f"{t('goal_n', lang, n=goal.number)}: {getattr(goal, f'short_{lang}')}",
                     "url": f"#{goal.goal_id.lower()}",
                     t("assess_col_start", lang): cell(start), t("assess_end", lang): cell(end),
                     t("assess_col_same", lang): same_cell,
                     t("col_label", lang): scores.label_text(None if end is None else end["label"], lang)})
    return markdown_table(pd.DataFrame(rows), links={t("col_goal", lang): "url"}, label=t("assess_summary", lang))


def intro_markdown(lang: str) -> str:
    return t("assess_intro", lang, start=PERIOD_START, end=PERIOD_END, url=SUCCESSOR_URL)
