"""Read-only access to the warehouse for the pages: each script run is pinned to one warehouse version, one cursor
per query, results cached per warehouse version so a new build is picked up on the next rerun without restarting
the app.

The connection lifecycle (why a new build never breaks a page being served):

- A *version* is one file on disk, identified by (device, inode, mtime, size). `python -m etl build` writes a new
  file and renames it into place, so a new build is a new version at the same path.
- DuckDB caches database instances by their canonical path, so a second file at the same path cannot be opened
  while the first is open (it would hand back the old instance). Each version is therefore opened through its own
  hard link beside the warehouse, `warehouse.duckdb.reader-<pid>-<inode>-<mtime>` (ignored by git; a link names
  exactly the inode that was at the path when it was made, so a swap during the open cannot mix two files).
- Every script run takes one *lease* on the newest version at its start and keeps it for the whole run (the lease is
  stored on the run's ScriptRunContext and released when the next run of that session starts or the session
  ends); code outside Streamlit uses `pinned()`. A version's connections are closed, and its links removed, only
  when no lease uses it any more and a newer version exists.
- A file that cannot be opened as a warehouse (corrupt, truncated, no `build` table) is never served: the last good
  version stays in use, or, when there is none, the pages show the friendly "no warehouse" message.
- The SQL console gets its own database instance of the same version (a second link) with a memory limit, one
  thread and no spilling to disk (`console_connection()`); its queries run in a worker process on that link's file
  with the same configuration (CONSOLE_CONFIG), which the OS bounds (ui/sql_console.py).

The readers below return the warehouse's tables as the build wrote them (columns in etl/schema.py). Nothing is
scored or recomputed here or anywhere in ui/ and pages/: statuses, changes, scores, goal histories, movers and
status changes are read from the score tables the build computed once."""
from __future__ import annotations

import atexit
import contextlib
import contextvars
import logging
import os
import threading
import weakref
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from etl.paths import WAREHOUSE_PATH

_LOG = logging.getLogger(__name__)

# External access off (no file or network reads from SQL) and the configuration locked, so no query can turn it
# back on. Read-only: nothing a visitor does can write to the file.
READ_CONFIG = {"enable_external_access": False, "lock_configuration": True}
CONSOLE_MEMORY_LIMIT = os.environ.get("MONITOR_CONSOLE_MEMORY", "256MB")
CONSOLE_CONFIG = {**READ_CONFIG, "memory_limit": CONSOLE_MEMORY_LIMIT, "threads": 1, "max_temp_directory_size": "0B"}


def warehouse_path() -> Path:
    return Path(os.environ.get("MONITOR_WAREHOUSE", WAREHOUSE_PATH))


class WarehouseUnavailable(RuntimeError):
    """No warehouse can be served: `reason` is 'missing' (no file) or 'corrupt' (a file DuckDB cannot read as one)."""

    def __init__(self, reason: str, path: Path, detail: str = ""):
        super().__init__(f"{reason}: {path} {detail}".strip())
        self.reason = reason
        self.path = path
        self.detail = detail


def _key(stat: os.stat_result) -> tuple[int, int, int, int]:
    return (stat.st_dev, stat.st_ino, stat.st_mtime_ns, stat.st_size)


class Version:
    """One warehouse file version, opened read-only through its own hard link (or the path itself when no link
    can be made). Connections are opened lazily and closed only by the registry, when no lease uses them."""

    def __init__(self, source: Path, link: Path | None, key: tuple):
        self.source = source
        self.link = link          # the hard link the main instance is opened from (None: the path itself)
        self.key = key
        self.refs = 0
        self.closed = False
        self._lock = threading.Lock()
        self._main: duckdb.DuckDBPyConnection | None = None
        self._console: duckdb.DuckDBPyConnection | None = None
        self._console_link: Path | None = None

    @property
    def path(self) -> Path:
        return self.link or self.source

    def open(self) -> None:
        """Open the main instance and check that it is a warehouse (it has its one-row `build` table)."""
        con = duckdb.connect(str(self.path), read_only=True, config=dict(READ_CONFIG))
        try:
            cursor = con.cursor()
            try:
                cursor.execute("SELECT build_id FROM build LIMIT 1").fetchall()
            finally:
                cursor.close()
        except BaseException:
            con.close()
            raise
        self._main = con

    def cursor(self) -> duckdb.DuckDBPyConnection:
        with self._lock:
            if self.closed or self._main is None:
                raise RuntimeError("warehouse version used after it was released")  # a lifecycle bug, not load
            return self._main.cursor()

    def console(self) -> duckdb.DuckDBPyConnection:
        """The SQL console's own instance of this version: memory limit, one thread, no temp files."""
        with self._lock:
            if self.closed:
                raise RuntimeError("warehouse version used after it was released")
            if self._console is None:
                if self.link is None:
                    raise WarehouseUnavailable("console", self.source, "no private link for the console instance")
                link = self.link.with_name(self.link.name + "-console")
                if not link.exists():
                    os.link(self.link, link)
                self._console_link = link
                self._console = duckdb.connect(str(link), read_only=True, config=dict(CONSOLE_CONFIG))
            return self._console.cursor()

    def close(self) -> None:
        with self._lock:
            self.closed = True
            for con in (self._console, self._main):
                if con is not None:
                    try:
                        con.close()
                    except duckdb.Error:  # pragma: no cover - closing never matters to a reader
                        pass
            self._main = self._console = None
            for link in (self._console_link, self.link):
                if link is not None:
                    with contextlib.suppress(OSError):
                        link.unlink()


class Lease:
    """One user's hold on one version; `release()` is idempotent."""

    def __init__(self, registry: "_Registry", version: Version):
        self._registry = registry
        self.version = version
        self.released = False

    @property
    def key(self) -> tuple:
        return self.version.key

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self.version.cursor()

    def release(self) -> None:
        self._registry.release(self)


class _Registry:
    """Every open version of the warehouse in this process, with the number of leases on each."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._versions: dict[tuple, Version] = {}
        self._current: Version | None = None
        self._failed: dict[tuple, str] = {}   # versions that could not be opened: not tried again
        self._cleaned: set[Path] = set()

    # -- opening -------------------------------------------------------------------------------------------------

    def _link_for(self, path: Path) -> tuple[Path | None, tuple]:
        """A hard link to the file now at `path` and its version key (or no link and the path's own key)."""
        self._clean_stale_links(path)
        tmp = path.with_name(f"{path.name}.reader-{os.getpid()}-{threading.get_ident()}-new")
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        try:
            os.link(path, tmp)
        except FileNotFoundError:
            raise
        except OSError as exc:  # read-only or foreign file system: the path itself, closed before a newer one opens
            _LOG.warning("no private link for %s (%s); a new build is served once the old one is idle", path, exc)
            return None, _key(path.stat())
        key = _key(tmp.stat())
        link = path.with_name(f"{path.name}.reader-{os.getpid()}-{key[1]}-{key[2]}")
        os.replace(tmp, link)
        return link, key

    def _clean_stale_links(self, path: Path) -> None:
        """Links left by processes that are gone (a crash or kill -9)."""
        if path.parent in self._cleaned:
            return
        self._cleaned.add(path.parent)
        for link in path.parent.glob(f"{path.name}.reader-*"):
            pid = link.name[len(path.name) + len(".reader-"):].split("-", 1)[0]
            if pid.isdigit() and int(pid) != os.getpid() and not Path(f"/proc/{pid}").exists():
                with contextlib.suppress(OSError):
                    link.unlink()

    def acquire(self) -> Lease:
        path = warehouse_path()
        with self._lock:
            if self._current is not None and self._current.source != path:
                # MONITOR_WAREHOUSE now names another file (tests): the old one is never a fallback for it
                self._current = None
                self._retire_idle()
            try:
                stat = path.stat()
            except FileNotFoundError:
                stat = None
            if stat is None:
                if self._current is not None:   # the file was removed: keep serving what we have
                    return self._lease(self._current)
                raise WarehouseUnavailable("missing", path)
            key = _key(stat)
            if self._current is not None and self._current.key == key:
                return self._lease(self._current)
            if key in self._versions and self._versions[key].source == path:
                self._current = self._versions[key]
                self._retire_idle()
                return self._lease(self._current)
            if key in self._failed:
                return self._fallback(path, self._failed[key])
            version = self._open_new(path)
            if version is None:
                if key not in self._failed and not path.exists() and self._current is None:
                    raise WarehouseUnavailable("missing", path)
                return self._fallback(path, self._failed.get(key, ""))
            return self._lease(version)

    def _open_new(self, path: Path) -> Version | None:
        try:
            link, key = self._link_for(path)
        except FileNotFoundError:
            return None
        if key in self._versions:  # the file changed between stat and link to a version already open
            if link is not None:
                with contextlib.suppress(OSError):
                    if link != self._versions[key].link:
                        link.unlink()
            self._current = self._versions[key]
            self._retire_idle()
            return self._current
        if link is None and self._current is not None and self._current.link is None:
            # Without links only one version can be open at a time: the new one waits until the old one is idle.
            if self._current.refs > 0:
                return self._current
            self._close(self._current)
        version = Version(path, link, key)
        try:
            version.open()
        except (duckdb.Error, OSError, RuntimeError) as exc:
            self._failed[key] = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
            _LOG.error("warehouse %s cannot be opened (%s); not served", path, self._failed[key])
            version.close()
            stat_key = None
            with contextlib.suppress(OSError):
                stat_key = _key(path.stat())
            if stat_key is not None:
                self._failed[stat_key] = self._failed[key]
            return None
        self._versions[key] = version
        self._current = version
        self._retire_idle()
        return version

    def _fallback(self, path: Path, detail: str) -> Lease:
        if self._current is not None:  # the last good build stays in use
            return self._lease(self._current)
        raise WarehouseUnavailable("corrupt", path, detail)

    def _lease(self, version: Version) -> Lease:
        version.refs += 1
        return Lease(self, version)

    # -- releasing -----------------------------------------------------------------------------------------------

    def release(self, lease: Lease) -> None:
        with self._lock:
            if lease.released:
                return
            lease.released = True
            lease.version.refs -= 1
            self._retire_idle()

    def _retire_idle(self) -> None:
        for key, version in list(self._versions.items()):
            if version is not self._current and version.refs <= 0:
                self._close(version)

    def _close(self, version: Version) -> None:
        self._versions.pop(version.key, None)
        if self._current is version:
            self._current = None
        version.close()

    # -- inspection (tests) --------------------------------------------------------------------------------------

    def open_versions(self) -> dict[tuple, int]:
        with self._lock:
            return {key: version.refs for key, version in self._versions.items()}

    def reset(self) -> None:
        """Close everything (tests that switch MONITOR_WAREHOUSE between warehouses)."""
        with self._lock:
            for version in list(self._versions.values()):
                self._close(version)
            self._failed.clear()
            self._cleaned.clear()


_registry = _Registry()
atexit.register(_registry.reset)  # the process's links go with it (a killed process's are removed by the next)
_block_pin: contextvars.ContextVar[Lease | None] = contextvars.ContextVar("monitor_warehouse_pin", default=None)
_RUN_PIN = "_monitor_warehouse_pin"


def _run_lease() -> Lease | None:
    """The lease of the current Streamlit script run, taken at its first use and kept for the whole run."""
    try:
        from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
        ctx = get_script_run_ctx(suppress_warning=True)
    except Exception:  # noqa: BLE001 - outside Streamlit
        return None
    if ctx is None:
        return None
    marker = getattr(ctx, "parallel_coordinator", None)  # a new object for every run (ScriptRunContext.reset)
    pin = ctx.__dict__.get(_RUN_PIN)
    if pin is not None:
        pinned_marker, lease = pin
        if pinned_marker() is marker and not lease.released and not lease.version.closed:
            return lease
        lease.release()   # the session's previous run is over
    lease = _registry.acquire()
    try:
        ref = weakref.ref(marker)
        weakref.finalize(marker, lease.release)   # the run's state is dropped: next run or session end
    except TypeError:
        ref = (lambda m: (lambda: m))(marker)
    ctx.__dict__[_RUN_PIN] = (ref, lease)
    return lease


@contextlib.contextmanager
def pinned():
    """Hold one warehouse version for the block (outside Streamlit, or for a block inside a run)."""
    outer = _block_pin.get()
    if outer is not None:
        yield outer
        return
    lease = _run_lease()
    own = lease is None
    if own:
        lease = _registry.acquire()
    token = _block_pin.set(lease)
    try:
        yield lease
    finally:
        _block_pin.reset(token)
        if own:  # the run's own lease lasts the whole run
            lease.release()


def _current_lease() -> tuple[Lease, bool]:
    """The lease in force (block pin, run pin) or a new one the caller must release (True)."""
    lease = _block_pin.get()
    if lease is not None:
        return lease, False
    lease = _run_lease()
    if lease is not None:
        return lease, False
    return _registry.acquire(), True


def warehouse_version() -> tuple | None:
    """The version this run reads (None when no warehouse can be served)."""
    try:
        lease, own = _current_lease()
    except WarehouseUnavailable:
        return None
    if own:
        lease.release()
    return lease.key


def warehouse_problem() -> WarehouseUnavailable | None:
    """Why no warehouse can be served, or None when one can (pins the run's version)."""
    try:
        lease, own = _current_lease()
    except WarehouseUnavailable as problem:
        return problem
    if own:
        lease.release()
    return None


class _LeasedCursor:
    """A cursor that releases its lease when closed (for callers outside a run or a pinned block)."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection, lease: Lease | None):
        self._cursor = cursor
        self._lease = lease
        if lease is not None:
            weakref.finalize(self, lease.release)

    def __getattr__(self, name):
        return getattr(self._cursor, name)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self._cursor.cursor()

    def close(self) -> None:
        try:
            self._cursor.close()
        finally:
            if self._lease is not None:
                self._lease.release()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def connection():
    """A cursor of the run's warehouse version, for callers that manage their own query (close it after)."""
    lease, own = _current_lease()
    return _LeasedCursor(lease.cursor(), lease if own else None)


def console_connection():
    """A cursor of the SQL console's own instance of the run's version (memory limit, one thread)."""
    lease, own = _current_lease()
    return _LeasedCursor(lease.version.console(), lease if own else None)


def run_query(sql: str, params: list | None = None) -> pd.DataFrame:
    """Run one read-only query on its own cursor (DuckDB connections are not shared across threads)."""
    lease, own = _current_lease()
    try:
        cursor = lease.cursor()
        try:
            return cursor.execute(sql, params or []).df()
        finally:
            cursor.close()
    finally:
        if own:
            lease.release()


@st.cache_data(show_spinner=False, max_entries=256)
def _cached(sql: str, params: tuple, build_key: tuple) -> pd.DataFrame:
    return run_query(sql, list(params))


def query(sql: str, *params) -> pd.DataFrame:
    """A cached query; the cache key includes the warehouse version, so a new build invalidates it."""
    with pinned() as lease:
        return _cached(sql, tuple(params), lease.key).copy()


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
               u.decimals AS unit_decimals, g.number AS goal_number
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


def score_sources(geo: str = "NO") -> pd.DataFrame:
    """Per indicator: the figures behind indicator_scores' base and latest values (the preferred total for `geo` in
    base_period and latest_period): their texts as published, flags (as stored by the scoring), publisher, dataset
    and link."""
    return query("""
        SELECT s.indicator_id, s.base_flags, s.latest_flags,
               bo.value_text AS base_text, lo.value_text AS latest_text,
               bo.source_org AS base_source_org, bo.source_dataset AS base_source_dataset,
               bo.source_url AS base_source_url,
               lo.source_org AS latest_source_org, lo.source_dataset AS latest_source_dataset,
               lo.source_url AS latest_source_url
        FROM indicator_scores s
        LEFT JOIN observations bo ON bo.indicator_id = s.indicator_id AND bo.geo = s.geo AND bo.breakdown = ''
             AND bo.period = s.base_period AND bo.is_preferred
        LEFT JOIN observations lo ON lo.indicator_id = s.indicator_id AND lo.geo = s.geo AND lo.breakdown = ''
             AND lo.period = s.latest_period AND lo.is_preferred
        WHERE s.geo = ?
        ORDER BY s.indicator_id""", geo)


def all_score_peers(geo: str = "NO") -> pd.DataFrame:
    """Every indicator's peers as the level score compared them with `geo` (indicator_score_peers)."""
    return query("SELECT * FROM indicator_score_peers WHERE geo = ? ORDER BY indicator_id, peer_geo", geo)
