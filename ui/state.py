"""View state in the URL: read a parameter, validate it against what exists, and keep the URL in step."""
from __future__ import annotations

import streamlit as st

from ui.i18n import t


def choose(param: str, options: list[str], *, label: str, lang: str, format_func, unknown_key: str,
           key: str) -> str:
    """A selectbox whose value lives in `?param=`; an unknown value gives a friendly message, never a traceback."""
    requested = st.query_params.get(param)
    if requested is not None and requested not in options:
        st.warning(t(unknown_key, lang, value=requested[:80]))
        requested = None
    index = options.index(requested) if requested in options else 0
    value = st.selectbox(label, options, index=index, format_func=format_func, key=key)
    if st.query_params.get(param) != value:
        st.query_params[param] = value
    return value
