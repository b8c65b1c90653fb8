"""The final assessment of the strategy period 2019–2025, per goal, read from the score tables: the goal score at
the start and the end of the period (goal_score_history) and what differs between the two indicator sets, the
indicators measured at both ends (the like-for-like set the build scored, goal_period_indicators: each one's figure
and score components at each end), those that improved and worsened most, what the data cannot tell (the counted
indicators without recent national figures, grouped by the survey they come from (catalogue `surveys`), and years
without a score), and how sure the score is (goal_confidence).
Nothing is scored here; the functions return Markdown and are cached per warehouse version and language."""
from __future__ import annotations

import pandas as pd

from ui import data, precision, scores
from ui.glance import confidence, counted_scores, freshness_line, like_for_like_line, period_scores, scored_history
from ui.i18n import format_number, format_value, t, tn
from ui.render_cache import per_version
from ui.page import http_url, md
from ui.tables import link, markdown_table, page_url
from ui.views import flags_text, publisher_name

PERIOD_START, PERIOD_END = 2019, 2025
# «Fremtidens digitale Norge» (2024–2030), the successor strategy; the URL as given in shared/domain/strategy.md §1
# (the English edition: ../shared cites no URL of the Norwegian one, so the Norwegian page says it links the English).
SUCCESSOR_URL = "https://regjeringen.no/en/dokumenter/the-digital-norway-of-the-future/id3054645/"
IMPROVING = ("target_achieved", "eu_reference_reached", "substantial_progress", "moderate_progress")
WORSENING = ("deterioration", "limited_progress")
ORDER = {s: n for n, s in enumerate(IMPROVING + ("stable",) + tuple(reversed(WORSENING)))}
TOP = 3


def _missing(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value))


def _catalog() -> pd.DataFrame:
    return data.indicators().set_index("indicator_id")


def _with_texts(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` (indicator_scores rows) with the value texts and the sources of its base and latest figures."""
    sources = data.score_sources("NO").drop(columns=["base_flags", "latest_flags"])
    return frame.merge(sources, on="indicator_id", how="left")


def _value(row, ind, which: str, lang: str) -> str:
    """A base or latest figure with its period and its flags in words: '0,8630 (2024) ⚠ secondary source'."""
    text = row.get(f"{which}_text")
    shown = precision.value_shown(row[f"{which}_value"], ind["unit_id"], lang, text)
    flagged = flags_text(row.get(f"{which}_flags"), lang)
    return f"{shown} ({row[f'{which}_period']})" + (f" {flagged}" if flagged else "")


def _source(row, which: str, lang: str) -> str | None:
    org, url = row.get(f"{which}_source_org"), row.get(f"{which}_source_url")
    if _missing(org):
        return None
    name = publisher_name(str(org), lang)
    return link(name, str(url)) if not _missing(url) and str(url) else md(name)


def _sources(row, lang: str) -> str:
    """Where the two figures were read, as Markdown links: one publisher when both come from the same page, else
    'start: [A](…) · latest: [B](…)'."""
    base, latest = _source(row, "base", lang), _source(row, "latest", lang)
    if base is None or base == latest:
        return latest or "–"
    if latest is None:
        return t("assess_source_start", lang, source=base)
    return f"{t('assess_source_start', lang, source=base)} · {t('assess_source_end', lang, source=latest)}"


def _name_link(indicator_id: str, catalog: pd.DataFrame, lang: str) -> str:
    name = catalog.loc[indicator_id, f"name_{lang}"] if indicator_id in catalog.index else indicator_id
    return link(name, page_url('indicator', indicator=indicator_id, lang=lang))


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
    fmt = lambda row: tn("assess_state", lang, int(row["n_indicators"]), when=scores.as_of_text(row["as_of"], row["data_to_year"], lang),  # noqa: E731
                         score=scores.score_text(row["score"], lang), label=scores.label_text(row["label"], lang), n=int(row["n_indicators"]))
    lines = [f"**{t('assess_start', lang)}:** {fmt(start)}", f"**{t('assess_end', lang)}:** {fmt(end)}"]
    if int(start["as_of"]) != PERIOD_START:
        lines.append(t("assess_start_later", lang, start=PERIOD_START, year=int(start["as_of"])))
    if int(start["n_indicators"]) != int(end["n_indicators"]):
        lines.append(tn("assess_not_like_for_like", lang, int(start["n_indicators"]), n_start=int(start["n_indicators"]),
                        n_end=int(end["n_indicators"]), start=scores.as_of_text(start["as_of"], start["data_to_year"], lang),
                        end=scores.as_of_text(end["as_of"], end["data_to_year"], lang)))
    lines.append(f"**{t('assess_lfl_score_title', lang)}:** {like_for_like_score_line(goal_id, lang)}")
    return lines


def like_for_like_score_line(goal_id: str, lang: str) -> str:
    return like_for_like_line(goal_id, lang)


def period_indicators(goal_id: str) -> pd.DataFrame:
    """The like-for-like set the build scored (goal_period_indicators), one row per indicator and end of the period,
    with the value as written in its source (for its precision)."""
    return data.query("""
        SELECT p.*, o.value_text AS latest_text, b.value_text AS base_text,
               o.flags AS latest_flags, b.flags AS base_flags,
               o.source_org AS latest_source_org, o.source_url AS latest_source_url
        FROM goal_period_indicators p
        LEFT JOIN observations o ON o.indicator_id = p.indicator_id AND o.geo = p.geo AND o.breakdown = ''
             AND o.period = p.latest_period AND o.is_preferred
        LEFT JOIN observations b ON b.indicator_id = p.indicator_id AND b.geo = p.geo AND b.breakdown = ''
             AND b.period = p.base_period AND b.is_preferred
        WHERE p.geo = 'NO' AND p.goal_id = ?
        ORDER BY p.indicator_id""", goal_id)


def _parts(row: dict, ind, lang: str) -> str:
    """An indicator's score at one end with its components: the trend (development, with the base figure it is
    measured from) and the level, or the one it has."""
    score = scores.score_text(row["score"], lang)
    dev, level = row["development_score"], row["level_score"]
    if _missing(dev) and _missing(level):
        return score
    if _missing(dev):
        return t("assess_parts_level_only", lang, score=score, level=scores.score_text(level, lang))
    base = _value(row, ind, "base", lang) if not _missing(row["base_value"]) else "–"
    if _missing(level):
        return t("assess_parts_trend_only", lang, score=score, development=scores.score_text(dev, lang), base=base)
    return t("assess_parts", lang, score=score, development=scores.score_text(dev, lang), base=base,
             level=scores.score_text(level, lang))


def like_for_like_block(goal_id: str, lang: str, catalog: pd.DataFrame) -> list[str]:
    """Exactly the indicators the like-for-like score rests on (goal_period_scores.common_indicators, with their
    figures and score components from goal_period_indicators): the figure and the score at each end, so that the
    move of the goal's like-for-like score can be read from its parts."""
    period = period_scores(goal_id)
    rows = period_indicators(goal_id)
    if period is None or not period["n_common"] or rows.empty:
        return [t("assess_lfl_none", lang)]
    ids = [i for i in str(period["common_indicators"]).split(";") if i]
    by_end = {end: rows[rows["period_end"] == end].set_index("indicator_id") for end in ("start", "end")}
    ends = [by_end["end"].loc[i].to_dict() for i in ids]
    counts = pd.Series([e["status"] for e in ends]).map(
        lambda s: "up" if s in IMPROVING else ("down" if s in WORSENING else "same"))
    start_year, end_year = int(period["start_as_of"]), int(period["end_as_of"])
    level_only = sum(_missing(by_end["start"].loc[i, "development_score"]) for i in ids)
    with_trend = sum(not _missing(by_end["end"].loc[i, "development_score"]) for i in ids)
    lines = [tn("assess_lfl_summary", lang, len(ids), n=len(ids), up=int((counts == "up").sum()),
               same=int((counts == "same").sum()), down=int((counts == "down").sum())),
             t("assess_lfl_explain", lang, start=start_year, end=end_year, n=len(ids), n_level_only=level_only,
               n_trend=with_trend)]
    table = []
    for indicator_id in sorted(ids, key=lambda i: (ORDER.get(by_end["end"].loc[i, "status"], 99), i)):
        ind = catalog.loc[indicator_id]
        name = ind[f"name_{lang}"]
        weight = float(by_end["end"].loc[indicator_id, "weight"])
        if weight != 1:
            name += f" ({t('col_weight', lang).lower()} {format_number(weight, lang)})"
        row = {t("col_indicator", lang): name, "url": page_url("indicator", indicator=indicator_id, lang=lang)}
        for end, year, col_value in (("start", start_year, "assess_col_lfl_start"),
                                     ("end", end_year, "assess_col_period_end")):
            one = by_end[end].loc[indicator_id].to_dict()
            row[t(col_value, lang, year=year)] = _value(one, ind, "latest", lang)
            row[t("assess_col_score", lang, year=year)] = _parts(one, ind, lang)
        row[t("assess_col_trend_end", lang)] = scores.status_text(by_end["end"].loc[indicator_id, "status"], lang)
        start, end = by_end["start"].loc[indicator_id], by_end["end"].loc[indicator_id]
        row[t("col_source", lang)] = _sources({
            "base_source_org": start["latest_source_org"], "base_source_url": start["latest_source_url"],
            "latest_source_org": end["latest_source_org"], "latest_source_url": end["latest_source_url"]}, lang)
        table.append(row)
    lines.append(markdown_table(pd.DataFrame(table), links={t("col_indicator", lang): "url"},
                                markdown=(t("col_source", lang),)))
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
            change = scores.change_text(row, ind["unit_kind"], lang)
            items.append(f"- {_name_link(row['indicator_id'], catalog, lang)}: {_value(row, ind, 'base', lang)} → "
                         f"{_value(row, ind, 'latest', lang)}, {change} — {scores.status_text(row['status'], lang)}; "
                         f"{t('assess_sources', lang, sources=_sources(row, lang))}")
        lines.append(f"**{t(key, lang)}:**\n" + "\n".join(items))
    return lines


def surveys() -> pd.DataFrame:
    """The catalogue's surveys: names and publishers in both languages, and an end only where a source says so."""
    return data.query("SELECT * FROM surveys ORDER BY survey_id").set_index("survey_id")


def _survey_line(survey_id, part: pd.DataFrame, known: pd.DataFrame, lang: str) -> tuple[float, str]:
    years = part["latest_year"].dropna()
    newest = t("assess_never", lang) if years.empty else str(int(years.max()))
    if survey_id in known.index:
        survey = known.loc[survey_id]
        name = f"{md(survey[f'name_{lang}'])} – {md(survey[f'publisher_{lang}'])}"
        if _missing(survey["last_edition"]):
            status = t("assess_survey_no_newer", lang)
        else:
            status = t("assess_survey_ended", lang, year=int(survey["last_edition"]), note=md(survey[f"ended_note_{lang}"]),
                       url=http_url(survey["ended_source_url"]) or "")
    else:  # an indicator whose dataset names no survey: its catalogue dataset, as written
        name, status = md(survey_id), t("assess_survey_no_newer", lang)
    text = "- " + tn("assess_survey_line", lang, len(part), survey=name, year=newest, n=len(part), status=status)
    return (float(years.max()) if not years.empty else 0.0), text


def cannot_tell_block(goal_id: str, lang: str, catalog: pd.DataFrame) -> list[str]:
    """The indicators the goal score counts (as goal_confidence.n_indicators) without a national figure from the last
    two years, grouped by the survey they come from, with the year of its newest figure and whether a published
    source says the survey ended; and the years of the period with no goal score."""
    conf = confidence(goal_id)
    recent_from = int(conf["recent_from_year"]) if conf is not None else PERIOD_END - 1
    members = counted_scores(goal_id)
    old = members[members["latest_year"].isna() | (members["latest_year"] < recent_from)]
    lines = [t("assess_recent_rule", lang, from_year=recent_from, n_old=len(old), n=len(members))]
    if old.empty:
        lines.append(t("assess_all_recent", lang))
    else:
        survey_of = catalog["survey_id"] if "survey_id" in catalog else pd.Series(dtype=object)
        key = old["indicator_id"].map(lambda i: survey_of.get(i) if not _missing(survey_of.get(i)) else
                                      catalog.loc[i, "source_dataset"])
        known = surveys()
        items = [_survey_line(survey_id, part, known, lang) for survey_id, part in old.groupby(key, sort=True)]
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
    lines = [tn("sure_rests_on", lang, n, n=n, n_level=int(conf["n_with_level"])),
             tn("sure_recent", lang, int(conf["n_recent"]), n_recent=int(conf["n_recent"]), n=n,
                from_year=int(conf["recent_from_year"])),
             tn("sure_uncertain", lang, int(conf["n_uncertain"]), n_uncertain=int(conf["n_uncertain"]), n=n,
                share=pct(conf["uncertain_share"] or 0))]
    low, high = scores.score_text(conf["loo_score_min"], lang), scores.score_text(conf["loo_score_max"], lang)
    if bool(conf["loo_label_changes"]):
        catalog = data.indicators().set_index("indicator_id")
        which = [i for i in str(conf["loo_indicators"] or "").split(";") if i]
        lines.append(tn("sure_fragile", lang, len(which), low=low, high=high,
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
    return t("assess_intro", lang, start=PERIOD_START, end=PERIOD_END, url=SUCCESSOR_URL) + "\n\n" + \
        t("assess_overlap", lang)
