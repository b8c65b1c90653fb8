"""Read-only access to the warehouse for the pages: one cached connection, one cursor per query, results cached
per warehouse version so a new build is picked up on the next rerun without restarting the app.

The readers below return the warehouse's tables as the build wrote them (columns in etl/schema.py). Nothing is
scored or recomputed here or anywhere in ui/ and pages/: statuses, changes, scores, goal histories, movers and
status changes are read from the score tables the build computed once."""
from __future__ import annotations

import os
import threading
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from etl.paths import WAREHOUSE_PATH

def warehouse_path() -> Path:
    return Path(os.environ.get("MONITOR_WAREHOUSE", WAREHOUSE_PATH))


def warehouse_version() -> tuple[str, int, int] | None:
    """Identifies the file on disk; changes when a new build is swapped in."""
    path = warehouse_path()
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return (str(path), stat.st_ino, stat.st_mtime_ns)


class _Warehouse:
    """One read-only connection per warehouse file version, shared by the app's threads through cursors.

    When a new build is swapped in, the old connection is closed before the new file is opened: DuckDB caches
    database instances by path, so the old one must go or the new file would not be read.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: tuple | None = None
        self._connection: duckdb.DuckDBPyConnection | None = None

    def cursor(self, version: tuple[str, int, int]) -> duckdb.DuckDBPyConnection:
        with self._lock:
            if version != self._version:
                if self._connection is not None:
                    self._connection.close()
                # External access off (no file or network reads from SQL) and the configuration locked, so no
                # query can turn it back on. Read-only: nothing a visitor does can write to the file.
                self._connection = duckdb.connect(
                    version[0], read_only=True,
                    config={"enable_external_access": False, "lock_configuration": True},
                )
                self._version = version
            return self._connection.cursor()


_warehouse = _Warehouse()


def connection() -> duckdb.DuckDBPyConnection:
    """A cursor of the shared read-only connection, for callers that manage their own query (close it after)."""
    version = warehouse_version()
    if version is None:
        raise FileNotFoundError(warehouse_path())
    return _warehouse.cursor(version)


def run_query(sql: str, params: list | None = None) -> pd.DataFrame:
    """Run one read-only query on its own cursor (DuckDB connections are not shared across threads)."""
    cursor = connection()
    try:
        return cursor.execute(sql, params or []).df()
    finally:
        cursor.close()


@st.cache_data(show_spinner=False, max_entries=256)
def _cached(sql: str, params: tuple, build_key: tuple) -> pd.DataFrame:
    return run_query(sql, list(params))


def query(sql: str, *params) -> pd.DataFrame:
    """A cached query; the cache key includes the warehouse version, so a new build invalidates it."""
    version = warehouse_version()
    if version is None:
        raise FileNotFoundError(warehouse_path())
    return _cached(sql, tuple(params), version).copy()


def table_names() -> set[str]:
    return set(query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'")["table_name"])


def build_info() -> dict:
    """The build's one row: build_id, built_at, n_observations, n_sources, previous_build_id, …"""
    return query("SELECT * FROM build LIMIT 1").iloc[0].to_dict()


# --------------------------------------------------------------------------------------------------------------
# Catalogue and observations
# --------------------------------------------------------------------------------------------------------------

def goals() -> pd.DataFrame:
    return query("SELECT * FROM goals ORDER BY number")


def indicators() -> pd.DataFrame:
    return query("""
        SELECT i.*, u.label_nb AS unit_label_nb, u.label_en AS unit_label_en, u.kind AS unit_kind,
               g.number AS goal_number
        FROM indicators i JOIN units u ON u.unit_id = i.unit_id JOIN goals g USING (goal_id)
        ORDER BY g.number, i.indicator_id""")


def observations(indicator_ids: list[str] | None = None) -> pd.DataFrame:
    sql = "SELECT * FROM observations WHERE 1=1"
    params: list = []
    if indicator_ids is not None:
        sql += " AND list_contains(?, indicator_id)"
        params.append(list(indicator_ids))
    return query(sql + " ORDER BY indicator_id, geo, breakdown, year, period, is_preferred DESC", *params)


# --------------------------------------------------------------------------------------------------------------
# Score tables (computed by the build)
# --------------------------------------------------------------------------------------------------------------

def indicator_scores(geo: str = "NO") -> pd.DataFrame:
    """One row per indicator for `geo`: base and latest value, the change that was scored, status, score, …"""
    return query("SELECT * FROM indicator_scores WHERE geo = ? ORDER BY indicator_id", geo)


def indicator_score(indicator_id: str, geo: str = "NO") -> dict | None:
    rows = query("SELECT * FROM indicator_scores WHERE geo = ? AND indicator_id = ?", geo, indicator_id)
    return None if rows.empty else rows.iloc[0].to_dict()


def indicator_score_peers(indicator_id: str, geo: str = "NO") -> pd.DataFrame:
    """The peers the indicator's level score compared `geo` with."""
    return query("SELECT * FROM indicator_score_peers WHERE geo = ? AND indicator_id = ? ORDER BY peer_geo",
                 geo, indicator_id)


def goal_scores(geo: str = "NO") -> pd.DataFrame:
    return query("SELECT * FROM goal_scores WHERE geo = ? ORDER BY goal_id", geo)


def goal_score(goal_id: str, geo: str = "NO") -> dict | None:
    rows = query("SELECT * FROM goal_scores WHERE geo = ? AND goal_id = ?", geo, goal_id)
    return None if rows.empty else rows.iloc[0].to_dict()


def goal_score_history(goal_id: str | None = None, geo: str = "NO") -> pd.DataFrame:
    """The goal score with the data up to each year, oldest first."""
    if goal_id is None:
        return query("SELECT * FROM goal_score_history WHERE geo = ? ORDER BY goal_id, as_of", geo)
    return query("SELECT * FROM goal_score_history WHERE geo = ? AND goal_id = ? ORDER BY as_of", geo, goal_id)


def movers(goal_id: str, geo: str = "NO") -> pd.DataFrame:
    """The indicators that move the goal score most, in the build's rank order (1 first)."""
    return query("SELECT * FROM movers WHERE geo = ? AND goal_id = ? ORDER BY rank", geo, goal_id)


def changes() -> pd.DataFrame:
    """Figures new, changed or removed since the previous build."""
    return query("SELECT * FROM changes ORDER BY indicator_id, geo, breakdown, year, period")


def status_changes(geo: str = "NO") -> pd.DataFrame:
    """Trend statuses that differ from the previous build's."""
    return query("SELECT * FROM status_changes WHERE geo = ? ORDER BY indicator_id", geo)
