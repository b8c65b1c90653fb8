"""What every page shares: language from the URL, the language switch, the page language for screen readers,
friendly messages for bad URL parameters (user text shown as plain text, capped, many problems in one message),
a per-session limit on reruns, and the freshness line."""
from __future__ import annotations

import gc
import os
import time

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from ui import data
from ui.i18n import DEFAULT_LANG, LANGS, format_datetime, format_number, t
from ui.render_cache import per_version
from ui.plain_text import MAX_ECHO_CHARS, http_url, md, plain  # noqa: F401 - used by the pages
from ui.tables import TABLE_CSS


_APP_RUN = "_monitor_app_run"


def _run_marker():
    """An object that exists for exactly one script run (ScriptRunContext.reset makes a new one), or None."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
    ctx = get_script_run_ctx(suppress_warning=True)
    return None if ctx is None else (ctx, getattr(ctx, "parallel_coordinator", None))


def _mark_app_run() -> None:
    """app.py is running this run (called from language_switch, which app.py calls before any page runs)."""
    marker = _run_marker()
    if marker is not None:
        ctx, run = marker
        ctx.__dict__[_APP_RUN] = run


def _through_app_only() -> None:
    """Every page runs through app.py's st.navigation (language, sidebar, public-mode page list).

    A fresh Streamlit server that sees a folder named pages/ beside app.py assumes the old file-based multipage
    mode until app.py has called st.navigation once; if the first visitors open a page URL such as /goal, the page
    file would run on its own, without app.py (and, in public mode, pages that app.py leaves out would be
    reachable). A page run that app.py did not start (app.py marks its runs in language_switch) leaves that mode
    and reruns, so app.py runs and resolves the same URL. The mark is per run, so two first visitors at once both
    get app.py (a class-wide flag alone let the second one through on its own).
    """
    marker = _run_marker()
    if marker is None:
        return
    ctx, run = marker
    if ctx.__dict__.get(_APP_RUN) is not run:
        tries = ctx.__dict__.get("_monitor_app_tries", 0)
        if tries >= 2:   # the page file is the main script itself (no app.py to go through): show nothing
            st.stop()
        ctx.__dict__["_monitor_app_tries"] = tries + 1
        PagesManager.uses_pages_directory = False
        st.rerun()
    ctx.__dict__["_monitor_app_tries"] = 0


# --------------------------------------------------------------------------------------------------------------
# User text in messages: plain text, capped
# --------------------------------------------------------------------------------------------------------------

MAX_PROBLEMS_SHOWN = 5       # problems listed in the one message; the rest are counted
MAX_PARAMS = 50              # query parameters looked at by a page; the rest are counted as ignored
# plain(), md() and http_url() live in ui.plain_text (a leaf module: ui.tables uses them too)


def show_problems(messages: list[str], lang: str) -> None:
    """One warning for all the problems of a link: the first few listed, the rest counted. Each message must
    already carry its user text through `plain()` (the texts' own markdown stays)."""
    if not messages:
        return
    shown = list(dict.fromkeys(messages))[:MAX_PROBLEMS_SHOWN]
    lines = shown if len(shown) == 1 else [f"- {m}" for m in shown]
    rest = len(messages) - len(shown)
    if rest > 0:
        lines.append(t("url_problems_more", lang, n=rest))
    st.warning("\n".join(lines))


# --------------------------------------------------------------------------------------------------------------
# A per-session limit on reruns
# --------------------------------------------------------------------------------------------------------------

RATE_BURST = float(os.environ.get("MONITOR_RATE_BURST", "20"))         # reruns a session may make at once
RATE_PER_SECOND = float(os.environ.get("MONITOR_RATE_PER_SECOND", "1"))  # and then per second, sustained
_BUCKET = "_monitor_rate_bucket"


def take_token(bucket: dict | None, now: float, *, burst: float | None = None,
               per_second: float | None = None) -> tuple[dict, bool]:
    """A token bucket: (the bucket after this run, whether the run may go on). Pure, for the tests."""
    burst = RATE_BURST if burst is None else burst
    per_second = RATE_PER_SECOND if per_second is None else per_second
    if bucket is None:
        bucket = {"tokens": burst, "at": now, "refused": 0}
    tokens = min(burst, bucket["tokens"] + max(0.0, now - bucket["at"]) * per_second)
    if tokens >= 1:
        return {"tokens": tokens - 1, "at": now, "refused": 0}, True
    return {"tokens": tokens, "at": now, "refused": bucket.get("refused", 0) + 1}, False


_REFUSED_RUN = "_monitor_refused_run"


class _PostRunCollector:
    """Streamlit forces a full garbage collection (`gc.collect(2)`) after every script run (runner.postScriptGC).
    With pandas, pyarrow and plotly loaded that is ~90 ms of CPU here, more than nine tenths of what a refused run
    costs (measured: 200 refused reruns 19.3 s of server CPU with it, 1.3 s without). A refused run makes next
    to no garbage, so its collection is skipped; every other run is collected as before. Installed in place of
    the `gc` module Streamlit's script runner calls (everything but `collect` is the real module)."""

    def __getattr__(self, name):
        return getattr(gc, name)

    def collect(self, *args, **kwargs):
        marker = _run_marker()
        if marker is not None and marker[1] is not None and marker[0].__dict__.get(_REFUSED_RUN) is marker[1]:
            return 0
        return gc.collect(*args, **kwargs)


def _install_post_run_collector() -> None:
    from streamlit.runtime.scriptrunner import script_runner
    if not isinstance(script_runner.gc, _PostRunCollector):
        script_runner.gc = _PostRunCollector()


def throttle(lang: str) -> None:
    """Called first in every run (through language_switch): a session that reruns faster than a person can
    click gets one short message and its run stops at once, so one client cannot take the server's time; the
    refused run also skips Streamlit's forced full garbage collection (_PostRunCollector)."""
    try:
        bucket = st.session_state.get(_BUCKET)
    except Exception:  # noqa: BLE001 - no session (bare mode)
        return
    bucket, allowed = take_token(bucket, time.monotonic())
    st.session_state[_BUCKET] = bucket
    if not allowed:
        marker = _run_marker()
        if marker is not None:
            _install_post_run_collector()
            ctx, run = marker
            ctx.__dict__[_REFUSED_RUN] = run   # this run only (the marker is new for every run)
        st.warning(t("too_many_requests", lang))
        st.stop()


def is_public() -> bool:
    return os.environ.get("MONITOR_MODE", "").strip().lower() == "public"


def current_lang() -> str:
    _through_app_only()
    value = st.query_params.get("lang", DEFAULT_LANG)
    return value if value in LANGS else DEFAULT_LANG


def language_switch() -> str:
    """The visible language switch; the choice lives in the URL (`?lang=en`) so links keep it."""
    _mark_app_run()
    requested = st.query_params.get("lang")
    lang = current_lang()
    throttle(lang)
    if requested is not None and requested not in LANGS:
        st.warning(t("unknown_lang", DEFAULT_LANG, value=plain(requested)))
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


# Streamlit renders a Material icon (`:material/check_circle:`) as <span role="img" aria-label="check_circle icon">, so
# a screen reader hears English icon names in both languages ("keyboard_double_arrow_up icon Substantial
# progress"). Every icon in the monitor's text stands beside the word that carries its meaning: in text, badges,
# page links and the navigation, the icons are made decorative (hidden from assistive technology), as they render.
DECORATIVE_ICONS_JS = """<script>
(function () {
  if (window.monitorDecorativeIcons) { window.monitorDecorativeIcons(); return; }
  var where = ['[data-testid="stMarkdownContainer"]', '[data-testid="stPageLink"]', '[data-testid="stSidebarNav"]'];
  var selector = where.map(function (w) { return w + ' [role="img"][aria-label$=" icon"]'; }).join(', ');
  function hide() {
    document.querySelectorAll(selector).forEach(function (icon) {
      icon.removeAttribute('role'); icon.removeAttribute('aria-label'); icon.setAttribute('aria-hidden', 'true');
    });
  }
  window.monitorDecorativeIcons = hide;
  new MutationObserver(hide).observe(document.body, {childList: true, subtree: true});
  hide();
})();
</script>"""


def _set_document_language(lang: str) -> None:
    # Streamlit serves <html lang="en">; screen readers need the page's real language (WCAG 3.1.1).
    st.html(CONTRAST_CSS + TABLE_CSS)
    st.html(f"<script>document.documentElement.lang = '{'nb' if lang == 'nb' else 'en'}';</script>"
            + DECORATIVE_ICONS_JS, unsafe_allow_javascript=True)


def require_warehouse(lang: str) -> None:
    """The friendly message instead of the page when no warehouse can be served (missing or unreadable file);
    also pins this run to one warehouse version (ui/data.py)."""
    problem = data.warehouse_problem()
    if problem is None:
        return
    key = "no_warehouse" if problem.reason == "missing" else "corrupt_warehouse"
    st.error(t(key, lang, path=plain(data.warehouse_path().name if is_public() else data.warehouse_path(), 200)))
    st.stop()


@per_version
def freshness_text(lang: str) -> str:
    info = data.build_info()
    return t("freshness", lang, built=format_datetime(info["built_at"], lang), build_id=info["build_id"],
             n_obs=format_number(int(info["n_observations"]), lang), n_sources=format_number(int(info["n_sources"]), lang))


def freshness(lang: str) -> None:
    st.caption(freshness_text(lang))
