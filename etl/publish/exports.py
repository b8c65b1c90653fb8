"""The published tables as plain functions of a warehouse connection: what `python -m etl publish` writes and what
the dashboard's download buttons serve are the same bytes.

Every function takes an open DuckDB connection (read-only is enough; no file or network access is needed from SQL,
so the app's locked connection works) and returns a DataFrame or bytes. Rows are in one fixed order, so the same
warehouse gives the same files.
"""
from __future__ import annotations

import io
import json
from typing import Any

import duckdb
import pandas as pd

from etl import schema
from etl.sources import publishers

# Licence texts in the sources' source.toml → the EU licence vocabulary (what DCAT-AP-NO and data.norge.no expect)
# and the licence's own page. A licence not listed here has no standard URI: it is published as its text, with the
# publisher's terms page, never as an open licence it is not.
LICENCES: dict[str, dict[str, str]] = {
    "NLOD 2.0": {"uri": "http://publications.europa.eu/resource/authority/licence/NLOD_2_0",
                 "path": "https://data.norge.no/nlod/no/2.0", "title": "Norsk lisens for offentlige data (NLOD) 2.0"},
    "CC BY 4.0": {"uri": "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0",
                  "path": "https://creativecommons.org/licenses/by/4.0/",
                  "title": "Creative Commons Attribution 4.0 International"},
}
UNKNOWN_LICENCE = "unknown"

# Columns added to the warehouse's observation columns in the published files (described here, as etl.schema
# describes the warehouse's own).
EXTRA_COLUMNS: dict[str, tuple[str, str, str]] = {
    "licence": ("VARCHAR", "Licence or terms of the publisher's data, from the source's source.toml ('unknown' when "
                "the terms are not known: ask the publisher before reuse)",
                "Lisensen eller vilkårene for utgiverens data, fra kildens source.toml («unknown» når vilkårene ikke "
                "er kjent: spør utgiveren før gjenbruk)"),
    "publisher_url": ("VARCHAR", "The publisher's home or terms page", "Utgiverens hjemmeside eller vilkårsside"),
}
OBSERVATION_COLUMNS: list[str] = [*schema.column_names("observations"), *EXTRA_COLUMNS]
OBSERVATION_ORDER: list[str] = ["indicator_id", "geo", "breakdown", "period", "source_org", "source_dataset",
                                "source_url", "origin_kind", "origin", "origin_row"]

CATALOGUE_TABLES = ("goals", "indicators", "units", "life_events", "surveys")
# The tables published whole (Parquet and CSV): the observations, their sources and every score table.
TABLE_EXPORTS = ("observations", "sources", *schema.SCORE_TABLES)
_ORDER: dict[str, list[str]] = {
    "observations": OBSERVATION_ORDER,
    "sources": ["source_id"],
    "indicator_scores": ["geo", "indicator_id"],
    "indicator_score_peers": ["geo", "indicator_id", "peer_geo"],
    "goal_scores": ["geo", "goal_id"],
    "goal_score_history": ["geo", "as_of", "goal_id"],
    "movers": ["geo", "goal_id", "rank"],
    "goals": ["goal_id"], "indicators": ["indicator_id"], "units": ["unit_id"], "life_events": ["life_event_id"],
    "surveys": ["survey_id"],
}


def licence_info(licence: str) -> dict[str, str]:
    """{'licence', 'uri', 'path', 'title'} for a licence text; uri is empty for terms without a standard URI."""
    known = LICENCES.get(licence, {})
    return {"licence": licence or UNKNOWN_LICENCE, "uri": known.get("uri", ""), "path": known.get("path", ""),
            "title": known.get("title", licence or UNKNOWN_LICENCE)}


def describe(table: str, column: str) -> tuple[str, str]:
    """(English, bokmål) description of a published column: etl.schema's, or this module's for the extra ones."""
    if table == "observations" and column in EXTRA_COLUMNS:
        return EXTRA_COLUMNS[column][1], EXTRA_COLUMNS[column][2]
    return schema.describe(table, column)


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pd.DataFrame:
    cursor = con.cursor()
    try:
        return cursor.execute(sql, params or []).df()
    finally:
        cursor.close()


def _with_publisher(frame: pd.DataFrame) -> pd.DataFrame:
    info = publishers()
    frame = frame.copy()
    frame["licence"] = [info.get(org, {}).get("licence", UNKNOWN_LICENCE) or UNKNOWN_LICENCE
                        for org in frame["source_org"]]
    frame["publisher_url"] = [info.get(org, {}).get("url", "") for org in frame["source_org"]]
    return frame


def observations_frame(con: duckdb.DuckDBPyConnection, indicator_id: str | None = None) -> pd.DataFrame:
    """Every observation (all publications, preferred or not), with each row's licence and publisher page, in the
    published order. One indicator's rows when `indicator_id` is given."""
    where, params = ("WHERE indicator_id = ?", [indicator_id]) if indicator_id is not None else ("", [])
    order = ", ".join(f'"{c}"' for c in OBSERVATION_ORDER)
    frame = _frame(con, f"SELECT * FROM observations {where} ORDER BY {order}", params)
    frame = _with_publisher(frame)
    return frame[OBSERVATION_COLUMNS].reset_index(drop=True)


def indicator_frame(con: duckdb.DuckDBPyConnection, indicator_id: str) -> pd.DataFrame:
    """One indicator's observations: all geographies, periods, breakdowns, values, flags, sources and licences, and
    the preferred mark. Raises KeyError for an indicator the catalogue does not have."""
    if indicator_id not in indicator_ids(con):
        raise KeyError(f"no indicator '{indicator_id}' in the warehouse")
    return observations_frame(con, indicator_id)


def indicator_ids(con: duckdb.DuckDBPyConnection) -> list[str]:
    return _frame(con, "SELECT indicator_id FROM indicators ORDER BY indicator_id")["indicator_id"].tolist()


def table_frame(con: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    """A whole published table (observations with licences, sources, a score table or a catalogue table), in its
    published order."""
    if table == "observations":
        return observations_frame(con)
    if table not in (*TABLE_EXPORTS, *CATALOGUE_TABLES) or table not in (*_ORDER, *schema.TABLES):
        raise KeyError(f"table '{table}' is not published")
    # a table without a listed key (a score table added to etl.schema later) is ordered by all its columns
    keys = _ORDER.get(table) or schema.column_names(table)
    order = ", ".join(f'"{c}"' for c in keys)
    return _frame(con, f'SELECT * FROM "{table}" ORDER BY {order}')


def score_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The score tables of etl.schema that the warehouse holds (an older warehouse may lack a newer one)."""
    present = set(_frame(con, "SELECT table_name FROM information_schema.tables")["table_name"])
    return [t for t in schema.SCORE_TABLES if t in present]


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a header row, comma-separated, '.' as decimal mark, floats written so they read back exactly,
    empty cells for missing values, booleans as true/false."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_bool_dtype(out[column]):
            out[column] = out[column].map({True: "true", False: "false"})
    return out.to_csv(index=False, lineterminator="\n").encode("utf-8")


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False, engine="pyarrow", compression="zstd")
    return buffer.getvalue()


def indicator_csv(con: duckdb.DuckDBPyConnection, indicator_id: str) -> bytes:
    """The published per-indicator CSV (`indicators/<id>.csv`), byte for byte."""
    return csv_bytes(indicator_frame(con, indicator_id))


def observations_csv(con: duckdb.DuckDBPyConnection) -> bytes:
    """The published `observations.csv`, byte for byte."""
    return csv_bytes(observations_frame(con))


def observations_parquet(con: duckdb.DuckDBPyConnection) -> bytes:
    """The published `observations.parquet`, byte for byte."""
    return parquet_bytes(observations_frame(con))


def table_csv(con: duckdb.DuckDBPyConnection, table: str) -> bytes:
    return csv_bytes(table_frame(con, table))


def table_parquet(con: duckdb.DuckDBPyConnection, table: str) -> bytes:
    return parquet_bytes(table_frame(con, table))


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    rows = []
    for record in frame.to_dict(orient="records"):
        rows.append({k: (None if _missing(v) else (v.item() if hasattr(v, "item") else v)) for k, v in record.items()})
    return rows


def _missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def catalogue(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The catalogue as one JSON-ready object: goals, indicators, units and life events, each a list of records
    (null where a value is absent), with the build it was published from."""
    build = _records(_frame(con, "SELECT build_id, built_at FROM build"))
    meta = build[0] if build else {}
    return {
        "build_id": meta.get("build_id"),
        "built_at": None if meta.get("built_at") is None else pd.Timestamp(meta["built_at"]).isoformat(),
        **{table: _records(table_frame(con, table)) for table in CATALOGUE_TABLES},
    }


def catalogue_json(con: duckdb.DuckDBPyConnection) -> bytes:
    """The published `catalogue.json`, byte for byte."""
    return (json.dumps(catalogue(con), ensure_ascii=False, indent=1) + "\n").encode("utf-8")
