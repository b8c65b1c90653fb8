"""The one description of the monitor's data: observation files, warehouse tables, flags, the period grammar and
the one rounding rule.

Everything that checks, writes or documents data reads it from here: validation in the build (`etl.observations`),
the curated and live files (`etl.curate`, `etl.refresh`), the tables in `docs/data-model.md` (`python -m etl docs`)
and the data dictionary of the download bundle. A column is described once, in English and bokmål.
"""
from __future__ import annotations

import calendar
import math
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from etl.errors import MonitorError


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # DuckDB type in the warehouse (files hold text)
    en: str
    nb: str


def _c(name: str, type_: str, en: str, nb: str) -> Column:
    return Column(name, type_, en, nb)


# Flags an observation may carry, `;`-separated, in this order. (flag → (English, bokmål))
FLAGS: dict[str, tuple[str, str]] = {
    "secondary": ("read from a secondary source, not the publisher's own release",
                  "lest i en sekundærkilde, ikke i utgiverens egen publisering"),
    "inferred_year": ("the year is inferred, not stated by the source", "året er utledet, ikke oppgitt av kilden"),
    "break_in_series": ("the publisher changed method: not comparable with earlier periods",
                        "utgiveren endret metode: ikke sammenlignbart med tidligere perioder"),
    "provisional": ("provisional figure", "foreløpig tall"),
    "uncertain": ("uncertain or unverified figure", "usikkert eller ikke verifisert tall"),
    "lower_bound": ("a lower bound ('over …'), not an exact value", "en nedre grense («over …»), ikke en eksakt verdi"),
    "approximate": ("an approximate value", "en omtrentlig verdi"),
    "derived": ("computed by the monitor from the publisher's own figures (a rank from every country's score in one "
                "table); the note says how",
                "beregnet av monitoren fra utgiverens egne tall (en plassering ut fra alle lands poeng i én tabell); "
                "merknaden sier hvordan"),
}

# Countries and areas an observation may be for (`geo`), as the publishers name them. A new one is added here (and
# its name to ui/texts); the build refuses any other code.
GEOS: tuple[str, ...] = ("NO", "SE", "DK", "FI", "EU27", "EU28", "EU27+", "OECD")

# Origin kinds: where an observation row entered the monitor.
ORIGIN_KINDS: dict[str, tuple[str, str]] = {
    "curated": ("curated from a published file (data/curated/)", "kuratert fra en publisert fil (data/curated/)"),
    "live": ("fetched from the publisher's API (data/live/)", "hentet fra utgiverens API (data/live/)"),
}

_FLAG_DOC_EN = "; -separated: " + ", ".join(f"{k} ({v[0]})" for k, v in FLAGS.items())
_FLAG_DOC_NB = "Skilt med ;: " + ", ".join(f"{k} ({v[1]})" for k, v in FLAGS.items())

# ---------------------------------------------------------------------------------------------------------------
# Observation files: data/curated/<source>.csv and data/live/<source>.csv (all text, UTF-8, header row)
# ---------------------------------------------------------------------------------------------------------------

FILE_COLUMNS: tuple[Column, ...] = (
    _c("indicator_id", "VARCHAR", "Indicator id (see indicators.csv)", "Indikator-id (se indicators.csv)"),
    _c("geo", "VARCHAR", f"Country or area: {', '.join(GEOS)} as published",
       f"Land eller område: {', '.join(GEOS)} slik det er publisert"),
    _c("breakdown", "VARCHAR", "Empty for the total; else dimension=value, e.g. age=16-24",
       "Tom for totalen; ellers dimensjon=verdi, f.eks. age=16-24"),
    _c("period", "VARCHAR", "Period as published: 2023, 2021-2022, 2018-04, 2019-11-20",
       "Periode slik den er publisert: 2023, 2021-2022, 2018-04, 2019-11-20"),
    _c("value", "DOUBLE", "The value as published (number, . as decimal mark)",
       "Verdien slik den er publisert (tall, . som desimaltegn)"),
    _c("unit", "VARCHAR", "Unit id (see units.csv)", "Enhets-id (se units.csv)"),
    _c("source_org", "VARCHAR", "Publishing organisation", "Organisasjonen som publiserte tallet"),
    _c("source_dataset", "VARCHAR", "Dataset or publication", "Datasett eller publikasjon"),
    _c("source_url", "VARCHAR", "Where the figure was read (required)", "Hvor tallet ble lest (påkrevd)"),
    _c("published", "VARCHAR", "Publication or retrieval date if known (YYYY or YYYY-MM-DD)",
       "Publiserings- eller hentedato hvis kjent (ÅÅÅÅ eller ÅÅÅÅ-MM-DD)"),
    _c("flags", "VARCHAR", _FLAG_DOC_EN, _FLAG_DOC_NB),
    _c("note", "VARCHAR", "Free-text provenance note", "Fritekst om opphavet til tallet"),
)
CURATED_COLUMNS: list[str] = [c.name for c in FILE_COLUMNS]
# Live rows also name the archived raw response they were parsed from and the row in it.
LIVE_COLUMNS: list[str] = CURATED_COLUMNS + ["origin", "origin_row"]
# Within one file (one source), this key is unique.
FILE_KEY: list[str] = ["indicator_id", "geo", "breakdown", "period", "source_url"]
# One preferred value per observation key.
OBSERVATION_KEY: list[str] = ["indicator_id", "geo", "breakdown", "period"]

# ---------------------------------------------------------------------------------------------------------------
# Warehouse tables
# ---------------------------------------------------------------------------------------------------------------

_OBS_BY_NAME = {c.name: c for c in FILE_COLUMNS}
OBSERVATIONS: tuple[Column, ...] = (
    *(_OBS_BY_NAME[n] for n in ("indicator_id", "geo", "breakdown", "period")),
    _c("year", "INTEGER", "First year of the period", "Første år i perioden"),
    _OBS_BY_NAME["value"],
    _c("value_text", "VARCHAR", "The value exactly as written in the source file",
       "Verdien nøyaktig slik den står i kildefilen"),
    _c("unit_id", "VARCHAR", "Unit id (see units.csv)", "Enhets-id (se units.csv)"),
    *(_OBS_BY_NAME[n] for n in ("source_org", "source_dataset", "source_url", "published", "flags", "note")),
    _c("is_preferred", "BOOLEAN",
       "True for the one value used where several publications give a figure for the same indicator, country, "
       "breakdown and period",
       "Sann for den ene verdien som brukes når flere publikasjoner oppgir et tall for samme indikator, land, "
       "inndeling og periode"),
    _c("origin", "VARCHAR", "The curated file or archived raw response the row came from",
       "Den kuraterte filen eller det arkiverte API-svaret raden kom fra"),
    _c("origin_row", "INTEGER", "Row number in the origin (curated files: line of the file)",
       "Radnummer i opphavet (kuraterte filer: linje i filen)"),
    _c("origin_kind", "VARCHAR", "; ".join(f"{k}: {v[0]}" for k, v in ORIGIN_KINDS.items()),
       "; ".join(f"{k}: {v[1]}" for k, v in ORIGIN_KINDS.items())),
    _c("source", "VARCHAR", "The monitor's source folder the row came from (etl/sources/<source>/)",
       "Kildemappen i monitoren raden kom fra (etl/sources/<kilde>/)"),
)

_SCORE_ID = (
    _c("geo", "VARCHAR", "The scored country (NO, SE, DK, FI)", "Landet som er vurdert (NO, SE, DK, FI)"),
    _c("indicator_id", "VARCHAR", "Indicator id", "Indikator-id"),
)
INDICATOR_SCORES: tuple[Column, ...] = (
    *_SCORE_ID,
    _c("goal_id", "VARCHAR", "The goal the indicator counts in", "Målet indikatoren teller i"),
    _c("base_period", "VARCHAR", "Period the change is measured from", "Perioden endringen måles fra"),
    _c("base_year", "INTEGER", "First year of the base period", "Første år i basisperioden"),
    _c("base_value", "DOUBLE", "Value in the base period", "Verdien i basisperioden"),
    _c("latest_period", "VARCHAR", "Latest period with a value", "Siste periode med verdi"),
    _c("latest_year", "INTEGER", "First year of the latest period", "Første år i siste periode"),
    _c("latest_value", "DOUBLE", "Latest value", "Siste verdi"),
    _c("change", "DOUBLE", "latest_value − base_value, in the indicator's unit (the change that was scored)",
       "latest_value − base_value, i indikatorens enhet (endringen som ble vurdert)"),
    _c("status", "VARCHAR", "Trend status: target_achieved, eu_reference_reached, substantial_progress, "
       "moderate_progress, stable, limited_progress, deterioration, level_only (no comparable trend; the score is "
       "the level alone) or insufficient_data (no score)",
       "Utviklingsstatus: target_achieved, eu_reference_reached, substantial_progress, moderate_progress, stable, "
       "limited_progress, deterioration, level_only (ingen sammenlignbar utvikling; poengene er nivået alene) eller "
       "insufficient_data (ingen poeng)"),
    _c("rule", "VARCHAR", "The rule that decided the status (see docs/method.md)",
       "Regelen som avgjorde statusen (se docs/method.md)"),
    _c("cagr", "DOUBLE", "Compound annual growth rate from base to latest", "Årlig vekstrate fra basis til siste"),
    _c("required_cagr", "DOUBLE", "Growth rate needed to reach the target", "Vekstraten som trengs for å nå målet"),
    _c("progress_value", "DOUBLE", "The number compared with the thresholds", "Tallet som sammenlignes med tersklene"),
    _c("threshold_high", "DOUBLE", "Threshold for substantial progress", "Terskel for betydelig framgang"),
    _c("threshold_med", "DOUBLE", "Threshold for moderate progress", "Terskel for moderat framgang"),
    _c("threshold_low", "DOUBLE", "Threshold below which the status is deterioration",
       "Terskel der statusen blir tilbakegang"),
    _c("limit_value", "DOUBLE", "Natural limit of the unit, if any", "Enhetens naturlige grense, hvis noen"),
    _c("limit_factor", "DOUBLE", "Threshold reduction near the limit", "Reduksjon av tersklene nær grensen"),
    _c("target_value", "DOUBLE", "Target or reference value, if any", "Mål- eller referanseverdi, hvis noen"),
    _c("target_year", "INTEGER", "Year of the target", "Året for målet"),
    _c("target_kind", "VARCHAR", "Kind of target (e.g. eu_reference)", "Type mål (f.eks. eu_reference)"),
    _c("development_score", "DOUBLE", "Score 1–3 from the trend status", "Poeng 1–3 fra utviklingsstatusen"),
    _c("level_score", "DOUBLE", "Score 1–3 from the level against peers or target",
       "Poeng 1–3 fra nivået mot sammenligningsland eller mål"),
    _c("level_basis", "VARCHAR", "peers, target, scale (own scale: share of the limit or place among rank_of) or empty",
       "peers (land), target (mål), scale (egen skala: andel av grensen eller plass blant rank_of) eller tom"),
    _c("n_peers", "INTEGER", "Peers compared", "Antall land sammenlignet med"),
    _c("n_peers_matched", "INTEGER", "Peers the scored country is at least as good as",
       "Land det vurderte landet er minst like godt som"),
    _c("score", "DOUBLE", "Indicator score 1–3: mean of development and level", "Indikatorpoeng 1–3: snitt av utvikling og nivå"),
    _c("weight", "DOUBLE", "Weight in the goal score", "Vekt i målets poengsum"),
    _c("warnings", "VARCHAR", "Notes from the calculation, ; -separated", "Merknader fra beregningen, skilt med ;"),
    _c("counted", "BOOLEAN", "The score counts in the goal score (false: a copy of another indicator's measurement "
       "or a composite whose parts are counted; shown, not counted)",
       "Poengene teller i målets poengsum (usann: en kopi av en annen indikators måling eller en samleindeks der "
       "delene teller; vises, teller ikke)"),
    _c("not_counted_reason", "VARCHAR", "Why the indicator is not counted: 'same_as <id>' or 'composite: its parts "
       "are counted'", "Hvorfor indikatoren ikke teller: «same_as <id>» eller «composite: its parts are counted»"),
    _c("comparable_from_period", "VARCHAR", "First period the trend could use when earlier values were left out "
       "(a series break or the catalogue's comparable-from period)",
       "Første periode utviklingen kunne bruke når tidligere verdier ble holdt utenfor (brudd i serien eller "
       "katalogens sammenlignbar-fra-periode)"),
    _c("stable_band", "DOUBLE", "A change of at most this size (in the indicator's unit) is 'stable'",
       "En endring på høyst så mye (i indikatorens enhet) er «stabil»"),
    _c("change_places_up", "INTEGER", "Rank indicators: places moved up from base to latest (negative: down)",
       "Rangeringer: plasser opp fra basis til siste (negativt: ned)"),
    _c("base_flags", "VARCHAR", "Flags of the base observation", "Flagg på basisobservasjonen"),
    _c("latest_flags", "VARCHAR", "Flags of the latest observation", "Flagg på siste observasjon"),
    _c("latest_published_year", "INTEGER", "Year the latest value was published by (its published date, else the "
       "end of its period + the dataset's publication lag)",
       "Året siste verdi var publisert innen (publiseringsdatoen, ellers periodens slutt + datasettets "
       "publiseringsforsinkelse)"),
)
INDICATOR_SCORE_PEERS: tuple[Column, ...] = (
    *_SCORE_ID,
    _c("peer_geo", "VARCHAR", "The peer compared with", "Landet det sammenlignes med"),
    _c("peer_period", "VARCHAR", "The peer's period used", "Perioden for sammenligningslandet"),
    _c("peer_year", "INTEGER", "First year of that period", "Første år i den perioden"),
    _c("peer_value", "DOUBLE", "The peer's value", "Verdien for sammenligningslandet"),
    _c("own_at_least_as_good", "BOOLEAN", "The scored country is at least as good as this peer",
       "Det vurderte landet er minst like godt som dette landet"),
)
_GOAL_ID = (
    _c("geo", "VARCHAR", "The scored country (NO, SE, DK, FI)", "Landet som er vurdert (NO, SE, DK, FI)"),
    _c("goal_id", "VARCHAR", "Goal id G1–G6", "Mål-id G1–G6"),
)
_GOAL_VALUES = (
    _c("score", "DOUBLE", "Goal score 1.00–3.00, rounded to two decimals (the number that is labelled)",
       "Målets poengsum 1,00–3,00, avrundet til to desimaler (tallet som får vurderingen)"),
    _c("score_unrounded", "DOUBLE", "The weighted mean before rounding", "Vektet snitt før avrunding"),
    _c("label", "VARCHAR", "god (≥ 2.25), middels or mindre god (≤ 1.75)", "god (≥ 2,25), middels eller mindre god (≤ 1,75)"),
    _c("n_indicators", "INTEGER", "Indicators with a score (used)", "Indikatorer med poeng (brukt)"),
    _c("n_excluded", "INTEGER", "Counted indicators of the goal without a score",
       "Indikatorer i målet som teller, men er uten poeng"),
    _c("total_weight", "DOUBLE", "Sum of the weights used", "Summen av vektene som er brukt"),
    _c("n_not_counted", "INTEGER", "Indicators of the goal shown but not counted (copies, composites of counted parts)",
       "Indikatorer i målet som vises, men ikke teller (kopier, samleindekser der delene teller)"),
    _c("data_to_year", "INTEGER", "The newest year the score's figures measure (the last year of the latest period "
       "among the indicators used)", "Det nyeste året tallene bak poengsummen måler (siste år i den siste perioden "
       "blant indikatorene som er brukt)"),
)
GOAL_SCORES: tuple[Column, ...] = (*_GOAL_ID, *_GOAL_VALUES)
GOAL_SCORE_HISTORY: tuple[Column, ...] = (
    _GOAL_ID[0],
    _c("as_of", "INTEGER", "Scored with the figures published by the end of this year (the data they measure end "
       "earlier: data_to_year)", "Vurdert med tallene publisert innen utgangen av dette året (dataene de måler, slutter "
       "tidligere: data_to_year)"),
    _GOAL_ID[1],
    *_GOAL_VALUES,
)
GOAL_PERIOD_SCORES: tuple[Column, ...] = (
    *_GOAL_ID,
    _c("start_as_of", "INTEGER", "Start of the strategy period: the first year from the base year with a goal score",
       "Starten av strategiperioden: første år fra basisåret med en poengsum for målet"),
    _c("end_as_of", "INTEGER", "End of the strategy period (or the last year scored before it)",
       "Slutten av strategiperioden (eller siste vurderte år før den)"),
    _c("n_start", "INTEGER", "Indicators the goal score rested on at the start", "Indikatorer målets poengsum bygde på ved start"),
    _c("n_end", "INTEGER", "Indicators the goal score rested on at the end", "Indikatorer målets poengsum bygde på ved slutt"),
    _c("n_common", "INTEGER", "Indicators scored at both ends: the like-for-like set",
       "Indikatorer vurdert i begge ender: det sammenlignbare settet"),
    _c("common_indicators", "VARCHAR", "The like-for-like set (; -separated ids)", "Det sammenlignbare settet (id-er skilt med ;)"),
    _c("start_score", "DOUBLE", "Goal score at the start on the like-for-like set, rounded",
       "Målets poengsum ved start på det sammenlignbare settet, avrundet"),
    _c("start_label", "VARCHAR", "Rating of start_score", "Vurdering av start_score"),
    _c("end_score", "DOUBLE", "Goal score at the end on the like-for-like set, rounded",
       "Målets poengsum ved slutt på det sammenlignbare settet, avrundet"),
    _c("end_label", "VARCHAR", "Rating of end_score", "Vurdering av end_score"),
    _c("change", "DOUBLE", "end_score − start_score", "end_score − start_score"),
    _c("start_data_to_year", "INTEGER", "The newest year the like-for-like set's figures measure at the start",
       "Det nyeste året det sammenlignbare settets tall måler ved start"),
    _c("end_data_to_year", "INTEGER", "The newest year the like-for-like set's figures measure at the end",
       "Det nyeste året det sammenlignbare settets tall måler ved slutt"),
)
GOAL_PERIOD_INDICATORS: tuple[Column, ...] = (
    *_GOAL_ID,
    _c("indicator_id", "VARCHAR", "An indicator of the like-for-like set (goal_period_scores.common_indicators)",
       "En indikator i det sammenlignbare settet (goal_period_scores.common_indicators)"),
    _c("period_end", "VARCHAR", "start or end of the strategy period", "start eller end (slutt) av strategiperioden"),
    _c("as_of", "INTEGER", "The year scored (goal_period_scores.start_as_of or end_as_of)",
       "Året som er vurdert (goal_period_scores.start_as_of eller end_as_of)"),
    _c("base_period", "VARCHAR", "Period the change is measured from, as of that year",
       "Perioden endringen måles fra, per det året"),
    _c("base_value", "DOUBLE", "Value in the base period", "Verdien i basisperioden"),
    _c("latest_period", "VARCHAR", "Latest period with a value published by that year",
       "Siste periode med en verdi publisert innen det året"),
    _c("latest_value", "DOUBLE", "Latest value published by that year", "Siste verdi publisert innen det året"),
    _c("status", "VARCHAR", "Trend status as of that year (as in indicator_scores)",
       "Utviklingsstatus per det året (som i indicator_scores)"),
    _c("development_score", "DOUBLE", "Score 1–3 from the trend status", "Poeng 1–3 fra utviklingsstatusen"),
    _c("level_score", "DOUBLE", "Score 1–3 from the level against peers or target",
       "Poeng 1–3 fra nivået mot sammenligningsland eller mål"),
    _c("level_basis", "VARCHAR", "peers, target, scale or empty (as in indicator_scores)",
       "peers, target, scale eller tom (som i indicator_scores)"),
    _c("score", "DOUBLE", "Indicator score 1–3 that goal_period_scores' start_score or end_score is the mean of",
       "Indikatorpoeng 1–3 som start_score eller end_score i goal_period_scores er snittet av"),
    _c("weight", "DOUBLE", "Weight in that mean", "Vekt i det snittet"),
)
MOVERS: tuple[Column, ...] = (
    *_GOAL_ID,
    _c("rank", "INTEGER", "1 = moves the goal score most", "1 = trekker målets poengsum mest"),
    _c("indicator_id", "VARCHAR", "Indicator id", "Indikator-id"),
    _c("pull", "DOUBLE", "weight × (indicator score − goal score)", "vekt × (indikatorpoeng − målets poengsum)"),
    _c("direction", "VARCHAR", "up (pulls the goal score up) or down", "up (trekker opp) eller down (trekker ned)"),
)
GOAL_CONFIDENCE: tuple[Column, ...] = (
    *_GOAL_ID,
    _c("score", "DOUBLE", "The goal score (as in goal_scores)", "Målets poengsum (som i goal_scores)"),
    _c("label", "VARCHAR", "The goal's label (as in goal_scores)", "Målets vurdering (som i goal_scores)"),
    _c("n_indicators", "INTEGER", "Indicators the score is the mean of", "Indikatorer poengsummen er snittet av"),
    _c("n_recent", "INTEGER", "Of those, indicators whose latest value is from recent_from_year or later",
       "Av dem, indikatorer med siste verdi fra recent_from_year eller senere"),
    _c("recent_from_year", "INTEGER", "First year counted as recent (the last two years of the data)",
       "Første år som regnes som nytt (de to siste årene i dataene)"),
    _c("n_with_level", "INTEGER", "Indicators with a level component", "Indikatorer med nivåkomponent"),
    _c("n_uncertain", "INTEGER", "Indicators whose base or latest figure is secondary, uncertain, inferred or provisional",
       "Indikatorer der basis- eller siste tall er sekundært, usikkert, utledet eller foreløpig"),
    _c("uncertain_share", "DOUBLE", "Share of the score's weight resting on such figures (0–1)",
       "Andelen av poengsummens vekt som hviler på slike tall (0–1)"),
    _c("loo_label_changes", "BOOLEAN", "Leaving out one single indicator would change the label",
       "Å holde utenfor én enkelt indikator ville endre vurderingen"),
    _c("loo_indicators", "VARCHAR", "The indicators whose removal alone changes the label, ; -separated",
       "Indikatorene som alene endrer vurderingen når de holdes utenfor, skilt med ;"),
    _c("loo_score_min", "DOUBLE", "Lowest goal score when leaving out one indicator",
       "Laveste poengsum når én indikator holdes utenfor"),
    _c("loo_score_max", "DOUBLE", "Highest goal score when leaving out one indicator",
       "Høyeste poengsum når én indikator holdes utenfor"),
)
STATUS_CHANGES: tuple[Column, ...] = (
    *_SCORE_ID,
    _c("old_status", "VARCHAR", "Status scored on the previous build's figures", "Status vurdert på forrige byggs tall"),
    _c("new_status", "VARCHAR", "Status scored on this build's figures", "Status vurdert på dette byggets tall"),
    _c("old_score", "DOUBLE", "Indicator score in the previous build", "Indikatorpoeng i forrige bygg"),
    _c("new_score", "DOUBLE", "Indicator score in this build", "Indikatorpoeng i dette bygget"),
)
CHANGES: tuple[Column, ...] = (
    _c("change_kind", "VARCHAR", "new, changed or removed since the previous build",
       "new (ny), changed (endret) eller removed (fjernet) siden forrige bygg"),
    *(_OBS_BY_NAME[n] for n in OBSERVATION_KEY),
    _c("year", "INTEGER", "First year of the period", "Første år i perioden"),
    _c("old_value", "DOUBLE", "Preferred value in the previous build", "Foretrukket verdi i forrige bygg"),
    _c("new_value", "DOUBLE", "Preferred value in this build", "Foretrukket verdi i dette bygget"),
)
SOURCES: tuple[Column, ...] = (
    _c("source_id", "VARCHAR", "Source id in this build", "Kilde-id i dette bygget"),
    _c("source_org", "VARCHAR", "Publishing organisation", "Organisasjonen som publiserer"),
    _c("source_dataset", "VARCHAR", "Dataset or publication", "Datasett eller publikasjon"),
    _c("source_url", "VARCHAR", "Link to the source", "Lenke til kilden"),
    _c("origin_kind", "VARCHAR", "curated (file) or live (API)", "curated (fil) eller live (API)"),
    _c("source", "VARCHAR", "The monitor's source folder", "Kildemappen i monitoren"),
    _c("n_observations", "INTEGER", "Number of observations from the source", "Antall observasjoner fra kilden"),
    _c("first_year", "INTEGER", "First year covered", "Første år med tall"),
    _c("last_year", "INTEGER", "Last year covered", "Siste år med tall"),
    _c("licence", "VARCHAR", "Licence of the publisher's data, if known", "Lisensen for utgiverens data, hvis kjent"),
    _c("publisher_nb", "VARCHAR", "The publisher named in bokmål (source.toml)", "Utgiveren med navn på bokmål (source.toml)"),
    _c("publisher_en", "VARCHAR", "The publisher named in English (source.toml)", "Utgiveren med navn på engelsk (source.toml)"),
)
SOURCE_STATUS: tuple[Column, ...] = (
    _c("source", "VARCHAR", "Live source", "Kilde med automatisk henting"),
    _c("last_attempt", "TIMESTAMP WITH TIME ZONE", "Last refresh attempt (UTC)", "Siste forsøk på henting (UTC)"),
    _c("last_success", "TIMESTAMP WITH TIME ZONE", "Last successful refresh (UTC)", "Siste vellykkede henting (UTC)"),
    _c("last_error", "VARCHAR", "The last error, empty after a success", "Siste feil, tom etter en vellykket henting"),
    _c("row_count", "INTEGER", "Live rows served from the source", "Antall rader fra kilden som vises"),
)
RAW_RESPONSES: tuple[Column, ...] = (
    _c("response_id", "VARCHAR", "Archived response id (data/raw/…)", "Id for det arkiverte svaret (data/raw/…)"),
    _c("source", "VARCHAR", "Live source", "Kilde"),
    _c("url", "VARCHAR", "Requested URL", "URL som ble hentet"),
    _c("retrieved_at", "TIMESTAMP WITH TIME ZONE", "When it was retrieved (UTC)", "Når det ble hentet (UTC)"),
    _c("http_status", "INTEGER", "HTTP status (304: archived body reused)", "HTTP-status (304: arkivert svar gjenbrukt)"),
    _c("sha256", "VARCHAR", "SHA-256 of the body", "SHA-256 av svaret"),
    _c("path", "VARCHAR", "File of the archived body", "Filen med det arkiverte svaret"),
    _c("bytes", "BIGINT", "Size of the body", "Størrelsen på svaret"),
)
BUILD: tuple[Column, ...] = (
    _c("build_id", "VARCHAR", "Identifies the inputs: a hash of the catalogue and every data file",
       "Identifiserer inndataene: en hash av katalogen og hver datafil"),
    _c("built_at", "TIMESTAMP WITH TIME ZONE", "When the warehouse was built (UTC)", "Når lageret ble bygget (UTC)"),
    _c("n_goals", "INTEGER", "Goals", "Mål"),
    _c("n_indicators", "INTEGER", "Indicators", "Indikatorer"),
    _c("n_observations", "INTEGER", "Observations", "Observasjoner"),
    _c("n_sources", "INTEGER", "Sources", "Kilder"),
    _c("previous_build_id", "VARCHAR", "The build the changes are measured against",
       "Bygget endringene måles mot"),
)

# Tables the build writes whose columns are fixed here (the catalogue tables follow indicators/catalog.py).
TABLES: dict[str, tuple[Column, ...]] = {
    "observations": OBSERVATIONS,
    "sources": SOURCES,
    "indicator_scores": INDICATOR_SCORES,
    "indicator_score_peers": INDICATOR_SCORE_PEERS,
    "goal_scores": GOAL_SCORES,
    "goal_score_history": GOAL_SCORE_HISTORY,
    "goal_period_scores": GOAL_PERIOD_SCORES,
    "goal_period_indicators": GOAL_PERIOD_INDICATORS,
    "movers": MOVERS,
    "goal_confidence": GOAL_CONFIDENCE,
    "changes": CHANGES,
    "status_changes": STATUS_CHANGES,
    "source_status": SOURCE_STATUS,
    "raw_responses": RAW_RESPONSES,
    "build": BUILD,
}
SCORE_TABLES = ("indicator_scores", "indicator_score_peers", "goal_scores", "goal_score_history",
                "goal_period_scores", "goal_period_indicators", "movers", "goal_confidence")

# Catalogue tables (written from indicators/catalog.toml by indicators.catalog): described for the dictionary.
CATALOG_DOCS: dict[tuple[str, str], tuple[str, str]] = {
    ("indicators", "indicator_id"): ("Stable indicator id", "Stabil indikator-id"),
    ("indicators", "goal_id"): ("The goal the indicator belongs to (G1–G6)", "Målet indikatoren hører til (G1–G6)"),
    ("indicators", "name_nb"): ("Name in bokmål", "Navn på bokmål"),
    ("indicators", "name_en"): ("Name in English (our translation)", "Navn på engelsk (vår oversettelse)"),
    ("indicators", "definition_nb"): ("Definition in bokmål", "Definisjon på bokmål"),
    ("indicators", "definition_en"): ("Definition in English", "Definisjon på engelsk"),
    ("indicators", "unit_id"): ("Unit id (see units.csv)", "Enhets-id (se units.csv)"),
    ("indicators", "direction"): ("higher or lower is better", "higher (høyere) eller lower (lavere) er bedre"),
    ("indicators", "limit_value"): ("Natural limit of the scale, used in scoring",
                                    "Skalaens naturlige grense, brukt i poengberegningen"),
    ("indicators", "source_org"): ("Main publisher", "Hovedkilde"),
    ("indicators", "source_dataset"): ("Main dataset or publication", "Hoveddatasett eller publikasjon"),
    ("indicators", "breakdowns"): ("; -separated breakdown dimensions available", "Tilgjengelige inndelinger, skilt med ;"),
    ("indicators", "weight"): ("Weight in the goal score", "Vekt i målets poengsum"),
    ("indicators", "target_value"): ("Published target or reference value", "Publisert mål- eller referanseverdi"),
    ("indicators", "target_period"): ("When the target is to be reached", "Når målet skal nås"),
    ("indicators", "target_source_url"): ("Where the target is published", "Hvor målet er publisert"),
    ("indicators", "target_kind"): ("Kind of target (e.g. eu_reference)", "Type mål (f.eks. eu_reference)"),
    ("indicators", "target_note_nb"): ("Note on the target, bokmål", "Merknad til målet, bokmål"),
    ("indicators", "target_note_en"): ("Note on the target, English", "Merknad til målet, engelsk"),
    ("indicators", "connector_source"): ("Live source that refreshes the indicator, if any",
                                         "Kilden som oppdaterer indikatoren automatisk, hvis noen"),
    ("indicators", "life_events"): ("; -separated life-event ids (see life_events.csv)",
                                    "Livshendelses-id-er skilt med ; (se life_events.csv)"),
    ("indicators", "goal_reason_nb"): ("Why the indicator counts in its goal, bokmål", "Hvorfor indikatoren teller i målet, bokmål"),
    ("indicators", "goal_reason_en"): ("Why the indicator counts in its goal, English",
                                       "Hvorfor indikatoren teller i målet, engelsk"),
    ("indicators", "same_as"): ("Another indicator that measures the same thing (counted once)",
                                "En annen indikator som måler det samme (telles én gang)"),
    ("indicators", "part_of"): ("The composite this indicator is a part of (counted once)",
                                "Sammensatt indeks denne indikatoren er en del av (telles én gang)"),
    ("indicators", "comparable_from"): ("First period comparable with the latest (a method change before it)",
                                        "Første periode som kan sammenlignes med den siste (metodeendring før den)"),
    ("indicators", "comparable_from_reason"): ("Why earlier periods are not comparable",
                                               "Hvorfor tidligere perioder ikke kan sammenlignes"),
    ("indicators", "rank_of"): ("The index this indicator is the rank of (one survey, counted once)",
                                "Indeksen denne indikatoren er rangeringen i (én undersøkelse, telles én gang)"),
    ("indicators", "publication_lag_years"): ("Years after a period ends until its figure is published (as-of scoring)",
                                              "År fra en periode slutter til tallet publiseres (vurdering på et tidspunkt)"),
    ("goals", "goal_id"): ("Goal id G1–G6", "Mål-id G1–G6"),
    ("goals", "number"): ("Goal number 1–6", "Målnummer 1–6"),
    ("goals", "name_nb"): ("Official wording (Digdir)", "Offisiell ordlyd (Digdir)"),
    ("goals", "name_en"): ("English translation (ours, unofficial)", "Engelsk oversettelse (vår, uoffisiell)"),
    ("goals", "short_nb"): ("Short name, bokmål", "Kortnavn, bokmål"),
    ("goals", "short_en"): ("Short name, English", "Kortnavn, engelsk"),
    ("goals", "source_url"): ("Where the goal is worded", "Hvor målet er formulert"),
    ("units", "unit_id"): ("Unit id", "Enhets-id"),
    ("units", "label_nb"): ("Label in bokmål", "Betegnelse på bokmål"),
    ("units", "label_en"): ("Label in English", "Betegnelse på engelsk"),
    ("units", "kind"): ("percent, index, score, rank or count",
                        "percent (prosent), index (indeks), score (skår), rank (plass) eller count (antall)"),
    ("units", "limit_value"): ("Natural limit of the scale, if any", "Skalaens naturlige grense, hvis noen"),
    ("indicators", "survey_id"): ("The survey its dataset belongs to (see surveys)", "Undersøkelsen datasettet hører til (se surveys)"),
    ("surveys", "survey_id"): ("Survey id", "Undersøkelses-id"),
    ("surveys", "name_nb"): ("Name of the survey in bokmål", "Navnet på undersøkelsen på bokmål"),
    ("surveys", "name_en"): ("Name of the survey in English", "Navnet på undersøkelsen på engelsk"),
    ("surveys", "publisher_nb"): ("Publisher in bokmål", "Utgiver på bokmål"),
    ("surveys", "publisher_en"): ("Publisher in English", "Utgiver på engelsk"),
    ("surveys", "last_edition"): ("Last edition, where a published source says the survey ended (else empty)",
                                  "Siste utgave, når en publisert kilde sier at undersøkelsen er avsluttet (ellers tom)"),
    ("surveys", "ended_source_url"): ("The published source that says the survey ended", "Den publiserte kilden som sier at undersøkelsen er avsluttet"),
    ("surveys", "ended_note_nb"): ("What ended, in bokmål", "Hva som ble avsluttet, på bokmål"),
    ("surveys", "ended_note_en"): ("What ended, in English", "Hva som ble avsluttet, på engelsk"),
    ("units", "decimals"): ("The most decimals the publishers print figures in this unit with: a figure is shown with "
                            "as many as written, never more (half up from the exact decimal)",
                            "Flest desimaler utgiverne skriver tall i denne enheten med: et tall vises med så mange "
                            "som er skrevet, aldri flere (halvt opp fra eksakt desimal)"),
    ("units", "decimals_reason"): ("Where the publishers' precision is read", "Hvor utgivernes presisjon er lest"),
    ("life_events", "life_event_id"): ("Life-event id", "Livshendelses-id"),
    ("life_events", "name_nb"): ("Name as reported (bokmål)", "Navn slik det er gjengitt (bokmål)"),
    ("life_events", "name_en"): ("English translation (ours, unofficial)", "Engelsk oversettelse (vår, uoffisiell)"),
    ("life_events", "ministry"): ("Responsible ministry", "Ansvarlig departement"),
    ("life_events", "source_url"): ("Where the list was read", "Hvor listen ble lest"),
    ("life_events", "secondary"): ("True: the list comes from press coverage, not the strategy text",
                                   "Sann: listen kommer fra pressedekning, ikke fra strategiteksten"),
}


def describe(table: str, column: str) -> tuple[str, str]:
    """(English, bokmål) description of a warehouse column; a column not described here says so."""
    for col in TABLES.get(table, ()):
        if col.name == column:
            return col.en, col.nb
    return CATALOG_DOCS.get((table, column), ("(not yet described)", "(ikke beskrevet ennå)"))


def column_names(table: str) -> list[str]:
    return [c.name for c in TABLES[table]]


# ---------------------------------------------------------------------------------------------------------------
# Period grammar
# ---------------------------------------------------------------------------------------------------------------

FIRST_YEAR, LAST_YEAR = 1990, 2100
PERIOD_GRAMMAR = (
    "YYYY (a year), YYYY-YYYY (a span of consecutive years, e.g. a biennial average 2021-2022), YYYY-MM (a month) "
    f"or YYYY-MM-DD (a day); years {FIRST_YEAR}–{LAST_YEAR}"
)
_PERIOD = re.compile(r"(\d{4})(?:-(\d{4})|-(\d{2})(?:-(\d{2}))?)?", re.ASCII)  # ASCII: not '２０１９' 
MAX_SPAN_YEARS = 5


class PeriodError(MonitorError, ValueError):
    """A period string that is not in the grammar."""


def period_year(period: str) -> int:
    """The first year of a valid period; raises PeriodError naming the problem otherwise."""
    text = str(period)
    match = _PERIOD.fullmatch(text)
    if not match:
        raise PeriodError(f"period '{text[:40]}' is not {PERIOD_GRAMMAR}")
    year = int(match.group(1))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PeriodError(f"period '{text}': year {year} is outside {FIRST_YEAR}–{LAST_YEAR}")
    end, month, day = match.group(2), match.group(3), match.group(4)
    if end is not None and not year < int(end) <= year + MAX_SPAN_YEARS:
        raise PeriodError(f"period '{text}': a span must end 1–{MAX_SPAN_YEARS} years after it starts")
    if month is not None and not 1 <= int(month) <= 12:
        raise PeriodError(f"period '{text}': month {month} does not exist")
    if day is not None and not 1 <= int(day) <= calendar.monthrange(year, int(month))[1]:
        raise PeriodError(f"period '{text}': day {day} does not exist in {year}-{month}")
    return year


def is_period(period: str) -> bool:
    try:
        period_year(period)
    except PeriodError:
        return False
    return True


# ---------------------------------------------------------------------------------------------------------------
# Numbers: the one rounding rule (goal scores in the build and the command line, every figure on the pages)
# ---------------------------------------------------------------------------------------------------------------

def exact_decimal(value) -> Decimal:
    """A figure as the exact decimal it stands for: text (an observation's `value_text`, the figure as written) as
    written, a float as its shortest repr (2.125 → 2.125, not the binary 2.12499…), an int or Decimal as it is."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, str):
        return Decimal(value.strip())
    if isinstance(value, int):  # bool and numpy ints are handled by float() below when not int
        return Decimal(value)
    return Decimal(repr(float(value)))


def written_decimals(value) -> int:
    """Decimals of the exact decimal as written ('92.4' → 1, '88' → 0, '0.830' → 3); a number has no trailing zeros
    written (3.0 → 0, 72.5131696429 → 10)."""
    exact = exact_decimal(value)
    exponent = (exact if isinstance(value, str) else exact.normalize()).as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def round_half_up(value, decimals: int) -> Decimal:
    """`value` rounded to `decimals` places, half up (away from zero) from its exact decimal: 2.125 → 2.13,
    79.25 → 79.3, 0.92745 → 0.9275 (Python's round and Babel round half to even: 2.12, 79.2, 0.9274)."""
    return exact_decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
# Text fields of observation files: what a value may look like (None: fine; else the problem, in words)
# ---------------------------------------------------------------------------------------------------------------

PUBLISHED_GRAMMAR = f"YYYY or YYYY-MM-DD (a date that exists), years {FIRST_YEAR}–{LAST_YEAR}"
_PUBLISHED = re.compile(r"\d{4}(?:-\d{2}-\d{2})?", re.ASCII)
BREAKDOWN_GRAMMAR = ("empty (the total) or dimension=value: a dimension of lower-case letters, digits and _, and a "
                     "value without '=', ';' or spaces, e.g. age=16-24")
_BREAKDOWN = re.compile(r"([a-z][a-z0-9_]*)=[^=;\s]+", re.ASCII)
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def text_problem(text: str) -> str | None:
    """A control character (NUL, a line break, ESC, BEL, …) has no place in any field of an observation file."""
    found = CONTROL.search(text)
    return None if found is None else f"a control character (U+{ord(found.group()):04X})"


def published_problem(text: str) -> str | None:
    if text == "":
        return None
    if not _PUBLISHED.fullmatch(text):
        return f"published '{text[:40]}' is not {PUBLISHED_GRAMMAR}"
    try:
        period_year(text)
    except PeriodError as exc:
        return f"published {str(exc).removeprefix('period ')}"
    return None


def breakdown_dimension(text: str) -> str | None:
    """The dimension of a well-formed breakdown (`age` of `age=16-24`); None for the total or a malformed one."""
    match = _BREAKDOWN.fullmatch(text)
    return match.group(1) if match else None


def breakdown_problem(text: str) -> str | None:
    if text == "" or _BREAKDOWN.fullmatch(text):
        return None
    return f"breakdown '{text[:40]}' is not {BREAKDOWN_GRAMMAR}"


def url_problem(text: str) -> str | None:
    """Where a figure was read: an absolute http(s) address with a host, nothing else (no javascript:, no spaces)."""
    from urllib.parse import urlsplit

    problem = f"source_url '{text[:60]}' is not an absolute http(s) address"
    if any(c.isspace() for c in text) or CONTROL.search(text):
        return problem + " (it contains a space or a line break)"
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:
        return problem
    if parts.scheme not in ("http", "https") or not host:
        return problem
    return None


def flags_problem(text: str) -> str | None:
    """Flags are `flag;flag`, each known, none empty or repeated (unknown names are reported with the allowed ones)."""
    if text == "":
        return None
    names = text.split(";")
    if "" in names or len(set(names)) != len(names):
        return f"flags '{text[:60]}' have an empty or repeated entry (write flag;flag, each once)"
    return None


# A value as the files write it: ASCII digits with an optional sign, decimal point and exponent (float() would also
# take '1_000', 'infinity' and digits of other scripts).
_VALUE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


def finite_value(text: str) -> float | None:
    """An observation's value as a float when it is written as a finite number, else None."""
    if not _VALUE.fullmatch(text):
        return None
    number = float(text)
    return number if math.isfinite(number) else None
