"""Downloads of exactly what a view shows: CSV, Excel and Parquet, for every type a DuckDB result can hold.

A frame from the SQL console can hold anything DuckDB returns: timestamps with time zones, intervals, lists,
structs, maps, blobs, UUIDs, decimals, huge integers, text with control characters. Each format gets a frame it can
write (`for_csv`, `for_xlsx`, `for_parquet`): a value a format cannot hold is written as text (JSON for lists,
structs and maps, hex for blobs, ISO 8601 for intervals), so a download never fails because of a value.

Text is data, never a formula. In the Excel file every text cell is stored as text (a value such as
`=HYPERLINK("https://…","Click")` from a data file or a query is shown as those characters and never evaluated).
The CSV file keeps every value exactly as it is, a leading `=`, `+`, `-` or `@` included: CSV is the data, read by
programs as much as by people, and OWASP's advice (prefixing such values with a quote) would change the figures and
texts the monitor publishes; the download note says so and points spreadsheet users to the Excel file."""
from __future__ import annotations

import datetime as _dt
import io
import json
import logging
import math
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import streamlit as st

from ui.i18n import t

_LOG = logging.getLogger(__name__)
XLSX_MAX_CELL = 32_767
EXCEL_FIRST_DATE, EXCEL_LAST_DATE = pd.Timestamp("1900-03-01"), pd.Timestamp("9999-12-31 23:59:59.999999")
# What openpyxl refuses in a cell (XML 1.0 forbids these characters).
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _json_default(value):
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (pd.Timedelta, _dt.timedelta)):
        return pd.Timedelta(value).isoformat()
    if isinstance(value, (pd.Timestamp, _dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return str(value)


def as_text(value) -> str | None:
    """One value as text: None for a missing value, JSON for containers, hex for bytes, ISO 8601 for times."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, (dict, list, tuple, np.ndarray)):
        try:
            return json.dumps(value.tolist() if isinstance(value, np.ndarray) else value, ensure_ascii=False,
                              default=_json_default, allow_nan=True)
        except (TypeError, ValueError):
            return str(value)
    if isinstance(value, (pd.Timedelta, _dt.timedelta)):
        return pd.Timedelta(value).isoformat()
    if isinstance(value, (pd.Timestamp, _dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    return str(value)


def _is_plain(series: pd.Series) -> bool:
    """A column every format writes natively: numbers, booleans, strings, naive datetimes."""
    dtype = series.dtype
    return (pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)
            or isinstance(dtype, pd.StringDtype) or (pd.api.types.is_datetime64_dtype(dtype)))


def _unique_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Column names as unique strings (a query may return two columns with one name, or none)."""
    names, seen = [], set()
    for n, column in enumerate(frame.columns):
        name = str(column) if str(column) != "" else f"column_{n + 1}"
        base, k = name, 1
        while name in seen:
            k += 1
            name = f"{base}_{k}"
        seen.add(name)
        names.append(name)
    out = frame.copy()
    out.columns = names
    return out


def _object_as_text(frame: pd.DataFrame, *, keep_times: bool) -> pd.DataFrame:
    out = _unique_columns(frame)
    for column in out.columns:
        series = out[column]
        if _is_plain(series):
            continue
        if keep_times and isinstance(series.dtype, pd.DatetimeTZDtype):
            continue
        if keep_times and pd.api.types.is_timedelta64_dtype(series.dtype):
            continue
        out[column] = series.map(as_text).astype("string")
    return out


def for_csv(frame: pd.DataFrame) -> pd.DataFrame:
    return _object_as_text(frame, keep_times=True)


def for_xlsx(frame: pd.DataFrame) -> pd.DataFrame:
    """Excel has no time zones, intervals or containers, forbids control characters and caps a cell's length."""
    out = _object_as_text(frame, keep_times=False)
    for column in out.columns:
        series = out[column]
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            out[column] = series.dt.tz_convert("UTC").dt.tz_localize(None)
        elif pd.api.types.is_timedelta64_dtype(series.dtype):
            out[column] = series.map(as_text).astype("string")
        if isinstance(out[column].dtype, pd.StringDtype):
            out[column] = out[column].map(lambda v: v if v is None or v is pd.NA or not isinstance(v, str)
                                          else _XLSX_ILLEGAL.sub("\ufffd", v)[:XLSX_MAX_CELL])
    for column in out.columns:  # Excel's dates run from 1900-03-01 (serials before are ambiguous) to 9999-12-31
        values = out[column]
        if pd.api.types.is_datetime64_dtype(values.dtype) and values.notna().any():
            if values.min() < EXCEL_FIRST_DATE or values.max() > EXCEL_LAST_DATE:
                out[column] = values.map(as_text).astype("string")
    for column in out.columns:  # out-of-range floats are not numbers in Excel
        if pd.api.types.is_float_dtype(out[column].dtype):
            values = out[column]
            if not np.isfinite(values.dropna().to_numpy(dtype="float64", na_value=np.nan)).all():
                out[column] = values.map(lambda v: None if pd.isna(v) else (v if math.isfinite(v) else str(v)))
    return out


def for_parquet(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns Arrow can type stay as they are (lists, structs, tz timestamps, intervals); the rest become text."""
    out = _unique_columns(frame)
    for column in out.columns:
        series = out[column]
        if _is_plain(series):
            continue
        try:
            array = pa.array(series, from_pandas=True)
            pa.Table.from_arrays([array], names=["x"]).to_pandas()  # noqa: B018 - the types must read back too
            _probe_parquet(array)
        except Exception:  # noqa: BLE001 - any value Arrow or Parquet cannot hold is written as text
            out[column] = series.map(as_text).astype("string")
    return out


def _probe_parquet(array: pa.Array) -> None:
    import pyarrow.parquet as pq
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_arrays([array[:1]], names=["x"]), buffer)


def to_csv(frame: pd.DataFrame) -> bytes:
    return for_csv(frame).to_csv(index=False).encode("utf-8", errors="replace")


def to_xlsx(frame: pd.DataFrame) -> bytes:
    """The workbook with every text cell stored as text: openpyxl makes a formula of any text that begins with '='
    (a column name too); such a cell is turned back into a string cell, marked as text for Excel (quotePrefix)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for_xlsx(frame).to_excel(writer, index=False)
        for sheet in writer.sheets.values():
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        cell.data_type = "s"
                        cell.quotePrefix = True
    return buffer.getvalue()


def to_parquet(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    try:
        for_parquet(frame).to_parquet(buffer, index=False)
    except Exception:  # noqa: BLE001 - the last resort: every column as text
        buffer = io.BytesIO()
        for_csv(frame).astype("string").to_parquet(buffer, index=False)
    return buffer.getvalue()


def for_display(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame st.dataframe can always show: containers, bytes and odd objects as text."""
    return _object_as_text(frame, keep_times=True)


MAKERS = {
    "csv": (to_csv, "text/csv", "download_csv"),
    "xlsx": (to_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "download_xlsx"),
    "parquet": (to_parquet, "application/vnd.apache.parquet", "download_parquet"),
}


def file_payloads(frame: pd.DataFrame, stem: str = "", formats=("csv", "xlsx", "parquet")) -> dict[str, bytes | None]:
    """The download files of `frame` per format (None: the format could not be made, logged). Pure, so a page can
    make them once per warehouse version (ui.render_cache) instead of on every rerun."""
    payloads: dict[str, bytes | None] = {}
    for fmt in formats:
        try:
            payloads[fmt] = MAKERS[fmt][0](frame)
        except Exception:  # noqa: BLE001 - never a traceback for a download; the other formats still work
            _LOG.exception("download %s.%s could not be made", stem, fmt)
            payloads[fmt] = None
    return payloads


def download_buttons_for(payloads, stem: str, lang: str) -> None:
    """One download button per format from files made before (`file_payloads`)."""
    columns = st.columns(len(payloads))
    for column, (fmt, payload) in zip(columns, payloads.items()):
        _, mime, label = MAKERS[fmt]
        if payload is None:
            column.caption(t("download_failed", lang, format=fmt.upper()))
            continue
        column.download_button(t(label, lang), payload, file_name=f"{stem}.{fmt}", mime=mime,
                               key=f"download_{stem}_{fmt}", on_click="ignore")
    if payloads.get("csv") is not None:
        st.caption(t("download_csv_exact", lang))   # why CSV values are not prefixed (module docstring)


def download_buttons(frame: pd.DataFrame, stem: str, lang: str, *, formats=("csv", "xlsx", "parquet")) -> None:
    download_buttons_for(file_payloads(frame, stem, formats), stem, lang)


__all__ = ["as_text", "download_buttons", "download_buttons_for", "file_payloads", "for_csv", "for_display", "for_parquet", "for_xlsx", "to_csv",
           "to_parquet", "to_xlsx"]
