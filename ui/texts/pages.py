"""Texts for the explorer, SQL console, international comparison, life events, data sources and about pages,
in bokmål and English."""

TEXTS: dict[str, dict[str, str]] = {
    # navigation
    "nav_explorer": {"nb": "Utforsker", "en": "Explorer"},
    "nav_compare": {"nb": "Internasjonal sammenligning", "en": "International comparison"},
    "nav_life_events": {"nb": "Livshendelser", "en": "Life events"},
    "nav_sources": {"nb": "Datakilder", "en": "Data sources"},
    "nav_about": {"nb": "Om monitoren", "en": "About"},
    "nav_sql": {"nb": "SQL-konsoll", "en": "SQL console"},
    # explorer
    "explorer_title": {"nb": "Utforsk tallene", "en": "Explore the figures"},
    "explorer_intro": {
        "nb": "Velg indikatorer og land, sammenlign dem over tid, indekser til et basisår og last ned akkurat det du ser. "
              "Lenken i adressefeltet gjenoppretter visningen.",
        "en": "Choose indicators and countries, compare them over time, index to a base year and download exactly "
              "what you see. The link in the address bar restores the view.",
    },
    "explorer_indicators": {"nb": "Indikatorer", "en": "Indicators"},
    "explorer_geos": {"nb": "Land og områder", "en": "Countries and areas"},
    "explorer_choose": {"nb": "Velg …", "en": "Choose …"},
    "explorer_no_data": {"nb": "ingen tall ennå", "en": "no figures yet"},
    "explorer_from": {"nb": "Fra år", "en": "From year"},
    "explorer_to": {"nb": "Til år", "en": "To year"},
    "explorer_index": {"nb": "Indekser til basisår (= 100)", "en": "Index to base year (= 100)"},
    "explorer_no_index": {"nb": "Ingen indeksering", "en": "No index"},
    "explorer_index_outside": {
        "nb": "Basisåret {year} ligger utenfor de valgte årene og brukes ikke.",
        "en": "The base year {year} is outside the chosen years and is not used.",
    },
    "explorer_breakdowns": {"nb": "Inndelinger (alder, kjønn, utdanning, forvaltningsnivå)",
                            "en": "Breakdowns (age, sex, education, government level)"},
    "explorer_breakdowns_help": {
        "nb": "Totalen vises alltid; velg inndelinger for å legge dem til der dataene har dem.",
        "en": "The total is always shown; choose breakdowns to add them where the data have them.",
    },
    "explorer_pick_something": {
        "nb": "Velg minst én indikator og ett land for å se tall.",
        "en": "Choose at least one indicator and one country to see figures.",
    },
    "explorer_problem_unknown_value": {
        "nb": "Lenken inneholder «{value}» i {param}, som ikke finnes. Vi har sett bort fra den.",
        "en": "The link has «{value}» in {param}, which does not exist. It has been ignored.",
    },
    "explorer_problem_too_many": {
        "nb": "Lenken har flere verdier i {param} enn de {value} vi kan vise. Resten er utelatt.",
        "en": "The link has more values in {param} than the {value} we can show. The rest were left out.",
    },
    "explorer_problem_bad_year": {
        "nb": "«{value}» i {param} er ikke et årstall (bruk fire sifre, f.eks. 2019). Vi har sett bort fra det.",
        "en": "«{value}» in {param} is not a year (use four digits, e.g. 2019). It has been ignored.",
    },
    "explorer_problem_year_out_of_range": {
        "nb": "Året {value} i {param} ligger utenfor årene vi har tall for. Vi har sett bort fra det.",
        "en": "The year {value} in {param} is outside the years we have figures for. It has been ignored.",
    },
    "explorer_problem_from_after_to": {
        "nb": "Fra-året var etter til-året ({value}); vi har byttet dem om.",
        "en": "The from year was after the to year ({value}); we have swapped them.",
    },
    "explorer_problem_unknown_param": {
        "nb": "Lenken har en ukjent parameter «{param}». Vi har sett bort fra den.",
        "en": "The link has an unknown parameter «{param}». It has been ignored.",
    },
    "explorer_missing_base": {
        "nb": "Disse seriene har ingen verdi i basisåret {year} og vises ikke i den indekserte visningen: {series}.",
        "en": "These series have no value in the base year {year} and are left out of the indexed view: {series}.",
    },
    "explorer_no_rows": {
        "nb": "Ingen tall for de valgte landene og årene: {names}.",
        "en": "No figures for the chosen countries and years: {names}.",
    },
    "explorer_charts": {"nb": "Diagram (ett per enhet)", "en": "Charts (one per unit)"},
    "explorer_chart_title": {"nb": "Enhet: {unit}", "en": "Unit: {unit}"},
    "explorer_index_axis": {"nb": "Indeks, {year} = 100 ({unit})", "en": "Index, {year} = 100 ({unit})"},
    "explorer_summary": {
        "nb": "Diagrammet viser {n} serier i {unit} fra {first} til {last}; i {last} er høyeste verdi {high} ({high_value}) "
              "og laveste {low} ({low_value}).",
        "en": "The chart shows {n} series in {unit} from {first} to {last}; in {last} the highest value is {high} "
              "({high_value}) and the lowest {low} ({low_value}).",
    },
    "explorer_chart_table": {"nb": "Tabell med tallene i diagrammet ({unit})", "en": "Table of the chart's figures ({unit})"},
    "explorer_series": {"nb": "Serie", "en": "Series"},
    "explorer_table": {"nb": "Tabell over det som vises", "en": "Table of what is shown"},
    "explorer_table_caption": {
        "nb": "{n} rader: de foretrukne verdiene for valgene over. Klikk på en kolonneoverskrift for å sortere.",
        "en": "{n} rows: the preferred values for the choices above. Click a column heading to sort.",
    },
    "explorer_col_indicator_id": {"nb": "Indikator-id", "en": "Indicator id"},
    "explorer_col_indicator": {"nb": "Indikator", "en": "Indicator"},
    "explorer_col_unit_id": {"nb": "Enhets-id", "en": "Unit id"},
    "explorer_col_unit": {"nb": "Enhet", "en": "Unit"},
    "explorer_col_geo": {"nb": "Kode", "en": "Code"},
    "explorer_col_geo_name": {"nb": "Land/område", "en": "Country/area"},
    "explorer_col_breakdown": {"nb": "Inndeling", "en": "Breakdown"},
    "explorer_col_period": {"nb": "Periode", "en": "Period"},
    "explorer_col_year": {"nb": "År", "en": "Year"},
    "explorer_col_value": {"nb": "Verdi", "en": "Value"},
    "explorer_col_index_value": {"nb": "Indeks (basisår = 100)", "en": "Index (base year = 100)"},
    "explorer_col_flags": {"nb": "Merknader", "en": "Flags"},
    "explorer_col_source": {"nb": "Kilde", "en": "Source"},
    "explorer_col_source_url": {"nb": "Kildelenke", "en": "Source link"},
    "explorer_download": {"nb": "Last ned visningen", "en": "Download the view"},
    "explorer_download_note": {
        "nb": "Filene inneholder nøyaktig radene i tabellen over (tall med punktum som desimaltegn).",
        "en": "The files hold exactly the rows in the table above (numbers with a point as decimal mark).",
    },
    "explorer_bundle": {"nb": "Last ned alt", "en": "Download everything"},
    "explorer_bundle_note": {
        "nb": "En zip-fil med alle observasjoner (CSV), indikatorene, målene, enhetene, kildene og livshendelsene, "
              "og en dataordbok som beskriver hver kolonne på bokmål og engelsk.",
        "en": "A zip file with every observation (CSV), the indicators, goals, units, sources and life events, and a "
              "data dictionary describing every column in English and bokmål.",
    },
    "explorer_bundle_button": {"nb": "Last ned alle data (zip)", "en": "Download all data (zip)"},
    # SQL console
    "sql_title": {"nb": "SQL-konsoll", "en": "SQL console"},
    "sql_intro": {
        "nb": "Kjør én lesespørring (SELECT, WITH, SUMMARIZE, DESCRIBE eller SHOW) mot datavarehuset. "
              "Høyst {rows} rader vises, og en spørring stoppes etter {seconds} sekunder. Ingen fil- eller nettverkstilgang.",
        "en": "Run one read-only query (SELECT, WITH, SUMMARIZE, DESCRIBE or SHOW) against the warehouse. "
              "At most {rows} rows are shown, and a query is stopped after {seconds} seconds. No file or network access.",
    },
    "sql_schema": {"nb": "Tabeller og kolonner", "en": "Tables and columns"},
    "sql_query": {"nb": "Spørring", "en": "Query"},
    "sql_help": {"nb": "DuckDB-SQL. Bare lesing.", "en": "DuckDB SQL. Read-only."},
    "sql_run": {"nb": "Kjør", "en": "Run"},
    "sql_rows": {"nb": "{rows} rader.", "en": "{rows} rows."},
    "sql_truncated": {
        "nb": "Resultatet har flere rader; bare de første {rows} vises. Legg til LIMIT eller filtrer for å se andre.",
        "en": "The result has more rows; only the first {rows} are shown. Add a LIMIT or filter to see others.",
    },
    "sql_timeout": {
        "nb": "Spørringen ble stoppet etter {seconds} sekunder. Prøv en mindre spørring.",
        "en": "The query was stopped after {seconds} seconds. Try a smaller query.",
    },
    "sql_error": {"nb": "Spørringen feilet: {detail}", "en": "The query failed: {detail}"},
    "sql_refused_empty": {"nb": "Skriv en spørring først.", "en": "Write a query first."},
    "sql_refused_too_long": {"nb": "Spørringen er for lang (høyst {detail} tegn).",
                             "en": "The query is too long (at most {detail} characters)."},
    "sql_refused_several_statements": {
        "nb": "Bare én spørring om gangen er tillatt.", "en": "Only one statement at a time is allowed.",
    },
    "sql_refused_not_a_query": {
        "nb": "Bare lesespørringer (SELECT, WITH, SUMMARIZE, DESCRIBE, SHOW) er tillatt, ikke «{detail}».",
        "en": "Only read-only queries (SELECT, WITH, SUMMARIZE, DESCRIBE, SHOW) are allowed, not «{detail}».",
    },
    "sql_refused_denied_word": {
        "nb": "«{detail}» er ikke tillatt her: konsollen kan bare lese tabellene i datavarehuset.",
        "en": "«{detail}» is not allowed here: the console can only read the warehouse's tables.",
    },
    "sql_refused_file_access": {
        "nb": "Lesing av filer er ikke tillatt; spør tabellene i datavarehuset.",
        "en": "Reading files is not allowed; query the warehouse's tables.",
    },
    "sql_refused_dollar_quote": {
        "nb": "Dollar-sitering ({detail}) er ikke tillatt.", "en": "Dollar quoting ({detail}) is not allowed.",
    },
    "sql_refused_syntax": {"nb": "Spørringen kunne ikke tolkes: {detail}", "en": "The query could not be parsed: {detail}"},
    "explorer_summary_rank": {
        "nb": "Diagrammet viser {n} serier i {unit} fra {first} til {last}; i {last} er beste plassering {best} ({best_value}) "
              "og dårligste {worst} ({worst_value}).",
        "en": "The chart shows {n} series in {unit} from {first} to {last}; in {last} the best rank is {best} "
              "({best_value}) and the worst {worst} ({worst_value}).",
    },
    # international comparison
    "compare_title": {"nb": "Norge i verden", "en": "Norway in the world"},
    "compare_intro": {
        "nb": "Norges plassering i tre internasjonale rangeringer, og Norge sammenlignet med Sverige, Danmark, Finland "
              "og EU27 der de samme tallene er publisert for nabolandene.",
        "en": "Norway's place in three international rankings, and Norway compared with Sweden, Denmark, Finland and "
              "EU27 wherever the same figures are published for the peers.",
    },
    "compare_ranks": {"nb": "Norges plassering over tid", "en": "Norway's rank over time"},
    "compare_ranks_chart": {"nb": "Norges plassering i internasjonale rangeringer (1 = best)",
                            "en": "Norway's rank in international rankings (1 = best)"},
    "compare_rank_axis": {"nb": "Plassering (1 = best)", "en": "Rank (1 = best)"},
    "compare_rank_sentence": {
        "nb": "{name}: fra {first} i {first_year} til {last} i {last_year}.",
        "en": "{name}: from {first} in {first_year} to {last} in {last_year}.",
    },
    "compare_rank_note": {
        "nb": "Rangeringene har ulikt antall land (FN: 193, eGovernment Benchmark: 35–36, OECD DGI: 33–38), så "
              "plassene kan ikke sammenlignes direkte mellom rangeringene. Aksen er snudd: høyere opp er bedre.",
        "en": "The rankings cover different numbers of countries (UN: 193, eGovernment Benchmark: 35–36, OECD DGI: "
              "33–38), so places are not directly comparable across rankings. The axis is reversed: higher up is better.",
    },
    "compare_rank_missing": {"nb": "Ingen norske plasseringer i datavarehuset for: {names}.",
                             "en": "No Norwegian ranks in the warehouse for: {names}."},
    "compare_ranking_egdi": {"nb": "FNs EGDI", "en": "UN EGDI"},
    "compare_ranking_egovbench": {"nb": "EUs eGovernment Benchmark", "en": "EU eGovernment Benchmark"},
    "compare_ranking_oecd_dgi": {"nb": "OECDs Digital Government Index", "en": "OECD Digital Government Index"},
    "compare_no_ranks": {"nb": "Datavarehuset har ingen av de tre rangeringene ennå.",
                         "en": "The warehouse has none of the three rankings yet."},
    "compare_peers": {"nb": "Norge og nabolandene", "en": "Norway and its peers"},
    "compare_peers_intro": {
        "nb": "{n} indikatorer har tall både for Norge og for minst ett av Sverige, Danmark, Finland eller EU27.",
        "en": "{n} indicators have figures both for Norway and for at least one of Sweden, Denmark, Finland or EU27.",
    },
    "compare_no_peers": {"nb": "Ingen indikatorer har tall for nabolandene ennå.",
                         "en": "No indicator has figures for the peers yet."},
    "compare_table_caption": {
        "nb": "Norges siste år med tall, og nabolandenes verdi samme år (– = ikke publisert for det året).",
        "en": "Norway's latest year with a figure, and the peers' value in the same year (– = not published for that year).",
    },
    "compare_one": {"nb": "Én indikator i detalj", "en": "One indicator in detail"},
    "compare_open_indicator": {"nb": "Åpne indikatorsiden", "en": "Open the indicator page"},
    # life events
    "life_title": {"nb": "Livshendelser", "en": "Life events"},
    "life_intro": {
        "nb": "Strategien prioriterer sju livshendelser der tjenestene skal henge sammen på tvers av etater. Her er hva "
              "tallene i monitoren sier om hver av dem.",
        "en": "The strategy prioritises seven life events in which services are to work together across agencies. "
              "Here is what the figures in the monitor say about each.",
    },
    "life_secondary": {
        "nb": "Listen er hentet fra pressedekning av strategien (sekundærkilde: {links}), ikke fra strategiteksten selv. "
              "Engelske navn er våre egne oversettelser.",
        "en": "The list comes from press coverage of the strategy (secondary source: {links}), not from the strategy "
              "text itself. English names are our own translations.",
    },
    "life_primary": {"nb": "Kilde: {links}.", "en": "Source: {links}."},
    "life_summary": {
        "nb": "{covered} av {total} livshendelser har minst én indikator i monitoren.",
        "en": "{covered} of {total} life events have at least one indicator in the monitor.",
    },
    "life_as_reported": {"nb": "Slik det er gjengitt: «{name}»", "en": "As reported in Norwegian: «{name}»"},
    "life_ministry": {"nb": "Ansvarlig departement: {ministry}", "en": "Responsible ministry: {ministry}"},
    "life_no_indicator": {
        "nb": "**Ingen indikator ennå.** Monitoren har ingen tall som sier noe om denne livshendelsen.",
        "en": "**No indicator yet.** The monitor has no figures that speak to this life event.",
    },
    "life_indicators": {"nb": "{n} indikator(er), med Norges siste verdi:",
                        "en": "{n} indicator(s), with Norway's latest value:"},
    # data sources
    "sources_title": {"nb": "Datakilder", "en": "Data sources"},
    "sources_intro": {
        "nb": "Alle kildene tallene i monitoren kommer fra: utgiver, lisens, lenke, siste oppdatering, antall "
              "observasjoner og hvordan siste oppdatering fra kilden gikk.",
        "en": "Every source the monitor's figures come from: publisher, licence, link, last update, number of "
              "observations and how the last refresh from the source went.",
    },
    "sources_summary": {
        "nb": "{n} kilder fra {publishers} utgivere, {obs} observasjoner; {live} kilder hentes automatisk fra et API.",
        "en": "{n} sources from {publishers} publishers, {obs} observations; {live} sources are fetched automatically from an API.",
    },
    "sources_col_publisher": {"nb": "Utgiver", "en": "Publisher"},
    "sources_col_dataset": {"nb": "Datasett/publikasjon", "en": "Dataset/publication"},
    "sources_col_licence": {"nb": "Lisens", "en": "Licence"},
    "sources_col_link": {"nb": "Lenke", "en": "Link"},
    "sources_col_updated": {"nb": "Sist oppdatert", "en": "Last update"},
    "sources_col_n": {"nb": "Observasjoner", "en": "Observations"},
    "sources_col_status": {"nb": "Siste oppdatering fra kilden", "en": "Last refresh"},
    "sources_col_source": {"nb": "Kilde (API)", "en": "Source (API)"},
    "sources_col_success": {"nb": "Siste vellykkede", "en": "Last success"},
    "sources_col_attempt": {"nb": "Siste forsøk", "en": "Last attempt"},
    "sources_col_rows": {"nb": "Rader", "en": "Rows"},
    "sources_col_error": {"nb": "Siste feil", "en": "Last error"},
    "sources_unknown": {"nb": "ukjent", "en": "unknown"},
    "sources_never": {"nb": "aldri", "en": "never"},
    "sources_published": {"nb": "publisert {date}", "en": "published {date}"},
    "sources_period": {"nb": "tall til og med {period}", "en": "figures up to {period}"},
    "sources_built": {"nb": "bygget {date}", "en": "built {date}"},
    "sources_curated": {"nb": "kuratert øyeblikksbilde, ikke oppdatert fra et API",
                        "en": "curated snapshot, not refreshed from an API"},
    "sources_live_unknown": {"nb": "hentet fra {source}; ingen statuslogg", "en": "fetched from {source}; no status log"},
    "sources_live_status": {
        "nb": "{source}: sist vellykket {success}, siste forsøk {attempt}.",
        "en": "{source}: last success {success}, last attempt {attempt}.",
    },
    "sources_last_error": {"nb": "Siste feil: {error}", "en": "Last error: {error}"},
    "sources_refresh": {"nb": "Automatisk oppdatering fra API-er", "en": "Automatic refresh from APIs"},
    "sources_no_refresh": {
        "nb": "Datavarehuset er bygget fra det kuraterte øyeblikksbildet; ingen kilde er oppdatert fra et API ennå.",
        "en": "The warehouse is built from the curated snapshot; no source has been refreshed from an API yet.",
    },
    # about
    "about_title": {"nb": "Om digitaliseringsmonitoren", "en": "About the digitalisation monitor"},
    "about_what": {"nb": "Hva monitoren er", "en": "What the monitor is"},
    "about_what_text": {
        "nb": "Monitoren følger hvordan det går med digitaliseringsstrategien «Én digital offentlig sektor» (2019–2025) "
              "og dens seks hovedmål, med åpne tall fra offentlige kilder. Den er et uavhengig verktøy og er ikke "
              "laget av eller for Digitaliseringsdirektoratet (Digdir).",
        "en": "The monitor follows how Norway is doing on the digitalisation strategy «One digital public sector» "
              "(2019–2025) and its six main goals, with open figures from public sources. It is an independent tool, "
              "not made by or for the Norwegian Digitalisation Agency (Digdir).",
    },
    "about_who": {"nb": "Hvem den er for", "en": "Who it is for"},
    "about_who_text": {
        "nb": "- **Ledere** som vil se på ett skjermbilde om vi er i rute på hvert mål, og hva som har endret seg.\n"
              "- **Analytikere, forskere og journalister** som trenger tallene med definisjoner og kilder, "
              "sammenlignbare over år og land, og som vil laste dem ned.\n"
              "- **Innbyggere, frivillige organisasjoner og næringsliv** som vil vite om det offentlige blir "
              "enklere å ha med å gjøre.",
        "en": "- **Leaders** who want one screen showing whether each goal is on track and what has changed.\n"
              "- **Analysts, researchers and journalists** who need the figures with definitions and sources, "
              "comparable across years and countries, and want to download them.\n"
              "- **Citizens, voluntary organisations and businesses** who want to know whether the public sector is "
              "getting easier to deal with.",
    },
    "about_data": {"nb": "Hvor tallene kommer fra", "en": "Where the data come from"},
    "about_data_text": {
        "nb": "Tallene er publiserte tall fra {publishers} utgivere, blant dem Digdir (Rikets digitale tilstand, IT i "
              "praksis), SSB, Eurostat, EU-kommisjonens eGovernment Benchmark, FN (E-Government Survey) og OECD. "
              "Datavarehuset har nå {n_obs} observasjoner fra {n_sources} kilder, for {with_data} av {n_indicators} "
              "indikatorer. Hvert tall har lenke til kilden, og merknader (sekundærkilde, brudd i serien, foreløpig "
              "osv.) vises alltid. Når to publikasjoner er uenige, vises begge, og regelen for hvilken vi bruker er "
              "beskrevet på indikatorsiden.",
        "en": "The figures are published figures from {publishers} publishers, among them Digdir (Rikets digitale "
              "tilstand, IT i praksis), Statistics Norway (SSB), Eurostat, the European Commission's eGovernment "
              "Benchmark, the UN (E-Government Survey) and the OECD. The warehouse now holds {n_obs} observations from "
              "{n_sources} sources, for {with_data} of {n_indicators} indicators. Every figure links to its source, and "
              "flags (secondary source, break in series, provisional etc.) are always shown. Where two publications "
              "disagree, both are shown, and the rule for which one we use is described on the indicator page.",
    },
    "about_method_link": {"nb": "Metode", "en": "Method"},
    "about_scores": {"nb": "Våre poeng er ikke Digdirs", "en": "Our scores are not Digdir's"},
    "about_scores_text": {
        "nb": "Digdir vurderer målene i «Rikets digitale tilstand» på en skala fra 1,00 til 3,00. Poengene i "
              "monitoren er **vår egen, etterprøvbare lesning** av den skalaen, regnet ut fra tallene her med en "
              "åpen metode. De er ikke Digdirs vurderinger og må ikke siteres som det. Målene har Digdirs offisielle "
              "norske ordlyd; de engelske oversettelsene er våre.",
        "en": "Digdir rates the goals in «Rikets digitale tilstand» (the state of digital Norway) on a 1.00–3.00 "
              "scale. The monitor's scores are **our own, reproducible reading** of that scale, computed from the "
              "figures here with an open method. They are not Digdir's ratings and must not be quoted as such. The "
              "goals keep Digdir's official Norwegian wording; the English translations are ours.",
    },
    "about_a11y": {"nb": "Tilgjengelighetserklæring", "en": "Accessibility statement"},
    "about_a11y_intro": {
        "nb": "Vi har som mål at monitoren skal oppfylle WCAG 2.1 på nivå AA, slik forskrift om universell utforming "
              "av IKT-løsninger krever for norske offentlige virksomheter. Denne erklæringen sier hva som er gjort "
              "og hva vi vet ikke fungerer ennå.",
        "en": "We aim for the monitor to meet WCAG 2.1 level AA, as the Norwegian regulations on universal design of "
              "ICT require of public bodies. This statement says what has been done and what we know does not work yet.",
    },
    "about_a11y_done": {"nb": "Hva som er gjort", "en": "What has been done"},
    "about_a11y_done_text": {
        "nb": "- Hvert diagram har en setning som sier hva det viser, og en tabell med de samme tallene.\n"
              "- Seriene skilles med linjetype og markør, ikke bare farge, og fargene er valgt for å kunne skilles "
              "ved vanlige former for fargeblindhet.\n"
              "- Alt kan brukes med tastatur: menyer, valg, tabeller og nedlastinger er vanlige skjemaelementer.\n"
              "- Sidens språk settes (bokmål eller engelsk) slik at skjermlesere uttaler teksten riktig.\n"
              "- Tall formateres etter språket (92,4 % på bokmål, 92.4% på engelsk), og hver visning har en lenke "
              "som kan deles.",
        "en": "- Every chart has a sentence saying what it shows, and a table with the same numbers.\n"
              "- Series are told apart by line style and marker, not colour alone, and the colours are chosen to stay "
              "distinguishable with the common forms of colour blindness.\n"
              "- Everything works with a keyboard: menus, choices, tables and downloads are standard form controls.\n"
              "- The page language is set (bokmål or English) so screen readers pronounce the text correctly.\n"
              "- Numbers are formatted for the language (92,4 % in bokmål, 92.4% in English), and every view has a "
              "link that can be shared.",
    },
    "about_a11y_limits": {"nb": "Kjente begrensninger", "en": "Known limitations"},
    "about_a11y_limits_text": {
        "nb": "- Diagrammene (Plotly) er ikke fullt tilgjengelige med skjermleser; tabellen ved siden av hvert "
              "diagram er det tilgjengelige alternativet.\n"
              "- Den sorterbare tabellen i utforskeren er et rutenett som skjermlesere håndterer ulikt; tallene finnes "
              "også som nedlastbar fil og i tabellene under hvert diagram.\n"
              "- Rammeverket (Streamlit) setter sidespråket til engelsk før siden er lastet; vi retter det når siden "
              "lastes.",
        "en": "- The charts (Plotly) are not fully accessible with a screen reader; the table beside each chart is the "
              "accessible alternative.\n"
              "- The sortable table in the explorer is a grid that screen readers handle unevenly; the numbers are also "
              "in the downloadable files and in the tables under each chart.\n"
              "- The framework (Streamlit) sets the page language to English before the page has loaded; we correct "
              "it when the page loads.",
    },
    "about_a11y_contact": {"nb": "Meld fra om problemer", "en": "Report a problem"},
    "about_a11y_contact_text": {
        "nb": "Finner du noe som ikke fungerer, eller trenger du tallene i en annen form? Meld fra gjennom prosjektets "
              "saksliste (issue tracker). Du kan også klage til Tilsynet for universell utforming av IKT (uutilsynet.no).",
        "en": "Found something that does not work, or need the figures in another form? Report it through the "
              "project's issue tracker. You can also complain to the Norwegian Authority for Universal Design of ICT "
              "(uutilsynet.no).",
    },
    "about_a11y_updated": {"nb": "Erklæringen gjelder denne versjonen av monitoren (november 2026).",
                           "en": "This statement applies to this version of the monitor (November 2026)."},
}
