"""The "download everything" bundle: one CSV per warehouse table, a bilingual data dictionary and a README.

Each table's CSV is the published file (etl.publish.exports: the bytes `python -m etl publish` writes, the
observations with their licence and publisher columns); the build's own row, which is not published as a table,
is written with the same CSV writer. The dictionary's descriptions come from etl.publish.exports.describe, that is
etl.schema's one description of the warehouse's columns plus the published extra columns.
"""
from __future__ import annotations

import io
import zipfile

import pandas as pd
import streamlit as st

from etl.publish import exports
from etl.schema import SCORE_TABLES
from ui import data

# The observations with the catalogue, then the score tables and the build they came from.
BUNDLE_TABLES = ("observations", "indicators", "goals", "units", "sources", "life_events", "surveys", *SCORE_TABLES,
                 "build")
DICTIONARY_COLUMNS = ["file", "column", "type", "description_en", "description_nb"]


def data_dictionary(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per column of every bundled table, with its type and a description in English and bokmål."""
    rows = []
    for table, frame in tables.items():
        for column in frame.columns:
            en, nb = exports.describe(table, column)
            rows.append({"file": f"{table}.csv", "column": column, "type": str(frame[column].dtype),
                         "description_en": en, "description_nb": nb})
    return pd.DataFrame(rows, columns=DICTIONARY_COLUMNS)


def bundle_readme(build: dict, dictionary: pd.DataFrame) -> str:
    lines = [
        "# The monitor: all data / Digitaliseringsmonitoren: alle data",
        "",
        f"Build / bygg: {build.get('build_id', '')}, built / bygget {build.get('built_at', '')}.",
        "",
        "English: every observation in the warehouse (observations.csv, all values including non-preferred ones), "
        "with the indicator catalogue, goals, units, sources and life events, and the scores computed by this build "
        "(indicator_scores, indicator_score_peers, goal_scores, goal_score_history, movers). UTF-8, comma-separated, "
        "`.` as decimal mark. data_dictionary.csv describes every column in English and bokmål.",
        "",
        "Bokmål: alle observasjoner i datavarehuset (observations.csv, alle verdier, også de som ikke er "
        "foretrukket), med indikatorkatalogen, målene, enhetene, kildene og livshendelsene, og poengene dette bygget "
        "har beregnet (indicator_scores, indicator_score_peers, goal_scores, goal_score_history, movers). UTF-8, "
        "kommaseparert, `.` som desimaltegn. data_dictionary.csv beskriver hver kolonne på engelsk og bokmål.",
        "",
        "| file | column | type | description (en) | beskrivelse (nb) |",
        "|---|---|---|---|---|",
    ]
    for row in dictionary.itertuples():
        lines.append(f"| {row.file} | {row.column} | {row.type} | {row.description_en} | {row.description_nb} |")
    return "\n".join(lines) + "\n"


def bundle_zip(tables: dict[str, pd.DataFrame], build: dict) -> bytes:
    """A zip with one CSV per table (the published CSV writer), data_dictionary.csv and README.md."""
    dictionary = data_dictionary(tables)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table, frame in tables.items():
            archive.writestr(f"{table}.csv", exports.csv_bytes(frame))
        archive.writestr("data_dictionary.csv", dictionary.to_csv(index=False))
        archive.writestr("README.md", bundle_readme(build, dictionary))
    return buffer.getvalue()


PUBLISHED = frozenset((*exports.TABLE_EXPORTS, *exports.CATALOGUE_TABLES))


def bundle_tables(con) -> dict[str, pd.DataFrame]:
    """The bundle's tables from one connection: the published tables as etl.publish.exports gives them (so each
    CSV equals `exports.table_csv(con, name)`), the build row as stored."""
    cursor = con.cursor()
    try:
        present = {name for (name,) in cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}
        tables = {}
        for name in BUNDLE_TABLES:
            if name not in present:
                continue
            tables[name] = (exports.table_frame(con, name) if name in PUBLISHED
                            else cursor.execute(f'SELECT * FROM "{name}"').df())
        return tables
    finally:
        cursor.close()


@st.cache_data(show_spinner=False, max_entries=2)
def _warehouse_bundle(version: tuple) -> bytes:
    con = data.connection()
    try:
        return bundle_zip(bundle_tables(con), data.build_info())
    finally:
        con.close()


def warehouse_bundle() -> bytes:
    """The bundle of this run's warehouse version, made once per build."""
    with data.pinned() as lease:
        return _warehouse_bundle(lease.key)


@st.cache_data(show_spinner=False, max_entries=64)
def _indicator_csv(indicator_id: str, version: tuple) -> bytes:
    con = data.connection()
    try:
        return exports.indicator_csv(con, indicator_id)
    finally:
        con.close()


def indicator_csv(indicator_id: str) -> bytes:
    """The published `indicators/<id>.csv` of this run's warehouse version, byte for byte."""
    with data.pinned() as lease:
        return _indicator_csv(indicator_id, lease.key)
