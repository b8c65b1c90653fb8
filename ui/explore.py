"""Helpers for the explorer, the SQL console and the data bundle: pure functions, so they can be tested without
running the app.

- URL state of the explorer: parse `indicators=a,b&geo=NO,SE&from=2015&to=2024&index=2019&breakdown=age=16-24`
  into an `ExplorerState` plus a list of problems (shown as friendly messages, never raised).
- The explorer's view: exactly the rows shown, indexed to a base year on request.
- The SQL console's guard (a single read-only statement) and its row and time limits.
- The "download everything" bundle with a data dictionary in English and bokmål.
"""
from __future__ import annotations

import io
import re
import threading
import zipfile
from dataclasses import dataclass, field

import duckdb
import pandas as pd

# --------------------------------------------------------------------------------------------------------------
# Explorer state in the URL
# --------------------------------------------------------------------------------------------------------------

MAX_INDICATORS = 8
MAX_GEOS = 10


@dataclass
class ExplorerState:
    indicators: list[str] = field(default_factory=list)
    geos: list[str] = field(default_factory=list)
    year_from: int | None = None
    year_to: int | None = None
    index_year: int | None = None
    breakdowns: list[str] = field(default_factory=list)

    def to_params(self) -> dict[str, str]:
        """The URL parameters for this state (empty values left out)."""
        params = {
            "indicators": ",".join(self.indicators),
            "geo": ",".join(self.geos),
            "from": "" if self.year_from is None else str(self.year_from),
            "to": "" if self.year_to is None else str(self.year_to),
            "index": "" if self.index_year is None else str(self.index_year),
            "breakdown": ",".join(self.breakdowns),
        }
        return {k: v for k, v in params.items() if v}


@dataclass(frozen=True)
class Problem:
    """A URL parameter that was ignored: `kind` names the text key suffix, `param` and `value` fill it in."""
    kind: str
    param: str
    value: str


def _split(value: str | None) -> list[str]:
    if value is None:
        return []
    return list(dict.fromkeys(part.strip() for part in str(value).split(",") if part.strip()))


def _year(params: dict, name: str, years: list[int], problems: list[Problem]) -> int | None:
    raw = params.get(name)
    if raw is None or str(raw).strip() == "":
        return None
    text = str(raw).strip()
    if not re.fullmatch(r"\d{4}", text):
        problems.append(Problem("bad_year", name, text[:40]))
        return None
    year = int(text)
    if years and not (min(years) <= year <= max(years)):
        problems.append(Problem("year_out_of_range", name, text))
        return None
    return year


def parse_state(params: dict, *, indicators: list[str], geos: list[str], years: list[int],
                breakdowns: list[str] | None = None) -> tuple[ExplorerState, list[Problem]]:
    """Read the explorer's state from URL parameters; anything unknown or malformed is dropped and reported."""
    problems: list[Problem] = []
    state = ExplorerState()
    for name, options, target, limit in (("indicators", indicators, state.indicators, MAX_INDICATORS),
                                         ("geo", geos, state.geos, MAX_GEOS)):
        for value in _split(params.get(name)):
            if value not in options:
                problems.append(Problem("unknown_value", name, value[:80]))
            elif len(target) >= limit:
                problems.append(Problem("too_many", name, str(limit)))
                break
            else:
                target.append(value)
    state.year_from = _year(params, "from", years, problems)
    state.year_to = _year(params, "to", years, problems)
    if state.year_from is not None and state.year_to is not None and state.year_from > state.year_to:
        problems.append(Problem("from_after_to", "from", f"{state.year_from}>{state.year_to}"))
        state.year_from, state.year_to = state.year_to, state.year_from
    state.index_year = _year(params, "index", years, problems)
    if breakdowns is not None:
        for value in _split(params.get("breakdown")):
            if value in breakdowns:
                state.breakdowns.append(value)
            else:
                problems.append(Problem("unknown_value", "breakdown", value[:80]))
    known = {"indicators", "geo", "from", "to", "index", "breakdown", "lang"}
    for name in params:
        if name not in known:
            problems.append(Problem("unknown_param", name, str(params[name])[:40]))
    return state, problems


# --------------------------------------------------------------------------------------------------------------
# The explorer's view
# --------------------------------------------------------------------------------------------------------------

VIEW_COLUMNS = ["indicator_id", "indicator", "unit_id", "unit", "geo", "geo_name", "breakdown", "period", "year",
                "value", "flags", "source", "source_url"]


def select_observations(observations: pd.DataFrame, state: ExplorerState) -> pd.DataFrame:
    """The preferred observations for the chosen indicators, geographies, years and breakdowns (totals always)."""
    obs = observations[observations["is_preferred"]]
    keep = (obs["indicator_id"].isin(state.indicators) & obs["geo"].isin(state.geos)
            & ((obs["breakdown"] == "") | obs["breakdown"].isin(state.breakdowns)))
    if state.year_from is not None:
        keep &= obs["year"] >= state.year_from
    if state.year_to is not None:
        keep &= obs["year"] <= state.year_to
    return obs[keep]


def series_key(frame: pd.DataFrame) -> pd.Series:
    return frame["indicator_id"] + "|" + frame["geo"] + "|" + frame["breakdown"]


def index_to_base(frame: pd.DataFrame, base_year: int) -> tuple[pd.DataFrame, list[str]]:
    """value / value in base_year × 100 per series (indicator, geo, breakdown); returns the indexed rows and the
    keys of the series that have no value in the base year (those are dropped from the indexed view).
    A series with several periods starting in the base year uses the first of them."""
    frame = frame.copy()
    frame["_key"] = series_key(frame)
    base = (frame[frame["year"] == base_year].sort_values("period")
            .drop_duplicates("_key").set_index("_key")["value"])
    missing = [k for k in dict.fromkeys(frame["_key"]) if k not in base.index or base[k] in (0, None)
               or pd.isna(base[k])]
    kept = frame[~frame["_key"].isin(missing)].copy()
    kept["index_value"] = kept["value"] / kept["_key"].map(base) * 100
    return kept.drop(columns="_key"), missing


# --------------------------------------------------------------------------------------------------------------
# SQL console: a single read-only statement, limited rows and time
# --------------------------------------------------------------------------------------------------------------

ALLOWED_FIRST_WORDS = ("select", "with", "summarize", "describe", "show", "from")
# Defence in depth: the connection already has external access disabled and its configuration locked; these are
# refused before they reach it. Whole words, outside string literals and comments.
DENIED_WORDS = (
    "copy", "attach", "detach", "install", "load", "set", "reset", "pragma", "create", "insert", "update", "delete",
    "drop", "alter", "export", "import", "call", "checkpoint", "vacuum", "use", "begin", "commit", "rollback",
    "truncate", "merge", "execute", "prepare", "deallocate", "secret", "getenv", "glob", "query", "query_table",
    "read_csv", "read_csv_auto", "read_parquet", "read_json", "read_json_auto", "read_json_objects", "read_ndjson",
    "read_ndjson_auto", "read_ndjson_objects", "read_text", "read_blob", "read_xlsx", "parquet_scan",
    "parquet_metadata", "parquet_schema", "parquet_file_metadata", "parquet_kv_metadata", "csv_scan", "sniff_csv",
    "iceberg_scan", "delta_scan", "sqlite_scan", "postgres_scan", "mysql_scan", "httpfs", "duckdb_secrets",
    "duckdb_extensions", "duckdb_settings", "current_setting", "which_secret", "system",
)
MAX_SQL_CHARS = 10_000
ROW_LIMIT = 1_000
TIME_LIMIT_SECONDS = 5.0


class SqlRefused(ValueError):
    """The statement is not a single read-only query. `reason` is a text-key suffix, `detail` fills it in."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


class SqlTimeout(RuntimeError):
    pass


_TOKEN = re.compile(r"""
    (?P<string>'(?:[^']|'')*'?)          # string literal ('' escapes a quote)
  | (?P<ident>"(?:[^"]|"")*"?)           # quoted identifier
  | (?P<line>--[^\n]*)                   # line comment
  | (?P<block>/\*.*?(?:\*/|$))           # block comment
  | (?P<dollar>\$[A-Za-z_0-9]*\$)        # dollar quote start (refused)
  | (?P<other>[^'"\-/$]+|[\-/$])
""", re.VERBOSE | re.DOTALL)


def _code_only(sql: str) -> tuple[str, str]:
    """The statement with string literals replaced by '' and comments removed; and with comments removed only."""
    out: list[str] = []
    clean: list[str] = []
    for match in _TOKEN.finditer(sql):
        kind = match.lastgroup
        text = match.group()
        if kind == "string":
            out.append("''")
            clean.append(text)
        elif kind in ("line", "block"):
            out.append(" ")
            clean.append(" ")
        elif kind == "dollar":
            raise SqlRefused("dollar_quote", text)
        else:
            out.append(text)
            clean.append(text)
    return "".join(out), "".join(clean)


def check_sql(sql: str) -> str:
    """Return the statement (without a trailing semicolon) if it is one read-only query; else raise SqlRefused."""
    if not sql or not sql.strip():
        raise SqlRefused("empty")
    if len(sql) > MAX_SQL_CHARS:
        raise SqlRefused("too_long", str(MAX_SQL_CHARS))
    code, clean = _code_only(sql)
    code = code.strip().rstrip(";").strip()
    if ";" in code:
        raise SqlRefused("several_statements")
    words = re.findall(r"[A-Za-z_][A-Za-z_0-9]*", code)
    if not words or words[0].lower() not in ALLOWED_FIRST_WORDS:
        raise SqlRefused("not_a_query", (words[0] if words else "")[:30])
    identifiers = {w.lower() for w in words}  # quoted identifiers included: conservative
    denied = [w for w in DENIED_WORDS if w in identifiers]
    if denied:
        raise SqlRefused("denied_word", denied[0].upper())
    if re.search(r"\b(from|join)\s*''", code, flags=re.IGNORECASE):
        raise SqlRefused("file_access")
    try:
        statements = duckdb.extract_statements(clean)
    except duckdb.Error as exc:
        raise SqlRefused("syntax", str(exc).splitlines()[0][:200]) from exc
    if len(statements) != 1:
        raise SqlRefused("several_statements")
    if statements[0].type != duckdb.StatementType.SELECT:
        raise SqlRefused("not_a_query", str(statements[0].type).split(".")[-1])
    return clean.strip().rstrip(";").strip()


def limited_sql(statement: str, limit: int = ROW_LIMIT) -> str:
    """Wrap a checked statement so at most limit + 1 rows come back (the extra row tells us it was cut)."""
    return f"SELECT * FROM (\n{statement}\n) AS console_query LIMIT {int(limit) + 1}"


def run_with_timeout(connection: duckdb.DuckDBPyConnection, sql: str, *, limit: int = ROW_LIMIT,
                     timeout: float = TIME_LIMIT_SECONDS) -> tuple[pd.DataFrame, bool]:
    """Check and run `sql` on its own cursor in a worker thread; interrupt it when `timeout` seconds pass.
    Returns (at most `limit` rows, whether more rows existed). Raises SqlRefused, SqlTimeout or duckdb.Error."""
    statement = check_sql(sql)
    cursor = connection.cursor()
    outcome: dict = {}

    def work() -> None:
        try:
            outcome["frame"] = cursor.execute(limited_sql(statement, limit)).df()
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller's thread
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="sql-console", daemon=True)
    worker.start()
    worker.join(timeout)
    timed_out = worker.is_alive()
    if timed_out:
        cursor.interrupt()
        worker.join(5)
    try:
        cursor.close()
    except duckdb.Error:
        pass
    if timed_out:
        raise SqlTimeout(f"query stopped after {timeout:g} s")
    if "error" in outcome:
        raise outcome["error"]
    frame = outcome["frame"]
    return frame.head(limit), len(frame) > limit


def schema(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Tables and columns of the warehouse (main schema)."""
    cursor = connection.cursor()
    try:
        return cursor.execute("""
            SELECT table_name, column_name, data_type FROM information_schema.columns
            WHERE table_schema = 'main' ORDER BY table_name, ordinal_position""").df()
    finally:
        cursor.close()


# --------------------------------------------------------------------------------------------------------------
# The "download everything" bundle
# --------------------------------------------------------------------------------------------------------------

BUNDLE_TABLES = ("observations", "indicators", "goals", "units", "sources", "life_events")

# (table, column) -> (English, bokmål). A column not listed is still included in the dictionary, marked as such.
DICTIONARY: dict[tuple[str, str], tuple[str, str]] = {
    ("observations", "indicator_id"): ("Indicator id (see indicators.csv)", "Indikator-id (se indicators.csv)"),
    ("observations", "geo"): ("Country or area: NO, SE, DK, FI, EU27, EU28, EU27+, OECD as published",
                              "Land eller område: NO, SE, DK, FI, EU27, EU28, EU27+, OECD slik det er publisert"),
    ("observations", "breakdown"): ("Empty for the total; else dimension=value, e.g. age=16-24",
                                    "Tom for totalen; ellers dimensjon=verdi, f.eks. age=16-24"),
    ("observations", "period"): ("Period as published: 2023, 2021-2022, 2018-04",
                                 "Periode slik den er publisert: 2023, 2021-2022, 2018-04"),
    ("observations", "year"): ("First year of the period", "Første år i perioden"),
    ("observations", "value"): ("The value as published (number, . as decimal mark)",
                                "Verdien slik den er publisert (tall, . som desimaltegn)"),
    ("observations", "value_text"): ("The value exactly as written in the source file",
                                     "Verdien nøyaktig slik den står i kildefilen"),
    ("observations", "unit_id"): ("Unit id (see units.csv)", "Enhets-id (se units.csv)"),
    ("observations", "source_org"): ("Publishing organisation", "Organisasjonen som publiserte tallet"),
    ("observations", "source_dataset"): ("Dataset or publication", "Datasett eller publikasjon"),
    ("observations", "source_url"): ("Where the figure was read", "Hvor tallet ble lest"),
    ("observations", "published"): ("Publication or retrieval date if known", "Publiserings- eller hentedato hvis kjent"),
    ("observations", "flags"): ("; -separated: secondary, inferred_year, break_in_series, provisional, uncertain, "
                                "lower_bound, approximate",
                                "Skilt med ;: secondary (sekundærkilde), inferred_year (utledet år), break_in_series "
                                "(brudd i serien), provisional (foreløpig), uncertain (usikker), lower_bound (nedre "
                                "grense), approximate (omtrentlig)"),
    ("observations", "note"): ("Free-text provenance note", "Fritekst om opphavet til tallet"),
    ("observations", "is_preferred"): ("True for the one value used where several publications give a figure for "
                                       "the same indicator, country, breakdown and period",
                                       "Sann for den ene verdien som brukes når flere publikasjoner oppgir et tall for "
                                       "samme indikator, land, inndeling og periode"),
    ("observations", "origin"): ("The curated file or archived raw response the row came from",
                                 "Den kuraterte filen eller det arkiverte API-svaret raden kom fra"),
    ("observations", "origin_row"): ("Row number in the origin", "Radnummer i opphavet"),
    ("observations", "origin_kind"): ("snapshot (curated file) or live (fetched from an API)",
                                      "snapshot (kuratert fil) eller live (hentet fra et API)"),
    ("observations", "connector_source"): ("The live connector that fetched the row, if any",
                                           "Den automatiske koblingen som hentet raden, hvis noen"),
    ("indicators", "indicator_id"): ("Stable indicator id", "Stabil indikator-id"),
    ("indicators", "goal_id"): ("The goal the indicator belongs to (G1–G6)", "Målet indikatoren hører til (G1–G6)"),
    ("indicators", "name_nb"): ("Name in bokmål", "Navn på bokmål"),
    ("indicators", "name_en"): ("Name in English (our translation)", "Navn på engelsk (vår oversettelse)"),
    ("indicators", "definition_nb"): ("Definition in bokmål", "Definisjon på bokmål"),
    ("indicators", "definition_en"): ("Definition in English", "Definisjon på engelsk"),
    ("indicators", "unit_id"): ("Unit id (see units.csv)", "Enhets-id (se units.csv)"),
    ("indicators", "direction"): ("higher or lower is better", "higher (høyere) eller lower (lavere) er bedre"),
    ("indicators", "limit_value"): ("Natural limit of the scale, used in scoring", "Skalaens naturlige grense, brukt i poengberegningen"),
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
    ("units", "kind"): ("percent, index, score, rank or count", "percent (prosent), index (indeks), score (skår), rank (plass) eller count (antall)"),
    ("units", "limit_value"): ("Natural limit of the scale, if any", "Skalaens naturlige grense, hvis noen"),
    ("sources", "source_id"): ("Source id in this build", "Kilde-id i dette bygget"),
    ("sources", "source_org"): ("Publishing organisation", "Organisasjonen som publiserer"),
    ("sources", "source_dataset"): ("Dataset or publication", "Datasett eller publikasjon"),
    ("sources", "source_url"): ("Link to the source", "Lenke til kilden"),
    ("sources", "origin_kind"): ("snapshot (curated file) or live (API)", "snapshot (kuratert fil) eller live (API)"),
    ("sources", "n_observations"): ("Number of observations from the source", "Antall observasjoner fra kilden"),
    ("sources", "first_year"): ("First year covered", "Første år med tall"),
    ("sources", "last_year"): ("Last year covered", "Siste år med tall"),
    ("sources", "licence"): ("Licence of the publisher's data, if known", "Lisensen for utgiverens data, hvis kjent"),
    ("life_events", "life_event_id"): ("Life-event id", "Livshendelses-id"),
    ("life_events", "name_nb"): ("Name as reported (bokmål)", "Navn slik det er gjengitt (bokmål)"),
    ("life_events", "name_en"): ("English translation (ours, unofficial)", "Engelsk oversettelse (vår, uoffisiell)"),
    ("life_events", "ministry"): ("Responsible ministry", "Ansvarlig departement"),
    ("life_events", "source_url"): ("Where the list was read", "Hvor listen ble lest"),
    ("life_events", "secondary"): ("True: the list comes from press coverage, not the strategy text",
                                   "Sann: listen kommer fra pressedekning, ikke fra strategiteksten"),
}


def data_dictionary(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per column of every bundled table, with its type and a description in English and bokmål."""
    rows = []
    for table, frame in tables.items():
        for column in frame.columns:
            en, nb = DICTIONARY.get((table, column), ("(not yet described)", "(ikke beskrevet ennå)"))
            rows.append({"file": f"{table}.csv", "column": column, "type": str(frame[column].dtype),
                         "description_en": en, "description_nb": nb})
    return pd.DataFrame(rows, columns=["file", "column", "type", "description_en", "description_nb"])


def bundle_readme(build: dict, dictionary: pd.DataFrame) -> str:
    lines = [
        "# The monitor: all data / Digitaliseringsmonitoren: alle data",
        "",
        f"Build / bygg: {build.get('build_id', '')}, finished / ferdig {build.get('finished_at', '')} UTC.",
        "",
        "English: every observation in the warehouse (observations.csv, all values including non-preferred ones), "
        "with the indicator catalogue, goals, units, sources and life events. UTF-8, comma-separated, `.` as "
        "decimal mark. data_dictionary.csv describes every column in English and bokmål.",
        "",
        "Bokmål: alle observasjoner i datavarehuset (observations.csv, alle verdier, også de som ikke er "
        "foretrukket), med indikatorkatalogen, målene, enhetene, kildene og livshendelsene. UTF-8, kommaseparert, "
        "`.` som desimaltegn. data_dictionary.csv beskriver hver kolonne på engelsk og bokmål.",
        "",
        "| file | column | type | description (en) | beskrivelse (nb) |",
        "|---|---|---|---|---|",
    ]
    for row in dictionary.itertuples():
        lines.append(f"| {row.file} | {row.column} | {row.type} | {row.description_en} | {row.description_nb} |")
    return "\n".join(lines) + "\n"


def bundle_zip(tables: dict[str, pd.DataFrame], build: dict) -> bytes:
    """A zip with one CSV per table, data_dictionary.csv and README.md."""
    dictionary = data_dictionary(tables)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table, frame in tables.items():
            archive.writestr(f"{table}.csv", frame.to_csv(index=False))
        archive.writestr("data_dictionary.csv", dictionary.to_csv(index=False))
        archive.writestr("README.md", bundle_readme(build, dictionary))
    return buffer.getvalue()
