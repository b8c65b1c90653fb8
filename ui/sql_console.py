"""The SQL console's guard and limits: a single read-only SELECT as DuckDB's own parser reads it, reading only the
warehouse's tables; at most ROW_LIMIT rows and MAX_RESULT_BYTES bytes; stopped after TIME_LIMIT_SECONDS; run on the
console's own database instance with a memory limit and one thread (ui/data.py: console_connection); and the
schema listing beside it.

The guard does not look at words: the statement is parsed by DuckDB (`extract_statements` for the statement count
and type, `json_serialize_sql` for the parse tree), and the tree is walked. Every table read must be a table of the
warehouse (or information_schema, or a CTE of the query), every table function one of a few that read nothing
(range, generate_series, unnest), and no function may read the environment or settings. A string literal, escaped
or not, is only ever a value in the tree, so no spelling of a file name or keyword changes what is checked. The
connection itself is read-only with external access disabled and its configuration locked: the guard is defence
in depth, and the tests check both."""
from __future__ import annotations

import json
import threading

import duckdb
import pandas as pd
import pyarrow as pa

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


def _fetch(cursor, sql: str, limit: int, max_bytes: int) -> pa.Table:
    reader = cursor.sql(sql).to_arrow_reader(256)
    batches, size, rows = [], 0, 0
    for batch in reader:
        size += batch.nbytes
        if size > max_bytes:
            raise SqlTooLarge(str(max_bytes))
        batches.append(batch)
        rows += batch.num_rows
        if rows > limit:
            break
    if batches:
        return pa.Table.from_batches(batches)
    return reader.schema.empty_table()


def to_frame(table: pa.Table) -> pd.DataFrame:
    """DuckDB's own conversion of the result to pandas (the types as DuckDB gives them to the app everywhere); a
    column pandas cannot hold as it is (a date of -infinity, a year beyond 2262 in nanoseconds) comes back as
    DuckDB's text for it."""
    con = duckdb.connect(":memory:", config={"enable_external_access": False, "threads": 1})
    try:
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
                columns[n] = relation.df()["v"]
            except duckdb.Error:
                columns[n] = relation.project('CAST("v" AS VARCHAR) AS v').df()["v"]
        frame = pd.DataFrame({n: columns[n] for n in range(len(names))})
        frame.columns = names
        return frame
    finally:
        con.close()


def run_with_timeout(connection, sql: str, *, limit: int = ROW_LIMIT, timeout: float = TIME_LIMIT_SECONDS,
                     max_bytes: int = MAX_RESULT_BYTES) -> tuple[pd.DataFrame, bool]:
    """Check and run `sql` on its own cursor in a worker thread; interrupt it when `timeout` seconds pass.
    Returns (at most `limit` rows, whether more rows existed). Raises SqlRefused, SqlTimeout, SqlTooLarge or
    duckdb.Error (an OutOfMemoryException when the console's memory limit is reached)."""
    statement = check_sql(sql, warehouse_tables(connection))
    cursor = connection.cursor()
    outcome: dict = {}

    def work() -> None:
        try:
            outcome["table"] = _fetch(cursor, limited_sql(statement, limit), limit, max_bytes)
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
    table = outcome["table"]
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
