"""Public-mode security and robustness: what a visitor, a bad file or a hostile query can do.

- DuckDB: file and network reads (read_csv, read_parquet, glob, http), ATTACH, COPY, INSTALL/LOAD, SET, PRAGMA and
  escaped string literals fail on the app's connection and on the console's own instance, and the console's guard
  (DuckDB's parser) refuses them first; the console has a memory limit, a row and a byte limit.
- The SQL console is not reachable in public mode, by page or by URL.
- URL text is shown as plain text: a crafted link, image or heading in a parameter is escaped in the warning's
  markdown; many bad values give one message; a huge parameter gives a small one.
- The explorer indexed to a base year a series lacks renders; a corrupt warehouse gives the friendly message.
- The console's results and downloads work for every DuckDB type.
- One session rerunning without pause gets "too many requests" and costs the server little (a websocket flood
  against the running app, server CPU measured from /proc).
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import io
import os
import re
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from etl.build import build_warehouse
from tests.conftest import ROOT
from ui import data
from ui.page import _BUCKET, take_token
from ui.sql_console import SqlRefused, SqlTooLarge, check_sql, run_with_timeout

APP = str(ROOT / "app.py")
ATTACKS = [
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_csv_auto('/etc/passwd')",
    "SELECT * FROM read_parquet('/tmp/x.parquet')",
    "SELECT * FROM read_text('/etc/passwd')",
    "SELECT * FROM glob('/*')",
    "SELECT * FROM '/etc/passwd'",
    "SELECT * FROM 'https://example.org/data.csv'",
    "SELECT * FROM read_csv('http://127.0.0.1:1/x.csv')",
    "SELECT * FROM read_csv(E'\\x2fetc\\x2fpasswd')",
    "SELECT * FROM read_csv(e'/etc/pa\\x73swd')",
    "SELECT * FROM read_csv(U&'/etc/pa\\0073swd')",
    "SELECT * FROM read_csv('/etc/' || 'passwd')",
    "ATTACH '/tmp/other.duckdb' AS other",
    "COPY observations TO '/tmp/out.csv'",
    "COPY (SELECT 1) TO '/tmp/out.csv'",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SET enable_external_access = true",
    "SET memory_limit = '100GB'",
    "RESET lock_configuration",
    "PRAGMA database_list",
    "CALL pragma_version()",
    "EXPORT DATABASE '/tmp/x'",
    "CREATE TABLE x AS SELECT 1",
    "SELECT 1; SELECT 2",
    "SELECT getenv('HOME')",
    "SELECT current_setting('memory_limit')",
    "SELECT * FROM duckdb_settings()",
    "SELECT * FROM query('SELECT 1')",
    "SELECT * FROM system.main.duckdb_databases()",
]


def _run_coroutine(coroutine):
    """asyncio.run in a thread of its own: the browser tests' Playwright may hold a running loop in this one."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@pytest.fixture
def warehouse(tmp_path, monkeypatch, small_catalog, small_snapshot):
    target = tmp_path / "w.duckdb"
    build_warehouse(target, catalog_path=small_catalog, curated_dir=small_snapshot,
                    live_dir=small_snapshot.parent / "live")
    monkeypatch.setenv("MONITOR_WAREHOUSE", str(target))
    data._registry.reset()
    yield target
    data._registry.reset()


@pytest.mark.parametrize("sql", ATTACKS)
def test_the_console_guard_refuses_and_both_connections_fail(warehouse, sql):
    with pytest.raises(SqlRefused):
        check_sql(sql, {"observations", "goals"})
    with data.pinned():
        for con in (data.connection(), data.console_connection()):
            try:
                with pytest.raises(SqlRefused):
                    run_with_timeout(con, sql)
                if sql.startswith(("SELECT getenv", "SELECT current_setting", "SELECT * FROM duckdb_settings",
                                   "SELECT * FROM query", "SELECT 1; SELECT 2", "SELECT * FROM system",
                                   "PRAGMA database_list", "CALL pragma_version")):
                    continue  # harmless reads the guard refuses anyway; the connection itself may answer them
                with pytest.raises(duckdb.Error):  # defence in depth: the connection refuses on its own
                    con.execute(sql).fetchall()
            finally:
                con.close()
    assert not Path("/tmp/out.csv").exists() or Path("/tmp/out.csv").stat().st_mtime < time.time() - 60


def test_the_console_has_its_own_limits(warehouse):
    with data.pinned():
        con = data.console_connection()
        try:
            (memory, threads), = con.execute(
                "SELECT current_setting('memory_limit'), current_setting('threads')").fetchall()
            assert threads == 1 and ("MiB" in memory or "MB" in memory)
            with pytest.raises(duckdb.OutOfMemoryException):   # the 3.6 GB query of the report, stopped
                run_with_timeout(con, "SELECT count(DISTINCT r) FROM (SELECT list(range) AS r FROM "
                                      "range(60000000) GROUP BY range % 1000)", timeout=30)
            with pytest.raises(SqlTooLarge):                   # a result too large to send
                run_with_timeout(con, "SELECT repeat('x', 100000) FROM range(500)")
            frame, truncated = run_with_timeout(con, "SELECT * FROM range(5000)")
            assert len(frame) == 1000 and truncated
        finally:
            con.close()
    # the app's own connection has no such limit: the pages are not slowed by the console's settings
    with data.pinned():
        app = data.connection()
        try:
            (threads,), = app.execute("SELECT current_setting('threads')").fetchall()
        finally:
            app.close()
    assert threads >= 1


# The audit's queries: list functions allocate outside DuckDB's buffer manager, so its memory_limit does not bound
# them, and an interrupt does not stop them (in the server's process they took 1.7-2.8 GB and ran 10 s after a 5 s
# limit). Each must now fail in the console's worker, inside its address space, with the server untouched.
UNBOUNDED_BY_DUCKDB = ["SELECT len(range(200000000)) AS n", "SELECT range(100000000) AS l",
                       "SELECT string_split(repeat('a,', 50000000), ',') AS s"]


class _RssPeaks:
    """The peak resident memory of this process and of its child processes, sampled every 20 ms."""

    def __init__(self) -> None:
        import threading
        self.server = self.workers = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    @staticmethod
    def _rss(pid) -> int:
        try:
            with open(f"/proc/{pid}/status", encoding="ascii") as status:
                return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmRSS:"))
        except (OSError, StopIteration):
            return 0

    def _sample(self) -> None:
        me = os.getpid()
        while not self._stop.is_set():
            self.server = max(self.server, self._rss(me))
            children = set()
            for path in Path(f"/proc/{me}/task").glob("*/children"):
                with contextlib.suppress(OSError):
                    children |= set(path.read_text().split())
            for pid in children:
                self.workers = max(self.workers, self._rss(pid))
            time.sleep(0.02)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def _limits(pid: int) -> dict[str, str]:
    with open(f"/proc/{pid}/limits", encoding="ascii") as limits:
        return {line[:26].strip(): line[26:47].strip() for line in list(limits)[1:]}


def _ready_worker() -> int:
    from ui import sql_console
    sql_console.prewarm()
    deadline = time.monotonic() + 60
    # Wait for every start in flight too (a replaced worker's prewarm): the next query takes the last idle worker.
    while not sql_console._POOL.workers() or sql_console._POOL._busy:
        assert time.monotonic() < deadline, "no console worker started"
        time.sleep(0.05)
    return sql_console._POOL.workers()[-1]


def test_console_queries_run_in_a_worker_process_the_os_bounds(warehouse):
    from ui.sql_console import WORKER_HEADROOM_BYTES, SqlTimeout

    pid = _ready_worker()
    limits = _limits(pid)
    assert limits["Max address space"] != "unlimited" and limits["Max file size"] == "0"
    assert _limits(os.getpid())["Max address space"] == "unlimited"       # the server itself is not limited
    with data.pinned():
        con = data.console_connection()
        try:
            run_with_timeout(con, "SELECT 1")
            start_rss = _RssPeaks._rss(os.getpid())
            with _RssPeaks() as peaks:
                for sql in UNBOUNDED_BY_DUCKDB:
                    started = time.perf_counter()
                    with pytest.raises(duckdb.OutOfMemoryException):
                        run_with_timeout(con, sql, timeout=60)
                    assert time.perf_counter() - started < 30, sql
            assert peaks.server - start_rss < 100 * 2**20, (peaks.server, start_rss)   # the server: untouched
            assert 0 < peaks.workers < 200 * 2**20 + WORKER_HEADROOM_BYTES, peaks.workers
            # The time limit: the worker is killed at it (not interrupted), and the next query gets a new one.
            pid = _ready_worker()
            started = time.perf_counter()
            with pytest.raises(SqlTimeout):
                run_with_timeout(con, "SELECT count(*) FROM range(100000000) a, range(100000) b", timeout=1.5)
            elapsed = time.perf_counter() - started
            assert elapsed < 3.0, elapsed
            assert not Path(f"/proc/{pid}").exists()                              # killed and reaped
            assert run_with_timeout(con, "SELECT 42 AS answer")[0]["answer"].tolist() == [42]
        finally:
            con.close()


def test_a_query_waits_for_a_busy_console_and_is_told_when_none_frees(warehouse, monkeypatch):
    import threading

    from ui import sql_console

    pool = sql_console._Pool(1)
    monkeypatch.setattr(sql_console, "_POOL", pool)
    outcome = {}

    def long_query() -> None:
        with data.pinned():
            con = data.console_connection()
            try:
                run_with_timeout(con, "SELECT count(*) FROM range(100000000) a, range(100000) b", timeout=6)
            except sql_console.SqlTimeout as exc:
                outcome["timeout"] = exc
            finally:
                con.close()

    try:
        pool.prewarm()
        while not pool.workers():
            time.sleep(0.05)
        worker = threading.Thread(target=long_query)
        worker.start()
        deadline = time.monotonic() + 30
        while pool.workers():          # until the long query has taken the one worker
            assert time.monotonic() < deadline
            time.sleep(0.02)
        with data.pinned():
            con = data.console_connection()
            try:
                with pytest.raises(sql_console.SqlBusy):
                    run_with_timeout(con, "SELECT 1", timeout=1)
            finally:
                con.close()
        worker.join(30)
        assert "timeout" in outcome
    finally:
        pool.shutdown()


def _public(monkeypatch, warehouse: Path) -> None:
    monkeypatch.setenv("MONITOR_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("MONITOR_MODE", "public")


def test_no_url_reaches_the_console_in_public_mode(app_warehouse, monkeypatch):
    _public(monkeypatch, app_warehouse)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["sql_text"] = "SELECT 1"
    at.run()
    with pytest.raises(Exception):  # the page is not registered: there is nothing to switch to
        at.switch_page("pages/sql.py").run()
    assert not at.exception or all("sql" in e.value.lower() or "page" in e.value.lower() for e in at.exception)
    assert not at.text_area
    # run the page file on its own (as a stale pages/ mode would): it stops before showing anything
    page = AppTest.from_file(str(ROOT / "pages" / "sql.py"), default_timeout=60)
    page.run()
    assert not page.text_area and not page.title and not page.exception


CRAFTED = {
    "link": "[Log in here](https://evil.example/login)",
    "image": "![x](https://evil.example/pixel.png)",
    "heading": "# Official notice from Digdir",
    "html": "<img src=https://evil.example/i.png onerror=alert(1)>",
    "autolink": "https://evil.example/a",
}
NO_MARKUP = re.compile(r"(?<!\\)(\]\(|!\[|<img|<a |https?:)")


@pytest.mark.parametrize("what", list(CRAFTED))
@pytest.mark.parametrize("param", ["indicators", "geo", "from", "colour", "lang"])
def test_crafted_parameters_are_shown_as_text(app_warehouse, monkeypatch, what, param):
    from ui.page import plain

    _public(monkeypatch, app_warehouse)
    at = AppTest.from_file(APP, default_timeout=60)
    if param == "colour":   # an unknown parameter: its name is what the message echoes
        at.query_params[CRAFTED[what]] = "1"
    else:
        at.query_params[param] = CRAFTED[what]
    at.switch_page("pages/explorer.py").run()
    assert not at.exception
    shown = "\n".join(w.value for w in at.warning)
    assert plain(CRAFTED[what]) in shown, shown          # the escaped text is in the warning's markdown
    assert not NO_MARKUP.search(shown), shown            # and no link, image, tag or bare URL
    assert "\n#" not in shown and not shown.startswith("#")


@pytest.mark.parametrize("page, param", [("pages/goal.py", "goal"), ("pages/indicator.py", "indicator"),
                                         ("pages/report.py", "goal"), ("pages/compare.py", "indicator")])
def test_crafted_choices_on_the_other_pages_are_shown_as_text(app_warehouse, monkeypatch, page, param):
    from ui.page import plain

    _public(monkeypatch, app_warehouse)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params[param] = CRAFTED["image"] + CRAFTED["link"]
    at.switch_page(page).run()
    assert not at.exception
    shown = "\n".join(w.value for w in at.warning)
    assert plain(CRAFTED["image"] + CRAFTED["link"]) in shown and not NO_MARKUP.search(shown), shown


def test_many_bad_values_give_one_short_message_and_a_huge_parameter_a_small_one(app_warehouse, monkeypatch):
    _public(monkeypatch, app_warehouse)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["indicators"] = ",".join(f"bad{n}" for n in range(1000))
    at.query_params["x" * 500_000] = "y"
    at.run()
    at.switch_page("pages/explorer.py").run()
    assert not at.exception
    assert len(at.warning) == 1, [w.value[:80] for w in at.warning]
    assert len(at.warning[0].value) < 2_000 and "more" in at.warning[0].value or "til" in at.warning[0].value


def test_explorer_index_to_a_year_a_series_lacks_renders(app_warehouse, monkeypatch):
    _public(monkeypatch, app_warehouse)
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in {"indicators": "egdi_value", "geo": "NO", "index": "2013", "lang": "en"}.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/explorer.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "no value in the base year 2013" in "\n".join(w.value for w in at.warning)


@pytest.mark.parametrize("content", [b"not a database at all" * 50, b"", b"DUCK" * 4096])
def test_a_corrupt_warehouse_gives_the_friendly_message(tmp_path, monkeypatch, content):
    from ui.i18n import t

    bad = tmp_path / "warehouse.duckdb"
    bad.write_bytes(content)
    monkeypatch.setenv("MONITOR_WAREHOUSE", str(bad))
    monkeypatch.setenv("MONITOR_MODE", "public")
    data._registry.reset()
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.error and t("corrupt_warehouse", "nb", path="").split("(")[0] in at.error[0].value
    data._registry.reset()


TYPES_SQL = ("SELECT now() AS n, TIMESTAMPTZ '2020-01-01 00:00+05' AS tz, INTERVAL '14 months 3 days' AS iv, "
             "[1, 2] AS l, {'a': 1, 'b': [1]} AS s, MAP {'k': 1} AS m, 'a\x01b'::BLOB AS b, 'x' || chr(7) || 'y' AS c, "
             "uuid() AS u, 1.5::DECIMAL(10,2) AS d, 170141183460469231731687303715884105727::HUGEINT AS h, "
             "TIME '12:00' AS t, '12:00:00+02'::TIMETZ AS ttz, DATE '-infinity' AS di, 'infinity'::TIMESTAMP AS ti, "
             "'nan'::DOUBLE AS nn, '101'::BIT AS bi, union_value(k := 1) AS un, NULL AS nul, 1 AS dup, 2 AS dup, "
             "TIMESTAMPTZ 'infinity' AS tzi, TIMESTAMPTZ '-infinity' AS tzn, DATE 'infinity' AS dpi, "
             "'-infinity'::TIMESTAMP AS tn, 'infinity'::TIMESTAMP_S AS tsi, '-infinity'::TIMESTAMP_MS AS tmn, "
             "'infinity'::TIMESTAMP_NS AS tni, TIMESTAMP '1000-01-01' AS old, TIMESTAMP '20000-01-01' AS far, "
             "'=HYPERLINK(\"https://evil.example\",\"Click\")' AS hl, '=1+1' AS \"=1+1\"")
INFINITE_KINDS = ["TIMESTAMP", "TIMESTAMPTZ", "DATE", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS"]


def test_console_results_and_downloads_work_for_every_duckdb_type(app_warehouse, monkeypatch):
    from ui.downloads import to_csv, to_parquet, to_xlsx

    monkeypatch.setenv("MONITOR_WAREHOUSE", str(app_warehouse))
    monkeypatch.delenv("MONITOR_MODE", raising=False)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/sql.py").run()
    for sql in ("SELECT now()", TYPES_SQL, "SELECT * FROM observations LIMIT 0"):
        at.text_area(key="sql_text").set_value(sql)
        at.button[0].click().run()
        assert not at.exception, (sql, [e.value for e in at.exception])
        assert not at.error, (sql, [e.value for e in at.error])
        assert len([b for b in at.download_button if b.proto.url]) == 3, sql
    with data.pinned():
        con = data.console_connection()
        try:
            frame, _ = run_with_timeout(con, TYPES_SQL)
        finally:
            con.close()
    csv = pd.read_csv(io.BytesIO(to_csv(frame)), dtype=str, keep_default_na=False)
    assert csv.shape == frame.shape
    assert pd.read_excel(io.BytesIO(to_xlsx(frame))).shape == frame.shape
    back = pd.read_parquet(io.BytesIO(to_parquet(frame)))
    assert back.shape == frame.shape and str(back["tz"].dtype).startswith("datetime64")
    # infinite and far dates as DuckDB writes them, never a made-up instant (DuckDB's infinity read as year 294247)
    expected = {"tzi": "infinity", "tzn": "-infinity", "dpi": "infinity", "tn": "-infinity", "tsi": "infinity",
                "tmn": "-infinity", "tni": "infinity", "di": "-infinity", "ti": "infinity", "far": "20000-01-01 00:00:00"}
    cells = _xlsx_cells(to_xlsx(frame))
    for column, value in expected.items():
        assert csv[column].tolist() == [value] and back[column].tolist() == [value], column
        assert cells[column] == (value, "s"), column
    assert cells["old"] == ("1000-01-01T00:00:00", "s")           # before Excel's first date: as text, not a serial
    # text is never a formula in Excel; CSV keeps it exactly (the download note says so)
    assert cells["hl"] == ('=HYPERLINK("https://evil.example","Click")', "s") and cells["=1+1"] == ("=1+1", "s")
    assert csv["hl"].tolist() == ['=HYPERLINK("https://evil.example","Click")'] and "=1+1" in csv.columns


def _xlsx_cells(payload: bytes) -> dict[str, tuple]:
    """The first data row of a workbook's first sheet: {header: (value, openpyxl data type)}; no cell is a formula."""
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(payload)).active
    rows = list(sheet.iter_rows())
    assert not [c.coordinate for row in rows for c in row if c.data_type == "f"], "formula cells"
    return {str(h.value): (c.value, c.data_type) for h, c in zip(rows[0], rows[1])}


@pytest.mark.parametrize("kind", INFINITE_KINDS)
@pytest.mark.parametrize("value", ["infinity", "-infinity"])
def test_downloads_of_infinite_dates_and_timestamps_of_every_kind(warehouse, kind, value):
    from ui.downloads import file_payloads

    with data.pinned():
        con = data.console_connection()
        try:
            frame, _ = run_with_timeout(con, f"SELECT '{value}'::{kind} AS t UNION ALL SELECT NULL")
        finally:
            con.close()
    payloads = file_payloads(frame, "q")
    assert all(payloads.values()), [f for f, p in payloads.items() if p is None]
    assert payloads["csv"].decode().splitlines()[:2] == ["t", value]
    assert _xlsx_cells(payloads["xlsx"])["t"] == (value, "s")
    assert pd.read_parquet(io.BytesIO(payloads["parquet"]))["t"].tolist()[0] == value


def test_the_explorers_excel_file_holds_data_text_as_text(tmp_path, monkeypatch, small_catalog):
    from tests.conftest import SNAPSHOT_HEADER
    from ui.explorer_render import explorer_result

    folder = tmp_path / "snapshot"
    folder.mkdir()
    (folder / "a.csv").write_text(SNAPSHOT_HEADER + 'share_online,NO,,2023,88.5,pct,"=HYPERLINK(""https://evil.'
                                  'example"",""Click"")",=1+1,https://example.org/s1,2024,,@SUM(A1)\n', encoding="utf-8")
    target = tmp_path / "w.duckdb"
    build_warehouse(target, catalog_path=small_catalog, curated_dir=folder, live_dir=tmp_path / "live")
    monkeypatch.setenv("MONITOR_WAREHOUSE", str(target))
    data._registry.reset()
    try:
        with data.pinned():
            result = explorer_result(("share_online",), ("NO",), None, None, None, (), "en")
    finally:
        data._registry.reset()
    source = '=HYPERLINK("https://evil.example","Click") – =1+1'   # source_org – source_dataset
    assert _xlsx_cells(result["downloads"]["xlsx"])["source"] == (source, "s")
    assert pd.read_csv(io.BytesIO(result["downloads"]["csv"]))["source"].tolist() == [source]   # CSV: exact


# --------------------------------------------------------------------------------------------------------------
# One client cannot starve everyone
# --------------------------------------------------------------------------------------------------------------

def test_the_token_bucket():
    bucket, allowed = take_token(None, 0.0, burst=3, per_second=1)
    results = [allowed]
    for _ in range(5):
        bucket, allowed = take_token(bucket, 0.0, burst=3, per_second=1)
        results.append(allowed)
    assert results == [True, True, True, False, False, False]
    bucket, allowed = take_token(bucket, 2.0, burst=3, per_second=1)   # two seconds later: two more runs
    assert allowed and take_token(bucket, 2.0, burst=3, per_second=1)[1]
    assert not take_token(take_token(bucket, 2.0, burst=3, per_second=1)[0], 2.0, burst=3, per_second=1)[1]


def test_a_session_rerunning_without_pause_gets_a_friendly_message(app_warehouse, monkeypatch):
    from ui.i18n import t

    _public(monkeypatch, app_warehouse)
    at = AppTest.from_file(APP, default_timeout=60)
    for _ in range(3):
        at.run()
        assert not at.exception and at.title
    at.session_state[_BUCKET] = {"tokens": 0.0, "at": time.monotonic(), "refused": 0}  # a session that used it up
    at.run()
    assert not at.exception
    assert [w.value for w in at.warning] == [t("too_many_requests", "nb")]
    assert not at.title  # the page itself was not run
    at.session_state[_BUCKET] = {"tokens": 5, "at": time.monotonic(), "refused": 0}
    at.run()
    assert at.title and not any(w.value == t("too_many_requests", "nb") for w in at.warning)


def test_a_refused_run_skips_streamlits_forced_full_collection_and_other_runs_keep_it(app_warehouse, monkeypatch):
    """Streamlit's script runner calls gc.collect(2) after every run; for a refused run that collection was nine
    tenths of its cost. The refusal installs ui.page's collector in its place, which skips only a refused run."""
    import gc
    import inspect
    import threading
    import types

    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.runtime.scriptrunner_utils.script_run_context_attr import SCRIPT_RUN_CONTEXT_ATTR_NAME

    from ui import page

    assert "gc.collect(2)" in inspect.getsource(script_runner.ScriptRunner._on_script_finished)  # what is skipped
    _public(monkeypatch, app_warehouse)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.session_state[_BUCKET] = {"tokens": 0.0, "at": time.monotonic(), "refused": 0}
    at.run()
    assert not at.title
    assert isinstance(script_runner.gc, page._PostRunCollector)   # installed by the refusal

    calls = []
    real = gc.collect
    monkeypatch.setattr(gc, "collect", lambda *args: calls.append(args) or real(*args))
    run = type("Run", (), {})()
    ctx = types.SimpleNamespace(parallel_coordinator=run)
    thread = threading.current_thread()
    setattr(thread, SCRIPT_RUN_CONTEXT_ATTR_NAME, ctx)
    try:
        script_runner.gc.collect(2)              # an ordinary run: collected
        assert calls == [(2,)]
        ctx.__dict__[page._REFUSED_RUN] = run    # what throttle() marks on a refused run
        assert script_runner.gc.collect(2) == 0 and calls == [(2,)]
        ctx.parallel_coordinator = type("Run", (), {})()   # the session's next run: collected again
        script_runner.gc.collect(2)
        assert calls == [(2,), (2,)]
    finally:
        delattr(thread, SCRIPT_RUN_CONTEXT_ATTR_NAME)
    script_runner.gc.collect(2)                  # outside any run: collected
    assert calls == [(2,), (2,), (2,)]
    assert script_runner.gc.get_threshold() == gc.get_threshold()   # the rest is the real module


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _flood(url: str, n: int) -> tuple[int, int]:
    """n rerun requests on one websocket, each sent when the previous run finished (or after 0.3 s)."""
    import websockets
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    from bench.stclient import first_backmsg, http_get

    from ui.i18n import t

    await http_get(url)
    host = url.split("/")[2]
    finished = throttled = 0
    refusal = t("too_many_requests", "nb")
    async with websockets.connect(f"ws://{host}/_stcore/stream", subprotocols=["streamlit"],
                                  additional_headers={"Origin": f"http://{host}"}, max_size=None,
                                  ping_interval=None) as ws:
        for _ in range(n + 1):
            await ws.send(first_backmsg(url))
            deadline = time.monotonic() + 0.3
            while time.monotonic() < deadline:
                try:
                    raw = await asyncio.wait_for(ws.recv(), deadline - time.monotonic())
                except asyncio.TimeoutError:
                    break
                msg = ForwardMsg()
                msg.ParseFromString(raw)
                if (msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element"
                        and msg.delta.new_element.WhichOneof("type") == "alert"
                        and msg.delta.new_element.alert.body == refusal):
                    throttled += 1
                if msg.WhichOneof("type") == "script_finished":
                    finished += 1
                    break
    return finished, throttled


def flood_cost(warehouse: Path, *, limited: bool, n: int = 200) -> dict:
    """Server CPU seconds for n reruns of the explorer on one websocket, the health check's worst latency and
    another visitor's overview time during the flood."""
    import urllib.request

    from tests.browser.conftest import _serve
    from tests.test_swaps import app_view

    if not limited:
        os.environ["MONITOR_RATE_BURST"] = "1000000"
    try:
        process, url = _serve(warehouse, public=True)
    finally:
        os.environ.pop("MONITOR_RATE_BURST", None)
    try:
        _run_coroutine(app_view(f"{url}/overview"))  # warm caches
        health: list[float] = []
        other: dict = {}

        async def probe(stop: asyncio.Event) -> None:
            await asyncio.sleep(1.0)
            started = time.perf_counter()
            view = await app_view(f"{url}/overview", timeout=120)
            other.update(seconds=time.perf_counter() - started, errors=view["errors"])
            while not stop.is_set():
                started = time.perf_counter()
                await asyncio.to_thread(lambda: urllib.request.urlopen(f"{url}/_stcore/health", timeout=60).read())
                health.append(time.perf_counter() - started)
                await asyncio.sleep(0.5)

        async def main() -> tuple[int, int]:
            stop = asyncio.Event()
            task = asyncio.create_task(probe(stop))
            counts = await _flood(f"{url}/explorer", n)
            await asyncio.sleep(0.5)
            stop.set()
            await task
            return counts

        before = _cpu_seconds(process.pid)
        started = time.perf_counter()
        finished, throttled = _run_coroutine(main())
        return {"cpu": _cpu_seconds(process.pid) - before, "wall": time.perf_counter() - started,
                "runs_finished": finished, "runs_refused": throttled, "health_max": max(health or [0.0]), **{f"other_{k}": v
                                                                                for k, v in other.items()}}
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.exclusive   # CPU, latency and read-count bounds: nothing else runs meanwhile
def test_a_rerun_flood_costs_the_server_little_and_others_are_served(app_warehouse):
    after = flood_cost(app_warehouse, limited=True)
    print(f"\nrerun flood (200 reruns, limited): {after}")
    assert not after["other_errors"]
    # most reruns stopped at the limit; without it the same flood cost about 58 s of server CPU here (see report)
    assert after["runs_refused"] >= 50, after
    assert after["cpu"] < 50, after
    assert after["health_max"] < 2 and after["other_seconds"] < 8, after
    if os.environ.get("MONITOR_FLOOD_BEFORE") == "1":  # the figure without the limit, for the record
        before = flood_cost(app_warehouse, limited=False)
        print(f"rerun flood (200 reruns, unlimited): {before}")
        assert before["cpu"] > 2 * after["cpu"]
