"""The SQL console's guard and limits: a single read-only statement, at most ROW_LIMIT rows, stopped after
TIME_LIMIT_SECONDS; and the schema listing beside it. The connection itself is read-only with external access
disabled and its configuration locked (ui/data.py); the guard is defence in depth."""
from __future__ import annotations

import re
import threading

import duckdb
import pandas as pd

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
