"""The warehouse connection lifecycle of ui/data.py, step by step on a copy of the real warehouse: a version that a
reader holds (a `pinned()` block, a cursor from `connection()`, a script run's lease) keeps answering with its own
build after a new build is renamed into place and after everything that releases old versions has run; once the
last hold on it is gone, its connections are closed and its hard links removed (nothing leaks).

Version B of the warehouse is version A's file with another build id in its `build` table (test data), written
beside it and renamed into place, as `python -m etl build` renames its new file."""
from __future__ import annotations

import gc
import os
import shutil
import threading
import types
from pathlib import Path

import duckdb
import pytest

from ui import data

BUILD_SQL = "SELECT build_id FROM build"


@pytest.fixture
def versions(tmp_path, monkeypatch, real_warehouse):
    """The served path (a copy of the real warehouse, version A) and a function that renames a new version into
    place with the given build id."""
    target = tmp_path / "warehouse.duckdb"
    shutil.copyfile(real_warehouse, target)
    monkeypatch.setenv("MONITOR_WAREHOUSE", str(target))
    data._registry.reset()

    def swap_in(build_id: str) -> None:
        new = tmp_path / "warehouse.duckdb.new"
        shutil.copyfile(real_warehouse, new)
        with duckdb.connect(str(new)) as con:   # its own file, closed before the rename
            con.execute("UPDATE build SET build_id = ?", [build_id])
        os.replace(new, target)

    yield target, swap_in
    data._registry.reset()


def _build_id(cursor_source=None) -> str:
    """The build id through the uncached path (a cached query would not touch the connection at all)."""
    if cursor_source is not None:
        return cursor_source.execute(BUILD_SQL).fetchall()[0][0]
    return data.run_query(BUILD_SQL)["build_id"].iloc[0]


def _in_another_thread(fn):
    """Run `fn` in a new thread (its own context: no pin of this thread's is visible there); return its result."""
    out: dict = {}

    def run() -> None:
        try:
            out["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - re-raised below
            out["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(60)
    if "error" in out:
        raise out["error"]
    return out["value"]


def _read_b_and_release() -> str:
    """Another reader: opens the new version, reads it and lets its lease go (each step may retire old versions)."""
    with data.pinned():
        return _build_id()


def _links(target: Path) -> list[str]:
    return sorted(p.name for p in target.parent.glob(f"{target.name}.reader-*"))


def test_a_held_pin_keeps_answering_with_its_build_after_a_swap_and_every_release(versions):
    target, swap_in = versions
    a = _build_id()
    with data.pinned() as held:
        assert _build_id() == a
        version_a = held.version
        connection_a = version_a._main
        swap_in("build-B")
        assert _in_another_thread(_read_b_and_release) == "build-B"      # B opened and made current; lease let go
        other = _in_another_thread(data._registry.acquire)              # a second lease, on B
        other.release()
        other.release()                                                 # released twice: counts once
        assert _in_another_thread(_read_b_and_release) == "build-B"
        # everything that retires idle versions has run; the held version is still open and answers with A
        assert not version_a.closed
        assert _build_id() == a
        assert data.run_query("SELECT count(*) AS n FROM observations")["n"].iloc[0] > 0
        assert data.query(BUILD_SQL + " -- lifecycle")["build_id"].iloc[0] == a
        assert data.build_info()["build_id"] == a
        assert data.warehouse_version() == version_a.key
        assert set(data._registry.open_versions().values()) == {0, 1}   # A held once, B idle
    # the last hold on A is gone: A is closed, its link removed; B stays, idle
    assert version_a.closed and version_a._main is None
    with pytest.raises(duckdb.ConnectionException):              # its DuckDB connection is closed, not dropped
        connection_a.execute("SELECT 1")
    assert not version_a.path.exists()
    assert list(data._registry.open_versions().values()) == [0]
    assert _build_id() == "build-B"
    assert len(_links(target)) == 1, _links(target)


def test_two_holds_on_one_version_keep_it_until_the_last_goes(versions):
    target, swap_in = versions
    a = _build_id()
    first = data._registry.acquire()
    second = data._registry.acquire()
    assert first.version is second.version
    swap_in("build-B")
    assert _read_b_and_release() == "build-B"
    first.release()
    first.release()                              # a repeated release must not take the other hold away
    assert _read_b_and_release() == "build-B"
    assert not second.version.closed
    cursor = second.cursor()
    try:
        assert _build_id(cursor) == a
    finally:
        cursor.close()
    second.release()
    assert second.version.closed
    assert list(data._registry.open_versions().values()) == [0] and len(_links(target)) == 1


def test_a_cursor_from_connection_holds_its_version_until_it_is_closed(versions):
    target, swap_in = versions
    a = _build_id()
    cursor = data.connection()                   # outside a run: the cursor carries its own lease
    swap_in("build-B")
    assert _read_b_and_release() == "build-B"
    assert _build_id(cursor) == a
    cursor.close()
    assert list(data._registry.open_versions().values()) == [0] and len(_links(target)) == 1


def test_the_console_instance_of_a_held_version_stays_open_and_goes_with_it(versions):
    target, swap_in = versions
    a = _build_id()
    with data.pinned() as held:
        console = data.console_connection()
        swap_in("build-B")
        assert _in_another_thread(_read_b_and_release) == "build-B"
        assert _build_id(console) == a
        console.close()
        console_link = held.version._console_link
        assert console_link is not None and console_link.exists()
    assert not console_link.exists()             # both of A's links removed once nobody holds A
    assert len(_links(target)) == 1, _links(target)


def test_old_versions_are_released_after_their_last_lease_over_many_swaps(versions):
    """Nothing accumulates: after each swap and the release of the lease on the previous version, exactly one
    version is open and one link is on disk, and every version that was let go is closed."""
    target, swap_in = versions
    released, connections = [], []
    lease = data._registry.acquire()
    for n in range(8):
        swap_in(f"build-{n}")
        assert _read_b_and_release() == f"build-{n}"
        assert len(data._registry.open_versions()) == 2        # the held one and the new one
        connections.append(lease.version._main)
        lease.release()
        released.append(lease.version)
        assert list(data._registry.open_versions().values()) == [0]
        assert len(_links(target)) == 1, _links(target)
        lease = data._registry.acquire()
    lease.release()
    assert all(version.closed and version._main is None for version in released)
    assert not any(version.path.exists() for version in released)
    for con in connections:
        with pytest.raises(duckdb.ConnectionException):
            con.execute("SELECT 1")


class _Marker:
    """Stands in for the object Streamlit makes anew for each script run (ScriptRunContext.parallel_coordinator)."""


def test_a_script_runs_lease_lasts_the_whole_run_and_goes_when_the_next_run_starts(versions):
    """The run lease of `_run_lease` on a stand-in ScriptRunContext (the attribute Streamlit attaches to the
    thread running a script): held through a swap for the whole run, released when the next run starts."""
    from streamlit.runtime.scriptrunner_utils.script_run_context_attr import SCRIPT_RUN_CONTEXT_ATTR_NAME

    target, swap_in = versions
    ctx = types.SimpleNamespace(parallel_coordinator=_Marker(), gather_usage_stats=False)
    thread = threading.current_thread()
    setattr(thread, SCRIPT_RUN_CONTEXT_ATTR_NAME, ctx)
    try:
        a = _build_id()                                            # the run takes its lease here
        run_a = ctx.__dict__[data._RUN_PIN][1]
        with data.pinned():
            assert _build_id() == a
        swap_in("build-B")
        assert _in_another_thread(_read_b_and_release) == "build-B"
        # later in the same run, after a pinned block ended and B was opened elsewhere: still A
        assert _build_id() == a and data.build_info()["build_id"] == a and not run_a.version.closed
        previous_run = ctx.parallel_coordinator      # kept alive: the release must not wait for the collector
        ctx.parallel_coordinator = _Marker()                       # the session's next run
        assert _build_id() == "build-B"
        assert run_a.released and run_a.version.closed
        assert list(data._registry.open_versions().values()) == [1]   # the new run's lease on B
    finally:
        delattr(thread, SCRIPT_RUN_CONTEXT_ATTR_NAME)
    del previous_run
    run_b = ctx.__dict__[data._RUN_PIN][1]
    del ctx                                   # the session ends: its run state is dropped, and with it the lease
    gc.collect()
    assert run_b.released
    assert list(data._registry.open_versions().values()) == [0] and len(_links(target)) == 1
