"""A table whose numbers st.dataframe shows in the page's language while it still sorts them as numbers: a pandas
Styler (Streamlit sends its display values beside the data). Made once per warehouse version and view.

Streamlit marshals a Styler on every st.dataframe call: pandas' `_compute` and `_translate` build a dict per cell
and our formatter runs per value (on the explorer's table that was two thirds of the page's run). `formatted_table`
keeps the translated result of its first render, so a table shown from the per-version cache (ui.render_cache)
costs its first viewer that work and every later one only Streamlit's own copy of the display values, of the
formatted columns only (see below). It is read-only after that first render; the lock keeps two first viewers from
translating into one object at once."""
from __future__ import annotations

import threading
from typing import Callable

import pandas as pd
from pandas.io.formats.style import Styler


def formatted_table(frame: pd.DataFrame, formatters: dict[str, Callable | list[tuple[list, Callable]]]) -> Styler:
    """`frame` with each column in `formatters` shown through its formatter (the data keep their type), rendered
    once. A column's formatter is one callable, or a list of (row labels, callable) when rows differ (e.g. each
    figure at its own precision). It stays a plain pandas Styler (Streamlit recognises one by its exact type, not a
    subclass); only this object's `_compute` and `_translate` are replaced by ones that keep the first result."""
    columns = [c for c in formatters if c in frame.columns]
    # Streamlit sends a display value for each cell that has an HTML id; with `cell_ids=False` pandas gives ids
    # only to cells that carry a style, so the formatted columns get one (numbers align right) and the other
    # columns are sent as their plain text without a Styler pass over each of them.
    styler = Styler(frame, cell_ids=False)
    for column in columns:
        formatter = formatters[column]
        for rows, function in ([(slice(None), formatter)] if callable(formatter) else formatter):
            styler = styler.format(function, subset=pd.IndexSlice[rows, [column]])
    styler = styler.map(lambda _: "text-align: right", subset=columns)
    compute, translate = styler._compute, styler._translate
    rendered: list = []
    lock = threading.Lock()

    def compute_once():
        return styler if rendered else compute()

    def translate_once(*args, **kwargs):
        with lock:
            if not rendered:
                rendered.append(translate(*args, **kwargs))
            return rendered[0]

    styler._compute, styler._translate = compute_once, translate_once
    return styler
