"""Render once per warehouse version: the summary pages' Markdown, tables and figure specs are built by pure
functions of (warehouse version, language, goal …) and kept in st.cache_data, so a new session or a rerun only sends
them. A new build has a new version (ui.data.warehouse_version), so nothing stale is shown after a swap."""
from __future__ import annotations

import functools
from typing import Callable

import streamlit as st

from ui import data

_FUNCTIONS: dict[str, Callable] = {}


@st.cache_data(show_spinner=False, max_entries=2048)
def _render(name: str, version: tuple, args: tuple):
    return _FUNCTIONS[name](*args)


def per_version(fn: Callable) -> Callable:
    """Cache `fn(*args)` (hashable args, picklable result, no st.* calls inside) per warehouse version."""
    name = f"{fn.__module__}.{fn.__qualname__}"
    _FUNCTIONS[name] = fn

    @functools.wraps(fn)
    def wrapper(*args):
        return _render(name, data.warehouse_version(), args)

    wrapper.uncached = fn
    return wrapper


@st.cache_resource(show_spinner=False, max_entries=512)
def _resource(name: str, version: tuple, args: tuple):
    return _FUNCTIONS[name](*args)


def per_version_resource(fn: Callable) -> Callable:
    """Like per_version, for objects shared without a copy (Plotly figures: st.plotly_chart only reads them)."""
    name = f"{fn.__module__}.{fn.__qualname__}"
    _FUNCTIONS[name] = fn

    @functools.wraps(fn)
    def wrapper(*args):
        return _resource(name, data.warehouse_version(), args)

    wrapper.uncached = fn
    return wrapper
