"""Downloads of exactly what a view shows: CSV, Excel and Parquet."""
from __future__ import annotations

import io

import pandas as pd
import streamlit as st

from ui.i18n import t


def to_csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode("utf-8")


def to_xlsx(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False, engine="openpyxl")
    return buffer.getvalue()


def to_parquet(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def download_buttons(frame: pd.DataFrame, stem: str, lang: str, *, formats=("csv", "xlsx", "parquet")) -> None:
    makers = {
        "csv": (to_csv, "text/csv", "download_csv"),
        "xlsx": (to_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "download_xlsx"),
        "parquet": (to_parquet, "application/vnd.apache.parquet", "download_parquet"),
    }
    columns = st.columns(len(formats))
    for column, fmt in zip(columns, formats):
        make, mime, label = makers[fmt]
        column.download_button(t(label, lang), make(frame), file_name=f"{stem}.{fmt}", mime=mime,
                               key=f"download_{stem}_{fmt}", on_click="ignore")
