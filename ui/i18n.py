"""Every user-facing string in bokmål and English, and number formatting per language.

Pages call `t("key", lang, **values)`; a missing key or language fails the tests (tests/test_i18n.py).
"""
from __future__ import annotations

import math

LANGS = ("nb", "en")
DEFAULT_LANG = "nb"

TEXTS: dict[str, dict[str, str]] = {
    # app and navigation
    "app_title": {"nb": "Digitaliseringsmonitoren", "en": "The digitalisation monitor"},
    "app_tagline": {
        "nb": "Hvordan går det med «Én digital offentlig sektor» (2019–2025)? Åpne tall, oppdatert fra kildene.",
        "en": "How is Norway doing on «One digital public sector» (2019–2025)? Open figures, updated from the sources.",
    },
    "nav_overview": {"nb": "Oversikt", "en": "Overview"},
    "nav_goal": {"nb": "Mål", "en": "Goal"},
    "nav_indicator": {"nb": "Indikator", "en": "Indicator"},
    "nav_section_main": {"nb": "Status", "en": "Status"},
    "nav_section_more": {"nb": "Mer", "en": "More"},
    "language": {"nb": "Språk", "en": "Language"},
    "lang_name_nb": {"nb": "Norsk (bokmål)", "en": "Norsk (bokmål)"},
    "lang_name_en": {"nb": "English", "en": "English"},
    # freshness and sources
    "freshness": {
        "nb": "Data bygget {built} (bygg {build_id}). {n_obs} observasjoner fra {n_sources} kilder.",
        "en": "Data built {built} (build {build_id}). {n_obs} observations from {n_sources} sources.",
    },
    "no_warehouse": {
        "nb": "Fant ikke datavarehuset ({path}). Bygg det med `python -m etl build` eller start appen med `make run`.",
        "en": "The data warehouse was not found ({path}). Build it with `python -m etl build` or start the app with `make run`.",
    },
    "our_translation": {
        "nb": "Engelsk oversettelse er vår egen, ikke offisiell.",
        "en": "English translation: ours, unofficial.",
    },
    "official_wording": {"nb": "Offisiell ordlyd (Digdir)", "en": "Official Norwegian wording (Digdir)"},
    # overview
    "overview_title": {"nb": "Status for de seks målene", "en": "Status of the six goals"},
    "overview_intro": {
        "nb": "For hvert mål: indikatorene, Norges siste verdi og endringen siden 2019 (eller første år etter).",
        "en": "For each goal: its indicators, Norway's latest value and the change since 2019 (or the first year after).",
    },
    "goal_n": {"nb": "Mål {n}", "en": "Goal {n}"},
    "open_goal": {"nb": "Åpne mål {n}", "en": "Open goal {n}"},
    "col_indicator": {"nb": "Indikator", "en": "Indicator"},
    "col_latest": {"nb": "Siste verdi", "en": "Latest value"},
    "col_year": {"nb": "År", "en": "Year"},
    "col_period": {"nb": "Periode", "en": "Period"},
    "col_change": {"nb": "Endring", "en": "Change"},
    "col_since": {"nb": "Siden", "en": "Since"},
    "col_unit": {"nb": "Enhet", "en": "Unit"},
    "col_geo": {"nb": "Land/område", "en": "Country/area"},
    "col_value": {"nb": "Verdi", "en": "Value"},
    "col_source": {"nb": "Kilde", "en": "Source"},
    "col_source_url": {"nb": "Kildelenke", "en": "Source link"},
    "col_flags": {"nb": "Merknader", "en": "Flags"},
    "col_note": {"nb": "Note", "en": "Note"},
    "col_preferred": {"nb": "Foretrukket", "en": "Preferred"},
    "col_breakdown": {"nb": "Inndeling", "en": "Breakdown"},
    "col_status": {"nb": "Utvikling", "en": "Trend"},
    "col_score": {"nb": "Poeng", "en": "Score"},
    "col_goal": {"nb": "Mål", "en": "Goal"},
    "no_norway_value": {"nb": "ingen norsk verdi", "en": "no Norwegian value"},
    # goal page
    "goal_title": {"nb": "Mål {n}: {short}", "en": "Goal {n}: {short}"},
    "choose_goal": {"nb": "Velg mål", "en": "Choose goal"},
    "goal_indicators": {"nb": "Indikatorer under målet", "en": "Indicators under this goal"},
    "goal_source": {"nb": "Målet slik Digdir formulerer det", "en": "The goal as worded by Digdir"},
    # indicator page
    "choose_indicator": {"nb": "Velg indikator", "en": "Choose indicator"},
    "definition": {"nb": "Definisjon", "en": "Definition"},
    "unit": {"nb": "Enhet", "en": "Unit"},
    "direction": {"nb": "Retning", "en": "Direction"},
    "direction_higher": {"nb": "høyere er bedre", "en": "higher is better"},
    "direction_lower": {"nb": "lavere er bedre", "en": "lower is better"},
    "publisher": {"nb": "Kilde", "en": "Source"},
    "breakdowns": {"nb": "Inndelinger", "en": "Breakdowns"},
    "none": {"nb": "ingen", "en": "none"},
    "target": {"nb": "Mål/referanse", "en": "Target/reference"},
    "target_text": {"nb": "{value} innen {period}", "en": "{value} by {period}"},
    "tab_chart": {"nb": "Diagram", "en": "Chart"},
    "tab_table": {"nb": "Tabell", "en": "Table"},
    "tab_sources": {"nb": "Kilder og metode", "en": "Sources and method"},
    "tab_download": {"nb": "Last ned", "en": "Download"},
    "headline_latest": {"nb": "Norge, siste verdi", "en": "Norway, latest value"},
    "headline_change": {"nb": "Endring siden {year}", "en": "Change since {year}"},
    "chart_title": {"nb": "{name}: Norge sammenlignet med nabolandene og EU", "en": "{name}: Norway compared with its neighbours and the EU"},
    "summary_trend": {
        "nb": "Norge gikk fra {first} i {first_year} til {last} i {last_year}.",
        "en": "Norway went from {first} in {first_year} to {last} in {last_year}.",
    },
    "summary_single": {"nb": "Norge hadde {last} i {last_year}.", "en": "Norway had {last} in {last_year}."},
    "summary_peers": {
        "nb": " Samme år: {peers}.",
        "en": " In the same year: {peers}.",
    },
    "summary_no_norway": {
        "nb": "Ingen norsk verdi er publisert; diagrammet viser {geos}.",
        "en": "No Norwegian value is published; the chart shows {geos}.",
    },
    "table_caption": {
        "nb": "Alle verdier for indikatoren, med kilde og merknader. Foretrukket = verdien som brukes når to publikasjoner er uenige.",
        "en": "Every value for the indicator, with source and flags. Preferred = the value used where two publications disagree.",
    },
    "preferred_rule": {
        "nb": "Når to publikasjoner oppgir ulike tall for samme år, foretrekker vi utgiverens egen publikasjon framfor en sekundærkilde; begge vises i tabellen.",
        "en": "Where two publications give different figures for the same year, we prefer the publisher's own release over a secondary copy; both are shown in the table.",
    },
    "download_csv": {"nb": "Last ned CSV", "en": "Download CSV"},
    "download_xlsx": {"nb": "Last ned Excel (xlsx)", "en": "Download Excel (xlsx)"},
    "download_parquet": {"nb": "Last ned Parquet", "en": "Download Parquet"},
    "download_note": {
        "nb": "Filen inneholder nøyaktig tallene i tabellen, med kildelenker.",
        "en": "The file holds exactly the figures in the table, with source links.",
    },
    "share_link": {"nb": "Lenke til denne visningen", "en": "Link to this view"},
    "source_list": {"nb": "Kilder for tallene", "en": "Sources of the figures"},
    "unknown_indicator": {
        "nb": "Fant ingen indikator med id «{value}». Velg en indikator fra listen.",
        "en": "No indicator has the id «{value}». Choose an indicator from the list.",
    },
    "unknown_goal": {
        "nb": "Fant ikke målet «{value}». Velg et av de seks målene.",
        "en": "The goal «{value}» does not exist. Choose one of the six goals.",
    },
    "unknown_lang": {
        "nb": "Språket «{value}» finnes ikke; viser bokmål. Bruk lang=nb eller lang=en.",
        "en": "The language «{value}» is not available; showing bokmål. Use lang=nb or lang=en.",
    },
    # flags
    "flag_secondary": {"nb": "sekundærkilde", "en": "secondary source"},
    "flag_inferred_year": {"nb": "utledet år", "en": "inferred year"},
    "flag_break_in_series": {"nb": "brudd i serien", "en": "break in series"},
    "flag_provisional": {"nb": "foreløpig", "en": "provisional"},
    "flag_uncertain": {"nb": "usikker", "en": "uncertain"},
    "flag_lower_bound": {"nb": "nedre grense", "en": "lower bound"},
    "flag_approximate": {"nb": "omtrentlig", "en": "approximate"},
    "flags_legend": {
        "nb": "Merknader vises alltid: sekundærkilde, brudd i serien, utledet år, foreløpig, usikker.",
        "en": "Flags are always shown: secondary source, break in series, inferred year, provisional, uncertain.",
    },
    "yes": {"nb": "ja", "en": "yes"},
    "no": {"nb": "nei", "en": "no"},
    "geo_NO": {"nb": "Norge", "en": "Norway"},
    "geo_SE": {"nb": "Sverige", "en": "Sweden"},
    "geo_DK": {"nb": "Danmark", "en": "Denmark"},
    "geo_FI": {"nb": "Finland", "en": "Finland"},
    "geo_EU27": {"nb": "EU27", "en": "EU27"},
    "geo_EU28": {"nb": "EU28", "en": "EU28"},
    "geo_EU27+": {"nb": "Snitt av 35 land (eGov Benchmark)", "en": "Average of 35 countries (eGov Benchmark)"},
    "geo_OECD": {"nb": "OECD-snitt", "en": "OECD average"},
    "geo_IS": {"nb": "Island", "en": "Iceland"},
    "geo_EE": {"nb": "Estland", "en": "Estonia"},
}


def t(key: str, lang: str, **values: object) -> str:
    text = TEXTS[key][lang if lang in LANGS else DEFAULT_LANG]
    return text.format(**values) if values else text


def geo_name(code: str, lang: str) -> str:
    key = f"geo_{code}"
    return t(key, lang) if key in TEXTS else code


def flag_names(flags: str, lang: str) -> str:
    names = [t(f"flag_{flag}", lang) if f"flag_{flag}" in TEXTS else flag for flag in flags.split(";") if flag]
    return ", ".join(names)


def format_number(value: float | None, lang: str, decimals: int | None = None) -> str:
    """92.4 → '92,4' (nb) / '92.4' (en); thousands grouped with a narrow space (nb) or a comma (en)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if decimals is None:
        decimals = 0 if float(value).is_integer() else min(_decimals_needed(value), 4)
    text = f"{value:,.{decimals}f}"
    if lang == "nb":
        text = text.replace(",", "\u202f").replace(".", ",").replace("-", "\u2212")
    return text


def format_value(value: float | None, unit_kind: str, lang: str, decimals: int | None = None) -> str:
    number = format_number(value, lang, decimals)
    if number == "–":
        return number
    if unit_kind == "percent":
        return f"{number}\u00a0%" if lang == "nb" else f"{number}%"
    if unit_kind == "rank":
        return f"{number}." if lang == "nb" else f"#{number}"
    return number


def format_change(delta: float | None, unit_kind: str, lang: str) -> str:
    if delta is None or (isinstance(delta, float) and math.isnan(delta)):
        return "–"
    sign = "+" if delta > 0 else ("\u2212" if delta < 0 else "±")
    number = format_number(abs(delta), lang)
    if unit_kind == "percent":
        return f"{sign}{number}\u00a0{'prosentpoeng' if lang == 'nb' else 'pp'}"
    if unit_kind == "rank":
        places = "plasser" if lang == "nb" else "places"
        return f"{sign}{number} {places}"
    return f"{sign}{number}"


def _decimals_needed(value: float) -> int:
    text = f"{value:.6f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0
