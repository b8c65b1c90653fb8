"""The SQL console's guard and limits: a single read-only SELECT as DuckDB's own parser reads it, reading only the
warehouse's tables; at most ROW_LIMIT rows and MAX_RESULT_BYTES bytes; run in a worker process the operating system
bounds (ui/console_worker.py: an address-space limit, a CPU limit, no file writes) with the console's database
configuration (ui/data.py: CONSOLE_CONFIG: read-only, no external access, configuration locked, a memory limit,
one thread), killed with SIGKILL when TIME_LIMIT_SECONDS pass and replaced; and the schema listing beside it.

Why a process: DuckDB's memory_limit bounds its buffer manager, not every allocation (a list function such as
`len(range(200000000))` took 2.8 GB of the server's memory under a 256 MB limit), and an interrupt does not stop
such a function (the query ran on for 10 s after a 5 s limit). A process the OS limits and a kill stop both.

The guard does not look at words: the statement is parsed by DuckDB (`extract_statements` for the statement count
and type, `json_serialize_sql` for the parse tree), and the tree is walked. Every table read must be a table of the
warehouse (or information_schema, or a CTE of the query), every table function one of a few that read nothing
(range, generate_series, unnest), and no function may read the environment or settings. A string literal, escaped
or not, is only ever a value in the tree, so no spelling of a file name or keyword changes what is checked. The
worker's connection itself is read-only with external access disabled and its configuration locked: the guard is
defence in depth, and the tests check both."""
from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.ipc

_LOG = logging.getLogger(__name__)

MAX_SQL_CHARS = 10_000
ROW_LIMIT = 1_000
MAX_RESULT_BYTES = 16 * 1024 * 1024   # of the result as Arrow buffers, checked batch by batch while it is fetched
TIME_LIMIT_SECONDS = 5.0
MAX_TREE_NODES = 200_000               # a parse tree bigger than this is refused before it is walked

ALLOWED_TABLE_FUNCTIONS = frozenset({"range", "generate_series", "unnest"})
ALLOWED_SCHEMAS = frozenset({"", "main", "information_schema"})
# Scalar functions that read the process's environment, settings or files (the last fail anyway without external
# access). Matched on the lower-cased function name.
DENIED_FUNCTIONS = frozenset({"getenv", "current_setting", "file_exists", "read_text", "read_blob"})
DENIED_FUNCTION_PREFIXES = ("read_", "parquet_", "duckdb_", "sqlite_", "postgres_", "mysql_", "iceberg_",
                            "delta_", "sniff_", "glob", "which_secret", "query")
INFORMATION_SCHEMA = frozenset({"tables", "columns", "schemata", "views", "table_constraints",
                                "key_column_usage", "referential_constraints", "character_sets"})
SHOW_NAMES = frozenset({"tables"})


class SqlRefused(ValueError):
    """The statement is not a single read-only query. `reason` is a text-key suffix, `detail` fills it in."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


class SqlTimeout(RuntimeError):
    pass


class SqlTooLarge(RuntimeError):
    """The result passed MAX_RESULT_BYTES while it was fetched."""


_PARSER = threading.local()


def _parser() -> duckdb.DuckDBPyConnection:
    """An in-memory connection that only parses (json_serialize_sql); one per thread, no data, no file access."""
    con = getattr(_PARSER, "con", None)
    if con is None:
        con = duckdb.connect(":memory:", config={"enable_external_access": False, "lock_configuration": True,
                                                 "threads": 1, "memory_limit": "64MB"})
        _PARSER.con = con
    return con


def parse_tree(sql: str) -> dict:
    """DuckDB's parse tree of one SELECT statement (raises SqlRefused when it is not one)."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise SqlRefused("syntax", str(exc).splitlines()[0][:200]) from exc
    if not statements:
        raise SqlRefused("empty")
    if len(statements) != 1:
        raise SqlRefused("several_statements")
    if statements[0].type != duckdb.StatementType.SELECT:
        raise SqlRefused("not_a_query", str(statements[0].type).split(".")[-1])
    try:
        (text,), = _parser().execute("SELECT json_serialize_sql(?)", [sql]).fetchall()
    except duckdb.Error as exc:
        raise SqlRefused("syntax", str(exc).splitlines()[0][:200]) from exc
    tree = json.loads(text)
    if tree.get("error") or len(tree.get("statements", [])) != 1:
        raise SqlRefused("not_a_query", str(tree.get("error_message", ""))[:60])
    return tree["statements"][0]


def _nodes(tree):
    """Every dict in the tree, depth first (iterative: no recursion limit to hit)."""
    stack, seen = [tree], 0
    while stack:
        item = stack.pop()
        seen += 1
        if seen > MAX_TREE_NODES:
            raise SqlRefused("too_long", str(MAX_SQL_CHARS))
        if isinstance(item, dict):
            yield item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _bare(name: str) -> str:
    return name.strip().strip('"').lower()


def check_tree(tree: dict, tables: set[str] | None) -> None:
    """Refuse a parse tree that reads anything but the warehouse's tables, or calls a function that reads the
    environment. `tables`: the warehouse's table names (None: any plain name, for checks without a warehouse)."""
    nodes = list(_nodes(tree))
    ctes = {_bare(entry["key"]) for node in nodes if isinstance(node.get("cte_map"), dict)
            for entry in node["cte_map"].get("map", []) if isinstance(entry, dict) and "key" in entry}
    allowed = None if tables is None else {name.lower() for name in tables} | ctes
    for node in nodes:
        kind = node.get("type")
        if kind == "BASE_TABLE":
            name = str(node.get("table_name", ""))
            schema_name = _bare(str(node.get("schema_name", "")))
            catalog = _bare(str(node.get("catalog_name", "")))
            if any(ch in name for ch in "/\\:.*?") or name.strip() == "":
                raise SqlRefused("file_access")
            if catalog:  # another database (system, temp, an attached file): only the warehouse's own tables
                raise SqlRefused("unknown_table", f"{catalog}.{schema_name}.{name}"[:60])
            if schema_name not in ALLOWED_SCHEMAS and _bare(name) not in ctes:
                raise SqlRefused("unknown_table", f"{schema_name}.{name}"[:60])
            if schema_name == "information_schema":
                if _bare(name) not in INFORMATION_SCHEMA:
                    raise SqlRefused("unknown_table", name[:60])
            elif allowed is not None and _bare(name) not in allowed:
                raise SqlRefused("unknown_table", name[:60])
        elif kind == "TABLE_FUNCTION":
            function = node.get("function") or {}
            name = _bare(str(function.get("function_name", "")))
            if name not in ALLOWED_TABLE_FUNCTIONS or _bare(str(function.get("schema", ""))) not in ALLOWED_SCHEMAS:
                raise SqlRefused("denied_function", name.upper()[:40])
        elif kind == "SHOW_REF":
            name = _bare(str(node.get("table_name", "")))
            if name and name not in SHOW_NAMES and (allowed is None or name not in allowed):
                raise SqlRefused("unknown_table", name[:60])
        if node.get("class") == "FUNCTION" or kind == "FUNCTION":
            name = _bare(str(node.get("function_name", "")))
            if name in DENIED_FUNCTIONS or name.startswith(DENIED_FUNCTION_PREFIXES):
                raise SqlRefused("denied_function", name.upper()[:40])


def check_sql(sql: str, tables: set[str] | None = None) -> str:
    """Return the statement (without a trailing semicolon) if it is one read-only query over the warehouse's
    tables; else raise SqlRefused."""
    if not sql or not sql.strip():
        raise SqlRefused("empty")
    if len(sql) > MAX_SQL_CHARS:
        raise SqlRefused("too_long", str(MAX_SQL_CHARS))
    if "\x00" in sql:
        raise SqlRefused("syntax", "NUL")
    check_tree(parse_tree(sql), tables)
    statement = duckdb.extract_statements(sql)[0].query.strip().rstrip(";").strip()
    # The wrapped statement is parsed again: what runs is exactly one SELECT with the same tree below it.
    wrapped = parse_tree(limited_sql(statement))
    check_tree(wrapped, tables)
    return statement


def limited_sql(statement: str, limit: int = ROW_LIMIT) -> str:
    """Wrap a checked statement so at most limit + 1 rows come back (the extra row tells us it was cut)."""
    return f"SELECT * FROM (\n{statement}\n) AS console_query LIMIT {int(limit) + 1}"


def warehouse_tables(connection) -> set[str]:
    cursor = connection.cursor()
    try:
        return {name for (name,) in cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}
    finally:
        cursor.close()


# ---------------------------------------------------------------------------------------------------------------
# Where a query runs: a worker process the operating system bounds (ui/console_worker.py)
# ---------------------------------------------------------------------------------------------------------------

WORKER_FILE = Path(__file__).with_name("console_worker.py")
MAX_WORKERS = max(1, int(os.environ.get("MONITOR_CONSOLE_WORKERS", "2")))
# Address space a worker may map beyond what it maps once started (DuckDB, Arrow, the interpreter): its resident
# memory stays below about that much more than its start (about 100 MB). DuckDB's own memory_limit (ui/data.py)
# is below it, so its buffer manager reports OutOfMemory first where it can.
WORKER_HEADROOM_BYTES = int(os.environ.get("MONITOR_CONSOLE_PROCESS_MEMORY_MB", "512")) * 2**20
WORKER_RECYCLE_RSS = 256 * 2**20     # a worker that grew past this after a query is replaced
WORKER_START_SECONDS = 30.0          # a worker that is not ready by then is killed
_FRAME = struct.Struct(">Q")


class SqlBusy(RuntimeError):
    """Every console worker was busy for the whole time limit."""


class _Worker:
    """One worker process and its pipes. Used by one query at a time (the pool hands it out)."""

    def __init__(self) -> None:
        from ui.data import CONSOLE_CONFIG   # the console's database configuration, written once there
        settings = {"config": {k: v for k, v in CONSOLE_CONFIG.items()}, "headroom_bytes": WORKER_HEADROOM_BYTES}
        self.process = subprocess.Popen([sys.executable, "-I", str(WORKER_FILE), json.dumps(settings)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, close_fds=True,
                                        cwd="/", start_new_session=True)
        self.pid = self.process.pid
        self.address_space = 0
        try:
            ready = json.loads(self._read_frame(time.monotonic() + WORKER_START_SECONDS, 1 << 16))
            self.address_space = int(ready["address_space"])
        except BaseException:
            self.kill()
            raise

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL, reap, close the pipes (idempotent)."""
        if self.process.poll() is None:
            with contextlib.suppress(OSError):
                self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)
        for pipe in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                pipe.close()

    def send(self, message: dict) -> None:
        body = json.dumps(message).encode()
        self.process.stdin.write(_FRAME.pack(len(body)) + body)
        self.process.stdin.flush()

    def _read_exactly(self, n: int, deadline: float) -> bytes:
        fd = self.process.stdout.fileno()
        chunks, left = [], n
        while left:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise SqlTimeout("deadline")
            readable, _, _ = select.select([fd], [], [], remaining)
            if not readable:
                raise SqlTimeout("deadline")
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                raise EOFError("the console worker ended")
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def _read_frame(self, deadline: float, max_bytes: int) -> bytes:
        (size,) = _FRAME.unpack(self._read_exactly(_FRAME.size, deadline))
        if size > max_bytes:
            raise EOFError(f"the console worker sent {size} bytes")
        return self._read_exactly(size, deadline)

    def query(self, message: dict, deadline: float, max_bytes: int) -> tuple[dict, bytes | None]:
        self.send(message)
        header = json.loads(self._read_frame(deadline, 1 << 20))
        payload = self._read_frame(deadline, max_bytes + (4 << 20)) if header.get("ok") else None
        return header, payload


class _Pool:
    """At most MAX_WORKERS workers; idle ones wait for the next query, one is started ahead of need."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._cond = threading.Condition()
        self._idle: list[_Worker] = []
        self._busy = 0      # handed out or being started

    def take(self, deadline: float) -> _Worker:
        with self._cond:
            while True:
                while self._idle:
                    worker = self._idle.pop()
                    if worker.alive():
                        self._busy += 1
                        return worker
                    worker.kill()
                if self._busy < self.size:
                    self._busy += 1
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise SqlBusy("every console worker is busy")
                self._cond.wait(remaining)
        try:
            return _Worker()
        except BaseException:
            with self._cond:
                self._busy -= 1
                self._cond.notify()
            raise

    def give_back(self, worker: _Worker, healthy: bool) -> None:
        if not healthy:
            worker.kill()
        with self._cond:
            self._busy -= 1
            if healthy and worker.alive():
                self._idle.append(worker)
            self._cond.notify()
        if not healthy:
            self.prewarm()

    def prewarm(self) -> None:
        """Start a worker in the background when none is idle (the next query does not wait for its start)."""
        with self._cond:
            if self._idle or self._busy >= self.size:
                return
            self._busy += 1

        def start() -> None:
            worker = None
            try:
                worker = _Worker()
            except Exception:  # noqa: BLE001 - the next query starts one itself and reports the problem
                _LOG.exception("the SQL console's worker could not be started")
            with self._cond:
                self._busy -= 1
                if worker is not None:
                    self._idle.append(worker)
                self._cond.notify()

        threading.Thread(target=start, name="sql-console-start", daemon=True).start()

    def workers(self) -> list[int]:
        """The pids of the idle workers (tests)."""
        with self._cond:
            return [worker.pid for worker in self._idle]

    def shutdown(self) -> None:
        with self._cond:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.kill()


_POOL = _Pool(MAX_WORKERS)
atexit.register(_POOL.shutdown)


def prewarm() -> None:
    """Have a console worker ready (the console page calls this when it is shown)."""
    _POOL.prewarm()


def database_path(connection) -> str:
    """The file the connection reads (for the console: the hard link of the run's warehouse version)."""
    cursor = connection.cursor()
    try:
        (path,), = cursor.execute(
            "SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
    finally:
        cursor.close()
    if not path:
        raise duckdb.ConnectionException("the console reads only a warehouse file")
    return os.path.abspath(str(path))   # the worker runs in /


def _worker_error(header: dict) -> BaseException:
    name, message = str(header.get("error", "")), str(header.get("message", ""))
    if name == "SqlTooLarge":
        return SqlTooLarge(message)
    kind = getattr(duckdb, name, None)
    if isinstance(kind, type) and issubclass(kind, duckdb.Error):
        return kind(message)
    if name == "MemoryError":
        return duckdb.OutOfMemoryException(message or "out of memory")
    return duckdb.Error(f"{name}: {message}" if message else name)


_CONVERTER = threading.Lock()
_CONVERTER_CON: list = []


def _beyond_pandas(con, column: pa.ChunkedArray) -> bool:
    """A date or timestamp column holding ±infinity or a year outside 1-9999: pandas would hold a wrong instant
    (DuckDB's infinity is the largest int64, which pandas reads as the year 294247) or one Python cannot format."""
    if not (pa.types.is_timestamp(column.type) or pa.types.is_date(column.type)):
        return False
    relation = con.from_arrow(pa.Table.from_arrays([column], names=["v"]))
    (beyond,), = relation.aggregate('bool_or(NOT isfinite("v") OR year("v") NOT BETWEEN 1 AND 9999)').fetchall()
    return bool(beyond)


def to_frame(table: pa.Table) -> pd.DataFrame:
    """DuckDB's own conversion of the result to pandas (the types as DuckDB gives them to the app everywhere); a
    column pandas cannot hold as it is (a date or timestamp of ±infinity or beyond the year 9999, a year beyond
    2262 in nanoseconds) comes back as DuckDB's text for it ('infinity', '-infinity', '20000-01-01'). One in-memory
    connection does every conversion (opening one costs more than most queries)."""
    with _CONVERTER:
        if not _CONVERTER_CON:
            _CONVERTER_CON.append(duckdb.connect(":memory:", config={"enable_external_access": False,
                                                                     "threads": 1}))
        con = _CONVERTER_CON[0]
        as_text = {n for n, column in enumerate(table.columns) if _beyond_pandas(con, column)}
        if not as_text:
            try:
                return con.from_arrow(table).df()
            except duckdb.Error:
                pass
        names = list(table.column_names)
        columns = {}
        for n, name in enumerate(names):
            one = pa.Table.from_arrays([table.column(n)], names=["v"])
            relation = con.from_arrow(one)
            try:
                if n in as_text:
                    raise duckdb.ConversionException("held as text")
                columns[n] = relation.df()["v"]
            except duckdb.Error:
                columns[n] = relation.project('CAST("v" AS VARCHAR) AS v').df()["v"]
        frame = pd.DataFrame({n: columns[n] for n in range(len(names))})
        frame.columns = names
        return frame


def run_with_timeout(connection, sql: str, *, limit: int = ROW_LIMIT, timeout: float = TIME_LIMIT_SECONDS,
                     max_bytes: int = MAX_RESULT_BYTES) -> tuple[pd.DataFrame, bool]:
    """Check `sql` against the connection's warehouse and run it in a console worker process on the same file;
    kill the worker (SIGKILL) when `timeout` seconds pass. Returns (at most `limit` rows, whether more rows
    existed). Raises SqlRefused, SqlTimeout, SqlTooLarge, SqlBusy or duckdb.Error (an OutOfMemoryException when
    the console's memory limit or the worker's address space is reached)."""
    statement = check_sql(sql, warehouse_tables(connection))
    message = {"path": database_path(connection), "sql": limited_sql(statement, limit), "limit": int(limit),
               "max_bytes": int(max_bytes), "cpu_seconds": float(timeout) + 1.0}
    worker = _POOL.take(time.monotonic() + timeout)
    healthy = False
    try:
        header, payload = worker.query(message, time.monotonic() + timeout, max_bytes)
        healthy = (not (header.get("error") in ("OutOfMemoryException", "MemoryError"))
                   and int(header.get("rss", 0)) < WORKER_RECYCLE_RSS)
    except SqlTimeout:
        raise SqlTimeout(f"query stopped after {timeout:g} s") from None
    except (EOFError, OSError, ValueError) as exc:   # the worker died (a signal, a limit) or sent garbage
        code = worker.process.poll()
        if code == -signal.SIGXCPU:
            raise SqlTimeout(f"query stopped after {timeout:g} s (CPU limit)") from None
        raise duckdb.Error(f"the query's process ended ({exc}; exit {code})") from None
    finally:
        _POOL.give_back(worker, healthy)
    if not header.get("ok"):
        raise _worker_error(header)
    table = pa.ipc.open_stream(payload).read_all()
    truncated = table.num_rows > limit
    return to_frame(table.slice(0, limit)), truncated


def schema(connection) -> pd.DataFrame:
    """Tables and columns of the warehouse (main schema)."""
    cursor = connection.cursor()
    try:
        return cursor.execute("""
            SELECT table_name, column_name, data_type FROM information_schema.columns
            WHERE table_schema = 'main' ORDER BY table_name, ordinal_position""").df()
    finally:
        cursor.close()
