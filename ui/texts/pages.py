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
}
