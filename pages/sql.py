"""SQL console (not in the public mode): one read-only query at a time against the warehouse, with a row, byte,
time and memory limit, run in a worker process the OS bounds (ui/sql_console.py), and the schema beside it."""
import duckdb
import streamlit as st

from ui import data
from ui.downloads import download_buttons, for_display
from ui.sql_console import (MAX_RESULT_BYTES, ROW_LIMIT, TIME_LIMIT_SECONDS, SqlBusy, SqlRefused, SqlTimeout,
                            SqlTooLarge, prewarm, run_with_timeout, schema)
from ui.i18n import format_number, t
from ui.page import current_lang, is_public, plain

EXAMPLE = """SELECT indicator_id, geo, period, value
FROM observations
WHERE is_preferred AND breakdown = '' AND geo = 'NO'
ORDER BY indicator_id, year"""

lang = current_lang()
if is_public():  # never registered in public mode; this guards the file itself too
    st.stop()
st.title(t("sql_title", lang))
st.write(t("sql_intro", lang, rows=format_number(ROW_LIMIT, lang), seconds=format_number(TIME_LIMIT_SECONDS, lang)))

# The console's own instance of this run's warehouse version: read-only, external access off, configuration
# locked, a memory limit and one thread (ui/data.py), so a heavy query neither starves the pages nor blocks a swap.
connection = data.console_connection()
prewarm()   # a worker process ready before the first query
console, side = st.columns([3, 2])

with side:
    st.subheader(t("sql_schema", lang))
    columns = schema(connection)
    for table, part in columns.groupby("table_name", sort=True):
        with st.expander(f"{table} ({len(part)})"):
            st.markdown("\n".join(f"- `{r.column_name}` {r.data_type}" for r in part.itertuples()))

with console:
    with st.form("sql_form"):
        sql = st.text_area(t("sql_query", lang), value=EXAMPLE, height=180, key="sql_text",
                           help=t("sql_help", lang))
        st.form_submit_button(t("sql_run", lang))
    if sql.strip():
        try:
            frame, truncated = run_with_timeout(connection, sql, limit=ROW_LIMIT, timeout=TIME_LIMIT_SECONDS)
        except SqlRefused as refused:
            st.error(t(f"sql_refused_{refused.reason}", lang, detail=plain(refused.detail, 200)))
        except SqlTimeout:
            st.error(t("sql_timeout", lang, seconds=format_number(TIME_LIMIT_SECONDS, lang)))
        except SqlBusy:
            st.error(t("sql_busy", lang))
        except SqlTooLarge:
            st.error(t("sql_too_large", lang, megabytes=format_number(MAX_RESULT_BYTES // 2**20, lang)))
        except duckdb.OutOfMemoryException:
            st.error(t("sql_out_of_memory", lang, limit=data.CONSOLE_MEMORY_LIMIT))
        except duckdb.Error as exc:
            st.error(t("sql_error", lang, detail=plain(str(exc).splitlines()[0] if str(exc) else type(exc).__name__,
                                                       300)))
        else:
            if truncated:
                st.warning(t("sql_truncated", lang, rows=format_number(ROW_LIMIT, lang)))
            else:
                st.caption(t("sql_rows", lang, rows=format_number(len(frame), lang)))
            st.dataframe(for_display(frame), hide_index=True, key="sql_result")
            download_buttons(frame, "monitor-query", lang)
connection.close()
