"""Read-only access to the warehouse for the pages: one cached connection, one cursor per query, results cached
per build id so a new build is picked up on the next rerun without restarting the app."""
from __future__ import annotations

import os
import threading
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from etl.paths import WAREHOUSE_PATH

PEERS = ("SE", "DK", "FI", "EU27")


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


def build_info() -> dict:
    """The build's one row: build_id, built_at, n_observations, n_sources, …"""
    tables = set(query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'")["table_name"])
    if "build" in tables:
        return query("SELECT * FROM build LIMIT 1").iloc[0].to_dict()
    # Warehouses built before the build table (etl_runs) existed.
    runs = query("SELECT build_id, finished_at AS built_at, n_observations, n_sources FROM etl_runs "
                 "ORDER BY finished_at DESC LIMIT 1")
    return runs.iloc[0].to_dict()


def goals() -> pd.DataFrame:
    return query("SELECT * FROM goals ORDER BY number")


def indicators() -> pd.DataFrame:
    return query("""
        SELECT i.*, u.label_nb AS unit_label_nb, u.label_en AS unit_label_en, u.kind AS unit_kind,
               g.number AS goal_number
        FROM indicators i JOIN units u ON u.unit_id = i.unit_id JOIN goals g USING (goal_id)
        ORDER BY g.number, i.indicator_id""")


def observations(indicator_ids: list[str] | None = None, *, preferred_only: bool = False) -> pd.DataFrame:
    sql = "SELECT * FROM observations WHERE 1=1"
    params: list = []
    if indicator_ids is not None:
        sql += " AND list_contains(?, indicator_id)"
        params.append(list(indicator_ids))
    if preferred_only:
        sql += " AND is_preferred"
    return query(sql + " ORDER BY indicator_id, geo, breakdown, year, period, is_preferred DESC", *params)


def scoring_inputs() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Preferred totals and the indicator table, as the pure scoring functions in indicators/ expect them."""
    obs = query("""SELECT indicator_id, geo, breakdown, period, year, value, is_preferred FROM observations
                   WHERE is_preferred AND breakdown = ''""")
    return obs, indicators()


def latest_with_change(geo: str = "NO") -> pd.DataFrame:
    """Per indicator: the latest preferred total for `geo` and the change since 2019 (or the first year after)."""
    return query("""
        WITH series AS (
            SELECT indicator_id, year, period, value,
                   row_number() OVER (PARTITION BY indicator_id ORDER BY year DESC, period DESC) AS newest,
                   row_number() OVER (PARTITION BY indicator_id ORDER BY (year < 2019), year, period) AS base_rank
            FROM observations WHERE is_preferred AND breakdown = '' AND geo = ?)
        SELECT l.indicator_id, l.year AS latest_year, l.period AS latest_period, l.value AS latest_value,
               CASE WHEN b.year >= 2019 AND b.year < l.year THEN b.year END AS base_year,
               CASE WHEN b.year >= 2019 AND b.year < l.year THEN l.value - b.value END AS change
        FROM series l LEFT JOIN series b ON b.indicator_id = l.indicator_id AND b.base_rank = 1
        WHERE l.newest = 1""", geo)
