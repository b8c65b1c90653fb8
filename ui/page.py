"""What every page shares: language from the URL, the language switch, the page language for screen readers,
friendly messages for bad URL parameters, and the freshness line."""
from __future__ import annotations

import os

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from ui import data
from ui.i18n import DEFAULT_LANG, LANGS, format_datetime, format_number, t


def _through_app_only() -> None:
    """Every page runs through app.py's st.navigation (language, sidebar, public-mode page list).

    A fresh Streamlit server that sees a folder named pages/ beside app.py assumes the old file-based multipage
    mode until app.py has called st.navigation once; if the first visitor opens a page URL such as /goal, the page
    file would run on its own, without app.py (and, in public mode, pages that app.py leaves out would be
    reachable). Leave that mode and rerun, so app.py runs and resolves the same URL.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def is_public() -> bool:
    return os.environ.get("MONITOR_MODE", "").strip().lower() == "public"


def current_lang() -> str:
    _through_app_only()
    value = st.query_params.get("lang", DEFAULT_LANG)
    return value if value in LANGS else DEFAULT_LANG


def language_switch() -> str:
    """The visible language switch; the choice lives in the URL (`?lang=en`) so links keep it."""
    requested = st.query_params.get("lang")
    lang = current_lang()
    if requested is not None and requested not in LANGS:
        st.warning(t("unknown_lang", DEFAULT_LANG, value=requested[:40]))
        del st.query_params["lang"]
    choice = st.sidebar.radio(
        t("language", lang), LANGS, index=LANGS.index(lang), horizontal=True,
        format_func=lambda code: t(f"lang_name_{code}", lang), key="language_switch",
    )
    if choice != lang:
        st.query_params["lang"] = choice
        st.rerun()
    _set_document_language(lang)
    return lang


# Streamlit's default caption grey is below 4.5:1 on white (WCAG 1.4.3); darken captions and widget help.
CONTRAST_CSS = """<style>
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p,
[data-testid="stWidgetLabel"] p, small { color: #4b4b57 !important; opacity: 1 !important; }
</style>"""


def _set_document_language(lang: str) -> None:
    # Streamlit serves <html lang="en">; screen readers need the page's real language (WCAG 3.1.1).
    st.html(CONTRAST_CSS)
    st.html(f"<script>document.documentElement.lang = '{'nb' if lang == 'nb' else 'en'}';</script>",
            unsafe_allow_javascript=True)


def require_warehouse(lang: str) -> None:
    if data.warehouse_version() is None:
        st.error(t("no_warehouse", lang, path=data.warehouse_path()))
        st.stop()


def freshness(lang: str) -> None:
    info = data.build_info()
    st.caption(t("freshness", lang, built=format_datetime(info["built_at"], lang), build_id=info["build_id"],
                 n_obs=format_number(int(info["n_observations"]), lang),
                 n_sources=format_number(int(info["n_sources"]), lang)))
